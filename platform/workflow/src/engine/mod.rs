//! The workflow engine: a pure, deterministic state machine.
//!
//! `(definition, state, command, actor, context) → (events, new state)` or a typed [`Refusal`]
//! saying why not. Nothing here reads a clock, a database or the network: the time, the tenant's
//! calendar and the dossier's form data come in [`Context`], so the same inputs always give the
//! same result (the simulator and the property tests rely on it). A refused command leaves the
//! state untouched.
//!
//! Rules it keeps (property-tested): nothing happens to a closed dossier except refusals; a join
//! waits for the branches it needs; the due time moves only forward, and only by the rules
//! (a supplement restarts or resumes it, the one rescheduling moves it later); time waiting on
//! the applicant never counts.

mod command;
mod commands;
mod event;
mod machine;
mod refusal;
mod state;
mod tasks;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::dossier::{ApplicantKind, Channel};
use motcua_core::procedure::ProcessingTime;

pub use command::{Actor, ActorKind, Command, Inputs, RoleGrant};
pub use event::Event;
pub use refusal::Refusal;
pub use state::{
    Clock, Closing, DossierState, JoinState, PendingTimer, Rescheduling, Token, Waiting,
};
pub use tasks::Task;

use crate::definition::Definition;

/// What a decision needs besides the state: the time, the calendar and the dossier's facts.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Now.
    pub now: DateTime<Utc>,
    /// The tenant's working calendar.
    pub calendar: &'a WorkingCalendar,
    /// The dossier's e-form data.
    pub form: &'a serde_json::Value,
    /// How it was received.
    pub channel: Channel,
    /// Who applies.
    pub applicant_kind: ApplicantKind,
}

/// The result of a command: what happened and the state after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// What happened, in order.
    pub events: Vec<Event>,
    /// The new state.
    pub state: DossierState,
}

/// Receives a dossier: sets its deadline from `time` (after-15:00 rule included) and enters the
/// workflow's start step.
pub fn start(
    def: &Definition,
    case: &str,
    time: ProcessingTime,
    ctx: &Context<'_>,
) -> Result<Decision, Refusal> {
    machine::start(def, case, time, ctx)
}

/// Whether `actor` may hand a step of `division` to another official: the division's head, or an
/// agency leader.
pub fn may_reassign(division: &str, actor: &Actor) -> bool {
    actor.has("division_head", division) || actor.roles.iter().any(|g| g.role == "agency_leader")
}

/// Decides a command. With `expected_version`, a state that moved on since the caller read it is
/// refused ([`Refusal::StaleVersion`]): two officials acting at once, one wins.
pub fn decide(
    def: &Definition,
    state: &DossierState,
    command: &Command,
    actor: &Actor,
    ctx: &Context<'_>,
    expected_version: Option<u64>,
) -> Result<Decision, Refusal> {
    if let Some(expected) = expected_version
        && expected != state.version
    {
        return Err(Refusal::StaleVersion {
            expected,
            actual: state.version,
        });
    }
    machine::decide(def, state, command, actor, ctx)
}
