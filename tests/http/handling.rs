//! Dossiers moving through a workflow with storage: the engine's decisions stored with their
//! hash-chained history and outbox messages; concurrent officials; migration to a new version.

use std::sync::Arc;

use axum::http::StatusCode;
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_store::cache::MemoryCache;
use motcua_store::dossiers;
use motcua_store::history;
use motcua_tests::{Backend, TestApp, backend_tests, citizen, permit_tenant};
use motcua_web::WebConfig;
use motcua_web::handling::{self, Submission};
use motcua_web::host::Site;
use motcua_workflow::engine::{Actor, Command, DossierState, Inputs};
use serde_json::json;

async fn app(backend: Backend) -> TestApp {
    TestApp::serving(
        backend,
        Arc::new(MemoryCache::default()),
        WebConfig::default(),
        vec![permit_tenant(None)],
    )
    .await
}

fn site(app: &TestApp) -> Site {
    app.state
        .sites
        .resolve("dichvucong.thunghiem.localhost")
        .expect("the test tenant")
        .into()
}

fn act(step: &str, action: &str) -> Command {
    Command::Act {
        step: step.into(),
        action: action.into(),
        inputs: Inputs::default(),
    }
}

fn state(d: &dossiers::Dossier) -> DossierState {
    serde_json::from_value(d.state.clone()).unwrap()
}

async fn submit(app: &TestApp, area: f64) -> dossiers::Dossier {
    let site = site(app);
    let live = site
        .tenant
        .procedure("1.009994")
        .expect("the permit is published")
        .clone();
    assert_eq!(live.version, 1);
    let received = handling::submit(
        &app.state,
        &site,
        Submission {
            live,
            case: "nha-o".into(),
            applicant: citizen("Đỗ Văn Hải"),
            form: json!({ "area": area }),
            channel: Channel::Online,
            idempotency_key: None,
            first_move: None,
        },
    )
    .await
    .expect("received");
    received.dossier().clone()
}

