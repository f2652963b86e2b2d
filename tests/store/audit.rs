//! `audit::verify`: every dossier history re-checked against its hash chain, tenant by tenant;
//! an altered event, a deleted history and a history moved to another dossier are each found
//! at their first broken link.

use chrono::{DateTime, Utc};
use motcua_store::dossiers::{self, Change};
use motcua_store::history::NewEvent;
use motcua_store::{TenantId, audit, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, citizen, demo_bundle, plain_dossier};
use sea_orm::ConnectionTrait;

async fn tenant(db: &TestDb, slug: &str) -> TenantId {
    tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
    tenants::load(&db.store, slug).await.unwrap().unwrap().id
}

/// Receives a dossier and moves it twice; its code.
async fn dossier(db: &TestDb, t: TenantId, unit: &str, n: i64) -> String {
    let at: DateTime<Utc> = "2026-03-02T02:00:00Z".parse().unwrap();
    let at = at + chrono::Duration::minutes(n);
    let received = dossiers::receive(
        &db.store,
        t,
        plain_dossier("1.001193", unit, at, None, citizen("Lê Thị Hoa")),
    )
    .await
    .unwrap();
    let code = received.dossier().code;
    for step in ["tiep-nhan", "tham-dinh"] {
        dossiers::move_dossier(&db.store, t, &code, |d| {
            Ok::<_, ()>(Change {
                events: vec![NewEvent {
                    at,
                    actor: "account:1".into(),
                    kind: "action_taken".into(),
                    payload: serde_json::json!({ "step": step }),
                }],
                outbox: Vec::new(),
                state: d.state.clone(),
                ..plain_dossier("1.001193", unit, at, None, citizen("x")).start
            })
        })
        .await
        .unwrap();
    }
    code.to_string()
}

async fn altered_histories_are_found_at_their_first_broken_link(backend: Backend) {
    let db = TestDb::new(backend).await;
    let th = tenant(&db, "thanhhoa").await;
    let hcm = tenant(&db, "hochiminhcity").await;
    let a = dossier(&db, th, "000.00.01.H56", 1).await;
    let b = dossier(&db, th, "000.00.01.H56", 2).await;
    let c = dossier(&db, th, "000.00.01.H56", 3).await;
    dossier(&db, hcm, "000.00.01.H29", 1).await;

    let report = audit::verify(&db.store, None).await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!((report.dossiers, report.events), (4, 12));

    // An event's data changed, one history deleted, one dossier's events given to another.
    let platform = db.store.platform();
    let sql = |s: String| async move {
        platform.execute_unprepared(&s).await.unwrap();
    };
    let id = |code: &str| format!("(SELECT id FROM dossiers WHERE code = '{code}')");
    sql(format!(
        "UPDATE dossier_events SET payload = '{{\"step\":\"khac\"}}' WHERE dossier_id = {} AND seq = 2",
        id(&a)
    ))
    .await;
    sql(format!(
        "DELETE FROM dossier_events WHERE dossier_id = {}",
        id(&b)
    ))
    .await;
    sql(format!(
        "UPDATE dossier_events SET dossier_id = {} WHERE dossier_id = {}",
        id(&b),
        id(&c)
    ))
    .await;

    let report = audit::verify(&db.store, Some(th)).await.unwrap();
    assert_eq!(report.dossiers, 3);
    let broken: Vec<(String, i32)> = report
        .broken
        .iter()
        .map(|l| (l.dossier.clone(), l.seq))
        .collect();
    assert_eq!(broken, [(a, 2), (b, 1), (c, 1)]);
    // Another tenant's histories are untouched, and checked on their own.
    let report = audit::verify(&db.store, Some(hcm)).await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.dossiers, 1);
}

/// The administrators' audit log (role assignments and officials' accounts) takes new entries
/// and refuses every change to recorded ones, from the platform's connection and from a
/// tenant's, on both databases.
async fn the_admin_audit_log_cannot_be_edited(backend: Backend) {
    use motcua_store::accounts::{self, Holder, NewAccount};
    use motcua_store::{officials, policies};

    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let change = policies::Change {
        add: vec![policies::Rule::new(
            "g",
            &["official:1", "receiver", "thanhhoa/mot-cua"],
        )],
        remove: Vec::new(),
    };
    policies::apply(&db.store, t, "admin:lanhdao", "new receiver", &change, None)
        .await
        .unwrap();
    let account = accounts::create(
        &db.store,
        Holder::Official(t),
        &NewAccount {
            username: "lan.nguyen".into(),
            name: "Nguyễn Thị Lan".into(),
            email: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            must_change_password: true,
        },
    )
    .await
    .unwrap();
    let before = serde_json::json!({});
    let after = serde_json::json!({ "active": true });
    officials::record(
        &db.store,
        t,
        account,
        "admin:lanhdao",
        "created",
        &before,
        &after,
    )
    .await
    .unwrap();
    let history = policies::history(&db.store, t, 10).await.unwrap();
    let accounts_before = officials::changes(&db.store, t, 10, 0).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(accounts_before.len(), 1);

    let attempts = [
        "UPDATE policy_changes SET actor = 'someone else'",
        "UPDATE policy_changes SET reason = ''",
        "DELETE FROM policy_changes",
        "UPDATE account_changes SET actor = 'someone else'",
        "DELETE FROM account_changes",
    ];
    for sql in attempts {
        let err = db
            .store
            .platform()
            .execute_unprepared(sql)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("is append-only"), "{sql}: {err}");
        let txn = db.store.tenant_txn(t).await.unwrap();
        let err = txn.execute_unprepared(sql).await.unwrap_err();
        assert!(
            err.to_string().contains("is append-only")
                || err.to_string().contains("permission denied"),
            "{sql} as the tenant: {err}"
        );
        drop(txn);
    }
    if backend == Backend::Postgres {
        for table in ["policy_changes", "account_changes"] {
            let err = db
                .store
                .platform()
                .execute_unprepared(&format!("TRUNCATE {table}"))
                .await
                .unwrap_err();
            assert!(err.to_string().contains("is append-only"), "{table}: {err}");
        }
    }
    assert_eq!(policies::history(&db.store, t, 10).await.unwrap(), history);
    assert_eq!(
        officials::changes(&db.store, t, 10, 0).await.unwrap(),
        accounts_before
    );

    // New entries are still recorded.
    officials::record(
        &db.store,
        t,
        account,
        "admin:lanhdao",
        "deactivated",
        &after,
        &before,
    )
    .await
    .unwrap();
    assert_eq!(officials::count_changes(&db.store, t).await.unwrap(), 2);
}

backend_tests!(
    altered_histories_are_found_at_their_first_broken_link,
    the_admin_audit_log_cannot_be_edited,
);
