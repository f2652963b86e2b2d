//! Accountability requests in storage: due times on a tenant's calendar across a weekend and
//! public holidays, every action written with its events in the dossier's hash-chained history
//! (which the audit then verifies), one winner when two officials act on one version, and each
//! tenant seeing only its own requests.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use motcua_core::accountability::{self as rules, Action, Status};
use motcua_core::calendar::WorkingCalendar;
use motcua_store::accountability::{self, ActError, Due, ListQuery, NewRequest, Request, Update};
use motcua_store::dossiers::{self, Change};
use motcua_store::history::NewEvent;
use motcua_store::{TenantId, audit, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, citizen, demo_bundle, plain_dossier};
use serde_json::json;

async fn tenant(db: &TestDb, slug: &str) -> TenantId {
    tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
    tenants::load(&db.store, slug).await.unwrap().unwrap().id
}

fn calendar(slug: &str) -> WorkingCalendar {
    WorkingCalendar::new(&demo_bundle(slug).manifest.calendar).unwrap()
}

/// Vietnam time.
fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A dossier of `t` received at the desk `unit` with one official's action; its id.
async fn dossier(db: &TestDb, t: TenantId, unit: &str) -> i64 {
    let at = vn(2026, 4, 20, 9, 0);
    let received = dossiers::receive(
        &db.store,
        t,
        plain_dossier("1.001193", unit, at, None, citizen("Lê Thị Hoa")),
    )
    .await
    .unwrap();
    let code = received.dossier().code;
    dossiers::move_dossier(&db.store, t, &code, |d| {
        Ok::<_, ()>(Change {
            events: vec![NewEvent {
                at,
                actor: "account:7".into(),
                kind: "action_taken".into(),
                payload: json!({ "step": "tham-dinh" }),
            }],
            state: d.state.clone(),
            ..plain_dossier("1.001193", unit, at, None, citizen("x")).start
        })
    })
    .await
    .unwrap()
    .id
}

