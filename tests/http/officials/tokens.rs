//! API tokens: created by an official (the secret shown once), used without cookies or CSRF
//! tokens on their tenant's hosts only, refused once revoked or expired.

use axum::body::Body;
use axum::http::StatusCode;
use motcua_store::accounts::Holder;
use motcua_tests::{Backend, TestApp, backend_tests};
use serde_json::{Value, json};

use super::{EN, HCM, PASSWORD, VI, account, api, app, request, sign_in};

async fn with_bearer(
    app: &TestApp,
    method: &str,
    host: &str,
    path: &str,
    token: &str,
    body: Value,
) -> motcua_tests::Reply {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    let body = if body.is_null() {
        Body::empty()
    } else {
        headers.push(("content-type", "application/json"));
        Body::from(body.to_string())
    };
    app.send(request(method, host, path, None, None, &headers, body))
        .await
}

async fn tokens_are_created_used_and_revoked(backend: Backend) {
    let app = app(backend).await;
    let lan = super::administrator(&app, "lan").await;
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let create = |body: Value| {
        api(
            &app,
            "POST",
            VI,
            "/api/v1/admin/tokens",
            Some(&cookie),
            Some(&csrf),
            body,
        )
    };

    let r = create(json!({"name": "Đồng bộ cổng quốc gia", "scopes": ["procedure:view", "account:view", "procedure:view"]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("mc_") && secret.len() == 46, "{secret}");
    assert_eq!(created["scopes"], json!(["account:view", "procedure:view"]));
    assert_eq!(created["created_by"], lan);
    let id = created["id"].as_i64().unwrap();
    // A token cannot do more than its creator: a tenant administrator handles no dossier.
    let r = create(json!({"name": "x", "scopes": ["dossier:handle"]})).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("scope_not_held"))
    );

    // The list never shows the secret again.
    let r = api(
        &app,
        "GET",
        VI,
        "/api/v1/admin/tokens",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["tokens"][0]["id"], id);
    assert!(!r.body.contains(&secret[3..]), "{}", r.body);

    // Used on its tenant's hosts, in either language, without cookie or CSRF token.
    for host in [VI, EN] {
        let r = with_bearer(&app, "GET", host, "/api/v1/session", &secret, Value::Null).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let p = &r.json()["principal"];
        assert_eq!(
            (p["kind"].as_str(), p["token"].as_i64()),
            (Some("token"), Some(id))
        );
        assert_eq!(p["scopes"], json!(["account:view", "procedure:view"]));
        assert_eq!(r.json()["csrf"], Value::Null);
    }
    // A state-changing request with the token needs no CSRF token: refused for what it asks
    // (a token cannot make tokens), not for forgery.
    let r = with_bearer(
        &app,
        "POST",
        VI,
        "/api/v1/admin/tokens",
        &secret,
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    // Another tenant's host does not know it.
    let r = with_bearer(&app, "GET", HCM, "/api/v1/session", &secret, Value::Null).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    let r = with_bearer(
        &app,
        "GET",
        VI,
        "/api/v1/session",
        "mc_not-a-token",
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = with_bearer(
        &app,
        "GET",
        EN,
        "/api/v1/session",
        "mc_not-a-token",
        Value::Null,
    )
    .await;
    assert_eq!(
        r.json()["error"]["message"],
        "The API token is invalid, expired or revoked."
    );

    // Revoking needs the session's CSRF token, then the token stops at once.
    let r = api(
        &app,
        "DELETE",
        VI,
        &format!("/api/v1/admin/tokens/{id}"),
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.json()["error"]["code"], "csrf_failed");
    let r = api(
        &app,
        "DELETE",
        VI,
        &format!("/api/v1/admin/tokens/{id}"),
        Some(&cookie),
        Some(&csrf),
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["active"], false);
    let r = with_bearer(&app, "GET", VI, "/api/v1/session", &secret, Value::Null).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = api(
        &app,
        "DELETE",
        VI,
        "/api/v1/admin/tokens/999999",
        Some(&cookie),
        Some(&csrf),
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn expired_tokens_are_refused(backend: Backend) {
    let app = app(backend).await;
    super::administrator(&app, "lan").await;
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let r = api(
        &app,
        "POST",
        VI,
        "/api/v1/admin/tokens",
        Some(&cookie),
        Some(&csrf),
        json!({"name": "tạm thời", "scopes": ["account:view"], "expires_at": soon}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.json()["token"].as_str().unwrap().to_owned();
    let r = with_bearer(&app, "GET", VI, "/api/v1/session", &secret, Value::Null).await;
    assert_eq!(r.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let r = with_bearer(&app, "GET", VI, "/api/v1/session", &secret, Value::Null).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    let r = api(
        &app,
        "GET",
        VI,
        "/api/v1/admin/tokens",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.json()["tokens"][0]["active"], false);
}

async fn only_officials_of_the_tenant_manage_tokens(backend: Backend) {
    let app = app(backend).await;
    super::administrator(&app, "lan").await;
    account(&app, Holder::Operator, "van.hanh", false).await;
    let r = api(
        &app,
        "GET",
        VI,
        "/api/v1/admin/tokens",
        None,
        None,
        Value::Null,
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let r = api(
        &app,
        "POST",
        VI,
        "/api/v1/session",
        None,
        None,
        json!({"username": "van.hanh", "password": PASSWORD, "operator": true}),
    )
    .await;
    let operator = super::cookie_of(&r);
    let r = api(
        &app,
        "GET",
        VI,
        "/api/v1/admin/tokens",
        Some(&operator),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    for body in [
        json!({"name": "", "scopes": []}),
        json!({"name": "x", "scopes": ["dossier"]}),
        json!({"name": "x", "scopes": ["Dossier:read"]}),
        json!({"name": "x", "expires_at": "2001-01-01T00:00:00Z"}),
    ] {
        let r = api(
            &app,
            "POST",
            VI,
            "/api/v1/admin/tokens",
            Some(&cookie),
            Some(&csrf),
            body.clone(),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.json()["error"]["code"], "invalid_token_request");
    }
}

backend_tests!(
    tokens_are_created_used_and_revoked,
    expired_tokens_are_refused,
    only_officials_of_the_tenant_manage_tokens,
);
