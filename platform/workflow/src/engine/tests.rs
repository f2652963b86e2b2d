use chrono::{DateTime, Utc};
use motcua_core::calendar::{Timeliness, WorkingCalendar};
use motcua_core::dossier::{ApplicantKind, Channel, DossierStatus};
use serde_json::json;

use super::*;
use crate::testing::{calendar, permit};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Run {
    procedure: crate::procedure::Procedure,
    calendar: WorkingCalendar,
    form: serde_json::Value,
    state: DossierState,
    events: Vec<Event>,
}

fn receiver() -> Actor {
    Actor::official("lan", &[("receiver", "mot-cua")])
}
fn builder() -> Actor {
    Actor::official("minh", &[("specialist", "so-xay-dung")])
}
fn fireman() -> Actor {
    Actor::official("hung", &[("specialist", "phong-chay")])
}
fn head() -> Actor {
    Actor::official("thu", &[("division_head", "so-xay-dung")])
}

impl Run {
    fn new(area: f64, at: &str) -> Self {
        let procedure = permit();
        let calendar = calendar();
        let form = json!({ "area": area });
        let ctx = Context {
            now: t(at),
            calendar: &calendar,
            form: &form,
            channel: Channel::Online,
            applicant_kind: ApplicantKind::Citizen,
        };
        let d = start(
            &procedure.definition,
            "nha-o",
            procedure.file.info.time,
            &ctx,
        )
        .unwrap();
        Self {
            procedure,
            calendar,
            form,
            state: d.state,
            events: d.events,
        }
    }

    fn try_do(&mut self, at: &str, actor: &Actor, command: Command) -> Result<Vec<Event>, Refusal> {
        let ctx = Context {
            now: t(at),
            calendar: &self.calendar,
            form: &self.form,
            channel: Channel::Online,
            applicant_kind: ApplicantKind::Citizen,
        };
        let before = self.state.clone();
        let d = decide(
            &self.procedure.definition,
            &self.state,
            &command,
            actor,
            &ctx,
            Some(self.state.version),
        )?;
        assert_eq!(d.state.version, before.version + 1);
        self.state = d.state;
        self.events.extend(d.events.clone());
        Ok(d.events)
    }

    fn ok(&mut self, at: &str, actor: &Actor, command: Command) -> Vec<Event> {
        self.try_do(at, actor, command)
            .unwrap_or_else(|r| panic!("refused: {r}"))
    }

    fn act(&mut self, at: &str, actor: &Actor, step: &str, action: &str) -> Vec<Event> {
        self.ok(at, actor, act(step, action, Inputs::default()))
    }

    fn at(&self) -> Vec<&str> {
        let mut steps: Vec<&str> = self.state.tokens.iter().map(|t| t.step.as_str()).collect();
        steps.sort_unstable();
        steps
    }
}

fn act(step: &str, action: &str, inputs: Inputs) -> Command {
    Command::Act {
        step: step.into(),
        action: action.into(),
        inputs,
    }
}

fn with_result() -> Inputs {
    Inputs {
        result: Some("giay-phep.pdf".into()),
        ..Inputs::default()
    }
}

fn fee_done() -> Command {
    Command::PluginDone {
        step: "tinh-phi".into(),
        outcome: "ok".into(),
        output: json!({ "amount": 150000 }),
    }
}

