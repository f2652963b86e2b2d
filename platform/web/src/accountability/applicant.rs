//! The applicant's side of accountability requests, on the portal's JSON API:
//!
//! - `POST /api/v1/dossiers/{code}/accountability` `{"event": 7, "text": "..."}` or
//!   `{"step": "tra-cuu", "text": "..."}` opens a request about the handling recorded by an event
//!   of the dossier's history, or about a step of its workflow;
//! - `GET /api/v1/dossiers/{code}/accountability` lists the dossier's requests with their due
//!   times and answers; `GET .../accountability/{id}` gives one.
//!
//! Only a citizen signed in through the national portal whose identity number is the dossier's
//! applicant's may do this (the portal knows applicants by that number, as the lookup and the
//! documents do). Everyone else gets a clear refusal: not signed in 401, an official or a
//! citizen without an identity number 403, another citizen's dossier 404 as if there were none
//! ([`own_dossier`]: whose a dossier is is not told), another tenant's dossier 404, a dossier
//! closed more than [`OPEN_AFTER_CLOSE_DAYS`] days ago 422.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use motcua_core::accountability::{self as rules, OPEN_AFTER_CLOSE_DAYS};
use motcua_core::codes::DossierCode;
use motcua_store::accountability::{self, NewRequest};
use motcua_store::dossiers::{self, Dossier};
use motcua_store::history::StoredEvent;
use motcua_workflow::procedure::Procedure;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{event, local_time, refusal};
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{CitizenIdentity, Principal, Session};
use crate::{AppState, handling};

/// The body of `POST .../accountability`: exactly one of `event` and `step`, and the text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenBody {
    /// The sequence number of the event of the dossier's history whose handling is questioned.
    #[serde(default)]
    pub event: Option<i32>,
    /// The key of the workflow step whose handling is questioned.
    #[serde(default)]
    pub step: Option<String>,
    /// What the applicant says.
    pub text: String,
}

/// The signed-in citizen of `session`, with their identity number (also what "my dossiers"
/// asks, `crate::my_dossiers`).
pub(crate) fn citizen(session: &Session) -> Result<(&CitizenIdentity, &str), Failure> {
    match &session.principal {
        Principal::Citizen(c) => match c.citizen_id.as_deref() {
            Some(id) => Ok((c, id)),
            None => Err(Failure::new(
                StatusCode::FORBIDDEN,
                "citizen_id_missing",
                Msg::new(
                    "Tài khoản đăng nhập của bạn không cho biết số định danh cá nhân, nên hệ thống không xác định được hồ sơ của bạn.",
                    "Your sign-in did not give your citizen identity number, so your dossiers cannot be told apart.",
                ),
            )),
        },
        _ => Err(Failure::new(
            StatusCode::FORBIDDEN,
            "citizens_only",
            Msg::new(
                "Chỉ người nộp hồ sơ, đăng nhập qua Cổng Dịch vụ công quốc gia, mới xem và thao tác được trên hồ sơ của mình. Cán bộ xem hồ sơ trên Hệ thống thông tin một cửa điện tử.",
                "Only applicants, signed in through the national public service portal, can see and act on their own dossiers. Officials see dossiers in the one-stop system.",
            ),
        )),
    }
}

/// Whether the citizen whose identity number is `citizen_id` is `dossier`'s applicant: the one
/// owner check of the portal's pages and API.
pub(crate) fn is_applicant(dossier: &Dossier, citizen_id: &str) -> bool {
    dossier.applicant.id_number.as_ref().map(|id| id.as_str()) == Some(citizen_id)
}

/// Dossier `code` of the host's tenant if it is the citizen's own; 404 otherwise, the same
/// answer whether no dossier has the code or another citizen's has, so that whose a dossier is
/// is never told (every page and API of a citizen's own dossier asks here).
pub(crate) async fn own_dossier(
    state: &AppState,
    site: &Site,
    citizen_id: &str,
    code: &str,
) -> Result<Dossier, Failure> {
    let not_found = || {
        Failure::not_found(Msg::new(
            format!("Không tìm thấy hồ sơ mã {code} của bạn."),
            format!("You have no dossier with the code {code}."),
        ))
    };
    let parsed: DossierCode = code.parse().map_err(|_| not_found())?;
    dossiers::find(&state.store, site.tenant.id, &parsed)
        .await?
        .filter(|d| is_applicant(d, citizen_id))
        .ok_or_else(not_found)
}

