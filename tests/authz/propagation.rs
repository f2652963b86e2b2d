//! A change made on one node is enforced by the others: announced through Redis, and found by
//! the version check when the announcement is lost.

use std::time::{Duration, Instant};

use motcua_authz::{Action, Assignment, Authz, Object, Permission, Role, SyncConfig};
use motcua_tests::{Backend, TestDb, redis_url};

use crate::{demo_tenants, tenant};

const RECEIVE: Permission = Permission::new(Object::Dossier, Action::Receive);

fn receiver(account: i64) -> Assignment {
    Assignment {
        account,
        role: Role::Receiver,
        division: Some("trung-tam-phvhcc".to_owned()),
    }
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn announced(backend: Backend) {
    let db = TestDb::new(backend).await;
    let refs = demo_tenants(&db.store).await;
    let th = tenant(&refs, "thanhhoa");
    // The version check is slowed down to an hour, so only the announcement can carry it.
    let sync = SyncConfig {
        redis_url: Some(redis_url()),
        check_every: Duration::from_secs(3600),
    };
    let (a, task_a) = Authz::start(db.store.clone(), refs.clone(), sync.clone())
        .await
        .unwrap();
    let (b, task_b) = Authz::start(db.another_node().await, refs.clone(), sync)
        .await
        .unwrap();
    // Let both subscriptions settle (the first check after subscribing runs at once).
    tokio::time::sleep(Duration::from_millis(200)).await;
    for (round, account) in [31, 32, 33].into_iter().enumerate() {
        a.change(th, "test", "", &[receiver(account)], &[], None)
            .await
            .unwrap();
        wait_until(
            "node B enforcing node A's change",
            Duration::from_secs(5),
            || {
                b.decide(
                    th,
                    &format!("account:{account}"),
                    Some("trung-tam-phvhcc"),
                    RECEIVE,
                )
            },
        )
        .await;
        assert_eq!(b.version(th), Some(round as i64 + 1));
    }
    task_a.abort();
    task_b.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_announced_to_other_nodes_on_sqlite() {
    announced(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_announced_to_other_nodes_on_postgres() {
    announced(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_announcement_is_caught_by_the_version_check() {
    let db = TestDb::new(Backend::Postgres).await;
    let refs = demo_tenants(&db.store).await;
    let th = tenant(&refs, "thanhhoa");
    // Node A announces nothing (no Redis): as if every message were lost.
    let a = Authz::load(db.store.clone(), refs.clone()).await.unwrap();
    let (b, task) = Authz::start(
        db.another_node().await,
        refs,
        SyncConfig {
            redis_url: None,
            check_every: Duration::from_millis(100),
        },
    )
    .await
    .unwrap();
    a.change(th, "test", "", &[receiver(41)], &[], None)
        .await
        .unwrap();
    wait_until("node B catching up", Duration::from_secs(5), || {
        b.decide(th, "account:41", Some("trung-tam-phvhcc"), RECEIVE)
    })
    .await;
    task.abort();
}
