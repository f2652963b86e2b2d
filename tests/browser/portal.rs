//! The portal's home page as a citizen sees it: the tenant's name and its procedure catalogue, in
//! the language of the host, on a phone and on a desktop, with the language switch.

use motcua_core::lang::Lang;
use motcua_tests::browser::{Browser, LiveApp, Viewport};
use motcua_tests::{Backend, demo_bundle};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";

/// Checks the home page the browser is on: in `lang`, with the tenant's name, every procedure,
/// no sideways scrolling and nothing in the console.
async fn assert_home(browser: &Browser, lang: Lang) {
    let bundle = demo_bundle("thanhhoa");
    assert_eq!(
        browser.attr("html", "lang").await.as_deref(),
        Some(lang.tag())
    );
    assert_eq!(
        browser.text(".brand .tenant").await,
        bundle.manifest.name.get(lang)
    );
    let mut shown = Vec::new();
    for h in browser.find_all(".procedures .procedure h3").await {
        shown.push(browser.text_of(&h).await);
    }
    let mut expected: Vec<String> = bundle
        .procedures
        .iter()
        .map(|p| p.info.name.get(lang).to_owned())
        .collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected, "the procedure catalogue in {lang:?}");
    browser.assert_no_horizontal_scroll().await;
    browser.assert_no_console_errors().await;
}

/// On SQLite only: the catalogue comes from the same tenant tables on both databases, which the
/// HTTP tests cover; a browser adds the rendering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_the_tenant_and_its_procedures_in_each_language() {
    let site = LiveApp::start(Backend::Sqlite).await;
    let mut browser = Browser::open(Viewport::PHONE).await;
    for viewport in [Viewport::PHONE, Viewport::DESKTOP] {
        browser.set_viewport(viewport).await;
        browser.goto(&site.url(VI, "/")).await;
        assert_eq!(browser.text("#lookup-title").await, "Tra cứu hồ sơ");
        assert_home(&browser, Lang::Vi).await;

        // The language switch keeps the port and leads to the English host.
        browser.click(".lang-switch").await;
        browser
            .wait_for_text("#lookup-title", "Track a dossier")
            .await;
        assert_eq!(
            browser.url().await.as_str(),
            site.url(EN, "/"),
            "{viewport:?}"
        );
        assert_home(&browser, Lang::En).await;
    }
}

/// The console check is no formality: a Content-Security-Policy violation shows in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_check_sees_content_security_policy_violations() {
    let site = LiveApp::start(Backend::Sqlite).await;
    let browser = Browser::open(Viewport::DESKTOP).await;
    browser.goto(&site.url(VI, "/")).await;
    browser.assert_no_console_errors().await;
    browser
        .script(
            "document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>');",
        )
        .await;
    let errors = browser.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("violates the following Content Security Policy directive")),
        "{errors:?}"
    );
    browser
        .script(
            "document.body.insertAdjacentHTML('beforeend', '<img src=\"/no-such-image.png\">');",
        )
        .await;
    browser
        .wait_until(
            "the image has loaded or failed",
            "return document.querySelector('img[src=\"/no-such-image.png\"]').complete;",
        )
        .await;
    let failed = browser.failed_loads().await;
    assert!(
        failed
            .iter()
            .any(|f| f.ends_with("/no-such-image.png: 404")),
        "{failed:?}"
    );
}
