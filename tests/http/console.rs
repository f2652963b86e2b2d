//! The tenant administration console through HTTP, on the officials' host: officials created
//! with a temporary password, deactivated, reactivated and reset (their sessions ended), roles
//! given and taken with the policy version check, roles delegated for a period that stop on their
//! own, the audit of it all, and the pages with their forms. Each test on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use motcua_authz::{Action, Object, Permission, Role};
use motcua_store::accounts::{self, Holder};
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use serde_json::{Value, json};

use crate::officials::{PASSWORD, account, api, form, sign_in, tenant};
use crate::onestop::{Clerk, DESK, STAFF};

/// Signs in and answers `(status, must_change_password)`-style: the reply of the sign-in.
async fn try_sign_in(app: &TestApp, username: &str, password: &str) -> Reply {
    api(
        app,
        "POST",
        STAFF,
        "/api/v1/session",
        None,
        None,
        json!({ "username": username, "password": password }),
    )
    .await
}

async fn admin(app: &TestApp) -> Clerk {
    Clerk::new(app, "quantri01", &[(Role::TenantAdmin, None)]).await
}

async fn create(app: &TestApp, admin: &Clerk, body: Value) -> Reply {
    admin.post(app, "/api/v1/admin/officials", body).await
}

fn message(r: &Reply) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {}", r.body))
        .to_owned()
}

