//! Officials' and operators' accounts through HTTP: sign-in with passwords and TOTP codes,
//! lockout and rate limits, sessions and their cookies, CSRF, and API tokens. On PostgreSQL the
//! application uses Redis for sessions and counters, on SQLite the in-process cache.

mod password_change;
mod sessions;
mod sign_in;
mod tokens;
mod two_factor;

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use motcua_store::TenantId;
use motcua_store::accounts::{self, Holder, NewAccount};
use motcua_store::cache::{Cache, MemoryCache};
use motcua_store::tenants;
use motcua_tests::{Backend, Reply, TestApp, redis_cache};
use motcua_web::WebConfig;
use motcua_web::accounts::totp;
use serde_json::Value;

pub(super) const VI: &str = "dichvucong.thanhhoa.localhost";
pub(super) const EN: &str = "e-services.thanhhoa.localhost";
pub(super) const HCM: &str = "dichvucong.hochiminhcity.localhost";
pub(super) const PASSWORD: &str = "sông Mã chảy về xuôi 2026";

/// The demo tenants with `config`; Redis as the cache on PostgreSQL, as in production.
pub(super) async fn app_with(backend: Backend, config: WebConfig) -> TestApp {
    let cache: Arc<dyn Cache> = match backend {
        Backend::Sqlite => Arc::new(MemoryCache::default()),
        Backend::Postgres => Arc::new(redis_cache().await),
    };
    TestApp::with(backend, cache, config).await
}

pub(super) async fn app(backend: Backend) -> TestApp {
    app_with(backend, WebConfig::default()).await
}

pub(super) async fn tenant(app: &TestApp, slug: &str) -> TenantId {
    tenants::load(&app.db.store, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Creates an account of `holder` with [`PASSWORD`].
pub(super) async fn account(
    app: &TestApp,
    holder: Holder,
    username: &str,
    must_change: bool,
) -> i64 {
    accounts::create(
        &app.db.store,
        holder,
        &NewAccount {
            username: username.to_owned(),
            name: format!("Cán bộ {username}"),
            email: None,
            password_hash: motcua_web::accounts::password::hash(PASSWORD).unwrap(),
            must_change_password: must_change,
        },
    )
    .await
    .unwrap()
}

/// An official of Thanh Hóa.
pub(super) async fn official(app: &TestApp, username: &str) -> i64 {
    let t = tenant(app, "thanhhoa").await;
    account(app, Holder::Official(t), username, false).await
}

/// An official of Thanh Hóa who administers the tenant (`tenant_admin` for the whole tenant).
pub(super) async fn administrator(app: &TestApp, username: &str) -> i64 {
    let id = official(app, username).await;
    let t = tenant(app, "thanhhoa").await;
    let admin = motcua_authz::Assignment {
        account: id,
        role: motcua_authz::Role::TenantAdmin,
        division: None,
    };
    app.state
        .authz
        .change(t, "test", "", &[admin], &[], None)
        .await
        .expect("the role is assigned");
    id
}

/// A request to `host` with a cookie, a CSRF token and extra headers.
pub(super) fn request(
    method: &str,
    host: &str,
    path: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
    headers: &[(&str, &str)],
    body: Body,
) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header("host", host);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    if let Some(t) = csrf {
        r = r.header("x-csrf-token", t);
    }
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(body).unwrap()
}

/// A JSON API call.
pub(super) async fn api(
    app: &TestApp,
    method: &str,
    host: &str,
    path: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
    body: Value,
) -> Reply {
    let (body, headers): (Body, &[(&str, &str)]) = if body.is_null() {
        (Body::empty(), &[])
    } else {
        (
            Body::from(body.to_string()),
            &[("content-type", "application/json")],
        )
    };
    app.send(request(method, host, path, cookie, csrf, headers, body))
        .await
}

/// A form submission, as a browser without JavaScript sends it.
pub(super) async fn form(
    app: &TestApp,
    host: &str,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    app.send(request(
        "POST",
        host,
        path,
        cookie,
        None,
        &[("content-type", "application/x-www-form-urlencoded")],
        Body::from(body),
    ))
    .await
}

/// `name=value` of the session cookie a reply sets.
pub(super) fn cookie_of(r: &Reply) -> String {
    r.header("set-cookie")
        .unwrap_or_else(|| panic!("no cookie set: {} {}", r.status, r.body))
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Signs in through the API on `host`: the cookie and the CSRF token.
pub(super) async fn sign_in(
    app: &TestApp,
    host: &str,
    username: &str,
    password: &str,
) -> (String, String) {
    let r = api(
        app,
        "POST",
        host,
        "/api/v1/session",
        None,
        None,
        serde_json::json!({ "username": username, "password": password }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    (cookie_of(&r), r.json()["csrf"].as_str().unwrap().to_owned())
}

/// Who the API says is signed in with `cookie` on `host` (`None` on 401).
pub(super) async fn whoami(app: &TestApp, host: &str, cookie: &str) -> Option<Value> {
    let r = api(
        app,
        "GET",
        host,
        "/api/v1/session",
        Some(cookie),
        None,
        Value::Null,
    )
    .await;
    match r.status.as_u16() {
        200 => Some(r.json()),
        401 => None,
        other => panic!("{other}: {}", r.body),
    }
}

/// The six-digit code of a base32 secret for a time step.
pub(super) fn code(secret: &str, step: u64) -> String {
    let key = totp::decode_secret(secret).unwrap();
    format!("{:06}", totp::code_at(&key, step, 6))
}

/// The current time step, after waiting if the step ends within ten seconds, so that a test
/// using this step and its neighbours stays inside the accepted window.
pub(super) async fn fresh_step() -> u64 {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
    };
    let into = now().as_secs() % totp::STEP_SECONDS;
    if into >= totp::STEP_SECONDS - 10 {
        tokio::time::sleep(std::time::Duration::from_secs(
            totp::STEP_SECONDS - into + 1,
        ))
        .await;
    }
    totp::step_of(now().as_secs())
}

/// `POST /api/v1/session` with `body` and extra headers.
pub(super) async fn attempt(
    app: &TestApp,
    host: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> motcua_tests::Reply {
    let mut r = axum::http::Request::post("/api/v1/session")
        .header("host", host)
        .header("content-type", "application/json");
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    app.send(r.body(axum::body::Body::from(body.to_string())).unwrap())
        .await
}

/// The text of `body` between `before` and `after`.
pub(super) fn between<'a>(body: &'a str, before: &str, after: &str) -> &'a str {
    let start = body
        .find(before)
        .unwrap_or_else(|| panic!("`{before}` in {body}"))
        + before.len();
    let len = body[start..].find(after).unwrap();
    &body[start..start + len]
}
