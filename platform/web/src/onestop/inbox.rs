//! An official's inbox: the dossiers waiting at steps their roles may act on in divisions where
//! the tenant's policy lets them work, filtered, sorted, searched and paged by storage from its
//! indexes (so a tenant with millions of dossiers answers as fast as an empty one).
//!
//! `GET /api/v1/onestop/inbox?scope=&procedure=&status=&channel=&due=&q=&sort=&cursor=&limit=`.
//! "Due soon" means due within one working day on the tenant's calendar.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use motcua_authz::Action;
use motcua_core::calendar::WorkingDuration;
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_store::inbox::{self, Due, Grant, InboxPage, InboxQuery, Scope, Search, Sort};
use serde::{Deserialize, Serialize};

use super::official::Official;
use super::view::ACT;
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::sites::TenantSite;

/// The inbox's query string; every part optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Params {
    /// `mine`, `available` (default) or `divisions`.
    pub scope: Option<String>,
    /// A procedure's code.
    pub procedure: Option<String>,
    /// A status (`accepted`, `processing`, ...).
    pub status: Option<String>,
    /// A channel (`desk`, `post`, `online`, `national_portal`).
    pub channel: Option<String>,
    /// `overdue` or `soon`.
    pub due: Option<String>,
    /// A code, the start of one, an ID number or words of the applicant's name.
    pub q: Option<String>,
    /// `due` (default), `newest` or `oldest`.
    pub sort: Option<String>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
    /// Rows per page (at most 200).
    pub limit: Option<u32>,
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

/// A non-empty, trimmed parameter.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The storage query for `params`, for `official` at `now`.
pub(crate) fn query(
    official: &Official,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<InboxQuery, Failure> {
    let site = &official.guard.site.tenant;
    // A role counts where the policy lets the official work on dossiers: both walls agree.
    let grants: Vec<Grant> = official
        .actor
        .roles
        .iter()
        .filter(|g| official.may_any(&ACT, [g.division.as_str()]))
        .map(|g| Grant::new(&g.role, &g.division))
        .collect();
    let mut q = InboxQuery::new(&official.actor.id, grants, now);
    if let Some(s) = given(&params.scope) {
        q.scope = match s {
            "mine" => Scope::Mine,
            "available" => Scope::Available,
            "divisions" => Scope::Divisions,
            other => return Err(bad("scope", other)),
        };
    }
    if let Some(p) = given(&params.procedure) {
        q.procedure = Some(p.to_owned());
    }
    if let Some(s) = given(&params.status) {
        q.status = Some(DossierStatus::parse(s).ok_or_else(|| bad("status", s))?);
    }
    if let Some(c) = given(&params.channel) {
        q.channel = Some(Channel::parse(c).ok_or_else(|| bad("channel", c))?);
    }
    if let Some(d) = given(&params.due) {
        q.due = Some(match d {
            "overdue" => Due::Overdue,
            "soon" => Due::Before(soon(site, now)),
            other => return Err(bad("due", other)),
        });
    }
    if let Some(text) = given(&params.q) {
        q.search = Search::parse(text);
    }
    if let Some(s) = given(&params.sort) {
        q.sort = match s {
            "due" => Sort::DueSoonest,
            "newest" => Sort::ReceivedNewest,
            "oldest" => Sort::ReceivedOldest,
            other => return Err(bad("sort", other)),
        };
    }
    if let Some(c) = given(&params.cursor) {
        q.cursor = Some(c.parse().map_err(|_| bad("cursor", c))?);
    }
    if let Some(limit) = params.limit {
        q.limit = limit.clamp(1, inbox::MAX_LIMIT);
    }
    Ok(q)
}

/// The end of "due soon": one working day from `now`.
fn soon(site: &TenantSite, now: DateTime<Utc>) -> DateTime<Utc> {
    site.calendar.add(now, WorkingDuration::Days(1))
}

/// How urgent a due time is at `now`.
pub(crate) fn urgency(site: &TenantSite, due: DateTime<Utc>, now: DateTime<Utc>) -> &'static str {
    if due < now {
        "overdue"
    } else if due <= soon(site, now) {
        "due_soon"
    } else {
        "on_track"
    }
}

/// A page of the inbox as JSON.
pub(crate) fn page_json(
    official: &Official,
    page: &InboxPage,
    now: DateTime<Utc>,
) -> serde_json::Value {
    let site = &official.guard.site;
    let lang = site.lang;
    let tenant = &site.tenant;
    let rows: Vec<serde_json::Value> = page
        .rows
        .iter()
        .map(|r| {
            let d = &r.dossier;
            let live = tenant.procedure(&d.procedure_code);
            let step_name = live
                .and_then(|p| p.procedure.definition.step(&r.task.step))
                .map(|(_, s)| s.name.get(lang).to_owned());
            serde_json::json!({
                "code": d.code,
                "procedure": {
                    "code": d.procedure_code,
                    "name": live.map(|p| p.info().name.get(lang)),
                },
                "status": { "code": d.status.as_str(), "label": d.status.label(lang) },
                "channel": d.channel.as_str(),
                "applicant": d.applicant_name,
                "received_at": d.received_at,
                "due_at": d.due_at,
                "urgency": urgency(tenant, d.due_at, now),
                "task": {
                    "step": r.task.step,
                    "name": step_name,
                    "role": r.task.role,
                    "division": r.task.division,
                    "division_name": tenant.manifest.division(&r.task.division).map(|x| x.name.get(lang)),
                    "assignee": r.task.assignee,
                    "due": r.task.due,
                    "mine": r.task.assignee.as_deref() == Some(official.actor.id.as_str()),
                },
            })
        })
        .collect();
    serde_json::json!({
        "rows": rows,
        "next": page.next.as_ref().map(ToString::to_string),
    })
}

/// `GET /api/v1/onestop/inbox`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Query(params): Query<Params>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let official = Official::from_guard(guard)?;
    let lang = official.guard.site.lang;
    let (page, now) = load(&state, &official, &params)
        .await
        .map_err(|f| ApiError(lang, f))?;
    Ok(Json(page_json(&official, &page, now)))
}

/// Reads a page of `official`'s inbox; 403 when they may work on dossiers nowhere.
pub(crate) async fn load(
    state: &AppState,
    official: &Official,
    params: &Params,
) -> Result<(InboxPage, DateTime<Utc>), Failure> {
    let site = &official.guard.site;
    let divisions: Vec<String> = site
        .tenant
        .manifest
        .divisions
        .iter()
        .map(|d| d.key.to_string())
        .collect();
    if !official.may_any(&[Action::View], divisions.iter().map(String::as_str)) {
        return Err(Failure::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden",
            Msg::new(
                "Bạn chưa được phân công xử lý hồ sơ ở đơn vị nào.",
                "You have not been given dossier work in any division.",
            ),
        ));
    }
    let now = Utc::now();
    let query = query(official, params, now)?;
    let page = inbox::list(&state.store, site.tenant.id, &query).await?;
    Ok((page, now))
}
