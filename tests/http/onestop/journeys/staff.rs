//! The officials journeys need: one account for each role and division the tenant's workflows
//! name, holding exactly that role in that division, signed in on the tenant's staff host.

use std::collections::BTreeMap;

use motcua_authz::{Assignment, Role};
use motcua_store::accounts::Holder;
use motcua_tests::{Reply, TestApp};
use motcua_web::sites::TenantSite;
use motcua_workflow::definition::Definition;
use motcua_workflow::schema::StepKind;
use serde_json::{Value, json};

use crate::officials::{PASSWORD, account, api, sign_in};

/// A signed-in official of one tenant with one role in one division.
#[derive(Debug)]
pub(super) struct Official {
    /// The name the forms print (`Cán bộ <username>`).
    pub name: String,
    /// The role.
    pub role: String,
    /// The division (key).
    pub division: String,
    host: String,
    cookie: String,
    csrf: String,
}

impl Official {
    /// Creates the account `username` of `site`, gives it `role` in `division` only, and signs
    /// it in.
    pub(super) async fn new(
        app: &TestApp,
        site: &TenantSite,
        username: &str,
        role: &str,
        division: &str,
    ) -> Self {
        let id = account(app, Holder::Official(site.id), username, false).await;
        let parsed: Role = role
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", site.manifest.slug));
        let grant = Assignment {
            account: id,
            role: parsed,
            division: Some(division.to_owned()),
        };
        app.state
            .authz
            .change(site.id, "test", "", &[grant], &[], None)
            .await
            .expect("the role is assigned");
        let (cookie, csrf) = sign_in(app, &site.staff_host, username, PASSWORD).await;
        Self {
            name: format!("Cán bộ {username}"),
            role: role.to_owned(),
            division: division.to_owned(),
            host: site.staff_host.clone(),
            cookie,
            csrf,
        }
    }

    /// `GET path` on the staff host.
    pub(super) async fn get(&self, app: &TestApp, path: &str) -> Reply {
        api(
            app,
            "GET",
            &self.host,
            path,
            Some(&self.cookie),
            None,
            Value::Null,
        )
        .await
    }

    /// `POST path` on the staff host with a JSON body.
    pub(super) async fn post(&self, app: &TestApp, path: &str, body: Value) -> Reply {
        api(
            app,
            "POST",
            &self.host,
            path,
            Some(&self.cookie),
            Some(&self.csrf),
            body,
        )
        .await
    }

    /// The dossier as this official sees it.
    pub(super) async fn dossier(&self, app: &TestApp, code: &str) -> Reply {
        self.get(app, &format!("/api/v1/onestop/dossiers/{code}"))
            .await
    }

    /// Sends `command` on the dossier version `version`.
    pub(super) async fn command(
        &self,
        app: &TestApp,
        code: &str,
        version: u64,
        command: Value,
    ) -> Reply {
        self.post(
            app,
            &format!("/api/v1/onestop/dossiers/{code}/commands"),
            json!({ "expected_version": version, "command": command }),
        )
        .await
    }
}

/// A tenant's officials for its workflows, by role and division.
#[derive(Debug, Default)]
pub(super) struct Roster {
    by_grant: BTreeMap<(String, String), Official>,
}

impl Roster {
    /// Adds one official for each role and division the human steps of `def` name that has
    /// none yet (usernames `<prefix>-1`, `<prefix>-2`, …).
    pub(super) async fn cover(
        &mut self,
        app: &TestApp,
        site: &TenantSite,
        def: &Definition,
        prefix: &str,
    ) {
        for step in def.steps.iter().filter(|s| s.kind == StepKind::Human) {
            let (Some(role), Some(division)) = (&step.role, &step.division) else {
                panic!("human step {} names no role or division", step.key);
            };
            let key = (role.clone(), division.clone());
            if self.by_grant.contains_key(&key) {
                continue;
            }
            let username = format!("{prefix}-{}", self.by_grant.len() + 1);
            let official = Official::new(app, site, &username, role, division).await;
            self.by_grant.insert(key, official);
        }
    }

    /// The official with `role` in `division`.
    pub(super) fn with(&self, role: &str, division: &str) -> &Official {
        self.by_grant
            .get(&(role.to_owned(), division.to_owned()))
            .unwrap_or_else(|| panic!("no official is {role} of {division}"))
    }

    /// Every official but the one with `role` in `division`.
    pub(super) fn others(&self, role: &str, division: &str) -> impl Iterator<Item = &Official> {
        self.by_grant
            .iter()
            .filter(move |((r, d), _)| r != role || d != division)
            .map(|(_, o)| o)
    }
}
