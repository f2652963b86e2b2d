//! Complaints in the one-stop system: officials list the complaints routed to their divisions,
//! forward a misdirected one to the competent division and answer.
//!
//! - `GET /api/v1/onestop/complaints?status=&overdue=&limit=` — `status` one of `received`,
//!   `forwarded`, `answered`, `closed`, or `open` (not yet answered); `overdue=true` only those
//!   whose answer is late; the answer due soonest first;
//! - `GET /api/v1/onestop/complaints/{code}`;
//! - `POST .../{code}/forward` `{"division", "reason", "expected_version"?}`: allowed until
//!   [`super::FORWARD`] after receipt (later: 422 `forward_too_late`, naming the deadline);
//!   the division it goes to may forward it on until [`super::FORWARD`] after the forwarding;
//! - `POST .../{code}/answer` `{"text", "publish", "expected_version"?}`;
//! - `POST .../{code}/close` `{"expected_version"?}` (or no body): ends its handling, answered or
//!   not (a duplicate, a withdrawn one), recording who closed it and when;
//! - `GET .../{code}/files/{sha256}`: a file the sender attached, as a download.
//!
//! Who may: the guard's `feedback:view` in the complaint's division to see it, `feedback:answer`
//! there to forward, answer or close it (another division's complaint: 403). An action naming
//! the version the official saw is refused with 409 when someone acted meanwhile; answering or
//! forwarding an answered complaint, and any action on a closed one, is 409 whatever the
//! version.

pub(crate) mod pages;

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_authz::{Action, Object, Permission};
use motcua_store::complaints::{
    self, ActError, Answer, Change, Closing, Complaint, Forward, ListQuery,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{MAX_TEXT, division_name, local_time, overdue, public_json};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;

/// Whether the caller may do `action` to complaints in `division`.
fn may(guard: &Guard, action: Action, division: &str) -> bool {
    guard.may(Permission::new(Object::Feedback, action), Some(division))
}

/// The divisions of the tenant whose complaints the caller may see.
pub(crate) fn visible_divisions(guard: &Guard) -> Vec<String> {
    guard.divisions_where(Permission::new(Object::Feedback, Action::View))
}

/// 404 for a complaint code the tenant does not have.
fn unknown(code: &str) -> Failure {
    Failure::not_found(Msg::new(
        format!("Không có phản ánh, kiến nghị mã {code}."),
        format!("There is no complaint or suggestion {code}."),
    ))
}

fn forbidden(guard: &Guard, division: &str) -> Failure {
    let name = division_name(&guard.site, division);
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(
            format!("Phản ánh, kiến nghị này thuộc {name}, nơi bạn không có quyền xử lý."),
            format!("This complaint is with {name}, where you may not handle it."),
        ),
    )
}

/// 403 for a caller who may see citizens' feedback in no division.
fn no_rights() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(
            "Bạn chưa được phân công xử lý phản ánh, kiến nghị ở đơn vị nào.",
            "You have not been given complaints to handle in any division.",
        ),
    )
}

/// Complaint `code` if the caller may see it: 404 when the tenant has none such, 403 when it
/// is with a division where they may not see citizens' feedback.
pub(crate) async fn load_one(
    state: &AppState,
    guard: &Guard,
    code: &str,
) -> Result<Complaint, Failure> {
    // Whoever may see no complaint at all learns nothing about codes.
    if visible_divisions(guard).is_empty() {
        return Err(no_rights());
    }
    let found = match complaints::parse_code(code) {
        Some(c) => complaints::find(&state.store, guard.site.tenant.id, &c).await?,
        None => None,
    };
    let c = found.ok_or_else(|| unknown(code))?;
    if !may(guard, Action::View, &c.division) {
        return Err(forbidden(guard, &c.division));
    }
    Ok(c)
}

