//! What can be asked of a dossier, and by whom.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A request to move a dossier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// An official takes an action of the step they work on.
    Act {
        /// The step.
        step: String,
        /// The action's key.
        action: String,
        /// What the official gives with it.
        #[serde(default)]
        inputs: Inputs,
    },
    /// An official takes the step for themself.
    Claim {
        /// The step.
        step: String,
    },
    /// The official gives the step back to the candidates.
    Release {
        /// The step.
        step: String,
    },
    /// A division head hands the step to another official.
    Reassign {
        /// The step.
        step: String,
        /// The official it goes to, with their roles.
        to: Actor,
    },
    /// The applicant supplements the dossier.
    Supplement {
        /// The documents supplied.
        #[serde(default)]
        documents: Vec<String>,
    },
    /// A plugin step finished.
    PluginDone {
        /// The step.
        step: String,
        /// The outcome the plugin chose.
        outcome: String,
        /// What it stores on the dossier.
        #[serde(default)]
        output: serde_json::Value,
    },
    /// A plugin step failed.
    PluginFailed {
        /// The step.
        step: String,
        /// What went wrong, in plain words.
        error: String,
    },
    /// Run a failed plugin step again.
    RetryPlugin {
        /// The step.
        step: String,
    },
    /// Time has passed: fire the timers that are due.
    Tick,
    /// Apologise and set a later due time (Form 04), once.
    Reschedule {
        /// The new due time.
        due: DateTime<Utc>,
        /// The reason given to the applicant.
        reason: String,
    },
    /// The applicant withdraws the dossier.
    Withdraw {
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// Handling is stopped.
    Stop {
        /// Why.
        reason: String,
    },
}

/// What an official gives with an action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// A written reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Documents (attachment references).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    /// The result document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// Who asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Their id (an official's account, the applicant's, or `system`).
    pub id: String,
    /// What they are.
    pub kind: ActorKind,
    /// An official's roles, each in a division.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleGrant>,
}

impl Actor {
    /// The platform itself (timers, plugins, receipt).
    pub fn system() -> Self {
        Self {
            id: "system".to_owned(),
            kind: ActorKind::System,
            roles: Vec::new(),
        }
    }

    /// The applicant of the dossier (ownership is checked before the engine is asked).
    pub fn applicant(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind: ActorKind::Applicant,
            roles: Vec::new(),
        }
    }

    /// An official with roles.
    pub fn official(id: impl Into<String>, roles: &[(&str, &str)]) -> Self {
        Self {
            id: id.into(),
            kind: ActorKind::Official,
            roles: roles
                .iter()
                .map(|(role, division)| RoleGrant {
                    role: (*role).to_owned(),
                    division: (*division).to_owned(),
                })
                .collect(),
        }
    }

    /// Whether the actor has `role` in `division`.
    pub fn has(&self, role: &str, division: &str) -> bool {
        self.kind == ActorKind::Official
            && self
                .roles
                .iter()
                .any(|g| g.role == role && g.division == division)
    }
}

/// What kind of actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// An official of the tenant.
    Official,
    /// The applicant.
    Applicant,
    /// The platform.
    System,
}

/// A role in a division.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    /// The role.
    pub role: String,
    /// The division's key.
    pub division: String,
}