/// Who and what a request questions.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    division: String,
    official: Option<String>,
    step: Option<String>,
    event_seq: Option<i32>,
}

fn invalid(code: &'static str, vi: String, en: String) -> Failure {
    Failure::invalid(code, Msg::new(vi, en))
}

/// Events recorded by the one-stop desk without naming a step.
const DESK_EVENTS: [&str; 3] = ["received", "documents_checked", "recorded_at_desk"];

/// Events that are an official's own act (the others, such as a step entered or a status
/// changed, follow from an act and name whoever caused it, not who handles what they name).
const OFFICIALS_ACTS: [&str; 8] = [
    "action_taken",
    "claimed",
    "released",
    "reassigned",
    "rescheduled",
    "stopped",
    "documents_checked",
    "recorded_at_desk",
];

/// The official who did `e`, when it is an official's own act.
fn official_of(e: &StoredEvent) -> Option<String> {
    (e.actor.starts_with("account:") && OFFICIALS_ACTS.contains(&e.kind.as_str()))
        .then(|| e.actor.clone())
}

/// The step a stored event names, if any.
fn step_of(e: &StoredEvent) -> Option<String> {
    serde_json::from_str::<Value>(&e.payload)
        .ok()?
        .get("step")?
        .as_str()
        .map(str::to_owned)
}

/// Works out the division and official the applicant questions.
fn target(
    site: &Site,
    procedure: &Procedure,
    dossier: &Dossier,
    events: &[StoredEvent],
    body: &OpenBody,
) -> Result<Target, Failure> {
    let manifest = &site.tenant.manifest;
    let info = &procedure.file.info;
    let division_of = |step: &str| {
        procedure
            .definition
            .step(step)
            .and_then(|(_, s)| s.division.clone())
    };
    match (body.event, body.step.as_deref().map(str::trim)) {
        (Some(seq), None) => {
            let e = events.iter().find(|e| e.seq == seq).ok_or_else(|| {
                invalid(
                    "unknown_event",
                    format!("Quá trình xử lý hồ sơ không có sự kiện số {seq}."),
                    format!("The dossier's history has no event number {seq}."),
                )
            })?;
            let official = official_of(e);
            let step = step_of(e);
            let division = step
                .as_deref()
                .and_then(division_of)
                .or_else(|| {
                    DESK_EVENTS
                        .contains(&e.kind.as_str())
                        .then(|| info.desk(manifest).key.to_string())
                })
                .or_else(|| official.as_ref().map(|_| info.division.to_string()))
                .ok_or_else(|| {
                    invalid(
                        "not_a_handling",
                        format!("Sự kiện số {seq} không phải là việc xử lý của cơ quan; hãy chọn một bước xử lý hoặc một thao tác của cán bộ."),
                        format!("Event {seq} is not something the agency did; pick a step of handling or an official's action."),
                    )
                })?;
            Ok(Target {
                division,
                official,
                step,
                event_seq: Some(seq),
            })
        }
        (None, Some(key)) if !key.is_empty() => {
            let unknown = || {
                invalid(
                    "unknown_step",
                    format!("Quy trình của hồ sơ không có bước xử lý “{key}”."),
                    format!("The dossier's workflow has no step of handling “{key}”."),
                )
            };
            let division = division_of(key).ok_or_else(unknown)?;
            let token = dossier
                .state
                .get("tokens")
                .and_then(Value::as_array)
                .and_then(|tokens| tokens.iter().find(|t| t["step"] == key));
            let at_step: Vec<&StoredEvent> = events
                .iter()
                .filter(|e| step_of(e).as_deref() == Some(key))
                .collect();
            if token.is_none() && at_step.is_empty() {
                return Err(invalid(
                    "step_not_reached",
                    format!("Hồ sơ chưa đến bước “{key}”."),
                    format!("The dossier has not reached step “{key}”."),
                ));
            }
            let official = token
                .and_then(|t| t["assignee"].as_str())
                .map(str::to_owned)
                .or_else(|| at_step.iter().rev().find_map(|e| official_of(e)));
            Ok(Target {
                division,
                official,
                step: Some(key.to_owned()),
                event_seq: None,
            })
        }
        _ => Err(invalid(
            "target_required",
            "Hãy chọn đúng một sự kiện trong quá trình xử lý (event) hoặc một bước xử lý (step) mà bạn đề nghị giải trình.".to_owned(),
            "Pick exactly one event of the history (event) or one step (step) whose handling you question.".to_owned(),
        )),
    }
}

