//! Accountability requests in the one-stop system: officials list the requests about their
//! divisions' handling and acknowledge, explain and (once) extend them.
//!
//! - `GET /api/v1/onestop/accountability?status=&due=&dossier=&limit=` — `status` one of
//!   `open`, `acknowledged`, `explained`; `due` `overdue` or `soon` (what is due next falls within
//!   a working day, as in the inbox); `dossier` a dossier code; most urgent first;
//! - `GET /api/v1/onestop/accountability/{id}`;
//! - `POST .../{id}/acknowledge` `{"expected_version"}`, `.../{id}/explain`
//!   `{"expected_version", "text"}`, `.../{id}/extend` `{"expected_version", "due", "reason"}`.
//!
//! Who may: an official sees the requests about divisions where the tenant's policy gives them
//! `feedback:view`, and acts on those where it gives them `feedback:answer` (specialists,
//! division heads). Each action names the request version the official saw: of two officials
//! acting at once, one succeeds and the other gets 409 with the request as it now stands.

pub(crate) mod pages;

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_authz::{Action as Act, Object, Permission};
use motcua_core::accountability::{self as rules, Action, Status};
use motcua_core::codes::DossierCode;
use motcua_store::accountability::{
    self, ActError, Due, Explanation, Extension, ListQuery, Request, Update,
};
use motcua_store::dossiers;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::official::Official;
use super::view::official_names;
use crate::AppState;
use crate::accountability::{conflict, event, json as request_json, not_found, refusal, soon};
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;

/// The list's query string; every part optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Params {
    /// `open`, `acknowledged` or `explained`.
    pub status: Option<String>,
    /// `overdue` or `soon`.
    pub due: Option<String>,
    /// A dossier's code.
    pub dossier: Option<String>,
    /// Rows (at most 500, default 100).
    pub limit: Option<u64>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn bad(what: &str, value: &str) -> Failure {
    Failure::invalid(
        "invalid_filter",
        Msg::new(
            format!("Giá trị \"{value}\" không hợp lệ cho bộ lọc {what}."),
            format!("\"{value}\" is not a valid value for the {what} filter."),
        ),
    )
}

fn may(official: &Official, action: Act, division: &str) -> bool {
    official
        .guard
        .may(Permission::new(Object::Feedback, action), Some(division))
}

/// The divisions of the tenant whose requests the official may see.
pub(crate) fn visible_divisions(official: &Official) -> Vec<String> {
    official
        .guard
        .divisions_where(Permission::new(Object::Feedback, Act::View))
}

/// The requests `params` asks for, that `official` may see, at `now`; 403 when they may see
/// none at all.
pub(crate) async fn load_list(
    state: &AppState,
    official: &Official,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Vec<Request>, Failure> {
    let site = &official.guard.site;
    let divisions = visible_divisions(official);
    if divisions.is_empty() {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Msg::new(
                "Bạn chưa được phân công tiếp nhận, giải trình phản ánh của người dân ở đơn vị nào.",
                "You have not been given citizens' feedback to handle in any division.",
            ),
        ));
    }
    let mut query = ListQuery {
        divisions: Some(divisions),
        limit: params.limit.unwrap_or(100),
        ..ListQuery::default()
    };
    if let Some(s) = given(&params.status) {
        query.status = Some(Status::parse(s).ok_or_else(|| bad("status", s))?);
    }
    if let Some(d) = given(&params.due) {
        query.due = Some(match d {
            "overdue" => Due::Before(now),
            "soon" => Due::Between(now, soon(site, now)),
            other => return Err(bad("due", other)),
        });
    }
    if let Some(code) = given(&params.dossier) {
        let parsed: DossierCode = code.parse().map_err(|_| bad("dossier", code))?;
        match dossiers::find(&state.store, site.tenant.id, &parsed).await? {
            Some(d) => query.dossier_id = Some(d.id),
            None => return Ok(Vec::new()),
        }
    }
    Ok(accountability::list(&state.store, site.tenant.id, &query).await?)
}

