//! Playing a scripted scenario through a procedure: what designers use to try a workflow before
//! publishing it, and what the demo procedures ship as regression tests.
//!
//! ```yaml
//! received: 2026-03-02T09:00:00+07:00
//! case: nha-o-rieng-le            # default: the first case
//! form: { area: 320 }
//! officials:
//!   lan: [receiver@trung-tam-phvhcc]
//!   minh: [specialist@so-xay-dung]
//! steps:
//!   - at: 2026-03-02T10:00:00+07:00
//!     by: lan
//!     act: { step: tiep-nhan, action: tiep-nhan }
//!   - at: 2026-03-02T10:05:00+07:00
//!     plugin: { step: tinh-phi, outcome: ok, output: { amount: 150000 } }
//!   - at: 2026-03-04T09:00:00+07:00
//!     by: applicant
//!     supplement: [ban-ve]
//!   - at: 2026-03-05T09:00:00+07:00
//!     by: minh
//!     act: { step: tham-dinh, action: duyet }
//!     refused: wrong_role          # this step is expected to be refused, with this code
//!   - at: 2026-03-06T09:00:00+07:00
//!     expect: { at: [tham-dinh], status: processing }
//! expect:
//!   outcome: returned
//!   timeliness: early
//!   due: 2026-03-23T09:00:00+07:00
//! ```
//!
//! Time only moves forward. Before each step, the timers that fall due up to its time fire at
//! their own times, as they would on a running platform.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::lang::Lang;

use crate::engine::{self, Actor, Command, Context, DossierState, Event, Inputs, RoleGrant};

mod scenario;

use crate::procedure::Procedure;
pub use scenario::{
    ActStep, Expect, PluginStep, ReassignStep, RescheduleStep, Scenario, ScenarioStep, StepDue,
};

/// What a simulation printed and found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The timeline, one line per event.
    pub timeline: String,
    /// Expectations that did not hold, and commands that failed unexpectedly.
    pub failures: Vec<String>,
    /// The final state.
    pub state: Option<DossierState>,
}

