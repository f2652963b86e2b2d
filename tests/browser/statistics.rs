//! The public statistics and the satisfaction rating in Chromium: the statistics page renders
//! its tables and SVG charts and axe finds nothing on it; the owner of a dossier whose result is
//! returned rates it with the form on its page (the page thanks them and shows the rating, and
//! axe finds nothing there either); the statistics then count the rating.

use motcua_tests::Backend;
use motcua_tests::browser::{Browser, Viewport};
use serde_json::json;

use crate::my_dossiers::{Official, checked, received, sign_in_to, start};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const STAFF: &str = "motcua.thanhhoa.localhost";
const RECORDS: &str = "2.000488";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_page_passes_axe_and_a_citizen_rates_a_dossier() {
    let site = start(Backend::Sqlite).await;
    let desk = Official::new(&site, "demo.tiepnhan").await;
    let specialist = Official::new(&site, "demo.chuyenvien").await;
    let head = Official::new(&site, "demo.lanhdao").await;
    let code = received(&site, &desk, "accept").await;
    specialist
        .command(
            &site,
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
            .body(axum::body::Body::from(
                "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
            ))
            .unwrap(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let upload = r.json()["id"].as_str().unwrap().to_owned();
    head.command(
        &site,
        &code,
        json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                "inputs": { "result": "PLLTP-2026-004321" }, "attachments": [upload] }),
    )
    .await;

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
    assert!(browser.find_all(".rating-form").await.is_empty());
    checked(&browser).await;

    // The statistics count it, in English on the English host, on a wide screen.
    browser.set_viewport(Viewport::DESKTOP).await;
    browser.goto(&site.url(EN, "/statistics")).await;
    browser
        .wait_for_text("h1", "Statistics of administrative procedures")
        .await;
    let divisions = browser
        .wait_for_text("#divisions table", "Thanh Hoa Provincial Police")
        .await;
    assert!(divisions.contains("100.0%"), "{divisions}");
    assert_eq!(browser.find_all("#divisions svg.bars").await.len(), 2);
    checked(&browser).await;
}
