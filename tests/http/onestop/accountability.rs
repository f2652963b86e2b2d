//! Accountability requests through HTTP: the applicant opens one on their own dossier (and no
//! one else can), officials of the questioned division acknowledge, extend once and explain it
//! with optimistic concurrency, overdue requests are marked, every action is in the dossier's
//! hash-chained history, and officials of other divisions or tenants see and do nothing.

use chrono::{DateTime, Duration, Utc};
use motcua_authz::Role;
use motcua_core::accountability as rules;
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_store::accountability::{self as stored, NewRequest};
use motcua_store::accounts::Holder;
use motcua_store::dossiers;
use motcua_store::history::NewEvent;
use motcua_store::{TenantId, audit};
use motcua_tests::{Backend, Reply, TestApp, backend_tests, citizen, plain_dossier};
use motcua_web::host::Site;
use motcua_web::session::{CitizenIdentity, Principal, Sessions};
use serde_json::{Value, json};

use super::{Clerk, DESK, POLICE, STAFF, desk_body};
use crate::officials::{PASSWORD, account, api, sign_in, tenant};

/// Thanh Hóa's portal, in Vietnamese.
const PORTAL: &str = "dichvucong.thanhhoa.localhost";
/// The applicant of [`desk_body`]'s dossiers.
const OWNER_ID: &str = "038095001234";

