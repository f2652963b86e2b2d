//! The callers of the attachment tests: citizens and officials of Thanh Hóa, signed in.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_store::accounts::{self, Holder, NewAccount};
use motcua_store::{TenantId, tenants};
use motcua_tests::TestApp;
use motcua_web::host::Site;
use motcua_web::session::{CitizenIdentity, Principal, Sessions};
use serde_json::json;

use super::VI;

const PASSWORD: &str = "một mật khẩu đủ dài 2026";

/// The id of demo tenant `slug`.
pub(super) async fn tenant(app: &TestApp, slug: &str) -> TenantId {
    tenants::load(&app.db.store, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A signed-in session (cookie, CSRF token) of `principal` on the Vietnamese portal.
pub(super) async fn session(app: &TestApp, principal: Principal) -> (String, String) {
    let t = tenant(app, "thanhhoa").await;
    let site = Site {
        tenant: app.state.sites.by_id(t).unwrap(),
        lang: Lang::Vi,
        system: System::Portal,
    };
    let new = Sessions::create(&app.state, &site, principal)
        .await
        .unwrap();
    let cookie = new
        .set_cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    (cookie, new.csrf)
}

/// A citizen signed in through the national portal, with their identity number.
pub(super) async fn citizen_session(app: &TestApp, subject: &str, id: &str) -> (String, String) {
    session(
        app,
        Principal::Citizen(CitizenIdentity {
            issuer: "https://sso.dichvucong.gov.vn".to_owned(),
            subject: subject.to_owned(),
            name: "Lê Thị Hoa".to_owned(),
            citizen_id: Some(id.to_owned()),
            acr: Some("LoA2".to_owned()),
        }),
    )
    .await
}

/// An official of Thanh Hóa holding `role` in `division` (none: no role at all), signed in.
pub(super) async fn official(
    app: &TestApp,
    username: &str,
    role: Option<(motcua_authz::Role, &str)>,
) -> (String, String) {
    let t = tenant(app, "thanhhoa").await;
    let id = accounts::create(
        &app.db.store,
        Holder::Official(t),
        &NewAccount {
            username: username.to_owned(),
            name: format!("Cán bộ {username}"),
            email: None,
            password_hash: motcua_web::accounts::password::hash(PASSWORD).unwrap(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    if let Some((role, division)) = role {
        let a = motcua_authz::Assignment {
            account: id,
            role,
            division: Some(division.to_owned()),
        };
        app.state
            .authz
            .change(t, "test", "", &[a], &[], None)
            .await
            .unwrap();
    }
    let r = app
        .send(
            Request::post("/api/v1/session")
                .header("host", VI)
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({ "username": username, "password": PASSWORD }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    (cookie, r.json()["csrf"].as_str().unwrap().to_owned())
}
