//! The public statistics and the satisfaction rating in Chromium: the statistics page renders
//! its tables and SVG charts and axe finds nothing on it; the owner of a dossier whose result is
//! returned rates it with the form on its page, on the Vietnamese host and on the English one,
//! answering the assessment's questions too (the page thanks them and shows the rating, and axe
//! finds nothing there either); the statistics then count the ratings.

use motcua_tests::Backend;
use motcua_tests::browser::{Browser, Viewport};
use serde_json::json;

use crate::my_dossiers::{Official, checked, received, sign_in_to, start};
use motcua_tests::oidc::SignInApp;

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const STAFF: &str = "motcua.thanhhoa.localhost";
const RECORDS: &str = "2.000488";

/// A dossier of the citizen received, handled and its signed result returned: its code.
async fn returned(site: &SignInApp, n: u32) -> String {
    let desk = Official::new(site, "demo.tiepnhan").await;
    let specialist = Official::new(site, "demo.chuyenvien").await;
    let head = Official::new(site, "demo.lanhdao").await;
    let code = received(site, &desk, "accept").await;
    specialist
        .command(
            site,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    let r = site
        .app
        .send(
            axum::http::Request::post(format!(
                "/api/v1/uploads?procedure={RECORDS}&name=phieu-ly-lich-tu-phap.pdf"
            ))
            .header("host", STAFF)
            .header("cookie", &head.cookie)
            .header("x-csrf-token", &head.csrf)
            .body(axum::body::Body::from(format!(
                "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n% {n}\n",
            )))
            .unwrap(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let upload = r.json()["id"].as_str().unwrap().to_owned();
    head.command(
        site,
        &code,
        json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                "inputs": { "result": format!("PLLTP-2026-00432{n}") }, "attachments": [upload] }),
    )
    .await;
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_page_passes_axe_and_a_citizen_rates_a_dossier() {
    let site = start(Backend::Sqlite).await;
    let code = returned(&site, 1).await;

    // The statistics of this year: the dossier just returned, on time; no rating yet.
    let mut browser = Browser::open(Viewport::PHONE).await;
    browser.goto(&site.url(VI, "/thong-ke")).await;
    browser
        .wait_for_text("h1", "Thống kê giải quyết thủ tục hành chính")
        .await;
    let divisions = browser
        .wait_for_text("#divisions table", "Công an tỉnh Thanh Hóa")
        .await;
    assert!(divisions.contains("100,0 %"), "{divisions}");
    assert_eq!(
        browser.find_all("#divisions svg.bars rect.bar").await.len(),
        1
    );
    checked(&browser).await;

    // The owner rates the dossier on its page, without JavaScript's help.
    let page = format!("/ho-so-cua-toi/{code}");
    sign_in_to(&browser, &site, VI, &page).await;
    browser
        .wait_for_text("#rating", "Đánh giá mức độ hài lòng")
        .await;
    checked(&browser).await;
    for id in [
        "rating-overall-very_satisfied",
        "rating-convenience-satisfied",
        "rating-timeliness-very_satisfied",
        "rating-staff_support-satisfied",
        "rating-desk_contacts-none",
        "rating-agencies_contacted-desk_only",
    ] {
        browser.click(&format!("label[for='{id}']")).await;
    }
    browser
        .fill("#rating-comment", "Thủ tục nhanh gọn, cán bộ nhiệt tình.")
        .await;
    browser.click(".rating-form button[type=submit]").await;
    browser.wait_for_path(&format!("{page}?ok=rated")).await;
    browser
        .wait_for_text("[role=status]", "Cảm ơn bạn đã đánh giá")
        .await;
    let given = browser.wait_for_text("#rating", "Rất hài lòng").await;
    assert!(given.contains("Thủ tục nhanh gọn"), "{given}");
    assert!(given.contains("Chỉ Bộ phận một cửa"), "{given}");
    assert!(browser.find_all(".rating-form").await.is_empty());
    checked(&browser).await;

    // Another dossier, rated on the English host, on a wide screen: a question left unanswered
    // keeps the form from being sent.
    let code = returned(&site, 2).await;
    browser.set_viewport(Viewport::DESKTOP).await;
    let page = format!("/my-dossiers/{code}");
    sign_in_to(&browser, &site, EN, &page).await;
    browser
        .wait_for_text("#rating", "Rate your satisfaction")
        .await;
    let form = browser
        .wait_for_text(".rating-form", "Agencies you had to contact")
        .await;
    assert!(form.contains("More than once"), "{form}");
    checked(&browser).await;
    for id in [
        "rating-overall-not_satisfied",
        "rating-convenience-satisfied",
        "rating-timeliness-not_satisfied",
        "rating-staff_support-very_satisfied",
        "rating-desk_contacts-more",
    ] {
        browser.click(&format!("label[for='{id}']")).await;
    }
    assert_eq!(
        browser
            .find_all(".rating-form input[name=agencies_contacted]:invalid")
            .await
            .len(),
        3,
        "an unanswered question keeps the form from being sent"
    );
    assert!(
        browser
            .find_all(".rating-form input[name=desk_contacts]:invalid")
            .await
            .is_empty()
    );
    browser
        .click("label[for='rating-agencies_contacted-more']")
        .await;
    browser.click(".rating-form button[type=submit]").await;
    browser.wait_for_path(&format!("{page}?ok=rated")).await;
    browser
        .wait_for_text("[role=status]", "Thank you for rating")
        .await;
    let given = browser.wait_for_text("#rating", "You rated it at").await;
    assert!(given.contains("More than once"), "{given}");
    assert!(
        given.contains("The one-stop desk and other agencies or divisions"),
        "{given}"
    );
    checked(&browser).await;

    // The statistics count both, in English on the English host.
    // This year's counts were cached by the first view (for 5 minutes): ask for a period that
    // has not been counted yet.
    let year = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let since_last_year = format!("/statistics?from={}-01&to={year}-12", year - 1);
    browser.goto(&site.url(EN, &since_last_year)).await;
    browser
        .wait_for_text("h1", "Statistics of administrative procedures")
        .await;
    let divisions = browser
        .wait_for_text("#divisions table", "Thanh Hoa Provincial Police")
        .await;
    assert!(divisions.contains("100.0%"), "{divisions}");
    assert!(
        divisions.contains("50.0%"),
        "one of two satisfied: {divisions}"
    );
    assert_eq!(browser.find_all("#divisions svg.bars").await.len(), 2);
    checked(&browser).await;
}