/// A citizen signed in through the national portal on `slug`'s Vietnamese portal: cookie and
/// CSRF token.
async fn citizen_session(app: &TestApp, slug: &str, subject: &str, id: &str) -> (String, String) {
    let t = tenant(app, slug).await;
    let site = Site {
        tenant: app.state.sites.by_id(t).unwrap(),
        lang: Lang::Vi,
        system: System::Portal,
    };
    let principal = Principal::Citizen(CitizenIdentity {
        issuer: "https://sso.dichvucong.gov.vn".to_owned(),
        subject: subject.to_owned(),
        name: "Lê Thị Hoa".to_owned(),
        citizen_id: Some(id.to_owned()),
        acr: Some("LoA2".to_owned()),
    });
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

/// A caller on the portal.
struct Applicant {
    host: &'static str,
    cookie: String,
    csrf: String,
}

impl Applicant {
    async fn new(app: &TestApp, subject: &str, id: &str) -> Self {
        let (cookie, csrf) = citizen_session(app, "thanhhoa", subject, id).await;
        Self {
            host: PORTAL,
            cookie,
            csrf,
        }
    }

    async fn open(&self, app: &TestApp, code: &str, body: Value) -> Reply {
        api(
            app,
            "POST",
            self.host,
            &format!("/api/v1/dossiers/{code}/accountability"),
            Some(&self.cookie),
            Some(&self.csrf),
            body,
        )
        .await
    }

    async fn get(&self, app: &TestApp, path: &str) -> Reply {
        api(
            app,
            "GET",
            self.host,
            path,
            Some(&self.cookie),
            None,
            Value::Null,
        )
        .await
    }
}

/// A dossier received at the desk, claimed and passed on by the police specialist: its code.
async fn handled(app: &TestApp, desk: &Clerk, specialist: &Clerk) -> String {
    let r = desk
        .post(
            app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let code = r.json()["code"].as_str().unwrap().to_owned();
    let claim = json!({ "type": "claim", "step": "tra-cuu" });
    let r = specialist.command(app, &code, claim).await;
    assert_eq!(r.status, 200, "{}", r.body);
    code
}

/// The sequence number of the first `kind` event in a dossier view's history.
fn seq_of(view: &Value, kind: &str) -> i64 {
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {}", view["history"]))["seq"]
        .as_i64()
        .unwrap()
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

async fn the_owner_opens_requests_and_everyone_else_is_refused(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan40", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien40", &[(Role::Specialist, Some(POLICE))]).await;
    let code = handled(&app, &desk, &specialist).await;
    let owner = Applicant::new(&app, "hoa", OWNER_ID).await;

    // About a step: the division of the step, and the official who claimed it.
    let before = Utc::now();
    let r = owner
        .open(
            &app,
            &code,
            json!({ "step": "tra-cuu", "text": "Đã quá lâu mà chưa có kết quả tra cứu." }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let by_step = r.json();
    assert_eq!(by_step["status"]["code"], "open");
    assert_eq!(by_step["division"]["key"], POLICE);
    assert_eq!(by_step["overdue"], false);
    // The applicant is told the division, never the officials.
    assert!(by_step.get("official").is_none(), "{by_step}");
    let t = tenant(&app, "thanhhoa").await;
    let calendar = app.state.sites.by_id(t).unwrap().calendar.clone();
    let ack_by = at(&by_step["acknowledge_by"]);
    assert!(ack_by >= rules::acknowledge_by(&calendar, before));
    assert!(ack_by <= rules::acknowledge_by(&calendar, Utc::now()));
    assert_eq!(
        at(&by_step["explain_by"]),
        rules::explain_by(&calendar, ack_by, None)
    );
    let view = specialist.dossier(&app, &code).await.json();
    let shown = specialist
        .get(
            &app,
            &format!("/api/v1/onestop/accountability/{}", by_step["id"]),
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(
        shown.json()["official"]["id"],
        format!("account:{}", specialist.id)
    );
    assert_eq!(shown.json()["official"]["name"], "Cán bộ chuyenvien40");

    // About an event: the desk's action at reception is the desk's.
    let seq = seq_of(&view, "action_taken");
    let r = owner
        .open(
            &app,
            &code,
            json!({ "event": seq, "text": "Cán bộ tiếp nhận yêu cầu nộp thêm giấy tờ không có trong danh mục." }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["division"]["key"], DESK);
    assert_eq!(r.json()["event"], seq);

    // What is wrong with the request is said, in the host's language.
    for (body, code_expected) in [
        (json!({ "text": "x" }), "target_required"),
        (
            json!({ "step": "tra-cuu", "event": 1, "text": "x" }),
            "target_required",
        ),
        (json!({ "step": "khong-co", "text": "x" }), "unknown_step"),
        (
            json!({ "step": "xac-minh", "text": "x" }),
            "step_not_reached",
        ),
        (json!({ "event": 999, "text": "x" }), "unknown_event"),
        (json!({ "step": "tra-cuu", "text": "   " }), "text_required"),
        (
            json!({ "step": "tra-cuu", "text": "x".repeat(4001) }),
            "text_too_long",
        ),
    ] {
        let r = owner.open(&app, &code, body).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], code_expected, "{}", r.body);
    }
    let r = owner
        .open(&app, &code, json!({ "step": "tra-cuu", "text": "" }))
        .await;
    assert_eq!(
        r.json()["error"]["message"],
        "Cần nhập nội dung yêu cầu.",
        "{}",
        r.body
    );

    // Another citizen, an official, nobody signed in, another tenant: refused, nothing opened.
    let stranger = Applicant::new(&app, "an", "001099009999").await;
    let r = stranger
        .open(&app, &code, json!({ "step": "tra-cuu", "text": "x" }))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = stranger
        .get(&app, &format!("/api/v1/dossiers/{code}/accountability"))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let (cookie, csrf) = sign_in(&app, PORTAL, "chuyenvien40", PASSWORD).await;
    let r = api(
        &app,
        "POST",
        PORTAL,
        &format!("/api/v1/dossiers/{code}/accountability"),
        Some(&cookie),
        Some(&csrf),
        json!({ "step": "tra-cuu", "text": "x" }),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "citizens_only");
    let r = api(
        &app,
        "POST",
        PORTAL,
        &format!("/api/v1/dossiers/{code}/accountability"),
        None,
        None,
        json!({ "step": "tra-cuu", "text": "x" }),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let (cookie, csrf) = citizen_session(&app, "hochiminhcity", "hoa", OWNER_ID).await;
    let r = api(
        &app,
        "POST",
        "dichvucong.hochiminhcity.localhost",
        &format!("/api/v1/dossiers/{code}/accountability"),
        Some(&cookie),
        Some(&csrf),
        json!({ "step": "tra-cuu", "text": "x" }),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // A dossier closed more than 90 days ago no longer takes requests.
    let long_ago = Utc::now() - Duration::days(200);
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse(OWNER_ID);
    let mut old = plain_dossier("2.000488", "000.00.01.H56", long_ago, None, applicant);
    old.start.closed_at = Some(long_ago + Duration::days(5));
    let old = dossiers::receive(&app.db.store, t, old).await.unwrap();
    let r = owner
        .open(
            &app,
            &old.dossier().code.to_string(),
            json!({ "event": 1, "text": "x" }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "accountability_period_over");

    // The owner reads their requests, one by one too; a number of another dossier is not theirs.
    let r = owner
        .get(&app, &format!("/api/v1/dossiers/{code}/accountability"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["requests"].as_array().unwrap().len(), 2);
    let one = format!("/api/v1/dossiers/{code}/accountability/{}", by_step["id"]);
    assert_eq!(owner.get(&app, &one).await.json()["text"], by_step["text"]);
    let other = format!(
        "/api/v1/dossiers/{}/accountability/{}",
        old.dossier().code,
        by_step["id"]
    );
    assert_eq!(owner.get(&app, &other).await.status, 404);
}

async fn officials_acknowledge_extend_once_and_explain(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan41", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien41", &[(Role::Specialist, Some(POLICE))]).await;
    let code = handled(&app, &desk, &specialist).await;
    let owner = Applicant::new(&app, "hoa", OWNER_ID).await;
    let opened = owner
        .open(
            &app,
            &code,
            json!({ "step": "tra-cuu", "text": "Vì sao hồ sơ của tôi chưa được tra cứu?" }),
        )
        .await
        .json();
    let id = opened["id"].as_i64().unwrap();
    let path = |action: &str| format!("/api/v1/onestop/accountability/{id}/{action}");

    let list = specialist.get(&app, "/api/v1/onestop/accountability").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let row = &list.json()["rows"][0];
    assert_eq!(row["id"], id);
    assert_eq!(row["applicant"], "Lê Thị Hoa");
    assert_eq!(row["can"]["acknowledge"], true);

    let r = specialist
        .post(&app, &path("acknowledge"), json!({ "expected_version": 1 }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let acknowledged = r.json();
    assert_eq!(acknowledged["status"]["code"], "acknowledged");
    assert_eq!(acknowledged["acknowledged_by"], "Cán bộ chuyenvien41");
    assert_eq!(acknowledged["can"]["acknowledge"], false);
    let r = specialist
        .post(&app, &path("acknowledge"), json!({ "expected_version": 2 }))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "already_acknowledged");

    // One extension, with a reason, to at most 15 days after the current explain-by.
    let explain_by = at(&acknowledged["explain_by"]);
    let latest = at(&acknowledged["can"]["extend_until"]);
    let t = tenant(&app, "thanhhoa").await;
    let calendar = app.state.sites.by_id(t).unwrap().calendar.clone();
    assert_eq!(latest, rules::latest_extension(&calendar, explain_by));
    for (due, reason, expected) in [
        (
            latest + Duration::days(1),
            "Cần xác minh thêm",
            "extension_too_long",
        ),
        (explain_by, "Cần xác minh thêm", "extension_not_later"),
        (latest, " ", "reason_required"),
    ] {
        let r = specialist
            .post(
                &app,
                &path("extend"),
                json!({ "expected_version": 2, "due": due, "reason": reason }),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], expected, "{}", r.body);
    }
    let r = specialist
        .post(
            &app,
            &path("extend"),
            json!({ "expected_version": 2, "due": latest, "reason": "Cần xác minh với Công an huyện" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(at(&r.json()["explain_by"]), latest);
    assert_eq!(at(&r.json()["extension"]["from"]), explain_by);
    let r = specialist
        .post(
            &app,
            &path("extend"),
            json!({ "expected_version": 3, "due": latest, "reason": "Lần nữa" }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "already_extended");

    let r = specialist
        .post(
            &app,
            &path("explain"),
            json!({ "expected_version": 3, "text": "" }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "explanation_required");
    let text = "Hồ sơ đang chờ kết quả xác minh của Công an huyện; sẽ trả kết quả đúng hẹn.";
    let r = specialist
        .post(
            &app,
            &path("explain"),
            json!({ "expected_version": 3, "text": text }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"]["code"], "explained");
    assert_eq!(r.json()["explanation"]["by"], "Cán bộ chuyenvien41");

    // The applicant reads the answer, through the API and on the lookup page.
    let mine = owner
        .get(
            &app,
            &format!("/api/v1/dossiers/{code}/accountability/{id}"),
        )
        .await
        .json();
    assert_eq!(mine["explanation"]["text"], text);
    assert_eq!(
        mine["extension"]["reason"],
        "Cần xác minh với Công an huyện"
    );
    let page = owner.get(&app, &format!("/lookup?code={code}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(text), "{}", page.body);
    assert!(page.body.contains("Đã giải trình"), "{}", page.body);
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    // Without sign-in the lookup shows no request.
    let anonymous = app.get(PORTAL, &format!("/lookup?code={code}")).await;
    assert_eq!(anonymous.status, 200);
    assert!(!anonymous.body.contains(text));
    assert!(!anonymous.body.contains("Yêu cầu giải trình"));

    // Every action is in the dossier's history, which still verifies; the workflow did not move.
    let view = specialist.dossier(&app, &code).await.json();
    let kinds: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("accountability_"))
        .collect();
    assert_eq!(
        kinds,
        [
            "accountability_opened",
            "accountability_acknowledged",
            "accountability_extended",
            "accountability_explained"
        ]
    );
    assert_eq!(view["steps"][0]["step"], "tra-cuu");
    let report = audit::verify(&app.db.store, Some(t)).await.unwrap();
    assert!(report.intact(), "{report:?}");
    // The staff pages show it: the list, the request, the dossier's timeline.
    let list = specialist.get(&app, "/giai-trinh").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains(&format!("/giai-trinh/{id}")),
        "{}",
        list.body
    );
    let one = specialist.get(&app, &format!("/giai-trinh/{id}")).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert!(one.body.contains(text));
    assert!(
        one.body.contains("Tra cứu Cơ sở dữ liệu lý lịch tư pháp"),
        "{}",
        one.body
    );
    let dossier_page = specialist.get(&app, &format!("/ho-so/{code}")).await;
    assert!(
        dossier_page
            .body
            .contains(&format!("Giải trình yêu cầu #{id}")),
        "{}",
        dossier_page.body
    );
    assert!(dossier_page.body.contains("/giai-trinh?dossier="));
}

/// Opens, in storage, a request on dossier `code` as if opened `days_ago` days ago.
async fn opened_long_ago(app: &TestApp, t: TenantId, code: &str, days_ago: i64) -> i64 {
    let dossier = dossiers::find(&app.db.store, t, &code.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let calendar = app.state.sites.by_id(t).unwrap().calendar.clone();
    let opened = Utc::now() - Duration::days(days_ago);
    let acknowledge_by = rules::acknowledge_by(&calendar, opened);
    stored::open(
        &app.db.store,
        t,
        NewRequest {
            dossier_id: dossier.id,
            applicant_subject: "citizen:hoa".into(),
            applicant_name: "Lê Thị Hoa".into(),
            division: POLICE.into(),
            official: None,
            step: Some("tra-cuu".into()),
            event_seq: None,
            text: "Chưa ai trả lời tôi.".into(),
            opened_at: opened,
            acknowledge_by,
            explain_by: rules::explain_by(&calendar, acknowledge_by, None),
        },
        |r| {
            vec![NewEvent {
                at: opened,
                actor: "citizen:hoa".into(),
                kind: "accountability_opened".into(),
                payload: json!({ "request": r.id }),
            }]
        },
    )
    .await
    .unwrap()
    .id
}

async fn overdue_requests_are_derived_and_marked(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan42", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien42", &[(Role::Specialist, Some(POLICE))]).await;
    let code = handled(&app, &desk, &specialist).await;
    let t = tenant(&app, "thanhhoa").await;
    let late = opened_long_ago(&app, t, &code, 40).await;
    let owner = Applicant::new(&app, "hoa", OWNER_ID).await;
    let fresh = owner
        .open(&app, &code, json!({ "step": "tra-cuu", "text": "Mới gửi" }))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    let overdue = specialist
        .get(&app, "/api/v1/onestop/accountability?due=overdue")
        .await
        .json();
    let rows = overdue["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{overdue}");
    assert_eq!(rows[0]["id"], late);
    assert_eq!(rows[0]["overdue"], true);
    assert_eq!(rows[0]["urgency"], "overdue");
    // Both, the overdue one first; a filter value that means nothing is refused.
    let all = specialist
        .get(&app, "/api/v1/onestop/accountability?status=open")
        .await
        .json();
    let ids: Vec<i64> = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [late, fresh]);
    let r = specialist
        .get(&app, "/api/v1/onestop/accountability?due=someday")
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid_filter");
    let of_dossier = specialist
        .get(
            &app,
            &format!("/api/v1/onestop/accountability?dossier={code}"),
        )
        .await
        .json();
    assert_eq!(of_dossier["rows"].as_array().unwrap().len(), 2);

    // The page says it in words; too late to extend the explanation of the overdue one.
    let page = specialist.get(&app, "/giai-trinh?due=overdue").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains(r#"<span class="badge overdue">Quá hạn</span>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("/giai-trinh/{late}")));
    assert!(!page.body.contains(&format!("/giai-trinh/{fresh}\"")));
    let view = specialist
        .get(&app, &format!("/api/v1/onestop/accountability/{late}"))
        .await
        .json();
    assert_eq!(view["can"]["extend"], false);
    let r = specialist
        .post(
            &app,
            &format!("/api/v1/onestop/accountability/{late}/extend"),
            json!({ "expected_version": 1, "due": Utc::now() + Duration::days(3), "reason": "Muộn" }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "extension_too_late");
    // Explaining it ends the overdue state.
    let r = specialist
        .post(
            &app,
            &format!("/api/v1/onestop/accountability/{late}/explain"),
            json!({ "expected_version": 1, "text": "Xin lỗi vì chậm trả lời." }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["overdue"], false);
    assert!(r.json()["acknowledged_at"].is_string(), "{}", r.body);
}

async fn of_two_officials_explaining_at_once_one_wins(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan43", &[(Role::Receiver, Some(DESK))]).await;
    let a = Clerk::new(&app, "chuyenvien43", &[(Role::Specialist, Some(POLICE))]).await;
    let b = Clerk::new(&app, "lanhdao43", &[(Role::DivisionHead, Some(POLICE))]).await;
    let code = handled(&app, &desk, &a).await;
    let owner = Applicant::new(&app, "hoa", OWNER_ID).await;
    let id = owner
        .open(
            &app,
            &code,
            json!({ "step": "tra-cuu", "text": "Vì sao chậm?" }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/onestop/accountability/{id}/explain");
    let (ra, rb) = tokio::join!(
        a.post(
            &app,
            &path,
            json!({ "expected_version": 1, "text": "Giải trình của chuyên viên" })
        ),
        b.post(
            &app,
            &path,
            json!({ "expected_version": 1, "text": "Giải trình của lãnh đạo" })
        ),
    );
    let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", ra.body, rb.body);
    let (won, lost) = if ra.status == 200 {
        (&ra, &rb)
    } else {
        (&rb, &ra)
    };
    assert_eq!(
        lost.json()["error"]["code"],
        "stale_version",
        "{}",
        lost.body
    );
    // The loser gets the request as it now stands: explained by the winner.
    assert_eq!(lost.json()["request"]["status"]["code"], "explained");
    assert_eq!(
        lost.json()["request"]["explanation"]["text"],
        won.json()["explanation"]["text"]
    );
    assert_eq!(lost.json()["request"]["version"], 2);
    let t = tenant(&app, "thanhhoa").await;
    let report = audit::verify(&app.db.store, Some(t)).await.unwrap();
    assert!(report.intact(), "{report:?}");
    let view = a.dossier(&app, &code).await.json();
    let explained = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "accountability_explained")
        .count();
    assert_eq!(explained, 1);
    // A form of the staff page on the stale version says so, with the request as it stands.
    let r = crate::officials::form(
        &app,
        STAFF,
        &format!("/giai-trinh/{id}/thao-tac"),
        Some(&a.cookie),
        &[
            ("csrf", a.csrf.as_str()),
            ("expected_version", "1"),
            ("type", "acknowledge"),
        ],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("vừa được người khác xử lý"), "{}", r.body);
}

async fn officials_of_other_divisions_and_tenants_see_and_do_nothing(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan44", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien44", &[(Role::Specialist, Some(POLICE))]).await;
    let code = handled(&app, &desk, &specialist).await;
    let owner = Applicant::new(&app, "hoa", OWNER_ID).await;
    let id = owner
        .open(
            &app,
            &code,
            json!({ "step": "tra-cuu", "text": "Vì sao chậm?" }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let one = format!("/api/v1/onestop/accountability/{id}");
    let acknowledge = format!("{one}/acknowledge");

    // A specialist of another division: not listed, not shown, cannot act.
    let justice = Clerk::new(
        &app,
        "chuyenvien45",
        &[(Role::Specialist, Some("so-tu-phap"))],
    )
    .await;
    let list = justice.get(&app, "/api/v1/onestop/accountability").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.json()["rows"], json!([]));
    assert_eq!(justice.get(&app, &one).await.status, 403);
    let r = justice
        .post(&app, &acknowledge, json!({ "expected_version": 1 }))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        justice.get(&app, &format!("/giai-trinh/{id}")).await.status,
        403
    );
    // The desk's receiver may see feedback at the desk only: nothing of the police's, and a
    // receiver may not answer anywhere.
    assert_eq!(
        desk.get(&app, "/api/v1/onestop/accountability")
            .await
            .json()["rows"],
        json!([])
    );
    let r = desk
        .post(&app, &acknowledge, json!({ "expected_version": 1 }))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // An official with no role at all is told so.
    let nobody = Clerk::new(&app, "nguoila44", &[]).await;
    let r = nobody.get(&app, "/api/v1/onestop/accountability").await;
    assert_eq!(r.status, 403, "{}", r.body);

    // An official of another tenant, with every role there: no such request on their host.
    let hcm = tenant(&app, "hochiminhcity").await;
    let other = account(&app, Holder::Official(hcm), "chuyenvien.hcm", false).await;
    app.state
        .authz
        .change(
            hcm,
            "test",
            "",
            &[motcua_authz::Assignment {
                account: other,
                role: Role::DivisionHead,
                division: None,
            }],
            &[],
            None,
        )
        .await
        .unwrap();
    let host = "motcua.hochiminhcity.localhost";
    let (cookie, csrf) = sign_in(&app, host, "chuyenvien.hcm", PASSWORD).await;
    let r = api(&app, "GET", host, &one, Some(&cookie), None, Value::Null).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = api(
        &app,
        "GET",
        host,
        "/api/v1/onestop/accountability",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["rows"], json!([]));
    let r = api(
        &app,
        "POST",
        host,
        &acknowledge,
        Some(&cookie),
        Some(&csrf),
        json!({ "expected_version": 1 }),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // Nothing was done to it.
    let shown = specialist.get(&app, &one).await.json();
    assert_eq!(shown["status"]["code"], "open");
    assert_eq!(shown["version"], 1);
}

backend_tests!(
    the_owner_opens_requests_and_everyone_else_is_refused,
    officials_acknowledge_extend_once_and_explain,
    overdue_requests_are_derived_and_marked,
    of_two_officials_explaining_at_once_one_wins,
    officials_of_other_divisions_and_tenants_see_and_do_nothing,
);
