//! Liveness, readiness (database and cache) and metrics.

use std::sync::Arc;

use axum::http::StatusCode;
use motcua_tests::{Backend, TestApp, backend_tests, redis_cache};
use motcua_web::WebConfig;

async fn ready_when_database_and_cache_answer(backend: Backend) {
    let app = TestApp::with(backend, Arc::new(redis_cache().await), WebConfig::default()).await;
    let r = app.get("anything:1234", "/healthz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok\n"));
    let r = app.get("10.0.0.7", "/readyz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = r.json();
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(body["cache"]["kind"], "redis");
    assert_eq!(body["tenants"], 3);
}

async fn metrics_count_requests_by_route(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.get(
        "dichvucong.thanhhoa.localhost",
        "/api/v1/dossiers/000.00.01.H56-260302-0001/status",
    )
    .await;
    let r = app.get("127.0.0.1", "/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .lines()
            .any(|l| l.starts_with("motcua_http_requests_total{")
                && l.contains("route=\"/api/v1/dossiers/{code}/status\"")
                && l.contains("status=\"404\"")),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("motcua_http_request_duration_seconds_bucket")
    );
    assert!(
        !r.body.contains("260302-0001"),
        "raw paths never become labels"
    );
}

backend_tests!(
    ready_when_database_and_cache_answer,
    metrics_count_requests_by_route
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_when_the_database_is_gone() {
    let app = TestApp::new(Backend::Sqlite).await;
    app.state.store.platform().clone().close().await.unwrap();
    let r = app.get("127.0.0.1", "/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["database"]["ok"], false);
    assert_eq!(r.json()["ready"], false);
}
