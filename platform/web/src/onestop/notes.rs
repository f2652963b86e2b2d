//! Officials' internal comments on a dossier and ad-hoc consultations (lấy ý kiến) of another
//! division of the tenant or of an outside agency, with a reply-by date in working days.
//!
//! Rules kept here:
//! - both are events of the dossier's hash-chained history ([`dossiers::annotate`]): they never
//!   move the workflow (state, status, due date and tasks stay), the audit covers them, and the
//!   history is where they are read back from; no other table holds them;
//! - a note names the dossier version the official saw, like a command: one written on a
//!   dossier someone moved meanwhile is refused with 409 and the dossier as it now stands;
//! - citizens never see them (the portal shows no history events);
//! - a consultation of a division is answered by an official who may act (receive, handle,
//!   approve) there; one of an outside agency is recorded, when its reply arrives, by an
//!   official who may act on the dossier's procedure; each is answered once;
//! - officials of a consulted division may open the dossier while it is consulted, even when
//!   the procedure never passes through their division.
//!
//! A consultation declared in the workflow (a `parallel` step whose branches are other
//! divisions' steps) is handled as steps; this is the ad-hoc kind beside it.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingDuration;
use motcua_store::dossiers::{self, Dossier, MoveError};
use motcua_store::history::{NewEvent, StoredEvent};
use serde::Serialize;
use serde_json::{Value, json};

use super::api::Outcome;
use super::official::{Official, divisions_of};
use super::view::{ACT, HistoryEntry, Loaded};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::i18n::Msg;

/// The event of a comment.
pub(crate) const COMMENT: &str = "comment";
/// The event of a consultation's request.
pub(crate) const REQUESTED: &str = "consultation_requested";
/// The event of a consultation's answer.
pub(crate) const ANSWERED: &str = "consultation_answered";
/// The longest comment, question or answer kept.
const MAX_TEXT: usize = 4000;
/// The longest reply time a consultation may be given, in working days.
const MAX_DAYS: u32 = 60;

/// A note as an official sends it (in the command enum of the JSON API).
#[derive(Clone, Debug)]
pub(crate) enum Note {
    /// An internal comment, about a step of the workflow or the dossier as a whole.
    Comment {
        /// What the official writes.
        text: String,
        /// The step it is about.
        step: Option<String>,
    },
    /// A request for an opinion.
    Consult {
        /// A division of the tenant (its key).
        division: Option<String>,
        /// An outside agency, by name.
        agency: Option<String>,
        /// What is asked.
        question: String,
        /// How many working days the consulted have.
        working_days: u32,
    },
    /// The answer to a consultation.
    Answer {
        /// The consultation (the history position of its request).
        consultation: i32,
        /// The opinion given.
        answer: String,
    },
}

fn invalid(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Failure {
    Failure::invalid(code, Msg::new(vi.into(), en.into()))
}

fn forbidden(vi: &str, en: &str) -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(vi.to_owned(), en.to_owned()),
    )
}

/// `text` trimmed, or 422 when empty or too long.
fn text(value: &str, what_vi: &str, what_en: &str) -> Result<String, Failure> {
    let t = value.trim();
    if t.is_empty() {
        return Err(invalid(
            "text_required",
            format!("Cần ghi {what_vi}."),
            format!("Write the {what_en}."),
        ));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(invalid(
            "text_too_long",
            format!("{what_vi} dài quá {MAX_TEXT} ký tự."),
            format!("The {what_en} is longer than {MAX_TEXT} characters."),
        ));
    }
    Ok(t.to_owned())
}

/// A consultation as read from the history.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Consultation {
    /// Its id: the history position of its request.
    pub id: i32,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
    /// Who asked (`account:12`).
    pub asked_by: String,
    /// The division consulted (key), when it is one of the tenant's.
    pub division: Option<String>,
    /// The outside agency consulted, by name.
    pub agency: Option<String>,
    /// What was asked.
    pub question: String,
    /// When the answer is due.
    pub reply_by: Option<DateTime<Utc>>,
    /// The answer, once given.
    pub answer: Option<String>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Who recorded the answer.
    pub answered_by: Option<String>,
    /// Unanswered past its date.
    pub overdue: bool,
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// The consultations of a history (`(seq, at, actor, kind, data)` per event), oldest first, as
/// they stand at `now`.
fn fold<'e>(
    events: impl Iterator<Item = (i32, DateTime<Utc>, &'e str, &'e str, Value)>,
    now: DateTime<Utc>,
) -> Vec<Consultation> {
    let mut all: Vec<Consultation> = Vec::new();
    for (seq, at, actor, kind, d) in events {
        let str_of = |k: &str| d[k].as_str().map(str::to_owned);
        match kind {
            REQUESTED => all.push(Consultation {
                id: seq,
                asked_at: at,
                asked_by: actor.to_owned(),
                division: str_of("division"),
                agency: str_of("agency"),
                question: str_of("question").unwrap_or_default(),
                reply_by: time(&d["reply_by"]),
                answer: None,
                answered_at: None,
                answered_by: None,
                overdue: false,
            }),
            ANSWERED => {
                let id = d["consultation"].as_i64();
                if let Some(c) = all
                    .iter_mut()
                    .find(|c| Some(i64::from(c.id)) == id && c.answer.is_none())
                {
                    c.answer = str_of("answer");
                    c.answered_at = Some(at);
                    c.answered_by = Some(actor.to_owned());
                }
            }
            _ => {}
        }
    }
    for c in &mut all {
        c.overdue = c.answer.is_none() && c.reply_by.is_some_and(|due| due < now);
    }
    all
}

