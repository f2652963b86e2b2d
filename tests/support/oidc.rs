//! Sign-in test support: a real OpenID provider (the `oidc-provider` package of `tests/oidc/`,
//! which this project does not write) on a free loopback port, the demo tenants served over TCP
//! with citizen sign-in, and a browser that keeps cookies and follows redirects one at a time so
//! that tests can look at every hop.
//!
//! The provider needs Node.js 20 or newer and its packages: `tests/services` installs them
//! (`npm ci` in `tests/oidc`) when they are missing. Without them the tests fail and say what to
//! run; they never skip.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use motcua_web::dev_oidc::DevProvider;
use motcua_web::oidc::{ClientAuth, ClientSecret, OfficialProviders, RelyingParty, Settings};
use motcua_web::session::CitizenIdentity;
use reqwest::cookie::{CookieStore, Jar};

use crate::{Backend, TestApp, demo_bundles, repo_root};

/// The secret of the provider's test clients.
pub const TEST_SECRET: &str = "motcua-test-secret";

/// A client registered at the test provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestClient {
    /// ID tokens signed RS256; `client_secret_basic` at the token endpoint.
    Rs256Basic,
    /// ID tokens signed ES256; `client_secret_post` at the token endpoint.
    Es256Post,
}

impl TestClient {
    /// Its client id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Rs256Basic => "motcua-rs256",
            Self::Es256Post => "motcua-es256",
        }
    }

    fn auth(self) -> ClientAuth {
        match self {
            Self::Rs256Basic => ClientAuth::Basic,
            Self::Es256Post => ClientAuth::Post,
        }
    }
}

/// The test provider, running; killed when dropped.
#[derive(Debug)]
pub struct OidcProvider {
    child: Child,
    /// Its issuer, `http://127.0.0.1:PORT`.
    pub issuer: String,
    stderr: Arc<Mutex<String>>,
}

impl OidcProvider {
    /// Starts the provider with clients accepting `redirect_uris`.
    pub fn start(redirect_uris: &[String]) -> Self {
        let dir = repo_root().join("tests/oidc");
        assert!(
            dir.join("node_modules/oidc-provider/package.json").exists(),
            "the test OpenID provider is not installed in {}: run `tests/services` (or `npm ci --prefix tests/oidc`); it needs Node.js 20 or newer and npm",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("REDIRECT_URIS", redirect_uris.join(","))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run `node` for the test OpenID provider (Node.js 20 or newer is needed): {e}")
            });
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                sink.lock().unwrap().push_str(&text);
            });
        }
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining: a closed pipe would kill the provider at its next write.
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            sink.lock().unwrap().push_str(&rest);
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let issuer = serde_json::from_str::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v["issuer"].as_str().map(str::to_owned));
        let Some(issuer) = issuer else {
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            panic!(
                "the test OpenID provider did not start (stdout: {line:?}):\n{}",
                stderr.lock().unwrap()
            );
        };
        Self {
            child,
            issuer,
            stderr,
        }
    }

    /// Relying-party settings for `client`, requesting LoA2.
    pub fn settings(&self, client: TestClient) -> Settings {
        Self::settings_at(&self.issuer, client)
    }

    /// Relying-party settings for `client` of a provider at `issuer`, requesting LoA2.
    pub fn settings_at(issuer: &str, client: TestClient) -> Settings {
        Settings {
            issuer: issuer.to_owned(),
            client_id: client.id().to_owned(),
            client_secret: ClientSecret(TEST_SECRET.to_owned()),
            client_auth: client.auth(),
            acr_values: vec!["LoA2".to_owned()],
            acr_order: ["LoA1", "LoA2", "LoA3", "LoA4"].map(String::from).to_vec(),
            citizen_id_claim: "citizen_id".to_owned(),
            scopes: vec!["openid".to_owned(), "profile".to_owned()],
        }
    }

    /// Makes the token endpoint alter the ID tokens it issues from now on: `payload`, `nonce`,
    /// `expired`, `audience` (see tests/oidc/provider.mjs), or `""` to stop.
    pub async fn tamper(&self, mode: &str) {
        let status = reqwest::Client::new()
            .post(format!("{}/_test/tamper", self.issuer))
            .form(&[("mode", mode)])
            .send()
            .await
            .expect("the test provider answers")
            .status();
        assert_eq!(status, StatusCode::NO_CONTENT);
    }

    /// What the provider wrote to its standard error so far.
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo tenants served over TCP on a free loopback port, with citizen sign-in.
#[derive(Debug)]
pub struct SignInApp {
    /// The application (its state, and the database kept alive).
    pub app: TestApp,
    /// Where it listens.
    pub addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl SignInApp {
    /// Serves the demo tenants on `backend`; `sign_in` gets the address (to register redirect
    /// URIs or name the development provider's issuer) and returns the relying party and, for
    /// the demo, the development provider.
    pub async fn start(
        backend: Backend,
        sign_in: impl FnOnce(SocketAddr) -> (Option<RelyingParty>, Option<DevProvider>),
    ) -> Self {
        Self::start_with(backend, sign_in, OfficialProviders::default()).await
    }

    /// Like [`SignInApp::start`], with the client secrets of the tenants' own providers for
    /// their officials.
    pub async fn start_with(
        backend: Backend,
        sign_in: impl FnOnce(SocketAddr) -> (Option<RelyingParty>, Option<DevProvider>),
        officials: OfficialProviders,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("an address");
        let mut app = TestApp::new(backend).await;
        let (rp, dev) = sign_in(addr);
        app.state.citizen_sign_in = rp;
        app.state.dev_oidc = dev;
        app.state.official_sign_in = officials;
        app.router = motcua_web::app(app.state.clone());
        let router = app.router.clone();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { app, addr, server }
    }

    /// `http://<host>:<port><path>`.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.addr.port())
    }

