//! The officials' inbox in storage, on both backends: tasks that follow each move of a dossier
//! through the real workflow engine, grants that decide what is listed, and (in the modules
//! below) every filter, order, page and search.

mod listing;
mod plans;
mod search;
mod world;

use motcua_core::dossier::{ApplicantKind, Channel, DossierStatus};
use motcua_store::dossiers::{self, NewDossier};
use motcua_store::inbox::{self, Grant, Scope};
use motcua_store::tenants;
use motcua_tests::{Backend, TestApp, backend_tests, citizen, demo_form};
use motcua_web::handling::{self, change_from};
use motcua_workflow::engine::{self, Actor, Command};

use world::{Intake, World, query, steps, vn};

async fn tasks_follow_the_dossier_through_its_workflow(backend: Backend) {
    let w = World::new(backend).await;
    let th = w.tenant("thanhhoa");
    let at = vn("2026-03-02T09:00");
    let mut intake = Intake::land("Ngô Thị Hạnh", at);
    intake.channel = Channel::Desk;
    let d = w.receive("thanhhoa", intake).await;
    let desk = [Grant::new("receiver", "trung-tam-phvhcc")];

    // Received: one task at the desk, unclaimed, with the dossier's columns.
    let rows = w.all(th, &query("lan", &desk, Scope::Available, at)).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.dossier.code, d.code);
    assert_eq!(row.dossier.id, d.id);
    assert_eq!(row.dossier.procedure_code, "1.012795");
    assert_eq!(row.dossier.status, DossierStatus::Registered);
    assert_eq!(row.dossier.channel, Channel::Desk);
    assert_eq!(row.dossier.applicant_name, "Ngô Thị Hạnh");
    assert_eq!(row.dossier.received_at, at);
    assert_eq!(row.dossier.due_at, d.due_at);
    assert_eq!(row.dossier.closed_at, None);
    assert_eq!(
        (row.task.step.as_str(), row.task.role.as_str()),
        ("tiep-nhan", "receiver")
    );
    assert_eq!(row.task.division, "trung-tam-phvhcc");
    assert_eq!(row.task.assignee, None);
    assert_eq!(row.task.escalated_to, None);
    assert_eq!(row.task.entered_at, at);
    assert_eq!(
        row.task.due,
        Some(vn("2026-03-02T15:00")),
        "4 working hours"
    );

    // A claim sets the assignee: the claimer's own work, no longer anyone else's to take.
    let huong = Actor::official("huong", &[("receiver", "trung-tam-phvhcc")]);
    let claim = Command::Claim {
        step: "tiep-nhan".into(),
    };
    w.act("thanhhoa", &d.code, &huong, claim, vn("2026-03-02T09:30"))
        .await;
    let mine = w.all(th, &query("huong", &desk, Scope::Mine, at)).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].task.assignee.as_deref(), Some("huong"));
    assert_eq!(
        w.all(th, &query("huong", &desk, Scope::Available, at))
            .await
            .len(),
        1
    );
    assert!(
        w.all(th, &query("lan", &desk, Scope::Available, at))
            .await
            .is_empty()
    );
    assert!(
        w.all(th, &query("lan", &desk, Scope::Mine, at))
            .await
            .is_empty()
    );
    let overseen = w.all(th, &query("lan", &desk, Scope::Divisions, at)).await;
    assert_eq!(overseen.len(), 1, "a division's work, whoever has it");

    // The desk passes it on: two parallel branches, in two other divisions.
    w.take(
        "thanhhoa",
        &d.code,
        &huong,
        ("tiep-nhan", "chuyen"),
        vn("2026-03-02T10:00"),
    )
    .await;
    for scope in [Scope::Mine, Scope::Available, Scope::Divisions] {
        assert!(
            w.all(th, &query("huong", &desk, scope, at))
                .await
                .is_empty()
        );
    }
    let office = [Grant::new("specialist", "van-phong-dang-ky-dat-dai")];
    let ward = [Grant::new("specialist", "ubnd-phuong-hac-thanh")];
    let code = d.code.to_string();
    let rows = w
        .all(th, &query("dia-chinh", &office, Scope::Available, at))
        .await;
    assert_eq!(
        steps(&rows),
        [("trich-luc-ban-do".to_owned(), code.clone())]
    );
    assert_eq!(rows[0].dossier.status, DossierStatus::Processing);
    let rows = w
        .all(th, &query("can-bo", &ward, Scope::Available, at))
        .await;
    assert_eq!(
        steps(&rows),
        [("xac-nhan-hien-trang".to_owned(), code.clone())]
    );
    let both = [office[0].clone(), ward[0].clone()];
    let rows = w.all(th, &query("x", &both, Scope::Available, at)).await;
    assert_eq!(rows.len(), 2, "parallel branches give two tasks");
    let everywhere = [Grant::everywhere("specialist")];
    assert_eq!(
        w.all(th, &query("x", &everywhere, Scope::Available, at))
            .await
            .len(),
        2
    );

    // One branch done: the join waits, one task left.
    let dia_chinh = Actor::official("dia-chinh", &[("specialist", "van-phong-dang-ky-dat-dai")]);
    w.take(
        "thanhhoa",
        &d.code,
        &dia_chinh,
        ("trich-luc-ban-do", "xong"),
        vn("2026-03-03T09:00"),
    )
    .await;
    let rows = w.all(th, &query("x", &both, Scope::Available, at)).await;
    assert_eq!(
        steps(&rows),
        [("xac-nhan-hien-trang".to_owned(), code.clone())]
    );

    // Both done: the office examines it.
    let can_bo = Actor::official("can-bo", &[("specialist", "ubnd-phuong-hac-thanh")]);
    w.take(
        "thanhhoa",
        &d.code,
        &can_bo,
        ("xac-nhan-hien-trang", "xac-nhan"),
        vn("2026-03-04T09:00"),
    )
    .await;
    let rows = w
        .all(th, &query("dia-chinh", &office, Scope::Available, at))
        .await;
    assert_eq!(steps(&rows), [("kiem-tra-ho-so".to_owned(), code.clone())]);
    assert!(
        w.all(th, &query("can-bo", &ward, Scope::Available, at))
            .await
            .is_empty()
    );

    // Closing removes every task.
    let leader = Actor::official("chu-tich", &[("agency_leader", "ubnd-phuong-hac-thanh")]);
    let stop = Command::Stop {
        reason: "thử".into(),
    };
    let closed = w
        .act("thanhhoa", &d.code, &leader, stop, vn("2026-03-04T10:00"))
        .await;
    assert!(closed.closed_at.is_some());
    let all = [Grant::everywhere("agency_leader")];
    assert!(
        w.all(th, &query("x", &all, Scope::Divisions, at))
            .await
            .is_empty()
    );
}