/// The consultations of a dossier's history as officials read it.
pub(crate) fn consultations(history: &[HistoryEntry], now: DateTime<Utc>) -> Vec<Consultation> {
    fold(
        history.iter().map(|e| {
            (
                e.seq,
                e.at,
                e.actor.as_str(),
                e.kind.as_str(),
                e.data.clone(),
            )
        }),
        now,
    )
}

fn stored(events: &[StoredEvent], now: DateTime<Utc>) -> Vec<Consultation> {
    fold(
        events.iter().map(|e| {
            let data = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
            (e.seq, e.at, e.actor.as_str(), e.kind.as_str(), data)
        }),
        now,
    )
}

/// The divisions a dossier has consulted: their officials may open it.
pub(crate) async fn consulted_divisions(
    state: &AppState,
    tenant: motcua_store::TenantId,
    dossier: &Dossier,
) -> Result<Vec<String>, Failure> {
    let events = dossiers::history(&state.store, tenant, dossier).await?;
    Ok(stored(&events, Utc::now())
        .into_iter()
        .filter_map(|c| c.division)
        .collect())
}

/// Whether `official` may record the answer to `c`.
pub(crate) fn may_answer(official: &Official, loaded: &Loaded, c: &Consultation) -> bool {
    if c.answer.is_some() {
        return false;
    }
    match &c.division {
        Some(division) => official.may_any(&ACT, [division.as_str()]),
        None => may_consult(official, loaded),
    }
}

/// Whether `official` may ask for opinions on the dossier: they may act on its procedure.
pub(crate) fn may_consult(official: &Official, loaded: &Loaded) -> bool {
    let divisions = divisions_of(&loaded.procedure, &official.guard.site.tenant.manifest);
    !loaded.state.is_closed() && official.may_any(&ACT, divisions.iter().map(String::as_str))
}

/// The event a note becomes, checked against the dossier's history at `now`.
fn event(
    official: &Official,
    loaded: &Loaded,
    note: &Note,
    history: &[StoredEvent],
    now: DateTime<Utc>,
) -> Result<NewEvent, Failure> {
    let site = &official.guard.site;
    let (kind, payload) = match note {
        Note::Comment { text: t, step } => {
            let step = step.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if let Some(s) = step
                && loaded.procedure.definition.step(s).is_none()
            {
                return Err(invalid(
                    "unknown_step",
                    format!("Quy trình của hồ sơ không có bước {s}."),
                    format!("The dossier's workflow has no step {s}."),
                ));
            }
            let t = text(t, "nội dung ý kiến", "comment")?;
            (COMMENT, json!({ "text": t, "step": step }))
        }
        Note::Consult {
            division,
            agency,
            question,
            working_days,
        } => {
            if !may_consult(official, loaded) {
                return Err(forbidden(
                    "Bạn không có quyền lấy ý kiến về hồ sơ này.",
                    "You may not ask for opinions on this dossier.",
                ));
            }
            let division = division.as_deref().map(str::trim).filter(|d| !d.is_empty());
            let agency = agency.as_deref().map(str::trim).filter(|a| !a.is_empty());
            match (division, agency) {
                (Some(d), None) if site.tenant.manifest.division(d).is_none() => {
                    return Err(invalid(
                        "unknown_division",
                        format!("Đơn vị {d} không thuộc cơ quan."),
                        format!("There is no division {d} in this agency."),
                    ));
                }
                (Some(_), None) | (None, Some(_)) => {}
                _ => {
                    return Err(invalid(
                        "consulted_required",
                        "Hãy chọn một đơn vị của cơ quan hoặc ghi tên một cơ quan bên ngoài (chỉ một trong hai).",
                        "Choose one division of the agency or name one outside agency (not both).",
                    ));
                }
            }
            if !(1..=MAX_DAYS).contains(working_days) {
                return Err(invalid(
                    "invalid_working_days",
                    format!("Thời hạn trả lời phải từ 1 đến {MAX_DAYS} ngày làm việc."),
                    format!("The time to answer must be 1 to {MAX_DAYS} working days."),
                ));
            }
            let question = text(question, "nội dung cần xin ý kiến", "question")?;
            let reply_by = site
                .tenant
                .calendar
                .add(now, WorkingDuration::Days(*working_days));
            (
                REQUESTED,
                json!({
                    "division": division,
                    "agency": agency,
                    "question": question,
                    "working_days": working_days,
                    "reply_by": reply_by,
                }),
            )
        }
        Note::Answer {
            consultation,
            answer,
        } => {
            let all = stored(history, now);
            let c = all.iter().find(|c| c.id == *consultation).ok_or_else(|| {
                Failure::not_found(Msg::new(
                    format!("Hồ sơ không có yêu cầu lấy ý kiến số {consultation}."),
                    format!("The dossier has no consultation {consultation}."),
                ))
            })?;
            if c.answer.is_some() {
                return Err(Failure::new(
                    StatusCode::CONFLICT,
                    "already_answered",
                    Msg::new(
                        "Yêu cầu lấy ý kiến này đã được trả lời.",
                        "This consultation has been answered already.",
                    ),
                ));
            }
            if !may_answer(official, loaded, c) {
                return Err(forbidden(
                    "Chỉ cán bộ của đơn vị được xin ý kiến mới trả lời được.",
                    "Only officials of the consulted division may answer.",
                ));
            }
            let answer = text(answer, "nội dung trả lời", "answer")?;
            (
                ANSWERED,
                json!({ "consultation": consultation, "answer": answer }),
            )
        }
    };
    Ok(NewEvent {
        at: now,
        actor: official.actor.id.clone(),
        kind: kind.to_owned(),
        payload,
    })
}

