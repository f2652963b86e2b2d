//! Durable jobs: claims, leases, completion inside the effect's transaction, backoff,
//! dead-lettering and replay; a killed node; concurrent claimers on several nodes.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use motcua_store::dossiers::{self, Dossier, OutboxMessage};
use motcua_store::jobs::{self, Failed, Failure, Job, Policy, Which};
use motcua_store::notifications::{self, Cursor, NewNotice};
use motcua_store::{StoreError, TenantId, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, citizen, demo_bundle, plain_dossier};

const TOPIC: &str = "test";

async fn tenant(db: &TestDb, slug: &str) -> TenantId {
    tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
    tenants::load(&db.store, slug).await.unwrap().unwrap().id
}

/// A dossier received with `n` messages of [`TOPIC`].
async fn with_messages(db: &TestDb, tenant: TenantId, n: usize) -> Dossier {
    let mut new = plain_dossier(
        "1.001193",
        "000.00.01.H56",
        Utc::now(),
        None,
        citizen("Lê Thị Hoa"),
    );
    new.start.outbox = (0..n)
        .map(|i| OutboxMessage {
            topic: TOPIC.to_owned(),
            payload: serde_json::json!({ "n": i }),
        })
        .collect();
    dossiers::receive(&db.store, tenant, new)
        .await
        .unwrap()
        .dossier()
        .clone()
}

fn policy() -> Policy {
    Policy {
        lease: Duration::from_secs(60),
        max_attempts: 3,
        backoff: Duration::from_secs(30),
        max_backoff: Duration::from_secs(3600),
    }
}

