//! Liveness, readiness and metrics, answered on any host (probes and scrapers address nodes, not
//! tenants). The reverse proxy keeps `/metrics` off the public internet (`deploy/`).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::json;

use crate::AppState;

/// The largest request body any route accepts: an attachment at the largest size a procedure may
/// allow, in its multipart envelope. The reverse proxy lets bodies up to this size through
/// (`deploy/nginx/motcua.conf`, the Ingress; `tests/deploy` compares them).
pub const MAX_REQUEST_BYTES: usize =
    motcua_workflow::attachments::MAX_FILE_SIZE as usize + crate::api::MULTIPART_OVERHEAD;

/// The process-wide Prometheus recorder (a process has one global recorder; every app built in
/// the process shares it).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // 20 ms is a bound of its own: the portal's pages are held to a p99 below it
            // (tests/load/run reads it from here).
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.001, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ])
                .expect("the buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder was installed first, in which case ours stays
            // unused and `/metrics` shows only what it records: acceptable for a test process.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// `GET /healthz`: the process is alive.
pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the database and the cache answer; load balancers stop sending traffic while
/// either does not.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let timeout = Duration::from_secs(2);
    let db = match tokio::time::timeout(timeout, state.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out".to_owned()),
    };
    let cache = match tokio::time::timeout(timeout, state.cache.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out".to_owned()),
    };
    let ready = db.is_ok() && cache.is_ok();
    if !ready {
        tracing::warn!(database = ?db.as_ref().err(), cache = ?cache.as_ref().err(), "not ready");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": ready,
        "database": db.map_or_else(|e| json!({"ok": false, "error": e}), |()| json!({"ok": true})),
        "cache": cache.map_or_else(|e| json!({"ok": false, "error": e}), |()| json!({"ok": true, "kind": state.cache.kind()})),
        "tenants": state.sites.tenant_count(),
    });
    (status, Json(body)).into_response()
}

/// `GET /metrics`: Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    state.metrics.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// The route that answered a request, carried on its response out of an inner router.
#[derive(Clone, Debug)]
pub(crate) struct RouteName(String);

/// Names the matched route on the response, for [`record`] outside the router.
pub(crate) async fn name_route(req: Request, next: Next) -> Response {
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let mut response = next.run(req).await;
    if let Some(route) = matched {
        response.extensions_mut().insert(RouteName(route));
    }
    response
}

/// Counts requests and their latency by route template (never by raw path, which would give
/// one series per dossier code).
pub(crate) async fn record(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(req).await;
    // A tenant's request is routed inside its host's router, which names its route on the
    // response ([`name_route`]).
    let route = response
        .extensions()
        .get::<RouteName>()
        .map(|r| r.0.clone())
        .or_else(|| matched.map(|p| p.as_str().to_owned()))
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16().to_string();
    metrics::counter!("motcua_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("motcua_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}
