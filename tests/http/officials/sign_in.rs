//! Signing in with a password: officials and operators, the pages, the lockout, rate limits.

use axum::http::StatusCode;
use motcua_store::accounts::{self, Holder};
use motcua_tests::{Backend, TestApp, backend_tests};
use motcua_web::WebConfig;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use super::{
    EN, HCM, PASSWORD, VI, account, app, app_with, attempt, cookie_of, form, official, sign_in,
    tenant, whoami,
};

async fn passwords_sign_officials_and_operators_in(backend: Backend) {
    let app = app(backend).await;
    official(&app, "lan.nguyen").await;
    account(&app, Holder::Operator, "van.hanh", false).await;

    let wrong = attempt(
        &app,
        VI,
        json!({"username": "lan.nguyen", "password": "sai mật khẩu rồi"}),
        &[],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["error"]["code"], "sign_in_failed");
    assert!(wrong.header("set-cookie").is_none());
    let message = wrong.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("Tên đăng nhập hoặc mật khẩu không đúng"),
        "{message}"
    );
    // An unknown username gets exactly the same answer.
    let unknown = attempt(
        &app,
        VI,
        json!({"username": "khong.co.ai", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!((unknown.status, &unknown.body), (wrong.status, &wrong.body));
    let english = attempt(
        &app,
        EN,
        json!({"username": "lan.nguyen", "password": "wrong again!!"}),
        &[],
    )
    .await;
    assert!(
        english.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The username or password is wrong"),
        "{}",
        english.body
    );

    // Usernames are not case-sensitive.
    let ok = attempt(
        &app,
        VI,
        json!({"username": "Lan.Nguyen", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["status"], "signed_in");
    assert_eq!(ok.header("cache-control"), Some("no-store"));
    let p = &ok.json()["principal"];
    assert_eq!(
        (p["kind"].as_str(), p["username"].as_str()),
        (Some("official"), Some("lan.nguyen"))
    );
    assert_eq!(p["tenant"], tenant(&app, "thanhhoa").await.0);
    let me = whoami(&app, VI, &cookie_of(&ok)).await.expect("signed in");
    assert_eq!(me["principal"]["name"], "Cán bộ lan.nguyen");
    assert_eq!(me["csrf"], ok.json()["csrf"]);

    // Operators sign in on any tenant host, as operators only.
    let op = attempt(
        &app,
        HCM,
        json!({"username": "van.hanh", "password": PASSWORD, "operator": true}),
        &[],
    )
    .await;
    assert_eq!(op.status, StatusCode::OK, "{}", op.body);
    assert_eq!(op.json()["principal"]["kind"], "operator");
    let as_official = attempt(
        &app,
        HCM,
        json!({"username": "van.hanh", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(as_official.status, StatusCode::UNAUTHORIZED);
    let official_as_operator = attempt(
        &app,
        VI,
        json!({"username": "lan.nguyen", "password": PASSWORD, "operator": true}),
        &[],
    )
    .await;
    assert_eq!(official_as_operator.status, StatusCode::UNAUTHORIZED);
    // An official of one tenant is nobody on another tenant's host.
    let elsewhere = attempt(
        &app,
        HCM,
        json!({"username": "lan.nguyen", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);

    // The pages: each language's path on its host, the other redirected.
    let page = app.get(VI, "/dang-nhap").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Đăng nhập dành cho cán bộ") && page.body.contains("name=\"password\"")
    );
    let page = app.get(EN, "/sign-in").await;
    assert!(
        page.body
            .contains("<label for=\"username\">Username</label>"),
        "{}",
        page.body
    );
    let moved = app.get(VI, "/sign-in?return=/lookup").await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(moved.header("location"), Some("/dang-nhap?return=/lookup"));
    let page = app.get(VI, "/van-hanh/dang-nhap").await;
    assert!(page.body.contains("Đăng nhập quản trị vận hành nền tảng"));

    let r = form(
        &app,
        VI,
        "/dang-nhap",
        None,
        &[
            ("username", "lan.nguyen"),
            ("password", "sai mật khẩu rồi"),
            ("return", "/lookup"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"),
        "{}",
        r.body
    );
    assert!(r.header("set-cookie").is_none());
    let r = form(
        &app,
        VI,
        "/dang-nhap",
        None,
        &[
            ("username", "lan.nguyen"),
            ("password", PASSWORD),
            ("return", "/lookup"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some("/lookup"));
    let cookie = cookie_of(&r);
    let page = app
        .send(super::request(
            "GET",
            VI,
            "/dang-nhap",
            Some(&cookie),
            None,
            &[],
            axum::body::Body::empty(),
        ))
        .await;
    assert!(
        page.body.contains("Bạn đang đăng nhập với tên") && page.body.contains("Cán bộ lan.nguyen")
    );
    // A return path off this host is not followed.
    let r = form(
        &app,
        VI,
        "/dang-nhap",
        None,
        &[
            ("username", "lan.nguyen"),
            ("password", PASSWORD),
            ("return", "//evil.example/"),
        ],
    )
    .await;
    assert_eq!(r.header("location"), Some("/"));
    let r = form(
        &app,
        VI,
        "/van-hanh/dang-nhap",
        None,
        &[("username", "van.hanh"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn set_locked_until_past(app: &TestApp) {
    let db = app.db.store.platform();
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "UPDATE accounts SET locked_until = $1",
        _ => "UPDATE accounts SET locked_until = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [(chrono::Utc::now() - chrono::Duration::seconds(1)).into()],
    ))
    .await
    .unwrap();
}

async fn five_failures_lock_an_account_for_fifteen_minutes(backend: Backend) {
    let app = app(backend).await;
    let id = official(&app, "lan").await;
    let holder = Holder::Official(tenant(&app, "thanhhoa").await);
    let mut refused = String::new();
    for _ in 0..5 {
        let r = attempt(
            &app,
            VI,
            json!({"username": "lan", "password": "không phải mật khẩu"}),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        refused = r.body;
    }
    let c = accounts::get(&app.db.store, holder, id)
        .await
        .unwrap()
        .unwrap();
    let until = c.locked_until.expect("locked");
    let left = (until - chrono::Utc::now()).num_seconds();
    assert!((14 * 60..=15 * 60).contains(&left), "{left}");

    // Locked: the right password is refused, with the same answer as a wrong one.
    let r = attempt(
        &app,
        VI,
        json!({"username": "lan", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!((r.status, r.body), (StatusCode::UNAUTHORIZED, refused));

    // Once the lock has passed, the right password works and the count starts again.
    set_locked_until_past(&app).await;
    sign_in(&app, VI, "lan", PASSWORD).await;
    let c = accounts::get(&app.db.store, holder, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.failed_attempts, c.locked_until), (0, None));
}

async fn rate_limits_answer_429_with_retry_after(backend: Backend) {
    let app = app_with(
        backend,
        WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        },
    )
    .await;
    official(&app, "lan").await;

    // Per client: 20 attempts a minute, whatever the usernames.
    for i in 0..20 {
        let r = attempt(
            &app,
            VI,
            json!({"username": format!("ai.do.{i}"), "password": "x"}),
            &[("x-forwarded-for", "10.0.0.1")],
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i}: {}",
            r.body
        );
    }
    let r = attempt(
        &app,
        VI,
        json!({"username": "lan", "password": PASSWORD}),
        &[("x-forwarded-for", "10.0.0.1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(r.json()["error"]["code"], "rate_limited");
    let page = form(
        &app,
        VI,
        "/dang-nhap",
        None,
        &[("username", "lan"), ("password", PASSWORD)],
    )
    .await;
    // (The form above comes from no forwarded address: another client.)
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let limited_page = app
        .send(super::request(
            "POST",
            EN,
            "/sign-in",
            None,
            None,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-forwarded-for", "10.0.0.1"),
            ],
            axum::body::Body::from("username=lan&password=x"),
        ))
        .await;
    assert_eq!(limited_page.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited_page.header("retry-after"), Some("60"));
    assert!(
        limited_page.body.contains("Too many requests"),
        "{}",
        limited_page.body
    );

    // Per username: 10 attempts a minute, from any number of clients.
    for i in 0..10 {
        let from = format!("10.1.0.{i}");
        let r = attempt(
            &app,
            VI,
            json!({"username": "CHI", "password": "x"}),
            &[("x-forwarded-for", &from)],
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i}: {}",
            r.body
        );
    }
    let r = attempt(
        &app,
        VI,
        json!({"username": "chi", "password": "x"}),
        &[("x-forwarded-for", "10.2.0.1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("60"));
    // The same username on another tenant's host, or another username, is not held back.
    let r = attempt(
        &app,
        HCM,
        json!({"username": "chi", "password": "x"}),
        &[("x-forwarded-for", "10.3.0.1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = attempt(
        &app,
        VI,
        json!({"username": "lan", "password": PASSWORD}),
        &[("x-forwarded-for", "10.3.0.2")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

backend_tests!(
    passwords_sign_officials_and_operators_in,
    five_failures_lock_an_account_for_fifteen_minutes,
    rate_limits_answer_429_with_retry_after,
);
