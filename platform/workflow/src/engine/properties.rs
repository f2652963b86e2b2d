//! Property tests: random sequences of commands by random actors at random times, on a workflow
//! with every kind of step, must keep the engine's invariants.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::dossier::{ApplicantKind, Channel};
use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::testing::{calendar, permit};

fn actors() -> Vec<Actor> {
    vec![
        Actor::official("lan", &[("receiver", "mot-cua")]),
        Actor::official("minh", &[("specialist", "so-xay-dung")]),
        Actor::official("hung", &[("specialist", "phong-chay")]),
        Actor::official(
            "thu",
            &[
                ("division_head", "so-xay-dung"),
                ("specialist", "so-xay-dung"),
            ],
        ),
        Actor::official("chu-tich", &[("agency_leader", "lanh-dao")]),
        Actor::applicant("a"),
        Actor::system(),
    ]
}

const STEPS: [&str; 8] = [
    "tiep-nhan",
    "tinh-phi",
    "xay-dung",
    "pccc",
    "truong-phong-duyet",
    "lanh-dao-duyet",
    "tra-ket-qua",
    "cho-bo-sung",
];
const ACTIONS: [&str; 9] = [
    "chuyen", "bo-sung", "tu-choi", "dat", "duyet", "tra-lai", "tra", "xyz", "lai",
];

fn command(
    kind: u8,
    step: usize,
    action: usize,
    with_inputs: bool,
    hours: i64,
    now: DateTime<Utc>,
) -> Command {
    let step = STEPS[step % STEPS.len()].to_owned();
    let inputs = if with_inputs {
        Inputs {
            reason: Some("lý do".into()),
            documents: vec!["a.pdf".into()],
            result: Some("kq.pdf".into()),
        }
    } else {
        Inputs::default()
    };
    match kind % 12 {
        0..=4 => Command::Act {
            step,
            action: ACTIONS[action % ACTIONS.len()].to_owned(),
            inputs,
        },
        5 => Command::Claim { step },
        6 => Command::Supplement {
            documents: vec!["b.pdf".into()],
        },
        7 => Command::PluginDone {
            step: "tinh-phi".into(),
            outcome: if with_inputs {
                "ok".into()
            } else {
                "nope".into()
            },
            output: json!({ "amount": 1 }),
        },
        8 => Command::Tick,
        9 => Command::Reschedule {
            due: now + TimeDelta::hours(hours * 24),
            reason: "chậm".into(),
        },
        10 => Command::Withdraw {
            reason: String::new(),
        },
        _ => Command::Stop {
            reason: if with_inputs {
                "dừng".into()
            } else {
                String::new()
            },
        },
    }
}

proptest! {
    #[test]
    fn random_commands_keep_the_invariants(
        area in prop_oneof![Just(100.0), Just(300.0), Just(20000.0)],
        moves in proptest::collection::vec((any::<u8>(), 0usize..8, 0usize..9, any::<bool>(), 0usize..7, 0i64..96), 1..60),
    ) {
        let procedure = permit();
        let cal = calendar();
        let form = json!({ "area": area });
        let mut now: DateTime<Utc> = "2026-03-02T02:00:00Z".parse().unwrap();
        let ctx = |now| Context { now, calendar: &cal, form: &form, channel: Channel::Online, applicant_kind: ApplicantKind::Citizen };
        let mut state = start(&procedure.definition, "nha-o", procedure.file.info.time, &ctx(now)).unwrap().state;
        let actors = actors();
        for (kind, step, action, inputs, who, hours) in moves {
            now += TimeDelta::hours(hours);
            let cmd = command(kind, step, action, inputs, hours, now);
            let before = state.clone();
            match decide(&procedure.definition, &state, &cmd, &actors[who], &ctx(now), Some(state.version)) {
                Ok(d) => {
                    prop_assert!(before.closed.is_none(), "a closed dossier moved: {cmd:?}");
                    prop_assert_eq!(d.state.version, before.version + 1);
                    prop_assert!(d.state.clock.due >= before.clock.due, "the deadline moved back on {:?}", cmd);
                    if before.clock.paused_since.is_some() && !matches!(cmd, Command::Supplement { .. } | Command::Reschedule { .. }) {
                        prop_assert_eq!(d.state.clock.due, before.clock.due, "paused time counted on {:?}", cmd);
                    }
                    state = d.state;
                }
                Err(r) => {
                    if before.closed.is_some() {
                        prop_assert_eq!(&r, &Refusal::Closed);
                    }
                    prop_assert!(!matches!(r, Refusal::Stuck(_) | Refusal::GuardError(_)), "{r}");
                }
            }
            // Open dossiers are somewhere; closed ones nowhere.
            prop_assert_eq!(state.closed.is_some(), state.tokens.is_empty(), "{:?}", state);
            // A join still waiting has fewer arrivals than it needs, and its branches are alive.
            for join in &state.joins {
                prop_assert!(join.arrived < join.needed);
                prop_assert!(state.tokens.iter().any(|t| t.group == Some(join.group)));
            }
            for token in &state.tokens {
                if let Some(g) = token.group {
                    prop_assert!(state.joins.iter().any(|j| j.group == g), "a branch without its join");
                }
            }
            // The clock stands still exactly while the dossier waits on the applicant.
            let waiting = state.tokens.iter().any(|t| t.waiting == Waiting::Applicant);
            prop_assert_eq!(state.clock.paused_since.is_some(), waiting && state.closed.is_none());
        }
    }
}
