//! The `http` capability over https, against a real TLS server on loopback under a test
//! certificate authority: trusted through the platform's CA bundle (`HostConfig::http_ca_file`),
//! refused in plain words when the certificate does not verify, held to the tenant's allow-list
//! before any connection, never following a redirect, and replayed from the record.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{TimeZone, Utc};
use motcua_core::plugin::{Capability, PluginInstall};
use motcua_plugins::{
    Context, Host, HostConfig, Input, Limits, Loaded, PluginError, Run, manifest,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A certificate authority made for one test.
struct Authority {
    issuer: Issuer<'static, KeyPair>,
    /// Its certificate, PEM.
    pem: String,
}

impl Authority {
    fn new() -> Self {
        let key = KeyPair::generate().expect("a CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params
            .distinguished_name
            .push(DnType::CommonName, "Sở TT&TT thử nghiệm — CA riêng");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let certificate = params.self_signed(&key).expect("the CA certificate");
        Self {
            pem: certificate.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names`, valid now or, when `expired`, only in 2020.
    fn leaf(
        &self,
        names: &[&str],
        expired: bool,
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().expect("a server key");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("server parameters");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 12, 31);
        }
        let certificate = params
            .signed_by(&key, &self.issuer)
            .expect("the server certificate");
        (
            certificate.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }

    /// The CA bundle file a host is configured with.
    fn bundle(&self, dir: &tempfile::TempDir) -> std::path::PathBuf {
        let path = dir.path().join("plugins-ca.pem");
        std::fs::write(&path, &self.pem).expect("the CA bundle");
        path
    }
}

/// Accepts TLS connections for axum, counting every TCP connection (handshakes that fail too).
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    connections: Arc<AtomicUsize>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            self.connections.fetch_add(1, Ordering::SeqCst);
            // A client that refuses the certificate ends the handshake: wait for the next one.
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A reference service over https on loopback: `/doanh-nghiep/0101234567` is known, everything
/// else there 404; `/chuyen/{id}` redirects to `redirect_to` + `/doanh-nghiep/{id}`.
struct Service {
    port: u16,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Service {
    async fn start(
        certificate: (CertificateDer<'static>, PrivateKeyDer<'static>),
        redirect_to: Option<String>,
    ) -> Self {
        use axum::extract::Path;
        use axum::http::{StatusCode, header};
        use axum::response::IntoResponse;
        use axum::routing::get;

        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![certificate.0], certificate.1)
            .expect("the server's certificate");
        let target = redirect_to.unwrap_or_default();
        let app =
            axum::Router::new()
                .route(
                    "/doanh-nghiep/{id}",
                    get(|Path(id): Path<String>| async move {
                        if id == "0101234567" {
                            Ok(axum::Json(
                                json!({ "ma_so": id, "ten": "Công ty TNHH Ánh Dương" }),
                            ))
                        } else {
                            Err(StatusCode::NOT_FOUND)
                        }
                    }),
                )
                .route(
                    "/chuyen/{id}",
                    get(move |Path(id): Path<String>| {
                        let location = format!("{target}/doanh-nghiep/{id}");
                        async move {
                            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
                        }
                    }),
                );
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = tcp.local_addr().expect("its address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let listener = TlsListener {
            tcp,
            acceptor: TlsAcceptor::from(Arc::new(config)),
            connections: Arc::clone(&connections),
        };
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the service");
        });
        Self {
            port,
            connections,
            task,
        }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A host trusting `ca_file` besides the system's authorities.
fn host(ca_file: Option<std::path::PathBuf>) -> Host {
    Host::new(HostConfig {
        max_concurrent: 4,
        http_ca_file: ca_file,
        ..HostConfig::default()
    })
    .expect("the plugin host starts")
}

fn lookup(host: &Host) -> Loaded {
    let example = motcua_plugin_examples::REFERENCE_LOOKUP;
    let m = manifest::parse(example.name, example.manifest, &Limits::CEILING)
        .unwrap_or_else(|d| panic!("{d}"));
    host.load(m, example.wasm).expect("reference-lookup loads")
}

/// `reference-lookup` granted `http` to `allow`.
fn install(allow: &[String]) -> PluginInstall {
    PluginInstall {
        pin: "reference-lookup@1.0.0".to_owned(),
        grants: vec![Capability::Log, Capability::Http],
        http_allow: allow.to_vec(),
    }
}

/// The step's input, looking tax code `0101234567` up at `url_template`.
fn ask(url_template: &str) -> Input {
    Input {
        context: Context {
            tenant: "thanhhoa".to_owned(),
            procedure: "1.001612".to_owned(),
            procedure_version: 1,
            dossier: "000.00.23.H56-260213-0001".to_owned(),
            step: "tra-cuu-dkkd".to_owned(),
            status: "accepted".to_owned(),
            case: "mac-dinh".to_owned(),
            applicant_kind: "business".to_owned(),
            form: json!({ "ma_so_thue": "0101234567" }),
            config: json!({ "url_template": url_template, "field": "ma_so_thue" }),
            plugins: json!({}),
        },
        dossier: json!({ "code": "000.00.23.H56-260213-0001" }),
        at: Utc.with_ymd_and_hms(2026, 2, 13, 8, 0, 0).unwrap(),
        seed: 7,
        replay: None,
    }
}

async fn call(host: &Host, allow: &[String], url_template: &str) -> Run {
    host.run(
        &lookup(host),
        &install(allow),
        Arc::default(),
        &ask(url_template),
    )
    .await
}

/// The English message of the business error the plugin made of a failed call.
fn failure(run: &Run) -> String {
    match &run.result {
        Err(PluginError::Business { en, .. }) => en.clone(),
        other => panic!("a business error, not {other:?}"),
    }
}

#[tokio::test]
async fn https_under_the_platforms_ca_works_and_replays_from_the_record() {
    let ca = Authority::new();
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start(ca.leaf(&["localhost"], false), None).await;
    let host = host(Some(ca.bundle(&dir)));
    let url = format!("https://localhost:{}/doanh-nghiep/{{field}}", service.port);
    // The host alone on the allow-list: any port, https's 443 included.
    let allow = ["localhost".to_owned()];
    let run = call(&host, &allow, &url).await;
    let outcome = run.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.transition, "found");
    assert_eq!(outcome.data["answer"]["ten"], "Công ty TNHH Ánh Dương");
    assert_eq!(run.http.len(), 1);
    assert_eq!(run.http[0].status, Some(200));
    assert!(
        run.http[0].url.starts_with("https://localhost:"),
        "{:?}",
        run.http[0]
    );

    // With the service gone, a replay answers from the record and agrees exactly.
    service.task.abort();
    let _ = service.task.await;
    let mut again = ask(&url);
    again.replay = Some(run.recorded());
    let replayed = host
        .run(&lookup(&host), &install(&allow), Arc::default(), &again)
        .await;
    assert_eq!(replayed.result, run.result);
    assert_eq!(replayed.fuel_used, run.fuel_used);
    assert_eq!(replayed.http, run.http);
}

#[tokio::test]
async fn certificates_that_do_not_verify_are_refused_in_plain_words() {
    let ca = Authority::new();
    let dir = tempfile::tempdir().unwrap();
    let trusting = host(Some(ca.bundle(&dir)));

    // The same kind of server without the CA configured: its issuer is not trusted.
    let service = Service::start(ca.leaf(&["localhost"], false), None).await;
    let url = format!("https://localhost:{}/doanh-nghiep/{{field}}", service.port);
    let allow = [format!("localhost:{}", service.port)];
    let untrusted = call(&host(None), &allow, &url).await;
    let message = failure(&untrusted);
    assert!(
        message.contains(&format!(
            "the certificate of localhost:{} is not trusted",
            service.port
        )),
        "{message}"
    );
    assert!(message.contains("plugins.http_ca_file"), "{message}");
    // A failed call is an answer the plugin handles, recorded for the replay, never a trap.
    assert_eq!(untrusted.http.len(), 1);
    assert_eq!(untrusted.http[0].status, None);
    let mut again = ask(&url);
    again.replay = Some(untrusted.recorded());
    let replayed = trusting
        .run(&lookup(&trusting), &install(&allow), Arc::default(), &again)
        .await;
    assert_eq!(
        replayed.result, untrusted.result,
        "replayed from the record"
    );
    // With it, the same server answers.
    let trusted = call(&trusting, &allow, &url).await;
    assert_eq!(trusted.result.unwrap().transition, "found");

    // An expired certificate, even from the trusted authority.
    let expired = Service::start(ca.leaf(&["localhost"], true), None).await;
    let url = format!("https://localhost:{}/doanh-nghiep/{{field}}", expired.port);
    let run = call(&trusting, &["localhost".to_owned()], &url).await;
    let message = failure(&run);
    assert!(message.contains("has expired"), "{message}");

    // A certificate for another name: the service reached by its address.
    let url = format!("https://127.0.0.1:{}/doanh-nghiep/{{field}}", service.port);
    let run = call(&trusting, &["127.0.0.1".to_owned()], &url).await;
    let message = failure(&run);
    assert!(
        message.contains(&format!(
            "the certificate of 127.0.0.1:{} is not issued for that host name",
            service.port
        )),
        "{message}"
    );
}

#[tokio::test]
async fn a_host_off_the_allow_list_is_denied_before_any_connection() {
    let ca = Authority::new();
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start(ca.leaf(&["localhost"], false), None).await;
    let host = host(Some(ca.bundle(&dir)));
    let url = format!("https://localhost:{}/doanh-nghiep/{{field}}", service.port);
    // Another host, and the right host on another port (443, https's default).
    for allow in [
        ["api.example.gov.vn".to_owned()],
        ["localhost:443".to_owned()],
    ] {
        let run = call(&host, &allow, &url).await;
        assert!(
            matches!(&run.result, Err(PluginError::Business { code, en, .. })
                if code == "http-denied" && en.contains("is not on the tenant's allow-list")),
            "{:?}",
            run.result
        );
    }
    assert_eq!(service.connections(), 0, "no connection was made");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let ca = Authority::new();
    let dir = tempfile::tempdir().unwrap();
    // Where the redirect points: trusted, answering, but not on the allow-list.
    let elsewhere = Service::start(ca.leaf(&["localhost"], false), None).await;
    let service = Service::start(
        ca.leaf(&["localhost"], false),
        Some(format!("https://localhost:{}", elsewhere.port)),
    )
    .await;
    let host = host(Some(ca.bundle(&dir)));
    let url = format!("https://localhost:{}/chuyen/{{field}}", service.port);
    let run = call(&host, &[format!("localhost:{}", service.port)], &url).await;
    // The plugin gets the 302 itself (reference-lookup takes only 200 or 404).
    assert!(
        matches!(&run.result, Err(PluginError::Business { code, .. }) if code == "unexpected-status"),
        "{:?}",
        run.result
    );
    assert_eq!(run.http.len(), 1);
    assert_eq!(run.http[0].status, Some(302));
    let location = run.http[0]
        .headers
        .iter()
        .find(|(k, _)| k == "location")
        .map(|(_, v)| v.as_str());
    assert_eq!(
        location,
        Some(
            format!(
                "https://localhost:{}/doanh-nghiep/0101234567",
                elsewhere.port
            )
            .as_str()
        )
    );
    assert_eq!(service.connections(), 1);
    assert_eq!(elsewhere.connections(), 0, "the redirect was not followed");
}

#[test]
fn a_ca_bundle_that_is_not_one_stops_the_host_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let e = Host::new(HostConfig {
        http_ca_file: Some(missing.clone()),
        ..HostConfig::default()
    })
    .map(drop)
    .unwrap_err();
    assert!(
        e.to_string().contains(&format!(
            "the plugins' CA bundle {} cannot be read",
            missing.display()
        )),
        "{e}"
    );
    let text = dir.path().join("notes.pem");
    std::fs::write(&text, "not a certificate\n").unwrap();
    let e = motcua_plugins::check_ca_bundle(&text).unwrap_err();
    assert!(e.to_string().contains("holds no PEM certificate"), "{e}");
    let ca = Authority::new();
    assert_eq!(
        motcua_plugins::check_ca_bundle(&ca.bundle(&dir)).unwrap(),
        1
    );
}