async fn claimed_jobs_complete_once_and_failures_back_off_then_die(backend: Backend) {
    let db = TestDb::new(backend).await;
    let tenant = tenant(&db, "thanhhoa").await;
    with_messages(&db, tenant, 3).await;
    let p = policy();
    let t0 = Utc::now();

    let claimed = jobs::claim(&db.store, TOPIC, "a", &p, 2, t0).await.unwrap();
    assert_eq!(claimed.len(), 2, "at most the limit, oldest first");
    assert!(claimed[0].id() < claimed[1].id());
    assert!(
        claimed
            .iter()
            .all(|j| j.attempts == 1 && j.lease.worker == "a")
    );
    // Another topic's worker finds nothing; a second worker of the topic only what is not held.
    assert!(
        jobs::claim(&db.store, "other", "b", &p, 10, t0)
            .await
            .unwrap()
            .is_empty()
    );
    let rest = jobs::claim(&db.store, TOPIC, "b", &p, 10, t0)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].id() > claimed[1].id());

    // Completion: once.
    let (first, second, third) = (&claimed[0], &claimed[1], &rest[0]);
    jobs::complete(&db.store, &first.lease, None, t0)
        .await
        .unwrap();
    let again = jobs::complete(&db.store, &first.lease, None, t0).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    // Only the holder completes.
    let mut stranger = third.lease.clone();
    stranger.worker = "a".into();
    assert!(matches!(
        jobs::complete(&db.store, &stranger, None, t0).await,
        Err(StoreError::Conflict(_))
    ));

    // A permanent failure dies at once.
    assert_eq!(
        jobs::fail(
            &db.store,
            &third.lease,
            "bad number",
            Failure::Permanent,
            &p,
            t0
        )
        .await
        .unwrap(),
        Failed::Dead
    );

    // A failure: the next attempt after the backoff (30 s, less up to half for jitter).
    let Failed::RetryAt(at) = jobs::fail(
        &db.store,
        &second.lease,
        "provider down",
        Failure::Retry(None),
        &p,
        t0,
    )
    .await
    .unwrap() else {
        panic!("a retry");
    };
    assert!(
        at >= t0 + chrono::Duration::seconds(15) && at <= t0 + chrono::Duration::seconds(30),
        "{at} after {t0}"
    );
    // Failing it again is refused: the worker let it go.
    assert_eq!(
        jobs::fail(&db.store, &second.lease, "x", Failure::Retry(None), &p, t0)
            .await
            .unwrap(),
        Failed::LeaseLost
    );
    let before = at - chrono::Duration::seconds(1);
    assert!(
        jobs::claim(&db.store, TOPIC, "a", &p, 10, before)
            .await
            .unwrap()
            .is_empty(),
        "not before its time"
    );
    let retried = jobs::claim(&db.store, TOPIC, "a", &p, 10, at)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
    // The wait the other side asks for wins over a shorter backoff.
    let Failed::RetryAt(later) = jobs::fail(
        &db.store,
        &retried[0].lease,
        "429",
        Failure::Retry(Some(Duration::from_secs(7200))),
        &p,
        at,
    )
    .await
    .unwrap() else {
        panic!("a retry");
    };
    assert_eq!(later, at + chrono::Duration::seconds(7200));
    // The last attempt allowed fails: dead.
    let last = jobs::claim(&db.store, TOPIC, "a", &p, 10, later)
        .await
        .unwrap();
    assert_eq!(last[0].attempts, 3);
    assert_eq!(
        jobs::fail(
            &db.store,
            &last[0].lease,
            "still down",
            Failure::Retry(None),
            &p,
            later
        )
        .await
        .unwrap(),
        Failed::Dead
    );
    assert!(
        jobs::claim(
            &db.store,
            TOPIC,
            "a",
            &p,
            10,
            later + chrono::Duration::days(1)
        )
        .await
        .unwrap()
        .is_empty(),
        "a dead job is never claimed"
    );

    // Operators see the dead, with their last error, and replay one.
    let dead = jobs::list(&db.store, Some(tenant), Which::Dead, 10)
        .await
        .unwrap();
    assert_eq!(
        dead.iter().map(|j| j.id).collect::<Vec<_>>(),
        [second.id(), third.id()]
    );
    assert_eq!(dead[0].last_error.as_deref(), Some("still down"));
    assert_eq!(dead[1].last_error.as_deref(), Some("bad number"));
    assert!(
        jobs::list(&db.store, Some(tenant), Which::Live, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let now = Utc::now();
    let replayed = jobs::replay(&db.store, second.id(), now).await.unwrap();
    assert_eq!((replayed.attempts, replayed.dead_at), (0, None));
    assert!(matches!(
        jobs::replay(&db.store, second.id(), now).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        jobs::replay(&db.store, first.id(), now).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        jobs::replay(&db.store, 999_999, now).await,
        Err(StoreError::NotFound(_))
    ));
    let back = jobs::claim(&db.store, TOPIC, "c", &p, 10, now)
        .await
        .unwrap();
    assert_eq!(back.iter().map(Job::id).collect::<Vec<_>>(), [second.id()]);
    assert_eq!(back[0].attempts, 1);
    jobs::complete(&db.store, &back[0].lease, Some("sent: 42"), now)
        .await
        .unwrap();
    let done = jobs::get(&db.store, second.id()).await.unwrap().unwrap();
    assert!(done.done_at.is_some());
    assert_eq!(done.outcome.as_deref(), Some("sent: 42"));
}

async fn a_killed_node_loses_nothing_and_its_late_completion_is_refused(backend: Backend) {
    let db = TestDb::new(backend).await;
    let tenant = tenant(&db, "thanhhoa").await;
    let d = with_messages(&db, tenant, 1).await;
    let p = policy();
    let t0 = Utc::now();
    let node_b = db.another_node().await;

    // Node A claims the job, then is killed: it never completes.
    let a = jobs::claim(&db.store, TOPIC, "node-a", &p, 10, t0)
        .await
        .unwrap();
    assert_eq!(a.len(), 1);
    // Node B cannot take it while A's lease runs...
    let early = t0 + chrono::Duration::seconds(59);
    assert!(
        jobs::claim(&node_b, TOPIC, "node-b", &p, 10, early)
            .await
            .unwrap()
            .is_empty()
    );
    // ...and takes it once the lease has ended, the killed attempt counted.
    let late = t0 + chrono::Duration::seconds(61);
    let b = jobs::claim(&node_b, TOPIC, "node-b", &p, 10, late)
        .await
        .unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].id(), a[0].id());
    assert_eq!(b[0].attempts, 2);

    // B applies the job's effect (a move of the dossier) and completes it in that transaction.
    let moved = dossiers::move_dossier(&node_b, tenant, &d.code, |_| {
        let mut change = plain_dossier("1.001193", "000.00.01.H56", late, None, citizen("x")).start;
        change.state = serde_json::json!({ "moved_by": "node-b", "tokens": [] });
        change.events[0].kind = "moved".into();
        change.job = Some(b[0].lease.clone());
        Ok::<_, ()>(change)
    })
    .await
    .unwrap();
    assert_eq!(moved.state_version, 2);

    // A wakes up late and tries the same: refused, and its effect is rolled back.
    let refused = dossiers::move_dossier(&db.store, tenant, &d.code, |_| {
        let mut change = plain_dossier("1.001193", "000.00.01.H56", late, None, citizen("x")).start;
        change.state = serde_json::json!({ "moved_by": "node-a", "tokens": [] });
        change.job = Some(a[0].lease.clone());
        Ok::<_, ()>(change)
    })
    .await;
    assert!(
        matches!(&refused, Err(dossiers::MoveError::Store(StoreError::Conflict(m))) if m.contains("no longer held")),
        "{refused:?}"
    );
    let now = dossiers::find(&db.store, tenant, &d.code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.state_version, 2, "A's move was not stored");
    assert_eq!(now.state["moved_by"], "node-b");
    let history = dossiers::history(&db.store, tenant, &now).await.unwrap();
    assert_eq!(history.len(), 2, "received, and B's move only");
    let job = jobs::get(&db.store, a[0].id()).await.unwrap().unwrap();
    assert_eq!(job.locked_by.as_deref(), Some("node-b"));
    assert!(job.done_at.is_some());

    // A node killed on the last attempt allowed: the job is dead-lettered, not run again.
    with_messages(&db, tenant, 1).await;
    let two = Policy {
        max_attempts: 2,
        ..p
    };
    let t1 = Utc::now();
    let first = jobs::claim(&db.store, TOPIC, "node-a", &two, 10, t1)
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    let late = t1 + chrono::Duration::seconds(61);
    let second = jobs::claim(&node_b, TOPIC, "node-b", &two, 10, late)
        .await
        .unwrap();
    assert_eq!(second[0].attempts, 2);
    let after = late + chrono::Duration::seconds(61);
    assert!(
        jobs::claim(&db.store, TOPIC, "node-c", &two, 10, after)
            .await
            .unwrap()
            .is_empty()
    );
    let dead = jobs::list(&db.store, Some(tenant), Which::Dead, 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, first[0].id());
    assert!(
        dead[0]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("lease ended"),
        "{dead:?}"
    );
}

