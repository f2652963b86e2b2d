//! A validated workflow compiled for the engine: steps by index, targets resolved, guards and
//! routes compiled once.
//!
//! Built only from a workflow the validator accepted; the engine then never meets a dangling
//! reference. State refers to steps by key (not by index), so a stored dossier stays readable
//! when a new version reorders steps.

use std::collections::HashMap;

use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Text;
use motcua_core::procedure::ProcessingTime;

use crate::expr::{Expr, VARIABLES};
use crate::schema::{Input, JoinMode, PluginRef, Recipient, StepKind, Workflow};

/// A step's position in [`Definition::steps`].
pub type StepId = usize;

/// A compiled workflow.
#[derive(Clone, Debug)]
pub struct Definition {
    /// The steps, in file order.
    pub steps: Vec<StepDef>,
    /// The first step.
    pub start: StepId,
    /// Whether one apology-and-reschedule is allowed.
    pub reschedule: bool,
    index: HashMap<String, StepId>,
}

/// A compiled step.
#[derive(Clone, Debug)]
pub struct StepDef {
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: Text,
    /// What it is.
    pub kind: StepKind,
    /// human: the division.
    pub division: Option<String>,
    /// human: the role.
    pub role: Option<String>,
    /// The status taken on entry.
    pub status: Option<DossierStatus>,
    /// How long it may take.
    pub deadline: Option<ProcessingTime>,
    /// human: the actions.
    pub actions: Vec<ActionDef>,
    /// Timers.
    pub timers: Vec<TimerDef>,
    /// auto: the plugin.
    pub plugin: Option<PluginRef>,
    /// auto: its configuration.
    pub config: serde_json::Value,
    /// auto: outcome → step.
    pub outcomes: Vec<(String, StepId)>,
    /// auto: where a failure goes.
    pub on_error: Option<StepId>,
    /// parallel: the first step of each branch.
    pub branches: Vec<StepId>,
    /// parallel: the join.
    pub join: Option<StepId>,
    /// join: how many branches to wait for.
    pub wait_for: JoinMode,
    /// decision: routes in order.
    pub routes: Vec<(Expr, StepId)>,
    /// join, supplement, decision otherwise: the next step.
    pub next: Option<StepId>,
    /// supplement: restart the deadline in full when supplied.
    pub restart_clock: bool,
    /// end: the final status.
    pub outcome: Option<DossierStatus>,
}

/// A compiled action.
#[derive(Clone, Debug)]
pub struct ActionDef {
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: Text,
    /// Where it leads.
    pub to: StepId,
    /// The condition that must hold.
    pub guard: Option<Expr>,
    /// Required inputs.
    pub requires: Vec<Input>,
    /// Status set by the action.
    pub status: Option<DossierStatus>,
    /// Who is told.
    pub notify: Vec<Recipient>,
}

/// When a timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerBase {
    /// This long after the step began.
    After(ProcessingTime),
    /// This long before the step's deadline.
    BeforeDue(ProcessingTime),
}

/// What a timer does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimerEffect {
    /// Reminds people.
    Remind(Vec<Recipient>),
    /// Hands the step to another role of the division.
    Escalate(String),
    /// Moves the dossier on.
    Goto(StepId),
}

/// A compiled timer.
#[derive(Clone, Debug)]
pub struct TimerDef {
    /// When.
    pub base: TimerBase,
    /// What.
    pub effect: TimerEffect,
}

/// A reference the validator should have refused.
#[derive(Clone, Debug, thiserror::Error)]
#[error("the workflow is not valid: {0}")]
pub struct CompileError(pub String);

