//! Sessions: cookie flags, sign-out, revocation by password change, epoch and disabling,
//! timeouts, CSRF, and sessions confined to the tenant of their host.

use axum::body::Body;
use axum::http::StatusCode;
use motcua_store::accounts::{self, Holder};
use motcua_tests::{Backend, TestApp, backend_tests};
use motcua_web::WebConfig;
use serde_json::{Value, json};
use sha2::Digest;

use super::{
    EN, HCM, PASSWORD, VI, api, app, app_with, cookie_of, form, official, request, sign_in, tenant,
    whoami,
};

async fn cookies_are_host_only_http_only_and_secure_over_https(backend: Backend) {
    let plain = app(backend).await;
    official(&plain, "lan").await;
    let r = super::api(
        &plain,
        "POST",
        VI,
        "/api/v1/session",
        None,
        None,
        json!({"username": "lan", "password": PASSWORD}),
    )
    .await;
    let set = r.header("set-cookie").unwrap().to_owned();
    assert!(set.starts_with("motcua="), "{set}");
    for part in ["; Path=/", "; HttpOnly", "; SameSite=Lax"] {
        assert!(set.contains(part), "{part} in {set}");
    }
    assert!(
        !set.contains("Secure") && !set.contains("Domain") && !set.contains("Max-Age"),
        "{set}"
    );
    // 256 random bits.
    let id = set.trim_start_matches("motcua=").split(';').next().unwrap();
    assert_eq!(id.len(), 43, "{id}");

    let secure = app_with(
        backend,
        WebConfig {
            https: true,
            ..WebConfig::default()
        },
    )
    .await;
    official(&secure, "lan").await;
    let r = super::api(
        &secure,
        "POST",
        VI,
        "/api/v1/session",
        None,
        None,
        json!({"username": "lan", "password": PASSWORD}),
    )
    .await;
    let set = r.header("set-cookie").unwrap().to_owned();
    assert!(set.starts_with("__Host-motcua="), "{set}");
    for part in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Secure"] {
        assert!(set.contains(part), "{part} in {set}");
    }
    assert!(!set.contains("Domain"), "{set}");
    let cookie = cookie_of(&r);
    assert!(whoami(&secure, VI, &cookie).await.is_some());
    // Under https only the prefixed cookie counts.
    let bare = cookie.replace("__Host-motcua=", "motcua=");
    assert!(whoami(&secure, VI, &bare).await.is_none());
}

