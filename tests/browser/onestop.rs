//! The one-stop system's pages in Chromium: a desk official signs in on the staff host, receives
//! a dossier through the reception form (its "Thêm dòng" button and decision buttons are plain
//! form buttons) with the scan of a document attached, and lands on the new dossier's page,
//! which lists the scan.

use std::time::Instant;

use motcua_tests::Backend;
use motcua_tests::browser::{Browser, LiveApp, Options, TIMEOUT, Viewport};
use serde_json::Value;

const STAFF: &str = "motcua.thanhhoa.localhost";
const RECORDS: &str = "2.000488";

/// The reception form's fields for the demo form of the judicial record procedure, as
/// `[name, value]` pairs.
fn typed_form(form: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in form.as_object().expect("an object") {
        match value {
            Value::String(s) => out.push((format!("f.{key}"), s.clone())),
            Value::Bool(b) => out.push((format!("f.{key}"), b.to_string())),
            Value::Number(n) => out.push((format!("f.{key}"), n.to_string())),
            Value::Object(_) => out.push((format!("f.{key}"), value.to_string())),
            Value::Array(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    for (column, cell) in row.as_object().expect("a row") {
                        let cell = cell.as_str().expect("a text cell").to_owned();
                        out.push((format!("f.{key}.{i}.{column}"), cell));
                    }
                }
            }
            Value::Null => {}
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_official_receives_a_dossier_through_the_reception_form() {
    let site = LiveApp::start(Backend::Sqlite).await;
    site.demo_accounts().await;
    let b = Browser::open_with(Options {
        viewport: Viewport::DESKTOP,
        javascript: true,
    })
    .await;

    // Not signed in: the sign-in page, then back to the inbox.
    b.goto(&site.url(STAFF, "/")).await;
    b.wait_for_path("/dang-nhap?return=%2F").await;
    b.fill("#username", "demo.tiepnhan").await;
    b.fill("#password", motcua::account_cmd::DEMO_PASSWORD)
        .await;
    b.click("form.account-form button[type=submit]").await;
    b.wait_for_path("/").await;
    b.wait_for_text("h1", "Hồ sơ cần xử lý").await;
    b.wait_for_text(".who", "Cán bộ tiếp nhận").await;

    b.click(".staff-nav a[href='/tiep-nhan']").await;
    b.click(&format!(
        "a[href='/tiep-nhan/{RECORDS}?case=ca-nhan-tu-yeu-cau']"
    ))
    .await;
    b.wait_for_text("h1", "Tiếp nhận hồ sơ").await;
    // The demo applicant lived at three addresses: the form shows two rows, a third on request.
    assert!(
        b.find_all("[name='f.qua_trinh_cu_tru.2.tu_thang']")
            .await
            .is_empty()
    );
    b.click("button[name=them_dong]").await;
    b.find("[name='f.qua_trinh_cu_tru.2.tu_thang']").await;

    b.fill("#applicant-name", "Lê Văn Thành").await;
    b.fill("#applicant-id_number", "038096004567").await;
    b.fill("#applicant-phone", "0915246810").await;
    // The e-form's values are set in one go (typing a date depends on the browser's locale).
    let pairs = typed_form(&motcua_tests::demo_form("thanhhoa", RECORDS));
    let set = format!(
        "const pairs = {}; \
         for (const [name, value] of pairs) {{ \
           const el = document.querySelector(`[name=\"${{name}}\"]`); \
           if (!el) {{ return 'missing ' + name; }} \
           if (el.type === 'checkbox') {{ el.checked = value === 'true'; }} else {{ el.value = value; }} \
         }} \
         return 'ok';",
        serde_json::to_string(&pairs).expect("JSON")
    );
    assert_eq!(b.script(&set).await, "ok");
    b.click("input[name=documents][value=TK]").await;
    b.click("input[name=documents][value=GTTT]").await;
    // The scan of the declaration, chosen as a browser chooses a file.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let scan = dir.path().join("to-khai-da-ky.pdf");
    std::fs::write(
        &scan,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )
    .expect("the scan written");
    b.find("input[name='scan.TK']")
        .await
        .send_keys(scan.to_str().expect("a UTF-8 path"))
        .await
        .expect("the file chosen");
    b.click("button[name=decision][value=accept]").await;

    // The new dossier's page, with the receipt to print.
    let deadline = Instant::now() + TIMEOUT;
    let path = loop {
        let path = b.path().await;
        if path.ends_with("?ok=mau-01") || Instant::now() >= deadline {
            break path;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(
        path.starts_with("/ho-so/000.00.01.H56-") && path.ends_with("?ok=mau-01"),
        "{path}"
    );
    b.wait_for_text("[role=status]", "Đã tiếp nhận hồ sơ").await;
    b.wait_for_text("h1", "Hồ sơ 000.00.01.H56-").await;
    b.wait_for_text("main", "Lê Văn Thành").await;
    b.wait_for_text("main", "Kiểm tra thành phần hồ sơ tại Bộ phận Một cửa")
        .await;
    b.wait_for_text("#documents-title + .table-wrap", "to-khai-da-ky.pdf")
        .await;
    b.wait_for_text("#documents-title + .table-wrap", "Thành phần hồ sơ TK")
        .await;
    b.assert_no_console_errors().await;
}