/// Request `id` if `official` may see it: 404 when the tenant has none such, 403 when it is
/// about a division where they may not see citizens' feedback.
pub(crate) async fn load_one(
    state: &AppState,
    official: &Official,
    id: &str,
) -> Result<Request, Failure> {
    let tenant = official.guard.site.tenant.id;
    let found = match id.parse::<i64>() {
        Ok(n) => accountability::find(&state.store, tenant, n).await?,
        Err(_) => None,
    };
    let request = found.ok_or_else(|| not_found(id))?;
    if !may(official, Act::View, &request.division) {
        return Err(forbidden(official, &request.division));
    }
    Ok(request)
}

fn forbidden(official: &Official, division: &str) -> Failure {
    let name = crate::accountability::division_name(&official.guard.site, division);
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(
            format!("Yêu cầu giải trình này thuộc {name}, nơi bạn không có quyền xử lý."),
            format!("This accountability request is for {name}, where you may not handle it."),
        ),
    )
}

/// What the official may do to a request now.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(crate) struct Can {
    /// Acknowledge it.
    pub acknowledge: bool,
    /// Explain it.
    pub explain: bool,
    /// Extend its term.
    pub extend: bool,
    /// The latest due time an extension may set, when it may be extended.
    pub extend_until: Option<DateTime<Utc>>,
}

/// What `official` may do to `r` at `now`: the guard's `feedback:answer` in its division, and
/// the rules (each action tried as a dry run).
pub(crate) fn can(official: &Official, r: &Request, now: DateTime<Utc>) -> Can {
    if !may(official, Act::Answer, &r.division) {
        return Can::default();
    }
    let cal = &official.guard.site.tenant.calendar;
    let standing = r.standing();
    let ok = |a: &Action| rules::decide(cal, &standing, a, now).is_ok();
    let latest = rules::latest_extension(cal, r.explain_by);
    let extend = ok(&Action::Extend {
        due: latest,
        reason: "-".to_owned(),
    });
    Can {
        acknowledge: ok(&Action::Acknowledge),
        explain: ok(&Action::Explain {
            text: "-".to_owned(),
        }),
        extend,
        extend_until: extend.then_some(latest),
    }
}

/// A request as officials get it: with names and what they may do.
pub(crate) fn view(
    official: &Official,
    r: &Request,
    now: DateTime<Utc>,
    names: &HashMap<String, String>,
) -> Value {
    let mut v = request_json(&official.guard.site, r, now, Some(names));
    v["can"] = json!(can(official, r, now));
    v
}

/// `GET /api/v1/onestop/accountability`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Query(params): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let official = Official::from_guard(guard)?;
    let lang = official.guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let now = Utc::now();
    let rows = load_list(&state, &official, &params, now)
        .await
        .map_err(fail)?;
    let names = official_names(&state, official.guard.site.tenant.id)
        .await
        .map_err(fail)?;
    Ok(Json(json!({
        "rows": rows.iter().map(|r| view(&official, r, now, &names)).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/onestop/accountability/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let official = Official::from_guard(guard)?;
    let lang = official.guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let r = load_one(&state, &official, &id).await.map_err(fail)?;
    let names = official_names(&state, official.guard.site.tenant.id)
        .await
        .map_err(fail)?;
    Ok(Json(view(&official, &r, Utc::now(), &names)))
}

/// Runs `action` on `request` (at the version the official saw) for `official`; the request
/// after it, or the failure: 403 without `feedback:answer` in its division, 422 for what the
/// rules refuse, 409 `stale_version` when someone acted meanwhile.
pub(crate) async fn run(
    state: &AppState,
    official: &Official,
    request: &Request,
    expected_version: i64,
    action: Action,
) -> Result<Request, Failure> {
    if !may(official, Act::Answer, &request.division) {
        return Err(forbidden(official, &request.division));
    }
    let site = &official.guard.site;
    let cal = site.tenant.calendar.clone();
    let actor = official.actor.id.clone();
    let now = Utc::now();
    let acted = accountability::act(
        &state.store,
        site.tenant.id,
        request.id,
        expected_version,
        |r| {
            let d = rules::decide(&cal, &r.standing(), &action, now)?;
            let mut update = Update {
                status: d.status,
                acknowledged: d.acknowledged.then(|| (now, actor.clone())),
                explain_by: d.explain_by,
                extension: None,
                explanation: None,
                events: Vec::new(),
            };
            let mut push = |kind: &str, payload: Value| {
                update.events.push(event(now, &actor, kind, payload));
            };
            if d.acknowledged {
                push(
                    "accountability_acknowledged",
                    json!({ "request": r.id, "explain_by": d.explain_by }),
                );
            }
            match &action {
                Action::Acknowledge => {}
                Action::Explain { text } => {
                    let text = rules::text(text, "explanation")?;
                    push(
                        "accountability_explained",
                        json!({ "request": r.id, "text": text }),
                    );
                    update.explanation = Some(Explanation {
                        at: now,
                        by: actor.clone(),
                        text,
                    });
                }
                Action::Extend { reason, .. } => {
                    let reason = rules::text(reason, "reason")?;
                    push(
                        "accountability_extended",
                        json!({ "request": r.id, "from": r.explain_by, "to": d.explain_by, "reason": reason }),
                    );
                    update.extension = Some(Extension {
                        at: now,
                        by: actor.clone(),
                        reason,
                        from: r.explain_by,
                    });
                }
            }
            Ok(update)
        },
    )
    .await;
    match acted {
        Ok(r) => Ok(r),
        Err(ActError::Refused(r)) => Err(refusal(site, &r)),
        Err(ActError::Conflict) => Err(conflict()),
        Err(ActError::NotFound) => Err(not_found(&request.id.to_string())),
        Err(ActError::Store(e)) => Err(e.into()),
    }
}

/// The body of `POST .../acknowledge`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcknowledgeBody {
    expected_version: i64,
}

/// The body of `POST .../explain`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainBody {
    expected_version: i64,
    #[serde(default)]
    text: String,
}

/// The body of `POST .../extend`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtendBody {
    expected_version: i64,
    due: DateTime<Utc>,
    #[serde(default)]
    reason: String,
}

