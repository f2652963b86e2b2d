//! Drives one dossier from its channel to its result through the staff host's JSON API, taking
//! at each step an action the dossier view offers to the official whose role and division the
//! step names, and checking on the way what each move must show.

mod detours;
mod reception;
mod status;

use chrono::{DateTime, Utc};
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_tests::TestApp;
use motcua_web::sites::{Live, TenantSite};
use motcua_workflow::simulate::Scenario;
use serde_json::{Value, json};

use super::forms;
use super::staff::{Official, Roster};

/// The most moves one journey may take before it is called stuck.
const MAX_MOVES: usize = 40;

/// What the desk adds to the defects of an incomplete dossier.
const DEFECT: &str = "Đơn đề nghị chưa ghi ngày, tháng, năm.";

/// How a procedure's journeys go where the dossier view leaves a choice.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Route {
    /// The procedure's national code.
    pub code: &'static str,
    /// The scenario whose case, applicant kind and form the dossier takes (file stem in the
    /// tenant's `scenarios/`); the procedure's first scenario when `None`.
    pub scenario: Option<&'static str>,
    /// `(step, action)`: the action to take the next time the dossier is at the step, each
    /// used once, in order; elsewhere the first action offered is taken.
    pub choices: &'static [(&'static str, &'static str)],
    /// On the desk channel, the required document the applicant first forgets: the desk asks
    /// for it (Form 02), the applicant brings it, the desk receives the dossier.
    pub desk_supplement: Option<&'static str>,
    /// On the desk channel, the step at which the official apologises and reschedules once
    /// (Form 04) before acting.
    pub reschedule_at: Option<&'static str>,
}

/// One dossier's journey.
pub(super) struct Journey<'a> {
    app: &'a TestApp,
    site: &'a TenantSite,
    live: &'a Live,
    route: Route,
    channel: Channel,
    roster: &'a Roster,
    scenario: &'a Scenario,
    ctx: String,
    code: String,
    /// Every hand-over so far: the official's name and the division of the step.
    handed: Vec<(String, String)>,
    status: String,
    paused_from: Option<String>,
    choices: Vec<(&'static str, &'static str)>,
    receipt_checked: bool,
    rescheduled: bool,
}

/// The steps a view says the dossier is at.
fn at(view: &Value) -> Vec<String> {
    view["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["step"].as_str().map(str::to_owned))
        .collect()
}

/// The entry of a view's `steps` for `step`.
fn step_view<'v>(view: &'v Value, step: &str) -> Option<&'v Value> {
    view["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["step"] == step)
}

fn version(view: &Value) -> u64 {
    view["version"].as_u64().expect("a version")
}

impl<'a> Journey<'a> {
    /// A journey of `live` on `channel`, with `roster`'s officials.
    pub(super) fn new(
        app: &'a TestApp,
        site: &'a TenantSite,
        live: &'a Live,
        route: Route,
        channel: Channel,
        roster: &'a Roster,
        scenario: &'a Scenario,
    ) -> Self {
        Self {
            ctx: format!(
                "{} {} by {}",
                site.manifest.slug,
                live.info().code,
                channel.as_str()
            ),
            app,
            site,
            live,
            route,
            channel,
            roster,
            scenario,
            code: String::new(),
            handed: Vec::new(),
            status: DossierStatus::Registered.as_str().to_owned(),
            paused_from: None,
            choices: route.choices.to_vec(),
            receipt_checked: false,
            rescheduled: false,
        }
    }

    /// Whether this journey takes the desk's detours (supplement, apology).
    fn detours(&self) -> bool {
        self.channel == Channel::Desk
    }

