//! A dossier's history as a timeline officials read: who (an official by name, "Hệ thống" or
//! "Người nộp") and what, one Vietnamese sentence per kind of event, with the step and action
//! names of the dossier's own procedure version. A kind this page does not know yet is still
//! shown, by its name, so that nothing recorded is hidden.

use std::collections::HashMap;

use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;
use motcua_workflow::procedure::Procedure;
use serde_json::Value;

use super::super::view::HistoryEntry;
use super::{local_time, role_label};
use crate::host::Site;

/// An entry of the timeline.
pub(super) struct Entry {
    /// When, in the tenant's zone.
    pub at: String,
    /// Who.
    pub who: String,
    /// What, in words.
    pub text: String,
}

/// What the sentences need to name things.
struct Namer<'a> {
    site: &'a Site,
    procedure: &'a Procedure,
    names: &'a HashMap<String, String>,
}

impl Namer<'_> {
    fn lang(&self) -> Lang {
        self.site.lang
    }

    fn step(&self, key: &str) -> String {
        self.procedure.definition.step(key).map_or_else(
            || key.to_owned(),
            |(_, s)| s.name.get(self.lang()).to_owned(),
        )
    }

    fn action(&self, step: &str, action: &str) -> String {
        self.procedure
            .definition
            .step(step)
            .and_then(|(_, s)| s.actions.iter().find(|a| a.key == action))
            .map_or_else(
                || action.to_owned(),
                |a| a.label.get(self.lang()).to_owned(),
            )
    }

    fn case(&self, key: &str) -> String {
        self.procedure
            .file
            .info
            .cases
            .iter()
            .find(|c| c.key.as_str() == key)
            .map_or_else(|| key.to_owned(), |c| c.name.get(self.lang()).to_owned())
    }

    /// An actor as recorded (`account:12`, `system`, the applicant).
    fn who(&self, actor: &str) -> String {
        if let Some(name) = self.names.get(actor) {
            return name.clone();
        }
        match actor {
            "system" => "Hệ thống".to_owned(),
            a if a.starts_with("account:") => format!("Cán bộ ({a})"),
            _ => "Người nộp".to_owned(),
        }
    }

    fn time(&self, v: &Value) -> String {
        v.as_str()
            .and_then(|s| s.parse::<chrono::DateTime<chrono::Utc>>().ok())
            .map_or_else(String::new, |t| local_time(self.site, t))
    }

    fn status(&self, v: &Value) -> String {
        v.as_str()
            .and_then(DossierStatus::parse)
            .map_or_else(|| text(v), |s| s.label(self.lang()).to_owned())
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|items| items.iter().map(text).collect())
        .unwrap_or_default()
}