/// What refused a note, inside the annotating transaction.
enum Refused {
    Stale,
    Failure(Failure),
}

fn stale() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "stale_version",
        Msg::new(
            "Hồ sơ vừa được người khác xử lý. Vui lòng tải lại để xem trạng thái mới nhất.",
            "Someone else has just handled this dossier. Reload it to see where it stands now.",
        ),
    )
}

/// Records `note` on the dossier for `official`, who saw it at `expected_version`, and answers
/// like a command of the JSON API: the dossier after it (200), or the conflict with the dossier
/// as it now stands (409).
pub(crate) async fn run(
    state: &AppState,
    official: &Official,
    loaded: Loaded,
    expected_version: u64,
    note: Note,
) -> Result<Outcome, ApiError> {
    let site = &official.guard.site;
    let code = loaded.dossier.code;
    let now = Utc::now();
    let written = dossiers::annotate(&state.store, site.tenant.id, &code, |stored, history| {
        let version = stored.state.get("version").and_then(Value::as_u64);
        if version != Some(expected_version) {
            return Err(Refused::Stale);
        }
        event(official, &loaded, &note, history, now)
            .map(|e| vec![e])
            .map_err(Refused::Failure)
    })
    .await;
    match written {
        Ok(d) => Ok(Outcome::Done(Box::new(d))),
        Err(MoveError::Conflict | MoveError::Refused(Refused::Stale)) => {
            Ok(Outcome::Conflict(stale()))
        }
        Err(MoveError::Refused(Refused::Failure(f))) if f.status == StatusCode::CONFLICT => {
            Ok(Outcome::Conflict(f))
        }
        Err(MoveError::Refused(Refused::Failure(f))) => Err(ApiError(site.lang, f)),
        Err(MoveError::NotFound) => Err(ApiError(
            site.lang,
            Failure::not_found(Msg::new("Không tìm thấy hồ sơ.", "No such dossier.")),
        )),
        Err(MoveError::Store(e)) => Err(ApiError(site.lang, e.into())),
    }
}

/// The comments of a history, oldest first.
pub(crate) fn comments(history: &[HistoryEntry]) -> Vec<&HistoryEntry> {
    history.iter().filter(|e| e.kind == COMMENT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        format!("2026-03-02T{h:02}:00:00Z").parse().unwrap()
    }

    #[test]
    fn consultations_are_answered_once_and_overdue_past_their_date() {
        let ask = |division: &str, due: u32| json!({ "division": division, "question": "?", "reply_by": at(due) });
        let events = [
            (3, at(1), "account:1", REQUESTED, ask("so-noi-vu", 5)),
            (4, at(2), "account:1", COMMENT, json!({ "text": "x" })),
            (5, at(2), "account:1", REQUESTED, ask("so-tu-phap", 3)),
            (
                6,
                at(3),
                "account:2",
                ANSWERED,
                json!({ "consultation": 5, "answer": "A" }),
            ),
            (
                7,
                at(4),
                "account:3",
                ANSWERED,
                json!({ "consultation": 5, "answer": "B" }),
            ),
            (
                8,
                at(4),
                "account:3",
                ANSWERED,
                json!({ "consultation": 99, "answer": "C" }),
            ),
        ];
        let all = fold(
            events
                .iter()
                .map(|(s, t, a, k, d)| (*s, *t, *a, *k, d.clone())),
            at(6),
        );
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].id, 3);
        assert!(all[0].answer.is_none() && all[0].overdue);
        assert_eq!(
            all[1].answer.as_deref(),
            Some("A"),
            "the first answer stands"
        );
        assert_eq!(all[1].answered_by.as_deref(), Some("account:2"));
        assert!(!all[1].overdue, "answered is never overdue");
        let early = fold(
            events
                .iter()
                .map(|(s, t, a, k, d)| (*s, *t, *a, *k, d.clone())),
            at(4),
        );
        assert!(!early[0].overdue, "not yet past its date");
    }
}