/// Answers an action: 200 with the request after it, 409 with the request as it now stands.
async fn answer(
    state: &AppState,
    official: &Official,
    request: &Request,
    expected_version: i64,
    action: Action,
) -> Result<Response, ApiError> {
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    let outcome = run(state, official, request, expected_version, action).await;
    let names = official_names(state, site.tenant.id).await.map_err(fail)?;
    let now = Utc::now();
    match outcome {
        Ok(r) => Ok((StatusCode::OK, Json(view(official, &r, now, &names))).into_response()),
        Err(f) if f.status == StatusCode::CONFLICT => {
            let fresh = load_one(state, official, &request.id.to_string())
                .await
                .map_err(fail)?;
            let body = json!({
                "error": { "code": f.code, "message": f.message.get(site.lang) },
                "request": view(official, &fresh, now, &names),
            });
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
        Err(f) => Err(fail(f)),
    }
}

/// The official and the request of an action route, permission to answer checked before the
/// body is read.
async fn acting(state: &AppState, guard: Guard, id: &str) -> Result<(Official, Request), ApiError> {
    let official = Official::from_guard(guard)?;
    let lang = official.guard.site.lang;
    let r = load_one(state, &official, id)
        .await
        .map_err(|f| ApiError(lang, f))?;
    if !may(&official, Act::Answer, &r.division) {
        return Err(ApiError(lang, forbidden(&official, &r.division)));
    }
    Ok((official, r))
}

/// `POST /api/v1/onestop/accountability/{id}/acknowledge`.
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (official, r) = acting(&state, guard, &id).await?;
    let body: AcknowledgeBody = crate::api::json_body(official.guard.site.lang, &body)?;
    answer(
        &state,
        &official,
        &r,
        body.expected_version,
        Action::Acknowledge,
    )
    .await
}

/// `POST /api/v1/onestop/accountability/{id}/explain`.
pub(crate) async fn explain(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (official, r) = acting(&state, guard, &id).await?;
    let body: ExplainBody = crate::api::json_body(official.guard.site.lang, &body)?;
    let action = Action::Explain { text: body.text };
    answer(&state, &official, &r, body.expected_version, action).await
}

/// `POST /api/v1/onestop/accountability/{id}/extend`.
pub(crate) async fn extend(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (official, r) = acting(&state, guard, &id).await?;
    let body: ExtendBody = crate::api::json_body(official.guard.site.lang, &body)?;
    let action = Action::Extend {
        due: body.due,
        reason: body.reason,
    };
    answer(&state, &official, &r, body.expected_version, action).await
}
