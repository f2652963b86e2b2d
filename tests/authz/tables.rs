//! The decision tables of `policies/cases/`, asked of the compiled index and of casbin itself.

use std::collections::BTreeMap;

use motcua_authz::{Action, Assignment, Authz, Object, Permission, Role, TenantRef};
use motcua_tests::{Backend, TestDb, repo_root};

use crate::{setup, tenant};

fn read(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("policies/cases").join(name)).unwrap()
}

/// Splits `tenant/division` (`*` for the whole tenant).
fn split(domain: &str) -> (&str, Option<&str>) {
    let (slug, division) = domain.split_once('/').unwrap();
    (slug, (division != "*").then_some(division))
}

fn ask(
    authz: &Authz,
    refs: &[TenantRef],
    subject: &str,
    domain: &str,
    permission: Permission,
) -> bool {
    let (slug, division) = split(domain);
    let t = tenant(refs, slug);
    let fast = authz.decide(t, subject, division, permission);
    let casbin = authz
        .decide_with_casbin(t, subject, division, permission)
        .unwrap();
    assert_eq!(
        fast, casbin,
        "the index and casbin disagree on {subject} {domain} {permission}"
    );
    fast
}

async fn assign(authz: &Authz, refs: &[TenantRef], rules: &[[String; 3]]) {
    let mut by_tenant: BTreeMap<&str, Vec<Assignment>> = BTreeMap::new();
    for [subject, role, domain] in rules {
        let (slug, division) = split(domain);
        by_tenant.entry(slug).or_default().push(Assignment {
            account: subject.strip_prefix("account:").unwrap().parse().unwrap(),
            role: role.parse().unwrap(),
            division: division.map(str::to_owned),
        });
    }
    for (slug, add) in by_tenant {
        authz
            .change(
                tenant(refs, slug),
                "test",
                "decision table",
                &add,
                &[],
                None,
            )
            .await
            .unwrap();
    }
}

async fn scenarios(backend: Backend) {
    #[derive(serde::Deserialize)]
    struct Table {
        assignments: Vec<[String; 3]>,
        cases: Vec<[String; 5]>,
    }
    let table: Table = serde_saphyr::from_str(&read("scenarios.yaml")).unwrap();
    let db = TestDb::new(backend).await;
    let (authz, refs) = setup(&db).await;
    assign(&authz, &refs, &table.assignments).await;
    let mut wrong = Vec::new();
    for [subject, domain, object, action, expected] in &table.cases {
        let permission = Permission::new(object.parse().unwrap(), action.parse().unwrap());
        let expected = match expected.as_str() {
            "allow" => true,
            "deny" => false,
            other => panic!("expected allow or deny, not {other}"),
        };
        if ask(&authz, &refs, subject, domain, permission) != expected {
            wrong.push(format!(
                "{subject} {domain} {permission}: expected {expected}"
            ));
        }
    }
    assert!(wrong.is_empty(), "wrong decisions:\n{}", wrong.join("\n"));
    assert!(table.cases.len() >= 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_table_on_sqlite() {
    scenarios(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_table_on_postgres() {
    scenarios(Backend::Postgres).await;
}

async fn every_role_and_action(backend: Backend) {
    let table: BTreeMap<Role, Vec<Permission>> =
        serde_saphyr::from_str(&read("roles.yaml")).unwrap();
    assert_eq!(table.len(), Role::ALL.len(), "every role has a row");
    let db = TestDb::new(backend).await;
    let (authz, refs) = setup(&db).await;
    let mut rules = Vec::new();
    for (i, role) in Role::ALL.iter().enumerate() {
        rules.push([
            format!("account:{}", 100 + i),
            role.to_string(),
            "thanhhoa/so-tu-phap".to_owned(),
        ]);
        rules.push([
            format!("account:{}", 200 + i),
            role.to_string(),
            "thanhhoa/*".to_owned(),
        ]);
    }
    assign(&authz, &refs, &rules).await;
    let mut wrong = Vec::new();
    for (i, role) in Role::ALL.iter().enumerate() {
        let allowed = &table[role];
        let in_division = format!("account:{}", 100 + i);
        let tenant_wide = format!("account:{}", 200 + i);
        for object in Object::ALL {
            for action in Action::ALL {
                let p = Permission::new(*object, *action);
                let listed = allowed.contains(&p);
                let checks = [
                    (&in_division, "thanhhoa/so-tu-phap", listed),
                    (&in_division, "thanhhoa/so-xay-dung", false),
                    (&in_division, "thanhhoa/*", false),
                    (&in_division, "hochiminhcity/so-tu-phap", false),
                    (&tenant_wide, "thanhhoa/so-tu-phap", listed),
                    (&tenant_wide, "thanhhoa/so-xay-dung", listed),
                    (&tenant_wide, "thanhhoa/*", listed),
                    (&tenant_wide, "hochiminhcity/*", false),
                ];
                for (subject, domain, expected) in checks {
                    if ask(&authz, &refs, subject, domain, p) != expected {
                        wrong.push(format!(
                            "{role} as {subject} in {domain}: {p} should be {expected}"
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "wrong decisions:\n{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_and_action_on_sqlite() {
    every_role_and_action(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_and_action_on_postgres() {
    every_role_and_action(Backend::Postgres).await;
}
