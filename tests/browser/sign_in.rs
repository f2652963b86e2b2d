//! An official signs in on the sign-in page (`/dang-nhap`) with a demo account, after a wrong
//! password that is refused in Vietnamese, lands signed in, and signs out. Plain forms, no
//! JavaScript needed; on PostgreSQL the sessions live in Redis, as in production.

use motcua::account_cmd::DEMO_PASSWORD;
use motcua_tests::browser::{Browser, LiveApp, Viewport};
use motcua_tests::{Backend, backend_tests};
use serde_json::Value;

const VI: &str = "dichvucong.thanhhoa.localhost";
const USERNAME: &str = "demo.tiepnhan";
const NAME: &str = "Cán bộ tiếp nhận (tài khoản demo)";

/// Fills the sign-in form the browser is on and submits it.
async fn submit(browser: &Browser, username: &str, password: &str) {
    browser.fill("#username", username).await;
    browser.fill("#password", password).await;
    browser.click(".account-form button[type=submit]").await;
}

/// The session API's answer, as the browser shows it.
async fn session(browser: &Browser, site: &LiveApp) -> Value {
    browser.goto(&site.url(VI, "/api/v1/session")).await;
    let body = browser.text("body").await;
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

async fn an_official_signs_in_and_out(backend: Backend) {
    let site = LiveApp::start(backend).await;
    site.demo_accounts().await;
    let browser = Browser::open(Viewport::PHONE).await;

    browser.goto(&site.url(VI, "/dang-nhap")).await;
    assert_eq!(browser.text("h1").await, "Đăng nhập dành cho cán bộ");
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;

    // A wrong password: refused in Vietnamese, the username kept, the password not.
    submit(&browser, USERNAME, "sai mật khẩu rồi").await;
    let message = browser
        .wait_for_text("[role=alert]", "Tên đăng nhập hoặc mật khẩu không đúng")
        .await;
    assert!(message.contains("khóa 15 phút"), "{message}");
    assert_eq!(browser.path().await, "/dang-nhap");
    assert_eq!(browser.value("#username").await, USERNAME);
    assert_eq!(browser.value("#password").await, "");
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;

    submit(&browser, USERNAME, DEMO_PASSWORD).await;
    browser.wait_for_path("/").await;
    browser.assert_no_console_errors().await;

    // Signed in: the session API and the sign-in page say who.
    let signed_in = session(&browser, &site).await;
    assert_eq!(signed_in["principal"]["kind"], "official", "{signed_in}");
    assert_eq!(signed_in["principal"]["username"], USERNAME, "{signed_in}");
    browser.goto(&site.url(VI, "/dang-nhap")).await;
    let account = browser
        .wait_for_text(".account", "Bạn đang đăng nhập với tên")
        .await;
    assert!(account.contains(NAME), "{account}");
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;

    browser.click(".account form button[type=submit]").await;
    browser.wait_for_path("/").await;
    let signed_out = session(&browser, &site).await;
    assert!(signed_out["principal"].is_null(), "{signed_out}");
    browser.goto(&site.url(VI, "/dang-nhap")).await;
    browser.find("#username").await;
    assert!(!browser.text(".account").await.contains(NAME), "signed out");
}

backend_tests!(an_official_signs_in_and_out);
