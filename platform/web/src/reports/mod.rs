//! The period report of the one-stop system in the shape of Form 06a, for officials who hold
//! `report:view` (the `report_viewer`, `division_head` and `agency_leader` role templates): per
//! division (by default), procedure, sector or channel, the dossiers received (carried over,
//! online, in person or by post), resolved (early, on time, late), closed without a result, and
//! in progress at the end of the period (within the deadline, overdue), with a total line.
//!
//! - `GET /bao-cao/mau-06a?from=YYYY-MM-DD&to=YYYY-MM-DD&by=division` on the staff host: the
//!   form and the table; each number links to the dossiers behind it; `&format=csv` downloads
//!   the same table (also needs `report:export`);
//! - `GET /bao-cao/mau-06a/ho-so?...&key=<group>&cell=<cell>&page=N`: those dossiers, each code
//!   linking to the dossier's page;
//! - `/reports/form-06a` and `/reports/form-06a/dossiers` redirect to the pages above (the staff
//!   host speaks Vietnamese; its paths are Vietnamese);
//! - `GET /api/v1/reports/form-06a` and `GET /api/v1/reports/form-06a/dossiers`: the same in
//!   JSON, for the national reporting system (an API token with the scope `report:view`).
//!
//! The period is days of the tenant's calendar, both included, at most
//! [`motcua_store::reports::MAX_DAYS`]; "in progress at the end" is judged at the end of the
//! period, or now while it lasts. An official whose permission is limited to some divisions
//! sees the dossiers of those divisions only, in every grouping and every drill-down. The
//! permission is checked before the query is read, so a refusal reveals nothing of it.

mod pages;
mod query;
mod table;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Utc;
use motcua_authz::{Action, Object, Permission};
use motcua_store::dossiers::Dossier;
use motcua_store::reports::{self, Cell, Counts};
use serde_json::{Value, json};

use self::query::Asked;
use self::table::{Report, Scope};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;

/// The page's path.
const PAGE: &str = "/bao-cao/mau-06a";
/// The drill-down page's path.
const DOSSIERS: &str = "/bao-cao/mau-06a/ho-so";
/// Dossiers per page of a drill-down.
const PER_PAGE: u64 = 50;

/// The pages, on the staff host.
pub(crate) fn page_routes() -> axum::Router<AppState> {
    let (router, _) = crate::guard::guarded_routes! {
        "/bao-cao/mau-06a" [get] => get(pages::report_page),
        "/bao-cao/mau-06a/ho-so" [get] => get(pages::dossiers_page),
    };
    router
        .route(
            "/reports/form-06a",
            get(|q: RawQuery| async move { to_page(PAGE, q) }),
        )
        .route(
            "/reports/form-06a/dossiers",
            get(|q: RawQuery| async move { to_page(DOSSIERS, q) }),
        )
}

/// The JSON API, nested under `/api`.
pub(crate) fn api_routes() -> (
    axum::Router<AppState>,
    &'static [crate::guard::GuardedRoute],
) {
    crate::guard::guarded_routes! {
        "/v1/reports/form-06a" [get] => get(report_api),
        "/v1/reports/form-06a/dossiers" [get] => get(dossiers_api),
    }
}

/// The English path's redirect to the page, the query kept.
fn to_page(path: &str, RawQuery(q): RawQuery) -> Response {
    let target = match q {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    };
    Redirect::permanent(&target).into_response()
}

/// Where the caller may see `permission`; 403 when nowhere.
fn scope_of(guard: &Guard, permission: Permission) -> Result<Scope, Failure> {
    if guard.may(permission, None) {
        return Ok(Scope::All);
    }
    let divisions: std::collections::BTreeSet<String> =
        guard.divisions_where(permission).into_iter().collect();
    if divisions.is_empty() {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Msg::new(
                format!("Bạn không có quyền xem báo cáo ({permission})."),
                format!("You are not allowed to see reports ({permission})."),
            ),
        ));
    }
    Ok(Scope::Divisions(divisions))
}

/// The scope of a report: `report:view`, and for an export `report:export` as well.
fn scope(guard: &Guard, export: bool) -> Result<Scope, Failure> {
    let view = scope_of(guard, Permission::new(Object::Report, Action::View))?;
    if !export {
        return Ok(view);
    }
    match (
        view,
        scope_of(guard, Permission::new(Object::Report, Action::Export))?,
    ) {
        (Scope::All, s) | (s, Scope::All) => Ok(s),
        (Scope::Divisions(a), Scope::Divisions(b)) => {
            let both: std::collections::BTreeSet<String> = a.intersection(&b).cloned().collect();
            if both.is_empty() {
                return Err(Failure::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    Msg::new(
                        "Bạn không có quyền xuất báo cáo (report:export).",
                        "You are not allowed to export reports (report:export).",
                    ),
                ));
            }
            Ok(Scope::Divisions(both))
        }
    }
}

