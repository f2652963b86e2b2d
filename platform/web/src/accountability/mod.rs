//! Accountability requests (trách nhiệm giải trình) on the web: what both sides share — a
//! request as JSON, the history events each action writes, and refusals in the user's language.
//!
//! The applicant's side (opening a request on their own dossier, reading its answers) is
//! [`applicant`], on the portal's API, and a section of the public lookup page ([`lookup`]);
//! the officials' side lives with the one-stop system (`crate::onestop`). The rules are
//! `motcua_core::accountability`'s; storage is `motcua_store::accountability`.

pub(crate) mod applicant;
pub(crate) mod lookup;

use std::collections::HashMap;

use axum::Router;
use axum::routing::get;
use chrono::{DateTime, Utc};
use motcua_core::accountability::{MAX_TEXT, Refusal};
use motcua_store::accountability::Request;
use motcua_store::history::NewEvent;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

/// The applicant's routes, nested under `/api` (ownership is checked in code: only the citizen
/// whose identity number is the dossier's applicant's gets anything).
pub(crate) fn applicant_routes() -> (Router<AppState>, &'static [crate::guard::OwnedRoute]) {
    crate::guard::owned_routes! { "/api";
        "/v1/dossiers/{code}/accountability" [get, post] =>
            get(applicant::list).post(applicant::open),
        "/v1/dossiers/{code}/accountability/{id}" [get] => get(applicant::show),
    }
}

pub(crate) use crate::pages::local_time;

/// The name of division `key` of the host's tenant, or the key when it is gone.
pub(crate) fn division_name(site: &Site, key: &str) -> String {
    site.tenant
        .manifest
        .division(key)
        .map_or_else(|| key.to_owned(), |d| d.name.get(site.lang).to_owned())
}

/// How urgent a request is at `now`: `overdue`, `due_soon` (what is due next falls within a
/// working day, as in the inbox), `on_track`, or `done` once explained.
pub(crate) fn urgency(site: &Site, r: &Request, now: DateTime<Utc>) -> &'static str {
    match r.standing().next_due() {
        None => "done",
        Some(due) if due < now => "overdue",
        Some(due) if due <= soon(site, now) => "due_soon",
        Some(_) => "on_track",
    }
}

/// The end of "due soon": one working day from `now`.
pub(crate) fn soon(site: &Site, now: DateTime<Utc>) -> DateTime<Utc> {
    site.tenant
        .calendar
        .add(now, motcua_core::calendar::WorkingDuration::Days(1))
}

/// A request as JSON, in the host's language. `names` (audit subject → name) adds the names of
/// the officials involved, for officials; the applicant gets the division, not the people.
pub(crate) fn json(
    site: &Site,
    r: &Request,
    now: DateTime<Utc>,
    names: Option<&HashMap<String, String>>,
) -> Value {
    let lang = site.lang;
    let name = |who: &str| names.and_then(|n| n.get(who).cloned());
    let mut v = json!({
        "id": r.id,
        "dossier": r.dossier_code,
        "version": r.version,
        "status": { "code": r.status.as_str(), "label": r.status.label(lang) },
        "overdue": r.standing().is_overdue(now),
        "urgency": urgency(site, r, now),
        "division": { "key": r.division, "name": division_name(site, &r.division) },
        "step": r.step,
        "event": r.event_seq,
        "text": r.text,
        "opened_at": r.opened_at,
        "acknowledge_by": r.acknowledge_by,
        "explain_by": r.explain_by,
        "acknowledged_at": r.acknowledged.as_ref().map(|(at, _)| *at),
        "extension": r.extension.as_ref().map(|e| json!({
            "at": e.at, "from": e.from, "to": r.explain_by, "reason": e.reason,
        })),
        "explanation": r.explanation.as_ref().map(|e| json!({ "at": e.at, "text": e.text })),
    });
    if names.is_some() {
        v["applicant"] = json!(r.applicant_name);
        v["official"] = json!(
            r.official
                .as_ref()
                .map(|o| json!({ "id": o, "name": name(o) }))
        );
        v["acknowledged_by"] = json!(r.acknowledged.as_ref().map(|(_, by)| name(by)));
        if let Some(e) = &r.extension {
            v["extension"]["by"] = json!(name(&e.by));
        }
        if let Some(e) = &r.explanation {
            v["explanation"]["by"] = json!(name(&e.by));
        }
    }
    v
}