async fn concurrent_claimers_never_share_a_job(backend: Backend) {
    let db = TestDb::new(backend).await;
    let tenant = tenant(&db, "thanhhoa").await;
    for _ in 0..4 {
        with_messages(&db, tenant, 50).await;
    }
    let p = policy();
    let mut tasks = Vec::new();
    for w in 0..6 {
        let store = if w % 2 == 0 {
            db.store.clone()
        } else {
            db.another_node().await
        };
        tasks.push(tokio::spawn(async move {
            let worker = format!("w{w}");
            let mut done = Vec::new();
            loop {
                let claimed = jobs::claim(&store, TOPIC, &worker, &p, 5, Utc::now())
                    .await
                    .unwrap();
                if claimed.is_empty() {
                    break;
                }
                for job in claimed {
                    jobs::complete(&store, &job.lease, None, Utc::now())
                        .await
                        .unwrap();
                    done.push(job.id());
                }
            }
            done
        }));
    }
    let mut all = Vec::new();
    let mut busy = 0;
    for t in tasks {
        let done = t.await.unwrap();
        busy += usize::from(!done.is_empty());
        all.extend(done);
    }
    let unique: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 200, "every job completed once");
    assert_eq!(unique.len(), 200, "no job was claimed by two workers");
    assert!(busy > 1, "the work was shared");
    assert!(
        jobs::list(&db.store, Some(tenant), Which::Live, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn officials_read_their_own_notifications_unread_first(backend: Backend) {
    let db = TestDb::new(backend).await;
    let thanhhoa = tenant(&db, "thanhhoa").await;
    let hcm = tenant(&db, "hochiminhcity").await;
    let notice = |account: i64, n: usize| NewNotice {
        account,
        kind: "notified".into(),
        dossier: Some(format!("000.00.01.H56-260101-{n:04}")),
        title: (format!("Hồ sơ {n}"), format!("Dossier {n}")),
        body: ("Nội dung".into(), "Body".into()),
    };
    let now = Utc::now();
    let txn = db.store.tenant_txn(thanhhoa).await.unwrap();
    let mine: Vec<NewNotice> = (1..=5).map(|n| notice(7, n)).collect();
    notifications::insert_in(&txn, thanhhoa, None, &mine, now)
        .await
        .unwrap();
    notifications::insert_in(&txn, thanhhoa, None, &[notice(8, 9)], now)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let txn = db.store.tenant_txn(hcm).await.unwrap();
    notifications::insert_in(&txn, hcm, None, &[notice(7, 10)], now)
        .await
        .unwrap();
    txn.commit().await.unwrap();

    let page = notifications::list(&db.store, thanhhoa, 7, None, 10)
        .await
        .unwrap();
    assert_eq!(page.unread, 5);
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    // Reading the newest two moves them after the unread ones.
    for id in &ids[..2] {
        let read = notifications::mark_read(&db.store, thanhhoa, 7, *id, now)
            .await
            .unwrap()
            .unwrap();
        assert!(read.read && read.read_at.is_some());
    }
    // Pages of two, following the cursor: unread (newest first), then read.
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = notifications::list(&db.store, thanhhoa, 7, cursor, 2)
            .await
            .unwrap();
        assert_eq!(page.unread, 3);
        seen.extend(page.rows.iter().map(|r| (r.id, r.read)));
        match page.next {
            Some(c) => cursor = Some(c.to_string().parse().unwrap()),
            None => break,
        }
    }
    let expected: Vec<(i64, bool)> = ids[2..]
        .iter()
        .map(|i| (*i, false))
        .chain(ids[..2].iter().map(|i| (*i, true)))
        .collect();
    assert_eq!(seen, expected);

    // Another official's, or another tenant's, are neither listed nor markable.
    let other = notifications::list(&db.store, thanhhoa, 8, None, 10)
        .await
        .unwrap();
    assert_eq!(other.rows.len(), 1);
    assert!(
        notifications::mark_read(&db.store, thanhhoa, 8, ids[2], now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        notifications::mark_read(&db.store, hcm, 7, ids[2], now)
            .await
            .unwrap()
            .is_none()
    );
    let theirs = notifications::list(&db.store, hcm, 7, None, 10)
        .await
        .unwrap();
    assert_eq!(theirs.rows.len(), 1);
    assert_eq!(theirs.rows[0].title.1, "Dossier 10");
    assert!("x1".parse::<Cursor>().is_err());
}

backend_tests!(
    claimed_jobs_complete_once_and_failures_back_off_then_die,
    a_killed_node_loses_nothing_and_its_late_completion_is_refused,
    concurrent_claimers_never_share_a_job,
    officials_read_their_own_notifications_unread_first,
);
