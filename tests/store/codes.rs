//! Dossier codes: sequential per receiving unit and Vietnam-time day, unique across nodes under
//! concurrency, and the 10,000th of a day refused.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use motcua_core::codes::EntityCode;
use motcua_store::dossiers;
use motcua_store::{StoreError, TenantId, next_dossier_code, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, citizen, demo_bundle, plain_dossier};
use sea_orm::{ConnectionTrait, Statement};

async fn tenant(db: &TestDb) -> TenantId {
    tenants::apply(&db.store, &demo_bundle("thanhhoa"))
        .await
        .unwrap();
    tenants::load(&db.store, "thanhhoa")
        .await
        .unwrap()
        .unwrap()
        .id
}

fn unit(s: &str) -> EntityCode {
    s.parse().unwrap()
}

async fn issue(
    db: &motcua_store::Store,
    t: TenantId,
    u: EntityCode,
    day: NaiveDate,
) -> Result<String, StoreError> {
    let txn = db.tenant_txn(t).await?;
    let code = next_dossier_code(&txn, t, u, day).await?;
    txn.commit().await?;
    Ok(code.to_string())
}

async fn codes_count_per_unit_and_day(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db).await;
    let d1 = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let d2 = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    let a = unit("000.00.01.H56");
    let b = unit("000.00.06.H56");
    assert_eq!(
        issue(&db.store, t, a, d1).await.unwrap(),
        "000.00.01.H56-260302-0001"
    );
    assert_eq!(
        issue(&db.store, t, a, d1).await.unwrap(),
        "000.00.01.H56-260302-0002"
    );
    assert_eq!(
        issue(&db.store, t, b, d1).await.unwrap(),
        "000.00.06.H56-260302-0001"
    );
    assert_eq!(
        issue(&db.store, t, a, d2).await.unwrap(),
        "000.00.01.H56-260303-0001"
    );

    // A rolled-back submission gives its number back: no gaps.
    let txn = db.store.tenant_txn(t).await.unwrap();
    assert_eq!(
        next_dossier_code(&txn, t, a, d1).await.unwrap().to_string(),
        "000.00.01.H56-260302-0003"
    );
    txn.rollback().await.unwrap();
    assert_eq!(
        issue(&db.store, t, a, d1).await.unwrap(),
        "000.00.01.H56-260302-0003"
    );
}

async fn the_ten_thousandth_code_of_a_day_is_refused(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db).await;
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let u = unit("000.00.01.H56");
    issue(&db.store, t, u, day).await.unwrap();
    // Jump to the end of the day's range as if 9,997 more had been issued.
    let conn = db.store.platform();
    conn.execute_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        "UPDATE dossier_code_counters SET last_seq = 9998 WHERE tenant_id = $1",
        [t.0.into()],
    ))
    .await
    .unwrap();
    assert_eq!(
        issue(&db.store, t, u, day).await.unwrap(),
        "000.00.01.H56-260302-9999"
    );
    for _ in 0..3 {
        let err = issue(&db.store, t, u, day).await.unwrap_err();
        assert!(matches!(err, StoreError::CodesExhausted { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "the receiving unit 000.00.01.H56 has issued all 9999 dossier codes of 2026-03-02"
        );
    }
    // Other units and the next day are unaffected.
    assert_eq!(
        issue(&db.store, t, unit("000.00.06.H56"), day)
            .await
            .unwrap(),
        "000.00.06.H56-260302-0001"
    );
    let next = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    assert_eq!(
        issue(&db.store, t, u, next).await.unwrap(),
        "000.00.01.H56-260303-0001"
    );
}

/// Many concurrent submissions from four nodes (four connection pools on one database), over
/// three receiving units: every dossier gets a code, no code twice, no gap.
async fn concurrent_submissions_on_many_nodes_never_share_a_code(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db).await;
    let received_at: chrono::DateTime<chrono::Utc> = "2026-03-02T02:00:00Z".parse().unwrap();
    let units = [
        unit("000.00.01.H56"),
        unit("000.00.06.H56"),
        unit("000.00.07.H56"),
    ];
    let mut nodes = vec![db.store.clone()];
    for _ in 0..3 {
        nodes.push(db.another_node().await);
    }
    let per_node = if backend == Backend::Postgres {
        100
    } else {
        40
    };
    let mut tasks = Vec::new();
    for (n, node) in nodes.iter().enumerate() {
        for i in 0..per_node {
            let node = node.clone();
            let unit = units[(n + i) % units.len()].to_string();
            let applicant = citizen(&format!("Hộ kinh doanh {n}-{i}"));
            let new = plain_dossier("2.000720", &unit, received_at, None, applicant);
            tasks.push(tokio::spawn(async move {
                dossiers::receive(&node, t, new).await
            }));
        }
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap().unwrap().dossier().code.to_string());
    }
    let unique: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "duplicate codes issued");
    assert_eq!(codes.len(), nodes.len() * per_node);
    // Per unit the sequences are exactly 1..=n: no gaps, no duplicates.
    let mut per_unit: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for code in &codes {
        let (prefix, seq) = code.rsplit_once('-').unwrap();
        per_unit
            .entry(prefix.to_owned())
            .or_default()
            .push(seq.parse().unwrap());
    }
    assert_eq!(per_unit.len(), units.len());
    for (prefix, mut seqs) in per_unit {
        seqs.sort_unstable();
        let expected: Vec<u32> = (1..=seqs.len() as u32).collect();
        assert_eq!(seqs, expected, "{prefix}");
    }
}

backend_tests!(
    codes_count_per_unit_and_day,
    the_ten_thousandth_code_of_a_day_is_refused,
    concurrent_submissions_on_many_nodes_never_share_a_code,
);