    /// The callback of every demo tenant's primary hosts on `addr`: the redirect URIs to
    /// register at the provider.
    pub fn callbacks(addr: SocketAddr) -> Vec<String> {
        demo_hosts()
            .into_iter()
            .filter(|(_, primary)| *primary)
            .map(|(host, _)| format!("http://{host}:{}/auth/callback", addr.port()))
            .collect()
    }

    /// The callback of officials' sign-in through their tenant's provider on every demo
    /// tenant's primary host (the officials' host included) on `addr`.
    pub fn official_callbacks(addr: SocketAddr) -> Vec<String> {
        demo_hosts()
            .into_iter()
            .filter(|(_, primary)| *primary)
            .map(|(host, _)| {
                format!(
                    "http://{host}:{}{}",
                    addr.port(),
                    motcua_web::oidc::OFFICIAL_CALLBACK_PATH
                )
            })
            .collect()
    }

    /// The signed-in citizen of the browser's session on `host`, as the session API
    /// (`GET /api/v1/session`) tells it; `None` when not signed in.
    pub async fn citizen(&self, browser: &Browser, host: &str) -> Option<CitizenIdentity> {
        let r = browser.get(&self.url(host, "/api/v1/session")).await;
        match r.status {
            StatusCode::UNAUTHORIZED => None,
            StatusCode::OK => {
                let body: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
                let principal = &body["principal"];
                assert_eq!(principal["kind"], "citizen", "{body}");
                Some(serde_json::from_value(principal.clone()).expect("a citizen"))
            }
            other => panic!("GET /api/v1/session: {other}: {}", r.body),
        }
    }
}