async fn a_dossier_moves_with_its_history_and_outbox(backend: Backend) {
    let app = app(backend).await;
    let site = site(&app);
    let d = submit(&app, 120.0).await;
    assert_eq!(d.procedure_version, 1);
    assert_eq!(d.status, DossierStatus::Registered);
    assert_eq!(
        state(&d).token_at("tiep-nhan").map(|t| t.step.as_str()),
        Some("tiep-nhan")
    );

    let receiver = Actor::official("lan", &[("receiver", "mot-cua")]);
    let d2 = handling::act(
        &app.state,
        &site,
        &d.code,
        &act("tiep-nhan", "chuyen"),
        &receiver,
        Some(1),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(state(&d2).token_at("tinh-phi").is_some());
    let plugin = Command::PluginDone {
        step: "tinh-phi".into(),
        outcome: "ok".into(),
        output: json!({ "amount": 150000 }),
    };
    handling::act(
        &app.state,
        &site,
        &d.code,
        &plugin,
        &Actor::system(),
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    // A refusal is a clear 4xx and changes nothing.
    let err = handling::act(
        &app.state,
        &site,
        &d.code,
        &act("xay-dung", "dat"),
        &receiver,
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.status, err.code),
        (StatusCode::FORBIDDEN, "wrong_role")
    );
    let err = handling::act(
        &app.state,
        &site,
        &d.code,
        &act("xay-dung", "dat"),
        &receiver,
        Some(1),
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.status, err.code),
        (StatusCode::CONFLICT, "stale_version")
    );

    for (actor, step) in [
        (
            Actor::official("minh", &[("specialist", "so-xay-dung")]),
            "xay-dung",
        ),
        (
            Actor::official("hung", &[("specialist", "phong-chay")]),
            "pccc",
        ),
    ] {
        handling::act(
            &app.state,
            &site,
            &d.code,
            &act(step, "dat"),
            &actor,
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    let head = Actor::official("thu", &[("division_head", "so-xay-dung")]);
    let approve = Command::Act {
        step: "truong-phong-duyet".into(),
        action: "duyet".into(),
        inputs: Inputs {
            result: Some("giay-phep.pdf".into()),
            ..Inputs::default()
        },
    };
    handling::act(
        &app.state,
        &site,
        &d.code,
        &approve,
        &head,
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let done = handling::act(
        &app.state,
        &site,
        &d.code,
        &act("tra-ket-qua", "tra"),
        &receiver,
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(done.status, DossierStatus::Returned);
    assert!(done.closed_at.is_some());

    // The history holds every event, chained.
    let events = dossiers::history(&app.state.store, site.tenant.id, &done)
        .await
        .unwrap();
    assert!(events.len() > 20, "{}", events.len());
    assert_eq!(events[0].kind, "received");
    assert_eq!(events.last().unwrap().kind, "closed");
    assert!(events.iter().any(|e| e.kind == "action_taken"
        && e.actor == "thu"
        && e.payload.contains("giay-phep.pdf")));
    history::verify(&done.code.to_string(), &events).expect("the chain holds");

    // What was to be delivered went to the outbox with the change.
    let conn = app.state.store.platform();
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        conn,
        sea_orm::Statement::from_sql_and_values(
            sea_orm::ConnectionTrait::get_database_backend(conn),
            "SELECT topic FROM outbox WHERE dossier_id = $1 ORDER BY id",
            [done.id.into()],
        ),
    )
    .await
    .unwrap();
    let topics: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert_eq!(
        topics,
        ["plugin", "notification"],
        "the fee plugin request, then the applicant's notice"
    );
}

async fn two_officials_at_once_one_wins(backend: Backend) {
    let app = app(backend).await;
    let site = site(&app);
    let d = submit(&app, 120.0).await;
    let a = Actor::official("lan", &[("receiver", "mot-cua")]);
    let b = Actor::official("mai", &[("receiver", "mot-cua")]);
    let refuse = Command::Act {
        step: "tiep-nhan".into(),
        action: "tu-choi".into(),
        inputs: Inputs {
            reason: Some("Không thuộc thẩm quyền".into()),
            ..Inputs::default()
        },
    };
    let forward = act("tiep-nhan", "chuyen");
    let (ra, rb) = tokio::join!(
        handling::act(
            &app.state,
            &site,
            &d.code,
            &forward,
            &a,
            Some(1),
            chrono::Utc::now()
        ),
        handling::act(
            &app.state,
            &site,
            &d.code,
            &refuse,
            &b,
            Some(1),
            chrono::Utc::now()
        ),
    );
    let (ok, failed) = match (ra, rb) {
        (Ok(x), Err(e)) | (Err(e), Ok(x)) => (x, e),
        (Ok(_), Ok(_)) => panic!("both officials succeeded"),
        (Err(x), Err(y)) => panic!("both failed: {x:?} {y:?}"),
    };
    assert_eq!(failed.status, StatusCode::CONFLICT, "{failed:?}");
    assert_eq!(failed.code, "stale_version");
    let now = dossiers::find(&app.state.store, site.tenant.id, &d.code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.state_version, 2);
    assert_eq!(now.status, ok.status);
    let events = dossiers::history(&app.state.store, site.tenant.id, &now)
        .await
        .unwrap();
    assert_eq!(
        events.iter().filter(|e| e.kind == "action_taken").count(),
        1
    );
}

async fn open_dossiers_migrate_to_a_new_version(backend: Backend) {
    let app = app(backend).await;
    let site = site(&app);
    let first = submit(&app, 120.0).await;
    let second = submit(&app, 120.0).await;
    let receiver = Actor::official("lan", &[("receiver", "mot-cua")]);
    handling::act(
        &app.state,
        &site,
        &second.code,
        &act("tiep-nhan", "chuyen"),
        &receiver,
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    // Version 2 renames the desk step.
    let text = std::fs::read_to_string(
        motcua_tests::repo_root().join("platform/workflow/tests/procedures/permit.yaml"),
    )
    .unwrap()
    .replace("tiep-nhan", "tiep-nhan-ho-so");
    let plan = motcua_store::tenants::apply(&app.state.store, &permit_tenant(Some(text.clone())))
        .await
        .unwrap();
    assert!(plan.to_string().contains("publish version 2"), "{plan}");
    let tenant = motcua_store::tenants::load(&app.state.store, "thu-nghiem")
        .await
        .unwrap()
        .unwrap();
    let manifest = &tenant.bundle.manifest;
    let v1 = motcua_store::procedures::version(&app.state.store, tenant.id, "1.009994", 1)
        .await
        .unwrap()
        .unwrap();
    let old = motcua_workflow::procedure::load("v1", &v1.source, manifest).unwrap();
    let new = motcua_workflow::procedure::load("v2", &text, manifest).unwrap();
    let err = motcua_workflow::migration::plan(&old.definition, &new.definition, &[]).unwrap_err();
    assert!(err.to_string().contains("tiep-nhan"), "{err}");
    let plan = motcua_workflow::migration::plan(
        &old.definition,
        &new.definition,
        &[("tiep-nhan".into(), "tiep-nhan-ho-so".into())],
    )
    .unwrap();

    let open = dossiers::open_on_version(&app.state.store, tenant.id, "1.009994", 1)
        .await
        .unwrap();
    assert_eq!(open.len(), 2);
    let states: Vec<DossierState> = open.iter().map(state).collect();
    assert_eq!(
        plan.dry_run(&states),
        vec![
            ("tiep-nhan".to_owned(), "tiep-nhan-ho-so".to_owned(), 1),
            ("tinh-phi".to_owned(), "tinh-phi".to_owned(), 1)
        ]
    );
    for d in &open {
        let now = chrono::Utc::now();
        dossiers::move_dossier(&app.state.store, tenant.id, &d.code, |stored| {
            let (moved, event) = plan
                .apply(
                    &state(stored),
                    &new.definition,
                    (1, 2),
                    &site.tenant.calendar,
                    now,
                )
                .map_err(|e| e.to_string())?;
            let mut change = handling::change_from(
                &motcua_workflow::engine::Decision {
                    events: vec![event],
                    state: moved,
                },
                &new.definition,
                "migration",
                now,
                Some(&d.code),
                "1.009994",
            );
            change.procedure_version = Some(2);
            Ok::<_, String>(change)
        })
        .await
        .unwrap();
    }
    let moved = dossiers::find(&app.state.store, tenant.id, &first.code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.procedure_version, 2);
    assert!(state(&moved).token_at("tiep-nhan-ho-so").is_some());
    let events = dossiers::history(&app.state.store, tenant.id, &moved)
        .await
        .unwrap();
    assert_eq!(events.last().unwrap().kind, "migrated");
    history::verify(&moved.code.to_string(), &events).unwrap();
    assert!(
        dossiers::open_on_version(&app.state.store, tenant.id, "1.009994", 1)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A dossier pinned to a version that is no longer the published one, and that this node has
/// not compiled yet (as after a restart), still moves: the move compiles the version it needs
/// and is decided on it, not on the published one.
async fn a_dossier_moves_on_an_older_version_not_yet_compiled(backend: Backend) {
    let app = app(backend).await;
    let d = submit(&app, 120.0).await;
    // Version 2 renames the desk step; the dossier stays on version 1.
    let text = std::fs::read_to_string(
        motcua_tests::repo_root().join("platform/workflow/tests/procedures/permit.yaml"),
    )
    .unwrap()
    .replace("tiep-nhan", "tiep-nhan-ho-so");
    motcua_store::tenants::apply(&app.state.store, &permit_tenant(Some(text)))
        .await
        .unwrap();
    app.state.sites.replace(
        motcua_store::tenants::load_all(&app.state.store)
            .await
            .unwrap(),
    );
    let site = site(&app);
    assert_eq!(site.tenant.procedure("1.009994").unwrap().version, 2);
    let key = (site.tenant.id.0, "1.009994".to_owned(), 1);
    assert!(app.state.procedures.get(&key).is_none());

    let receiver = Actor::official("lan", &[("receiver", "mot-cua")]);
    let moved = handling::act(
        &app.state,
        &site,
        &d.code,
        &act("tiep-nhan", "chuyen"),
        &receiver,
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("moved on version 1");
    assert_eq!(moved.procedure_version, 1);
    assert!(state(&moved).token_at("tiep-nhan").is_none());
    assert!(app.state.procedures.get(&key).is_some());
    // A step only version 2 knows is refused on this dossier.
    let refused = handling::act(
        &app.state,
        &site,
        &d.code,
        &act("tiep-nhan-ho-so", "chuyen"),
        &receiver,
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused:?}"
    );
}

async fn the_timer_worker_wakes_due_dossiers(backend: Backend) {
    let app = app(backend).await;
    let site = site(&app);
    let d = submit(&app, 120.0).await;
    let receiver = Actor::official("lan", &[("receiver", "mot-cua")]);
    let ask = Command::Act {
        step: "tiep-nhan".into(),
        action: "bo-sung".into(),
        inputs: Inputs {
            reason: Some("Thiếu bản vẽ".into()),
            ..Inputs::default()
        },
    };
    handling::act(
        &app.state,
        &site,
        &d.code,
        &ask,
        &receiver,
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let waiting = dossiers::find(&app.state.store, site.tenant.id, &d.code)
        .await
        .unwrap()
        .unwrap();
    let timer = state(&waiting).token_at("cho-bo-sung").unwrap().timers[0].at;

    // Nothing is due before the timer; at its time the worker moves the dossier, once.
    let before = timer - chrono::Duration::minutes(1);
    assert_eq!(
        handling::wake_due_timers(&app.state, before).await.unwrap(),
        0
    );
    assert_eq!(
        handling::wake_due_timers(&app.state, timer).await.unwrap(),
        1
    );
    assert_eq!(
        handling::wake_due_timers(&app.state, timer).await.unwrap(),
        0
    );
    let stopped = dossiers::find(&app.state.store, site.tenant.id, &d.code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stopped.status, DossierStatus::Stopped);
    let events = dossiers::history(&app.state.store, site.tenant.id, &stopped)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.kind == "time_ran_out"));
}

backend_tests!(
    a_dossier_moves_on_an_older_version_not_yet_compiled,
    the_timer_worker_wakes_due_dossiers,
    a_dossier_moves_with_its_history_and_outbox,
    two_officials_at_once_one_wins,
    open_dossiers_migrate_to_a_new_version,
);
