//! The session API: `POST /api/v1/session` signs in and answers the next step needed,
//! `GET` tells who is signed in, `DELETE` signs out; `POST /api/v1/session/password` changes the
//! password; `POST /api/v1/session/totp` and `.../totp/confirm` enrol a TOTP second factor.
//!
//! Answers to `POST /api/v1/session`:
//! - `{"status": "signed_in", "principal": ..., "csrf": ...}` with the session cookie;
//! - `{"status": "password_change_required", ...}` with the cookie: only the password can be
//!   changed until then;
//! - `{"status": "code_required", "pending": "..."}`: send `{"pending": ..., "code": ...}` next.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use motcua_store::accounts;
use serde::Deserialize;
use serde_json::json;

use super::sign_in::{self, Outcome};
use super::totp;
use crate::AppState;
use crate::api::ApiJson;
use crate::client::ClientIp;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{AnySession, NewSession, Session, Sessions, csrf};

/// The body of `POST /api/v1/session`: a username and password, or a pending sign-in's code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignIn {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    /// Sign in as a platform operator.
    #[serde(default)]
    operator: bool,
    #[serde(default)]
    pending: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

fn signed_in(new: &NewSession) -> Response {
    let status = if new.session.must_change_password {
        "password_change_required"
    } else {
        "signed_in"
    };
    let mut response = Json(json!({
        "status": status,
        "principal": new.session.principal,
        "csrf": new.csrf,
        "expires_at": new.session.expires_at,
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, new.set_cookie.clone());
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn cross_site(site: &Site, state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if csrf::same_origin(headers, state.config.https) {
        Ok(())
    } else {
        Err(ApiError(site.lang, csrf::cross_site()))
    }
}

/// `POST /api/v1/session`
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    // Signing in changes who the browser is: refuse it from other sites (login CSRF).
    cross_site(&site, &state, &headers)?;
    let outcome = match (&body.username, &body.password, &body.pending, &body.code) {
        (Some(u), Some(p), None, None) => {
            sign_in::with_password(&state, &site, &client, body.operator, u, p).await
        }
        (None, None, Some(pending), Some(code)) => {
            sign_in::with_code(&state, &site, &client, pending, code).await
        }
        _ => Err(Failure::invalid(
            "invalid_body",
            Msg::new(
                "Gửi `username` và `password`, hoặc `pending` và `code`.",
                "Send `username` and `password`, or `pending` and `code`.",
            ),
        )),
    }
    .map_err(|f| ApiError(site.lang, f))?;
    Ok(match outcome {
        Outcome::SignedIn(new) => signed_in(&new),
        Outcome::CodeRequired { pending } => {
            no_store(Json(json!({ "status": "code_required", "pending": pending })).into_response())
        }
    })
}

/// `GET /api/v1/session`: who is signed in.
pub(crate) async fn current(site: Site, session: Option<AnySession>) -> Result<Response, ApiError> {
    let Some(AnySession(s)) = session else {
        return Err(ApiError(
            site.lang,
            Failure::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthenticated",
                Msg::new("Chưa đăng nhập.", "Not signed in."),
            ),
        ));
    };
    Ok(no_store(
        Json(json!({
            "principal": s.principal,
            "csrf": s.csrf,
            "must_change_password": s.must_change_password,
            "expires_at": s.expires_at,
        }))
        .into_response(),
    ))
}

/// `DELETE /api/v1/session`: signs out (the CSRF token is required, as for every change).
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    site: Site,
    AnySession(session): AnySession,
) -> Result<Response, ApiError> {
    let cookie = Sessions::revoke(&state, &session)
        .await
        .map_err(|f| ApiError(site.lang, f))?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "status": "signed_out" })),
    )
        .into_response())
}

/// The body of `POST /api/v1/session/password`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangePassword {
    current: String,
    new: String,
}

/// `POST /api/v1/session/password`: a new password; every other session of the account ends,
/// and this one continues under a new cookie.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    site: Site,
    AnySession(session): AnySession,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<Response, ApiError> {
    let new = sign_in::change_password(&state, &site, &session.principal, &body.current, &body.new)
        .await
        .map_err(|f| ApiError(site.lang, f))?;
    Ok(signed_in(&new))
}

fn needs_account(site: &Site) -> ApiError {
    ApiError(site.lang, crate::session::forbidden())
}

/// `POST /api/v1/session/totp`: a new TOTP secret to enrol, held in the session until a code
/// confirms it.
pub(crate) async fn start_totp(
    State(state): State<AppState>,
    site: Site,
    session: Session,
) -> Result<Response, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let (holder, id) = session
        .principal
        .credential()
        .ok_or_else(|| needs_account(&site))?;
    let c = accounts::get(&state.store, holder, id)
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| needs_account(&site))?;
    let secret = totp::generate_secret().map_err(|e| fail(Failure::internal(&e)))?;
    let stored = secret.clone();
    Sessions::update(&state, &session, move |r| r.totp_enrolment = Some(stored))
        .await
        .map_err(fail)?;
    Ok(no_store(
        Json(json!({
            "secret": secret,
            "uri": totp::uri(&secret, &issuer(&site), &c.username),
            "enrolled": c.totp_secret.is_some(),
        }))
        .into_response(),
    ))
}

/// The issuer shown in authenticator apps: the platform and the tenant.
pub(crate) fn issuer(site: &Site) -> String {
    format!("Mộtcửa {}", site.tenant.manifest.short_name.get(site.lang))
}

/// The body of `POST /api/v1/session/totp/confirm`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Confirm {
    code: String,
}

/// `POST /api/v1/session/totp/confirm`: a code of the secret being enrolled turns it on.
pub(crate) async fn confirm_totp(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    ApiJson(body): ApiJson<Confirm>,
) -> Result<Response, ApiError> {
    sign_in::confirm_enrolment(&state, &session, &body.code)
        .await
        .map_err(|f| ApiError(site.lang, f))?;
    Ok(Json(json!({ "enrolled": true })).into_response())
}
