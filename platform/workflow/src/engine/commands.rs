//! How each command changes a dossier: officials' actions, claims and reassignment, the
//! applicant's supplement, plugin results, timers, rescheduling.

use chrono::{DateTime, Utc};

use super::machine::Machine;
use super::state::{Rescheduling, Token, Waiting};
use super::{Actor, ActorKind, Event, Inputs, Refusal};
use crate::definition::{StepDef, StepId, TimerEffect};
use crate::schema::{Input, Recipient, StepKind};

impl Machine<'_> {
    /// Whether `actor` may act at a step (its role in its division, or the role it was
    /// escalated to).
    fn check_candidate(&self, step: &StepDef, token: &Token, actor: &Actor) -> Result<(), Refusal> {
        let division = step.division.clone().unwrap_or_default();
        let role = step.role.clone().unwrap_or_default();
        let escalated = token
            .escalated_to
            .as_deref()
            .is_some_and(|r| actor.has(r, &division));
        if actor.has(&role, &division) || escalated {
            Ok(())
        } else {
            Err(Refusal::WrongRole {
                step: step.key.clone(),
                division,
                role,
            })
        }
    }

    fn human_token(&self, step: &str) -> Result<(usize, StepId), Refusal> {
        let index = self.token(step)?;
        let (id, def) = self.def.step(step).ok_or_else(|| Refusal::StepNotActive {
            step: step.to_owned(),
        })?;
        if def.kind != StepKind::Human {
            return Err(Refusal::StepNotActive {
                step: step.to_owned(),
            });
        }
        Ok((index, id))
    }

    pub(super) fn act(
        &mut self,
        step: &str,
        action: &str,
        inputs: &Inputs,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        let (index, id) = self.human_token(step)?;
        let def = self.step(id).clone();
        self.check_candidate(&def, &self.s.tokens[index], actor)?;
        if let Some(assignee) = &self.s.tokens[index].assignee
            && *assignee != actor.id
        {
            return Err(Refusal::AssignedToOther {
                step: step.to_owned(),
                assignee: assignee.clone(),
            });
        }
        let a = def
            .actions
            .iter()
            .find(|a| a.key == action)
            .ok_or_else(|| Refusal::UnknownAction {
                step: step.to_owned(),
                action: action.to_owned(),
            })?;
        for input in &a.requires {
            let missing = match input {
                Input::Reason => inputs.reason.as_deref().is_none_or(|r| r.trim().is_empty()),
                Input::Documents => inputs.documents.is_empty(),
                Input::Result => inputs.result.as_deref().is_none_or(str::is_empty),
            };
            if missing {
                return Err(Refusal::MissingInput {
                    action: action.to_owned(),
                    input: match input {
                        Input::Reason => "reason",
                        Input::Documents => "documents",
                        Input::Result => "result",
                    },
                });
            }
        }
        if let Some(guard) = &a.guard
            && !guard
                .holds(&self.vars())
                .map_err(|e| Refusal::GuardError(e.to_string()))?
        {
            return Err(Refusal::GuardFalse {
                action: action.to_owned(),
                guard: guard.source().to_owned(),
            });
        }
        self.events.push(Event::ActionTaken {
            step: step.to_owned(),
            action: action.to_owned(),
            by: actor.id.clone(),
            reason: inputs.reason.clone(),
            documents: inputs.documents.clone(),
            result: inputs.result.clone(),
        });
        // The action's status and notice come before the move: the steps the dossier then
        // reaches may set statuses of their own (an end step's is the last), and closing stays
        // the last event of a dossier's history.
        if let Some(status) = a.status {
            self.set_status(status);
        }
        if !a.notify.is_empty() {
            self.events.push(Event::Notified {
                recipients: a.notify.clone(),
                step: self.step(a.to).key.clone(),
            });
        }
        self.move_token(index, a.to)
    }

    pub(super) fn claim(&mut self, step: &str, actor: &Actor) -> Result<(), Refusal> {
        let (index, id) = self.human_token(step)?;
        self.check_candidate(self.step(id), &self.s.tokens[index], actor)?;
        match &self.s.tokens[index].assignee {
            Some(a) if *a == actor.id => Ok(()),
            Some(a) => Err(Refusal::AssignedToOther {
                step: step.to_owned(),
                assignee: a.clone(),
            }),
            None => {
                self.s.tokens[index].assignee = Some(actor.id.clone());
                self.events.push(Event::Claimed {
                    step: step.to_owned(),
                    by: actor.id.clone(),
                });
                Ok(())
            }
        }
    }

    pub(super) fn release(&mut self, step: &str, actor: &Actor) -> Result<(), Refusal> {
        let (index, _) = self.human_token(step)?;
        match &self.s.tokens[index].assignee {
            Some(a) if *a == actor.id => {
                self.s.tokens[index].assignee = None;
                self.events.push(Event::Released {
                    step: step.to_owned(),
                    by: actor.id.clone(),
                });
                Ok(())
            }
            _ => Err(Refusal::NotAllowed(
                "only the official who has the step can give it back",
            )),
        }
    }

    pub(super) fn reassign(
        &mut self,
        step: &str,
        to: &Actor,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        let (index, id) = self.human_token(step)?;
        let def = self.step(id).clone();
        let division = def.division.clone().unwrap_or_default();
        if !super::may_reassign(&division, actor) {
            return Err(Refusal::NotAllowed(
                "only the division head or an agency leader can reassign a step",
            ));
        }
        self.check_candidate(&def, &self.s.tokens[index], to)?;
        let from = self.s.tokens[index].assignee.replace(to.id.clone());
        self.events.push(Event::Reassigned {
            step: step.to_owned(),
            from,
            to: to.id.clone(),
            by: actor.id.clone(),
        });
        Ok(())
    }

    pub(super) fn supplement(
        &mut self,
        documents: &[String],
        actor: &Actor,
    ) -> Result<(), Refusal> {
        if actor.kind != ActorKind::Applicant {
            return Err(Refusal::NotAllowed(
                "only the applicant supplements a dossier",
            ));
        }
        let index = self
            .s
            .tokens
            .iter()
            .position(|t| t.waiting == Waiting::Applicant)
            .ok_or(Refusal::NotWaitingForApplicant)?;
        let (id, def) = self
            .def
            .step(&self.s.tokens[index].step)
            .ok_or(Refusal::NotWaitingForApplicant)?;
        let (restart, next) = (def.restart_clock, def.next);
        self.events.push(Event::Supplemented {
            by: actor.id.clone(),
            documents: documents.to_vec(),
        });
        // Back to where handling stood before the request (the steps ahead may change it).
        if let Some(status) = self.s.status_before_supplement.take() {
            self.set_status(status);
        }
        if let Some(paused) = self.s.clock.paused_since.take() {
            let clock = &mut self.s.clock;
            let due = if restart {
                clock.time.due(self.ctx.calendar, self.ctx.now)
            } else {
                self.ctx
                    .calendar
                    .extend_for_pause(clock.due, paused, self.ctx.now)
            };
            // The deadline never moves backwards, whatever the clock rule.
            clock.due = due.max(clock.due);
            let due = clock.due;
            self.events.push(if restart {
                Event::ClockRestarted { due }
            } else {
                Event::ClockResumed { due }
            });
        }
        let next = next.ok_or_else(|| {
            Refusal::Stuck(format!(
                "the supplement step `{}` has no next step",
                self.step(id).key
            ))
        })?;
        self.move_token(index, next)
    }

    fn plugin_token(&self, step: &str) -> Result<(usize, StepId), Refusal> {
        let index = self.token(step)?;
        let not_waiting = || Refusal::NotWaitingForPlugin {
            step: step.to_owned(),
        };
        if !matches!(self.s.tokens[index].waiting, Waiting::Plugin { .. }) {
            return Err(not_waiting());
        }
        let (id, _) = self.def.step(step).ok_or_else(not_waiting)?;
        Ok((index, id))
    }

    pub(super) fn plugin_done(
        &mut self,
        step: &str,
        outcome: &str,
        output: &serde_json::Value,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        if actor.kind != ActorKind::System {
            return Err(Refusal::NotAllowed(
                "only the platform reports plugin results",
            ));
        }
        let (index, id) = self.plugin_token(step)?;
        let Some(to) = self
            .step(id)
            .outcomes
            .iter()
            .find(|(o, _)| o == outcome)
            .map(|(_, t)| *t)
        else {
            return self.plugin_failed(
                step,
                &format!(
                    "the plugin returned the outcome `{outcome}`, which the workflow does not map"
                ),
                actor,
            );
        };
        self.s
            .plugins
            .insert(step.replace('-', "_"), output.clone());
        self.events.push(Event::PluginCompleted {
            step: step.to_owned(),
            outcome: outcome.to_owned(),
            output: output.clone(),
        });
        self.move_token(index, to)
    }

    pub(super) fn plugin_failed(
        &mut self,
        step: &str,
        error: &str,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        if actor.kind != ActorKind::System {
            return Err(Refusal::NotAllowed(
                "only the platform reports plugin results",
            ));
        }
        let (index, id) = self.plugin_token(step)?;
        self.events.push(Event::PluginFailed {
            step: step.to_owned(),
            error: error.to_owned(),
        });
        match self.step(id).on_error {
            Some(to) => self.move_token(index, to),
            None => {
                if let Waiting::Plugin {
                    failures,
                    error: last,
                } = &mut self.s.tokens[index].waiting
                {
                    *failures += 1;
                    *last = Some(error.to_owned());
                }
                Ok(())
            }
        }
    }

    pub(super) fn retry_plugin(&mut self, step: &str) -> Result<(), Refusal> {
        let (_, id) = self.plugin_token(step)?;
        let def = self.step(id).clone();
        self.request_plugin(&def);
        Ok(())
    }

    pub(super) fn tick(&mut self) -> Result<(), Refusal> {
        loop {
            // The earliest due timer of any token; ties by token then timer order.
            let next = self
                .s
                .tokens
                .iter()
                .enumerate()
                .flat_map(|(ti, t)| {
                    t.timers
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| !p.fired && p.at <= self.ctx.now)
                        .map(move |(pi, p)| (p.at, t.id, ti, pi))
                })
                .min();
            let Some((_, _, ti, pi)) = next else {
                return Ok(());
            };
            self.s.tokens[ti].timers[pi].fired = true;
            let token = &self.s.tokens[ti];
            let step_key = token.step.clone();
            let Some((id, _)) = self.def.step(&step_key) else {
                continue;
            };
            let Some(timer) = self.step(id).timers.get(token.timers[pi].index).cloned() else {
                continue;
            };
            match timer.effect {
                TimerEffect::Remind(recipients) => self.events.push(Event::Reminded {
                    step: step_key,
                    recipients,
                }),
                TimerEffect::Escalate(role) => {
                    self.s.tokens[ti].escalated_to = Some(role.clone());
                    self.events.push(Event::Escalated {
                        step: step_key.clone(),
                        role,
                    });
                    self.events.push(Event::Notified {
                        recipients: vec![Recipient::Candidates],
                        step: step_key,
                    });
                }
                TimerEffect::Goto(to) => {
                    self.events.push(Event::TimeRanOut {
                        step: step_key,
                        to: self.step(to).key.clone(),
                    });
                    self.move_token(ti, to)?;
                    if self.s.is_closed() {
                        return Ok(());
                    }
                }
            }
        }
    }

    pub(super) fn reschedule(
        &mut self,
        due: DateTime<Utc>,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        if actor.kind != ActorKind::Official {
            return Err(Refusal::NotAllowed(
                "only an official reschedules a dossier",
            ));
        }
        if !self.def.reschedule {
            return Err(Refusal::RescheduleDisabled);
        }
        if self.s.clock.rescheduled.is_some() {
            return Err(Refusal::AlreadyRescheduled);
        }
        if reason.trim().is_empty() {
            return Err(Refusal::MissingInput {
                action: "reschedule".to_owned(),
                input: "reason",
            });
        }
        let current = self.s.clock.due;
        let day = self.ctx.calendar.day_length();
        if self
            .ctx
            .calendar
            .working_time_between(self.ctx.now, current)
            < day
        {
            return Err(Refusal::RescheduleTooLate { due: current });
        }
        if due <= current {
            return Err(Refusal::RescheduleNotLater { due: current });
        }
        self.s.clock.rescheduled = Some(Rescheduling {
            from: current,
            reason: reason.to_owned(),
        });
        self.s.clock.due = due;
        self.events.push(Event::Rescheduled {
            from: current,
            to: due,
            reason: reason.to_owned(),
            by: actor.id.clone(),
        });
        Ok(())
    }
}
