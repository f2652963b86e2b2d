//! Citizens' sign-in through the national portal's single sign-on, against a real OpenID
//! provider (`oidc-provider`, tests/oidc/): the whole authorization-code flow with PKCE, and each
//! way it can fail ending on a page in the citizen's language with no session.

use std::collections::HashMap;

use axum::http::StatusCode;
use motcua_tests::oidc::{Browser, OidcProvider, Page, SignInApp, TestClient};
use motcua_tests::{Backend, backend_tests};
use motcua_web::oidc::RelyingParty;

const TH: &str = "dichvucong.thanhhoa.localhost";
const MOJ_EN: &str = "e-services.moj.localhost";

/// The demo tenants signing in through a fresh test provider with `client`.
async fn national(backend: Backend, client: TestClient) -> (SignInApp, OidcProvider) {
    let mut provider = None;
    let app = SignInApp::start(backend, |addr| {
        let p = OidcProvider::start(&SignInApp::callbacks(addr));
        let rp = RelyingParty::new(p.settings(client)).expect("a relying party");
        provider = Some(p);
        (Some(rp), None)
    })
    .await;
    (app, provider.expect("started"))
}

fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Starts a sign-in on `host` and returns the provider's authorization URL.
async fn start(app: &SignInApp, browser: &Browser, host: &str, path: &str) -> String {
    let r = browser.get(&app.url(host, path)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location.expect("a redirect to the provider")
}

/// Comes back to the callback from the provider's last answer.
async fn back(app: &SignInApp, browser: &Browser, host: &str, from_provider: &Page) -> Page {
    let callback = from_provider
        .location
        .clone()
        .unwrap_or_else(|| panic!("the provider did not redirect: {}", from_provider.body));
    assert!(
        callback.starts_with(&app.url(host, "/auth/callback?")),
        "{callback}"
    );
    browser.get(&callback).await
}

fn assert_failure(page: &Page, status: StatusCode, code: &str, text: &str) {
    assert_eq!(page.status, status, "{}", page.body);
    assert!(page.body.contains(code), "code {code} in {}", page.body);
    assert!(page.body.contains(text), "`{text}` in {}", page.body);
    assert!(
        page.headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("motcua_sign_in=; ")),
        "the transaction cookie is cleared"
    );
}

async fn a_citizen_signs_in_through_the_national_portal(backend: Backend) {
    let (app, provider) = national(backend, TestClient::Rs256Basic).await;
    let browser = Browser::new(app.addr);

    let home = browser.get(&app.url(TH, "/")).await;
    assert!(
        home.body.contains("href=\"/auth/sign-in?return=%2F\""),
        "the portal offers sign-in: {}",
        home.body
    );

    let r = browser
        .get(&app.url(TH, "/auth/sign-in?return=/lookup"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("motcua_sign_in="), "{cookie}");
    assert!(cookie.contains("Path=/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax"));
    let authorize = r.location.clone().unwrap();
    assert!(
        authorize.starts_with(&format!("{}/auth?", provider.issuer)),
        "{authorize}"
    );
    let q = query(&authorize);
    assert_eq!(q["client_id"], "motcua-rs256");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["scope"], "openid profile");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "a SHA-256 challenge");
    assert_eq!(q["acr_values"], "LoA2");
    assert_eq!(q["ui_locales"], "vi");
    assert_eq!(q["redirect_uri"], app.url(TH, "/auth/callback"));
    assert!(q["state"].len() >= 22 && q["nonce"].len() >= 22);

    let answer = browser.at_provider(&authorize, "nguyen-van-an", true).await;
    let callback = answer.location.clone().unwrap();
    let signed_in = back(&app, &browser, TH, &answer).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(
        signed_in.location.as_deref(),
        Some(app.url(TH, "/lookup").as_str())
    );

    let citizen = app.citizen(&browser, TH).await.expect("signed in");
    assert_eq!(citizen.issuer, provider.issuer);
    assert_eq!(citizen.subject, "nguyen-van-an");
    assert_eq!(citizen.name, "Nguyễn Văn An");
    assert_eq!(citizen.citizen_id.as_deref(), Some("038095001234"));
    assert_eq!(citizen.acr.as_deref(), Some("LoA2"));

    // The same callback again, even with the transaction's cookie: the transaction is spent.
    let thief = Browser::new(app.addr);
    let id = cookie.split(';').next().unwrap();
    thief.set_cookie(
        &app.url(TH, "/auth/callback"),
        &format!("{id}; Path=/auth/callback"),
    );
    let replay = thief.get(&callback).await;
    assert_failure(
        &replay,
        StatusCode::BAD_REQUEST,
        "sign_in_replayed",
        "Kết quả đăng nhập này đã được sử dụng",
    );
    assert!(app.citizen(&thief, TH).await.is_none());
}

async fn es256_tokens_and_client_secret_post_on_an_english_host(backend: Backend) {
    let (app, _provider) = national(backend, TestClient::Es256Post).await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, MOJ_EN, "/auth/sign-in").await;
    let q = query(&authorize);
    assert_eq!(q["ui_locales"], "en");
    assert_eq!(q["client_id"], "motcua-es256");
    let answer = browser.at_provider(&authorize, "tran-thi-binh", true).await;
    let signed_in = back(&app, &browser, MOJ_EN, &answer).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(
        signed_in.location.as_deref(),
        Some(app.url(MOJ_EN, "/").as_str())
    );
    let citizen = app.citizen(&browser, MOJ_EN).await.expect("signed in");
    assert_eq!(citizen.name, "Trần Thị Bình");
    assert_eq!(citizen.citizen_id.as_deref(), Some("079190000123"));
}