async fn an_escalated_task_is_listed_for_both_roles(backend: Backend) {
    let w = World::new(backend).await;
    let th = w.tenant("thanhhoa");
    let d = w
        .receive(
            "thanhhoa",
            Intake::land("Lê Văn Tám", vn("2026-03-02T09:00")),
        )
        .await;
    let desk = Actor::official("huong", &[("receiver", "trung-tam-phvhcc")]);
    w.take(
        "thanhhoa",
        &d.code,
        &desk,
        ("tiep-nhan", "chuyen"),
        vn("2026-03-02T09:30"),
    )
    .await;
    let now = vn("2026-03-06T10:00");
    let leader_here = [Grant::new("agency_leader", "ubnd-phuong-hac-thanh")];
    assert!(
        w.all(th, &query("chu-tich", &leader_here, Scope::Available, now))
            .await
            .is_empty()
    );

    // One working day before the ward's step is due, it is escalated to the ward's leader.
    w.act("thanhhoa", &d.code, &Actor::system(), Command::Tick, now)
        .await;
    let rows = w
        .all(th, &query("chu-tich", &leader_here, Scope::Available, now))
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].task.step, "xac-nhan-hien-trang");
    assert_eq!(rows[0].task.role, "specialist");
    assert_eq!(rows[0].task.escalated_to.as_deref(), Some("agency_leader"));
    let leader_elsewhere = [Grant::new("agency_leader", "trung-tam-phvhcc")];
    assert!(
        w.all(th, &query("x", &leader_elsewhere, Scope::Available, now))
            .await
            .is_empty()
    );
    let leader_everywhere = [Grant::everywhere("agency_leader")];
    assert_eq!(
        w.all(th, &query("x", &leader_everywhere, Scope::Available, now))
            .await
            .len(),
        1
    );
    let ward = [Grant::new("specialist", "ubnd-phuong-hac-thanh")];
    assert_eq!(
        w.all(th, &query("can-bo", &ward, Scope::Available, now))
            .await
            .len(),
        1
    );
    // Found through the role and through the escalation: listed once.
    let both = [ward[0].clone(), leader_here[0].clone()];
    assert_eq!(
        w.all(th, &query("x", &both, Scope::Available, now))
            .await
            .len(),
        1
    );

    // Claimed by the ward's specialist: theirs, no longer the leader's to take.
    let can_bo = Actor::official("can-bo", &[("specialist", "ubnd-phuong-hac-thanh")]);
    let claim = Command::Claim {
        step: "xac-nhan-hien-trang".into(),
    };
    w.act("thanhhoa", &d.code, &can_bo, claim, vn("2026-03-06T10:05"))
        .await;
    assert!(
        w.all(th, &query("chu-tich", &leader_here, Scope::Available, now))
            .await
            .is_empty()
    );
    assert_eq!(
        w.all(th, &query("can-bo", &ward, Scope::Mine, now))
            .await
            .len(),
        1
    );
    assert_eq!(
        w.all(th, &query("chu-tich", &leader_here, Scope::Divisions, now))
            .await
            .len(),
        1
    );
}

