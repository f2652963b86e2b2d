//! Authentication of every tenant request, and the extractors handlers use.
//!
//! [`authenticate`] runs after the host is resolved: an `Authorization: Bearer mc_...` header is
//! an API token (unknown, revoked or expired: 401 at once); otherwise the session cookie, if any,
//! is looked up, and a state-changing request made with it must pass the CSRF checks. What it
//! finds is left in the request's extensions for the extractors.

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::lang::Lang;

use super::{Session, Sessions, cookie_id, csrf};
use crate::AppState;
use crate::accounts::{paths, tokens};
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

/// What [`authenticate`] found.
#[derive(Clone, Debug)]
struct Authenticated(Session);

/// A signed-in request whose session may still have to change its password: for the pages and
/// endpoints that must work then (changing the password, signing out).
#[derive(Clone, Debug)]
pub struct AnySession(pub Session);

/// The API token of an `Authorization` header, when it is one of ours.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(tokens::PREFIX))
}

/// Writes a failure as the request expects it: the national portal's shape on its paths, JSON
/// under `/api/`, a page elsewhere.
fn respond(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    path: &str,
    failure: Failure,
) -> Response {
    if crate::national::speaks_national(path) {
        return crate::national::refused(&failure);
    }
    if path.starts_with("/api/") {
        failure.json(site.lang)
    } else {
        crate::accounts::pages::failure(state, site, headers, failure)
    }
}

/// The middleware: authenticates the request (API token or session cookie) and applies the
/// CSRF checks to state-changing requests made with the cookie.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(site) = req.extensions().get::<Site>().cloned() else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_owned();
    if let Some(secret) = bearer_token(req.headers()) {
        return match tokens::authenticate(&state, &site, secret).await {
            Ok(session) => {
                req.extensions_mut().insert(Authenticated(session));
                next.run(req).await
            }
            Err(failure) => respond(&state, &site, req.headers(), &path, failure),
        };
    }
    let Some(id) = cookie_id(&state, req.headers()) else {
        return next.run(req).await;
    };
    let session = match Sessions::resolve(&state, &site, &id).await {
        Ok(s) => s,
        Err(failure) => return respond(&state, &site, req.headers(), &path, failure),
    };
    if let Some(session) = session {
        if csrf::state_changing(req.method()) {
            req = match csrf::check(&state, &session, req).await {
                Ok(req) => req,
                Err((headers, failure)) => {
                    return respond(&state, &site, &headers, &path, failure);
                }
            };
        }
        req.extensions_mut().insert(Authenticated(session));
    }
    next.run(req).await
}

/// The request's path as the client sent it (a nested router sees it without its prefix).
fn original_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path(), |u| u.0.path())
}

fn lang_of(parts: &Parts) -> Lang {
    parts.extensions.get::<Site>().map_or(Lang::Vi, |s| s.lang)
}

/// The answer to a request that needs a session and has none.
fn sign_in_first(parts: &Parts) -> Response {
    let lang = lang_of(parts);
    if original_path(parts).starts_with("/api/") {
        return Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            Msg::new(
                "Vui lòng đăng nhập để tiếp tục.",
                "Please sign in to continue.",
            ),
        )
        .json(lang);
    }
    let back = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    Redirect::to(&format!(
        "{}?return={}",
        paths(lang).sign_in,
        crate::pages::urlencode(back)
    ))
    .into_response()
}

/// The answer to a session that must change its password before anything else.
fn change_password_first(parts: &Parts) -> Response {
    let lang = lang_of(parts);
    if original_path(parts).starts_with("/api/") {
        return Failure::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            Msg::new(
                "Bạn cần đổi mật khẩu trước khi tiếp tục.",
                "You must change your password before continuing.",
            ),
        )
        .json(lang);
    }
    Redirect::to(paths(lang).change_password).into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Authenticated>() {
            Some(Authenticated(s)) if s.must_change_password => Err(change_password_first(parts)),
            Some(Authenticated(s)) => Ok(s.clone()),
            None => Err(sign_in_first(parts)),
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(match parts.extensions.get::<Authenticated>() {
            Some(Authenticated(s)) if !s.must_change_password => Some(s.clone()),
            _ => None,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AnySession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Authenticated>() {
            Some(Authenticated(s)) => Ok(AnySession(s.clone())),
            None => Err(sign_in_first(parts)),
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for AnySession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Authenticated>()
            .map(|Authenticated(s)| AnySession(s.clone())))
    }
}

/// 403: signed in, but not as someone who may do this.
pub(crate) fn forbidden() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(
            "Bạn không có quyền thực hiện thao tác này.",
            "You are not allowed to do this.",
        ),
    )
}
