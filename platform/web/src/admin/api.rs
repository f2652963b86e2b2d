//! The console's JSON API: officials, their roles and delegations, and the audit. Every handler
//! asks the guard (through the module's functions) before reading what was sent, so a caller
//! without the permission learns nothing from the answer.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{DelegationIn, NewOfficial};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use motcua_authz::{Action, Object};

fn api(guard: &Guard) -> impl Fn(Failure) -> ApiError + '_ {
    move |f| ApiError(guard.site.lang, f)
}

/// `?q=`
#[derive(Debug, Default, Deserialize)]
pub(super) struct Search {
    q: Option<String>,
}

/// `GET /api/v1/admin/officials`: the officials with their roles, and the policy version.
pub(super) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Query(q): Query<Search>,
) -> Result<Json<Value>, ApiError> {
    let (officials, version) = super::list(&state, &guard, q.q.as_deref().unwrap_or(""))
        .await
        .map_err(api(&guard))?;
    Ok(Json(json!({ "version": version, "officials": officials })))
}

/// A role in a body: its name and the division (absent: the whole tenant).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleIn {
    role: String,
    division: Option<String>,
}

impl RoleIn {
    fn pair(self) -> (String, Option<String>) {
        (self.role, self.division)
    }
}

/// The body of `POST /api/v1/admin/officials`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateIn {
    username: String,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    #[serde(default)]
    roles: Vec<RoleIn>,
    expected_version: Option<i64>,
}

/// `POST /api/v1/admin/officials`: creates an official; 201 with the temporary password, which
/// is shown this once.
pub(super) async fn create(
    State(state): State<AppState>,
    guard: Guard,
    body: Bytes,
) -> Result<Response, ApiError> {
    guard.require(Object::Account, Action::Manage, None)?;
    let body: CreateIn = crate::api::json_body(guard.site.lang, &body)?;
    let created = super::create(
        &state,
        &guard,
        NewOfficial {
            username: body.username,
            name: body.name,
            email: body.email,
            phone: body.phone,
            roles: body.roles.into_iter().map(RoleIn::pair).collect(),
            expected_version: body.expected_version,
        },
    )
    .await
    .map_err(api(&guard))?;
    let mut response = (
        StatusCode::CREATED,
        Json(json!({
            "official": created.official,
            "temporary_password": created.temporary_password,
        })),
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /api/v1/admin/officials/{id}`: one official, their delegations and the policy version.
pub(super) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (official, delegations, version) =
        super::one(&state, &guard, id).await.map_err(api(&guard))?;
    Ok(Json(json!({
        "version": version,
        "official": official,
        "delegations": delegations,
    })))
}

/// `POST /api/v1/admin/officials/{id}/deactivate`: ends their sessions.
pub(super) async fn deactivate(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let official = super::set_active(&state, &guard, id, false)
        .await
        .map_err(api(&guard))?;
    Ok(Json(json!({ "official": official })))
}

/// `POST /api/v1/admin/officials/{id}/reactivate`.
pub(super) async fn reactivate(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let official = super::set_active(&state, &guard, id, true)
        .await
        .map_err(api(&guard))?;
    Ok(Json(json!({ "official": official })))
}

/// `POST /api/v1/admin/officials/{id}/reset`: a new temporary password (shown once), the second
/// factor removed, the sessions ended.
pub(super) async fn reset(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let password = super::reset(&state, &guard, id)
        .await
        .map_err(api(&guard))?;
    let mut response = Json(json!({ "temporary_password": password })).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The body of `POST /api/v1/admin/officials/{id}/roles`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RolesIn {
    expected_version: Option<i64>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    add: Vec<RoleIn>,
    #[serde(default)]
    remove: Vec<RoleIn>,
}

/// `POST /api/v1/admin/officials/{id}/roles`: adds and removes roles of the official in one
/// audited change; 409 when the policy moved since `expected_version`.
pub(super) async fn roles(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Policy, Action::Edit, None)?;
    let body: RolesIn = crate::api::json_body(guard.site.lang, &body)?;
    let add: Vec<_> = body.add.into_iter().map(RoleIn::pair).collect();
    let remove: Vec<_> = body.remove.into_iter().map(RoleIn::pair).collect();
    let changed = super::change_roles(
        &state,
        &guard,
        id,
        &add,
        &remove,
        body.expected_version,
        &body.reason,
    )
    .await
    .map_err(api(&guard))?;
    Ok(Json(json!(changed)))
}

/// `GET /api/v1/admin/officials/{id}/delegations`.
pub(super) async fn delegations(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (_, delegations, _) = super::one(&state, &guard, id).await.map_err(api(&guard))?;
    Ok(Json(json!({ "delegations": delegations })))
}

/// The body of `POST /api/v1/admin/officials/{id}/delegations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DelegateIn {
    role: String,
    division: String,
    /// `YYYY-MM-DD` (from the start of that day) or an RFC 3339 instant.
    from: String,
    /// `YYYY-MM-DD` (to the end of that day) or an RFC 3339 instant.
    to: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/admin/officials/{id}/delegations`: 201 with the delegation.
pub(super) async fn delegate(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    guard.require(Object::Account, Action::Manage, None)?;
    let body: DelegateIn = crate::api::json_body(guard.site.lang, &body)?;
    let delegation = super::delegate(
        &state,
        &guard,
        id,
        &DelegationIn {
            role: body.role,
            division: body.division,
            from: body.from,
            to: body.to,
            reason: body.reason,
        },
    )
    .await
    .map_err(api(&guard))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "delegation": delegation })),
    )
        .into_response())
}

/// `POST /api/v1/admin/delegations/{id}/revoke`: ends a delegation before its period is over.
pub(super) async fn revoke(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let account = super::revoke(&state, &guard, id)
        .await
        .map_err(api(&guard))?;
    Ok(Json(json!({ "revoked": id, "account": account })))
}

/// `?page=`
#[derive(Debug, Default, Deserialize)]
pub(super) struct PageQuery {
    page: Option<u64>,
}

/// `GET /api/v1/admin/audit?page=`: changes to accounts and role assignments, newest first.
pub(super) async fn audit(
    State(state): State<AppState>,
    guard: Guard,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = q.page.unwrap_or(1);
    let (entries, more) = super::audit(&state, &guard, page)
        .await
        .map_err(api(&guard))?;
    Ok(Json(
        json!({ "page": page, "more": more, "entries": entries }),
    ))
}
