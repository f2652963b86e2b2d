//! casbin's own management API over the sea-orm adapter: what it writes is stored, audited
//! under the adapter's actor and read back by a fresh enforcer.

use casbin::{CoreApi, DefaultModel, Enforcer, MgmtApi};
use motcua_authz::{SeaOrmAdapter, model};
use motcua_tests::{Backend, TestDb};

use crate::{setup, tenant};

async fn enforcer(db: &TestDb, tenant: motcua_store::TenantId, actor: &str) -> Enforcer {
    let m = DefaultModel::from_str(model::MODEL).await.unwrap();
    Enforcer::new(m, SeaOrmAdapter::new(db.store.clone(), tenant, actor))
        .await
        .unwrap()
}

fn rule(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

async fn round_trip(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (authz, refs) = setup(&db).await;
    let th = tenant(&refs, "thanhhoa");
    let mut e = enforcer(&db, th, "operator:1").await;
    // The role templates come with every load.
    assert!(e.has_policy(rule(&["receiver", "dossier", "receive"])));
    assert!(
        !e.enforce(("account:5", "thanhhoa/so-tu-phap", "dossier", "handle"))
            .unwrap()
    );

    assert!(
        e.add_grouping_policy(rule(&["account:5", "specialist", "thanhhoa/so-tu-phap"]))
            .await
            .unwrap()
    );
    assert!(
        e.add_grouping_policy(rule(&[
            "account:6",
            "receiver",
            "thanhhoa/trung-tam-phvhcc"
        ]))
        .await
        .unwrap()
    );
    assert!(
        e.enforce(("account:5", "thanhhoa/so-tu-phap", "dossier", "handle"))
            .unwrap()
    );

    // A fresh enforcer reads what was stored; the service notices the new version.
    let fresh = enforcer(&db, th, "operator:1").await;
    assert!(
        fresh
            .enforce(("account:5", "thanhhoa/so-tu-phap", "dossier", "handle"))
            .unwrap()
    );
    assert_eq!(authz.catch_up().await.unwrap(), 1);
    assert_eq!(authz.assignments(th).unwrap().len(), 2);
    let history = authz.history(th, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|c| c.actor == "operator:1"));

    // Removing by a field filter removes the matching assignments only.
    assert!(
        e.remove_filtered_grouping_policy(0, rule(&["account:5"]))
            .await
            .unwrap()
    );
    let fresh = enforcer(&db, th, "operator:1").await;
    assert!(
        !fresh
            .enforce(("account:5", "thanhhoa/so-tu-phap", "dossier", "handle"))
            .unwrap()
    );
    assert!(
        fresh
            .enforce((
                "account:6",
                "thanhhoa/trung-tam-phvhcc",
                "dossier",
                "receive"
            ))
            .unwrap()
    );

    // Permission rules are the shared templates: a tenant cannot add its own.
    let refused = e
        .add_policy(rule(&["receiver", "dossier", "approve"]))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("role templates"), "{refused}");
    let fresh = enforcer(&db, th, "operator:1").await;
    assert!(!fresh.has_policy(rule(&["receiver", "dossier", "approve"])));

    // Another tenant's enforcer sees none of it.
    let other = enforcer(&db, tenant(&refs, "hochiminhcity"), "operator:1").await;
    assert!(other.get_grouping_policy().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_round_trip_on_sqlite() {
    round_trip(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_round_trip_on_postgres() {
    round_trip(Backend::Postgres).await;
}