async fn sign_out_and_a_new_password_end_sessions(backend: Backend) {
    let app = app(backend).await;
    let id = official(&app, "lan").await;
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let r = api(
        &app,
        "DELETE",
        VI,
        "/api/v1/session",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(
        r.json()["error"]["code"],
        "csrf_failed",
        "no token, no sign-out"
    );
    assert!(whoami(&app, VI, &cookie).await.is_some());
    let r = api(
        &app,
        "DELETE",
        VI,
        "/api/v1/session",
        Some(&cookie),
        Some(&csrf),
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(whoami(&app, VI, &cookie).await.is_none());

    // The page's sign-out button.
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let r = form(&app, VI, "/dang-xuat", Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(
        (r.status, r.header("location")),
        (StatusCode::SEE_OTHER, Some("/"))
    );
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(whoami(&app, VI, &cookie).await.is_none());

    // A new password ends every session of the account; the one that changed it goes on
    // under a new cookie.
    let (first, first_csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let (second, _) = sign_in(&app, VI, "lan", PASSWORD).await;
    let r = api(
        &app,
        "POST",
        VI,
        "/api/v1/session/password",
        Some(&first),
        Some(&first_csrf),
        json!({"current": PASSWORD, "new": "đèn khoe đèn tỏ hơn trăng"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let renewed = cookie_of(&r);
    assert!(whoami(&app, VI, &first).await.is_none());
    assert!(whoami(&app, VI, &second).await.is_none());
    assert!(whoami(&app, VI, &renewed).await.is_some());

    // A change made elsewhere (roles changed on another node) ends the sessions within a second.
    let t = tenant(&app, "thanhhoa").await;
    accounts::bump_session_epoch(&app.db.store, t, id)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(
        whoami(&app, VI, &renewed).await.is_none(),
        "the epoch moved on"
    );
    let (cookie, _) = sign_in(&app, VI, "lan", "đèn khoe đèn tỏ hơn trăng").await;
    accounts::set_disabled(&app.db.store, Holder::Official(t), id, true)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(whoami(&app, VI, &cookie).await.is_none(), "disabled");
    let r = api(
        &app,
        "POST",
        VI,
        "/api/v1/session",
        None,
        None,
        json!({"username": "lan", "password": "đèn khoe đèn tỏ hơn trăng"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
}

/// Rewrites the cached record of a session.
async fn age(app: &TestApp, cookie: &str, change: impl FnOnce(&mut Value)) {
    let id = cookie.split_once('=').unwrap().1;
    let key = format!(
        "session:{}",
        hex::encode(sha2::Sha256::digest(id.as_bytes()))
    );
    let mut record: Value = serde_json::from_slice(
        &app.state
            .cache
            .get(&key)
            .await
            .unwrap()
            .expect("the session is cached"),
    )
    .unwrap();
    change(&mut record);
    app.state
        .cache
        .set(
            &key,
            record.to_string().as_bytes(),
            std::time::Duration::from_secs(60),
        )
        .await
        .unwrap();
}

async fn sessions_end_when_idle_or_too_old(backend: Backend) {
    let app = app(backend).await;
    official(&app, "lan").await;
    let now = chrono::Utc::now().timestamp();

    let (idle, _) = sign_in(&app, VI, "lan", PASSWORD).await;
    age(&app, &idle, |r| r["seen"] = json!(now - 29 * 60)).await;
    assert!(whoami(&app, VI, &idle).await.is_some(), "29 minutes idle");
    // That request counted as activity.
    assert!(whoami(&app, VI, &idle).await.is_some());
    age(&app, &idle, |r| r["seen"] = json!(now - 31 * 60)).await;
    assert!(whoami(&app, VI, &idle).await.is_none(), "31 minutes idle");

    let (old, _) = sign_in(&app, VI, "lan", PASSWORD).await;
    age(&app, &old, |r| r["created"] = json!(now - 11 * 3600)).await;
    assert!(
        whoami(&app, VI, &old).await.is_some(),
        "11 hours old and busy"
    );
    age(&app, &old, |r| r["created"] = json!(now - 12 * 3600 - 1)).await;
    assert!(
        whoami(&app, VI, &old).await.is_none(),
        "past 12 hours however busy"
    );
}

async fn changes_made_with_the_cookie_need_the_csrf_token(backend: Backend) {
    let app = app(backend).await;
    official(&app, "lan").await;
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let totp = |token: Option<&str>, headers: &[(&str, &str)]| {
        app.send(request(
            "POST",
            VI,
            "/api/v1/session/totp",
            Some(&cookie),
            token,
            headers,
            Body::empty(),
        ))
    };
    let r = totp(None, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "csrf_failed");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("mã bảo vệ"),
        "{}",
        r.body
    );
    let r = totp(Some("not-the-token"), &[]).await;
    assert_eq!(r.json()["error"]["code"], "csrf_failed");
    let r = totp(Some(&csrf), &[("origin", "http://evil.example")]).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("cross_site_request"))
    );
    let r = totp(
        Some(&csrf),
        &[("referer", "http://e-services.thanhhoa.localhost/sign-in")],
    )
    .await;
    assert_eq!(
        r.json()["error"]["code"],
        "cross_site_request",
        "the other language's host is another origin"
    );
    let r = totp(
        Some(&csrf),
        &[("origin", "http://dichvucong.thanhhoa.localhost")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Reading needs no token.
    assert!(whoami(&app, VI, &cookie).await.is_some());

    // English host, English refusal; a form without the field gets a page.
    let (en_cookie, _) = sign_in(&app, EN, "lan", PASSWORD).await;
    let r = api(
        &app,
        "POST",
        EN,
        "/api/v1/session/totp",
        Some(&en_cookie),
        None,
        Value::Null,
    )
    .await;
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("security token"),
        "{}",
        r.body
    );
    let r = form(&app, VI, "/dang-xuat", Some(&cookie), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("<html") && r.body.contains("mã bảo vệ"),
        "{}",
        r.body
    );
    assert!(whoami(&app, VI, &cookie).await.is_some(), "still signed in");

    // Signing in from another site is refused (login CSRF).
    let r = app
        .send(request(
            "POST",
            VI,
            "/dang-nhap",
            None,
            None,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "http://evil.example"),
            ],
            Body::from(format!("username=lan&password={}", super::PASSWORD)),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.header("set-cookie").is_none());
    let r = app
        .send(request(
            "POST",
            VI,
            "/api/v1/session",
            None,
            None,
            &[
                ("content-type", "application/json"),
                ("origin", "http://evil.example"),
            ],
            Body::from(json!({"username": "lan", "password": PASSWORD}).to_string()),
        ))
        .await;
    assert_eq!(r.json()["error"]["code"], "cross_site_request");
}

async fn a_session_is_nobody_on_another_tenants_host(backend: Backend) {
    let app = app(backend).await;
    official(&app, "lan").await;
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    assert!(whoami(&app, HCM, &cookie).await.is_none());
    let r = api(
        &app,
        "POST",
        HCM,
        "/api/v1/session/totp",
        Some(&cookie),
        Some(&csrf),
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = api(
        &app,
        "GET",
        HCM,
        "/api/v1/admin/tokens",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let page = app
        .send(request(
            "GET",
            HCM,
            "/xac-thuc-hai-buoc",
            Some(&cookie),
            None,
            &[],
            Body::empty(),
        ))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.header("location"),
        Some("/dang-nhap?return=%2Fxac-thuc-hai-buoc")
    );
    // The session itself is untouched on its own host.
    assert!(whoami(&app, VI, &cookie).await.is_some());
}

backend_tests!(
    cookies_are_host_only_http_only_and_secure_over_https,
    sign_out_and_a_new_password_end_sessions,
    sessions_end_when_idle_or_too_old,
    changes_made_with_the_cookie_need_the_csrf_token,
    a_session_is_nobody_on_another_tenants_host,
);
