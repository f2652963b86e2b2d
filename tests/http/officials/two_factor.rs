//! The TOTP second factor: enrolment with one valid code, sign-in needing a code, codes used once.

use axum::http::StatusCode;
use motcua_tests::{Backend, backend_tests};
use serde_json::{Value, json};

use super::{
    EN, HCM, PASSWORD, VI, api, app, attempt, between, code, cookie_of, form, fresh_step, official,
    sign_in, whoami,
};

async fn totp_codes_complete_sign_in_once_each(backend: Backend) {
    let app = app(backend).await;
    official(&app, "lan").await;
    let (cookie, csrf) = sign_in(&app, VI, "lan", PASSWORD).await;
    let step = fresh_step().await;

    let r = api(
        &app,
        "POST",
        VI,
        "/api/v1/session/totp",
        Some(&cookie),
        Some(&csrf),
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r.json()["secret"].as_str().unwrap().to_owned();
    let uri = r.json()["uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains(":lan?secret=") && uri.contains(&secret),
        "{uri}"
    );
    let confirm = |c: String| {
        api(
            &app,
            "POST",
            VI,
            "/api/v1/session/totp/confirm",
            Some(&cookie),
            Some(&csrf),
            json!({ "code": c }),
        )
    };
    let r = confirm(code(&secret, step + 5)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid_code");
    let r = confirm(code(&secret, step - 1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Now a password alone is not enough.
    let start = || {
        attempt(
            &app,
            VI,
            json!({"username": "lan", "password": PASSWORD}),
            &[],
        )
    };
    let r = start().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "code_required");
    assert!(r.header("set-cookie").is_none());
    let pending = r.json()["pending"].as_str().unwrap().to_owned();
    let finish = |p: String, c: String, host: &'static str| {
        attempt(&app, host, json!({"pending": p, "code": c}), &[])
    };
    let r = finish(pending.clone(), code(&secret, step + 5), VI).await;
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code"))
    );
    // The code that confirmed enrolment is spent.
    let r = finish(pending.clone(), code(&secret, step - 1), VI).await;
    assert_eq!(r.json()["error"]["code"], "invalid_code");
    // A pending sign-in belongs to its tenant's host.
    let r = finish(pending.clone(), code(&secret, step), HCM).await;
    assert_eq!(r.json()["error"]["code"], "sign_in_expired");
    let r = finish(pending.clone(), code(&secret, step), VI).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "signed_in");
    assert!(whoami(&app, VI, &cookie_of(&r)).await.is_some());
    // Neither the pending sign-in nor the code can be used again.
    let r = finish(pending, code(&secret, step), VI).await;
    assert_eq!(r.json()["error"]["code"], "sign_in_expired");
    let again = start().await.json()["pending"].as_str().unwrap().to_owned();
    let r = finish(again.clone(), code(&secret, step), VI).await;
    assert_eq!(r.json()["error"]["code"], "invalid_code", "a replayed code");
    let r = finish(again, code(&secret, step + 1), VI).await;
    assert_eq!(r.json()["status"], "signed_in", "{}", r.body);
}

async fn totp_enrolment_and_sign_in_work_without_javascript(backend: Backend) {
    let app = app(backend).await;
    official(&app, "binh").await;
    let r = form(
        &app,
        EN,
        "/sign-in",
        None,
        &[("username", "binh"), ("password", PASSWORD)],
    )
    .await;
    let cookie = cookie_of(&r);
    let get = |path: &'static str, cookie: String| {
        app.send(super::request(
            "GET",
            EN,
            path,
            Some(&cookie),
            None,
            &[],
            axum::body::Body::empty(),
        ))
    };
    let page = get("/two-factor", cookie.clone()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Two-step verification is off."));
    let secret = between(&page.body, "<code class=\"secret\">", "</code>").to_owned();
    let csrf = between(&page.body, "name=\"csrf\" value=\"", "\"").to_owned();
    assert!(page.body.contains("otpauth://totp/"));
    // Reloading shows the same key until it is confirmed.
    assert!(
        get("/two-factor", cookie.clone())
            .await
            .body
            .contains(&secret)
    );
    let step = fresh_step().await;
    let r = form(
        &app,
        EN,
        "/two-factor",
        Some(&cookie),
        &[("csrf", &csrf), ("code", "000000x")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("The code is wrong"), "{}", r.body);
    let r = form(
        &app,
        EN,
        "/two-factor",
        Some(&cookie),
        &[("csrf", &csrf), ("code", &code(&secret, step))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some("/sign-in?done=two-factor"));
    assert!(
        get("/two-factor", cookie.clone())
            .await
            .body
            .contains("Two-step verification is on.")
    );

    let r = form(
        &app,
        EN,
        "/sign-in",
        None,
        &[
            ("username", "binh"),
            ("password", PASSWORD),
            ("return", "/lookup"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("set-cookie").is_none());
    let pending = between(&r.body, "name=\"pending\" value=\"", "\"").to_owned();
    let r = form(
        &app,
        EN,
        "/sign-in",
        None,
        &[
            ("pending", &pending),
            ("code", "123"),
            ("return", "/lookup"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("name=\"pending\""),
        "the same sign-in may try again"
    );
    let r = form(
        &app,
        EN,
        "/sign-in",
        None,
        &[
            ("pending", &pending),
            ("code", &code(&secret, step + 1)),
            ("return", "/lookup"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some("/lookup"));
    assert!(whoami(&app, EN, &cookie_of(&r)).await.is_some());
}

backend_tests!(
    totp_codes_complete_sign_in_once_each,
    totp_enrolment_and_sign_in_work_without_javascript,
);
