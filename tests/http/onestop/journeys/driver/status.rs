//! What a journey checks after each move: the status the definition leads to, and the receipt
//! once the dossier is accepted.
//!
//! The expected status after a move is worked out from the procedure's definition: the status
//! of the last step the move brought the dossier to rest at, else the action's own, else what
//! it was (or, after a supplement, what it was before the request); statuses of the automatic
//! steps a move passes through are not modelled (no demo workflow declares one).

use motcua_core::dossier::DossierStatus;
use motcua_workflow::definition::ActionDef;
use serde_json::Value;

use super::{Journey, at};
use crate::onestop::journeys::forms;

impl Journey<'_> {
    /// Checks the status `view` shows after a move by `action` from the steps `before`.
    pub(super) fn check_status(
        &mut self,
        view: &Value,
        action: Option<&ActionDef>,
        before: &[String],
        when: &str,
    ) {
        let def = &self.live.procedure.definition;
        let status_of = |key: &str| def.step(key).and_then(|(_, s)| s.status);
        let now = at(view);
        let waiting = view["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["waiting"] == "applicant")
            .and_then(|s| s["step"].as_str());
        let expected = if view["closed_at"].is_string() {
            DossierStatus::Returned.as_str().to_owned()
        } else if let Some(w) = waiting {
            let declared = status_of(w);
            if declared.is_none() && self.paused_from.is_none() {
                self.paused_from = Some(self.status.clone());
            }
            assert!(
                view["clock_paused_since"].is_string(),
                "{}: {when}",
                self.ctx
            );
            declared
                .unwrap_or(DossierStatus::SupplementRequested)
                .as_str()
                .to_owned()
        } else {
            let base = self
                .paused_from
                .take()
                .unwrap_or_else(|| self.status.clone());
            now.iter()
                .rev()
                .filter(|s| !before.contains(s))
                .find_map(|s| status_of(s.as_str()))
                .or(action.and_then(|a| a.status))
                .map_or(base, |s| s.as_str().to_owned())
        };
        assert_eq!(
            view["status"]["code"], expected,
            "{}: {when}, at {now:?}",
            self.ctx
        );
        self.status = expected;
    }

    /// The receipt, once the dossier has been accepted.
    pub(super) async fn check_receipt_once(&mut self, view: &Value) {
        let accepted = view["history"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["kind"] == "status_changed" && e["data"]["to"] == "accepted");
        if self.receipt_checked || !accepted {
            return;
        }
        let names: Vec<String> = self.required().into_iter().map(|(_, n)| n).collect();
        forms::check_receipt(self.app, self.desk(), view, &names, &self.ctx).await;
        self.receipt_checked = true;
    }
}
