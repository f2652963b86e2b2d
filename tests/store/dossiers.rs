//! Receiving dossiers: codes dated in Vietnam time, idempotent submission, lookup by code.

use chrono::{DateTime, Utc};
use motcua_core::dossier::DossierStatus;
use motcua_store::dossiers::{self, NewDossier, Received};
use motcua_store::{TenantId, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, citizen, demo_bundle, plain_dossier};

async fn tenant(db: &TestDb, slug: &str) -> TenantId {
    tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
    tenants::load(&db.store, slug).await.unwrap().unwrap().id
}

fn new_dossier(at: &str, key: Option<&str>) -> NewDossier {
    let received_at: DateTime<Utc> = at.parse().unwrap();
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse("038095001234");
    plain_dossier("1.001193", "000.00.01.H56", received_at, key, applicant)
}

async fn codes_are_dated_in_vietnam_time(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    // 17:30 UTC on 1 January is 00:30 on 2 January in Vietnam.
    let r = dossiers::receive(&db.store, t, new_dossier("2026-01-01T17:30:00Z", None))
        .await
        .unwrap();
    assert_eq!(r.dossier().code.to_string(), "000.00.01.H56-260102-0001");
    let r = dossiers::receive(&db.store, t, new_dossier("2026-01-01T16:59:59Z", None))
        .await
        .unwrap();
    assert_eq!(r.dossier().code.to_string(), "000.00.01.H56-260101-0001");
    assert_eq!(r.dossier().status, DossierStatus::Registered);
}

async fn a_retried_submission_never_creates_a_second_dossier(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let first = dossiers::receive(
        &db.store,
        t,
        new_dossier("2026-03-02T02:00:00Z", Some("k-1")),
    )
    .await
    .unwrap();
    let again = dossiers::receive(
        &db.store,
        t,
        new_dossier("2026-03-02T02:00:05Z", Some("k-1")),
    )
    .await
    .unwrap();
    assert!(matches!(first, Received::Created(_)));
    assert!(matches!(again, Received::Replayed(_)));
    assert_eq!(first.dossier(), again.dossier());

    // The same key from many concurrent requests on several nodes: exactly one dossier.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = if i % 2 == 0 {
            db.store.clone()
        } else {
            db.another_node().await
        };
        tasks.push(tokio::spawn(async move {
            dossiers::receive(&store, t, new_dossier("2026-03-02T03:00:00Z", Some("k-2"))).await
        }));
    }
    let mut codes = std::collections::BTreeSet::new();
    let mut created = 0;
    for task in tasks {
        let r = task.await.unwrap().unwrap();
        created += usize::from(matches!(r, Received::Created(_)));
        codes.insert(r.dossier().code);
    }
    assert_eq!(created, 1);
    assert_eq!(codes.len(), 1);
    let code = codes.into_iter().next().unwrap();
    assert_eq!(
        code.to_string(),
        "000.00.01.H56-260302-0002",
        "no number was lost to the losers"
    );

    // A key reused for another procedure is a conflict, not a silent replay.
    let mut other = new_dossier("2026-03-02T04:00:00Z", Some("k-1"));
    other.procedure_code = "2.000488".into();
    let err = dossiers::receive(&db.store, t, other).await.unwrap_err();
    assert!(
        err.to_string().contains("idempotency key was already used"),
        "{err}"
    );
}

async fn a_dossier_is_found_only_in_its_own_tenant(backend: Backend) {
    let db = TestDb::new(backend).await;
    let thanhhoa = tenant(&db, "thanhhoa").await;
    let hcm = tenant(&db, "hochiminhcity").await;
    let r = dossiers::receive(
        &db.store,
        thanhhoa,
        new_dossier("2026-03-02T02:00:00Z", None),
    )
    .await
    .unwrap();
    let code = r.dossier().code;
    assert_eq!(
        dossiers::find(&db.store, thanhhoa, &code)
            .await
            .unwrap()
            .as_ref(),
        Some(r.dossier())
    );
    assert_eq!(dossiers::find(&db.store, hcm, &code).await.unwrap(), None);
    // Idempotency keys are per tenant too.
    let mut other = new_dossier("2026-03-02T02:00:00Z", Some("same-key"));
    other.receiving_unit = "000.00.01.H29".parse().unwrap();
    let a = dossiers::receive(&db.store, hcm, other.clone())
        .await
        .unwrap();
    let mut mine = other;
    mine.receiving_unit = "000.00.01.H56".parse().unwrap();
    let b = dossiers::receive(&db.store, thanhhoa, mine).await.unwrap();
    assert!(matches!(a, Received::Created(_)) && matches!(b, Received::Created(_)));
}

backend_tests!(
    codes_are_dated_in_vietnam_time,
    a_retried_submission_never_creates_a_second_dossier,
    a_dossier_is_found_only_in_its_own_tenant,
);
