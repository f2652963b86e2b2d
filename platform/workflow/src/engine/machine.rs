//! The moves between steps and what entering each kind of step does; the commands themselves
//! are in `commands.rs`.

use chrono::{DateTime, Timelike, Utc};
use motcua_core::dossier::DossierStatus;
use motcua_core::procedure::ProcessingTime;
use serde_json::json;

use super::state::{Clock, Closing, DossierState, JoinState, PendingTimer, Token, Waiting};
use super::{Actor, ActorKind, Command, Context, Decision, Event, Refusal};
use crate::definition::{Definition, StepDef, StepId, TimerBase};
use crate::expr::Vars;
use crate::schema::{JoinMode, StepKind};

/// More automatic moves than this in one command means a loop the validator missed.
const MAX_MOVES: u32 = 10_000;

pub(super) struct Machine<'a> {
    pub(super) def: &'a Definition,
    pub(super) ctx: &'a Context<'a>,
    pub(super) s: DossierState,
    pub(super) events: Vec<Event>,
    moves: u32,
    /// From when the deadlines and timers of the steps entered now count: the moment itself,
    /// except at receipt, where the after-15:00 rule applies to the first steps too.
    since: DateTime<Utc>,
}

pub(super) fn start(
    def: &Definition,
    case: &str,
    time: ProcessingTime,
    ctx: &Context<'_>,
) -> Result<Decision, Refusal> {
    let due = time.due(ctx.calendar, ctx.now);
    let state = DossierState {
        version: 0,
        status: DossierStatus::Registered,
        case: case.to_owned(),
        clock: Clock {
            received_at: ctx.now,
            time,
            due,
            paused_since: None,
            rescheduled: None,
        },
        tokens: Vec::new(),
        joins: Vec::new(),
        next_token: 1,
        plugins: serde_json::Map::new(),
        status_before_supplement: None,
        closed: None,
    };
    let mut m = Machine {
        def,
        ctx,
        s: state,
        events: vec![Event::Received {
            case: case.to_owned(),
            due,
        }],
        moves: 0,
        since: ctx.calendar.intake_start(ctx.now),
    };
    m.enter(def.start, None)?;
    Ok(m.finish())
}

pub(super) fn decide(
    def: &Definition,
    state: &DossierState,
    command: &Command,
    actor: &Actor,
    ctx: &Context<'_>,
) -> Result<Decision, Refusal> {
    if state.is_closed() {
        return Err(Refusal::Closed);
    }
    let mut m = Machine {
        def,
        ctx,
        s: state.clone(),
        events: Vec::new(),
        moves: 0,
        since: ctx.now,
    };
    match command {
        Command::Act {
            step,
            action,
            inputs,
        } => m.act(step, action, inputs, actor)?,
        Command::Claim { step } => m.claim(step, actor)?,
        Command::Release { step } => m.release(step, actor)?,
        Command::Reassign { step, to } => m.reassign(step, to, actor)?,
        Command::Supplement { documents } => m.supplement(documents, actor)?,
        Command::PluginDone {
            step,
            outcome,
            output,
        } => m.plugin_done(step, outcome, output, actor)?,
        Command::PluginFailed { step, error } => m.plugin_failed(step, error, actor)?,
        Command::RetryPlugin { step } => m.retry_plugin(step)?,
        Command::Tick => m.tick()?,
        Command::Reschedule { due, reason } => m.reschedule(*due, reason, actor)?,
        Command::Withdraw { reason } => {
            if actor.kind != ActorKind::Applicant {
                return Err(Refusal::NotAllowed(
                    "only the applicant can withdraw a dossier",
                ));
            }
            m.events.push(Event::Withdrawn {
                by: actor.id.clone(),
                reason: reason.clone(),
            });
            m.close(DossierStatus::Withdrawn);
        }
        Command::Stop { reason } => {
            let senior = actor.kind == ActorKind::Official
                && actor
                    .roles
                    .iter()
                    .any(|g| g.role == "division_head" || g.role == "agency_leader");
            if !senior {
                return Err(Refusal::NotAllowed(
                    "only a division head or an agency leader can stop handling",
                ));
            }
            if reason.trim().is_empty() {
                return Err(Refusal::MissingInput {
                    action: "stop".to_owned(),
                    input: "reason",
                });
            }
            m.events.push(Event::Stopped {
                by: actor.id.clone(),
                reason: reason.clone(),
            });
            m.close(DossierStatus::Stopped);
        }
    }
    Ok(m.finish())
}

