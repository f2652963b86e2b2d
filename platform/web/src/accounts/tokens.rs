//! API tokens of a tenant: `Authorization: Bearer mc_<secret>`.
//!
//! Created, listed and revoked under `/api/v1/admin/tokens` by the tenant's officials who may
//! manage accounts (`account:manage`; listing needs `account:view`), never by a token or an
//! operator. A token's scopes are permissions (`object:action`) its creator holds for the whole
//! tenant, so a token never does more than the official who made it could; a connected
//! system's token carries a scope of its own instead ([`INTEGRATION_SCOPES`]), which only an
//! official holding the permission paired with it may grant. The secret
//! is shown once, in the answer to its creation, and only its sha256 is stored. A token works on
//! its own tenant's hosts only, until revoked or past its expiry (then: 401). Requests with a
//! token carry no cookie, so they need no CSRF token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_store::api_tokens::{self, NewToken, StoredToken};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::json_body;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{Principal, Session, digest, random_secret};
use motcua_authz::{Action, Object, Permission};

/// Every token starts with this, so that a leaked one is easy to recognise (and to search for).
pub const PREFIX: &str = "mc_";
/// The most scopes a token may carry.
const MAX_SCOPES: usize = 64;

/// The scope of the national public service portal's token: forwarding dossiers to the agency
/// (`POST /api/v1/integration/national-portal/dossiers`).
pub(crate) const NATIONAL_PORTAL: &str = "national-portal";

/// Scopes that are not permissions: what the token of a connected system may do, each paired
/// with the permission an official must hold for the whole tenant to grant it.
pub(crate) const INTEGRATION_SCOPES: &[(&str, Permission)] = &[
    // Connecting the agency to the national portal is one of its settings.
    (
        NATIONAL_PORTAL,
        Permission::new(Object::Tenant, Action::Edit),
    ),
];

/// The permission an official must hold to give a token `scope`; `None` when it is no scope.
fn grantor_permission(scope: &str) -> Option<Permission> {
    scope.parse().ok().or_else(|| {
        INTEGRATION_SCOPES
            .iter()
            .find(|(s, _)| *s == scope)
            .map(|(_, p)| *p)
    })
}

fn unauthorized() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        Msg::new(
            "Mã truy cập API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
            "The API token is invalid, expired or revoked.",
        ),
    )
}

/// The session of a request that presents the token `secret` on `site`'s host.
pub(crate) async fn authenticate(
    state: &AppState,
    site: &Site,
    secret: &str,
) -> Result<Session, Failure> {
    let now = Utc::now();
    let token = api_tokens::by_secret(&state.store, site.tenant.id, &digest(secret))
        .await?
        .filter(|t| t.active_at(now))
        .ok_or_else(unauthorized)?;
    if let Err(e) = api_tokens::touch(&state.store, site.tenant.id, token.id, now).await {
        tracing::warn!(error = %e, token = token.id, "could not record the use of an API token");
    }
    Ok(Session {
        principal: Principal::Token {
            tenant: token.tenant,
            token: token.id,
            name: token.name,
            scopes: token.scopes,
        },
        csrf: None,
        lang: site.lang,
        must_change_password: false,
        expires_at: token.expires_at,
        key: None,
    })
}

/// The official managing tokens: one of this tenant, allowed `action` on accounts; never a token
/// (a token must not mint tokens) nor an operator (a tenant's tokens are its own business).
fn official(guard: &Guard, action: Action) -> Result<i64, ApiError> {
    guard.require(Object::Account, action, None)?;
    match &guard.principal {
        Principal::Official { account, .. } => Ok(*account),
        _ => Err(ApiError(guard.site.lang, crate::session::forbidden())),
    }
}

fn view(t: &StoredToken) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "scopes": t.scopes,
        "created_by": t.created_by,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "revoked_at": t.revoked_at,
        "last_used_at": t.last_used_at,
        "active": t.active_at(Utc::now()),
    })
}