    /// The receiver of the procedure's desk.
    fn desk(&self) -> &'a Official {
        let desk = self.live.info().desk(&self.site.manifest).key.to_string();
        self.roster.with("receiver", &desk)
    }

    fn division_name(&self, key: &str) -> String {
        self.site
            .manifest
            .division(key)
            .map(|d| d.name.vi.clone())
            .unwrap_or_else(|| panic!("{}: no division {key}", self.ctx))
    }

    /// The required documents of the scenario's case: codes and names.
    fn required(&self) -> Vec<(String, String)> {
        let info = self.live.info();
        let case = match &self.scenario.case {
            Some(key) => info.cases.iter().find(|c| c.key.as_str() == key),
            None => info.cases.first(),
        }
        .unwrap_or_else(|| panic!("{}: the scenario's case is not the procedure's", self.ctx));
        case.documents
            .iter()
            .filter(|d| !d.optional)
            .map(|d| (d.code.to_string(), d.name.vi.clone()))
            .collect()
    }

    /// The dossier as the desk sees it.
    async fn view(&self) -> Value {
        let r = self.desk().dossier(self.app, &self.code).await;
        assert_eq!(r.status, 200, "{}: the desk's view: {}", self.ctx, r.body);
        r.json()
    }

    /// Drives the dossier from submission to its returned result.
    pub(super) async fn run(mut self) {
        match self.channel {
            Channel::Desk | Channel::Post => self.at_desk().await,
            Channel::Online => self.online().await,
            other => panic!("{}: no journey starts on {}", self.ctx, other.as_str()),
        }
        for _ in 0..MAX_MOVES {
            let view = self.view().await;
            if view["closed_at"].is_string() {
                return self.finish(view).await;
            }
            self.check_receipt_once(&view).await;
            let steps = view["steps"].as_array().expect("steps").clone();
            if steps.iter().any(|s| s["waiting"] == "plugin") {
                let ran = motcua_web::plugins::run_pending(&self.app.state)
                    .await
                    .unwrap_or_else(|e| panic!("{}: the plugin worker: {e:?}", self.ctx));
                assert!(ran >= 1, "{}: a plugin step waits, none ran", self.ctx);
                let after = self.view().await;
                self.check_status(&after, None, &at(&view), "after the plugin");
            } else if let Some(step) = steps.iter().find(|s| s["waiting"] == "applicant") {
                let key = step["step"].as_str().unwrap();
                self.supplement(&view, key, vec![format!("bo-sung-{key}.pdf")])
                    .await;
            } else {
                let step = steps
                    .iter()
                    .find(|s| s["waiting"] == "officials")
                    .unwrap_or_else(|| panic!("{}: stuck at {:?}", self.ctx, at(&view)));
                self.act(step).await;
            }
        }
        panic!("{}: still open after {MAX_MOVES} moves", self.ctx);
    }

    /// The official of the step's role and division takes an action the view offers them;
    /// every other official of the tenant's journeys is offered nothing there.
    async fn act(&mut self, step: &Value) {
        let key = step["step"].as_str().unwrap().to_owned();
        let role = step["role"].as_str().expect("a role");
        let division = step["division"].as_str().expect("a division");
        let ctx = format!("{}: at {key}", self.ctx);
        let official = self.roster.with(role, division);
        let r = official.dossier(self.app, &self.code).await;
        assert_eq!(r.status, 200, "{ctx}: {}'s view: {}", official.name, r.body);
        let mut own = r.json();
        let offered: Vec<Value> = step_view(&own, &key)
            .and_then(|s| s["actions"].as_array().cloned())
            .unwrap_or_default();
        assert!(
            !offered.is_empty(),
            "{ctx}: {} ({role} of {division}) is offered nothing",
            official.name
        );
        for other in self.roster.others(role, division) {
            let r = other.dossier(self.app, &self.code).await;
            if r.status == 403 {
                continue;
            }
            assert_eq!(r.status, 200, "{ctx}: {}'s view: {}", other.name, r.body);
            let theirs = r.json();
            let s = step_view(&theirs, &key).expect("the same steps");
            assert_eq!(
                (&s["actions"], &s["can_claim"]),
                (&json!([]), &json!(false)),
                "{ctx}: {} ({} of {}) may act",
                other.name,
                other.role,
                other.division
            );
        }
        if !self.live.procedure.definition.reschedule {
            assert_eq!(own["can"]["reschedule"], false, "{ctx}: may reschedule");
        }
        if self.detours() && self.route.reschedule_at == Some(key.as_str()) && !self.rescheduled {
            own = self.reschedule(official, &own, &ctx).await;
        }
        let chosen = match self.choices.iter().position(|(s, _)| *s == key) {
            Some(i) => self.choices.remove(i).1.to_owned(),
            None => offered[0]["key"].as_str().unwrap().to_owned(),
        };
        let action = offered
            .iter()
            .find(|a| a["key"] == chosen.as_str())
            .unwrap_or_else(|| panic!("{ctx}: {chosen} is not offered: {offered:?}"));
        let mut inputs = serde_json::Map::new();
        for input in action["requires"].as_array().into_iter().flatten() {
            let value = match input.as_str().unwrap() {
                "reason" => json!(format!("Ý kiến tại bước {key}.")),
                "documents" => json!([format!("{key}.pdf")]),
                "result" => json!(format!("Kết quả hồ sơ {}", self.code)),
                other => panic!("{ctx}: unknown input {other}"),
            };
            inputs.insert(input.as_str().unwrap().to_owned(), value);
        }
        let r = official
            .command(
                self.app,
                &self.code,
                version(&own),
                json!({ "type": "act", "step": key, "action": chosen, "inputs": inputs }),
            )
            .await;
        assert_eq!(r.status, 200, "{ctx}: {chosen}: {}", r.body);
        self.handed
            .push((official.name.clone(), self.division_name(division)));
        let (_, def) = self.live.procedure.definition.step(&key).unwrap();
        let action_def = def.actions.iter().find(|a| a.key == chosen);
        let after = r.json();
        self.check_status(
            &after,
            action_def,
            &at(&own),
            &format!("after {key}/{chosen}"),
        );
        if after["status"]["code"] == "supplement_requested" {
            let page = forms::print(self.app, official, &self.code, "02", &ctx).await;
            let reason = inputs.get("reason").and_then(Value::as_str).unwrap_or("");
            forms::shows(&page, "Form 02", &[reason], &ctx);
        }
    }

    /// The result returned: status, timeliness, the control slip, the ledger, and the audit.
    async fn finish(self, view: Value) {
        let ctx = &self.ctx;
        assert_eq!(
            view["status"]["code"], "returned",
            "{ctx}: {}",
            view["status"]
        );
        let desk = self.desk();
        if !self.receipt_checked {
            // A workflow may take a dossier straight into handling without the desk (an online
            // registration): no receipt was given, and none prints.
            let passed_desk = self
                .handed
                .iter()
                .any(|(_, d)| *d == self.division_name(&desk.division));
            assert!(
                !passed_desk,
                "{ctx}: the desk acted, yet the dossier was never accepted"
            );
            forms::absent(self.app, desk, &self.code, "01", ctx).await;
        }
        if self.detours() {
            assert_eq!(
                self.rescheduled,
                self.route.reschedule_at.is_some(),
                "{ctx}: the apology was not made"
            );
        }
        let closed: DateTime<Utc> = view["closed_at"].as_str().unwrap().parse().unwrap();
        let due: DateTime<Utc> = view["due_at"].as_str().unwrap().parse().unwrap();
        let timeliness = if forms::vietnam(closed).date_naive() < forms::vietnam(due).date_naive() {
            "early"
        } else if closed <= due {
            "on_time"
        } else {
            "late"
        };
        let closing = view["history"]
            .as_array()
            .and_then(|h| h.last())
            .expect("a history");
        assert_eq!(closing["kind"], "closed", "{ctx}");
        assert_eq!(closing["data"]["outcome"], "returned", "{ctx}");
        assert_eq!(closing["data"]["timeliness"], timeliness, "{ctx}");
        forms::check_control_slip(self.app, desk, &self.code, &self.handed, ctx).await;
        if matches!(self.channel, Channel::Desk | Channel::Post) {
            forms::check_ledger(self.app, desk, &view, ctx).await;
        }
        let report = motcua_store::audit::verify(&self.app.state.store, Some(self.site.id))
            .await
            .expect("the audit runs");
        assert!(report.intact(), "{ctx}: {:?}", report.broken);
    }
}