/// The list's query string; every part optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Params {
    /// `received`, `forwarded`, `answered`, `closed` or `open`.
    pub status: Option<String>,
    /// `true`: only overdue ones.
    pub overdue: Option<bool>,
    /// Rows (at most 500, default 100).
    pub limit: Option<u64>,
}

/// The complaints `params` asks for that the caller may see; 403 when they may see none.
pub(crate) async fn load_list(
    state: &AppState,
    guard: &Guard,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Vec<Complaint>, Failure> {
    let divisions = visible_divisions(guard);
    if divisions.is_empty() {
        return Err(no_rights());
    }
    let statuses = match params.status.as_deref().map(str::trim).unwrap_or_default() {
        "" => Vec::new(),
        "open" => vec!["received".to_owned(), "forwarded".to_owned()],
        s @ ("received" | "forwarded" | "answered" | "closed") => vec![s.to_owned()],
        other => {
            return Err(Failure::invalid(
                "invalid_filter",
                Msg::new(
                    format!("Giá trị \"{other}\" không hợp lệ cho bộ lọc tình trạng."),
                    format!("\"{other}\" is not a valid value for the status filter."),
                ),
            ));
        }
    };
    let query = ListQuery {
        divisions: Some(divisions),
        statuses,
        published: false,
        overdue_at: params.overdue.unwrap_or(false).then_some(now),
        limit: params.limit.unwrap_or(100),
    };
    Ok(complaints::list(&state.store, guard.site.tenant.id, &query).await?)
}

/// The names of the tenant's officials, by audit subject (`account:12`).
pub(crate) async fn official_names(
    state: &AppState,
    tenant: motcua_store::TenantId,
) -> Result<HashMap<String, String>, Failure> {
    let accounts = motcua_store::accounts::list(
        &state.store,
        motcua_store::accounts::Holder::Official(tenant),
    )
    .await?;
    Ok(accounts
        .into_iter()
        .map(|a| (motcua_authz::subject(a.id), a.name))
        .collect())
}

/// What the caller may do to a complaint now.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(crate) struct Can {
    /// Forward it to another division.
    pub forward: bool,
    /// Answer it.
    pub answer: bool,
    /// Close it.
    pub close: bool,
}

/// What `guard`'s caller may do to `c` at `now`.
pub(crate) fn can(guard: &Guard, c: &Complaint, now: DateTime<Utc>) -> Can {
    if !may(guard, Action::Answer, &c.division) || c.status == "closed" {
        return Can::default();
    }
    let open = c.answer.is_none();
    Can {
        forward: open && now <= c.forward_by,
        answer: open,
        close: true,
    }
}

