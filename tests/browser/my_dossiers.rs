//! "My dossiers" in Chromium, signed in through the embedded development provider exactly as a
//! citizen signs in through the national portal: asking for the list sends them to sign in and
//! back; the dossier waiting for a supplement takes the missing document as a file, without
//! JavaScript, and its status changes; a finished dossier's electronic result downloads; axe finds
//! nothing on the list (on the Vietnamese and the English host) nor on the dossier pages.

use motcua::account_cmd::{DEMO_PASSWORD, ensure_demo_accounts, ensure_demo_roles};
use motcua_core::dossier::DossierStatus;
use motcua_tests::browser::{Browser, Options, Viewport};
use motcua_tests::oidc::SignInApp;
use motcua_tests::{Backend, Reply, backend_tests};
use motcua_web::dev_oidc::DevProvider;
use motcua_web::oidc::RelyingParty;
use serde_json::{Value, json};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const STAFF: &str = "motcua.thanhhoa.localhost";
const RECORDS: &str = "2.000488";
/// Nguyễn Văn An, the development provider's first demo citizen.
const CITIZEN: &str = "dev-citizen-1";
const CITIZEN_ID: &str = "038095001234";

/// The demo tenants with citizens signing in through the development provider, and the demo
/// officials.
pub(crate) async fn start(backend: Backend) -> SignInApp {
    let site = SignInApp::start(backend, |addr| {
        let dev = DevProvider::new(DevProvider::issuer_for(addr), "citizen_id").unwrap();
        let settings = dev.relying_party_settings(
            vec!["LoA2".into()],
            ["LoA1", "LoA2", "LoA3", "LoA4"].map(String::from).to_vec(),
            vec!["openid".into(), "profile".into()],
        );
        (Some(RelyingParty::new(settings).unwrap()), Some(dev))
    })
    .await;
    let manifests: Vec<_> = site
        .app
        .state
        .sites
        .all()
        .iter()
        .map(|s| s.manifest.clone())
        .collect();
    let store = &site.app.db.store;
    ensure_demo_accounts(store, &manifests).await.unwrap();
    ensure_demo_roles(store, &site.app.state.authz, &manifests)
        .await
        .unwrap();
    site
}

