//! The procedure administration API: who may use it, checks with positions, publishing a new
//! version.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_store::cache::MemoryCache;
use motcua_tests::{Backend, TestApp, backend_tests, permit_tenant, repo_root};
use motcua_web::WebConfig;

const HOST: &str = "dichvucong.thunghiem.localhost";
/// An API token of the test tenant with the procedure and plugin permissions.
const TOKEN: &str = "mc_0123456789abcdef0123456789abcdef0123456789a";
/// An API token of the test tenant that may only look.
const VIEWER: &str = "mc_viewer6789abcdef0123456789abcdef0123456789a";
/// An API token of another tenant, with every procedure permission there.
const STRANGER: &str = "mc_stranger89abcdef0123456789abcdef0123456789";

fn permit() -> String {
    std::fs::read_to_string(repo_root().join("platform/workflow/tests/procedures/permit.yaml"))
        .unwrap()
}

async fn app(backend: Backend, _: Option<&str>) -> TestApp {
    let app = TestApp::serving(
        backend,
        Arc::new(MemoryCache::default()),
        WebConfig::default(),
        vec![permit_tenant(None), motcua_tests::demo_bundle("thanhhoa")],
    )
    .await;
    let all = [
        "procedure:view",
        "procedure:edit",
        "procedure:publish",
        "workflow:view",
        "plugin:view",
        "plugin:publish",
    ];
    app.api_token("thu-nghiem", TOKEN, &all).await;
    app.api_token("thu-nghiem", VIEWER, &["procedure:view"])
        .await;
    app.api_token("thanhhoa", STRANGER, &all).await;
    app
}

fn request(method: &str, path: &str, token: Option<&str>, body: String) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header("host", HOST)
        .header("content-type", "application/yaml");
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    r.body(Body::from(body)).unwrap()
}

