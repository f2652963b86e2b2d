//! The sign-in pages (password, then the TOTP code when enrolled) and sign-out, and the page a
//! failure is shown on. Plain HTML forms, no JavaScript; the sign-out form carries the session's
//! CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::lang::Lang;
use serde::Deserialize;

use super::labels::{AccountLabels, account_labels};
use super::sign_in::{self, Outcome};
use super::{Paths, paths};
use crate::AppState;
use crate::client::ClientIp;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::labels;
use crate::pages::{PageCtx, render};
use crate::session::{AnySession, Sessions, csrf};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    title: &'static str,
    message: String,
}

/// A failure as a page in the host's language, with its status (and `Retry-After`).
pub(crate) fn failure(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    failure: Failure,
) -> Response {
    let page = ErrorPage {
        page: PageCtx::new(state, site, headers, "/"),
        title: labels(site.lang).error_title,
        message: failure.message.get(site.lang).to_owned(),
    };
    let response = (failure.status, render(&page)).into_response();
    failure.with_headers(response)
}

pub(super) fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    }
}

/// A path safe to send the browser back to: on this host only.
fn safe_return(given: Option<&str>) -> String {
    match given {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Redirects a page asked for under the other language's path to this host's path.
pub(super) fn wrong_language(
    site: &Site,
    uri: &OriginalUri,
    path: fn(&Paths) -> &'static str,
) -> Option<Response> {
    let here = path(paths(site.lang));
    if uri.path() == here {
        return None;
    }
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some(Redirect::to(&format!("{here}{query}")).into_response())
}

pub(super) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInPage {
    page: PageCtx,
    t: &'static AccountLabels,
    paths: &'static Paths,
    title: &'static str,
    action: &'static str,
    notice: Option<&'static str>,
    error: Option<String>,
    signed_in_as: Option<String>,
    has_account: bool,
    pending: Option<String>,
    csrf: String,
    username: String,
    return_to: String,
    /// The tenant's own provider's button (officials' page only).
    provider: Option<crate::oidc::officials::ProviderButton>,
}

impl SignInPage {
    fn new(state: &AppState, site: &Site, headers: &HeaderMap, operator: bool) -> Self {
        let t = account_labels(site.lang);
        let p = paths(site.lang);
        let there = paths(other(site.lang));
        Self {
            page: PageCtx::new(
                state,
                site,
                headers,
                if operator {
                    there.operator_sign_in
                } else {
                    there.sign_in
                },
            ),
            t,
            paths: p,
            title: if operator {
                t.operator_sign_in_title
            } else {
                t.sign_in_title
            },
            action: if operator {
                p.operator_sign_in
            } else {
                p.sign_in
            },
            notice: None,
            error: None,
            signed_in_as: None,
            has_account: false,
            pending: None,
            csrf: String::new(),
            username: String::new(),
            return_to: "/".to_owned(),
            provider: (!operator)
                .then(|| crate::oidc::officials::button(site, "/"))
                .flatten(),
        }
    }

    /// Whether the password form is shown (not where the tenant turned passwords off).
    fn password_form(&self) -> bool {
        self.provider.as_ref().is_none_or(|b| b.password_sign_in)
    }

    /// Sets the page to return to after signing in (also through the provider's button).
    fn returning_to(mut self, site: &Site, return_to: String) -> Self {
        if self.provider.is_some() {
            self.provider = crate::oidc::officials::button(site, &return_to);
        }
        self.return_to = return_to;
        self
    }

    fn with_session(mut self, session: Option<&AnySession>) -> Self {
        if let Some(AnySession(s)) = session {
            self.csrf = s.csrf.clone().unwrap_or_default();
        }
        self
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInQuery {
    #[serde(default, rename = "return")]
    return_to: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

async fn show_sign_in(
    state: AppState,
    site: Site,
    headers: HeaderMap,
    session: Option<AnySession>,
    q: SignInQuery,
    operator: bool,
) -> Response {
    let mut page = SignInPage::new(&state, &site, &headers, operator)
        .with_session(session.as_ref())
        .returning_to(&site, safe_return(q.return_to.as_deref()));
    page.notice = match q.done.as_deref() {
        Some("password") => Some(page.t.password_changed),
        Some("two-factor") => Some(page.t.two_factor_done),
        _ => None,
    };
    if let Some(AnySession(s)) = &session {
        if s.must_change_password {
            return Redirect::to(paths(site.lang).change_password).into_response();
        }
        page.signed_in_as = Some(s.principal.name().to_owned());
        page.has_account = s.principal.credential().is_some();
    }
    no_store(render(&page))
}

/// `GET /dang-nhap` | `/sign-in`
pub(crate) async fn sign_in_form(
    State(state): State<AppState>,
    site: Site,
    uri: OriginalUri,
    headers: HeaderMap,
    session: Option<AnySession>,
    Query(q): Query<SignInQuery>,
) -> Response {
    if let Some(r) = wrong_language(&site, &uri, |p| p.sign_in) {
        return r;
    }
    show_sign_in(state, site, headers, session, q, false).await
}

/// `GET /van-hanh/dang-nhap` | `/operator/sign-in`
pub(crate) async fn operator_sign_in_form(
    State(state): State<AppState>,
    site: Site,
    uri: OriginalUri,
    headers: HeaderMap,
    session: Option<AnySession>,
    Query(q): Query<SignInQuery>,
) -> Response {
    if let Some(r) = wrong_language(&site, &uri, |p| p.operator_sign_in) {
        return r;
    }
    show_sign_in(state, site, headers, session, q, true).await
}

/// The sign-in form's fields (the password step or the code step).
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    pending: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default, rename = "return")]
    return_to: Option<String>,
}

async fn submit_sign_in(
    state: AppState,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    form: SignInForm,
    operator: bool,
) -> Response {
    // Signing in changes who the browser is: refuse it from other sites (login CSRF).
    if !csrf::same_origin(&headers, state.config.https) {
        return failure(&state, &site, &headers, csrf::cross_site());
    }
    let return_to = safe_return(form.return_to.as_deref());
    let outcome = match (&form.pending, &form.code) {
        (Some(pending), Some(code)) => {
            sign_in::with_code(&state, &site, &client, pending, code).await
        }
        _ => {
            sign_in::with_password(
                &state,
                &site,
                &client,
                operator,
                form.username.as_deref().unwrap_or_default(),
                form.password.as_deref().unwrap_or_default(),
            )
            .await
        }
    };
    let mut page =
        SignInPage::new(&state, &site, &headers, operator).returning_to(&site, return_to.clone());
    match outcome {
        Ok(Outcome::SignedIn(new)) => {
            let to = if new.session.must_change_password {
                paths(site.lang).change_password.to_owned()
            } else {
                return_to
            };
            let mut response = Redirect::to(&to).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, new.set_cookie.clone());
            response
        }
        Ok(Outcome::CodeRequired { pending }) => {
            page.pending = Some(pending);
            no_store(render(&page))
        }
        Err(f) => {
            page.error = Some(f.message.get(site.lang).to_owned());
            if f.code == "invalid_code" {
                // Wrong code: the same pending sign-in may try again.
                page.pending.clone_from(&form.pending);
            } else {
                page.username = form.username.unwrap_or_default();
            }
            let response = (f.status, no_store(render(&page))).into_response();
            f.with_headers(response)
        }
    }
}

/// `POST /dang-nhap` | `/sign-in`
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    submit_sign_in(state, site, client, headers, form, false).await
}

/// `POST /van-hanh/dang-nhap` | `/operator/sign-in`
pub(crate) async fn operator_sign_in(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    submit_sign_in(state, site, client, headers, form, true).await
}

/// `POST /dang-xuat` | `/sign-out` (the CSRF token was checked on the way in).
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<AnySession>,
) -> Response {
    let cookie = match &session {
        Some(AnySession(s)) => Sessions::revoke(&state, s).await,
        None => Sessions::clear_cookie(&state),
    };
    match cookie {
        Ok(c) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().insert(header::SET_COOKIE, c);
            response
        }
        Err(f) => failure(&state, &site, &headers, f),
    }
}