/// A demo official signed in on the staff host.
pub(crate) struct Official {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl Official {
    pub(crate) async fn new(site: &SignInApp, username: &str) -> Self {
        let r = site
            .app
            .post_json(
                STAFF,
                "/api/v1/session",
                &json!({ "username": username, "password": DEMO_PASSWORD }),
                &[],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let cookie = r.header("set-cookie").unwrap().split(';').next().unwrap();
        Self {
            cookie: cookie.to_owned(),
            csrf: r.json()["csrf"].as_str().unwrap().to_owned(),
        }
    }

    async fn post(&self, site: &SignInApp, path: &str, body: &Value) -> Reply {
        site.app
            .post_json(
                STAFF,
                path,
                body,
                &[("cookie", &self.cookie), ("x-csrf-token", &self.csrf)],
            )
            .await
    }

    /// Sends a command on the dossier's current version.
    pub(crate) async fn command(&self, site: &SignInApp, code: &str, command: Value) {
        let seen = site
            .app
            .send(
                axum::http::Request::get(format!("/api/v1/onestop/dossiers/{code}"))
                    .header("host", STAFF)
                    .header("cookie", &self.cookie)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        let version = seen.json()["version"].as_u64().unwrap();
        let r = self
            .post(
                site,
                &format!("/api/v1/onestop/dossiers/{code}/commands"),
                &json!({ "expected_version": version, "command": command }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

/// Receives a dossier of the demo citizen at the desk with `decision`: its code.
pub(crate) async fn received(site: &SignInApp, desk: &Official, decision: &str) -> String {
    let (documents, reason) = match decision {
        "supplement" => (vec!["TK"], Some("Ảnh chụp căn cước bị mờ.")),
        _ => (vec!["TK", "GTTT"], None),
    };
    let r = desk
        .post(
            site,
            "/api/v1/onestop/desk",
            &json!({
                "procedure": RECORDS,
                "case": "ca-nhan-tu-yeu-cau",
                "applicant": { "name": "Nguyễn Văn An", "id_number": CITIZEN_ID },
                "form": motcua_tests::demo_form("thanhhoa", RECORDS),
                "documents": documents,
                "decision": decision,
                "reason": reason,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

/// Asks for `path` on `host`, signs in as the demo citizen at the development provider, and
/// waits to be back on `path`.
pub(crate) async fn sign_in_to(browser: &Browser, site: &SignInApp, host: &str, path: &str) {
    browser.goto(&site.url(host, path)).await;
    browser
        .click(&format!("button[name=citizen][value={CITIZEN}]"))
        .await;
    browser.wait_for_path(path).await;
}

/// The page fits the viewport and logs no error.
async fn tidy(browser: &Browser) {
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;
}

/// [`tidy`], and axe finds nothing (axe runs only where the browser runs scripts).
pub(crate) async fn checked(browser: &Browser) {
    browser.assert_accessible().await;
    tidy(browser).await;
}

async fn a_citizen_supplements_a_dossier_without_javascript(backend: Backend) {
    let site = start(backend).await;
    let desk = Official::new(&site, "demo.tiepnhan").await;
    let code = received(&site, &desk, "supplement").await;
    let browser = Browser::open_with(Options {
        viewport: Viewport::PHONE,
        javascript: false,
    })
    .await;

    sign_in_to(&browser, &site, VI, "/ho-so-cua-toi").await;
    browser.wait_for_text("h1", "Hồ sơ của tôi").await;
    browser.wait_for_text(".site-header", "Hồ sơ của tôi").await;
    let row = browser.wait_for_text(".my-dossiers", &code).await;
    assert!(row.contains("Chờ bạn bổ sung hồ sơ"), "{row}");
    tidy(&browser).await;

    browser
        .click(&format!(".my-dossiers a[href='/ho-so-cua-toi/{code}']"))
        .await;
    browser.wait_for_text("h1", &code).await;
    let request = browser.wait_for_text("#supplement", "Bổ sung hồ sơ").await;
    assert!(request.contains("Ảnh chụp căn cước bị mờ"), "{request}");
    assert!(request.contains("Bản chụp Căn cước công dân"), "{request}");
    tidy(&browser).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("can-cuoc.pdf");
    std::fs::write(
        &file,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )
    .unwrap();
    browser
        .find("input[name='doc.GTTT']")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    browser.click(".supplement-form button[type=submit]").await;
    browser
        .wait_for_path(&format!("/ho-so-cua-toi/{code}?ok=supplemented"))
        .await;
    browser
        .wait_for_text("[role=status]", "Đã nhận hồ sơ bổ sung của bạn")
        .await;
    let summary = browser.text("dl.result").await;
    assert!(!summary.contains("Yêu cầu bổ sung hồ sơ"), "{summary}");
    browser
        .wait_for_text("#documents-title + p + .documents", "can-cuoc.pdf")
        .await;
    assert!(browser.find_all("#supplement").await.is_empty());
    tidy(&browser).await;

    let t = site.app.state.sites.resolve(VI).unwrap().site.id;
    let stored = motcua_store::dossiers::find(&site.app.db.store, t, &code.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.status, DossierStatus::SupplementRequested);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_on_my_dossiers_and_the_owner_downloads_the_result() {
    let site = start(Backend::Sqlite).await;
    let desk = Official::new(&site, "demo.tiepnhan").await;
    let specialist = Official::new(&site, "demo.chuyenvien").await;
    let head = Official::new(&site, "demo.lanhdao").await;
    let waiting = received(&site, &desk, "supplement").await;
    let code = received(&site, &desk, "accept").await;
    specialist
        .command(
            &site,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    let certificate = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n% the certificate\n";
    let r = site
        .app
        .send(
            axum::http::Request::post(format!(
                "/api/v1/uploads?procedure={RECORDS}&name=phieu-ly-lich-tu-phap.pdf"
            ))
            .header("host", STAFF)
            .header("cookie", &head.cookie)
            .header("x-csrf-token", &head.csrf)
            .body(axum::body::Body::from(certificate))
            .unwrap(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let upload = r.json()["id"].as_str().unwrap().to_owned();
    head.command(
        &site,
        &code,
        json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                "inputs": { "result": "PLLTP-2026-001234" }, "attachments": [upload] }),
    )
    .await;

    let mut browser = Browser::open(Viewport::PHONE).await;
    sign_in_to(&browser, &site, VI, "/ho-so-cua-toi").await;
    browser.wait_for_text(".my-dossiers", &waiting).await;
    checked(&browser).await;
    browser
        .goto(&site.url(VI, &format!("/ho-so-cua-toi/{waiting}")))
        .await;
    browser.wait_for_text("#supplement", "Bổ sung hồ sơ").await;
    checked(&browser).await;

    browser.set_viewport(Viewport::DESKTOP).await;
    sign_in_to(&browser, &site, EN, "/my-dossiers").await;
    browser.wait_for_text("h1", "My dossiers").await;
    let row = browser.wait_for_text(".my-dossiers", &code).await;
    assert!(row.contains("Result returned"), "{row}");
    checked(&browser).await;

    browser
        .click(&format!(".my-dossiers a[href='/my-dossiers/{code}']"))
        .await;
    browser.wait_for_text("h1", &code).await;
    browser
        .wait_for_text("#result", "phieu-ly-lich-tu-phap.pdf")
        .await;
    checked(&browser).await;
    let href = browser
        .attr("#result a", "href")
        .await
        .expect("the result's link");
    let got = browser
        .client()
        .execute_async(
            "const [href, done] = arguments;\
             fetch(href).then(async r => done({ status: r.status, disposition: r.headers.get('content-disposition'), body: await r.text() }))\
               .catch(e => done({ error: String(e) }));",
            vec![json!(href)],
        )
        .await
        .expect("the download");
    assert_eq!(got["status"], 200, "{got}");
    assert_eq!(got["body"], certificate, "{got}");
    assert!(
        got["disposition"]
            .as_str()
            .is_some_and(|d| d.starts_with("attachment")),
        "{got}"
    );
}

backend_tests!(a_citizen_supplements_a_dossier_without_javascript);