fn recipients(v: &Value) -> String {
    list(v)
        .iter()
        .map(|r| match r.as_str() {
            "applicant" => "người nộp",
            "assignee" => "cán bộ được giao",
            "candidates" => "các cán bộ có thể xử lý",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` Lý do: …` when `v` holds a non-empty reason.
fn with(label: &str, v: &Value) -> String {
    let t = text(v);
    if t.trim().is_empty() {
        String::new()
    } else {
        format!(" {label}: {t}.")
    }
}

fn with_list(label: &str, v: &Value) -> String {
    let items = list(v);
    if items.is_empty() {
        String::new()
    } else {
        format!(" {label}: {}.", items.join(", "))
    }
}

fn sentence(n: &Namer<'_>, kind: &str, d: &Value) -> String {
    let step = || n.step(d["step"].as_str().unwrap_or_default());
    match kind {
        "received" => format!(
            "Hồ sơ được đưa vào hệ thống (trường hợp: {}); hạn trả kết quả {}.",
            n.case(d["case"].as_str().unwrap_or_default()),
            n.time(&d["due"])
        ),
        "step_entered" => {
            let due = n.time(&d["due"]);
            let due = if due.is_empty() {
                String::new()
            } else {
                format!("; hạn của bước: {due}")
            };
            format!("Hồ sơ chuyển đến bước “{}”{due}.", step())
        }
        "step_left" => format!("Hồ sơ rời bước “{}”.", step()),
        "action_taken" => format!(
            "{} (bước “{}”).{}{}{}",
            n.action(
                d["step"].as_str().unwrap_or_default(),
                d["action"].as_str().unwrap_or_default()
            ),
            step(),
            with("Lý do", &d["reason"]),
            with_list("Giấy tờ", &d["documents"]),
            with("Kết quả", &d["result"]),
        ),
        "claimed" => format!("Nhận xử lý bước “{}”.", step()),
        "released" => format!("Trả lại bước “{}” để cán bộ khác nhận xử lý.", step()),
        "reassigned" => {
            let from = d["from"]
                .as_str()
                .map(|f| format!(" (thay {})", n.who(f)))
                .unwrap_or_default();
            format!(
                "Giao bước “{}” cho {}{from}.",
                step(),
                n.who(d["to"].as_str().unwrap_or_default())
            )
        }
        "status_changed" => format!(
            "Trạng thái hồ sơ chuyển từ “{}” sang “{}”.",
            n.status(&d["from"]),
            n.status(&d["to"])
        ),
        "clock_paused" => {
            "Tạm dừng tính thời gian giải quyết trong khi chờ người nộp bổ sung.".to_owned()
        }
        "clock_restarted" => format!(
            "Tính lại thời gian giải quyết từ đầu kể từ khi nhận đủ hồ sơ; hạn mới {}.",
            n.time(&d["due"])
        ),
        "clock_resumed" => format!(
            "Tiếp tục tính thời gian giải quyết; hạn mới {}.",
            n.time(&d["due"])
        ),
        "supplemented" => format!(
            "Người nộp bổ sung hồ sơ.{}",
            with_list("Giấy tờ", &d["documents"])
        ),
        "rescheduled" => format!(
            "Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): từ {} sang {}.{}",
            n.time(&d["from"]),
            n.time(&d["to"]),
            with("Lý do", &d["reason"])
        ),
        "plugin_requested" => format!(
            "Yêu cầu phần mở rộng {} thực hiện bước “{}”.",
            text(&d["plugin"]),
            step()
        ),
        "plugin_completed" => format!(
            "Phần mở rộng hoàn thành bước “{}” (kết quả: {}).",
            step(),
            text(&d["outcome"])
        ),
        "plugin_failed" => format!(
            "Phần mở rộng gặp lỗi ở bước “{}”: {}.",
            step(),
            text(&d["error"])
        ),
        "route_chosen" => format!(
            "Tại bước “{}”, hồ sơ được chuyển theo hướng “{}”.",
            step(),
            n.step(d["to"].as_str().unwrap_or_default())
        ),
        "joined" => format!(
            "Một nhánh xử lý song song đã về bước “{}” ({}/{} nhánh).",
            n.step(d["join"].as_str().unwrap_or_default()),
            text(&d["arrived"]),
            text(&d["needed"])
        ),
        "branch_cancelled" => format!("Hủy nhánh xử lý tại bước “{}” vì không còn cần.", step()),
        "reminded" => format!(
            "Nhắc việc ở bước “{}” gửi đến {}.",
            step(),
            recipients(&d["recipients"])
        ),
        "escalated" => format!(
            "Bước “{}” sắp hết hạn; chuyển thêm cho {} xử lý.",
            step(),
            role_label(d["role"].as_str().unwrap_or_default())
        ),
        "time_ran_out" => format!(
            "Hết thời hạn ở bước “{}”; hồ sơ chuyển sang bước “{}”.",
            step(),
            n.step(d["to"].as_str().unwrap_or_default())
        ),
        "notified" => format!(
            "Gửi thông báo đến {} (bước “{}”).",
            recipients(&d["recipients"]),
            step()
        ),
        "withdrawn" => format!("Người nộp rút hồ sơ.{}", with("Lý do", &d["reason"])),
        "stopped" => format!("Dừng xử lý hồ sơ.{}", with("Lý do", &d["reason"])),
        "migrated" => format!(
            "Hồ sơ chuyển sang phiên bản {} của quy trình (từ phiên bản {}).",
            text(&d["to_version"]),
            text(&d["from_version"])
        ),
        "closed" => {
            let timeliness = match d["timeliness"].as_str() {
                Some("early") => " — trả kết quả trước hạn",
                Some("on_time") => " — trả kết quả đúng hạn",
                Some("late") => " — trả kết quả quá hạn",
                _ => "",
            };
            format!("Kết thúc hồ sơ: {}{timeliness}.", n.status(&d["outcome"]))
        }
        "documents_checked" => {
            let decision = match d["decision"].as_str() {
                Some("accept") => "hồ sơ đủ, tiếp nhận",
                Some("supplement") => "hồ sơ chưa đủ, yêu cầu bổ sung",
                Some("refuse") => "từ chối tiếp nhận",
                _ => "",
            };
            let missing = list(&d["missing"]);
            format!(
                "Kiểm tra thành phần hồ sơ tại Bộ phận Một cửa: đã nhận {}{}{}.",
                if list(&d["received"]).is_empty() {
                    "không có giấy tờ nào".to_owned()
                } else {
                    list(&d["received"]).join(", ")
                },
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("; còn thiếu {}", missing.join(", "))
                },
                if decision.is_empty() {
                    String::new()
                } else {
                    format!(" — {decision}")
                },
            )
        }
        "recorded_at_desk" => {
            let what = match d["command"].as_str() {
                Some("supplement") => "hồ sơ bổ sung của người nộp",
                Some("withdraw") => "yêu cầu rút hồ sơ của người nộp",
                _ => "yêu cầu của người nộp",
            };
            format!(
                "{} ghi nhận tại Bộ phận Một cửa {what}.",
                n.who(d["by"].as_str().unwrap_or_default())
            )
        }
        "comment" => match d["step"].as_str() {
            Some(_) => format!("Ý kiến về bước “{}”: {}", step(), text(&d["text"])),
            None => format!("Ý kiến: {}", text(&d["text"])),
        },
        "consultation_requested" => {
            let to = match (d["division"].as_str(), d["agency"].as_str()) {
                (Some(k), _) => n
                    .site
                    .tenant
                    .manifest
                    .division(k)
                    .map_or_else(|| k.to_owned(), |x| x.name.get(n.lang()).to_owned()),
                (None, Some(a)) => a.to_owned(),
                (None, None) => String::new(),
            };
            format!(
                "Xin ý kiến {to} (hạn trả lời {}): {}",
                n.time(&d["reply_by"]),
                text(&d["question"])
            )
        }
        "consultation_answered" => format!(
            "Trả lời yêu cầu lấy ý kiến số {}: {}",
            d["consultation"],
            text(&d["answer"])
        ),
        other => super::super::accountability::pages::sentence(n.site, other, d)
            .unwrap_or_else(|| format!("Sự kiện “{other}”.")),
    }
}

/// The timeline of `events` (oldest first) of a dossier of `procedure`.
pub(super) fn timeline(
    site: &Site,
    procedure: &Procedure,
    events: &[HistoryEntry],
    names: &HashMap<String, String>,
) -> Vec<Entry> {
    let namer = Namer {
        site,
        procedure,
        names,
    };
    events
        .iter()
        .map(|e| Entry {
            at: local_time(site, e.at),
            who: e.actor_name.clone().unwrap_or_else(|| namer.who(&e.actor)),
            text: sentence(&namer, &e.kind, &e.data),
        })
        .collect()
}
