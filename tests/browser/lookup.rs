//! The public lookup with JavaScript off: a citizen types the code from the receipt, submits the
//! form and reads where the dossier is.

use motcua_tests::browser::{Browser, LiveApp, Options, Viewport};
use motcua_tests::{Backend, backend_tests, demo_bundle, demo_form};
use serde_json::json;

const VI: &str = "dichvucong.thanhhoa.localhost";

/// Receives a dossier of the first online procedure of Thanh Hóa through the API: its code.
async fn a_dossier(site: &LiveApp) -> String {
    let procedure = demo_bundle("thanhhoa")
        .procedures
        .into_iter()
        .find(|p| p.info.level.accepts_online())
        .expect("an online procedure")
        .info
        .code
        .to_string();
    let r = site
        .app
        .post_json(
            VI,
            "/api/v1/dossiers",
            &json!({
                "procedure": procedure,
                "applicant": {"name": "Phạm Thu Trang"},
                "form": demo_form("thanhhoa", &procedure),
            }),
            &[],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"]
        .as_str()
        .expect("a dossier code")
        .to_owned()
}

async fn the_lookup_form_answers_without_javascript(backend: Backend) {
    let site = LiveApp::start(backend).await;
    let code = a_dossier(&site).await;
    let browser = Browser::open_with(Options {
        viewport: Viewport::PHONE,
        javascript: false,
    })
    .await;

    browser.goto(&site.url(VI, "/")).await;
    browser.fill("#code", &code).await;
    browser.click("form.lookup button[type=submit]").await;
    browser.wait_for_path(&format!("/lookup?code={code}")).await;
    assert_eq!(browser.text("#result-title").await, "Kết quả tra cứu");
    let result = browser.text("dl.result").await;
    assert!(result.contains(&code), "{result}");
    assert!(result.contains("Mới đăng ký"), "{result}");
    assert!(result.contains("Đang ở bước"), "the step reached: {result}");
    assert!(!result.contains("Phạm Thu Trang"), "no personal data");
    assert_eq!(
        browser.value("#code").await,
        code,
        "the code stays in the field"
    );
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;

    // A code that matches no dossier: the answer says so, in Vietnamese.
    let unknown = "000.00.01.H56-260302-0042";
    browser.fill("#code", unknown).await;
    browser.click("form.lookup button[type=submit]").await;
    let message = browser
        .wait_for_text("[role=alert]", "Không tìm thấy hồ sơ")
        .await;
    assert!(message.contains(unknown), "{message}");
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;
}

backend_tests!(the_lookup_form_answers_without_javascript);
