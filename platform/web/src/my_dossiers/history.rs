//! The history of a dossier as its applicant reads it: what concerns them, in the host's
//! language, never who among the officials did what.
//!
//! Shown (each as one sentence):
//! - `received`: the dossier entered the system, with its due date;
//! - `documents_checked`: the desk's check of the documents, with what was missing;
//! - `step_entered` of a step with a division: the division the dossier went to (how far
//!   handling has got, Art. 16.2.d), and of a supplement step: that it waits for the applicant;
//! - `action_taken`, only when the action asks for a supplement (with what is missing and
//!   why), refuses or stops the dossier (with the reasons), or gives the result;
//! - `status_changed`, `clock_paused`, `clock_restarted`, `clock_resumed`;
//! - `supplemented` and `recorded_at_desk` (the applicant's own acts, whoever recorded them),
//!   `withdrawn`;
//! - `rescheduled` (the apology letter, Form 04, with its reason and the new date),
//!   `time_ran_out`, `stopped`, `closed` (with early / on time / late).
//!
//! Left out, as internal: claims, releases and reassignments between officials, actions that
//! only pass the dossier on inside the agency, leaving steps, routing, joins and cancelled
//! branches, reminders and escalations, plugins, migrations to a new procedure version,
//! notifications, officials' comments and consultations; accountability requests have their own
//! section of the page; and any kind of event not listed here, so that a new internal kind is
//! never shown by mistake.

use chrono::{DateTime, Utc};
use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;
use motcua_store::history::StoredEvent;
use motcua_workflow::procedure::Procedure;
use motcua_workflow::schema::StepKind;
use serde_json::Value;

use crate::host::Site;
use crate::pages::local_time;

/// An entry of the applicant's timeline.
pub(crate) struct Entry {
    /// When, in the tenant's zone.
    pub at: String,
    /// What, in words.
    pub text: String,
}

/// What the sentences need to name things.
struct Namer<'a> {
    site: &'a Site,
    procedure: &'a Procedure,
    case: &'a str,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|items| items.iter().map(text).collect())
        .unwrap_or_default()
}