/// A complaint as officials get it: the sender's contact, who forwarded and answered, the due
/// times, whether it is overdue and what the caller may do.
pub(crate) fn view(
    guard: &Guard,
    c: &Complaint,
    forwards: &[Forward],
    files: &[complaints::Attachment],
    names: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Value {
    let site = &guard.site;
    let name = |who: &str| names.get(who).cloned().unwrap_or_else(|| who.to_owned());
    let mut v = public_json(site, c, forwards, files);
    v["version"] = json!(c.version);
    v["sender"] = json!({
        "name": c.sender.name,
        "phone": c.sender.phone,
        "email": c.sender.email,
        "address": c.sender.address,
        "signed_in": c.sender.citizen.is_some(),
    });
    v["forward_by"] = json!(c.forward_by);
    v["overdue"] = json!(overdue(c, now));
    v["attachments"] = files
        .iter()
        .map(|a| {
            json!({
                "file_name": a.file_name, "size": a.size, "content_type": a.content_type,
                "href": file_href(&c.code, &a.sha256),
            })
        })
        .collect();
    v["forwards"] = forwards
        .iter()
        .map(|f| {
            json!({
                "from": { "key": f.from, "name": division_name(site, &f.from) },
                "to": { "key": f.to, "name": division_name(site, &f.to) },
                "reason": f.reason,
                "at": f.at,
                "by": name(&f.by),
            })
        })
        .collect();
    if let Some(a) = &c.answer {
        v["answer"]["by"] = json!(name(&a.by));
    }
    v["closed"] = json!(
        c.closed
            .as_ref()
            .map(|k| json!({ "at": k.at, "by": name(&k.by) }))
    );
    v["can"] = json!(can(guard, c, now));
    v
}

/// `c` as [`view`] gives it, with its details read.
async fn full_view(state: &AppState, guard: &Guard, c: &Complaint) -> Result<Value, Failure> {
    let tenant = guard.site.tenant.id;
    let (forwards, files) = complaints::details(&state.store, tenant, c.id).await?;
    let names = official_names(state, tenant).await?;
    Ok(view(guard, c, &forwards, &files, &names, Utc::now()))
}

/// `GET /api/v1/onestop/complaints`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Query(params): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let lang = guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let now = Utc::now();
    let rows = load_list(&state, &guard, &params, now)
        .await
        .map_err(fail)?;
    let names = official_names(&state, guard.site.tenant.id)
        .await
        .map_err(fail)?;
    Ok(Json(json!({
        "rows": rows.iter().map(|c| view(&guard, c, &[], &[], &names, now)).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/onestop/complaints/{code}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let lang = guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let c = load_one(&state, &guard, &code).await.map_err(fail)?;
    Ok(Json(full_view(&state, &guard, &c).await.map_err(fail)?))
}

/// Where the officials download a file the sender attached.
pub(crate) fn file_href(code: &str, sha256: &str) -> String {
    format!("/api/v1/onestop/complaints/{code}/files/{sha256}")
}

/// `GET /api/v1/onestop/complaints/{code}/files/{sha256}`: a file of the complaint, to the
/// officials who see it.
pub(crate) async fn file(
    State(state): State<AppState>,
    guard: Guard,
    Path((code, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let lang = guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let c = load_one(&state, &guard, &code).await.map_err(fail)?;
    let tenant = guard.site.tenant.id;
    let (_, files) = complaints::details(&state.store, tenant, c.id)
        .await
        .map_err(|e| fail(e.into()))?;
    let found = files
        .into_iter()
        .find(|f| f.sha256 == sha256)
        .and_then(|f| Some((f.sha256.parse().ok()?, f)));
    let Some((hash, f)) = found else {
        return Err(fail(Failure::not_found(Msg::new(
            "Phản ánh, kiến nghị này không có tệp đó.",
            "This complaint has no such file.",
        ))));
    };
    crate::api::documents::attachment(&state, lang, tenant, &hash, &f.file_name, &f.content_type)
        .await
}

/// What an official does to a complaint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Act {
    /// Send it to `division` because `reason`.
    Forward {
        /// The division's key.
        division: String,
        /// Why.
        reason: String,
    },
    /// Answer it.
    Answer {
        /// The answer.
        text: String,
        /// Whether to publish it.
        publish: bool,
    },
    /// Close it.
    Close,
}

fn required(text: &str, vi: &str, en: &str) -> Result<String, Failure> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Failure::invalid(
            "text_required",
            Msg::new(format!("Cần nhập {vi}."), format!("The {en} is required.")),
        ));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(Failure::invalid(
            "text_too_long",
            Msg::new(
                format!("{vi} dài quá {MAX_TEXT} ký tự."),
                format!("The {en} is longer than {MAX_TEXT} characters."),
            ),
        ));
    }
    Ok(t.to_owned())
}

fn closed_already() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "already_closed",
        Msg::new(
            "Phản ánh, kiến nghị này đã kết thúc xử lý; không thể thao tác thêm.",
            "This complaint is closed; nothing more can be done.",
        ),
    )
}

fn answered_already() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "already_answered",
        Msg::new(
            "Phản ánh, kiến nghị này đã được trả lời; không thể thao tác thêm.",
            "This complaint was answered already; nothing more can be done.",
        ),
    )
}

