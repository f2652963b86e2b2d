//! Role assignments of the host's tenant, for its administrators: the role templates, who holds
//! which role where, changes (audited, refused when made from a stale version) and their
//! history. A change ends the sessions of the officials whose roles it changed.

use axum::Json;
use axum::extract::{Query, State};
use motcua_authz::{Action, Assignment, AuthzError, Object, Role, model};
use motcua_store::StoreError;
use motcua_store::accounts::{self, Holder};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;

/// `GET /api/v1/admin/roles`: the role templates and what each allows.
pub(super) async fn roles(guard: Guard) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Policy, Action::View, None)?;
    let templates = model::templates();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|role| {
            let permissions: Vec<String> = templates
                .iter()
                .filter(|(r, _)| r == role)
                .map(|(_, p)| p.to_string())
                .collect();
            json!({ "role": role, "permissions": permissions })
        })
        .collect();
    Ok(Json(json!({ "roles": roles })))
}

/// `GET /api/v1/admin/assignments`: the tenant's assignments and its policy version.
pub(super) async fn assignments(
    State(state): State<AppState>,
    guard: Guard,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Policy, Action::View, None)?;
    let tenant = guard.site.tenant.id;
    let list = state
        .authz
        .assignments(tenant)
        .map_err(|e| failure(&guard, e))?;
    Ok(Json(json!({
        "version": state.authz.version(tenant),
        "assignments": list,
    })))
}

/// One assignment as the API reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AssignmentIn {
    account: i64,
    role: Role,
    /// A division's key; absent for the whole tenant.
    division: Option<String>,
}

/// A change of assignments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChangeIn {
    /// The version the change was prepared on; refused with 409 if the policy moved since.
    expected_version: Option<i64>,
    /// Why (kept in the audit record).
    #[serde(default)]
    reason: String,
    #[serde(default)]
    add: Vec<AssignmentIn>,
    #[serde(default)]
    remove: Vec<AssignmentIn>,
}

fn failure(guard: &Guard, e: AuthzError) -> ApiError {
    let lang = guard.site.lang;
    ApiError(
        lang,
        match e {
            AuthzError::Assignment(motcua_authz::AssignmentError::UnknownDivision(d)) => {
                Failure::invalid(
                    "unknown_division",
                    Msg::new(
                        format!("Đơn vị không có phòng ban `{d}`."),
                        format!("The tenant has no division `{d}`."),
                    ),
                )
            }
            AuthzError::Store(StoreError::Conflict(_)) => Failure::new(
                axum::http::StatusCode::CONFLICT,
                "policy_changed",
                Msg::new(
                    "Phân quyền vừa được người khác thay đổi. Hãy tải lại rồi thực hiện lại.",
                    "The roles were changed by someone else meanwhile. Reload and try again.",
                ),
            ),
            AuthzError::Store(e) => Failure::from(e),
            other => {
                tracing::error!(error = %other, "authorization failure");
                Failure::from(StoreError::Corrupt(other.to_string()))
            }
        },
    )
}

/// `POST /api/v1/admin/assignments`: adds and removes assignments in one audited change.
pub(super) async fn change(
    State(state): State<AppState>,
    guard: Guard,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Policy, Action::Edit, None)?;
    let tenant = guard.site.tenant.id;
    let lang = guard.site.lang;
    let body: ChangeIn = super::json_body(lang, &body)?;
    let read = |list: Vec<AssignmentIn>| -> Vec<Assignment> {
        list.into_iter()
            .map(|a| Assignment {
                account: a.account,
                role: a.role,
                division: a.division,
            })
            .collect()
    };
    let (add, remove) = (read(body.add), read(body.remove));
    // Only the tenant's own officials can be given a role.
    for a in &add {
        let found = accounts::get(&state.store, Holder::Official(tenant), a.account)
            .await
            .map_err(|e| ApiError(lang, e.into()))?;
        if found.is_none() {
            return Err(ApiError(
                lang,
                Failure::invalid(
                    "unknown_account",
                    Msg::new(
                        format!("Không có tài khoản cán bộ số {} của đơn vị.", a.account),
                        format!("The tenant has no official account {}.", a.account),
                    ),
                ),
            ));
        }
    }
    let changed = state
        .authz
        .change(
            tenant,
            &guard.actor(),
            &body.reason,
            &add,
            &remove,
            body.expected_version,
        )
        .await
        .map_err(|e| failure(&guard, e))?;
    for account in changed.accounts() {
        accounts::bump_session_epoch(&state.store, tenant, account)
            .await
            .map_err(|e| ApiError(lang, e.into()))?;
        state.sessions.forget(Holder::Official(tenant), account);
    }
    Ok(Json(json!(changed)))
}

/// `?limit=`
#[derive(Debug, Deserialize)]
pub(super) struct Limit {
    limit: Option<u64>,
}

/// `GET /api/v1/admin/assignments/history`: the latest changes, newest first.
pub(super) async fn history(
    State(state): State<AppState>,
    guard: Guard,
    Query(q): Query<Limit>,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Policy, Action::View, None)?;
    let changes = state
        .authz
        .history(guard.site.tenant.id, q.limit.unwrap_or(50).min(500))
        .await
        .map_err(|e| failure(&guard, e))?;
    Ok(Json(json!({ "changes": changes })))
}
