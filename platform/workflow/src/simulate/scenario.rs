//! The scenario file: when the dossier is received, who the officials are, what happens step by
//! step, and what must hold.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use motcua_core::calendar::Timeliness;
use motcua_core::dossier::{ApplicantKind, Channel, DossierStatus};
use serde::Deserialize;

/// A scenario.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario shows (printed as the timeline's title).
    #[serde(default)]
    pub title: Option<String>,
    /// When the dossier is received.
    pub received: DateTime<FixedOffset>,
    /// The case; default the procedure's first.
    #[serde(default)]
    pub case: Option<String>,
    /// How it is received.
    #[serde(default = "online")]
    pub channel: Channel,
    /// Who applies.
    #[serde(default = "citizen")]
    pub applicant_kind: ApplicantKind,
    /// The e-form data.
    #[serde(default = "empty")]
    pub form: serde_json::Value,
    /// The officials, each with `role@division` grants.
    #[serde(default)]
    pub officials: BTreeMap<String, Vec<String>>,
    /// What happens, in time order.
    #[serde(default)]
    pub steps: Vec<ScenarioStep>,
    /// What must hold at the end.
    #[serde(default)]
    pub expect: Option<Expect>,
}

fn online() -> Channel {
    Channel::Online
}

fn citizen() -> ApplicantKind {
    ApplicantKind::Citizen
}

fn empty() -> serde_json::Value {
    serde_json::json!({})
}

/// One line of a scenario: at a time, someone does one thing (or the scenario checks something).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioStep {
    /// When.
    pub at: DateTime<FixedOffset>,
    /// Who: an official's name, `applicant` or `system` (default).
    #[serde(default)]
    pub by: Option<String>,
    /// An official's action.
    #[serde(default)]
    pub act: Option<ActStep>,
    /// An official claims a step.
    #[serde(default)]
    pub claim: Option<String>,
    /// A division head reassigns a step: `{ step, to }`.
    #[serde(default)]
    pub reassign: Option<ReassignStep>,
    /// The applicant supplements, with these documents.
    #[serde(default)]
    pub supplement: Option<Vec<String>>,
    /// A plugin result.
    #[serde(default)]
    pub plugin: Option<PluginStep>,
    /// An official reschedules.
    #[serde(default)]
    pub reschedule: Option<RescheduleStep>,
    /// The applicant withdraws, with this reason.
    #[serde(default)]
    pub withdraw: Option<String>,
    /// Handling is stopped, with this reason.
    #[serde(default)]
    pub stop: Option<String>,
    /// The command must be refused with this code.
    #[serde(default)]
    pub refused: Option<String>,
    /// Checks at this point.
    #[serde(default)]
    pub expect: Option<Expect>,
}

/// `act:`
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActStep {
    /// The step.
    pub step: String,
    /// The action.
    pub action: String,
    /// A reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Documents.
    #[serde(default)]
    pub documents: Vec<String>,
    /// A result document.
    #[serde(default)]
    pub result: Option<String>,
}

/// `reassign:`
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReassignStep {
    /// The step.
    pub step: String,
    /// The official it goes to.
    pub to: String,
}

/// `plugin:`
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginStep {
    /// The step.
    pub step: String,
    /// The outcome; absent with `error`.
    #[serde(default)]
    pub outcome: Option<String>,
    /// What the plugin stores.
    #[serde(default)]
    pub output: serde_json::Value,
    /// A failure instead of an outcome.
    #[serde(default)]
    pub error: Option<String>,
}

/// `reschedule:`
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleStep {
    /// The new due time.
    pub due: DateTime<FixedOffset>,
    /// The apology's reason.
    pub reason: String,
}

/// Checks.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The steps the dossier is at (any order).
    #[serde(default)]
    pub at: Option<Vec<String>>,
    /// The national status.
    #[serde(default)]
    pub status: Option<DossierStatus>,
    /// The final status (the dossier must be closed).
    #[serde(default)]
    pub outcome: Option<DossierStatus>,
    /// Early, on time or late (the dossier must be closed with a result).
    #[serde(default)]
    pub timeliness: Option<Timeliness>,
    /// The dossier's due time.
    #[serde(default)]
    pub due: Option<DateTime<FixedOffset>>,
    /// A step's due time: `{ step, due }`.
    #[serde(default)]
    pub step_due: Option<StepDue>,
}

/// A step's expected due time.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDue {
    /// The step.
    pub step: String,
    /// Its due time.
    pub due: DateTime<FixedOffset>,
}