impl Drop for SignInApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Every host of the demo tenants, with whether it is primary.
fn demo_hosts() -> Vec<(String, bool)> {
    let suffix = motcua_core::tenant::DomainSuffix::development();
    demo_bundles()
        .iter()
        .flat_map(|b| b.manifest.domains.hosts(&suffix))
        .map(|h| (h.host.to_string(), h.primary))
        .collect()
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Page {
    /// The URL asked for.
    pub url: String,
    /// The status.
    pub status: StatusCode,
    /// The redirect target, made absolute.
    pub location: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: String,
}

/// A browser: a cookie jar, no automatic redirects, the demo tenants' hosts resolved to the
/// application.
#[derive(Debug)]
pub struct Browser {
    client: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    /// A browser that reaches the demo tenants' hosts at `app`.
    pub fn new(app: SocketAddr) -> Self {
        let jar = Arc::new(Jar::default());
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(Arc::clone(&jar))
            .timeout(Duration::from_secs(20));
        for (host, _) in demo_hosts() {
            builder = builder.resolve(&host, app);
        }
        Self {
            client: builder.build().expect("an HTTP client"),
            jar,
        }
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Page {
        self.read(url, self.client.get(url)).await
    }

    /// `POST url` with a form.
    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        self.read(url, self.client.post(url).form(form)).await
    }

    /// Follows redirects from `url` with `GET` until an answer that is not a redirect, or a
    /// redirect to a URL starting with `stop_at` (returned unfollowed).
    pub async fn follow(&self, url: &str, stop_at: &str) -> Page {
        let mut page = self.get(url).await;
        for _ in 0..20 {
            match &page.location {
                Some(next) if page.status.is_redirection() && !next.starts_with(stop_at) => {
                    let next = next.clone();
                    page = self.get(&next).await;
                }
                _ => return page,
            }
        }
        panic!("more than 20 redirects from {url}");
    }

    /// Stores a cookie as if `url` had set it.
    pub fn set_cookie(&self, url: &str, cookie: &str) {
        self.jar
            .add_cookie_str(cookie, &url.parse().expect("a URL"));
    }

    /// The cookies the browser would send to `url`.
    pub fn cookies(&self, url: &str) -> Option<HeaderValue> {
        self.jar.cookies(&url.parse().expect("a URL"))
    }

    async fn read(&self, url: &str, request: reqwest::RequestBuilder) -> Page {
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e:?}"));
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(|l| {
                url::Url::parse(url)
                    .and_then(|base| base.join(l))
                    .map_or_else(|_| l.to_owned(), |u| u.to_string())
            });
        Page {
            url: url.to_owned(),
            status,
            location,
            headers,
            body: response.text().await.unwrap_or_default(),
        }
    }

    /// Signs in at the test provider from its authorization URL as `login`: the login form, then
    /// the consent form, or its cancel button when `consent` is false. Returns the provider's
    /// last answer: the redirect to the callback.
    pub async fn at_provider(&self, authorize: &str, login: &str, consent: bool) -> Page {
        let mut page = self.follow_provider(authorize).await;
        for _ in 0..4 {
            if page.status.is_redirection() {
                return page;
            }
            assert_eq!(page.status, StatusCode::OK, "{}: {}", page.url, page.body);
            let base = page.url.split('?').next().unwrap_or_default().to_owned();
            let answered = if page.body.contains("<h1>Sign in</h1>") {
                self.post(&format!("{base}/login"), &[("login", login)])
                    .await
            } else if page.body.contains("<h1>Consent</h1>") && consent {
                self.post(&format!("{base}/confirm"), &[]).await
            } else if page.body.contains("<h1>Consent</h1>") {
                self.post(&format!("{base}/abort"), &[]).await
            } else {
                panic!("unexpected provider page {}: {}", page.url, page.body);
            };
            let next = answered
                .location
                .unwrap_or_else(|| panic!("no redirect from {}: {}", answered.url, answered.body));
            page = self.follow_provider(&next).await;
        }
        panic!("the provider did not send the browser back");
    }

    /// Follows the provider's redirects, stopping at the first one that leaves the provider.
    async fn follow_provider(&self, url: &str) -> Page {
        let origin = {
            let u = url::Url::parse(url).expect("a URL");
            u.origin().ascii_serialization()
        };
        let mut page = self.get(url).await;
        for _ in 0..10 {
            match &page.location {
                Some(next) if page.status.is_redirection() && next.starts_with(&origin) => {
                    let next = next.clone();
                    page = self.get(&next).await;
                }
                _ => return page,
            }
        }
        panic!("too many redirects at the provider from {url}");
    }
}
