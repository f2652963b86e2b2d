//! The procedure catalogue as a citizen uses it: searching from the home page without accents,
//! reaching the procedure page, by mouse and by keyboard alone, on a phone, on both hosts; and
//! axe-core on the home, catalogue and procedure pages.

use fantoccini::key::Key;
use motcua_core::lang::Lang;
use motcua_tests::Backend;
use motcua_tests::browser::{Browser, LiveApp, Viewport};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";

/// The household business registration, found by a query without accents in each language.
fn case(lang: Lang) -> (&'static str, &'static str, &'static str, &'static str) {
    match lang {
        Lang::Vi => (
            VI,
            "dang ky thanh lap ho kinh doanh",
            "Đăng ký thành lập hộ kinh doanh",
            "/thu-tuc/2.000720",
        ),
        Lang::En => (
            EN,
            "HOUSEHOLD business",
            "Registration of a new household business",
            "/procedures/2.000720",
        ),
    }
}

/// On SQLite only: the catalogue is built from the same tenant tables on both databases, which
/// the HTTP tests cover.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_from_the_home_page_leads_to_the_procedure_on_a_phone() {
    let site = LiveApp::start(Backend::Sqlite).await;
    let browser = Browser::open(Viewport::PHONE).await;
    for lang in [Lang::Vi, Lang::En] {
        let (host, query, name, path) = case(lang);
        browser.goto(&site.url(host, "/")).await;
        browser.fill("#q", query).await;
        browser.click(".search button[type=submit]").await;
        let catalogue = browser
            .wait_for_path_where("the catalogue's results", |p| {
                p.starts_with(lang.pick("/thu-tuc?q=", "/procedures?q="))
            })
            .await;
        assert_eq!(browser.value("#q").await, query, "{catalogue}");
        assert_eq!(
            browser.text(".procedures .procedure h3 a").await,
            name,
            "the best match first"
        );
        browser.assert_no_horizontal_scroll().await;
        browser.assert_no_console_errors().await;

        browser.click(".procedures .procedure h3 a").await;
        browser.wait_for_path(path).await;
        assert_eq!(browser.text("h1").await, name);
        assert_eq!(
            browser.attr("a.cta", "href").await.as_deref(),
            Some(format!("{path}{}", lang.pick("/nop-ho-so", "/apply")).as_str())
        );
        browser.assert_no_horizontal_scroll().await;
        browser.assert_no_console_errors().await;

        // The language switch keeps the procedure.
        browser.click(".lang-switch").await;
        let (_, _, other_name, other_path) = case(lang.pick(Lang::En, Lang::Vi));
        browser.wait_for_path(other_path).await;
        assert_eq!(browser.text("h1").await, other_name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_alone_reaches_the_search_and_the_results() {
    let site = LiveApp::start(Backend::Sqlite).await;
    let browser = Browser::open(Viewport::DESKTOP).await;
    for lang in [Lang::Vi, Lang::En] {
        let (host, query, name, path) = case(lang);
        browser.goto(&site.url(host, "/")).await;
        // The skip link comes first and leads into the page.
        browser.tab_to("a.skip", 1).await;
        browser.press(Key::Enter).await;
        browser.tab_to("#q", 10).await;
        browser.type_keys(query).await;
        browser.press(Key::Enter).await;
        browser
            .wait_for_path_where("the catalogue's results", |p| p.contains("?q="))
            .await;
        // Past the header and the search box, the first result.
        browser.tab_to(".procedures .procedure h3 a", 12).await;
        browser.press(Key::Enter).await;
        browser.wait_for_path(path).await;
        assert_eq!(browser.text("h1").await, name);
        // The call to apply is reachable too.
        browser.tab_to("a.cta", 10).await;
        browser.assert_no_console_errors().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_violation_on_the_home_catalogue_and_procedure_pages() {
    let site = LiveApp::start(Backend::Sqlite).await;
    let mut browser = Browser::open(Viewport::PHONE).await;
    for viewport in [Viewport::PHONE, Viewport::DESKTOP] {
        browser.set_viewport(viewport).await;
        for (host, paths) in [
            (
                VI,
                [
                    "/",
                    "/thu-tuc",
                    "/thu-tuc?q=dang+ky&level=4",
                    "/thu-tuc?q=xyzzy",
                    "/thu-tuc/2.000488",
                    "/thu-tuc/1.012795",
                    "/thu-tuc/2.000720",
                ],
            ),
            (
                EN,
                [
                    "/",
                    "/procedures",
                    "/procedures?q=registration&level=4",
                    "/procedures?q=xyzzy",
                    "/procedures/2.000488",
                    "/procedures/1.012795",
                    "/procedures/2.000720",
                ],
            ),
        ] {
            for path in paths {
                browser.goto(&site.url(host, path)).await;
                browser.find("h1").await;
                browser.assert_accessible().await;
                browser.assert_no_horizontal_scroll().await;
                browser.assert_no_console_errors().await;
            }
        }
    }
}

/// The check is no formality: a field without a label, and text too pale to read, fail it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_reports_what_it_finds() {
    let site = LiveApp::start(Backend::Sqlite).await;
    let browser = Browser::open(Viewport::DESKTOP).await;
    browser.goto(&site.url(VI, "/thu-tuc")).await;
    browser.assert_accessible().await;
    browser
        .script(
            "document.querySelector('label[for=q]').remove(); \
             document.querySelector('.found').style.color = '#ddd';",
        )
        .await;
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.iter().any(|v| v.starts_with("label ")),
        "{violations:?}"
    );
    assert!(
        violations.iter().any(|v| v.starts_with("color-contrast ")),
        "{violations:?}"
    );
}