impl Definition {
    /// Compiles a workflow the validator accepted.
    pub fn compile(workflow: &Workflow) -> Result<Self, CompileError> {
        let index: HashMap<String, StepId> = workflow
            .steps
            .keys()
            .enumerate()
            .map(|(i, k)| (k.to_string(), i))
            .collect();
        let id = |key: &str| {
            index
                .get(key)
                .copied()
                .ok_or_else(|| CompileError(format!("unknown step `{key}`")))
        };
        let expr = |src: &str| {
            Expr::compile(src, &VARIABLES).map_err(|e| CompileError(format!("`{src}`: {e}")))
        };
        let mut steps = Vec::with_capacity(workflow.steps.len());
        for (key, step) in &workflow.steps {
            let actions = step
                .actions
                .iter()
                .map(|(k, a)| {
                    Ok(ActionDef {
                        key: k.to_string(),
                        label: a.label.clone(),
                        to: id(a.to.as_str())?,
                        guard: a.guard.as_ref().map(|g| expr(g)).transpose()?,
                        requires: a.requires.clone(),
                        status: a.status,
                        notify: a.notify.clone(),
                    })
                })
                .collect::<Result<_, CompileError>>()?;
            let timers = step
                .timers
                .iter()
                .map(|t| {
                    let base = match (t.after, t.before_due) {
                        (Some(d), None) => TimerBase::After(d),
                        (None, Some(d)) => TimerBase::BeforeDue(d),
                        _ => {
                            return Err(CompileError(format!(
                                "a timer of `{key}` needs `after` or `before_due`"
                            )));
                        }
                    };
                    let effect = match (&t.escalate_to, &t.goto) {
                        (Some(role), None) if t.remind.is_empty() => {
                            TimerEffect::Escalate(role.to_string())
                        }
                        (None, Some(to)) if t.remind.is_empty() => {
                            TimerEffect::Goto(id(to.as_str())?)
                        }
                        (None, None) if !t.remind.is_empty() => {
                            TimerEffect::Remind(t.remind.clone())
                        }
                        _ => {
                            return Err(CompileError(format!(
                                "a timer of `{key}` needs one effect"
                            )));
                        }
                    };
                    Ok(TimerDef { base, effect })
                })
                .collect::<Result<_, CompileError>>()?;
            steps.push(StepDef {
                key: key.to_string(),
                name: step.name.clone(),
                kind: step.kind,
                division: step.division.as_ref().map(|d| d.to_string()),
                role: step.role.as_ref().map(|r| r.to_string()),
                status: step.status,
                deadline: step.deadline.as_ref().map(|d| d.value),
                actions,
                timers,
                plugin: step.plugin.as_ref().map(|p| p.value.clone()),
                config: step.config.clone().unwrap_or(serde_json::Value::Null),
                outcomes: step
                    .outcomes
                    .iter()
                    .map(|(o, to)| Ok((o.to_string(), id(to.as_str())?)))
                    .collect::<Result<_, CompileError>>()?,
                on_error: step.on_error.as_ref().map(|s| id(s.as_str())).transpose()?,
                branches: step
                    .branches
                    .iter()
                    .map(|b| id(b.as_str()))
                    .collect::<Result<_, _>>()?,
                join: step.join.as_ref().map(|j| id(j.as_str())).transpose()?,
                wait_for: step.wait_for.as_ref().map_or(JoinMode::All, |w| w.value),
                routes: step
                    .routes
                    .iter()
                    .map(|r| Ok((expr(&r.when)?, id(r.to.as_str())?)))
                    .collect::<Result<_, CompileError>>()?,
                next: step.next.as_ref().map(|n| id(n.as_str())).transpose()?,
                restart_clock: step.restart_clock.unwrap_or(true),
                outcome: step.outcome.as_ref().map(|o| o.value),
            });
        }
        Ok(Self {
            start: id(workflow.start.as_str())?,
            reschedule: workflow.reschedule,
            steps,
            index,
        })
    }

    /// The step with a key.
    pub fn step(&self, key: &str) -> Option<(StepId, &StepDef)> {
        self.index.get(key).map(|&i| (i, &self.steps[i]))
    }

    /// Every step a step can lead to (actions, outcomes, branches, routes, next, timer gotos).
    pub fn successors(&self, id: StepId) -> Vec<StepId> {
        let s = &self.steps[id];
        let mut out: Vec<StepId> = s.actions.iter().map(|a| a.to).collect();
        out.extend(s.outcomes.iter().map(|(_, t)| *t));
        out.extend(s.on_error);
        out.extend(&s.branches);
        out.extend(s.routes.iter().map(|(_, t)| *t));
        out.extend(s.next);
        out.extend(s.timers.iter().filter_map(|t| match t.effect {
            TimerEffect::Goto(to) => Some(to),
            _ => None,
        }));
        out
    }
}
