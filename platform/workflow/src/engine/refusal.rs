//! Why the engine refuses a command. Each refusal has a stable code for programs and a sentence
//! for the official or applicant who asked.

use chrono::{DateTime, Utc};

/// A command the dossier's state does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Handling has ended.
    #[error("the dossier is closed")]
    Closed,
    /// Someone else changed the dossier first.
    #[error("the dossier changed meanwhile (version {actual}, expected {expected}); reload it")]
    StaleVersion {
        /// The version the caller saw.
        expected: u64,
        /// The version now.
        actual: u64,
    },
    /// The dossier is not at that step.
    #[error("the dossier is not at step `{step}`")]
    StepNotActive {
        /// The step.
        step: String,
    },
    /// The step has no such action.
    #[error("step `{step}` has no action `{action}`")]
    UnknownAction {
        /// The step.
        step: String,
        /// The action.
        action: String,
    },
    /// The actor may not act at that step.
    #[error("acting at `{step}` needs the role `{role}` in division `{division}`")]
    WrongRole {
        /// The step.
        step: String,
        /// Its division.
        division: String,
        /// Its role.
        role: String,
    },
    /// Another official has the step.
    #[error("step `{step}` is assigned to {assignee}")]
    AssignedToOther {
        /// The step.
        step: String,
        /// Who has it.
        assignee: String,
    },
    /// The action's condition does not hold.
    #[error("the action `{action}` is not possible: its condition `{guard}` does not hold")]
    GuardFalse {
        /// The action.
        action: String,
        /// The condition.
        guard: String,
    },
    /// A condition could not be evaluated (a fault in the procedure, to be fixed by its designer).
    #[error("{0}")]
    GuardError(String),
    /// A required input is missing.
    #[error("the action `{action}` requires a {input}")]
    MissingInput {
        /// The action.
        action: String,
        /// The input (`reason`, `documents`, `result`).
        input: &'static str,
    },
    /// The actor is not the kind this command is for.
    #[error("{0}")]
    NotAllowed(&'static str),
    /// The dossier does not wait for a supplement.
    #[error("the dossier is not waiting for a supplement")]
    NotWaitingForApplicant,
    /// The step does not wait for a plugin.
    #[error("step `{step}` is not waiting for a plugin")]
    NotWaitingForPlugin {
        /// The step.
        step: String,
    },
    /// The procedure does not allow rescheduling.
    #[error("this procedure does not allow rescheduling")]
    RescheduleDisabled,
    /// The one rescheduling was used.
    #[error("the dossier was already rescheduled once; only one rescheduling is allowed")]
    AlreadyRescheduled,
    /// Rescheduling comes at least one working day before the due time.
    #[error("rescheduling must be done at least one working day before the due time {due}")]
    RescheduleTooLate {
        /// The due time.
        due: DateTime<Utc>,
    },
    /// A new due time must be later.
    #[error("the new due time must be after the current one, {due}")]
    RescheduleNotLater {
        /// The due time.
        due: DateTime<Utc>,
    },
    /// Automatic steps did not come to rest (a fault in the procedure).
    #[error("the workflow did not come to rest: {0}")]
    Stuck(String),
}

impl Refusal {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::StaleVersion { .. } => "stale_version",
            Self::StepNotActive { .. } => "step_not_active",
            Self::UnknownAction { .. } => "unknown_action",
            Self::WrongRole { .. } => "wrong_role",
            Self::AssignedToOther { .. } => "assigned_to_other",
            Self::GuardFalse { .. } => "guard_false",
            Self::GuardError(_) => "guard_error",
            Self::MissingInput { .. } => "missing_input",
            Self::NotAllowed(_) => "not_allowed",
            Self::NotWaitingForApplicant => "not_waiting_for_applicant",
            Self::NotWaitingForPlugin { .. } => "not_waiting_for_plugin",
            Self::RescheduleDisabled => "reschedule_disabled",
            Self::AlreadyRescheduled => "already_rescheduled",
            Self::RescheduleTooLate { .. } => "reschedule_too_late",
            Self::RescheduleNotLater { .. } => "reschedule_not_later",
            Self::Stuck(_) => "stuck",
        }
    }
}
