//! The `workflow:` section: steps and how a dossier moves between them.

use indexmap::IndexMap;
use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Text;
use motcua_core::procedure::ProcessingTime;
use motcua_core::tenant::Key;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{At, Ident, PluginRef};

/// The electronic workflow of a procedure.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    /// The step a received dossier starts in.
    pub start: At<Key>,
    /// Whether officials may apologise and reschedule once (Form 04) when a dossier will be late.
    #[serde(default = "yes")]
    pub reschedule: bool,
    /// The steps, by key, in the order they are usually taken.
    pub steps: IndexMap<Key, At<Step>>,
}

fn yes() -> bool {
    true
}

/// What a step is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Officials with a role in a division act on the dossier (the default).
    #[default]
    Human,
    /// A plugin computes or checks something and picks the way on.
    Auto,
    /// The dossier goes several ways at once (consultations), until a join.
    Parallel,
    /// Where parallel branches meet.
    Join,
    /// The way on is chosen by conditions on the dossier.
    Decision,
    /// The applicant is asked to supplement the dossier; the clock stops until they do.
    Supplement,
    /// Handling ends, with a national status.
    End,
}

/// One step. Which keys apply depends on `kind`; the validator says so when one does not.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step is (default `human`).
    #[serde(default)]
    pub kind: StepKind,
    /// Its name, as officials and the applicant's history show it.
    pub name: Text,
    /// human: the division whose officials act here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<At<Key>>,
    /// human: the role they need in that division (e.g. `receiver`, `specialist`, `division_head`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<At<Ident>>,
    /// The national status the dossier takes on entering the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DossierStatus>,
    /// How long the step may take, on the tenant's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<At<ProcessingTime>>,
    /// human: what officials can do here, by key.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub actions: IndexMap<Key, At<Action>>,
    /// Reminders, escalations and what happens when time runs out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<At<Timer>>,
    /// auto: the plugin to run, pinned to a version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<At<PluginRef>>,
    /// auto: the plugin's configuration (checked against its schema when it is installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
    /// auto: where each outcome of the plugin leads.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outcomes: IndexMap<Ident, At<Key>>,
    /// auto: where the dossier goes when the plugin fails (for manual handling); without it
    /// the step waits for a retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<At<Key>>,
    /// parallel: the first step of each branch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<At<Key>>,
    /// parallel: the join step where the branches meet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<At<Key>>,
    /// join: how many branches must arrive: `all`, `any`, or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for: Option<At<JoinMode>>,
    /// decision: conditions tried in order; the first that holds chooses the way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<At<Route>>,
    /// join, supplement, decision (when no route holds): the step that follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<At<Key>>,
    /// supplement: whether the deadline starts again in full when the applicant supplements
    /// (the rule of Decree 61/2018; default true), or only resumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_clock: Option<bool>,
    /// end: the national status the dossier ends with (`returned`, `not_accepted`, `stopped`,
    /// `withdrawn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<At<DossierStatus>>,
}

/// Something officials can do in a human step.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The button's label.
    pub label: Text,
    /// The step it leads to.
    pub to: At<Key>,
    /// A condition (CEL) over the dossier that must hold, e.g. `form.area <= 250.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<At<String>>,
    /// What the official must give: a reason, documents, a result file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Input>,
    /// A national status to set, when it differs from the target step's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DossierStatus>,
    /// Who is told (through the outbox).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<Recipient>,
}

/// An input an action requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// A written reason (refusals, supplement requests, returns).
    Reason,
    /// One or more documents.
    Documents,
    /// The result document (the licence, certificate, decision).
    Result,
}

/// Who a notification goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The applicant.
    Applicant,
    /// The official the step is assigned to.
    Assignee,
    /// Every official who may act in the step.
    Candidates,
}

/// A condition and where it leads.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The condition (CEL).
    pub when: At<String>,
    /// The step it leads to.
    pub to: At<Key>,
}

/// How many branches a join waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinMode {
    /// Every branch.
    All,
    /// The first branch; the others are cancelled.
    Any,
    /// At least this many; the others are cancelled.
    AtLeast(u32),
}

impl Serialize for JoinMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => s.serialize_str("all"),
            Self::Any => s.serialize_str("any"),
            Self::AtLeast(n) => s.serialize_u32(*n),
        }
    }
}

impl<'de> Deserialize<'de> for JoinMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = JoinMode;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`all`, `any` or a number of branches")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<JoinMode, E> {
                match v {
                    "all" => Ok(JoinMode::All),
                    "any" => Ok(JoinMode::Any),
                    _ => Err(E::custom(format!(
                        "wait_for is `all`, `any` or a number of branches, not `{v}`"
                    ))),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<JoinMode, E> {
                u32::try_from(v)
                    .ok()
                    .filter(|n| *n >= 1)
                    .map(JoinMode::AtLeast)
                    .ok_or_else(|| E::custom("wait_for must be at least 1"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<JoinMode, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("wait_for must be at least 1"))
                    .and_then(|v| self.visit_u64(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for JoinMode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "JoinMode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "how many branches the join waits for: `all`, `any`, or a number",
            "oneOf": [
                { "type": "string", "enum": ["all", "any"] },
                { "type": "integer", "minimum": 1 }
            ]
        })
    }
}

/// A reminder, an escalation or a declared outcome when time runs out.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timer {
    /// Fires this long after the step began (working time on the tenant's calendar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ProcessingTime>,
    /// Fires this long before the step's deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_due: Option<ProcessingTime>,
    /// Reminds these people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remind: Vec<Recipient>,
    /// Hands the step to officials with this role in the same division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<At<Ident>>,
    /// Moves the dossier to this step (the outcome declared for running out of time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goto: Option<At<Key>>,
}