impl Namer<'_> {
    fn lang(&self) -> Lang {
        self.site.lang
    }

    fn pick(&self, vi: String, en: String) -> String {
        self.lang().pick(vi, en)
    }

    fn step(&self, key: &str) -> Option<&motcua_workflow::definition::StepDef> {
        self.procedure.definition.step(key).map(|(_, s)| s)
    }

    fn step_name(&self, key: &str) -> String {
        self.step(key)
            .map_or_else(|| key.to_owned(), |s| s.name.get(self.lang()).to_owned())
    }

    fn time(&self, v: &Value) -> String {
        v.as_str()
            .and_then(|s| s.parse::<DateTime<Utc>>().ok())
            .map_or_else(String::new, |t| local_time(self.site, t))
    }

    fn status(&self, v: &Value) -> String {
        v.as_str()
            .and_then(DossierStatus::parse)
            .map_or_else(|| text(v), |s| s.label(self.lang()).to_owned())
    }

    /// The names of the case's documents `codes` (a code the case does not list as itself).
    fn documents(&self, codes: &[String]) -> String {
        let case = self
            .procedure
            .file
            .info
            .cases
            .iter()
            .find(|c| c.key.as_str() == self.case);
        codes
            .iter()
            .map(|code| {
                case.and_then(|c| c.documents.iter().find(|d| d.code == *code))
                    .map_or_else(|| code.clone(), |d| d.name.get(self.lang()).to_owned())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// ` Label: text.` when `v` holds some text (its own final stop kept, not doubled).
    fn with(&self, (vi, en): (&str, &str), v: &Value) -> String {
        let t = text(v);
        if t.is_empty() {
            return String::new();
        }
        let stop = if t.ends_with(['.', '!', '?', '…']) {
            ""
        } else {
            "."
        };
        format!(" {}: {t}{stop}", self.lang().pick(vi, en))
    }
}

/// What an action of a step means to the applicant, when it means anything.
enum Meaning {
    /// It asks for a supplement.
    Supplement,
    /// It ends handling without a result (refusal, stop).
    Refusal,
    /// It gives the result.
    Result,
}

fn meaning(n: &Namer<'_>, d: &Value) -> Option<Meaning> {
    let step = n.step(d["step"].as_str().unwrap_or_default())?;
    let action = step
        .actions
        .iter()
        .find(|a| d["action"].as_str() == Some(a.key.as_str()))?;
    let to = n.procedure.definition.steps.get(action.to)?;
    if to.kind == StepKind::Supplement {
        return Some(Meaning::Supplement);
    }
    let ends_without_result = to.kind == StepKind::End
        && matches!(
            to.outcome,
            Some(DossierStatus::NotAccepted | DossierStatus::Stopped)
        );
    if ends_without_result {
        return Some(Meaning::Refusal);
    }
    (!text(&d["result"]).is_empty()).then_some(Meaning::Result)
}

/// The sentence of event `kind` with data `d`, or `None` when it is not the applicant's concern.
fn sentence(n: &Namer<'_>, kind: &str, d: &Value) -> Option<String> {
    let step = || n.step_name(d["step"].as_str().unwrap_or_default());
    Some(match kind {
        "received" => n.pick(
            format!(
                "Hồ sơ được tiếp nhận vào hệ thống; hạn trả kết quả {}.",
                n.time(&d["due"])
            ),
            format!(
                "The dossier was received; the result is due {}.",
                n.time(&d["due"])
            ),
        ),
        "documents_checked" => {
            let missing = list(&d["missing"]);
            let received = n.documents(&list(&d["received"]));
            let (vi_missing, en_missing) = if missing.is_empty() {
                (String::new(), String::new())
            } else {
                let names = n.documents(&missing);
                (
                    format!(" Còn thiếu: {names}."),
                    format!(" Missing: {names}."),
                )
            };
            n.pick(
                format!(
                    "Bộ phận Một cửa kiểm tra thành phần hồ sơ. Đã nhận: {}.{vi_missing}",
                    if received.is_empty() {
                        "không có giấy tờ nào".to_owned()
                    } else {
                        received.clone()
                    }
                ),
                format!(
                    "The one-stop desk checked the documents. Received: {}.{en_missing}",
                    if received.is_empty() {
                        "none".to_owned()
                    } else {
                        received
                    }
                ),
            )
        }
        "step_entered" => {
            let s = n.step(d["step"].as_str().unwrap_or_default())?;
            match (s.kind, &s.division) {
                (StepKind::Supplement, _) => n.pick(
                    "Hồ sơ chờ bạn bổ sung.".to_owned(),
                    "The dossier waits for your supplement.".to_owned(),
                ),
                (_, Some(division)) => {
                    let division = crate::accountability::division_name(n.site, division);
                    n.pick(
                        format!("Hồ sơ được chuyển đến {division} (bước “{}”).", step()),
                        format!("The dossier went to {division} (step “{}”).", step()),
                    )
                }
                _ => return None,
            }
        }
        "action_taken" => match meaning(n, d)? {
            Meaning::Supplement => n.pick(
                format!(
                    "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ.{}",
                    n.with(("Nội dung", "What"), &d["reason"])
                ),
                format!(
                    "The agency asked you to supplement or correct the dossier.{}",
                    n.with(("Nội dung", "What"), &d["reason"])
                ),
            ),
            Meaning::Refusal => n.pick(
                format!(
                    "Cơ quan không tiếp nhận, giải quyết hồ sơ.{}",
                    n.with(("Lý do", "Reasons"), &d["reason"])
                ),
                format!(
                    "The agency refused the dossier.{}",
                    n.with(("Lý do", "Reasons"), &d["reason"])
                ),
            ),
            Meaning::Result => n.pick(
                format!(
                    "Đã có kết quả giải quyết.{}",
                    n.with(("Kết quả", "Result"), &d["result"])
                ),
                format!(
                    "The result is ready.{}",
                    n.with(("Kết quả", "Result"), &d["result"])
                ),
            ),
        },
        "status_changed" => n.pick(
            format!(
                "Trạng thái hồ sơ: “{}” → “{}”.",
                n.status(&d["from"]),
                n.status(&d["to"])
            ),
            format!(
                "Status: “{}” → “{}”.",
                n.status(&d["from"]),
                n.status(&d["to"])
            ),
        ),
        "clock_paused" => n.pick(
            "Tạm dừng tính thời gian giải quyết trong khi chờ bạn bổ sung.".to_owned(),
            "The handling time stands still while waiting for your supplement.".to_owned(),
        ),
        "clock_restarted" => n.pick(
            format!(
                "Thời gian giải quyết được tính lại từ đầu kể từ khi nhận đủ hồ sơ; hạn mới {}.",
                n.time(&d["due"])
            ),
            format!(
                "The handling time starts again in full from the complete dossier; now due {}.",
                n.time(&d["due"])
            ),
        ),
        "clock_resumed" => n.pick(
            format!(
                "Tiếp tục tính thời gian giải quyết; hạn mới {}.",
                n.time(&d["due"])
            ),
            format!(
                "The handling time runs again; now due {}.",
                n.time(&d["due"])
            ),
        ),
        "supplemented" => {
            let given = list(&d["documents"]);
            let names = n.documents(&given);
            let (vi, en) = if names.is_empty() {
                (String::new(), String::new())
            } else {
                (format!(" Giấy tờ: {names}."), format!(" Documents: {names}."))
            };
            n.pick(
                format!("Bạn đã bổ sung hồ sơ.{vi}"),
                format!("You supplemented the dossier.{en}"),
            )
        }
        "recorded_at_desk" => match d["command"].as_str() {
            Some("supplement") => n.pick(
                "Bộ phận Một cửa ghi nhận hồ sơ bổ sung bạn mang đến.".to_owned(),
                "The one-stop desk recorded the supplement you brought.".to_owned(),
            ),
            Some("withdraw") => n.pick(
                "Bộ phận Một cửa ghi nhận yêu cầu rút hồ sơ của bạn.".to_owned(),
                "The one-stop desk recorded your request to withdraw the dossier.".to_owned(),
            ),
            _ => return None,
        },
        "withdrawn" => n.pick(
            format!(
                "Hồ sơ đã được rút theo yêu cầu của bạn.{}",
                n.with(("Lý do", "Reason"), &d["reason"])
            ),
            format!(
                "The dossier was withdrawn at your request.{}",
                n.with(("Lý do", "Reason"), &d["reason"])
            ),
        ),
        "rescheduled" => n.pick(
            format!(
                "Cơ quan gửi thư xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): từ {} sang {}.{}",
                n.time(&d["from"]),
                n.time(&d["to"]),
                n.with(("Lý do", "Reason"), &d["reason"])
            ),
            format!(
                "The agency apologised and set a new date for the result (Form 04): from {} to {}.{}",
                n.time(&d["from"]),
                n.time(&d["to"]),
                n.with(("Lý do", "Reason"), &d["reason"])
            ),
        ),
        "time_ran_out" => n.pick(
            format!(
                "Hết thời hạn ở bước “{}”; hồ sơ chuyển sang “{}”.",
                step(),
                n.step_name(d["to"].as_str().unwrap_or_default())
            ),
            format!(
                "Time ran out at step “{}”; the dossier went on to “{}”.",
                step(),
                n.step_name(d["to"].as_str().unwrap_or_default())
            ),
        ),
        "stopped" => n.pick(
            format!(
                "Cơ quan dừng giải quyết hồ sơ.{}",
                n.with(("Lý do", "Reason"), &d["reason"])
            ),
            format!(
                "The agency stopped handling the dossier.{}",
                n.with(("Lý do", "Reason"), &d["reason"])
            ),
        ),
        "closed" => {
            let (vi, en) = match d["timeliness"].as_str() {
                Some("early") => (" — trả kết quả trước hạn", " — returned early"),
                Some("on_time") => (" — trả kết quả đúng hạn", " — returned on time"),
                Some("late") => (" — trả kết quả quá hạn", " — returned late"),
                _ => ("", ""),
            };
            n.pick(
                format!("Kết thúc hồ sơ: {}{vi}.", n.status(&d["outcome"])),
                format!("Handling ended: {}{en}.", n.status(&d["outcome"])),
            )
        }
        _ => return None,
    })
}

/// The applicant's timeline of `events` (oldest first) of a dossier of case `case` on
/// `procedure`, its pinned version.
pub(crate) fn timeline(
    site: &Site,
    procedure: &Procedure,
    case: &str,
    events: &[StoredEvent],
) -> Vec<Entry> {
    let n = Namer {
        site,
        procedure,
        case,
    };
    events
        .iter()
        .filter_map(|e| {
            let data: Value = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
            sentence(&n, &e.kind, &data).map(|text| Entry {
                at: local_time(site, e.at),
                text,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_lists_read_what_events_store() {
        assert_eq!(
            text(&Value::String(" thiếu tờ khai ".into())),
            "thiếu tờ khai"
        );
        assert_eq!(text(&Value::Null), "");
        assert_eq!(
            list(&serde_json::json!(["TK", "GTTT"])),
            ["TK".to_owned(), "GTTT".to_owned()]
        );
        assert!(list(&Value::Null).is_empty());
    }
}