/// The body of `POST /api/v1/admin/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Create {
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
}

fn check(site: &Site, body: &Create) -> Result<(), ApiError> {
    let invalid = |vi: String, en: String| {
        ApiError(
            site.lang,
            Failure::invalid("invalid_token_request", Msg::new(vi, en)),
        )
    };
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid(
            "Tên mã truy cập phải có từ 1 đến 100 ký tự.".into(),
            "The token's name must have 1 to 100 characters.".into(),
        ));
    }
    if body.scopes.len() > MAX_SCOPES {
        return Err(invalid(
            format!("Một mã truy cập có tối đa {MAX_SCOPES} phạm vi."),
            format!("A token has at most {MAX_SCOPES} scopes."),
        ));
    }
    if let Some(bad) = body.scopes.iter().find(|s| grantor_permission(s).is_none()) {
        return Err(invalid(
            format!(
                "Phạm vi `{bad}` không đúng dạng `đối-tượng:thao-tác` (ví dụ `procedure:view`) và không phải phạm vi kết nối (`{NATIONAL_PORTAL}`)."
            ),
            format!(
                "The scope `{bad}` is neither of the form `object:action` (for example `procedure:view`) nor a connection scope (`{NATIONAL_PORTAL}`)."
            ),
        ));
    }
    if body.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(invalid(
            "Thời điểm hết hạn phải ở tương lai.".into(),
            "The expiry must be in the future.".into(),
        ));
    }
    Ok(())
}

/// `POST /api/v1/admin/tokens`: creates a token and shows its secret, once.
pub(crate) async fn create(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let account = official(&guard, Action::Manage)?;
    let body: Create = json_body(site.lang, &body)?;
    check(&site, &body)?;
    if let Some(beyond) = body
        .scopes
        .iter()
        .filter_map(|s| grantor_permission(s))
        .find(|p| !guard.may(*p, None))
    {
        return Err(ApiError(
            site.lang,
            Failure::new(
                StatusCode::FORBIDDEN,
                "scope_not_held",
                Msg::new(
                    format!("Bạn không thể cấp cho mã truy cập quyền mà bạn không có ({beyond})."),
                    format!("A token cannot be given a permission you do not hold ({beyond})."),
                ),
            ),
        ));
    }
    let secret = format!(
        "{PREFIX}{}",
        random_secret(32).map_err(|f| ApiError(site.lang, f))?
    );
    let mut scopes = body.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let stored = api_tokens::create(
        &state.store,
        site.tenant.id,
        &NewToken {
            name: body.name.trim().to_owned(),
            secret_sha256: digest(&secret),
            scopes,
            created_by: Some(account),
            expires_at: body.expires_at,
        },
    )
    .await
    .map_err(|e| ApiError(site.lang, e.into()))?;
    let mut answer = view(&stored);
    answer["token"] = Value::String(secret);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `GET /api/v1/admin/tokens`: the tenant's tokens, without their secrets.
pub(crate) async fn list(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
) -> Result<Json<Value>, ApiError> {
    official(&guard, Action::View)?;
    let tokens = api_tokens::list(&state.store, site.tenant.id)
        .await
        .map_err(|e| ApiError(site.lang, e.into()))?;
    Ok(Json(
        json!({ "tokens": tokens.iter().map(view).collect::<Vec<_>>() }),
    ))
}

/// `DELETE /api/v1/admin/tokens/{id}`: revokes a token at once.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    official(&guard, Action::Manage)?;
    let token = api_tokens::revoke(&state.store, site.tenant.id, id)
        .await
        .map_err(|e| {
            ApiError(
                site.lang,
                match e {
                    motcua_store::StoreError::NotFound(_) => Failure::not_found(Msg::new(
                        format!("Không có mã truy cập số {id}."),
                        format!("There is no API token {id}."),
                    )),
                    other => other.into(),
                },
            )
        })?;
    Ok(Json(view(&token)))
}
