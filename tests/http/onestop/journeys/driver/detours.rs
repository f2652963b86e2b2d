//! The detours of a journey: the applicant's supplement recorded at the desk, and the one
//! apology with a new date.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::{Journey, at, version};
use crate::onestop::journeys::forms;
use crate::onestop::journeys::staff::Official;

impl Journey<'_> {
    /// The applicant brings what was asked (recorded at the desk): the clock, paused while the
    /// dossier waited, runs again.
    pub(super) async fn supplement(&mut self, view: &Value, step: &str, documents: Vec<String>) {
        let ctx = format!("{}: supplement at {step}", self.ctx);
        assert!(
            view["clock_paused_since"].is_string(),
            "{ctx}: the clock runs"
        );
        assert_eq!(view["can"]["supplement"], true, "{ctx}: {}", view["can"]);
        let r = self
            .desk()
            .command(
                self.app,
                &self.code,
                version(view),
                json!({ "type": "supplement", "documents": documents }),
            )
            .await;
        assert_eq!(r.status, 200, "{ctx}: {}", r.body);
        let after = r.json();
        assert!(after["clock_paused_since"].is_null(), "{ctx}: still paused");
        self.check_status(&after, None, &at(view), "after the supplement");
    }

    /// Apologises and sets a later date (Form 04), which is allowed once only.
    pub(super) async fn reschedule(
        &mut self,
        official: &Official,
        own: &Value,
        ctx: &str,
    ) -> Value {
        assert_eq!(own["can"]["reschedule"], true, "{ctx}: {}", own["can"]);
        let old: DateTime<Utc> = own["due_at"].as_str().unwrap().parse().unwrap();
        let new = old + Duration::days(7);
        let reason = "Cần xác minh thêm với cơ quan có liên quan.";
        let command = json!({ "type": "reschedule", "due": new.to_rfc3339(), "reason": reason });
        let r = official
            .command(self.app, &self.code, version(own), command.clone())
            .await;
        assert_eq!(r.status, 200, "{ctx}: reschedule: {}", r.body);
        let after = r.json();
        assert_eq!(after["rescheduled"], true, "{ctx}");
        let due: DateTime<Utc> = after["due_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(due, new, "{ctx}: the new date");
        assert_eq!(after["status"], own["status"], "{ctx}: the status moved");
        let page = forms::print(self.app, official, &self.code, "04", ctx).await;
        let (from, to) = (forms::clock_and_date(old), forms::clock_and_date(new));
        forms::shows(&page, "Form 04", &[reason, &from, &to], ctx);
        let again = official
            .command(self.app, &self.code, version(&after), command)
            .await;
        assert_eq!(again.status, 422, "{ctx}: a second apology: {}", again.body);
        assert_eq!(
            again.json()["error"]["code"],
            "already_rescheduled",
            "{ctx}"
        );
        self.rescheduled = true;
        after
    }
}
