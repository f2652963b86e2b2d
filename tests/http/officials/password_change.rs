//! Passwords set by an administrator must be changed before anything else.

use axum::http::StatusCode;
use motcua_store::accounts::Holder;
use motcua_tests::{Backend, backend_tests};
use serde_json::{Value, json};

use super::{
    PASSWORD, VI, account, api, app, attempt, between, cookie_of, form, sign_in, tenant, whoami,
};

async fn administrator_passwords_must_be_changed_first(backend: Backend) {
    let app = app(backend).await;
    let holder = Holder::Official(tenant(&app, "thanhhoa").await);
    account(&app, holder, "nguyenvan.moivao", true).await;
    let r = attempt(
        &app,
        VI,
        json!({"username": "nguyenvan.moivao", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(r.json()["status"], "password_change_required", "{}", r.body);
    let cookie = cookie_of(&r);
    let csrf = r.json()["csrf"].as_str().unwrap().to_owned();
    assert_eq!(
        whoami(&app, VI, &cookie).await.unwrap()["must_change_password"],
        true
    );

    // Nothing else is reachable until then.
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
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required"))
    );
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
    assert_eq!(r.json()["error"]["code"], "password_change_required");
    for path in ["/dang-nhap", "/xac-thuc-hai-buoc"] {
        let r = app
            .send(super::request(
                "GET",
                VI,
                path,
                Some(&cookie),
                None,
                &[],
                axum::body::Body::empty(),
            ))
            .await;
        assert_eq!(
            (r.status, r.header("location")),
            (StatusCode::SEE_OTHER, Some("/doi-mat-khau")),
            "{path}"
        );
    }

    let change = |current: &str, new: &str| {
        api(
            &app,
            "POST",
            VI,
            "/api/v1/session/password",
            Some(&cookie),
            Some(&csrf),
            json!({ "current": current, "new": new }),
        )
    };
    for (current, new, code) in [
        (
            "không đúng mật khẩu",
            "một mật khẩu mới rất dài",
            "wrong_password",
        ),
        (PASSWORD, "ngắn quá", "password_too_short"),
        (PASSWORD, "NguyenVan.MoiVao", "password_is_username"),
        (PASSWORD, "Password1234", "password_too_common"),
        (PASSWORD, PASSWORD, "password_unchanged"),
    ] {
        let r = change(current, new).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{new}: {}",
            r.body
        );
        assert_eq!(r.json()["error"]["code"], code, "{new}");
    }
    let r = change(PASSWORD, "cây đa giếng nước sân đình").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "signed_in");
    let renewed = cookie_of(&r);
    assert_ne!(renewed, cookie);
    assert!(
        whoami(&app, VI, &cookie).await.is_none(),
        "the old session ended"
    );
    let r = api(
        &app,
        "GET",
        VI,
        "/api/v1/session",
        Some(&renewed),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = attempt(
        &app,
        VI,
        json!({"username": "nguyenvan.moivao", "password": PASSWORD}),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    sign_in(&app, VI, "nguyenvan.moivao", "cây đa giếng nước sân đình").await;
}

async fn the_forced_change_works_without_javascript(backend: Backend) {
    let app = app(backend).await;
    let holder = Holder::Official(tenant(&app, "thanhhoa").await);
    account(&app, holder, "nguoi.moi", true).await;
    let r = form(
        &app,
        VI,
        "/dang-nhap",
        None,
        &[("username", "nguoi.moi"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(
        (r.status, r.header("location")),
        (StatusCode::SEE_OTHER, Some("/doi-mat-khau"))
    );
    let cookie = cookie_of(&r);
    let page = app
        .send(super::request(
            "GET",
            VI,
            "/doi-mat-khau",
            Some(&cookie),
            None,
            &[],
            axum::body::Body::empty(),
        ))
        .await;
    assert!(
        page.body.contains("mật khẩu do quản trị viên đặt"),
        "{}",
        page.body
    );
    let csrf = between(&page.body, "name=\"csrf\" value=\"", "\"").to_owned();
    let r = form(
        &app,
        VI,
        "/doi-mat-khau",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("current", PASSWORD),
            ("new", "trăm năm trong cõi người ta"),
            ("repeat", "trăm năm trong cõi người"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("không khớp"));
    let r = form(
        &app,
        VI,
        "/doi-mat-khau",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("current", PASSWORD),
            ("new", "trăm năm trong cõi người ta"),
            ("repeat", "trăm năm trong cõi người ta"),
        ],
    )
    .await;
    assert_eq!(
        (r.status, r.header("location")),
        (StatusCode::SEE_OTHER, Some("/dang-nhap?done=password")),
        "{}",
        r.body
    );
    let renewed = cookie_of(&r);
    let page = app
        .send(super::request(
            "GET",
            VI,
            "/dang-nhap?done=password",
            Some(&renewed),
            None,
            &[],
            axum::body::Body::empty(),
        ))
        .await;
    assert!(
        page.body.contains("Đã đổi mật khẩu") && page.body.contains("Bạn đang đăng nhập với tên"),
        "{}",
        page.body
    );
    assert!(whoami(&app, VI, &cookie).await.is_none());
}

backend_tests!(
    administrator_passwords_must_be_changed_first,
    the_forced_change_works_without_javascript,
);
