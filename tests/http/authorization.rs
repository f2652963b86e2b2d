//! Authorization through HTTP: tenant administrators assign roles through the API (audited,
//! refused when stale), an official's roles decide what they may do, a change of roles ends
//! their sessions, and every administration route asks the guard.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_store::accounts::{self, Holder, NewAccount};
use motcua_store::tenants;
use motcua_tests::{Backend, TestApp, backend_tests};
use serde_json::{Value, json};

const HOST: &str = "dichvucong.thanhhoa.localhost";
const ADMIN: &str = "mc_admin456789abcdef0123456789abcdef0123456789";
const PASSWORD: &str = "một mật khẩu đủ dài 2026";

fn call(
    method: &str,
    path: &str,
    bearer: Option<&str>,
    cookie: Option<&str>,
    body: Value,
) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header("host", HOST)
        .header("content-type", "application/json");
    if let Some(t) = bearer {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

async fn as_admin(app: &TestApp, method: &str, path: &str, body: Value) -> motcua_tests::Reply {
    app.send(call(method, path, Some(ADMIN), None, body)).await
}

async fn get_as(app: &TestApp, path: &str, cookie: &str) -> motcua_tests::Reply {
    app.send(call("GET", path, None, Some(cookie), Value::Null))
        .await
}

async fn official(app: &TestApp, username: &str) -> i64 {
    let tenant = tenants::load(&app.db.store, "thanhhoa")
        .await
        .unwrap()
        .unwrap()
        .id;
    accounts::create(
        &app.db.store,
        Holder::Official(tenant),
        &NewAccount {
            username: username.to_owned(),
            name: "Lê Thị Hoa".to_owned(),
            email: None,
            password_hash: motcua_web::accounts::password::hash(PASSWORD).unwrap(),
            must_change_password: false,
        },
    )
    .await
    .unwrap()
}

/// Signs in through the API; the session cookie and its CSRF token.
async fn sign_in(app: &TestApp, username: &str) -> (String, String) {
    let r = app
        .send(call(
            "POST",
            "/api/v1/session",
            None,
            None,
            json!({ "username": username, "password": PASSWORD }),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = r.json()["csrf"].as_str().unwrap_or_default().to_owned();
    (cookie, csrf)
}

async fn roles_decide_and_changes_are_audited(backend: Backend) {
    let app = TestApp::new(backend).await;
    let token = app
        .api_token("thanhhoa", ADMIN, &["policy:view", "policy:edit"])
        .await;
    let designer = official(&app, "hoa.le").await;

    // Signed in without a role: the official can do nothing in administration.
    let (cookie, _) = sign_in(&app, "hoa.le").await;
    let r = get_as(&app, "/api/v1/admin/plugins", &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The role templates are there for the administrator to choose from.
    let r = as_admin(&app, "GET", "/api/v1/admin/roles", Value::Null).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["roles"].as_array().unwrap().len(), 8);

    // Give the official the designer role for the whole tenant.
    let r = as_admin(
        &app,
        "POST",
        "/api/v1/admin/assignments",
        json!({ "expected_version": 0, "reason": "thiết kế quy trình",
                    "add": [{ "account": designer, "role": "designer" }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 1);

    // The change ended the official's session: the old cookie is refused.
    let r = get_as(&app, "/api/v1/admin/plugins", &cookie).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    // Signed in again, the new role applies: designers see plugins, not role assignments.
    let (cookie, _) = sign_in(&app, "hoa.le").await;
    let r = get_as(&app, "/api/v1/admin/plugins", &cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = get_as(&app, "/api/v1/admin/assignments", &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // A change prepared on a stale version is refused; so are strangers and unknown divisions.
    let stale =
        json!({ "expected_version": 0, "add": [{ "account": designer, "role": "report_viewer" }] });
    let r = as_admin(&app, "POST", "/api/v1/admin/assignments", stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "policy_changed");
    let r = as_admin(
        &app,
        "POST",
        "/api/v1/admin/assignments",
        json!({ "add": [{ "account": 987654, "role": "specialist", "division": "so-tu-phap" }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "unknown_account");
    let r = as_admin(&app, "POST", "/api/v1/admin/assignments", json!({ "add": [{ "account": designer, "role": "specialist", "division": "so-khong-co" }] })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "unknown_division");
    let r = as_admin(
        &app,
        "POST",
        "/api/v1/admin/assignments",
        json!({ "add": [{ "account": designer, "role": "clerk" }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // The history says who did what, before and after.
    let r = as_admin(
        &app,
        "GET",
        "/api/v1/admin/assignments/history",
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let changes = r.json()["changes"].as_array().unwrap().clone();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["actor"], format!("token:{token}"));
    assert_eq!(changes[0]["reason"], "thiết kế quy trình");
    assert_eq!(changes[0]["before"], json!([]));
    assert_eq!(
        changes[0]["after"][0]["values"],
        json!([format!("account:{designer}"), "designer", "thanhhoa/*"])
    );
    let r = as_admin(&app, "GET", "/api/v1/admin/assignments", Value::Null).await;
    assert_eq!(r.json()["version"], 1);
    assert_eq!(r.json()["assignments"][0]["account"], designer);
}

async fn administration_routes_refuse_strangers(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Every permission there is, but in Hồ Chí Minh City.
    let all: Vec<String> = motcua_authz::Object::ALL
        .iter()
        .flat_map(|o| {
            motcua_authz::Action::ALL
                .iter()
                .map(move |a| format!("{o}:{a}"))
        })
        .collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let stranger = "mc_hcm3456789abcdef0123456789abcdef0123456789ab";
    app.api_token("hochiminhcity", stranger, &all).await;
    let nothing = "mc_nothing789abcdef0123456789abcdef0123456789ab";
    app.api_token("thanhhoa", nothing, &[]).await;
    let routes = motcua_web::guarded_routes();
    assert!(routes.len() >= 13, "{routes:?}");
    let concrete = |path: &str| {
        format!(
            "/api{}",
            path.replace("{code}", "1.001193")
                .replace("{id}", "1")
                .replace("{version}", "9.9.9")
        )
    };
    for route in routes {
        let (method, path) = (route.method.to_uppercase(), concrete(route.path));
        let (method, path) = (method.as_str(), path.as_str());
        let r = app
            .send(call(method, path, Some(stranger), None, json!({})))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {}",
            r.body
        );
        assert!(
            !r.body.contains("thanhhoa") && !r.body.contains("1.001193"),
            "{}",
            r.body
        );
        let r = app
            .send(call(method, path, Some(nothing), None, json!({})))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            r.body
        );
        let r = app.send(call(method, path, None, None, json!({}))).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {}",
            r.body
        );
    }
}

backend_tests!(
    roles_decide_and_changes_are_audited,
    administration_routes_refuse_strangers,
);