async fn administrators_create_officials_who_change_the_password_first(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let admin = admin(&app).await;
    let version = admin.get(&app, "/api/v1/admin/officials").await;
    assert_eq!(version.status, 200, "{}", version.body);
    let version = version.json()["version"].as_i64().unwrap();
    let r = create(
        &app,
        &admin,
        json!({
            "username": "Tiepnhan30",
            "name": "Nguyễn Thị Thu",
            "email": "thu.nt@thanhhoa.gov.vn",
            "phone": "0912 345 678",
            "roles": [{ "role": "receiver", "division": DESK }],
            "expected_version": version,
        }),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let created = r.json();
    let id = created["official"]["id"].as_i64().unwrap();
    let temporary = created["temporary_password"].as_str().unwrap().to_owned();
    assert_eq!(temporary.len(), 20);
    assert_eq!(created["official"]["username"], "tiepnhan30");
    assert_eq!(created["official"]["phone"], "0912 345 678");
    assert_eq!(
        created["official"]["roles"],
        json!([{ "role": "receiver", "division": DESK, "delegation": null, "from": null, "until": null }])
    );

    // Stored only as its argon2id hash, and to be changed at the first sign-in.
    let t = tenant(&app, "thanhhoa").await;
    let stored = accounts::get(&app.db.store, Holder::Official(t), id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
    assert!(!stored.password_hash.contains(&temporary));
    assert!(stored.must_change_password);
    let r = try_sign_in(&app, "tiepnhan30", &temporary).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "password_change_required");
    let cookie = crate::officials::cookie_of(&r);
    let r = api(
        &app,
        "GET",
        STAFF,
        "/api/v1/onestop/inbox",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "password_change_required");

    // Listed with the role, found by a search on any of its fields.
    for q in ["tiepnhan30", "thu", "thanhhoa.gov.vn", "345"] {
        let r = admin
            .get(&app, &format!("/api/v1/admin/officials?q={q}"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let list = r.json()["officials"].as_array().unwrap().clone();
        assert!(list.iter().any(|o| o["id"] == id), "{q}: {list:?}");
    }
    let r = admin.get(&app, "/api/v1/admin/officials?q=khongco").await;
    assert_eq!(r.json()["officials"], json!([]));

    // The audit has the account and its roles.
    let r = admin.get(&app, "/api/v1/admin/audit").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let entries = r.json()["entries"].as_array().unwrap().clone();
    let created = entries
        .iter()
        .find(|e| e["kind"] == "account" && e["action"] == "created")
        .unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(created["actor"], format!("account:{}", admin.id));
    assert_eq!(created["account"], id);
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["username"], "tiepnhan30");
    assert!(
        !r.body.contains(&temporary),
        "the password is never in the audit"
    );
    let roles = entries
        .iter()
        .find(|e| e["kind"] == "roles" && e["account"] == id)
        .unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(roles["before"], json!([]));
    assert_eq!(
        roles["after"],
        json!([format!("account:{id}, receiver, thanhhoa/{DESK}")])
    );
}

async fn the_console_refuses_what_it_must(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let admin = admin(&app).await;
    let clerk = Clerk::new(&app, "tiepnhan31", &[(Role::Receiver, Some(DESK))]).await;

    // No permission: 403, and nothing said about what was sent.
    for (method, path) in [
        ("GET", "/api/v1/admin/officials"),
        ("POST", "/api/v1/admin/officials"),
        ("GET", "/api/v1/admin/audit"),
    ] {
        let r = if method == "GET" {
            clerk.get(&app, path).await
        } else {
            clerk
                .post(&app, path, json!({ "username": "x", "name": "y" }))
                .await
        };
        assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
    }
    let r = clerk
        .post(
            &app,
            &format!("/api/v1/admin/officials/{}/deactivate", admin.id),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Bad input: 400 with a message in the host's language (Vietnamese on the staff host).
    for (body, words) in [
        (
            json!({ "username": "Ab", "name": "Lê Văn Bình" }),
            "Tên đăng nhập",
        ),
        (json!({ "username": "binh.lv", "name": "  " }), "họ và tên"),
        (
            json!({ "username": "binh.lv", "name": "Lê Văn Bình", "email": "binh" }),
            "thư điện tử",
        ),
        (
            json!({ "username": "binh.lv", "name": "Lê Văn Bình", "phone": "12" }),
            "Số điện thoại",
        ),
        (
            json!({ "username": "binh.lv", "name": "Lê Văn Bình", "roles": [{ "role": "clerk" }] }),
            "Không có vai trò `clerk`",
        ),
        (
            json!({ "username": "binh.lv", "name": "Lê Văn Bình", "roles": [{ "role": "receiver", "division": "nowhere" }] }),
            "không có phòng ban `nowhere`",
        ),
    ] {
        let r = create(&app, &admin, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(message(&r).contains(words), "{words}: {}", r.body);
    }
    // A bad input creates nothing.
    let r = admin.get(&app, "/api/v1/admin/officials?q=binh").await;
    assert_eq!(r.json()["officials"], json!([]));

    // A username taken: 409.
    let r = create(
        &app,
        &admin,
        json!({ "username": "tiepnhan31", "name": "Trùng tên" }),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(message(&r).contains("tiepnhan31"), "{}", r.body);

    // A stale policy version: 409, and the role is not given.
    let version = admin.get(&app, "/api/v1/admin/officials").await.json()["version"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/admin/officials/{}/roles", clerk.id);
    let r = admin
        .post(
            &app,
            &path,
            json!({ "expected_version": version, "add": [{ "role": "specialist", "division": DESK }] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = admin
        .post(
            &app,
            &path,
            json!({ "expected_version": version, "add": [{ "role": "division_head", "division": DESK }] }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "policy_changed");
    let t = tenant(&app, "thanhhoa").await;
    assert!(
        !app.state
            .authz
            .assignments_of(t, clerk.id)
            .iter()
            .any(|a| a.role == Role::DivisionHead)
    );

    // Another tenant: its officials are not found here, its sessions not honoured.
    let hcm = tenant(&app, "hochiminhcity").await;
    let stranger = account(&app, Holder::Official(hcm), "canbo.hcm", false).await;
    let r = admin
        .get(&app, &format!("/api/v1/admin/officials/{stranger}"))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = admin
        .post(
            &app,
            &format!("/api/v1/admin/officials/{stranger}/reset"),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let (cookie, _) = sign_in(
        &app,
        "motcua.hochiminhcity.localhost",
        "canbo.hcm",
        PASSWORD,
    )
    .await;
    let r = api(
        &app,
        "GET",
        STAFF,
        "/api/v1/admin/officials",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);

    // An administrator cannot lock themself out.
    let r = admin
        .post(
            &app,
            &format!("/api/v1/admin/officials/{}/deactivate", admin.id),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
}

async fn deactivation_and_reset_end_the_sessions(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let admin = admin(&app).await;
    let clerk = Clerk::new(&app, "tiepnhan32", &[(Role::Receiver, Some(DESK))]).await;
    let inbox = |cookie: String| {
        let app = &app;
        async move {
            api(
                app,
                "GET",
                STAFF,
                "/api/v1/onestop/inbox",
                Some(&cookie),
                None,
                Value::Null,
            )
            .await
            .status
        }
    };
    assert_eq!(inbox(clerk.cookie.clone()).await, 200);

    let r = admin
        .post(
            &app,
            &format!("/api/v1/admin/officials/{}/deactivate", clerk.id),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["official"]["status"], "disabled");
    assert_eq!(inbox(clerk.cookie.clone()).await, 401);
    let r = try_sign_in(&app, "tiepnhan32", PASSWORD).await;
    assert_ne!(r.status, 200, "{}", r.body);

    let r = admin
        .post(
            &app,
            &format!("/api/v1/admin/officials/{}/reactivate", clerk.id),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["official"]["status"], "active");
    let (cookie, _) = sign_in(&app, STAFF, "tiepnhan32", PASSWORD).await;
    assert_eq!(inbox(cookie.clone()).await, 200);

    // A reset: a new temporary password, the second factor gone, the sessions ended.
    let t = tenant(&app, "thanhhoa").await;
    accounts::set_totp(
        &app.db.store,
        Holder::Official(t),
        clerk.id,
        Some("JBSWY3DPEHPK3PXP"),
    )
    .await
    .unwrap();
    let r = admin
        .post(
            &app,
            &format!("/api/v1/admin/officials/{}/reset", clerk.id),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let temporary = r.json()["temporary_password"].as_str().unwrap().to_owned();
    assert_eq!(inbox(cookie).await, 401);
    let r = try_sign_in(&app, "tiepnhan32", PASSWORD).await;
    assert_ne!(r.status, 200, "the old password is refused: {}", r.body);
    let r = try_sign_in(&app, "tiepnhan32", &temporary).await;
    assert_eq!(r.status, 200, "no second factor asked: {}", r.body);
    assert_eq!(r.json()["status"], "password_change_required");

    let r = admin.get(&app, "/api/v1/admin/audit").await;
    let actions: Vec<String> = r.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["account"] == clerk.id && e["kind"] == "account")
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["reset", "reactivated", "deactivated"]);
    let reset = &r.json()["entries"][0];
    assert_eq!(reset["before"]["totp"], true);
    assert_eq!(reset["after"]["totp"], false);
}

async fn a_delegation_stops_at_its_end_without_anyone_acting(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let admin = admin(&app).await;
    let clerk = Clerk::new(&app, "chuyenvien33", &[(Role::Specialist, Some(DESK))]).await;
    let t = tenant(&app, "thanhhoa").await;
    let receive = Permission::new(Object::Dossier, Action::Receive);
    let subject = motcua_authz::subject(clerk.id);
    let may_receive = || app.state.authz.decide(t, &subject, Some(DESK), receive);
    assert!(!may_receive());

    let path = format!("/api/v1/admin/officials/{}/delegations", clerk.id);
    // Bad periods and places: 400 with the reason.
    for (body, words) in [
        (
            json!({ "role": "receiver", "division": DESK, "from": "2026-13-01", "to": "2026-12-31" }),
            "2026-13-01",
        ),
        (
            json!({ "role": "receiver", "division": DESK, "from": "2026-05-10", "to": "2026-05-01" }),
            "sau ngày bắt đầu",
        ),
        (
            json!({ "role": "receiver", "division": DESK, "from": "2020-01-01", "to": "2020-01-31" }),
            "đã qua",
        ),
        (
            json!({ "role": "receiver", "division": "nowhere", "from": "2026-01-01", "to": "2099-01-31" }),
            "nowhere",
        ),
    ] {
        let r = admin.post(&app, &path, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(message(&r).contains(words), "{words}: {}", r.body);
    }
    // A role already held is not delegated.
    let r = admin
        .post(
            &app,
            &path,
            json!({ "role": "specialist", "division": DESK, "from": "2026-01-01", "to": "2099-01-31" }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);

    let start = Utc::now() - Duration::seconds(1);
    // Long enough for the checks below to run inside it on a loaded machine.
    let end = Utc::now() + Duration::seconds(6);
    let r = admin
        .post(
            &app,
            &path,
            json!({
                "role": "receiver",
                "division": DESK,
                "from": start.to_rfc3339(),
                "to": end.to_rfc3339(),
                "reason": "nghỉ phép của cán bộ tiếp nhận",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let delegation = r.json()["delegation"]["id"].as_i64().unwrap();
    assert!(may_receive(), "in force during the period");
    // The delegated role is shown with its period, and cannot be removed as a permanent one.
    let r = admin
        .get(&app, &format!("/api/v1/admin/officials/{}", clerk.id))
        .await;
    let roles = r.json()["official"]["roles"].as_array().unwrap().clone();
    assert!(
        roles
            .iter()
            .any(|x| x["role"] == "receiver" && x["delegation"] == delegation),
        "{roles:?}"
    );
    let r = admin
        .post(
            &app,
            &format!("/api/v1/admin/officials/{}/roles", clerk.id),
            json!({ "remove": [{ "role": "receiver", "division": DESK }] }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "delegated_role");

    // After the end, the decision index refuses it before any worker runs.
    let left = (end - Utc::now() + Duration::milliseconds(200))
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(left).await;
    assert!(!may_receive(), "no longer in force");
    assert!(
        app.state
            .authz
            .assignments_of(t, clerk.id)
            .iter()
            .any(|a| a.role == Role::Receiver),
        "the rule is still stored until the job runs"
    );
    // ... and the roles officials act with (the workflow's, the inbox's) leave it out too.
    let in_force = |at| {
        app.state
            .authz
            .assignments_of_in_force(t, clerk.id, at)
            .iter()
            .any(|a| a.role == Role::Receiver)
    };
    assert!(!in_force(Utc::now()));
    assert!(in_force(start + Duration::seconds(2)));
    assert!(!in_force(start - Duration::seconds(1)));
    assert!(
        !app.state
            .authz
            .assignments_in_force(t, Utc::now())
            .unwrap()
            .iter()
            .any(|a| a.account == clerk.id && a.role == Role::Receiver)
    );
    // The durable job then removes the assignment and records the end.
    let done = motcua_web::admin::run_expiry(&app.state, Utc::now())
        .await
        .unwrap();
    assert_eq!(done, 1);
    assert!(
        !app.state
            .authz
            .assignments_of(t, clerk.id)
            .iter()
            .any(|a| a.role == Role::Receiver)
    );
    assert_eq!(
        motcua_web::admin::run_expiry(&app.state, Utc::now())
            .await
            .unwrap(),
        0,
        "once"
    );
    let r = admin.get(&app, &path).await;
    assert!(
        r.json()["delegations"][0]["ended_at"].is_string(),
        "{}",
        r.body
    );
    assert_eq!(
        r.json()["delegations"][0]["ended_by"],
        "system:delegation-expiry"
    );
    let r = admin.get(&app, "/api/v1/admin/audit").await;
    let actions: Vec<String> = r.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "account")
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions[..2], ["delegation_expired", "delegated"]);
    // The official's sessions ended with the role.
    let r = clerk.get(&app, "/api/v1/onestop/inbox").await;
    assert_eq!(r.status, 401, "{}", r.body);

    // A delegation revoked before its end.
    let (cookie, _) = sign_in(&app, STAFF, "chuyenvien33", PASSWORD).await;
    let r = admin
        .post(
            &app,
            &path,
            json!({ "role": "receiver", "division": DESK, "from": "2026-01-01", "to": "2099-12-31" }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.json()["delegation"]["id"].as_i64().unwrap();
    assert!(may_receive());
    let revoke = format!("/api/v1/admin/delegations/{second}/revoke");
    let r = admin.post(&app, &revoke, Value::Null).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!may_receive());
    let r = admin.post(&app, &revoke, Value::Null).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = api(
        &app,
        "GET",
        STAFF,
        "/api/v1/onestop/inbox",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    // The revoked delegation's job completes without touching anything.
    let r = admin.get(&app, "/api/v1/admin/audit").await;
    assert_eq!(r.json()["entries"][0]["action"], "delegation_revoked");
}

/// The value of the hidden field `name` on a page.
fn hidden<'a>(page: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    &page[at..at + page[at..].find('"').unwrap()]
}

async fn send(app: &TestApp, clerk: &Clerk, path: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf", clerk.csrf.as_str())];
    all.extend_from_slice(fields);
    form(app, STAFF, path, Some(&clerk.cookie), &all).await
}

async fn the_pages_manage_officials_without_javascript(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let admin = admin(&app).await;
    let clerk = Clerk::new(&app, "tiepnhan34", &[(Role::Receiver, Some(DESK))]).await;

    // The menu offers the console to administrators only; others get the 403 page.
    let inbox = admin.get(&app, "/").await;
    assert!(
        inbox.body.contains("href=\"/quan-tri/can-bo\""),
        "{}",
        inbox.body
    );
    let inbox = clerk.get(&app, "/").await;
    assert_eq!(inbox.status, 200);
    assert!(!inbox.body.contains("/quan-tri/can-bo"));
    for path in [
        "/quan-tri/can-bo",
        "/quan-tri/nhat-ky",
        "/quan-tri/can-bo/1",
    ] {
        let r = clerk.get(&app, path).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        assert!(r.body.contains("Không có quyền truy cập"), "{}", r.body);
    }

    // The list, and a new official through its form; the form needs the CSRF token.
    let list = admin.get(&app, "/quan-tri/can-bo").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("tiepnhan34"));
    let version = hidden(&list.body, "version").to_owned();
    let fields = [
        ("username", "chuyenvien35"),
        ("name", "Phạm Văn Nam"),
        ("email", ""),
        ("phone", "0237 3852 111"),
        ("role", "specialist"),
        ("division", DESK),
        ("version", version.as_str()),
    ];
    let r = form(
        &app,
        STAFF,
        "/quan-tri/can-bo",
        Some(&admin.cookie),
        &fields,
    )
    .await;
    assert_eq!(r.status, 403, "without the token: {}", r.body);
    let r = send(&app, &admin, "/quan-tri/can-bo", &fields).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let temporary = r
        .body
        .split("<code id=\"temporary-password\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert_eq!(temporary.len(), 20);
    let r = try_sign_in(&app, "chuyenvien35", &temporary).await;
    assert_eq!(r.json()["status"], "password_change_required");
    // A bad form keeps what was typed, with the reason.
    let r = send(
        &app,
        &admin,
        "/quan-tri/can-bo",
        &[("username", "x"), ("name", "Phạm Văn Nam")],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Tên đăng nhập phải"), "{}", r.body);
    assert!(r.body.contains("value=\"Phạm Văn Nam\""), "{}", r.body);

    // Roles through the official's page, with the policy version: a stale form is told so and
    // keeps its choice.
    let path = format!("/quan-tri/can-bo/{}", clerk.id);
    let page = admin.get(&app, &path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let stale = hidden(&page.body, "version").to_owned();
    let r = send(
        &app,
        &admin,
        &path,
        &[
            ("action", "add_role"),
            ("role", "specialist"),
            ("division", DESK),
            ("version", stale.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("{path}?ok=role_added").as_str())
    );
    let r = send(
        &app,
        &admin,
        &path,
        &[
            ("action", "add_role"),
            ("role", "division_head"),
            ("division", "so-tu-phap"),
            ("version", stale.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("vừa được người khác thay đổi"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<option value=\"division_head\" selected>"),
        "the choice is kept: {}",
        r.body
    );
    let page = admin.get(&app, &format!("{path}?ok=role_added")).await;
    assert!(page.body.contains("Đã giao vai trò."), "{}", page.body);
    assert!(page.body.contains("Chuyên viên"), "{}", page.body);

    // Account actions need the ticked confirmation.
    let r = send(&app, &admin, &path, &[("action", "deactivate")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("xác nhận"), "{}", r.body);
    let r = send(
        &app,
        &admin,
        &path,
        &[("action", "deactivate"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = clerk.get(&app, "/api/v1/onestop/inbox").await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = send(
        &app,
        &admin,
        &path,
        &[("action", "reset"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("temporary-password"));

    // The audit page lists accounts' and roles' changes, newest first, by page.
    let r = admin.get(&app, "/quan-tri/nhat-ky").await;
    assert_eq!(r.status, 200, "{}", r.body);
    for words in [
        "Cấp lại mật khẩu",
        "Khóa tài khoản",
        "Thêm cán bộ",
        "Phân quyền",
    ] {
        assert!(r.body.contains(words), "{words}: {}", r.body);
    }
    assert!(!r.body.contains(&temporary));
    let r = admin.get(&app, "/quan-tri/nhat-ky?page=0").await;
    assert_eq!(r.status, 400, "{}", r.body);
}

/// Two delegations of one role in one division made at once: exactly one is stored, the other
/// is a conflict (the index of open delegations settles what the check before it cannot).
async fn two_delegations_at_once_store_one(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let clerk = Clerk::new(&app, "chuyenvien34", &[(Role::Specialist, Some(DESK))]).await;
    let t = tenant(&app, "thanhhoa").await;
    let new = motcua_store::officials::NewDelegation {
        account: clerk.id,
        role: "receiver".to_owned(),
        division: DESK.to_owned(),
        starts_at: Utc::now(),
        ends_at: Utc::now() + Duration::days(3),
        reason: "nghỉ phép".to_owned(),
    };
    let store = &app.state.store;
    let mut stored = 0;
    for _ in 0..5 {
        let (a, b) = tokio::join!(
            motcua_store::officials::delegate(store, t, "account:1", &new),
            motcua_store::officials::delegate(store, t, "account:1", &new),
        );
        for r in [a, b] {
            match r {
                Ok(_) => stored += 1,
                Err(motcua_store::StoreError::Conflict(m)) => {
                    assert!(m.contains("receiver"), "{m}")
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    assert_eq!(stored, 1);
    // Whatever a writer checks first, the database keeps a second open one out.
    let copy = format!(
        "INSERT INTO delegations (tenant_id, account_id, role, division, starts_at, ends_at, \
         reason, granted_by, created_at) SELECT tenant_id, account_id, role, division, starts_at, \
         ends_at, reason, granted_by, created_at FROM delegations WHERE account_id = {}",
        clerk.id
    );
    let err = sea_orm::ConnectionTrait::execute_unprepared(store.platform(), &copy)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{err}"
    );
}

backend_tests!(
    two_delegations_at_once_store_one,
    administrators_create_officials_who_change_the_password_first,
    the_console_refuses_what_it_must,
    deactivation_and_reset_end_the_sessions,
    a_delegation_stops_at_its_end_without_anyone_acting,
    the_pages_manage_officials_without_javascript,
);