/// Opens a request at `opened` about division `division`, deadlines from `cal`.
async fn open(
    db: &TestDb,
    t: TenantId,
    dossier_id: i64,
    cal: &WorkingCalendar,
    opened: DateTime<Utc>,
    division: &str,
) -> Request {
    let acknowledge_by = rules::acknowledge_by(cal, opened);
    accountability::open(
        &db.store,
        t,
        NewRequest {
            dossier_id,
            applicant_subject: "citizen:hoa".into(),
            applicant_name: "Lê Thị Hoa".into(),
            division: division.into(),
            official: Some("account:7".into()),
            step: Some("tham-dinh".into()),
            event_seq: None,
            text: "Hồ sơ bị trả lại mà không nêu lý do.".into(),
            opened_at: opened,
            acknowledge_by,
            explain_by: rules::explain_by(cal, acknowledge_by, None),
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
}

/// The update an official's `action` makes at `now`, as the one-stop system writes it.
fn update(
    cal: &WorkingCalendar,
    r: &Request,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Update, rules::Refusal> {
    let d = rules::decide(cal, &r.standing(), action, now)?;
    let kind = match action {
        Action::Acknowledge => "accountability_acknowledged",
        Action::Explain { .. } => "accountability_explained",
        Action::Extend { .. } => "accountability_extended",
    };
    Ok(Update {
        status: d.status,
        acknowledged: d.acknowledged.then(|| (now, "account:7".to_owned())),
        explain_by: d.explain_by,
        extension: match action {
            Action::Extend { reason, .. } => Some(accountability::Extension {
                at: now,
                by: "account:7".into(),
                reason: reason.clone(),
                from: r.explain_by,
            }),
            _ => None,
        },
        explanation: match action {
            Action::Explain { text } => Some(accountability::Explanation {
                at: now,
                by: "account:7".into(),
                text: text.clone(),
            }),
            _ => None,
        },
        events: vec![NewEvent {
            at: now,
            actor: "account:7".into(),
            kind: kind.into(),
            payload: json!({ "request": r.id }),
        }],
    })
}

async fn due_times_follow_the_tenants_calendar_and_every_action_is_in_the_history(
    backend: Backend,
) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let cal = calendar("thanhhoa");
    let id = dossier(&db, t, "000.00.01.H56").await;
    // Opened Tuesday 28 April 2026 at 10:00: 30 April and 1 May are public holidays and
    // 2-3 May a weekend, so the fifth working day ends Thursday 7 May at 10:00; the 15 days of
    // the explanation then end Friday 22 May at closing time.
    let r = open(&db, t, id, &cal, vn(2026, 4, 28, 10, 0), "so-xay-dung").await;
    assert_eq!(r.acknowledge_by, vn(2026, 5, 7, 10, 0));
    assert_eq!(r.explain_by, vn(2026, 5, 22, 17, 0));
    assert_eq!((r.status, r.version), (Status::Open, 1));

    // Opened on Friday 24 April after 15:00: the count starts on the next working day, and
    // Monday 27 April is off for Hùng Kings' day (Sunday 26 April), so it starts Tuesday 28.
    let late = open(&db, t, id, &cal, vn(2026, 4, 24, 16, 0), "so-xay-dung").await;
    assert_eq!(late.acknowledge_by, vn(2026, 5, 6, 17, 0));

    // Acknowledged early, on Wednesday 29 April: 15 days from then end Thursday 14 May.
    let acknowledged = accountability::act(&db.store, t, r.id, 1, |r| {
        update(&cal, r, &Action::Acknowledge, vn(2026, 4, 29, 8, 0))
    })
    .await
    .unwrap();
    assert_eq!(acknowledged.status, Status::Acknowledged);
    assert_eq!(acknowledged.explain_by, vn(2026, 5, 14, 17, 0));
    assert_eq!(acknowledged.version, 2);
    // Extended by the most allowed: 14 May + 15 days is Friday 29 May.
    let extend = Action::Extend {
        due: vn(2026, 5, 29, 17, 0),
        reason: "Cần xác minh với Sở Tài chính".into(),
    };
    let extended = accountability::act(&db.store, t, r.id, 2, |r| {
        update(&cal, r, &extend, vn(2026, 5, 12, 9, 0))
    })
    .await
    .unwrap();
    assert_eq!(extended.explain_by, vn(2026, 5, 29, 17, 0));
    assert_eq!(
        extended.extension.as_ref().map(|e| e.from),
        Some(vn(2026, 5, 14, 17, 0))
    );
    // A second extension is refused, and nothing is written.
    let again = accountability::act(&db.store, t, r.id, 3, |r| {
        update(&cal, r, &extend, vn(2026, 5, 13, 9, 0))
    })
    .await;
    assert!(
        matches!(
            again,
            Err(ActError::Refused(rules::Refusal::AlreadyExtended))
        ),
        "{again:?}"
    );
    let explained = accountability::act(&db.store, t, r.id, 3, |r| {
        update(
            &cal,
            r,
            &Action::Explain {
                text: "Hồ sơ thiếu bản vẽ; đã gửi Phiếu yêu cầu bổ sung.".into(),
            },
            vn(2026, 5, 20, 9, 0),
        )
    })
    .await
    .unwrap();
    assert_eq!(explained.status, Status::Explained);
    assert!(explained.explanation.is_some());
    assert!(!explained.standing().is_overdue(vn(2027, 1, 1, 0, 0)));

    // Each action is an event of the dossier's history, after the workflow's own.
    let d = dossiers::open_after(&db.store, t, 0, 10).await.unwrap();
    let d = d.iter().find(|d| d.id == id).unwrap();
    let kinds: Vec<String> = dossiers::history(&db.store, t, d)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "received",
            "action_taken",
            "accountability_opened",
            "accountability_opened",
            "accountability_acknowledged",
            "accountability_extended",
            "accountability_explained"
        ]
    );
    let report = audit::verify(&db.store, Some(t)).await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.events, 7);
    // The dossier's workflow was not moved: its version is the one the move left.
    assert_eq!(d.state_version, 2);
}