/// Reads the query and counts the report: the permission first, then the query.
pub(super) async fn load(
    state: &AppState,
    guard: &Guard,
    raw: Option<&str>,
    drill: bool,
) -> Result<(Asked, Scope, Report), Failure> {
    // The view permission is asked before anything of the query is read.
    scope(guard, false)?;
    let asked = query::read(&guard.site, raw, Utc::now(), drill)?;
    let scope = scope(guard, asked.csv)?;
    let report = table::build(state, &guard.site, &asked, &scope).await?;
    Ok((asked, scope, report))
}

/// A line's counts as JSON: every cell by name.
fn counts_json(c: &Counts) -> Value {
    Value::Object(
        Cell::ALL
            .iter()
            .map(|cell| (cell.as_str().to_owned(), json!(c.get(*cell))))
            .collect(),
    )
}

fn report_json(asked: &Asked, report: &Report) -> Value {
    let w = &asked.window;
    json!({
        "period": {
            "from": asked.from.format("%Y-%m-%d").to_string(),
            "to": asked.to.format("%Y-%m-%d").to_string(),
            "starts_at": w.period.from,
            "ends_before": w.period.to,
            "as_of": w.as_of,
        },
        "by": asked.by.as_str(),
        "cells": Cell::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "rows": report.lines.iter().map(|l| {
            let mut v = counts_json(&l.counts);
            v["key"] = json!(l.key);
            v["name"] = json!(l.name);
            v
        }).collect::<Vec<_>>(),
        "total": counts_json(&report.total),
    })
}

/// The CSV download of a report.
pub(super) fn csv_response(asked: &Asked, report: &Report) -> Response {
    let name = format!(
        "mau-06a_{}_{}_{}.csv",
        asked.from.format("%Y-%m-%d"),
        asked.to.format("%Y-%m-%d"),
        asked.by.as_str()
    );
    let mut response = table::csv(asked, report).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/v1/reports/form-06a`.
async fn report_api(
    State(state): State<AppState>,
    guard: Guard,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let lang = guard.site.lang;
    let (asked, _, report) = load(&state, &guard, raw.as_deref(), false)
        .await
        .map_err(|f| ApiError(lang, f))?;
    if asked.csv {
        return Ok(csv_response(&asked, &report));
    }
    Ok(Json(report_json(&asked, &report)).into_response())
}

/// One page of the dossiers of the cell asked for.
pub(super) async fn drill(
    state: &AppState,
    guard: &Guard,
    raw: Option<&str>,
) -> Result<(Asked, Report, u64, Vec<Dossier>), Failure> {
    let (asked, scope, report) = load(state, guard, raw, true).await?;
    let cell = asked.cell.unwrap_or(Cell::Received);
    let selection = report.selection(asked.by, asked.key.as_deref(), &scope);
    let (total, dossiers) = reports::dossiers(
        &state.store,
        guard.site.tenant.id,
        &asked.window,
        cell,
        &selection,
        (asked.page - 1).saturating_mul(PER_PAGE),
        PER_PAGE,
    )
    .await?;
    Ok((asked, report, total, dossiers))
}

/// `GET /api/v1/reports/form-06a/dossiers`.
async fn dossiers_api(
    State(state): State<AppState>,
    guard: Guard,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let lang = guard.site.lang;
    let (asked, _, total, dossiers) = drill(&state, &guard, raw.as_deref())
        .await
        .map_err(|f| ApiError(lang, f))?;
    Ok(Json(json!({
        "by": asked.by.as_str(),
        "key": asked.key,
        "cell": asked.cell.map(Cell::as_str),
        "total": total,
        "page": asked.page,
        "per_page": PER_PAGE,
        "dossiers": dossiers.iter().map(|d| json!({
            "code": d.code,
            "procedure": d.procedure_code,
            "procedure_version": d.procedure_version,
            "channel": d.channel.as_str(),
            "status": d.status.as_str(),
            "received_at": d.received_at,
            "due_at": d.due_at,
            "closed_at": d.closed_at,
        })).collect::<Vec<_>>(),
    })))
}
