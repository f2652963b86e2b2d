//! Officials signing in through their tenant's own OpenID provider, against a real provider
//! (`oidc-provider`, tests/oidc/, client `motcua-officials`): the flow on the officials' host in
//! Vietnamese and on the English host, the link of the provider's subject to the account, and
//! each refusal on its own page in the official's language with no session.

use std::collections::HashMap;

use axum::http::StatusCode;
use motcua_core::tenant::{TenantBundle, parse_manifest};
use motcua_store::TenantId;
use motcua_store::accounts::{self, Holder, NewAccount};
use motcua_store::{official_subjects, tenants};
use motcua_tests::oidc::{Browser, OidcProvider, Page, SignInApp, TEST_SECRET};
use motcua_tests::{Backend, backend_tests, demo_bundle};
use motcua_web::oidc::{ClientSecret, OfficialProviders};

const STAFF: &str = "motcua.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const PASSWORD: &str = "sông Mã chảy về xuôi 2026";

/// The demo tenants with a test provider whose `motcua-officials` client Thanh Hóa's manifest
/// names (LoA2 requested); the platform holds Thanh Hóa's client secret.
async fn tenant_provider(backend: Backend) -> (SignInApp, OidcProvider, TenantId) {
    let mut provider = None;
    let secrets = [("thanhhoa".to_owned(), ClientSecret(TEST_SECRET.to_owned()))]
        .into_iter()
        .collect();
    let app = SignInApp::start_with(
        backend,
        |addr| {
            let mut uris = SignInApp::callbacks(addr);
            uris.extend(SignInApp::official_callbacks(addr));
            provider = Some(OidcProvider::start(&uris));
            (None, None)
        },
        OfficialProviders::new(secrets),
    )
    .await;
    let provider = provider.expect("started");
    configure(&app, &provider.issuer, true).await;
    let tenant = tenants::load(&app.app.db.store, "thanhhoa")
        .await
        .unwrap()
        .unwrap()
        .id;
    (app, provider, tenant)
}

/// Applies Thanh Hóa's manifest with `official_sign_in:` naming the provider at `issuer`, and
/// serves it at once.
async fn configure(app: &SignInApp, issuer: &str, password_sign_in: bool) {
    let mut bundle: TenantBundle = demo_bundle("thanhhoa");
    let text = format!(
        "{}\nofficial_sign_in:\n  name: {{ vi: Hệ thống định danh tỉnh Thanh Hóa, en: Thanh Hoa identity }}\n  issuer: {issuer}\n  client_id: motcua-officials\n  account_claim: preferred_username\n  acr_values: [LoA2]\n  password_sign_in: {password_sign_in}\n",
        bundle.manifest_file.text.trim_end()
    );
    bundle.manifest = parse_manifest("tenant.yaml", &text, None).expect("a valid manifest");
    bundle.manifest_file.text = text;
    let store = &app.app.db.store;
    tenants::apply(store, &bundle).await.expect("applied");
    let clashes = app
        .app
        .state
        .sites
        .replace(tenants::load_all(store).await.expect("tenants load"));
    assert!(clashes.is_empty(), "{clashes:?}");
}

/// An official of Thanh Hóa who receives dossiers at the one-stop desk.
async fn official(app: &SignInApp, tenant: TenantId, username: &str, must_change: bool) -> i64 {
    let id = accounts::create(
        &app.app.db.store,
        Holder::Official(tenant),
        &NewAccount {
            username: username.to_owned(),
            name: format!("Cán bộ {username}"),
            email: None,
            password_hash: motcua_web::accounts::password::hash(PASSWORD).unwrap(),
            must_change_password: must_change,
        },
    )
    .await
    .unwrap();
    let receiver = motcua_authz::Assignment {
        account: id,
        role: motcua_authz::Role::Receiver,
        division: Some("trung-tam-phvhcc".to_owned()),
    };
    app.app
        .state
        .authz
        .change(tenant, "test", "", &[receiver], &[], None)
        .await
        .expect("the role is assigned");
    id
}

fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Starts a sign-in on `host`: the provider's authorization URL and the transaction cookie.
async fn start(app: &SignInApp, browser: &Browser, host: &str) -> (String, String) {
    let r = browser.get(&app.url(host, "/auth/officials/sign-in")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = r.headers["set-cookie"].to_str().unwrap().to_owned();
    (r.location.expect("a redirect to the provider"), cookie)
}

/// Signs in at the provider as `login` and comes back to the callback on `host`.
async fn through(app: &SignInApp, browser: &Browser, host: &str, login: &str) -> Page {
    let (authorize, _) = start(app, browser, host).await;
    let answer = browser.at_provider(&authorize, login, true).await;
    let callback = answer.location.clone().expect("back to the platform");
    assert!(
        callback.starts_with(&app.url(host, "/auth/officials/callback?")),
        "{callback}"
    );
    browser.get(&callback).await
}

fn assert_refused(page: &Page, status: StatusCode, code: &str, text: &str) {
    assert_eq!(page.status, status, "{}", page.body);
    assert!(page.body.contains(code), "code {code} in {}", page.body);
    assert!(page.body.contains(text), "`{text}` in {}", page.body);
    assert!(
        page.headers
            .get_all("set-cookie")
            .iter()
            .all(|c| c.to_str().unwrap().starts_with("motcua_sign_in=; ")),
        "no session; the transaction cookie is cleared: {:?}",
        page.headers
    );
}

/// The official signed in on `host` according to the session API, if any.
async fn who(app: &SignInApp, browser: &Browser, host: &str) -> Option<serde_json::Value> {
    let r = browser.get(&app.url(host, "/api/v1/session")).await;
    match r.status {
        StatusCode::OK => Some(serde_json::from_str(&r.body).unwrap()),
        StatusCode::UNAUTHORIZED => None,
        other => panic!("{other}: {}", r.body),
    }
}

async fn an_official_signs_in_through_the_tenant_provider(backend: Backend) {
    let (app, provider, tenant) = tenant_provider(backend).await;
    // An administrator-chosen password waits to be changed: a provider sign-in skips that.
    let lan = official(&app, tenant, "lan.nguyen", true).await;
    let browser = Browser::new(app.addr);

    let page = browser.get(&app.url(STAFF, "/dang-nhap")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(
            "<a class=\"button\" href=\"/auth/officials/sign-in\">Đăng nhập bằng tài khoản Hệ thống định danh tỉnh Thanh Hóa</a>"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"password\""),
        "passwords stay allowed"
    );
    let page = browser
        .get(&app.url(STAFF, "/dang-nhap?return=/tiep-nhan"))
        .await;
    assert!(
        page.body
            .contains("href=\"/auth/officials/sign-in?return=%2Ftiep-nhan\""),
        "{}",
        page.body
    );

    let (authorize, cookie) = start(&app, &browser, STAFF).await;
    assert!(
        cookie.contains("Path=/auth/officials/callback; Max-Age=600; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    assert!(authorize.starts_with(&format!("{}/auth?", provider.issuer)));
    let q = query(&authorize);
    assert_eq!(q["client_id"], "motcua-officials");
    assert_eq!(q["scope"], "openid profile email");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["acr_values"], "LoA2");
    assert_eq!(q["ui_locales"], "vi");
    assert_eq!(
        q["redirect_uri"],
        app.url(STAFF, "/auth/officials/callback")
    );
    let answer = browser.at_provider(&authorize, "sso-lan", true).await;
    let callback = answer.location.clone().unwrap();
    let signed_in = browser.get(&callback).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(
        signed_in.location.as_deref(),
        Some(app.url(STAFF, "/").as_str())
    );
    let inbox = browser.get(&app.url(STAFF, "/")).await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert!(inbox.body.contains("Hồ sơ cần xử lý"), "{}", inbox.body);
    let me = who(&app, &browser, STAFF).await.expect("signed in");
    assert_eq!(me["principal"]["kind"], "official");
    assert_eq!(me["principal"]["username"], "lan.nguyen");
    assert_eq!(
        official_subjects::subject_of(&app.app.db.store, tenant, lan)
            .await
            .unwrap()
            .as_deref(),
        Some("sso-lan"),
        "the first sign-in links the provider's subject"
    );
    // The session is bound to the host it was opened on.
    assert!(who(&app, &browser, EN).await.is_none());

    // The callback replayed with its transaction: refused.
    let id = cookie.split(';').next().unwrap();
    browser.set_cookie(
        &app.url(STAFF, "/auth/officials/callback"),
        &format!("{id}; Path=/auth/officials/callback"),
    );
    let replayed = browser.get(&callback).await;
    assert_refused(
        &replayed,
        StatusCode::BAD_REQUEST,
        "sign_in_replayed",
        "Kết quả đăng nhập này đã được sử dụng",
    );
    // A forged state: refused, and the transaction is spent.
    let (authorize, _) = start(&app, &browser, STAFF).await;
    let answer = browser.at_provider(&authorize, "sso-lan", true).await;
    let forged = answer
        .location
        .clone()
        .unwrap()
        .replace("state=", "state=forged");
    let page = browser.get(&forged).await;
    assert_refused(
        &page,
        StatusCode::BAD_REQUEST,
        "sign_in_state_mismatch",
        "không khớp",
    );

    // In English on the English host; later sign-ins come with the same subject.
    let browser = Browser::new(app.addr);
    let page = browser.get(&app.url(EN, "/sign-in")).await;
    assert!(
        page.body.contains("Sign in with Thanh Hoa identity</a>"),
        "{}",
        page.body
    );
    let (authorize, _) = start(&app, &browser, EN).await;
    assert_eq!(query(&authorize)["ui_locales"], "en");
    let answer = browser.at_provider(&authorize, "sso-lan", true).await;
    let signed_in = browser.get(&answer.location.clone().unwrap()).await;
    assert_eq!(
        signed_in.location.as_deref(),
        Some(app.url(EN, "/").as_str()),
        "{}",
        signed_in.body
    );
    let me = who(&app, &browser, EN).await.expect("signed in");
    assert_eq!(me["principal"]["username"], "lan.nguyen");
    let settings = browser.get(&app.url(EN, "/sign-in")).await;
    assert!(
        settings.body.contains("Cán bộ lan.nguyen"),
        "{}",
        settings.body
    );

    // Sign-out ends it like any session.
    let csrf = me["csrf"].as_str().unwrap().to_owned();
    let out = browser
        .post(&app.url(EN, "/sign-out"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    assert!(who(&app, &browser, EN).await.is_none());
}

async fn officials_the_tenant_does_not_know_are_refused(backend: Backend) {
    let (app, _provider, tenant) = tenant_provider(backend).await;
    let lan = official(&app, tenant, "lan.nguyen", false).await;
    let minh = official(&app, tenant, "minh.tran", false).await;
    accounts::set_disabled(&app.app.db.store, Holder::Official(tenant), minh, true)
        .await
        .unwrap();

    // No account: nobody is created.
    let browser = Browser::new(app.addr);
    let page = through(&app, &browser, EN, "sso-stranger").await;
    assert_refused(
        &page,
        StatusCode::FORBIDDEN,
        "official_unknown",
        "Your Thanh Hoa identity account matches no official&#39;s account of this agency",
    );
    assert!(
        accounts::by_username(&app.app.db.store, Holder::Official(tenant), "khong.co.ai")
            .await
            .unwrap()
            .is_none()
    );
    let page = through(&app, &browser, STAFF, "sso-stranger").await;
    assert_refused(
        &page,
        StatusCode::FORBIDDEN,
        "official_unknown",
        "không ứng với tài khoản cán bộ nào",
    );

    // Disabled (each browser keeps its session at the provider: a fresh one per person).
    let browser = Browser::new(app.addr);
    let page = through(&app, &browser, STAFF, "sso-minh").await;
    assert_refused(
        &page,
        StatusCode::FORBIDDEN,
        "official_disabled",
        "đã bị vô hiệu hóa",
    );
    assert!(who(&app, &browser, STAFF).await.is_none());

    // A level of assurance below the tenant's: refused before the account is looked at.
    let browser = Browser::new(app.addr);
    let page = through(&app, &browser, STAFF, "sso-lan-weak").await;
    assert_refused(
        &page,
        StatusCode::FORBIDDEN,
        "sign_in_assurance_too_low",
        "LoA2",
    );
    assert_eq!(
        official_subjects::subject_of(&app.app.db.store, tenant, lan)
            .await
            .unwrap(),
        None
    );

    // Cancelled at the provider.
    let browser = Browser::new(app.addr);
    let (authorize, _) = start(&app, &browser, EN).await;
    let answer = browser.at_provider(&authorize, "sso-lan", false).await;
    let page = browser.get(&answer.location.clone().unwrap()).await;
    assert_refused(
        &page,
        StatusCode::FORBIDDEN,
        "sign_in_cancelled",
        "You cancelled the sign-in at Thanh Hoa identity",
    );

    // Linked at the first sign-in; another subject with the same username is refused.
    let browser = Browser::new(app.addr);
    let page = through(&app, &browser, STAFF, "sso-lan").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let impostor = Browser::new(app.addr);
    let page = through(&app, &impostor, STAFF, "sso-impostor").await;
    assert_refused(
        &page,
        StatusCode::FORBIDDEN,
        "official_subject_mismatch",
        "đã gắn với một tài khoản Hệ thống định danh tỉnh Thanh Hóa khác",
    );
    assert!(who(&app, &impostor, STAFF).await.is_none());
    assert_eq!(
        official_subjects::subject_of(&app.app.db.store, tenant, lan)
            .await
            .unwrap()
            .as_deref(),
        Some("sso-lan"),
        "the link stays"
    );

    // Disabling ends the provider's session like a password's.
    assert!(who(&app, &browser, STAFF).await.is_some());
    accounts::set_disabled(&app.app.db.store, Holder::Official(tenant), lan, true)
        .await
        .unwrap();
    app.app.state.sessions.forget(Holder::Official(tenant), lan);
    assert!(who(&app, &browser, STAFF).await.is_none());
}

async fn a_tenant_can_turn_password_sign_in_off(backend: Backend) {
    let (app, provider, tenant) = tenant_provider(backend).await;
    official(&app, tenant, "lan.nguyen", false).await;
    let browser = Browser::new(app.addr);
    // Allowed beside the provider while the manifest says so (reached here through the browser,
    // which resolves the demo hosts).
    let ok = browser
        .post(
            &app.url(STAFF, "/dang-nhap"),
            &[("username", "lan.nguyen"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    configure(&app, &provider.issuer, false).await;
    let browser = Browser::new(app.addr);
    let page = browser.get(&app.url(STAFF, "/dang-nhap")).await;
    assert!(page.body.contains("Đăng nhập bằng tài khoản"));
    assert!(
        !page.body.contains("name=\"password\""),
        "no password form: {}",
        page.body
    );
    let refused = browser
        .post(
            &app.url(STAFF, "/dang-nhap"),
            &[("username", "lan.nguyen"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains(
            "đăng nhập bằng tài khoản Hệ thống định danh tỉnh Thanh Hóa, không dùng mật khẩu"
        ),
        "{}",
        refused.body
    );
    assert!(refused.headers.get("set-cookie").is_none());
    let api = app
        .app
        .post_json(
            EN,
            "/api/v1/session",
            &serde_json::json!({"username": "lan.nguyen", "password": PASSWORD}),
            &[],
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "{}", api.body);
    let body: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(body["error"]["code"], "password_sign_in_off");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Officials of this agency sign in with their Thanh Hoa identity account")
    );

    // The provider still signs the official in.
    let page = through(&app, &browser, STAFF, "sso-lan").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(who(&app, &browser, STAFF).await.is_some());
}

backend_tests!(
    an_official_signs_in_through_the_tenant_provider,
    officials_the_tenant_does_not_know_are_refused,
    a_tenant_can_turn_password_sign_in_off,
);