async fn the_api_needs_a_permitted_caller(backend: Backend) {
    let app = app(backend, None).await;
    let check = |token: Option<&'static str>| {
        request("POST", "/api/v1/admin/procedures/check", token, permit())
    };
    // Nobody, an unknown token, another tenant's token: 401, nothing else.
    for token in [None, Some("mc_wrong"), Some(STRANGER)] {
        let r = app.send(check(token)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{token:?}: {}", r.body);
        assert!(r.json()["error"]["code"].is_string());
        assert!(r.json().get("code").is_none());
    }
    // A token of the tenant without the permission: 403, naming what is missing.
    let r = app.send(check(Some(VIEWER))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("procedure:edit")
    );
    let r = app
        .send(request(
            "GET",
            "/api/v1/admin/procedures/1.009994/versions",
            Some(VIEWER),
            String::new(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.send(check(Some(TOKEN))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["code"], "1.009994");
}

async fn checks_report_every_problem_at_its_line(backend: Backend) {
    let app = app(backend, Some(TOKEN)).await;
    let broken = permit()
        .replacen("role: receiver", "role: reciever", 1)
        .replacen("to: tinh-phi", "to: tinh-phii", 1);
    let r = app
        .send(request(
            "POST",
            "/api/v1/admin/procedures/check",
            Some(TOKEN),
            broken,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json();
    assert_eq!(body["error"]["code"], "invalid_procedure");
    let problems = body["error"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0]["message"], "unknown role `reciever`");
    assert_eq!(problems[0]["hint"], "did you mean `receiver`?");
    assert!(problems[0]["line"].as_u64().unwrap() > 20);
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .contains("`tinh-phii`")
    );
}

async fn publishing_makes_a_new_current_version(backend: Backend) {
    let app = app(backend, Some(TOKEN)).await;
    let renamed = permit().replace("Cấp giấy phép xây dựng", "Cấp giấy phép xây dựng nhà ở");
    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/procedures/1.009994",
            Some(TOKEN),
            renamed.clone(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    // The catalogue shows the new version at once.
    let r = app.get(HOST, "/api/v1/procedures/1.009994").await;
    assert_eq!(r.json()["version"], 2);
    assert_eq!(r.json()["name"]["vi"], "Cấp giấy phép xây dựng nhà ở");
    // Publishing the same text again changes nothing; the old text goes back to version 1.
    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/procedures/1.009994",
            Some(TOKEN),
            renamed,
        ))
        .await;
    assert_eq!(r.json()["version"], 2);
    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/procedures/1.009994",
            Some(TOKEN),
            permit(),
        ))
        .await;
    assert_eq!(r.json()["version"], 1);
    let r = app
        .send(request(
            "GET",
            "/api/v1/admin/procedures/1.009994/versions",
            Some(TOKEN),
            String::new(),
        ))
        .await;
    let versions = r.json()["versions"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["current"], true);
    assert_eq!(versions[1]["current"], false);

    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/procedures/1.000001",
            Some(TOKEN),
            permit(),
        ))
        .await;
    assert_eq!(r.json()["error"]["code"], "code_mismatch");

    let r = app
        .send(request(
            "GET",
            "/api/v1/admin/procedures/1.009994/diagram.svg?lang=en",
            Some(TOKEN),
            String::new(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("image/svg+xml"));
    assert!(r.body.contains("<svg") && r.body.contains("Construction"));
}

fn upload(example: motcua_plugin_examples::Example, manifest: &str) -> String {
    use base64::Engine as _;
    serde_json::json!({
        "manifest": manifest,
        "component": base64::engine::general_purpose::STANDARD.encode(example.wasm),
    })
    .to_string()
}

async fn plugins_are_checked_then_published_once_per_version(backend: Backend) {
    let app = app(backend, Some(TOKEN)).await;
    let docs = motcua_plugin_examples::DOCUMENTS_CHECK;
    let put = |body: String| {
        request(
            "PUT",
            "/api/v1/admin/plugins/documents-check/1.0.0",
            Some(TOKEN),
            body,
        )
    };

    let r = app.send(put(upload(docs, docs.manifest))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["plugin"], "documents-check@1.0.0");
    assert_eq!(r.json()["installed"], false);
    // The same bytes again: nothing new. Other bytes under the same version: refused.
    let r = app.send(put(upload(docs, docs.manifest))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let other = motcua_plugin_examples::CITIZEN_ID_CHECK;
    let r = app.send(put(upload(other, docs.manifest))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "version_taken");

    // A component importing a capability its manifest does not ask for is refused, in words.
    let hostile = motcua_plugin_examples::HOSTILE_UNGRANTED_CAPABILITY;
    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/plugins/hostile-ungranted-capability/1.0.0",
            Some(TOKEN),
            upload(hostile, hostile.manifest),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid_component");
    assert!(
        r.body
            .contains("imports `http` but its manifest does not ask for it"),
        "{}",
        r.body
    );

    // A manifest problem comes back with its line; a mismatched path is refused.
    let broken = docs.manifest.replace("version: 1.0.0", "version: one");
    let r = app.send(put(upload(docs, &broken))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid_manifest");
    assert!(
        r.json()["error"]["problems"][0]["line"].as_u64().unwrap() > 0,
        "{}",
        r.body
    );
    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/plugins/documents-check/2.0.0",
            Some(TOKEN),
            upload(docs, docs.manifest),
        ))
        .await;
    assert_eq!(r.json()["error"]["code"], "manifest_mismatch", "{}", r.body);
    let r = app.send(put("{not json".to_owned())).await;
    assert_eq!(r.json()["error"]["code"], "invalid_upload", "{}", r.body);
    let r = app
        .send(request(
            "PUT",
            "/api/v1/admin/plugins/documents-check/1.0.0",
            None,
            upload(docs, docs.manifest),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = app
        .send(request(
            "GET",
            "/api/v1/admin/plugins",
            Some(TOKEN),
            String::new(),
        ))
        .await;
    let body = r.json();
    let listed: Vec<&str> = body["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["plugin"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        ["documents-check@1.0.0", "fee-calculator@1.0.0"],
        "{}",
        r.body
    );
}

backend_tests!(
    the_api_needs_a_permitted_caller,
    checks_report_every_problem_at_its_line,
    publishing_makes_a_new_current_version,
    plugins_are_checked_then_published_once_per_version,
);
