//! Every request is resolved by its Host header to a tenant and a language.

use axum::http::StatusCode;
use motcua_tests::{Backend, TestApp, backend_tests};

async fn each_tenant_answers_on_its_two_hosts_in_their_languages(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (host, lang, name) in [
        ("dichvucong.thanhhoa.localhost", "vi", "Thanh Hóa"),
        ("e-services.thanhhoa.localhost", "en", "Thanh Hoa"),
        (
            "dichvucong.hochiminhcity.localhost:8080",
            "vi",
            "Hồ Chí Minh",
        ),
        (
            "e-services.hochiminhcity.localhost:8080",
            "en",
            "Ho Chi Minh",
        ),
        ("dichvucong.moj.localhost", "vi", "Tư pháp"),
        ("e-services.moj.localhost", "en", "Justice"),
        ("DICHVUCONG.ThanhHoa.localhost", "vi", "Thanh Hóa"),
    ] {
        let r = app.get(host, "/").await;
        assert_eq!(r.status, StatusCode::OK, "{host}");
        assert!(
            r.body.contains(&format!("<html lang=\"{lang}\">")),
            "{host}: {}",
            &r.body[..200]
        );
        assert!(r.body.contains(name), "{host} shows {name}");
    }
}

async fn an_unknown_host_gets_a_bare_404_naming_no_tenant(backend: Backend) {
    let app = TestApp::new(backend).await;
    for host in [
        "dichvucong.hanoi.localhost",
        "localhost:8080",
        "127.0.0.1:8080",
        "e-services.thanhhoa.gov.vn",
        "thanhhoa.localhost",
        "[::1]:8080",
    ] {
        for path in ["/", "/api/v1/procedures", "/lookup?code=x", "/logo"] {
            let r = app.get(host, path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{host}{path}");
            assert_eq!(r.body, "Not Found\n");
            for leak in ["thanhhoa", "Thanh", "moj", "hochiminh", "H56"] {
                assert!(!r.body.contains(leak));
            }
        }
    }
    let r = app
        .send(
            axum::http::Request::get("/")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no Host header at all");
}

async fn aliases_redirect_to_the_primary_host_of_their_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let r = app
        .get("dichvucong.binhduong.localhost:8080", "/lookup?code=abc")
        .await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.header("location"),
        Some("http://dichvucong.hochiminhcity.localhost:8080/lookup?code=abc")
    );
    let r = app.get("e-services.binhduong.localhost", "/").await;
    assert_eq!(
        r.header("location"),
        Some("http://e-services.hochiminhcity.localhost/")
    );
    // The officials' host of a former province leads to the officials' host of the city.
    let r = app
        .get("motcua.binhduong.localhost:8080", "/tiep-nhan")
        .await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.header("location"),
        Some("http://motcua.hochiminhcity.localhost:8080/tiep-nhan")
    );
}

async fn the_officials_host_serves_the_one_stop_system_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    // The portal's citizen pages are not on the officials' host, and the one-stop pages are not
    // on the portal's.
    let r = app.get("motcua.thanhhoa.localhost", "/lookup").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("dichvucong.thanhhoa.localhost", "/tiep-nhan").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The one-stop home asks a visitor to sign in first; the portal's home is public.
    let r = app.get("motcua.thanhhoa.localhost", "/").await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert!(r.header("location").unwrap().starts_with("/dang-nhap"));
    let r = app.get("dichvucong.thanhhoa.localhost", "/").await;
    assert_eq!(r.status, StatusCode::OK);
    // The API and the sign-in page are on both.
    let r = app
        .get("motcua.thanhhoa.localhost", "/api/v1/procedures")
        .await;
    assert_eq!(r.json()["tenant"], "thanhhoa");
    let r = app.get("motcua.thanhhoa.localhost", "/dang-nhap").await;
    assert_eq!(r.status, StatusCode::OK);
}

async fn each_host_sees_only_its_own_tenant(backend: Backend) {
    let app = TestApp::new(backend).await;
    let th = app
        .get("dichvucong.thanhhoa.localhost", "/api/v1/procedures")
        .await
        .json();
    let hcm = app
        .get("dichvucong.hochiminhcity.localhost", "/api/v1/procedures")
        .await
        .json();
    assert_eq!(th["tenant"], "thanhhoa");
    assert_eq!(hcm["tenant"], "hochiminhcity");
    for p in th["procedures"].as_array().unwrap() {
        assert!(p["local_code"].as_str().unwrap().ends_with(".H56"), "{p}");
    }
    for p in hcm["procedures"].as_array().unwrap() {
        assert!(p["local_code"].as_str().unwrap().ends_with(".H29"), "{p}");
    }
}

backend_tests!(
    each_tenant_answers_on_its_two_hosts_in_their_languages,
    an_unknown_host_gets_a_bare_404_naming_no_tenant,
    aliases_redirect_to_the_primary_host_of_their_language,
    each_host_sees_only_its_own_tenant,
    the_officials_host_serves_the_one_stop_system_only,
);