async fn of_two_actions_on_one_version_one_is_stored(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let cal = calendar("thanhhoa");
    let id = dossier(&db, t, "000.00.01.H56").await;
    let r = open(&db, t, id, &cal, Utc::now(), "so-xay-dung").await;
    let explain = |text: &str| Action::Explain { text: text.into() };
    let (a, b) = tokio::join!(
        accountability::act(&db.store, t, r.id, 1, |r| update(
            &cal,
            r,
            &explain("Giải trình thứ nhất"),
            Utc::now()
        )),
        accountability::act(&db.store, t, r.id, 1, |r| update(
            &cal,
            r,
            &explain("Giải trình thứ hai"),
            Utc::now()
        )),
    );
    let won = [a.is_ok(), b.is_ok()];
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{a:?} / {b:?}");
    let lost = if a.is_ok() { b } else { a };
    assert!(matches!(lost, Err(ActError::Conflict)), "{lost:?}");
    let stored = accountability::find(&db.store, t, r.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 2);
    let report = audit::verify(&db.store, Some(t)).await.unwrap();
    assert!(report.intact(), "{report:?}");
    // received, action, opened, explained: the loser left nothing.
    assert_eq!(report.events, 4);
}

async fn lists_filter_by_division_status_and_due_and_stay_in_their_tenant(backend: Backend) {
    let db = TestDb::new(backend).await;
    let th = tenant(&db, "thanhhoa").await;
    let hcm = tenant(&db, "hochiminhcity").await;
    let cal = calendar("thanhhoa");
    let id = dossier(&db, th, "000.00.01.H56").await;
    let now = Utc::now();
    let old = open(
        &db,
        th,
        id,
        &cal,
        now - chrono::Duration::days(30),
        "so-xay-dung",
    )
    .await;
    let fresh = open(&db, th, id, &cal, now, "so-xay-dung").await;
    let other = open(&db, th, id, &cal, now, "so-tu-phap").await;
    let q = |divisions: &[&str], due: Option<Due>| ListQuery {
        divisions: Some(divisions.iter().map(|d| (*d).to_owned()).collect()),
        due,
        limit: 100,
        ..ListQuery::default()
    };
    let ids = |rows: Vec<Request>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    // Most urgent first; another division's request is not listed.
    let all = accountability::list(&db.store, th, &q(&["so-xay-dung"], None))
        .await
        .unwrap();
    assert_eq!(ids(all), [old.id, fresh.id]);
    let overdue = accountability::list(&db.store, th, &q(&["so-xay-dung"], Some(Due::Before(now))))
        .await
        .unwrap();
    assert_eq!(ids(overdue), [old.id]);
    assert!(old.standing().is_overdue(now));
    let both = accountability::list(&db.store, th, &q(&["so-xay-dung", "so-tu-phap"], None))
        .await
        .unwrap();
    assert_eq!(both.len(), 3);
    assert!(
        accountability::list(&db.store, th, &q(&[], None))
            .await
            .unwrap()
            .is_empty()
    );
    // Another tenant sees none of them, by list or by id.
    let mut everything = q(&["so-xay-dung", "so-tu-phap"], None);
    everything.divisions = None;
    assert!(
        accountability::list(&db.store, hcm, &everything)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        accountability::find(&db.store, hcm, other.id)
            .await
            .unwrap(),
        None
    );
    let acted = accountability::act(&db.store, hcm, other.id, 1, |r| {
        update(&cal, r, &Action::Acknowledge, now)
    })
    .await;
    assert!(matches!(acted, Err(ActError::NotFound)), "{acted:?}");
}

backend_tests!(
    due_times_follow_the_tenants_calendar_and_every_action_is_in_the_history,
    of_two_actions_on_one_version_one_is_stored,
    lists_filter_by_division_status_and_due_and_stay_in_their_tenant,
);
