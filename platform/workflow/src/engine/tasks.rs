//! A dossier's open work items: what officials see in their inbox.
//!
//! One task per active token that waits for officials (a human step); tokens waiting for a
//! plugin or for the applicant are nobody's work. The step's role and division come from the
//! definition the state runs on, so the tasks must be recomputed whenever the state moves (and
//! stored with it). An escalated token keeps its step's role: both that role and the role it was
//! escalated to may act, in the step's division, as the engine's own check allows.

use chrono::{DateTime, Utc};

use super::state::{DossierState, Waiting};
use crate::definition::Definition;
use crate::schema::StepKind;

/// An open work item of a dossier: a token at a human step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// The token's id within the dossier.
    pub token: u32,
    /// The step's key.
    pub step: String,
    /// The role that acts at the step.
    pub role: String,
    /// The division the step belongs to.
    pub division: String,
    /// The official who claimed it, if one did.
    pub assignee: Option<String>,
    /// The role it was escalated to, which may act too.
    pub escalated_to: Option<String>,
    /// When the step is due, if it has a deadline.
    pub due: Option<DateTime<Utc>>,
    /// When the dossier arrived at the step.
    pub entered_at: DateTime<Utc>,
}

impl DossierState {
    /// The open work items of the dossier, by token; none once handling has ended. A token at a
    /// step `def` does not know (a state read with the wrong definition) is skipped.
    pub fn tasks(&self, def: &Definition) -> Vec<Task> {
        if self.is_closed() {
            return Vec::new();
        }
        self.tokens
            .iter()
            .filter(|t| t.waiting == Waiting::Officials)
            .filter_map(|t| {
                let (_, step) = def.step(&t.step)?;
                (step.kind == StepKind::Human).then(|| Task {
                    token: t.id,
                    step: t.step.clone(),
                    role: step.role.clone().unwrap_or_default(),
                    division: step.division.clone().unwrap_or_default(),
                    assignee: t.assignee.clone(),
                    escalated_to: t.escalated_to.clone(),
                    due: t.due,
                    entered_at: t.entered_at,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use motcua_core::dossier::{ApplicantKind, Channel};
    use serde_json::json;

    use super::super::{Actor, Command, Context, DossierState, Inputs, decide, start};
    use crate::testing::{calendar, permit};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn step(
        p: &crate::procedure::Procedure,
        s: &DossierState,
        at: &str,
        actor: &Actor,
        command: Command,
    ) -> DossierState {
        let calendar = calendar();
        let form = json!({ "area": 120.0 });
        let ctx = Context {
            now: t(at),
            calendar: &calendar,
            form: &form,
            channel: Channel::Online,
            applicant_kind: ApplicantKind::Citizen,
        };
        decide(&p.definition, s, &command, actor, &ctx, None)
            .unwrap()
            .state
    }

    fn act(step: &str, action: &str) -> Command {
        Command::Act {
            step: step.into(),
            action: action.into(),
            inputs: Inputs::default(),
        }
    }

    #[test]
    fn tasks_follow_the_tokens_that_wait_for_officials() {
        let p = permit();
        let calendar = calendar();
        let form = json!({ "area": 120.0 });
        let ctx = Context {
            now: t("2026-03-02T09:00:00+07:00"),
            calendar: &calendar,
            form: &form,
            channel: Channel::Online,
            applicant_kind: ApplicantKind::Citizen,
        };
        let s = start(&p.definition, "nha-o", p.file.info.time, &ctx)
            .unwrap()
            .state;
        let tasks = s.tasks(&p.definition);
        assert_eq!(tasks.len(), 1);
        let desk = &tasks[0];
        assert_eq!(
            (
                desk.step.as_str(),
                desk.role.as_str(),
                desk.division.as_str()
            ),
            ("tiep-nhan", "receiver", "mot-cua")
        );
        assert_eq!(desk.assignee, None);
        assert_eq!(desk.due, Some(t("2026-03-02T15:00:00+07:00")));
        assert_eq!(desk.entered_at, t("2026-03-02T09:00:00+07:00"));

        let lan = Actor::official("lan", &[("receiver", "mot-cua")]);
        let claim = Command::Claim {
            step: "tiep-nhan".into(),
        };
        let s = step(&p, &s, "2026-03-02T09:30:00+07:00", &lan, claim);
        assert_eq!(s.tasks(&p.definition)[0].assignee.as_deref(), Some("lan"));

        // The fee plugin's token is nobody's work.
        let s = step(
            &p,
            &s,
            "2026-03-02T10:00:00+07:00",
            &lan,
            act("tiep-nhan", "chuyen"),
        );
        assert!(s.tasks(&p.definition).is_empty());

        // Two branches, two tasks in two divisions.
        let done = Command::PluginDone {
            step: "tinh-phi".into(),
            outcome: "ok".into(),
            output: json!({ "amount": 1 }),
        };
        let s = step(&p, &s, "2026-03-02T10:01:00+07:00", &Actor::system(), done);
        let mut at: Vec<_> = s
            .tasks(&p.definition)
            .into_iter()
            .map(|t| (t.step, t.division))
            .collect();
        at.sort();
        assert_eq!(
            at,
            [
                ("pccc".to_owned(), "phong-chay".to_owned()),
                ("xay-dung".to_owned(), "so-xay-dung".to_owned())
            ]
        );

        // An escalation keeps the step's role and adds the escalation's.
        let s = step(
            &p,
            &s,
            "2026-03-20T09:00:00+07:00",
            &Actor::system(),
            Command::Tick,
        );
        let building = s
            .tasks(&p.definition)
            .into_iter()
            .find(|t| t.step == "xay-dung")
            .unwrap();
        assert_eq!(building.role, "specialist");
        assert_eq!(building.escalated_to.as_deref(), Some("division_head"));

        // Waiting for the applicant: no task; closed: none either.
        let mut waiting = s.clone();
        for t in &mut waiting.tokens {
            t.waiting = super::Waiting::Applicant;
        }
        assert!(waiting.tasks(&p.definition).is_empty());
        let stop = Command::Stop {
            reason: "test".into(),
        };
        let head = Actor::official("thu", &[("division_head", "so-xay-dung")]);
        let s = step(&p, &s, "2026-03-20T10:00:00+07:00", &head, stop);
        assert!(s.is_closed());
        assert!(s.tasks(&p.definition).is_empty());
    }
}
