//! PostgreSQL row-level security, the second wall: inside a tenant's transaction a query that
//! forgets its `tenant_id` filter still sees and writes that tenant's rows only.

use motcua_store::dossiers;
use motcua_store::tenants;
use motcua_tests::{Backend, TestDb, citizen, demo_bundle, plain_dossier};
use sea_orm::{ConnectionTrait, Statement};

async fn count(txn: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = txn
        .query_one_raw(Statement::from_string(txn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn row_level_security_confines_unfiltered_queries_to_the_tenant() {
    let db = TestDb::new(Backend::Postgres).await;
    let mut ids = Vec::new();
    for slug in ["thanhhoa", "hochiminhcity"] {
        tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
        ids.push(tenants::load(&db.store, slug).await.unwrap().unwrap().id);
    }
    let (a, b) = (ids[0], ids[1]);
    for (tenant, unit, n) in [(a, "000.00.01.H56", 3), (b, "000.00.01.H29", 2)] {
        for _ in 0..n {
            let at = chrono::Utc::now();
            let new = plain_dossier("1.001193", unit, at, None, citizen("Trần Văn Bình"));
            dossiers::receive(&db.store, tenant, new).await.unwrap();
        }
    }
    // The platform connection (table owner) sees everything.
    assert_eq!(
        count(db.store.platform(), "SELECT count(*) FROM dossiers").await,
        5
    );

    // A tenant transaction without any WHERE clause sees its own rows only, in every table.
    let txn = db.store.tenant_txn(a).await.unwrap();
    assert_eq!(count(&txn, "SELECT count(*) FROM dossiers").await, 3);
    assert_eq!(count(&txn, "SELECT count(*) FROM tenants").await, 1);
    assert_eq!(
        count(&txn, "SELECT count(*) FROM dossier_code_counters").await,
        1
    );
    let own_divisions = count(&txn, "SELECT count(*) FROM divisions").await;
    assert_eq!(
        own_divisions as usize,
        demo_bundle("thanhhoa").manifest.divisions.len()
    );
    // Updates and deletes cannot reach another tenant's rows either.
    let updated = txn
        .execute_raw(Statement::from_string(
            txn.get_database_backend(),
            "UPDATE dossiers SET status = 'stopped'",
        ))
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 3);
    txn.rollback().await.unwrap();

    // Writing a row for another tenant is refused by the policy's check.
    let txn = db.store.tenant_txn(a).await.unwrap();
    let err = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "INSERT INTO dossier_code_counters (tenant_id, unit_code, day, last_seq) VALUES ($1, 'x', '2026-01-01', 1)",
            [b.0.into()],
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(txn);

    // Without a tenant named, the role sees nothing at all.
    let conn = db.store.platform();
    let txn = sea_orm::TransactionTrait::begin(conn).await.unwrap();
    txn.execute_unprepared("SET LOCAL ROLE motcua_tenant")
        .await
        .unwrap();
    assert_eq!(count(&txn, "SELECT count(*) FROM dossiers").await, 0);
    txn.rollback().await.unwrap();
}