impl Outcome {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

fn actor(scenario: &Scenario, by: Option<&str>) -> Result<Actor, String> {
    match by {
        None | Some("system") => Ok(Actor::system()),
        Some("applicant") => Ok(Actor::applicant("applicant")),
        Some(name) => {
            let grants = scenario.officials.get(name).ok_or_else(|| {
                format!("unknown official `{name}`; declare them under `officials:`")
            })?;
            let roles = grants
                .iter()
                .map(|g| {
                    g.split_once('@')
                        .map(|(role, division)| RoleGrant {
                            role: role.to_owned(),
                            division: division.to_owned(),
                        })
                        .ok_or_else(|| format!("`{g}` is not `role@division`"))
                })
                .collect::<Result<_, _>>()?;
            Ok(Actor {
                id: name.to_owned(),
                kind: engine::ActorKind::Official,
                roles,
            })
        }
    }
}

/// Runs `scenario` through `procedure` on `calendar`, writing times in `zone`.
pub fn run(
    procedure: &Procedure,
    scenario: &Scenario,
    calendar: &WorkingCalendar,
    lang: Lang,
) -> Outcome {
    let mut out = Outcome {
        timeline: String::new(),
        failures: Vec::new(),
        state: None,
    };
    let zone = *scenario.received.offset();
    let show = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    let info = &procedure.file.info;
    let case = scenario
        .case
        .clone()
        .or_else(|| info.cases.first().map(|c| c.key.to_string()))
        .unwrap_or_default();
    let Some(case_def) = info.cases.iter().find(|c| c.key.as_str() == case) else {
        out.failures
            .push(format!("the procedure has no case `{case}`"));
        return out;
    };
    let time = case_def.time.unwrap_or(info.time);
    if let Some(title) = &scenario.title {
        let _ = writeln!(out.timeline, "# {title}");
    }
    let _ = writeln!(
        out.timeline,
        "# {} — {}",
        info.name.get(lang),
        procedure.file.info.code
    );
    let def = &procedure.definition;
    let received = scenario.received.with_timezone(&Utc);
    // The scenario's form passes the e-form's rules, as a real submission would have to.
    let form = match procedure.form.validate(&scenario.form, received) {
        Ok(form) => form,
        Err(errors) => {
            for e in errors {
                out.failures.push(format!(
                    "the scenario's form: {}: {} ({})",
                    e.field,
                    e.message.get(lang),
                    e.code
                ));
            }
            return out;
        }
    };
    let ctx = |now| Context {
        now,
        calendar,
        form: &form,
        channel: scenario.channel,
        applicant_kind: scenario.applicant_kind,
    };
    let mut state = match engine::start(def, &case, time, &ctx(received)) {
        Ok(d) => {
            write_events(
                &mut out.timeline,
                &show(received),
                "received",
                &d.events,
                &show,
            );
            d.state
        }
        Err(r) => {
            out.failures
                .push(format!("receiving the dossier was refused: {r}"));
            return out;
        }
    };
    let mut now = received;
    for (i, step) in scenario.steps.iter().enumerate() {
        let at = step.at.with_timezone(&Utc);
        if at < now {
            out.failures.push(format!(
                "step {}: time goes backwards ({} before {})",
                i + 1,
                show(at),
                show(now)
            ));
            break;
        }
        // Timers falling due before this step fire at their own times.
        while let Some(t) = next_timer(&state).filter(|t| *t <= at) {
            match engine::decide(def, &state, &Command::Tick, &Actor::system(), &ctx(t), None) {
                Ok(d) => {
                    write_events(&mut out.timeline, &show(t), "timer", &d.events, &show);
                    state = d.state;
                }
                Err(r) => {
                    out.failures
                        .push(format!("a timer at {} failed: {r}", show(t)));
                    break;
                }
            }
        }
        now = at;
        if let Some(expect) = &step.expect {
            check(
                &state,
                expect,
                &format!("step {}", i + 1),
                &mut out.failures,
                &show,
            );
        }
        let command = match command(scenario, step) {
            Ok(Some(c)) => c,
            Ok(None) => continue,
            Err(e) => {
                out.failures.push(format!("step {}: {e}", i + 1));
                continue;
            }
        };
        let who = step.by.clone().unwrap_or_else(|| "system".to_owned());
        let actor = match actor(scenario, step.by.as_deref()) {
            Ok(a) => a,
            Err(e) => {
                out.failures.push(format!("step {}: {e}", i + 1));
                continue;
            }
        };
        match (
            engine::decide(def, &state, &command, &actor, &ctx(at), Some(state.version)),
            &step.refused,
        ) {
            (Ok(d), None) => {
                write_events(&mut out.timeline, &show(at), &who, &d.events, &show);
                state = d.state;
            }
            (Ok(_), Some(code)) => out.failures.push(format!(
                "step {}: expected a refusal `{code}`, but it was accepted",
                i + 1
            )),
            (Err(r), Some(code)) if r.code() == code => {
                let _ = writeln!(
                    out.timeline,
                    "{}  {who:<10} refused ({}): {r}",
                    show(at),
                    r.code()
                );
            }
            (Err(r), _) => {
                let _ = writeln!(
                    out.timeline,
                    "{}  {who:<10} refused ({}): {r}",
                    show(at),
                    r.code()
                );
                out.failures
                    .push(format!("step {}: refused ({}): {r}", i + 1, r.code()));
            }
        }
    }
    let _ = writeln!(
        out.timeline,
        "# status: {} ({}){}; due {}",
        state.status.label(lang),
        state.status.national_code(),
        state
            .closed
            .as_ref()
            .and_then(|c| c.timeliness)
            .map(|t| format!(", {}", t.name(lang)))
            .unwrap_or_default(),
        show(state.clock.due)
    );
    if let Some(expect) = &scenario.expect {
        check(&state, expect, "at the end", &mut out.failures, &show);
    }
    out.state = Some(state);
    out
}

fn next_timer(state: &DossierState) -> Option<DateTime<Utc>> {
    state
        .tokens
        .iter()
        .flat_map(|t| t.timers.iter())
        .filter(|p| !p.fired)
        .map(|p| p.at)
        .min()
}

fn command(scenario: &Scenario, step: &ScenarioStep) -> Result<Option<Command>, String> {
    let mut commands = Vec::new();
    if let Some(a) = &step.act {
        commands.push(Command::Act {
            step: a.step.clone(),
            action: a.action.clone(),
            inputs: Inputs {
                reason: a.reason.clone(),
                documents: a.documents.clone(),
                result: a.result.clone(),
            },
        });
    }
    if let Some(s) = &step.claim {
        commands.push(Command::Claim { step: s.clone() });
    }
    if let Some(r) = &step.reassign {
        commands.push(Command::Reassign {
            step: r.step.clone(),
            to: actor(scenario, Some(&r.to))?,
        });
    }
    if let Some(docs) = &step.supplement {
        commands.push(Command::Supplement {
            documents: docs.clone(),
        });
    }
    if let Some(p) = &step.plugin {
        commands.push(match (&p.outcome, &p.error) {
            (Some(outcome), None) => Command::PluginDone {
                step: p.step.clone(),
                outcome: outcome.clone(),
                output: p.output.clone(),
            },
            (None, Some(error)) => Command::PluginFailed {
                step: p.step.clone(),
                error: error.clone(),
            },
            _ => return Err("a plugin step has either `outcome` or `error`".to_owned()),
        });
    }
    if let Some(r) = &step.reschedule {
        commands.push(Command::Reschedule {
            due: r.due.with_timezone(&Utc),
            reason: r.reason.clone(),
        });
    }
    if let Some(reason) = &step.withdraw {
        commands.push(Command::Withdraw {
            reason: reason.clone(),
        });
    }
    if let Some(reason) = &step.stop {
        commands.push(Command::Stop {
            reason: reason.clone(),
        });
    }
    match commands.len() {
        0 | 1 => Ok(commands.pop()),
        _ => Err("one thing per step: act, claim, reassign, supplement, plugin, reschedule, withdraw or stop".to_owned()),
    }
}

fn check(
    state: &DossierState,
    expect: &Expect,
    when: &str,
    failures: &mut Vec<String>,
    show: &dyn Fn(DateTime<Utc>) -> String,
) {
    if let Some(at) = &expect.at {
        let mut actual: Vec<&str> = state.tokens.iter().map(|t| t.step.as_str()).collect();
        let mut wanted: Vec<&str> = at.iter().map(String::as_str).collect();
        actual.sort_unstable();
        wanted.sort_unstable();
        if actual != wanted {
            failures.push(format!(
                "{when}: expected the dossier at {wanted:?}, it is at {actual:?}"
            ));
        }
    }
    if let Some(status) = expect.status
        && status != state.status
    {
        failures.push(format!(
            "{when}: expected status `{}`, it is `{}`",
            status.as_str(),
            state.status.as_str()
        ));
    }
    if let Some(outcome) = expect.outcome {
        match &state.closed {
            Some(c) if c.outcome == outcome => {}
            Some(c) => failures.push(format!(
                "{when}: expected to end `{}`, it ended `{}`",
                outcome.as_str(),
                c.outcome.as_str()
            )),
            None => failures.push(format!(
                "{when}: expected to end `{}`, it is still open",
                outcome.as_str()
            )),
        }
    }
    if let Some(t) = expect.timeliness {
        let actual = state.closed.as_ref().and_then(|c| c.timeliness);
        if actual != Some(t) {
            failures.push(format!("{when}: expected the result {t:?}, got {actual:?}"));
        }
    }
    if let Some(due) = expect.due
        && due.with_timezone(&Utc) != state.clock.due
    {
        failures.push(format!(
            "{when}: expected the dossier due {}, it is due {}",
            show(due.with_timezone(&Utc)),
            show(state.clock.due)
        ));
    }
    if let Some(sd) = &expect.step_due {
        let actual = state.token_at(&sd.step).and_then(|t| t.due);
        if actual != Some(sd.due.with_timezone(&Utc)) {
            failures.push(format!(
                "{when}: expected step `{}` due {}, it is {}",
                sd.step,
                show(sd.due.with_timezone(&Utc)),
                actual.map_or_else(|| "not due (or not active)".to_owned(), show)
            ));
        }
    }
}

fn write_events(
    out: &mut String,
    at: &str,
    who: &str,
    events: &[Event],
    show: &dyn Fn(DateTime<Utc>) -> String,
) {
    for e in events {
        let line = match e {
            Event::Received { case, due } => format!("received (case {case}); due {}", show(*due)),
            Event::StepEntered {
                step,
                due: Some(due),
                ..
            } => format!("→ {step} (due {})", show(*due)),
            Event::StepEntered {
                step, due: None, ..
            } => format!("→ {step}"),
            Event::StepLeft { .. } => continue,
            Event::ActionTaken {
                step,
                action,
                reason,
                ..
            } => match reason {
                Some(r) => format!("{step}: {action} — {r}"),
                None => format!("{step}: {action}"),
            },
            Event::StatusChanged { to, .. } => {
                format!("status {} ({})", to.as_str(), to.national_code())
            }
            Event::ClockPaused => "clock paused".to_owned(),
            Event::ClockRestarted { due } => format!("clock restarted; due {}", show(*due)),
            Event::ClockResumed { due } => format!("clock resumed; due {}", show(*due)),
            Event::Rescheduled { to, reason, .. } => {
                format!("rescheduled to {} — {reason}", show(*to))
            }
            Event::Closed {
                outcome,
                timeliness,
            } => format!(
                "closed: {}{}",
                outcome.as_str(),
                timeliness.map(|t| format!(" ({t:?})")).unwrap_or_default()
            ),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| {
                    let mut map = v.as_object()?.clone();
                    let kind = map.remove("type")?;
                    Some(format!(
                        "{} {}",
                        kind.as_str()?,
                        serde_json::Value::Object(map)
                    ))
                })
                .unwrap_or_default(),
        };
        let _ = writeln!(out, "{at}  {who:<10} {line}");
    }
}