async fn grants_decide_what_is_listed(backend: Backend) {
    let w = World::new(backend).await;
    let (th, hcm) = (w.tenant("thanhhoa"), w.tenant("hochiminhcity"));
    let at = vn("2026-03-02T09:00");
    let a = w
        .receive("thanhhoa", Intake::record("Trần Văn A", at))
        .await;
    let b = w.receive("thanhhoa", Intake::land("Trần Văn B", at)).await;
    let household = Intake {
        procedure: "2.000720",
        case: "thanh-lap-moi",
        ..Intake::record("Trần Văn C", at)
    };
    let c = w.receive("thanhhoa", household).await;
    let mut birth = Intake {
        procedure: "1.001193",
        case: "dung-han",
        ..Intake::record("Trần Văn D", at)
    };
    birth.id_number = Some("079095001234");
    let d = w.receive("hochiminhcity", birth).await;

    let desk = [Grant::new("receiver", "trung-tam-phvhcc")];
    let listed = steps(&w.all(th, &query("lan", &desk, Scope::Available, at)).await);
    assert_eq!(
        listed,
        [
            ("tiep-nhan".to_owned(), a.code.to_string()),
            ("tiep-nhan".to_owned(), b.code.to_string())
        ],
        "not the ward desk's dossier"
    );
    let ward_desk = [Grant::new("receiver", "trung-tam-phvhcc-phuong-hac-thanh")];
    let rows = w
        .all(th, &query("x", &ward_desk, Scope::Available, at))
        .await;
    assert_eq!(steps(&rows), [("tiep-nhan".to_owned(), c.code.to_string())]);

    // Another role of the division: nothing to take, but the division's work to oversee.
    let specialist = [Grant::new("specialist", "trung-tam-phvhcc")];
    assert!(
        w.all(th, &query("x", &specialist, Scope::Available, at))
            .await
            .is_empty()
    );
    assert_eq!(
        w.all(th, &query("x", &specialist, Scope::Divisions, at))
            .await
            .len(),
        2
    );

    // Another tenant's tasks never appear, whatever the grants name.
    let everything = [Grant::everywhere("receiver")];
    let rows = w
        .all(th, &query("x", &everything, Scope::Divisions, at))
        .await;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.dossier.code != d.code));
    let rows = w
        .all(hcm, &query("x", &everything, Scope::Divisions, at))
        .await;
    assert_eq!(steps(&rows), [("tiep-nhan".to_owned(), d.code.to_string())]);
    assert!(
        w.all(hcm, &query("x", &desk, Scope::Available, at))
            .await
            .is_empty()
    );
    let mut by_code = query("x", &everything, Scope::Divisions, at);
    by_code.search = Some(inbox::Search::Code(d.code));
    assert!(w.all(th, &by_code).await.is_empty());
    by_code.search = inbox::Search::parse("079095001234");
    assert!(w.all(th, &by_code).await.is_empty());
    assert_eq!(w.all(hcm, &by_code).await.len(), 1);

    // On PostgreSQL, row-level security confines even an unfiltered read to the tenant.
    if backend == Backend::Postgres {
        use sea_orm::ConnectionTrait;
        for (table, expected) in [("dossier_tasks", 3), ("dossier_task_keys", 3 * 4)] {
            let txn = w.db.store.tenant_read(th).await.unwrap();
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let row = txn
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    sql,
                ))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), expected, "{table}");
            txn.commit().await.unwrap();
        }
    }

    // No grants, nothing at all.
    for scope in [Scope::Mine, Scope::Available, Scope::Divisions] {
        assert!(w.all(th, &query("lan", &[], scope, at)).await.is_empty());
        let n = inbox::count(&w.db.store, th, &query("lan", &[], scope, at), 10)
            .await
            .unwrap();
        assert_eq!((n.n, n.more), (0, false));
    }
}

