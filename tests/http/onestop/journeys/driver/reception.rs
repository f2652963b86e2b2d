//! How a dossier arrives: submitted online on the tenant's portal, or checked and received at
//! the desk in person or by post (after one request to supplement when the route says so).

use motcua_workflow::definition::ActionDef;
use serde_json::{Value, json};

use super::{DEFECT, Journey, at};
use crate::onestop::journeys::forms;

impl<'a> Journey<'a> {
    /// Online: the applicant submits on the tenant's portal; the dossier waits for the desk.
    pub(super) async fn online(&mut self) {
        let body = json!({
            "procedure": self.live.info().code.to_string(),
            "case": self.scenario.case,
            "applicant": crate::onestop::journeys::applicant(self.scenario.applicant_kind),
            "form": self.scenario.form,
        });
        let r = self
            .app
            .post_json(&self.site.vi_host, "/api/v1/dossiers", &body, &[])
            .await;
        assert_eq!(r.status, 201, "{}: submission: {}", self.ctx, r.body);
        self.code = r.json()["code"].as_str().unwrap().to_owned();
        let view = self.view().await;
        assert_eq!(view["channel"], "online", "{}", self.ctx);
        self.check_status(&view, None, &[], "after submission");
        assert_eq!(
            r.json()["status"]["code"],
            view["status"]["code"],
            "{}",
            self.ctx
        );
    }

    pub(super) fn desk_body(
        &self,
        decision: &str,
        documents: &[String],
        reason: Option<&str>,
    ) -> Value {
        json!({
            "procedure": self.live.info().code.to_string(),
            "case": self.scenario.case,
            "channel": self.channel.as_str(),
            "applicant": crate::onestop::journeys::applicant(self.scenario.applicant_kind),
            "form": self.scenario.form,
            "documents": documents,
            "decision": decision,
            "reason": reason,
        })
    }

    /// In person or by post: the desk checks the documents and receives the dossier, after one
    /// request to supplement on the desk channel when the route says so.
    pub(super) async fn at_desk(&mut self) {
        let desk = self.desk();
        let required = self.required();
        let held = self.route.desk_supplement.filter(|_| self.detours());
        let given: Vec<String> = required
            .iter()
            .map(|(c, _)| c.clone())
            .filter(|c| Some(c.as_str()) != held)
            .collect();
        let decision = if held.is_some() {
            "supplement"
        } else {
            "accept"
        };
        let reason = held.map(|_| DEFECT);
        let r = desk
            .post(
                self.app,
                "/api/v1/onestop/desk",
                self.desk_body(decision, &given, reason),
            )
            .await;
        assert_eq!(
            r.status, 201,
            "{}: the desk's {decision}: {}",
            self.ctx, r.body
        );
        let answer = r.json();
        self.code = answer["code"].as_str().unwrap().to_owned();
        let view = self.view().await;
        assert_eq!(view["channel"], self.channel.as_str(), "{}", self.ctx);
        let first = self.first_action(&view);
        self.handed
            .push((desk.name.clone(), self.division_name(&desk.division)));
        self.check_status(&view, first, &[], &format!("after the desk's {decision}"));
        assert_eq!(
            answer["status"]["code"], view["status"]["code"],
            "{}",
            self.ctx
        );
        let Some(held) = held else {
            assert_eq!(answer["form"], "01", "{}", self.ctx);
            return;
        };
        assert_eq!(answer["form"], "02", "{}", self.ctx);
        let name = required
            .iter()
            .find(|(c, _)| c == held)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| panic!("{}: {held} is not a required document", self.ctx));
        let defect = format!("{held}: {name}");
        let page = forms::print(self.app, desk, &self.code, "02", &self.ctx).await;
        forms::shows(&page, "Form 02", &[defect.as_str(), DEFECT], &self.ctx);
        forms::absent(self.app, desk, &self.code, "01", &self.ctx).await;
        self.supplement(&view, at(&view)[0].as_str(), vec![held.to_owned()])
            .await;
    }

    /// The action the desk's first move took, as the history records it.
    pub(super) fn first_action(&self, view: &Value) -> Option<&'a ActionDef> {
        let taken = view["history"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["kind"] == "action_taken")
            .unwrap_or_else(|| panic!("{}: the desk took no action", self.ctx));
        let (_, step) = self
            .live
            .procedure
            .definition
            .step(taken["data"]["step"].as_str().unwrap())
            .expect("a step of the workflow");
        step.actions
            .iter()
            .find(|a| a.key == taken["data"]["action"])
    }
}
