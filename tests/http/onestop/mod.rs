//! The one-stop system through HTTP, on the staff host: receiving at the desk (Forms 01–03),
//! moving a dossier division by division with exactly the actions each official may take,
//! two officials acting at once, and what the guard refuses.

mod accountability;
mod desk;
mod desk_page;
mod files;
mod handling;
mod journeys;
mod notes;
mod notifications;
mod pages;
mod print;

use motcua_authz::{Assignment, Role};
use motcua_tests::{Reply, TestApp};
use serde_json::{Value, json};

use crate::officials::{PASSWORD, api, official, sign_in, tenant};

/// Thanh Hóa's staff host.
pub(super) const STAFF: &str = "motcua.thanhhoa.localhost";
/// Thanh Hóa's one-stop desk.
pub(super) const DESK: &str = "trung-tam-phvhcc";
/// The Provincial Police, who handle judicial record certificates.
pub(super) const POLICE: &str = "cong-an-tinh";
/// The judicial record certificate procedure.
pub(super) const RECORDS: &str = "2.000488";

/// A signed-in official of Thanh Hóa with `roles` (division `None`: the whole tenant).
#[derive(Debug)]
pub(super) struct Clerk {
    pub id: i64,
    pub cookie: String,
    pub csrf: String,
}

impl Clerk {
    pub(super) async fn new(app: &TestApp, username: &str, roles: &[(Role, Option<&str>)]) -> Self {
        let id = official(app, username).await;
        let t = tenant(app, "thanhhoa").await;
        let add: Vec<Assignment> = roles
            .iter()
            .map(|(role, division)| Assignment {
                account: id,
                role: *role,
                division: division.map(str::to_owned),
            })
            .collect();
        if !add.is_empty() {
            app.state
                .authz
                .change(t, "test", "", &add, &[], None)
                .await
                .expect("roles assigned");
        }
        let (cookie, csrf) = sign_in(app, STAFF, username, PASSWORD).await;
        Self { id, cookie, csrf }
    }

    pub(super) async fn get(&self, app: &TestApp, path: &str) -> Reply {
        api(
            app,
            "GET",
            STAFF,
            path,
            Some(&self.cookie),
            None,
            Value::Null,
        )
        .await
    }

    pub(super) async fn post(&self, app: &TestApp, path: &str, body: Value) -> Reply {
        api(
            app,
            "POST",
            STAFF,
            path,
            Some(&self.cookie),
            Some(&self.csrf),
            body,
        )
        .await
    }

    pub(super) async fn dossier(&self, app: &TestApp, code: &str) -> Reply {
        self.get(app, &format!("/api/v1/onestop/dossiers/{code}"))
            .await
    }

    /// Sends a command on the version of the dossier the official last saw.
    pub(super) async fn command(&self, app: &TestApp, code: &str, command: Value) -> Reply {
        let seen = self.dossier(app, code).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        let version = seen.json()["version"].as_u64().unwrap();
        self.post(
            app,
            &format!("/api/v1/onestop/dossiers/{code}/commands"),
            json!({ "expected_version": version, "command": command }),
        )
        .await
    }
}

/// The desk's body for the judicial record procedure.
pub(super) fn desk_body(decision: &str, documents: &[&str], reason: Option<&str>) -> Value {
    json!({
        "procedure": RECORDS,
        "case": "ca-nhan-tu-yeu-cau",
        "applicant": {
            "name": "Lê Thị Hoa",
            "id_number": "038095001234",
            "phone": "0912345678",
            "address": "Phường Hạc Thành, tỉnh Thanh Hóa",
        },
        "form": motcua_tests::demo_form("thanhhoa", RECORDS),
        "documents": documents,
        "decision": decision,
        "reason": reason,
    })
}

/// The keys of the actions a dossier view offers at `step`.
pub(super) fn actions_at(view: &Value, step: &str) -> Vec<String> {
    view["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == step)
        .unwrap_or_else(|| panic!("the dossier is not at {step}: {}", view["steps"]))["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap().to_owned())
        .collect()
}

/// The steps a dossier view says it is at.
pub(super) fn at(view: &Value) -> Vec<String> {
    view["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap().to_owned())
        .collect()
}
