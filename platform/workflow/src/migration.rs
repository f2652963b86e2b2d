//! Moving live dossiers from one published version of a procedure to another.
//!
//! A plan maps each step of the old version to a step of the new one: by default a step keeps
//! its key when the new version has it, and the designer maps the others explicitly
//! (`old=new`). A plan is checked before anything moves: every old step that a live dossier can
//! be at must map to a step of the new version where a dossier can wait (a human, plugin or
//! supplement step). The dry run counts the live dossiers per old step; applying moves each
//! dossier's tokens, restarts its step timers from the migration, keeps its overall deadline,
//! and records a `migrated` event in its history.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingCalendar;

use crate::definition::Definition;
use crate::definition::TimerBase;
use crate::engine::{DossierState, Event, PendingTimer};
use crate::schema::StepKind;

/// Step mapping from an old version to a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Old step → new step, for every step of the old version where a dossier can wait.
    pub mapping: BTreeMap<String, String>,
}

/// Why a plan cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// An explicit mapping names a step that does not exist.
    #[error("`{0}` is not a step of the old version")]
    UnknownOldStep(String),
    /// An explicit mapping leads to a step that does not exist or cannot hold a dossier.
    #[error(
        "`{0}` is not a step of the new version where a dossier can wait (a human, auto or supplement step)"
    )]
    BadTarget(String),
    /// Old steps have no counterpart.
    #[error("these steps of the old version have no counterpart in the new one; map them with old=new: {}", .0.join(", "))]
    Unmapped(Vec<String>),
}

fn waits(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::Human | StepKind::Auto | StepKind::Supplement
    )
}

/// Makes a plan from explicit `old=new` pairs, keeping the other steps by key.
pub fn plan(
    old: &Definition,
    new: &Definition,
    explicit: &[(String, String)],
) -> Result<Plan, PlanError> {
    let mut mapping = BTreeMap::new();
    for (from, to) in explicit {
        if old.step(from).is_none() {
            return Err(PlanError::UnknownOldStep(from.clone()));
        }
        match new.step(to) {
            Some((_, s)) if waits(s.kind) => {
                mapping.insert(from.clone(), to.clone());
            }
            _ => return Err(PlanError::BadTarget(to.clone())),
        }
    }
    let mut unmapped = Vec::new();
    for step in old.steps.iter().filter(|s| waits(s.kind)) {
        if mapping.contains_key(&step.key) {
            continue;
        }
        match new.step(&step.key) {
            Some((_, s)) if waits(s.kind) => {
                mapping.insert(step.key.clone(), step.key.clone());
            }
            _ => unmapped.push(step.key.clone()),
        }
    }
    if unmapped.is_empty() {
        Ok(Plan { mapping })
    } else {
        Err(PlanError::Unmapped(unmapped))
    }
}

impl Plan {
    /// How many of `states` are at each old step (a dossier in parallel branches counts at
    /// each), as `(old step, new step, count)`.
    pub fn dry_run<'s>(
        &self,
        states: impl IntoIterator<Item = &'s DossierState>,
    ) -> Vec<(String, String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for state in states {
            for token in &state.tokens {
                *counts.entry(token.step.as_str()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|(old, n)| {
                let new = self
                    .mapping
                    .get(old)
                    .cloned()
                    .unwrap_or_else(|| "(unmapped)".to_owned());
                (old.to_owned(), new, n)
            })
            .collect()
    }

    /// The state after the move, and the event recording it.
    pub fn apply(
        &self,
        state: &DossierState,
        new: &Definition,
        versions: (i32, i32),
        calendar: &WorkingCalendar,
        now: DateTime<Utc>,
    ) -> Result<(DossierState, Event), PlanError> {
        let mut moved = state.clone();
        let mut steps = Vec::new();
        for token in &mut moved.tokens {
            let to = self
                .mapping
                .get(&token.step)
                .ok_or_else(|| PlanError::Unmapped(vec![token.step.clone()]))?;
            let (_, def) = new
                .step(to)
                .ok_or_else(|| PlanError::BadTarget(to.clone()))?;
            steps.push((token.step.clone(), to.clone()));
            token.step = to.clone();
            // The step's own deadline and timers are those of the new version, from now.
            token.due = def.deadline.map(|d| d.after(calendar, now));
            token.timers = def
                .timers
                .iter()
                .enumerate()
                .filter_map(|(index, t)| match t.base {
                    TimerBase::After(d) => Some(PendingTimer {
                        index,
                        at: d.after(calendar, now),
                        fired: false,
                    }),
                    // Fires at the latest at the deadline; recomputed precisely on the next move.
                    TimerBase::BeforeDue(_) => token.due.map(|at| PendingTimer {
                        index,
                        at,
                        fired: false,
                    }),
                })
                .collect();
        }
        moved.version += 1;
        let event = Event::Migrated {
            from_version: versions.0,
            to_version: versions.1,
            steps,
        };
        Ok((moved, event))
    }
}
