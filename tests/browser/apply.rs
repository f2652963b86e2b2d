//! Online submission in a real browser, on each host: a citizen searches the catalogue, opens
//! the procedure, presses "apply", signs in at the development provider, fills in the e-form,
//! saves a draft and resumes it from the drafts of "my dossiers", attaches the documents, reviews
//! and submits, and reads the receipt with the dossier's code; axe-core on the form, the drafts,
//! the review and the receipt.

use motcua_core::lang::Lang;
use motcua_tests::Backend;
use motcua_tests::browser::{Browser, Viewport};
use motcua_tests::oidc::SignInApp;
use motcua_web::dev_oidc::DevProvider;
use motcua_web::oidc::RelyingParty;
use serde_json::Value;

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
/// Phiếu lý lịch tư pháp: level 4, its documents TK and GTTT required in the first case.
const RECORDS: &str = "2.000488";
const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The demo tenants with citizens signing in at the development provider.
async fn demo() -> SignInApp {
    SignInApp::start(Backend::Sqlite, |addr| {
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
    .await
}

/// Sets the inputs of the demo scenario's form (the rows the page shows of its tables), as a
/// person typing them would leave them.
async fn fill_form(browser: &Browser, form: &Value) {
    let mut pairs = Vec::new();
    for (key, value) in form.as_object().expect("a form") {
        match value {
            Value::String(s) => pairs.push((format!("f.{key}"), s.clone())),
            Value::Bool(true) => pairs.push((format!("f.{key}"), "true".to_owned())),
            Value::Number(n) => pairs.push((format!("f.{key}"), n.to_string())),
            Value::Array(rows) => {
                for (i, row) in rows.iter().take(2).enumerate() {
                    for (column, cell) in row.as_object().expect("a row") {
                        if let Some(cell) = cell.as_str() {
                            pairs.push((format!("f.{key}.{i}.{column}"), cell.to_owned()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let pairs = serde_json::to_string(&pairs).expect("JSON");
    browser
        .script(&format!(
            "for (const [name, value] of {pairs}) {{ \
               for (const e of document.getElementsByName(name)) {{ \
                 if (e.type === 'checkbox' || e.type === 'radio') {{ if (e.value === value) e.checked = true; }} \
                 else e.value = value; \
               }} \
             }} return true;"
        ))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_applies_online_from_the_catalogue_on_each_host() {
    let app = demo().await;
    let mut browser = Browser::open(Viewport::DESKTOP).await;
    let files = tempfile::tempdir().expect("a directory");
    let tk = files.path().join("to-khai.pdf");
    let gttt = files.path().join("can-cuoc.pdf");
    std::fs::write(&tk, PDF).expect("a file");
    std::fs::write(&gttt, [PDF, b"% 2\n"].concat()).expect("a file");
    let demo_form = motcua_tests::demo_form("thanhhoa", RECORDS);
    for (lang, citizen) in [(Lang::Vi, "dev-citizen-1"), (Lang::En, "dev-citizen-2")] {
        let host = lang.pick(VI, EN);
        let procedure = lang.pick("/thu-tuc/2.000488", "/procedures/2.000488");
        let apply = format!("{procedure}{}", lang.pick("/nop-ho-so", "/apply"));
        browser.set_viewport(Viewport::DESKTOP).await;

        browser.goto(&app.url(host, "/")).await;
        browser
            .fill("#q", lang.pick("ly lich tu phap", "judicial record"))
            .await;
        browser.click(".search button[type=submit]").await;
        browser
            .wait_for_path_where("the catalogue's results", |p| p.contains("?q="))
            .await;
        browser
            .click(&format!(".procedures a[href=\"{procedure}\"]"))
            .await;
        browser.wait_for_path(procedure).await;
        browser.click("a.cta").await;

        // Not signed in: the development provider, then back to the form.
        browser
            .click(&format!("button[name=citizen][value={citizen}]"))
            .await;
        browser.wait_for_path(&apply).await;
        browser.find("form.apply").await;
        browser.assert_accessible().await;
        browser.assert_no_console_errors().await;

        fill_form(&browser, &demo_form).await;
        browser
            .fill("#applicant-email", "cong.dan@example.vn")
            .await;

        // Saved as a draft, found among "my dossiers"' drafts, and resumed from there.
        browser.click("button[name=action][value=save]").await;
        browser
            .wait_for_path_where("the saved draft", |p| p.contains("saved=1"))
            .await;
        let mine = lang.pick("/ho-so-cua-toi", "/my-dossiers");
        browser.goto(&app.url(host, mine)).await;
        browser.click(".drafts-link a").await;
        let drafts = lang.pick("/ho-so-cua-toi/dang-soan", "/my-dossiers/drafts");
        browser.wait_for_path(drafts).await;
        browser.assert_accessible().await;
        browser.assert_no_console_errors().await;
        browser
            .click(&format!(".my-drafts a.button[href=\"{apply}\"]"))
            .await;
        browser.wait_for_path(&apply).await;
        assert_eq!(
            browser.value("#applicant-email").await,
            "cong.dan@example.vn",
            "the draft resumes as it was saved"
        );
        for (input, path) in [("#doc-TK", &tk), ("#doc-GTTT", &gttt)] {
            browser
                .find(input)
                .await
                .send_keys(path.to_str().expect("a path"))
                .await
                .expect("a file chosen");
        }
        browser.click("button[name=action][value=continue]").await;
        let review = format!("{apply}{}", lang.pick("/xem-lai", "/review"));
        browser.wait_for_path(&review).await;
        let text = browser.text("main").await;
        assert!(
            text.contains("to-khai.pdf") && text.contains("can-cuoc.pdf"),
            "{text}"
        );
        assert!(text.contains("cong.dan@example.vn"), "{text}");
        browser.assert_accessible().await;
        browser.assert_no_console_errors().await;

        browser.click("form.actions button[type=submit]").await;
        let receipt = browser
            .wait_for_path_where("the receipt", |p| {
                p.ends_with(lang.pick("/bien-nhan", "/receipt"))
            })
            .await;
        let code = browser.text(".dossier-code").await;
        assert!(
            code.len() == 25 && receipt.contains(&code),
            "{code} in {receipt}"
        );
        browser.find(".qr-code svg").await;
        browser.assert_accessible().await;
        browser.assert_no_console_errors().await;
        browser.set_viewport(Viewport::PHONE).await;
        browser.assert_no_horizontal_scroll().await;
    }
}