/// Decides `act` on `c` as stored, by `actor` at `now`: the change, or why not.
fn decide(
    guard: &Guard,
    c: &Complaint,
    act: &Act,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Change, Failure> {
    let site = &guard.site;
    if c.status == "closed" {
        return Err(closed_already());
    }
    if c.answer.is_some() && *act != Act::Close {
        return Err(answered_already());
    }
    match act {
        Act::Forward { division, reason } => {
            if now > c.forward_by {
                let at = local_time(site, c.forward_by);
                return Err(Failure::invalid(
                    "forward_too_late",
                    Msg::new(
                        format!(
                            "Đã quá thời hạn chuyển phản ánh, kiến nghị đến cơ quan có thẩm quyền (5 ngày làm việc kể từ khi đơn vị tiếp nhận hoặc được chuyển đến, đến {at}). Đơn vị đang giữ phải trả lời."
                        ),
                        format!(
                            "The time to forward this complaint to the competent division (5 working days from its receipt or its forwarding here, until {at}) is over. The division holding it must answer it."
                        ),
                    ),
                ));
            }
            let to = site
                .tenant
                .manifest
                .division(division.trim())
                .ok_or_else(|| {
                    Failure::invalid(
                        "unknown_division",
                        Msg::new(
                            format!("Không có đơn vị “{division}”."),
                            format!("There is no division “{division}”."),
                        ),
                    )
                })?;
            if to.key.as_str() == c.division {
                return Err(Failure::invalid(
                    "same_division",
                    Msg::new(
                        "Phản ánh, kiến nghị đang ở chính đơn vị này; hãy chọn đơn vị khác.",
                        "The complaint is with this division already; choose another one.",
                    ),
                ));
            }
            let reason = required(reason, "lý do chuyển", "reason for forwarding")?;
            Ok(Change::Forward {
                forward: Forward {
                    from: c.division.clone(),
                    to: to.key.to_string(),
                    reason,
                    at: now,
                    by: actor.to_owned(),
                },
                // The receiving division's own window, from the forwarding.
                forward_by: super::forward_window(&site.tenant.calendar, now),
            })
        }
        Act::Answer { text, publish } => {
            let text = required(text, "nội dung trả lời", "answer")?;
            Ok(Change::Answer {
                answer: Answer {
                    text,
                    by: actor.to_owned(),
                    at: now,
                },
                publish: *publish,
            })
        }
        Act::Close => Ok(Change::Close(Closing {
            by: actor.to_owned(),
            at: now,
        })),
    }
}

/// Runs `act` on `c` for the caller: the complaint after it, or the failure (403 without
/// `feedback:answer` in its division, 409 when someone acted meanwhile or it is answered, 422
/// for what the rules refuse).
pub(crate) async fn run(
    state: &AppState,
    guard: &Guard,
    c: &Complaint,
    expected_version: Option<i64>,
    act: Act,
) -> Result<Complaint, Failure> {
    if !may(guard, Action::Answer, &c.division) {
        return Err(forbidden(guard, &c.division));
    }
    let actor = guard.actor();
    let now = Utc::now();
    let acted = complaints::act(
        &state.store,
        guard.site.tenant.id,
        c.id,
        expected_version,
        |fresh| {
            // The division may have changed since the caller was let through: ask again.
            if !may(guard, Action::Answer, &fresh.division) {
                return Err(forbidden(guard, &fresh.division));
            }
            decide(guard, fresh, &act, &actor, now)
        },
    )
    .await;
    match acted {
        Ok(c) => Ok(c),
        Err(ActError::Refused(f)) => Err(f),
        Err(ActError::Conflict) => Err(Failure::new(
            StatusCode::CONFLICT,
            "stale_version",
            Msg::new(
                "Phản ánh, kiến nghị vừa được người khác xử lý. Vui lòng xem lại trạng thái mới nhất.",
                "Someone else has just acted on this complaint. Look at where it stands now.",
            ),
        )),
        Err(ActError::NotFound) => Err(unknown(&c.code)),
        Err(ActError::Store(e)) => Err(e.into()),
    }
}

/// The body of an action route: the action it asks for and the version the official saw.
trait ActBody: serde::de::DeserializeOwned {
    /// The body read from an empty request, when the route allows one.
    fn empty() -> Option<Self> {
        None
    }

    /// The action, and the version it was asked on.
    fn into_act(self) -> (Act, Option<i64>);
}

/// The body of `POST .../forward`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForwardBody {
    division: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expected_version: Option<i64>,
}

