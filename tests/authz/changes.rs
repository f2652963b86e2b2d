//! Changing a tenant's assignments: audited, versioned, refused when stale or invalid, and in
//! force at once on the node that made it.

use motcua_authz::{Action, Assignment, AssignmentError, AuthzError, Object, Permission, Role};
use motcua_store::StoreError;
use motcua_tests::{Backend, TestDb};

use crate::{setup, tenant};

const HANDLE: Permission = Permission::new(Object::Dossier, Action::Handle);

fn specialist(account: i64, division: &str) -> Assignment {
    Assignment {
        account,
        role: Role::Specialist,
        division: Some(division.to_owned()),
    }
}

async fn audited_and_versioned(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (authz, refs) = setup(&db).await;
    let th = tenant(&refs, "thanhhoa");
    assert_eq!(authz.version(th), Some(0));
    assert!(!authz.decide(th, "account:11", Some("so-tu-phap"), HANDLE));

    let changed = authz
        .change(
            th,
            "account:1",
            "new specialist",
            &[specialist(11, "so-tu-phap")],
            &[],
            Some(0),
        )
        .await
        .unwrap();
    assert_eq!(changed.version, 1);
    assert_eq!(changed.accounts(), vec![11]);
    assert_eq!(authz.version(th), Some(1));
    assert!(authz.decide(th, "account:11", Some("so-tu-phap"), HANDLE));

    // Moving the official to another division: one change, both sides recorded.
    authz
        .change(
            th,
            "account:1",
            "moved to construction",
            &[specialist(11, "so-xay-dung")],
            &[specialist(11, "so-tu-phap")],
            Some(1),
        )
        .await
        .unwrap();
    assert!(!authz.decide(th, "account:11", Some("so-tu-phap"), HANDLE));
    assert!(authz.decide(th, "account:11", Some("so-xay-dung"), HANDLE));

    let history = authz.history(th, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    let last = &history[0];
    assert_eq!(
        (last.version, last.actor.as_str(), last.reason.as_str()),
        (2, "account:1", "moved to construction")
    );
    let values = |rules: &[motcua_store::policies::Rule]| -> Vec<String> {
        rules.iter().map(|r| r.values.join(" ")).collect()
    };
    assert_eq!(
        values(&last.before),
        ["account:11 specialist thanhhoa/so-tu-phap"]
    );
    assert_eq!(
        values(&last.after),
        ["account:11 specialist thanhhoa/so-xay-dung"]
    );
    assert_eq!(values(&last.added), values(&last.after));
    assert_eq!(values(&last.removed), values(&last.before));

    // An editor working from version 1 does not overwrite version 2.
    let stale = authz
        .change(
            th,
            "account:2",
            "",
            &[specialist(12, "so-tu-phap")],
            &[],
            Some(1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(stale, AuthzError::Store(StoreError::Conflict(_))),
        "{stale:?}"
    );
    assert!(!authz.decide(th, "account:12", Some("so-tu-phap"), HANDLE));

    // A change that changes nothing is not recorded.
    let same = authz
        .change(
            th,
            "account:1",
            "",
            &[specialist(11, "so-xay-dung")],
            &[],
            None,
        )
        .await
        .unwrap();
    assert_eq!(same.version, 2);
    assert!(same.added.is_empty());
    assert_eq!(authz.history(th, 10).await.unwrap().len(), 2);

    // A division the tenant does not have is refused before anything is written.
    let bad = authz
        .change(
            th,
            "account:1",
            "",
            &[specialist(13, "so-khong-co")],
            &[],
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&bad, AuthzError::Assignment(AssignmentError::UnknownDivision(d)) if d == "so-khong-co"),
        "{bad:?}"
    );
    assert_eq!(authz.version(th), Some(2));

    // Another tenant's policy is untouched throughout.
    let hcm = tenant(&refs, "hochiminhcity");
    assert_eq!(authz.version(hcm), Some(0));
    assert!(authz.history(hcm, 10).await.unwrap().is_empty());
    assert!(authz.assignments(hcm).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_audited_and_versioned_on_sqlite() {
    audited_and_versioned(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_audited_and_versioned_on_postgres() {
    audited_and_versioned(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_from_one_version_let_one_win() {
    let db = TestDb::new(Backend::Postgres).await;
    let (authz, refs) = setup(&db).await;
    let th = tenant(&refs, "thanhhoa");
    let attempts = (0..4).map(|i| {
        let authz = authz.clone();
        tokio::spawn(async move {
            authz
                .change(
                    th,
                    "test",
                    "",
                    &[specialist(20 + i, "so-tu-phap")],
                    &[],
                    Some(0),
                )
                .await
        })
    });
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(c) => {
                assert_eq!(c.version, 1);
                won += 1;
            }
            Err(AuthzError::Store(StoreError::Conflict(_))) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(authz.assignments(th).unwrap().len(), 1);
}