#[test]
fn a_small_house_goes_through_every_kind_of_step_to_its_result() {
    // Monday 2 March 2026, 09:00 Vietnam time; 15 working days.
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    assert_eq!(r.state.clock.due, t("2026-03-23T09:00:00+07:00"));
    assert_eq!(r.at(), ["tiep-nhan"]);
    assert_eq!(
        r.state.status,
        DossierStatus::Registered,
        "not accepted before the desk has checked it"
    );
    assert_eq!(
        r.state.token_at("tiep-nhan").unwrap().due,
        Some(t("2026-03-02T15:00:00+07:00")),
        "4 working hours across lunch"
    );

    let events = r.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    assert!(events.iter().any(
        |e| matches!(e, Event::PluginRequested { plugin, .. } if plugin == "fee-calculator@1.0.0")
    ));
    assert_eq!(r.at(), ["tinh-phi"]);
    assert_eq!(
        r.state.status,
        DossierStatus::Accepted,
        "the desk's forward accepts it"
    );

    r.ok("2026-03-02T10:01:00+07:00", &Actor::system(), fee_done());
    assert_eq!(r.at(), ["pccc", "xay-dung"], "both branches run at once");
    assert_eq!(r.state.plugins["tinh_phi"]["amount"], 150000);
    assert_eq!(r.state.status, DossierStatus::Processing);

    let events = r.act("2026-03-04T09:00:00+07:00", &builder(), "xay-dung", "dat");
    assert!(events.contains(&Event::Joined {
        join: "hop".into(),
        arrived: 1,
        needed: 2
    }));
    assert_eq!(r.at(), ["pccc"], "the join waits for the other branch");

    let events = r.act("2026-03-05T09:00:00+07:00", &fireman(), "pccc", "dat");
    assert!(events.iter().any(|e| matches!(e, Event::RouteChosen { to, condition: None, .. } if to == "truong-phong-duyet")));
    assert_eq!(r.at(), ["truong-phong-duyet"]);

    r.ok(
        "2026-03-06T09:00:00+07:00",
        &head(),
        act("truong-phong-duyet", "duyet", with_result()),
    );
    assert_eq!(r.state.status, DossierStatus::Processed);
    let events = r.act(
        "2026-03-06T10:00:00+07:00",
        &receiver(),
        "tra-ket-qua",
        "tra",
    );
    assert!(events.contains(&Event::Notified {
        recipients: vec![crate::schema::Recipient::Applicant],
        step: "da-tra".into()
    }));
    let closing = r.state.closed.clone().unwrap();
    assert_eq!(closing.outcome, DossierStatus::Returned);
    assert_eq!(closing.timeliness, Some(Timeliness::Early));
    assert!(r.state.tokens.is_empty());

    // Nothing more can happen to it.
    let err = r.try_do(
        "2026-03-07T10:00:00+07:00",
        &receiver(),
        act("tra-ket-qua", "tra", Inputs::default()),
    );
    assert_eq!(err, Err(Refusal::Closed));
}

#[test]
fn a_large_building_needs_the_leader_and_the_guard_holds() {
    let mut r = Run::new(320.0, "2026-03-02T09:00:00+07:00");
    r.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    r.ok("2026-03-02T10:01:00+07:00", &Actor::system(), fee_done());
    r.act("2026-03-03T09:00:00+07:00", &builder(), "xay-dung", "dat");
    let events = r.act("2026-03-03T10:00:00+07:00", &fireman(), "pccc", "dat");
    assert!(events.iter().any(|e| matches!(e, Event::RouteChosen { to, condition: Some(c), .. } if to == "lanh-dao-duyet" && c == "form.area > 250.0")));
    let leader = Actor::official("chu-tich", &[("agency_leader", "lanh-dao")]);
    r.ok(
        "2026-03-04T09:00:00+07:00",
        &leader,
        act("lanh-dao-duyet", "duyet", with_result()),
    );

    let mut huge = Run::new(20000.0, "2026-03-02T09:00:00+07:00");
    huge.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    huge.ok("2026-03-02T10:01:00+07:00", &Actor::system(), fee_done());
    huge.act("2026-03-03T09:00:00+07:00", &builder(), "xay-dung", "dat");
    huge.act("2026-03-03T10:00:00+07:00", &fireman(), "pccc", "dat");
    let err = huge.try_do(
        "2026-03-04T09:00:00+07:00",
        &leader,
        act("lanh-dao-duyet", "duyet", with_result()),
    );
    assert_eq!(
        err,
        Err(Refusal::GuardFalse {
            action: "duyet".into(),
            guard: "form.area < 10000.0".into()
        })
    );
}

#[test]
fn refusals_say_why_and_change_nothing() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    let before = r.state.clone();
    let at = "2026-03-02T10:00:00+07:00";
    assert_eq!(
        r.try_do(
            at,
            &builder(),
            act("tiep-nhan", "chuyen", Inputs::default())
        )
        .unwrap_err()
        .code(),
        "wrong_role"
    );
    assert_eq!(
        r.try_do(at, &receiver(), act("xay-dung", "dat", Inputs::default()))
            .unwrap_err()
            .code(),
        "step_not_active"
    );
    assert_eq!(
        r.try_do(
            at,
            &receiver(),
            act("tiep-nhan", "duyet", Inputs::default())
        )
        .unwrap_err()
        .code(),
        "unknown_action"
    );
    assert_eq!(
        r.try_do(
            at,
            &receiver(),
            act("tiep-nhan", "tu-choi", Inputs::default())
        ),
        Err(Refusal::MissingInput {
            action: "tu-choi".into(),
            input: "reason"
        })
    );
    assert_eq!(
        r.try_do(
            at,
            &Actor::applicant("a"),
            Command::Supplement { documents: vec![] }
        )
        .unwrap_err()
        .code(),
        "not_waiting_for_applicant"
    );
    assert_eq!(
        r.try_do(at, &receiver(), fee_done()).unwrap_err().code(),
        "not_allowed"
    );
    assert_eq!(
        r.try_do(at, &Actor::system(), fee_done())
            .unwrap_err()
            .code(),
        "step_not_active"
    );
    assert_eq!(
        r.try_do(
            at,
            &receiver(),
            Command::Withdraw {
                reason: String::new()
            }
        )
        .unwrap_err()
        .code(),
        "not_allowed"
    );
    assert_eq!(r.state, before);

    // Two officials at once: the second holds a stale version.
    let ctx = Context {
        now: t(at),
        calendar: &r.calendar,
        form: &r.form,
        channel: Channel::Online,
        applicant_kind: ApplicantKind::Citizen,
    };
    let stale = decide(
        &r.procedure.definition,
        &r.state,
        &Command::Tick,
        &Actor::system(),
        &ctx,
        Some(r.state.version + 1),
    );
    assert_eq!(stale.unwrap_err().code(), "stale_version");
}