/// `POST /api/v1/dossiers/{code}/accountability`.
pub(crate) async fn open(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let (citizen, citizen_id) = citizen(&session).map_err(fail)?;
    state
        .rate_limit_key(
            "accountability",
            &citizen.subject,
            state.config.submit_per_minute,
        )
        .await
        .map_err(fail)?;
    let body: OpenBody = crate::api::json_body(lang, &body)?;
    let dossier = own_dossier(&state, &site, citizen_id, &code)
        .await
        .map_err(fail)?;
    let now = Utc::now();
    if let Some(closed) = dossier.closed_at
        && now - closed > Duration::days(OPEN_AFTER_CLOSE_DAYS)
    {
        return Err(fail(invalid(
            "accountability_period_over",
            format!(
                "Hồ sơ đã kết thúc ngày {}, quá {OPEN_AFTER_CLOSE_DAYS} ngày: không còn nhận yêu cầu giải trình về hồ sơ này.",
                local_time(&site, closed)
            ),
            format!(
                "The dossier was closed on {}, more than {OPEN_AFTER_CLOSE_DAYS} days ago: accountability requests about it are no longer accepted.",
                local_time(&site, closed)
            ),
        )));
    }
    let text = rules::text(&body.text, "text").map_err(|r| fail(refusal(&site, &r)))?;
    let procedure = handling::procedure_at(
        &state,
        &site,
        &dossier.procedure_code,
        dossier.procedure_version,
    )
    .await
    .map_err(fail)?;
    let events = dossiers::history(&state.store, site.tenant.id, &dossier)
        .await
        .map_err(|e| fail(e.into()))?;
    let target = target(&site, &procedure, &dossier, &events, &body).map_err(fail)?;
    let calendar = &site.tenant.calendar;
    let acknowledge_by = rules::acknowledge_by(calendar, now);
    let explain_by = rules::explain_by(calendar, acknowledge_by, None);
    let actor = format!("citizen:{}", citizen.subject);
    let request = accountability::open(
        &state.store,
        site.tenant.id,
        NewRequest {
            dossier_id: dossier.id,
            applicant_subject: actor.clone(),
            applicant_name: citizen.name.clone(),
            division: target.division,
            official: target.official,
            step: target.step,
            event_seq: target.event_seq,
            text,
            opened_at: now,
            acknowledge_by,
            explain_by,
        },
        |r| {
            vec![event(
                now,
                &actor,
                "accountability_opened",
                json!({
                    "request": r.id,
                    "division": r.division,
                    "official": r.official,
                    "step": r.step,
                    "event": r.event_seq,
                    "text": r.text,
                    "acknowledge_by": r.acknowledge_by,
                    "explain_by": r.explain_by,
                }),
            )]
        },
    )
    .await
    .map_err(|e| fail(e.into()))?;
    Ok((
        StatusCode::CREATED,
        Json(super::json(&site, &request, now, None)),
    )
        .into_response())
}

/// `GET /api/v1/dossiers/{code}/accountability`.
pub(crate) async fn list(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let (_, citizen_id) = citizen(&session).map_err(fail)?;
    let dossier = own_dossier(&state, &site, citizen_id, &code)
        .await
        .map_err(fail)?;
    let requests = accountability::of_dossier(&state.store, site.tenant.id, dossier.id)
        .await
        .map_err(|e| fail(e.into()))?;
    let now = Utc::now();
    Ok(Json(json!({
        "dossier": dossier.code,
        "requests": requests.iter().map(|r| super::json(&site, r, now, None)).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/dossiers/{code}/accountability/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path((code, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let (_, citizen_id) = citizen(&session).map_err(fail)?;
    let dossier = own_dossier(&state, &site, citizen_id, &code)
        .await
        .map_err(fail)?;
    let found = match id.parse::<i64>() {
        Ok(n) => accountability::find(&state.store, site.tenant.id, n)
            .await
            .map_err(|e| fail(e.into()))?,
        Err(_) => None,
    };
    let request = found
        .filter(|r| r.dossier_id == dossier.id)
        .ok_or_else(|| fail(super::not_found(&id)))?;
    Ok(Json(super::json(&site, &request, Utc::now(), None)))
}