async fn dossiers_stored_before_the_inbox_get_their_tasks(backend: Backend) {
    let app = TestApp::new(backend).await;
    let tenant = app
        .state
        .sites
        .by_id(
            tenants::load(&app.db.store, "thanhhoa")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .unwrap();
    let live = tenant.procedure("2.000488").unwrap().clone();
    let at = vn("2026-03-02T09:00");
    let form = demo_form("thanhhoa", "2.000488");
    let ctx = engine::Context {
        now: at,
        calendar: &tenant.calendar,
        form: &form,
        channel: Channel::Online,
        applicant_kind: ApplicantKind::Citizen,
    };
    let def = &live.procedure.definition;
    let decision = engine::start(def, "ca-nhan-tu-yeu-cau", live.info().time, &ctx).unwrap();
    let mut start = change_from(&decision, def, "system", at, None, "2.000488");
    // As stored before the inbox: no tasks.
    start.tasks.clear();
    let new = NewDossier {
        procedure_code: "2.000488".into(),
        procedure_version: live.version,
        case_key: "ca-nhan-tu-yeu-cau".into(),
        receiving_unit: live.info().desk(&tenant.manifest).code,
        channel: Channel::Online,
        applicant: citizen("Hoàng Văn Cũ"),
        form,
        idempotency_key: None,
        received_at: at,
        start,
    };
    let d = dossiers::receive(&app.db.store, tenant.id, new)
        .await
        .unwrap();
    let desk = [Grant::new("receiver", "trung-tam-phvhcc")];
    let q = query("lan", &desk, Scope::Available, at);
    let listed = || async {
        inbox::list(&app.db.store, tenant.id, &q)
            .await
            .unwrap()
            .rows
    };
    assert!(listed().await.is_empty());

    assert_eq!(handling::rebuild_tasks(&app.state).await.unwrap(), 1);
    let rows = listed().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].dossier.code, d.dossier().code);
    assert_eq!(rows[0].task.step, "tiep-nhan");
    let mut by_name = q.clone();
    by_name.search = inbox::Search::parse("hoang cu");
    assert_eq!(
        inbox::list(&app.db.store, tenant.id, &by_name)
            .await
            .unwrap()
            .rows,
        rows
    );
    // Again: the same tasks, once each.
    assert_eq!(handling::rebuild_tasks(&app.state).await.unwrap(), 1);
    assert_eq!(listed().await, rows);
}

backend_tests!(
    dossiers_stored_before_the_inbox_get_their_tasks,
    tasks_follow_the_dossier_through_its_workflow,
    an_escalated_task_is_listed_for_both_roles,
    grants_decide_what_is_listed,
);
