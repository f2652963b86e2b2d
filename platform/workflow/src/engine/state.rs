//! A dossier's state in its workflow: where it is (tokens, one per active step), its clock, and
//! what plugins stored. Serialized as JSON next to the dossier; steps are named by key.

use chrono::{DateTime, Utc};
use motcua_core::calendar::Timeliness;
use motcua_core::dossier::DossierStatus;
use motcua_core::procedure::ProcessingTime;
use serde::{Deserialize, Serialize};

/// Where a dossier stands in its workflow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierState {
    /// Commands decided so far: the optimistic-concurrency version.
    pub version: u64,
    /// The national status.
    pub status: DossierStatus,
    /// The case (trường hợp) it was submitted under.
    pub case: String,
    /// The deadline clock.
    pub clock: Clock,
    /// The active steps.
    pub tokens: Vec<Token>,
    /// Parallel splits waiting at their joins.
    pub joins: Vec<JoinState>,
    /// The id the next token gets.
    pub next_token: u32,
    /// What plugin steps stored, by step key.
    pub plugins: serde_json::Map<String, serde_json::Value>,
    /// The status to return to once the applicant has supplemented the dossier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_before_supplement: Option<DossierStatus>,
    /// How handling ended, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closing>,
}

impl DossierState {
    /// The active token at `step`, if any.
    pub fn token_at(&self, step: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.step == step)
    }

    /// Whether handling has ended.
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }
}

/// The deadline of the whole dossier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    /// When the dossier was received.
    pub received_at: DateTime<Utc>,
    /// The processing time that applies (the case's, or the procedure's).
    pub time: ProcessingTime,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// Since when the clock stands still (waiting on the applicant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_since: Option<DateTime<Utc>>,
    /// The one apology and reschedule (Form 04), once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescheduled: Option<Rescheduling>,
}

/// The one rescheduling a dossier may have.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rescheduling {
    /// The due time before.
    pub from: DateTime<Utc>,
    /// The reason given to the applicant.
    pub reason: String,
}

/// A dossier at a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// Its id within the dossier.
    pub id: u32,
    /// The step's key.
    pub step: String,
    /// When it arrived there.
    pub entered_at: DateTime<Utc>,
    /// When the step is due, if it has a deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
    /// The official who claimed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// A role it was escalated to (besides the step's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_to: Option<String>,
    /// Its timers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<PendingTimer>,
    /// The parallel split it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
    /// What it waits for.
    pub waiting: Waiting,
}

/// What a token waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case")]
pub enum Waiting {
    /// An official's action.
    Officials,
    /// A plugin's result.
    Plugin {
        /// Failed attempts so far.
        failures: u32,
        /// The last error.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// The applicant's supplement.
    Applicant,
}

/// A timer of a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTimer {
    /// The timer's position in the step's `timers`.
    pub index: usize,
    /// When it fires.
    pub at: DateTime<Utc>,
    /// Whether it has fired.
    pub fired: bool,
}

/// A parallel split waiting at its join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinState {
    /// The split's id (the `group` of its tokens).
    pub group: u32,
    /// The join step's key.
    pub join: String,
    /// Branches arrived.
    pub arrived: u32,
    /// Branches needed.
    pub needed: u32,
    /// The split this one is nested in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
}

/// How handling ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// When.
    pub at: DateTime<Utc>,
    /// The final status.
    pub outcome: DossierStatus,
    /// For a returned result: early, on time or late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeliness: Option<Timeliness>,
}
