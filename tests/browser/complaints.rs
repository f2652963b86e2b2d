//! Complaints and suggestions in Chromium, all at a phone's width: a citizen sends a complaint on
//! the portal's form and is given its tracking code; an official answers it on the one-stop
//! host (the answer form's button reachable on a phone: the forms' columns never overflow the
//! screen); the citizen reads the answer on the tracking page. The form and the tracking page pass
//! the axe check (which needs JavaScript in the browser; the pages themselves carry no script,
//! their forms are plain HTML forms).

use motcua_tests::Backend;
use motcua_tests::browser::{Browser, LiveApp, Options, Viewport};

const VI: &str = "dichvucong.thanhhoa.localhost";
const STAFF: &str = "motcua.thanhhoa.localhost";
const PHONE: &str = "0912 345 678";
const ANSWER: &str = "Sở Tư pháp đã liên hệ và cấp lại bản sao cho ông.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_sends_a_complaint_and_reads_the_officials_answer() {
    let site = LiveApp::start(Backend::Sqlite).await;
    site.demo_accounts().await;
    let b = Browser::open_with(Options {
        viewport: Viewport::PHONE,
        javascript: true,
    })
    .await;

    // The citizen, not signed in, fills in the form.
    b.goto(&site.url(VI, "/phan-anh-kien-nghi")).await;
    b.wait_for_text("h1", "Phản ánh, kiến nghị").await;
    b.assert_accessible().await;
    b.click("input[name=kind][value=complaint]").await;
    b.click("input[name=about][value=division]").await;
    b.find("#f-division")
        .await
        .select_by_value("so-tu-phap")
        .await
        .expect("the division is chosen");
    b.fill("#f-name", "Nguyễn Văn Tâm").await;
    b.fill("#f-phone", PHONE).await;
    b.fill(
        "#f-text",
        "Tôi nộp bản sao giấy khai sinh nhưng bị thất lạc.",
    )
    .await;
    b.click("form.pakn-form button[type=submit]").await;
    let path = b
        .wait_for_path_where("the tracking page", |p| {
            p.starts_with("/phan-anh-kien-nghi/PAKN-") && p.ends_with("?sent=1")
        })
        .await;
    let code = b.text("#pakn-code").await;
    assert!(path.contains(&code), "{path} {code}");
    b.assert_accessible().await;

    // With the telephone number given, it is received and waiting for an answer.
    b.fill("#contact", "0912345678").await;
    b.click("form.pakn-form button[type=submit]").await;
    b.wait_for_text("#pakn-status", "Đã tiếp nhận").await;
    assert!(
        !b.text("main").await.contains("0912"),
        "the contact is not shown"
    );
    b.assert_accessible().await;

    // An official of the Department of Justice answers it on the one-stop host, on a phone.
    b.goto(&site.url(STAFF, "/phan-anh")).await;
    b.fill("#username", "demo.chuyenvien").await;
    b.fill("#password", motcua::account_cmd::DEMO_PASSWORD)
        .await;
    b.click("form.account-form button[type=submit]").await;
    b.wait_for_text("h1", "Phản ánh, kiến nghị").await;
    b.click(&format!("a[href='/phan-anh/{code}']")).await;
    b.wait_for_text("h1", &code).await;
    // Nothing on the page reaches past the screen's edge.
    let overflow = b
        .script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        )
        .await;
    let wide = b
        .script(
            "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width)).join(' | ');",
        )
        .await;
    assert!(
        overflow.as_i64().is_some_and(|o| o <= 0),
        "{overflow}: {wide}"
    );
    b.fill("#answer-text", ANSWER).await;
    b.click("input[name=publish]").await;
    b.click("form.action button[type=submit]").await;
    b.wait_for_text(".notice.ok", "Đã ghi nhận nội dung trả lời")
        .await;
    b.assert_accessible().await;

    // The citizen reads the answer.
    b.goto(&site.url(VI, &format!("/phan-anh-kien-nghi/{code}")))
        .await;
    b.fill("#contact", PHONE).await;
    b.click("form.pakn-form button[type=submit]").await;
    b.wait_for_text("#pakn-status", "Đã trả lời").await;
    assert_eq!(b.text("#pakn-answer").await, ANSWER);
    b.assert_accessible().await;
    // And it is among the published answers.
    b.goto(&site.url(VI, "/phan-anh-kien-nghi/tra-loi")).await;
    b.wait_for_text("main", &code).await;
    b.assert_accessible().await;
}
