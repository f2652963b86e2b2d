//! What happened to a dossier: the events a decision produces, appended to its history.

use chrono::{DateTime, Utc};
use motcua_core::calendar::Timeliness;
use motcua_core::dossier::DossierStatus;
use serde::{Deserialize, Serialize};

use crate::schema::Recipient;

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The dossier was received and its deadline set.
    Received {
        /// Its case.
        case: String,
        /// When it is due.
        due: DateTime<Utc>,
    },
    /// The dossier reached a step.
    StepEntered {
        /// The step.
        step: String,
        /// The token.
        token: u32,
        /// The step's due time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<Utc>>,
    },
    /// The dossier left a step.
    StepLeft {
        /// The step.
        step: String,
        /// The token.
        token: u32,
    },
    /// An official acted.
    ActionTaken {
        /// The step.
        step: String,
        /// The action.
        action: String,
        /// Who.
        by: String,
        /// The reason given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Documents given.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        documents: Vec<String>,
        /// The result given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<String>,
    },
    /// An official took a step.
    Claimed {
        /// The step.
        step: String,
        /// Who.
        by: String,
    },
    /// An official gave a step back.
    Released {
        /// The step.
        step: String,
        /// Who.
        by: String,
    },
    /// A step was handed to another official.
    Reassigned {
        /// The step.
        step: String,
        /// The official before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        /// The official now.
        to: String,
        /// Who decided.
        by: String,
    },
    /// The national status changed.
    StatusChanged {
        /// Before.
        from: DossierStatus,
        /// After.
        to: DossierStatus,
    },
    /// The clock stopped (waiting on the applicant).
    ClockPaused,
    /// The clock started again in full from the supplement.
    ClockRestarted {
        /// The new due time.
        due: DateTime<Utc>,
    },
    /// The clock went on, the deadline pushed by the time paused.
    ClockResumed {
        /// The new due time.
        due: DateTime<Utc>,
    },
    /// The applicant supplemented the dossier.
    Supplemented {
        /// Who.
        by: String,
        /// The documents.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        documents: Vec<String>,
    },
    /// An apology and a new due time (Form 04).
    Rescheduled {
        /// The due time before.
        from: DateTime<Utc>,
        /// The new one.
        to: DateTime<Utc>,
        /// The reason.
        reason: String,
        /// Who.
        by: String,
    },
    /// A plugin must run.
    PluginRequested {
        /// The step.
        step: String,
        /// The plugin, pinned.
        plugin: String,
        /// Its configuration.
        config: serde_json::Value,
    },
    /// A plugin finished.
    PluginCompleted {
        /// The step.
        step: String,
        /// Its outcome.
        outcome: String,
        /// What it stored.
        output: serde_json::Value,
    },
    /// A plugin failed.
    PluginFailed {
        /// The step.
        step: String,
        /// What went wrong.
        error: String,
    },
    /// A decision chose a way.
    RouteChosen {
        /// The decision step.
        step: String,
        /// Where it leads.
        to: String,
        /// The condition that held (none: the `next` way).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
    },
    /// A branch arrived at its join.
    Joined {
        /// The join.
        join: String,
        /// Branches arrived.
        arrived: u32,
        /// Branches needed.
        needed: u32,
    },
    /// A branch no longer needed was cancelled.
    BranchCancelled {
        /// The step it was at.
        step: String,
        /// The token.
        token: u32,
    },
    /// A timer reminded people.
    Reminded {
        /// The step.
        step: String,
        /// Who.
        recipients: Vec<Recipient>,
    },
    /// A timer escalated a step.
    Escalated {
        /// The step.
        step: String,
        /// To which role.
        role: String,
    },
    /// Time ran out at a step and the declared outcome applies.
    TimeRanOut {
        /// The step.
        step: String,
        /// Where the dossier goes.
        to: String,
    },
    /// People are to be told (delivered through the outbox).
    Notified {
        /// Who.
        recipients: Vec<Recipient>,
        /// The step the dossier is at now.
        step: String,
    },
    /// The applicant withdrew the dossier.
    Withdrawn {
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
    /// Handling was stopped.
    Stopped {
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
    /// The dossier moved to another version of its procedure.
    Migrated {
        /// The version before.
        from_version: i32,
        /// The version after.
        to_version: i32,
        /// Each active step and where it went.
        steps: Vec<(String, String)>,
    },
    /// Handling ended.
    Closed {
        /// The final status.
        outcome: DossierStatus,
        /// For a returned result: early, on time or late.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeliness: Option<Timeliness>,
    },
}