async fn a_forged_state_is_refused_and_spends_the_transaction(backend: Backend) {
    let (app, _provider) = national(backend, TestClient::Rs256Basic).await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, MOJ_EN, "/auth/sign-in").await;
    let answer = browser.at_provider(&authorize, "nguyen-van-an", true).await;
    let callback = answer.location.clone().unwrap();
    let state = query(&callback)["state"].clone();
    let forged = callback.replace(&format!("state={state}"), "state=forged");
    assert_ne!(forged, callback);
    let r = browser.get(&forged).await;
    assert_failure(
        &r,
        StatusCode::BAD_REQUEST,
        "sign_in_state_mismatch",
        "The sign-in response does not match the sign-in you started",
    );
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(app.citizen(&browser, MOJ_EN).await.is_none());

    // The genuine response cannot be used afterwards either: the browser's cookie is gone.
    let r = browser.get(&callback).await;
    assert_failure(
        &r,
        StatusCode::BAD_REQUEST,
        "sign_in_expired",
        "Please sign in again",
    );
    assert!(app.citizen(&browser, MOJ_EN).await.is_none());
}

async fn a_citizen_who_cancels_at_the_provider_is_told_so(backend: Backend) {
    let (app, _provider) = national(backend, TestClient::Rs256Basic).await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, TH, "/auth/sign-in").await;
    let answer = browser
        .at_provider(&authorize, "nguyen-van-an", false)
        .await;
    assert_eq!(
        query(answer.location.as_deref().unwrap())["error"],
        "access_denied"
    );
    let r = back(&app, &browser, TH, &answer).await;
    assert_failure(
        &r,
        StatusCode::FORBIDDEN,
        "sign_in_cancelled",
        "Bạn đã huỷ đăng nhập",
    );
    assert!(app.citizen(&browser, TH).await.is_none());
}

async fn a_lower_level_of_assurance_than_required_is_refused(backend: Backend) {
    let (app, _provider) = national(backend, TestClient::Rs256Basic).await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, TH, "/auth/sign-in").await;
    let answer = browser
        .at_provider(&authorize, "le-hoang-cuong", true)
        .await;
    let r = back(&app, &browser, TH, &answer).await;
    assert_failure(
        &r,
        StatusCode::FORBIDDEN,
        "sign_in_assurance_too_low",
        "chưa đạt mức độ xác thực mà cổng dịch vụ công yêu cầu (LoA2)",
    );
    assert!(app.citizen(&browser, TH).await.is_none());
}

async fn altered_id_tokens_are_refused(backend: Backend) {
    let (app, provider) = national(backend, TestClient::Rs256Basic).await;
    for mode in ["payload", "nonce", "expired", "audience"] {
        provider.tamper(mode).await;
        let browser = Browser::new(app.addr);
        let authorize = start(&app, &browser, MOJ_EN, "/auth/sign-in").await;
        let answer = browser.at_provider(&authorize, "nguyen-van-an", true).await;
        let r = back(&app, &browser, MOJ_EN, &answer).await;
        assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{mode}: {}", r.body);
        assert!(r.body.contains("sign_in_rejected"), "{mode}");
        assert!(
            r.body.contains("could not be verified"),
            "{mode}: {}",
            r.body
        );
        assert!(app.citizen(&browser, MOJ_EN).await.is_none(), "{mode}");
    }
    provider.tamper("").await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, MOJ_EN, "/auth/sign-in").await;
    let answer = browser.at_provider(&authorize, "nguyen-van-an", true).await;
    assert_eq!(
        back(&app, &browser, MOJ_EN, &answer).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.citizen(&browser, MOJ_EN).await.is_some(),
        "untouched tokens pass"
    );
}

async fn a_provider_that_is_down_gets_a_page_not_an_error(backend: Backend) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = SignInApp::start(backend, |_| {
        let settings =
            OidcProvider::settings_at(&format!("http://{closed}"), TestClient::Rs256Basic);
        (Some(RelyingParty::new(settings).unwrap()), None)
    })
    .await;
    let browser = Browser::new(app.addr);
    let r = browser.get(&app.url(TH, "/auth/sign-in")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.contains("sign_in_provider_unavailable"));
    assert!(r.body.contains("Hiện không kết nối được"));
    assert_eq!(r.headers["retry-after"], "30");

    // A callback nobody started.
    let r = browser
        .get(&app.url(TH, "/auth/callback?code=x&state=y"))
        .await;
    assert_failure(
        &r,
        StatusCode::BAD_REQUEST,
        "sign_in_expired",
        "Phiên đăng nhập đã hết hạn",
    );
}

async fn without_a_provider_there_is_no_sign_in(backend: Backend) {
    let app = motcua_tests::TestApp::new(backend).await;
    let home = app.get(TH, "/").await;
    assert!(!home.body.contains("/auth/sign-in"));
    let r = app.get(TH, "/auth/sign-in").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("sign_in_not_enabled"));
    assert!(r.body.contains("chưa bật đăng nhập"));
    let r = app
        .get(TH, "/dev-oidc/.well-known/openid-configuration")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no development provider");
}

backend_tests!(
    a_citizen_signs_in_through_the_national_portal,
    es256_tokens_and_client_secret_post_on_an_english_host,
    a_forged_state_is_refused_and_spends_the_transaction,
    a_citizen_who_cancels_at_the_provider_is_told_so,
    a_lower_level_of_assurance_than_required_is_refused,
    altered_id_tokens_are_refused,
    a_provider_that_is_down_gets_a_page_not_an_error,
    without_a_provider_there_is_no_sign_in,
);
