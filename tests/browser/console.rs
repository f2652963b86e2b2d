//! The tenant administration console in Chromium, without JavaScript: an administrator adds an
//! official with the receiver role at the one-stop desk and signs out; the new official signs in
//! with the temporary password, must change it first, and then sees the desk's inbox.

use motcua_tests::Backend;
use motcua_tests::browser::{Browser, LiveApp, Options, Viewport};

const STAFF: &str = "motcua.thanhhoa.localhost";
const DESK: &str = "trung-tam-phvhcc";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_an_official_who_then_works_at_the_desk() {
    let site = LiveApp::start(Backend::Sqlite).await;
    site.demo_accounts().await;
    let b = Browser::open_with(Options {
        viewport: Viewport::DESKTOP,
        javascript: false,
    })
    .await;

    // The administrator (the demo's agency head administers the tenant).
    b.goto(&site.url(STAFF, "/")).await;
    b.wait_for_path("/dang-nhap?return=%2F").await;
    b.fill("#username", "demo.lanhdao").await;
    b.fill("#password", motcua::account_cmd::DEMO_PASSWORD)
        .await;
    b.click("form.account-form button[type=submit]").await;
    b.wait_for_path("/").await;
    b.click(".staff-nav a[href='/quan-tri/can-bo']").await;
    b.wait_for_text("h1", "Quản trị cán bộ").await;

    b.fill("#new-username", "tiepnhan.moi").await;
    b.fill("#new-name", "Đỗ Thị Mai").await;
    b.fill("#new-phone", "0912 000 111").await;
    b.click("#new-role option[value=receiver]").await;
    b.click(&format!("#new-division option[value='{DESK}']"))
        .await;
    b.click("#create-official button[type=submit]").await;
    b.wait_for_text("h1", "Đã thêm cán bộ").await;
    let temporary = b.text("#temporary-password").await;
    assert_eq!(temporary.trim().len(), 20, "{temporary}");

    // The official's page shows the role at the desk.
    b.click("a[href^='/quan-tri/can-bo/']").await;
    b.wait_for_text("h1", "Đỗ Thị Mai").await;
    let roles = b.text("section[aria-labelledby=roles-title]").await;
    assert!(
        roles.contains("Cán bộ tiếp nhận")
            && roles.contains("Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa"),
        "{roles}"
    );
    b.click("form[action='/dang-xuat'] button[type=submit]")
        .await;
    b.wait_for_path_where("the sign-in page or the portal", |p| {
        p != "/quan-tri/can-bo"
    })
    .await;

    // The new official: the temporary password, then a password of their own.
    b.goto(&site.url(STAFF, "/")).await;
    b.wait_for_path("/dang-nhap?return=%2F").await;
    b.fill("#username", "tiepnhan.moi").await;
    b.fill("#password", temporary.trim()).await;
    b.click("form.account-form button[type=submit]").await;
    b.wait_for_path("/doi-mat-khau").await;
    b.fill("#current", temporary.trim()).await;
    b.fill("#new", "Hoa ban nở trắng núi rừng 2026").await;
    b.fill("#repeat", "Hoa ban nở trắng núi rừng 2026").await;
    b.click("form.account-form button[type=submit]").await;
    b.wait_for_path_where("away from the password change", |p| {
        !p.starts_with("/doi-mat-khau")
    })
    .await;

    // The desk and the inbox of the division, and no console.
    b.goto(&site.url(STAFF, "/")).await;
    b.wait_for_text("h1", "Hồ sơ cần xử lý").await;
    b.wait_for_text(".who", "Đỗ Thị Mai").await;
    assert!(
        b.find_all(".staff-nav a[href='/quan-tri/can-bo']")
            .await
            .is_empty()
    );
    b.goto(&site.url(STAFF, "/tiep-nhan")).await;
    b.wait_for_text("h1", "Tiếp nhận hồ sơ").await;
    b.goto(&site.url(STAFF, "/quan-tri/can-bo")).await;
    b.wait_for_text("h1", "Không có quyền truy cập").await;
}