impl Machine<'_> {
    pub(super) fn finish(mut self) -> Decision {
        self.s.version += 1;
        Decision {
            events: self.events,
            state: self.s,
        }
    }

    pub(super) fn step(&self, id: StepId) -> &StepDef {
        &self.def.steps[id]
    }

    pub(super) fn set_status(&mut self, to: DossierStatus) {
        if self.s.status != to {
            self.events.push(Event::StatusChanged {
                from: self.s.status,
                to,
            });
            self.s.status = to;
        }
    }

    pub(super) fn vars(&self) -> Vars {
        let dossier = json!({
            "status": self.s.status.as_str(),
            "case": self.s.case,
            "channel": self.ctx.channel.as_str(),
            "applicant_kind": self.ctx.applicant_kind,
        });
        Vars::new()
            .with_json("form", self.ctx.form)
            .with_json("dossier", &dossier)
            .with_json(
                "plugins",
                &serde_json::Value::Object(self.s.plugins.clone()),
            )
            .with_time("now", self.ctx.now)
    }

    /// The index of the active token at `step`.
    pub(super) fn token(&self, step: &str) -> Result<usize, Refusal> {
        self.s
            .tokens
            .iter()
            .position(|t| t.step == step)
            .ok_or_else(|| Refusal::StepNotActive {
                step: step.to_owned(),
            })
    }

    pub(super) fn new_token(
        &mut self,
        step: StepId,
        group: Option<u32>,
        waiting: Waiting,
    ) -> Token {
        let id = self.s.next_token;
        self.s.next_token += 1;
        let def = self.step(step);
        let due = def
            .deadline
            .map(|d| d.after(self.ctx.calendar, self.ctx.now));
        let timers = def
            .timers
            .iter()
            .enumerate()
            .filter_map(|(index, t)| {
                let at = match t.base {
                    TimerBase::After(d) => d.after(self.ctx.calendar, self.since),
                    TimerBase::BeforeDue(d) => before(self.ctx, self.since, due?, d)?,
                };
                Some(PendingTimer {
                    index,
                    at,
                    fired: false,
                })
            })
            .collect();
        Token {
            id,
            step: def.key.clone(),
            entered_at: self.ctx.now,
            due,
            assignee: None,
            escalated_to: None,
            timers,
            group,
            waiting,
        }
    }

    /// Takes the token at `index` off its step.
    pub(super) fn leave(&mut self, index: usize) -> Token {
        let token = self.s.tokens.remove(index);
        self.events.push(Event::StepLeft {
            step: token.step.clone(),
            token: token.id,
        });
        token
    }

    /// The dossier arrives at `id` (within parallel split `group`); automatic steps move on at
    /// once.
    pub(super) fn enter(&mut self, id: StepId, group: Option<u32>) -> Result<(), Refusal> {
        self.moves += 1;
        if self.moves > MAX_MOVES {
            return Err(Refusal::Stuck(format!(
                "more than {MAX_MOVES} automatic moves"
            )));
        }
        let step = self.step(id).clone();
        if let Some(status) = step.status {
            self.set_status(status);
        }
        match step.kind {
            StepKind::Human | StepKind::Auto | StepKind::Supplement => {
                let waiting = match step.kind {
                    StepKind::Human => Waiting::Officials,
                    StepKind::Auto => Waiting::Plugin {
                        failures: 0,
                        error: None,
                    },
                    _ => Waiting::Applicant,
                };
                let token = self.new_token(id, group, waiting);
                self.events.push(Event::StepEntered {
                    step: step.key.clone(),
                    token: token.id,
                    due: token.due,
                });
                self.s.tokens.push(token);
                match step.kind {
                    StepKind::Auto => self.request_plugin(&step),
                    StepKind::Supplement => {
                        if step.status.is_none() {
                            if self.s.status_before_supplement.is_none() {
                                self.s.status_before_supplement = Some(self.s.status);
                            }
                            self.set_status(DossierStatus::SupplementRequested);
                        }
                        if self.s.clock.paused_since.is_none() {
                            self.s.clock.paused_since = Some(self.ctx.now);
                            self.events.push(Event::ClockPaused);
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            StepKind::Decision => {
                self.pass_through(&step);
                let vars = self.vars();
                let mut chosen = None;
                for (expr, to) in &step.routes {
                    if expr
                        .holds(&vars)
                        .map_err(|e| Refusal::GuardError(e.to_string()))?
                    {
                        chosen = Some((*to, Some(expr.source().to_owned())));
                        break;
                    }
                }
                let (to, condition) = match (chosen, step.next) {
                    (Some(c), _) => c,
                    (None, Some(next)) => (next, None),
                    (None, None) => {
                        return Err(Refusal::Stuck(format!("no route of `{}` holds", step.key)));
                    }
                };
                self.events.push(Event::RouteChosen {
                    step: step.key.clone(),
                    to: self.step(to).key.clone(),
                    condition,
                });
                self.enter(to, group)
            }
            StepKind::Parallel => {
                self.pass_through(&step);
                let Some(join) = step.join else {
                    return Err(Refusal::Stuck(format!("`{}` has no join", step.key)));
                };
                let branches = u32::try_from(step.branches.len()).unwrap_or(u32::MAX);
                let needed = match self.step(join).wait_for {
                    JoinMode::All => branches,
                    JoinMode::Any => 1,
                    JoinMode::AtLeast(n) => n.min(branches),
                };
                let split = self.s.next_token;
                self.s.next_token += 1;
                self.s.joins.push(JoinState {
                    group: split,
                    join: self.step(join).key.clone(),
                    arrived: 0,
                    needed,
                    parent: group,
                });
                for branch in step.branches.clone() {
                    self.enter(branch, Some(split))?;
                }
                Ok(())
            }
            StepKind::Join => self.arrive_at_join(&step, group),
            StepKind::End => {
                self.pass_through(&step);
                let outcome = step.outcome.unwrap_or(DossierStatus::Returned);
                self.close(outcome);
                Ok(())
            }
        }
    }

    /// Records a step that takes no time.
    pub(super) fn pass_through(&mut self, step: &StepDef) {
        let token = self.s.next_token;
        self.s.next_token += 1;
        self.events.push(Event::StepEntered {
            step: step.key.clone(),
            token,
            due: None,
        });
        self.events.push(Event::StepLeft {
            step: step.key.clone(),
            token,
        });
    }

    pub(super) fn arrive_at_join(
        &mut self,
        step: &StepDef,
        group: Option<u32>,
    ) -> Result<(), Refusal> {
        let Some(pos) = group.and_then(|g| {
            self.s
                .joins
                .iter()
                .position(|j| j.group == g && j.join == step.key)
        }) else {
            // Not from a branch of this join (the validator prevents it): pass on.
            self.pass_through(step);
            return match step.next {
                Some(next) => self.enter(next, group),
                None => Err(Refusal::Stuck(format!(
                    "the join `{}` has no next step",
                    step.key
                ))),
            };
        };
        let join = &mut self.s.joins[pos];
        join.arrived += 1;
        let (arrived, needed, split, parent) = (join.arrived, join.needed, join.group, join.parent);
        self.events.push(Event::Joined {
            join: step.key.clone(),
            arrived,
            needed,
        });
        if arrived < needed {
            return Ok(());
        }
        self.s.joins.remove(pos);
        // Branches no longer needed are cancelled, nested splits included.
        let mut cancelled_groups = vec![split];
        let mut i = 0;
        while i < cancelled_groups.len() {
            let g = cancelled_groups[i];
            cancelled_groups.extend(
                self.s
                    .joins
                    .iter()
                    .filter(|j| j.parent == Some(g))
                    .map(|j| j.group),
            );
            i += 1;
        }
        self.s
            .joins
            .retain(|j| !cancelled_groups.contains(&j.group));
        while let Some(index) = self
            .s
            .tokens
            .iter()
            .position(|t| t.group.is_some_and(|g| cancelled_groups.contains(&g)))
        {
            let token = self.leave(index);
            self.events.push(Event::BranchCancelled {
                step: token.step,
                token: token.id,
            });
        }
        self.pass_through(step);
        match step.next {
            Some(next) => self.enter(next, parent),
            None => Err(Refusal::Stuck(format!(
                "the join `{}` has no next step",
                step.key
            ))),
        }
    }

    pub(super) fn request_plugin(&mut self, step: &StepDef) {
        self.events.push(Event::PluginRequested {
            step: step.key.clone(),
            plugin: step
                .plugin
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            config: step.config.clone(),
        });
    }

    pub(super) fn close(&mut self, outcome: DossierStatus) {
        while !self.s.tokens.is_empty() {
            self.leave(0);
        }
        self.s.joins.clear();
        // Nothing waits on the applicant any more.
        self.s.clock.paused_since = None;
        self.set_status(outcome);
        let timeliness = (outcome == DossierStatus::Returned)
            .then(|| self.ctx.calendar.timeliness(self.s.clock.due, self.ctx.now));
        self.events.push(Event::Closed {
            outcome,
            timeliness,
        });
        self.s.closed = Some(Closing {
            at: self.ctx.now,
            outcome,
            timeliness,
        });
    }

    /// Moves the token at `index` to `to`, keeping its split.
    pub(super) fn move_token(&mut self, index: usize, to: StepId) -> Result<(), Refusal> {
        let token = self.leave(index);
        self.enter(to, token.group)
    }
}

/// The instant `d` of working time before `due`: bisection on the working time left, which only
/// shrinks as the instant moves towards `due`, down to the nanosecond, then to the second.
fn before(
    ctx: &Context<'_>,
    since: DateTime<Utc>,
    due: DateTime<Utc>,
    d: ProcessingTime,
) -> Option<DateTime<Utc>> {
    let day_hours = ctx.calendar.day_length().num_minutes() as f64 / 60.0;
    let wanted = chrono::TimeDelta::seconds((d.working_hours(day_hours) * 3600.0) as i64);
    let (mut lo, mut hi) = (since, due);
    if ctx.calendar.working_time_between(lo, hi) <= wanted {
        return Some(lo);
    }
    while hi - lo > chrono::TimeDelta::nanoseconds(1) {
        let mid = lo + (hi - lo) / 2;
        if ctx.calendar.working_time_between(mid, due) > wanted {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // To the nearest second: the bisection ends within a nanosecond of the exact instant.
    let rounded = hi.with_nanosecond(0)?;
    Some(if hi - rounded >= chrono::TimeDelta::milliseconds(500) {
        rounded + chrono::TimeDelta::seconds(1)
    } else {
        rounded
    })
}