impl ActBody for ForwardBody {
    fn into_act(self) -> (Act, Option<i64>) {
        let act = Act::Forward {
            division: self.division,
            reason: self.reason,
        };
        (act, self.expected_version)
    }
}

/// The body of `POST .../answer`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    #[serde(default)]
    text: String,
    #[serde(default)]
    publish: bool,
    #[serde(default)]
    expected_version: Option<i64>,
}

impl ActBody for AnswerBody {
    fn into_act(self) -> (Act, Option<i64>) {
        let act = Act::Answer {
            text: self.text,
            publish: self.publish,
        };
        (act, self.expected_version)
    }
}

/// The body of `POST .../close` (all of it optional, the body too).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseBody {
    #[serde(default)]
    expected_version: Option<i64>,
}

impl ActBody for CloseBody {
    fn empty() -> Option<Self> {
        Some(Self::default())
    }

    fn into_act(self) -> (Act, Option<i64>) {
        (Act::Close, self.expected_version)
    }
}

/// Answers an action: 200 with the complaint after it; 409 with the complaint as it now stands.
async fn respond(
    state: &AppState,
    guard: &Guard,
    c: &Complaint,
    expected_version: Option<i64>,
    act: Act,
) -> Result<Response, ApiError> {
    let lang = guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    match run(state, guard, c, expected_version, act).await {
        Ok(after) => Ok(Json(full_view(state, guard, &after).await.map_err(fail)?).into_response()),
        Err(f) if f.status == StatusCode::CONFLICT => {
            let fresh = load_one(state, guard, &c.code).await.map_err(fail)?;
            let body = json!({
                "error": { "code": f.code, "message": f.message.get(lang) },
                "complaint": full_view(state, guard, &fresh).await.map_err(fail)?,
            });
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
        Err(f) => Err(fail(f)),
    }
}

/// The complaint of an action route, permission to answer checked before the body is read.
async fn acting(state: &AppState, guard: &Guard, code: &str) -> Result<Complaint, ApiError> {
    let lang = guard.site.lang;
    let c = load_one(state, guard, code)
        .await
        .map_err(|f| ApiError(lang, f))?;
    if !may(guard, Action::Answer, &c.division) {
        return Err(ApiError(lang, forbidden(guard, &c.division)));
    }
    Ok(c)
}

/// An action route: the complaint, permission to answer checked before the body is read, then
/// the action the body asks for.
async fn perform<B: ActBody>(
    state: &AppState,
    guard: &Guard,
    code: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let c = acting(state, guard, code).await?;
    let empty = B::empty().filter(|_| body.iter().all(u8::is_ascii_whitespace));
    let body: B = match empty {
        Some(b) => b,
        None => crate::api::json_body(guard.site.lang, body)?,
    };
    let (act, expected_version) = body.into_act();
    respond(state, guard, &c, expected_version, act).await
}

/// `POST /api/v1/onestop/complaints/{code}/forward`.
pub(crate) async fn forward(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    perform::<ForwardBody>(&state, &guard, &code, &body).await
}

/// `POST /api/v1/onestop/complaints/{code}/answer`.
pub(crate) async fn answer(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    perform::<AnswerBody>(&state, &guard, &code, &body).await
}

/// `POST /api/v1/onestop/complaints/{code}/close`.
pub(crate) async fn close(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    perform::<CloseBody>(&state, &guard, &code, &body).await
}
