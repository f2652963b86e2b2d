//! The tenant pages: home and lookup, in the host's language, without JavaScript.

use axum::http::StatusCode;
use motcua_core::lang::Lang;
use motcua_tests::{Backend, TestApp, backend_tests, demo_bundle, demo_form};
use serde_json::json;

async fn the_home_page_shows_name_procedures_and_lookup_box(backend: Backend) {
    let app = TestApp::new(backend).await;
    let bundle = demo_bundle("thanhhoa");
    for (host, lang) in [
        ("dichvucong.thanhhoa.localhost", Lang::Vi),
        ("e-services.thanhhoa.localhost", Lang::En),
    ] {
        let r = app.get(host, "/").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.body.contains(&format!("<html lang=\"{}\">", lang.tag())));
        assert!(
            r.body
                .contains(&html_escape(bundle.manifest.name.get(lang))),
            "tenant name in {lang:?}"
        );
        for p in &bundle.procedures {
            assert!(
                r.body.contains(&html_escape(p.info.name.get(lang))),
                "{} in {lang:?}",
                p.info.name.vi
            );
        }
        assert!(
            r.body
                .contains("<form class=\"lookup\" action=\"/lookup\" method=\"get\"")
        );
        assert!(
            r.body.contains("<label for=\"code\">"),
            "the lookup box is labelled"
        );
        assert!(!r.body.contains("<script"), "no JavaScript needed");
    }
    let vi = app.get("dichvucong.thanhhoa.localhost:8080", "/").await;
    assert!(vi.body.contains("Tra cứu hồ sơ"));
    assert!(
        vi.body
            .contains("href=\"http://e-services.thanhhoa.localhost:8080/\""),
        "language switch keeps the port"
    );
    let en = app.get("e-services.thanhhoa.localhost", "/").await;
    assert!(en.body.contains("Track a dossier"));
}

/// `s` as the page templates escape it.
pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn the_lookup_page_shows_the_stage_reached(backend: Backend) {
    let app = TestApp::new(backend).await;
    let p = demo_bundle("thanhhoa")
        .procedures
        .into_iter()
        .find(|p| p.info.level.accepts_online())
        .unwrap()
        .info;
    let code = app
        .post_json(
            "dichvucong.thanhhoa.localhost",
            "/api/v1/dossiers",
            &json!({
                "procedure": p.code.to_string(),
                "applicant": {"name": "Phạm Thu Trang"},
                "form": demo_form("thanhhoa", &p.code.to_string()),
            }),
            &[],
        )
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .get(
            "dichvucong.thanhhoa.localhost",
            &format!("/lookup?code={code}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&code));
    assert!(r.body.contains("Mới đăng ký"));
    assert!(r.body.contains("Đang ở bước"), "the step reached is named");
    assert!(!r.body.contains("Phạm Thu Trang"), "no personal data");
    let r = app
        .get(
            "e-services.thanhhoa.localhost",
            &format!("/lookup?code=%20{code}%20"),
        )
        .await;
    assert!(
        r.body.contains("Newly registered"),
        "surrounding spaces are forgiven"
    );

    let r = app
        .get("e-services.thanhhoa.localhost", "/lookup?code=not-a-code")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("is not a dossier code"));
    let r = app
        .get(
            "dichvucong.thanhhoa.localhost",
            "/lookup?code=000.00.01.H56-260302-0042",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Không tìm thấy hồ sơ"));
    let r = app
        .get(
            "dichvucong.thanhhoa.localhost",
            "/lookup?code=%3Cscript%3Ealert(1)%3C/script%3E",
        )
        .await;
    assert!(!r.body.contains("<script>alert"), "input is escaped");
}

async fn unknown_pages_get_a_page_in_the_visitor_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let r = app.get("e-services.moj.localhost", "/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(
        r.body
            .contains("The page you are looking for is not on this portal.")
    );
    let r = app.get("dichvucong.moj.localhost", "/no/such/page").await;
    assert!(r.body.contains("Trang bạn tìm không có trên cổng này."));
}

async fn branding_and_security_headers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let bundle = demo_bundle("hochiminhcity");
    let r = app
        .get("dichvucong.hochiminhcity.localhost", "/branding.css")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains(bundle.manifest.branding.primary_color.as_str())
    );
    let r = app.get("dichvucong.hochiminhcity.localhost", "/logo").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type"),
        bundle.logo.as_ref().map(|l| l.content_type())
    );
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );
    let r = app.get("dichvucong.hochiminhcity.localhost", "/").await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    // Plain http (development): no HSTS, which would pin a developer's browser to https.
    assert_eq!(r.header("strict-transport-security"), None);
    let secure = TestApp::with(
        backend,
        std::sync::Arc::new(motcua_store::cache::MemoryCache::default()),
        motcua_web::WebConfig {
            https: true,
            ..motcua_web::WebConfig::default()
        },
    )
    .await;
    for path in ["/", "/healthz", "/api/v1/procedures"] {
        let r = secure.get("dichvucong.hochiminhcity.localhost", path).await;
        assert_eq!(
            r.header("strict-transport-security"),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
    let r = app
        .get("dichvucong.hochiminhcity.localhost", "/static/site.css")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
}

backend_tests!(
    the_home_page_shows_name_procedures_and_lookup_box,
    the_lookup_page_shows_the_stage_reached,
    unknown_pages_get_a_page_in_the_visitor_language,
    branding_and_security_headers,
);
