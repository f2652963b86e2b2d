//! Accounts, operators and API tokens in storage: unique usernames, the lockout counted in the
//! database across nodes, TOTP steps used once, session epochs, and row-level security.

use chrono::Utc;
use motcua_store::accounts::{self, Holder, Lockout, NewAccount};
use motcua_store::api_tokens::{self, NewToken};
use motcua_store::{Store, StoreError, TenantId, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, demo_bundle};
use sea_orm::{ConnectionTrait, Statement};

fn new(username: &str) -> NewAccount {
    NewAccount {
        username: username.to_owned(),
        name: "Nguyễn Thị Lan".to_owned(),
        email: Some("lan@thanhhoa.gov.vn".to_owned()),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        must_change_password: true,
    }
}

async fn two_tenants(db: &TestDb) -> (TenantId, TenantId) {
    let mut ids = Vec::new();
    for slug in ["thanhhoa", "hochiminhcity"] {
        tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
        ids.push(tenants::load(&db.store, slug).await.unwrap().unwrap().id);
    }
    (ids[0], ids[1])
}

const LOCKOUT: Lockout = Lockout {
    max_failures: 5,
    lock_for: chrono::Duration::minutes(15),
};

async fn usernames_are_unique_per_tenant_and_case_blind(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (a, b) = two_tenants(&db).await;
    let id = accounts::create(&db.store, Holder::Official(a), &new("Lan.Nguyen"))
        .await
        .unwrap();
    let err = accounts::create(&db.store, Holder::Official(a), &new("lan.nguyen"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // The same name in another tenant, or as an operator, is another account.
    let other = accounts::create(&db.store, Holder::Official(b), &new("lan.nguyen"))
        .await
        .unwrap();
    let operator = accounts::create(&db.store, Holder::Operator, &new("lan.nguyen"))
        .await
        .unwrap();
    let err = accounts::create(&db.store, Holder::Operator, &new("LAN.NGUYEN"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    let c = accounts::by_username(&db.store, Holder::Official(a), " LAN.nguyen ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.id, c.username.as_str()), (id, "lan.nguyen"));
    assert!(c.must_change_password && !c.disabled && c.totp_secret.is_none());
    assert_eq!((c.failed_attempts, c.session_epoch), (0, 0));
    assert_eq!(c.email.as_deref(), Some("lan@thanhhoa.gov.vn"));
    // Another tenant's account is not reachable by id through this tenant.
    assert!(
        accounts::get(&db.store, Holder::Official(a), other)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        accounts::get(&db.store, Holder::Operator, operator)
            .await
            .unwrap()
            .unwrap()
            .username,
        "lan.nguyen"
    );
    assert_eq!(
        accounts::list(&db.store, Holder::Official(a))
            .await
            .unwrap()
            .len(),
        1
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("argon2"), "no hash in Debug: {debug}");
}

async fn failures_lock_the_account_across_nodes(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (a, _) = two_tenants(&db).await;
    let holder = Holder::Official(a);
    let id = accounts::create(&db.store, holder, &new("lan"))
        .await
        .unwrap();
    let second = db.another_node().await;

    // Four failures at once, from two nodes: every one is counted.
    let mut tasks = Vec::new();
    for i in 0..4 {
        let store = if i % 2 == 0 {
            db.store.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            accounts::record_failure(&store, holder, id, LOCKOUT)
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), None, "not locked yet");
    }
    let c = accounts::get(&db.store, holder, id).await.unwrap().unwrap();
    assert_eq!(c.failed_attempts, 4);
    assert!(!c.locked_at(Utc::now()));

    // The fifth locks it for 15 minutes, and the count starts again.
    let until = accounts::record_failure(&second, holder, id, LOCKOUT)
        .await
        .unwrap()
        .expect("locked");
    let minutes = (until - Utc::now()).num_seconds();
    assert!((14 * 60..=15 * 60).contains(&minutes), "{minutes}");
    let c = accounts::get(&db.store, holder, id).await.unwrap().unwrap();
    assert!(c.locked_at(Utc::now()));
    assert!(!c.locked_at(until + chrono::Duration::seconds(1)));
    assert_eq!(c.failed_attempts, 0);

    accounts::record_success(&db.store, holder, id)
        .await
        .unwrap();
    let c = accounts::get(&db.store, holder, id).await.unwrap().unwrap();
    assert!(!c.locked_at(Utc::now()) && c.locked_until.is_none());
}

async fn totp_steps_serve_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let holder = Holder::Operator;
    let id = accounts::create(&db.store, holder, &new("op"))
        .await
        .unwrap();
    accounts::set_totp(&db.store, holder, id, Some("GEZDGNBVGY3TQOJQ"))
        .await
        .unwrap();
    let used = |step| accounts::use_totp_step(&db.store, holder, id, step);
    assert!(used(1000).await.unwrap());
    assert!(!used(1000).await.unwrap(), "the same step again");
    assert!(!used(999).await.unwrap(), "an earlier step");
    assert!(used(1001).await.unwrap());
    // A new secret starts afresh.
    accounts::set_totp(&db.store, holder, id, Some("MFRGGZDFMZTWQ2LK"))
        .await
        .unwrap();
    assert!(used(1001).await.unwrap());
    let c = accounts::get(&db.store, holder, id).await.unwrap().unwrap();
    assert_eq!(c.totp_secret.as_deref(), Some("MFRGGZDFMZTWQ2LK"));
}

async fn epochs_move_on_password_disable_and_role_changes(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (a, _) = two_tenants(&db).await;
    let holder = Holder::Official(a);
    let id = accounts::create(&db.store, holder, &new("lan"))
        .await
        .unwrap();
    let check = || accounts::session_check(&db.store, holder, id);
    assert_eq!(check().await.unwrap().unwrap().epoch, 0);
    assert_eq!(
        accounts::bump_session_epoch(&db.store, a, id)
            .await
            .unwrap(),
        1
    );
    for _ in 0..3 {
        accounts::record_failure(&db.store, holder, id, LOCKOUT)
            .await
            .unwrap();
    }
    let epoch = accounts::set_password(&db.store, holder, id, "$argon2id$new", false)
        .await
        .unwrap();
    assert_eq!(epoch, 2);
    let c = accounts::get(&db.store, holder, id).await.unwrap().unwrap();
    assert_eq!(c.password_hash, "$argon2id$new");
    assert!(!c.must_change_password);
    assert_eq!(c.failed_attempts, 0);
    assert_eq!(
        accounts::set_disabled(&db.store, holder, id, true)
            .await
            .unwrap(),
        3
    );
    let s = check().await.unwrap().unwrap();
    assert!(s.disabled && s.epoch == 3);
    assert!(
        accounts::session_check(&db.store, holder, id + 1000)
            .await
            .unwrap()
            .is_none()
    );
    let err = accounts::bump_session_epoch(&db.store, a, id + 1000)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

async fn token(store: &Store, tenant: TenantId, hash: &str) -> i64 {
    api_tokens::create(
        store,
        tenant,
        &NewToken {
            name: "đồng bộ cổng quốc gia".to_owned(),
            secret_sha256: hash.to_owned(),
            scopes: vec!["dossier:read".to_owned(), "procedure:view".to_owned()],
            created_by: None,
            expires_at: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn api_tokens_are_found_by_hash_in_their_tenant_and_revoked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (a, b) = two_tenants(&db).await;
    let id = token(&db.store, a, &"ab".repeat(32)).await;
    let t = api_tokens::by_secret(&db.store, a, &"ab".repeat(32))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.id, id);
    assert_eq!(t.scopes, ["dossier:read", "procedure:view"]);
    assert!(t.active_at(Utc::now()) && t.last_used_at.is_none());
    assert!(
        api_tokens::by_secret(&db.store, b, &"ab".repeat(32))
            .await
            .unwrap()
            .is_none(),
        "another tenant's token"
    );
    let now = Utc::now();
    api_tokens::touch(&db.store, a, id, now).await.unwrap();
    // Within the minute a second use is not written.
    api_tokens::touch(&db.store, a, id, now + chrono::Duration::seconds(30))
        .await
        .unwrap();
    let t = api_tokens::list(&db.store, a).await.unwrap().remove(0);
    assert_eq!(t.last_used_at.map(|t| t.timestamp()), Some(now.timestamp()));

    let err = api_tokens::revoke(&db.store, b, id).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let revoked = api_tokens::revoke(&db.store, a, id).await.unwrap();
    assert!(revoked.revoked_at.is_some() && !revoked.active_at(Utc::now()));
    let again = api_tokens::revoke(&db.store, a, id).await.unwrap();
    assert_eq!(
        again.revoked_at, revoked.revoked_at,
        "revoking twice keeps the first time"
    );
}

backend_tests!(
    usernames_are_unique_per_tenant_and_case_blind,
    failures_lock_the_account_across_nodes,
    totp_steps_serve_once,
    epochs_move_on_password_disable_and_role_changes,
    api_tokens_are_found_by_hash_in_their_tenant_and_revoked,
);

async fn count(txn: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = txn
        .query_one_raw(Statement::from_string(txn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn row_level_security_hides_other_tenants_accounts_and_all_operators() {
    let db = TestDb::new(Backend::Postgres).await;
    let (a, b) = two_tenants(&db).await;
    accounts::create(&db.store, Holder::Official(a), &new("lan"))
        .await
        .unwrap();
    accounts::create(&db.store, Holder::Official(b), &new("binh"))
        .await
        .unwrap();
    accounts::create(&db.store, Holder::Official(b), &new("chi"))
        .await
        .unwrap();
    accounts::create(&db.store, Holder::Operator, &new("op"))
        .await
        .unwrap();
    token(&db.store, a, &"cd".repeat(32)).await;
    token(&db.store, b, &"ef".repeat(32)).await;

    let txn = db.store.tenant_txn(a).await.unwrap();
    assert_eq!(count(&txn, "SELECT count(*) FROM accounts").await, 1);
    assert_eq!(count(&txn, "SELECT count(*) FROM api_tokens").await, 1);
    let updated = txn
        .execute_unprepared("UPDATE accounts SET session_epoch = session_epoch + 1")
        .await
        .unwrap();
    assert_eq!(
        updated.rows_affected(),
        1,
        "updates reach the tenant's rows only"
    );
    txn.rollback().await.unwrap();

    // The tenant role cannot read operators at all.
    let txn = db.store.tenant_txn(a).await.unwrap();
    let err = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT count(*) FROM operators",
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    drop(txn);

    // Inserting an account for another tenant is refused by the policy's check.
    let txn = db.store.tenant_txn(a).await.unwrap();
    let err = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "INSERT INTO accounts (tenant_id, username, name, password_hash, must_change_password, created_at, updated_at) VALUES ($1, 'x', 'x', 'x', false, now(), now())",
            [b.0.into()],
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
}
