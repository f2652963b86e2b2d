//! The account settings pages: changing the password (forced after an administrator set it,
//! or chosen) and enrolling a TOTP second factor. Plain HTML forms with the session's CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_store::accounts;
use serde::Deserialize;

use super::labels::{AccountLabels, account_labels};
use super::pages::{failure, no_store, other, wrong_language};
use super::sign_in;
use super::{Paths, paths, totp};
use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::pages::urlencode;
use crate::pages::{PageCtx, render};
use crate::session::{AnySession, Session, Sessions};

#[derive(Template)]
#[template(path = "accounts/change_password.html")]
struct ChangePasswordPage {
    page: PageCtx,
    t: &'static AccountLabels,
    paths: &'static Paths,
    must_change: bool,
    has_account: bool,
    error: Option<String>,
    csrf: String,
}

impl ChangePasswordPage {
    fn new(state: &AppState, site: &Site, headers: &HeaderMap, s: &Session) -> Self {
        Self {
            page: PageCtx::new(
                state,
                site,
                headers,
                paths(other(site.lang)).change_password,
            ),
            t: account_labels(site.lang),
            paths: paths(site.lang),
            must_change: s.must_change_password,
            has_account: s.principal.credential().is_some(),
            error: None,
            csrf: s.csrf.clone().unwrap_or_default(),
        }
    }
}

/// `GET /doi-mat-khau` | `/change-password`
pub(crate) async fn change_password_form(
    State(state): State<AppState>,
    site: Site,
    uri: OriginalUri,
    headers: HeaderMap,
    AnySession(session): AnySession,
) -> Response {
    if let Some(r) = wrong_language(&site, &uri, |p| p.change_password) {
        return r;
    }
    no_store(render(&ChangePasswordPage::new(
        &state, &site, &headers, &session,
    )))
}

/// The change-password form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct ChangePasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /doi-mat-khau` | `/change-password`
pub(crate) async fn change_password(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    AnySession(session): AnySession,
    Form(form): Form<ChangePasswordForm>,
) -> Response {
    let mut page = ChangePasswordPage::new(&state, &site, &headers, &session);
    if form.new != form.repeat {
        page.error = Some(page.t.passwords_differ.to_owned());
        return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    }
    match sign_in::change_password(&state, &site, &session.principal, &form.current, &form.new)
        .await
    {
        Ok(new) => {
            let mut response = Redirect::to(&format!("{}?done=password", paths(site.lang).sign_in))
                .into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, new.set_cookie);
            response
        }
        Err(f) => {
            page.error = Some(f.message.get(site.lang).to_owned());
            let response = (f.status, render(&page)).into_response();
            f.with_headers(response)
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/two_factor.html")]
struct TwoFactorPage {
    page: PageCtx,
    t: &'static AccountLabels,
    paths: &'static Paths,
    has_account: bool,
    enrolled: bool,
    secret: String,
    uri: String,
    error: Option<String>,
    csrf: String,
}

/// The enrolment page for `session`: its pending secret, or a new one.
async fn two_factor_page(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: &Session,
) -> Result<TwoFactorPage, Failure> {
    let mut page = TwoFactorPage {
        page: PageCtx::new(state, site, headers, paths(other(site.lang)).two_factor),
        t: account_labels(site.lang),
        paths: paths(site.lang),
        has_account: false,
        enrolled: false,
        secret: String::new(),
        uri: String::new(),
        error: None,
        csrf: session.csrf.clone().unwrap_or_default(),
    };
    let Some((holder, id)) = session.principal.credential() else {
        return Ok(page);
    };
    let Some(c) = accounts::get(&state.store, holder, id).await? else {
        return Ok(page);
    };
    let pending = Sessions::record(state, session)
        .await?
        .and_then(|r| r.totp_enrolment);
    let secret = match pending {
        Some(s) => s,
        None => {
            let s = totp::generate_secret().map_err(|e| Failure::internal(&e))?;
            let stored = s.clone();
            Sessions::update(state, session, move |r| r.totp_enrolment = Some(stored)).await?;
            s
        }
    };
    page.has_account = true;
    page.enrolled = c.totp_secret.is_some();
    page.uri = totp::uri(&secret, &super::api::issuer(site), &c.username);
    page.secret = secret;
    Ok(page)
}

/// `GET /xac-thuc-hai-buoc` | `/two-factor`
pub(crate) async fn two_factor_form(
    State(state): State<AppState>,
    site: Site,
    uri: OriginalUri,
    headers: HeaderMap,
    session: Session,
) -> Response {
    if let Some(r) = wrong_language(&site, &uri, |p| p.two_factor) {
        return r;
    }
    match two_factor_page(&state, &site, &headers, &session).await {
        Ok(page) => no_store(render(&page)),
        Err(f) => failure(&state, &site, &headers, f),
    }
}

/// The enrolment form's field.
#[derive(Debug, Deserialize)]
pub(crate) struct TwoFactorForm {
    #[serde(default)]
    code: String,
}

/// `POST /xac-thuc-hai-buoc` | `/two-factor`
pub(crate) async fn two_factor(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<TwoFactorForm>,
) -> Response {
    match sign_in::confirm_enrolment(&state, &session, &form.code).await {
        Ok(()) => Redirect::to(&format!(
            "{}?done={}",
            paths(site.lang).sign_in,
            urlencode("two-factor")
        ))
        .into_response(),
        Err(f) => match two_factor_page(&state, &site, &headers, &session).await {
            Ok(mut page) => {
                page.error = Some(f.message.get(site.lang).to_owned());
                (f.status, no_store(render(&page))).into_response()
            }
            Err(e) => failure(&state, &site, &headers, e),
        },
    }
}
