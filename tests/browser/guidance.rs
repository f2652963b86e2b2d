//! Guidance in Chromium: a citizen signs in at the development provider from the birth
//! registration's questions page and asks; an official of the ward answers and publishes on the
//! one-stop host; the answer appears on the procedure page. The assistant page answers a
//! question typed without accents, and says when it does not know. axe-core on the questions
//! and assistant pages, on both hosts.

use motcua_core::lang::Lang;
use motcua_tests::Backend;
use motcua_tests::browser::{Browser, Viewport};
use motcua_tests::oidc::SignInApp;
use motcua_web::dev_oidc::DevProvider;
use motcua_web::oidc::RelyingParty;

const VI: &str = "dichvucong.hochiminhcity.localhost";
const EN: &str = "e-services.hochiminhcity.localhost";
const STAFF: &str = "motcua.hochiminhcity.localhost";
/// The birth registration, handled by the Sai Gon ward.
const BIRTH: &str = "1.001193";

/// The demo tenants with citizens signing in at the development provider, and the demo
/// officials (`demo.chuyenvien` is a specialist of every division that is not a desk).
async fn demo() -> SignInApp {
    let app = SignInApp::start(Backend::Sqlite, |addr| {
        let dev = DevProvider::new(DevProvider::issuer_for(addr), "citizen_id")
            .expect("the development provider");
        let settings = dev.relying_party_settings(
            vec!["LoA2".into()],
            ["LoA1", "LoA2", "LoA3", "LoA4"].map(String::from).to_vec(),
            vec!["openid".into(), "profile".into()],
        );
        (
            Some(RelyingParty::new(settings).expect("a relying party")),
            Some(dev),
        )
    })
    .await;
    let manifests: Vec<_> = app
        .app
        .state
        .sites
        .all()
        .iter()
        .map(|s| s.manifest.clone())
        .collect();
    let store = &app.app.db.store;
    motcua::account_cmd::ensure_demo_accounts(store, &manifests)
        .await
        .expect("the demo accounts are created");
    motcua::account_cmd::ensure_demo_roles(store, &app.app.state.authz, &manifests)
        .await
        .expect("the demo roles are assigned");
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_asked_on_the_portal_is_answered_on_the_one_stop_host() {
    let app = demo().await;
    let browser = Browser::open(Viewport::PHONE).await;
    let questions = format!("/thu-tuc/{BIRTH}/hoi-dap");
    let question = "Đăng ký khai sinh cho con có cần mang sổ hộ khẩu không?";
    let answer = "Không cần: thông tin cư trú được khai thác từ Cơ sở dữ liệu quốc gia về dân cư.";

    // From the procedure page to its questions, signed out: a sign-in link back here.
    browser
        .goto(&app.url(VI, &format!("/thu-tuc/{BIRTH}")))
        .await;
    browser.find("#qa-title").await;
    browser.click(".qa-more a").await;
    browser.wait_for_path(&questions).await;
    browser.assert_accessible().await;
    browser.assert_no_console_errors().await;
    browser.click("a.ask-sign-in").await;
    browser
        .click("button[name=citizen][value=dev-citizen-1]")
        .await;
    browser.wait_for_path(&questions).await;

    // Signed in: the form; an empty question is refused by the browser, a real one is sent.
    browser.find("#question-text").await;
    browser.assert_accessible().await;
    browser.fill("#question-text", question).await;
    browser.click(".ask-form button[type=submit]").await;
    browser.wait_for_path(&format!("{questions}?sent=1")).await;
    browser
        .wait_for_text("[role=status]", "Đã gửi câu hỏi")
        .await;
    assert!(
        !browser.text("main").await.contains(question),
        "not public before it is answered"
    );
    browser.assert_accessible().await;
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;

    // The ward's specialist answers and publishes on the one-stop host.
    browser.goto(&app.url(STAFF, "/hoi-dap")).await;
    browser.wait_for_path("/dang-nhap?return=%2Fhoi-dap").await;
    browser.fill("#username", "demo.chuyenvien").await;
    browser
        .fill("#password", motcua::account_cmd::DEMO_PASSWORD)
        .await;
    browser.click("form.account-form button[type=submit]").await;
    browser.wait_for_path("/hoi-dap").await;
    browser.wait_for_text("h1", "Hỏi đáp của người dân").await;
    let row = browser.text("table.questions tbody").await;
    assert!(row.contains(question), "{row}");
    browser.click("table.questions tbody a").await;
    browser.find("#answer-text").await;
    let id = browser
        .path()
        .await
        .trim_start_matches("/hoi-dap/")
        .to_owned();
    assert!(
        browser
            .find("#answer-publish")
            .await
            .is_selected()
            .await
            .expect("the checkbox"),
        "publishing is proposed for a first answer"
    );
    browser.fill("#answer-text", answer).await;
    browser.click(".answer-form button[type=submit]").await;
    browser.wait_for_path(&format!("/hoi-dap/{id}?ok=1")).await;
    browser
        .wait_for_text("[role=status]", "Đã ghi nhận câu trả lời")
        .await;
    assert!(browser.text(".answers").await.contains(answer));

    // Published: on the procedure page of the Vietnamese portal.
    browser
        .goto(&app.url(VI, &format!("/thu-tuc/{BIRTH}")))
        .await;
    let section = browser.text(".qa-list").await;
    assert!(section.contains(question), "{section}");
    assert!(section.contains(answer), "{section}");
    browser.assert_accessible().await;
    browser.goto(&app.url(VI, &questions)).await;
    assert!(browser.text(".qa-list").await.contains(answer));
    browser.assert_accessible().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assistant_page_answers_and_passes_axe_on_both_hosts() {
    let app = demo().await;
    let mut browser = Browser::open(Viewport::PHONE).await;

    // From the catalogue, a question without accents: the fees of the birth registration.
    browser.goto(&app.url(VI, "/thu-tuc")).await;
    browser.click(".assistant-link a").await;
    browser.wait_for_path("/tro-ly").await;
    browser.assert_accessible().await;
    browser
        .fill("#assistant-q", "dang ky khai sinh het bao nhieu tien")
        .await;
    browser.click(".assistant-form button[type=submit]").await;
    browser
        .wait_for_path_where("the answer", |p| p.starts_with("/tro-ly?q="))
        .await;
    let answer = browser.text(".assistant-answer").await;
    assert!(answer.contains("Phí, lệ phí"), "{answer}");
    assert!(answer.contains("Miễn phí"), "{answer}");
    assert_eq!(
        browser.attr(".cited h3 a", "href").await.as_deref(),
        Some(format!("/thu-tuc/{BIRTH}").as_str())
    );
    browser.assert_accessible().await;
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;

    // The language switch keeps the question; the English host answers in English.
    browser.click(".lang-switch").await;
    browser
        .wait_for_path_where("the English answer", |p| p.starts_with("/assistant?q="))
        .await;
    let answer = browser.text(".assistant-answer").await;
    assert!(answer.contains("Fees and charges"), "{answer}");
    assert!(answer.contains("Free"), "{answer}");

    for viewport in [Viewport::PHONE, Viewport::DESKTOP] {
        browser.set_viewport(viewport).await;
        for lang in [Lang::Vi, Lang::En] {
            let host = lang.pick(VI, EN);
            for path in [
                lang.pick("/tro-ly", "/assistant"),
                lang.pick(
                    "/tro-ly?q=thoi+tiet+ngay+mai",
                    "/assistant?q=weather+tomorrow",
                ),
                lang.pick(
                    "/tro-ly?q=dang+ky+khai+sinh+can+giay+to+gi",
                    "/assistant?q=birth+registration+documents",
                ),
                lang.pick(
                    "/thu-tuc/1.001193/hoi-dap",
                    "/procedures/1.001193/questions",
                ),
            ] {
                browser.goto(&app.url(host, path)).await;
                browser.find("h1").await;
                browser.assert_accessible().await;
                browser.assert_no_horizontal_scroll().await;
                browser.assert_no_console_errors().await;
            }
        }
    }
    // Nothing matches: it says so.
    browser
        .goto(&app.url(VI, "/tro-ly?q=thoi+tiet+ngay+mai"))
        .await;
    assert!(
        browser
            .text(".unknown")
            .await
            .contains("trợ lý không biết câu trả lời")
    );
}
