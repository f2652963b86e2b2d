//! Every path a probe, a healthcheck or a proxy rule of `deploy/` names, asked of the real
//! router on each database: liveness checks must keep answering 200 while the database is gone
//! (or a database outage would restart every node), readiness checks must then answer 503 (so
//! the node leaves the load balancer), and the paths the proxies refuse must be real routes.

use axum::http::StatusCode;
use motcua_tests::{Backend, TestApp, backend_tests};

use crate::{compose, files, image, k8s};

/// (where, path) of the checks that restart or replace a node when they fail.
fn liveness() -> Vec<(String, String)> {
    let mut out = vec![(
        "Dockerfile HEALTHCHECK".to_owned(),
        files::split_url(&image::runtime().healthcheck).2,
    )];
    out.extend(
        k8s::probes()
            .into_iter()
            .filter(|(kind, _)| kind != "readinessProbe")
            .map(|(kind, path)| (format!("Deployment {kind}"), path)),
    );
    out
}

/// (where, path) of the checks that take a node out of the traffic while it cannot serve.
fn readiness() -> Vec<(String, String)> {
    k8s::probes()
        .into_iter()
        .filter(|(kind, _)| kind == "readinessProbe")
        .map(|(kind, path)| (format!("Deployment {kind}"), path))
        .collect()
}

/// (where, path) of every other path named: compose healthchecks, what the proxies refuse.
fn other_paths() -> Vec<(String, String)> {
    compose::node_healthchecks()
        .into_iter()
        .map(|(node, url)| (format!("compose.yaml {node}"), files::split_url(&url).2))
        .chain(
            compose::nginx_denied()
                .into_iter()
                .map(|p| ("nginx deny".to_owned(), p)),
        )
        .chain(
            k8s::ingress_denied()
                .into_iter()
                .map(|p| ("Ingress motcua-internal".to_owned(), p)),
        )
        .collect()
}

async fn every_path_named_is_served_with_the_meaning_its_check_needs(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Probes address the node by its IP, not by a tenant's host.
    let probe_host = "10.1.2.3:8080";
    let all: Vec<(String, String)> = liveness()
        .into_iter()
        .chain(readiness())
        .chain(other_paths())
        .collect();
    assert!(all.len() >= 6, "{all:?}");
    for (what, path) in &all {
        let r = app.get(probe_host, path).await;
        assert_eq!(r.status, StatusCode::OK, "{what}: GET {path}: {}", r.body);
    }

    app.state.store.platform().clone().close().await.unwrap();
    for (what, path) in liveness() {
        let r = app.get(probe_host, &path).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{what}: GET {path} must not fail with the database down, or every node restarts"
        );
    }
    for (what, path) in readiness() {
        let r = app.get(probe_host, &path).await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{what}: GET {path} must fail with the database down: {}",
            r.body
        );
    }
}

backend_tests!(every_path_named_is_served_with_the_meaning_its_check_needs);