#[test]
fn claiming_and_reassigning() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    r.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    r.ok("2026-03-02T10:01:00+07:00", &Actor::system(), fee_done());
    let other = Actor::official("an", &[("specialist", "so-xay-dung")]);
    r.ok(
        "2026-03-02T11:00:00+07:00",
        &builder(),
        Command::Claim {
            step: "xay-dung".into(),
        },
    );
    let err = r.try_do(
        "2026-03-02T11:01:00+07:00",
        &other,
        act("xay-dung", "dat", Inputs::default()),
    );
    assert_eq!(
        err,
        Err(Refusal::AssignedToOther {
            step: "xay-dung".into(),
            assignee: "minh".into()
        })
    );
    assert_eq!(
        r.try_do(
            "2026-03-02T11:02:00+07:00",
            &other,
            Command::Reassign {
                step: "xay-dung".into(),
                to: other.clone()
            }
        )
        .unwrap_err()
        .code(),
        "not_allowed",
        "a specialist cannot reassign"
    );
    r.ok(
        "2026-03-02T11:03:00+07:00",
        &head(),
        Command::Reassign {
            step: "xay-dung".into(),
            to: other.clone(),
        },
    );
    assert_eq!(
        r.state.token_at("xay-dung").unwrap().assignee.as_deref(),
        Some("an")
    );
    r.act("2026-03-02T11:04:00+07:00", &other, "xay-dung", "dat");
}

#[test]
fn the_supplement_loop_stops_the_clock_and_restarts_it() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    let reason = Inputs {
        reason: Some("Thiếu bản vẽ thiết kế".into()),
        ..Inputs::default()
    };
    let events = r.ok(
        "2026-03-03T09:00:00+07:00",
        &receiver(),
        act("tiep-nhan", "bo-sung", reason),
    );
    assert!(events.contains(&Event::ClockPaused));
    assert_eq!(r.state.status, DossierStatus::SupplementRequested);
    assert_eq!(r.at(), ["cho-bo-sung"]);
    // Supplemented a week later: the 15 working days start again from then.
    let events = r.ok(
        "2026-03-10T10:00:00+07:00",
        &Actor::applicant("a"),
        Command::Supplement {
            documents: vec!["ban-ve.pdf".into()],
        },
    );
    assert!(events.contains(&Event::ClockRestarted {
        due: t("2026-03-31T10:00:00+07:00")
    }));
    assert_eq!(r.state.clock.due, t("2026-03-31T10:00:00+07:00"));
    assert_eq!(r.at(), ["tiep-nhan"]);
    assert_eq!(
        r.state.status,
        DossierStatus::Registered,
        "back to where it stood before the request"
    );
}

#[test]
fn an_unanswered_supplement_request_runs_out_and_stops() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    let reason = Inputs {
        reason: Some("Thiếu giấy tờ".into()),
        ..Inputs::default()
    };
    r.ok(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        act("tiep-nhan", "bo-sung", reason),
    );
    let timer = r.state.token_at("cho-bo-sung").unwrap().timers[0].at;
    assert_eq!(
        timer,
        t("2026-04-01T17:00:00+07:00"),
        "30 calendar days: the end of that (working) day"
    );
    r.ok("2026-04-01T10:00:00+07:00", &Actor::system(), Command::Tick);
    assert_eq!(r.at(), ["cho-bo-sung"], "not yet");
    let events = r.ok("2026-04-01T17:00:00+07:00", &Actor::system(), Command::Tick);
    assert!(events.contains(&Event::TimeRanOut {
        step: "cho-bo-sung".into(),
        to: "dung-xu-ly".into()
    }));
    assert_eq!(
        r.state.closed.as_ref().unwrap().outcome,
        DossierStatus::Stopped
    );
}