/// An event of the dossier's history for an action on request `id`.
pub(crate) fn event(at: DateTime<Utc>, actor: &str, kind: &str, payload: Value) -> NewEvent {
    NewEvent {
        at,
        actor: actor.to_owned(),
        kind: kind.to_owned(),
        payload,
    }
}

/// A refusal of the rules, in both languages, with `site`'s clock for the times it names.
pub(crate) fn refusal(site: &Site, r: &Refusal) -> Failure {
    let t = |at: &DateTime<Utc>| local_time(site, *at);
    let what = |w: &str| match w {
        "explanation" => ("nội dung giải trình", "explanation"),
        "reason" => ("lý do gia hạn", "reason for the extension"),
        _ => ("nội dung yêu cầu", "text of the request"),
    };
    let (code, vi, en) = match r {
        Refusal::AlreadyAcknowledged => (
            "already_acknowledged",
            "Yêu cầu giải trình này đã được tiếp nhận.".to_owned(),
            "This accountability request was acknowledged already.".to_owned(),
        ),
        Refusal::AlreadyExplained => (
            "already_explained",
            "Yêu cầu giải trình này đã được giải trình; không thể thao tác thêm.".to_owned(),
            "This accountability request was explained already; nothing more can be done."
                .to_owned(),
        ),
        Refusal::AlreadyExtended => (
            "already_extended",
            "Thời hạn giải trình chỉ được gia hạn một lần và đã được gia hạn.".to_owned(),
            "The explanation's term may be extended once, and it was extended already.".to_owned(),
        ),
        Refusal::Required(w) => {
            let (vi, en) = what(w);
            (
                match *w {
                    "explanation" => "explanation_required",
                    "reason" => "reason_required",
                    _ => "text_required",
                },
                format!("Cần nhập {vi}."),
                format!("The {en} is required."),
            )
        }
        Refusal::TooLong(w) => {
            let (vi, en) = what(w);
            (
                "text_too_long",
                format!("{} dài quá {MAX_TEXT} ký tự.", capitalise(vi)),
                format!("The {en} is longer than {MAX_TEXT} characters."),
            )
        }
        Refusal::ExtensionTooLate { explain_by } => (
            "extension_too_late",
            format!(
                "Hạn giải trình ({}) đã qua; chỉ được gia hạn trước khi hết hạn.",
                t(explain_by)
            ),
            format!(
                "The explanation was due at {}; an extension must be decided before that.",
                t(explain_by)
            ),
        ),
        Refusal::ExtensionNotLater { explain_by } => (
            "extension_not_later",
            format!(
                "Hạn mới phải sau hạn giải trình hiện tại ({}).",
                t(explain_by)
            ),
            format!(
                "The new due time must be after the current one ({}).",
                t(explain_by)
            ),
        ),
        Refusal::ExtensionTooLong { latest } => (
            "extension_too_long",
            format!(
                "Chỉ được gia hạn tối đa 15 ngày, tức chậm nhất đến {}.",
                t(latest)
            ),
            format!(
                "An extension may add at most 15 days, that is until {} at the latest.",
                t(latest)
            ),
        ),
    };
    Failure::invalid(code, Msg::new(vi, en))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// 404 for a request this tenant does not have (or the caller may not know of).
pub(crate) fn not_found(id: &str) -> Failure {
    Failure::not_found(Msg::new(
        format!("Không tìm thấy yêu cầu giải trình số {id}."),
        format!("There is no accountability request number {id}."),
    ))
}

/// The 409 of two officials acting on the same version of a request at once.
pub(crate) fn conflict() -> Failure {
    Failure::new(
        axum::http::StatusCode::CONFLICT,
        "stale_version",
        Msg::new(
            "Yêu cầu giải trình vừa được người khác xử lý. Vui lòng xem lại trạng thái mới nhất.",
            "Someone else has just acted on this accountability request. Look at where it stands now.",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::capitalise;

    #[test]
    fn the_first_letter_is_capitalised_with_its_diacritics() {
        assert_eq!(capitalise("nội dung"), "Nội dung");
        assert_eq!(capitalise("đơn"), "Đơn");
        assert_eq!(capitalise(""), "");
    }
}