#[test]
fn timers_remind_then_escalate() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    r.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    r.ok("2026-03-02T10:01:00+07:00", &Actor::system(), fee_done());
    let token = r.state.token_at("xay-dung").unwrap().clone();
    // 5 working days from Monday 10:01 → Monday 9 March 10:01; reminder after 3 → Thursday 5 March.
    assert_eq!(token.due, Some(t("2026-03-09T10:01:00+07:00")));
    assert_eq!(token.timers[0].at, t("2026-03-05T10:01:00+07:00"));
    assert_eq!(
        token.timers[1].at,
        t("2026-03-06T16:01:00+07:00"),
        "4 working hours before the due time, across the weekend"
    );
    let events = r.ok("2026-03-05T12:00:00+07:00", &Actor::system(), Command::Tick);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Reminded { step, .. } if step == "xay-dung"))
    );
    assert!(
        r.ok("2026-03-05T13:00:00+07:00", &Actor::system(), Command::Tick)
            .is_empty(),
        "a timer fires once"
    );
    r.ok("2026-03-06T16:30:00+07:00", &Actor::system(), Command::Tick);
    assert_eq!(
        r.state
            .token_at("xay-dung")
            .unwrap()
            .escalated_to
            .as_deref(),
        Some("division_head")
    );
    r.act("2026-03-09T08:30:00+07:00", &head(), "xay-dung", "dat");
}

#[test]
fn a_failing_plugin_goes_to_manual_handling() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    r.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    let events = r.ok(
        "2026-03-02T10:01:00+07:00",
        &Actor::system(),
        Command::PluginDone {
            step: "tinh-phi".into(),
            outcome: "weird".into(),
            output: json!({}),
        },
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::PluginFailed { error, .. } if error.contains("`weird`")))
    );
    assert_eq!(r.at(), ["tiep-nhan"], "on_error leads back to the desk");
}

#[test]
fn rescheduling_once_and_early_enough() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    let reschedule = |due: &str| Command::Reschedule {
        due: t(due),
        reason: "Chờ ý kiến PCCC".into(),
    };
    let err = r.try_do(
        "2026-03-20T10:00:00+07:00",
        &receiver(),
        reschedule("2026-03-30T09:00:00+07:00"),
    );
    assert_eq!(
        err.unwrap_err().code(),
        "reschedule_too_late",
        "less than a working day before the due time"
    );
    let err = r.try_do(
        "2026-03-10T10:00:00+07:00",
        &receiver(),
        reschedule("2026-03-20T09:00:00+07:00"),
    );
    assert_eq!(err.unwrap_err().code(), "reschedule_not_later");
    r.ok(
        "2026-03-10T10:00:00+07:00",
        &receiver(),
        reschedule("2026-03-30T09:00:00+07:00"),
    );
    assert_eq!(r.state.clock.due, t("2026-03-30T09:00:00+07:00"));
    let err = r.try_do(
        "2026-03-11T10:00:00+07:00",
        &receiver(),
        reschedule("2026-04-03T09:00:00+07:00"),
    );
    assert_eq!(err.unwrap_err().code(), "already_rescheduled");
}

#[test]
fn withdrawal_and_stopping_close_the_dossier() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    r.ok(
        "2026-03-02T10:00:00+07:00",
        &Actor::applicant("a"),
        Command::Withdraw {
            reason: "Không có nhu cầu".into(),
        },
    );
    assert_eq!(r.state.status, DossierStatus::Withdrawn);
    assert!(r.state.tokens.is_empty());

    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    assert_eq!(
        r.try_do(
            "2026-03-02T10:00:00+07:00",
            &builder(),
            Command::Stop { reason: "x".into() }
        )
        .unwrap_err()
        .code(),
        "not_allowed"
    );
    r.ok(
        "2026-03-02T10:00:00+07:00",
        &head(),
        Command::Stop {
            reason: "Hồ sơ giả mạo".into(),
        },
    );
    assert_eq!(
        r.state.closed.as_ref().unwrap().outcome,
        DossierStatus::Stopped
    );
}

#[test]
fn state_round_trips_through_json() {
    let mut r = Run::new(120.0, "2026-03-02T09:00:00+07:00");
    r.act(
        "2026-03-02T10:00:00+07:00",
        &receiver(),
        "tiep-nhan",
        "chuyen",
    );
    r.ok("2026-03-02T10:01:00+07:00", &Actor::system(), fee_done());
    let json = serde_json::to_string(&r.state).unwrap();
    let back: DossierState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r.state);
    let events = serde_json::to_value(&r.events).unwrap();
    assert_eq!(events[0]["type"], "received");
}
