//! "My dossiers" on the portal (Art. 16.2.d, the signed-in part of the lookup): a citizen signed
//! in through the national portal sees their own dossiers of the host's tenant, each down to the
//! division handling it, opens one to read where it stands, what happened to it, its documents
//! and its electronic result, and answers a request to supplement it by uploading what is
//! missing.
//!
//! Paths follow the host's language, as the catalogue's do: `/ho-so-cua-toi`,
//! `/ho-so-cua-toi/{code}` and `POST /ho-so-cua-toi/{code}/bo-sung` on the Vietnamese host,
//! `/my-dossiers`, `/my-dossiers/{code}` and `POST /my-dossiers/{code}/supplement` on the English
//! one (a page asked for under the other language's path is redirected to this host's). The JSON
//! API has `GET`/`POST /api/v1/dossiers/{code}/supplement` ([`supplement`]). The citizen's
//! unsent drafts are listed, to resume or delete, under `/ho-so-cua-toi/dang-soan`
//! (`/my-dossiers/drafts`, [`drafts`]).
//!
//! Rules kept here:
//! - ownership is the accountability API's: a dossier is the citizen's when its applicant's
//!   identity number is the one their sign-in gave ([`crate::accountability::applicant::citizen`]
//!   and [`own_dossier`]); the list reads only those, by tenant and number, newest first;
//! - not signed in: the citizens' sign-in, coming back to the page asked for; an official, an
//!   operator or a citizen without an identity number: a 403 page saying why; a code that does
//!   not parse, is unknown, is another tenant's or is another citizen's dossier: the same 404
//!   (whose a dossier is is never told); all in the host's language;
//! - the pages carry personal data: `Cache-Control: private, no-store`;
//! - what of the history the applicant reads is decided in [`history`]; what they may download
//!   is what they supplied (and the desk scanned) and the result, never officials' working
//!   papers.

mod dossier;
mod drafts;
mod history;
mod labels;
mod list;
mod supplement;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use motcua_core::calendar::Progress;
use motcua_core::lang::Lang;
use motcua_store::dossiers::Dossier;
use motcua_workflow::engine::DossierState;
use motcua_workflow::procedure::Procedure;

use crate::AppState;
pub(crate) use crate::accountability::applicant::{citizen, is_applicant, own_dossier};
use crate::error::Failure;
use crate::guard::OwnedRoute;
use crate::host::Site;
use crate::session::{CitizenIdentity, Principal, Session};
use labels::labels;

/// The list's path in `lang`.
pub(crate) fn list_path(lang: Lang) -> &'static str {
    lang.pick("/ho-so-cua-toi", "/my-dossiers")
}

/// The path of dossier `code`'s page in `lang`.
pub(crate) fn dossier_path(lang: Lang, code: &str) -> String {
    format!("{}/{code}", list_path(lang))
}

/// Where the supplement form of dossier `code` is sent, in `lang`.
pub(crate) fn supplement_path(lang: Lang, code: &str) -> String {
    format!(
        "{}/{}",
        dossier_path(lang, code),
        lang.pick("bo-sung", "supplement")
    )
}

/// The pages, on the portal (merged into its router), and those of them that name what a
/// citizen owns.
pub(crate) fn routes() -> (Router<AppState>, &'static [OwnedRoute]) {
    let form = || {
        post(supplement::page_submit).layer(axum::extract::DefaultBodyLimit::max(
            crate::onestop::pages::FORM_WITH_FILES,
        ))
    };
    let (owned, table) = crate::guard::owned_routes! { "";
        "/ho-so-cua-toi/dang-soan/{id}/xoa" [get, post] => get(drafts::confirm).post(drafts::delete),
        "/my-dossiers/drafts/{id}/delete" [get, post] => get(drafts::confirm).post(drafts::delete),
        "/ho-so-cua-toi/{code}" [get] => get(dossier::page),
        "/my-dossiers/{code}" [get] => get(dossier::page),
        "/ho-so-cua-toi/{code}/bo-sung" [post] => form(),
        "/my-dossiers/{code}/supplement" [post] => form(),
    };
    let router = Router::new()
        .route("/ho-so-cua-toi", get(list::page))
        .route("/my-dossiers", get(list::page))
        .route("/ho-so-cua-toi/dang-soan", get(drafts::list))
        .route("/my-dossiers/drafts", get(drafts::list))
        .merge(owned);
    (router, table)
}

/// The applicant's JSON API, nested under `/api` (ownership is checked in code, as for the
/// accountability API beside it).
pub(crate) fn api_routes() -> (Router<AppState>, &'static [OwnedRoute]) {
    crate::guard::owned_routes! { "/api";
        "/v1/dossiers/{code}/supplement" [get, post] =>
            get(supplement::api_show).post(supplement::api_submit),
    }
}

tokio::task_local! {
    /// Whether the current request's visitor is a signed-in citizen, for the portal's header.
    static CITIZEN: bool;
}

/// The header's link to "my dossiers".
#[derive(Clone, Copy, Debug)]
pub(crate) struct HeaderLink {
    /// Where it leads.
    pub href: &'static str,
    /// Its text.
    pub label: &'static str,
}

/// The header's link to "my dossiers" in `lang`, when the visitor is a signed-in citizen (set by
/// [`header`]; `None` outside it).
pub(crate) fn header_link(lang: Lang) -> Option<HeaderLink> {
    CITIZEN
        .try_with(|c| *c)
        .unwrap_or(false)
        .then(|| HeaderLink {
            href: list_path(lang),
            label: labels(lang).title,
        })
}

/// Middleware of the portal: decides once per request whether its header offers "my dossiers".
pub(crate) async fn header(session: Option<Session>, req: Request, next: Next) -> Response {
    let citizen = matches!(
        session.as_ref().map(|s| &s.principal),
        Some(Principal::Citizen(_))
    );
    CITIZEN.scope(citizen, next.run(req)).await
}

/// The signed-in citizen with their identity number, or the answer to give instead: the
/// citizens' sign-in coming back to `here`, or a 403 page.
fn visitor<'s>(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: Option<&'s Session>,
    here: &str,
) -> Result<(&'s CitizenIdentity, &'s str), Box<Response>> {
    let Some(session) = session else {
        return Err(Box::new(sign_in_first(here)));
    };
    citizen(session).map_err(|f| Box::new(refused(state, site, headers, f)))
}

/// The citizens' sign-in, coming back to `here`.
fn sign_in_first(here: &str) -> Response {
    Redirect::to(&format!(
        "{}?return={}",
        crate::oidc::SIGN_IN_PATH,
        crate::pages::urlencode(here)
    ))
    .into_response()
}

/// A failure as a page of the portal, never stored by the browser.
fn refused(state: &AppState, site: &Site, headers: &HeaderMap, failure: Failure) -> Response {
    crate::pages::no_store(crate::accounts::pages::failure(
        state, site, headers, failure,
    ))
}

/// A path of the other language on this host: the same page in this host's language.
fn host_language(site: &Site, asked: Lang, path: String) -> Option<Response> {
    (asked != site.lang).then(|| Redirect::permanent(&path).into_response())
}

/// The language of a path of ours: English under `/my-dossiers`.
fn path_lang(path: &str) -> Lang {
    if path.starts_with("/my-dossiers") {
        Lang::En
    } else {
        Lang::Vi
    }
}

/// Where a dossier stands now, as the applicant reads it.
pub(crate) struct Standing {
    /// The steps it is at, by name.
    pub steps: Vec<String>,
    /// The divisions handling it now, by name (none while it waits for the applicant).
    pub divisions: Vec<String>,
    /// Whether the deadline stands still (waiting for the applicant).
    pub paused: bool,
    /// Whether it is past its due time and still in progress (never while paused).
    pub overdue: bool,
}

/// The workflow state of `dossier`, when it can be read (a dossier stored without one, as
/// storage tests make, has none).
pub(crate) fn state_of(dossier: &Dossier) -> Option<DossierState> {
    serde_json::from_value(dossier.state.clone()).ok()
}

/// Where `dossier` stands at `now` on `procedure`, its pinned version.
pub(crate) fn standing(
    site: &Site,
    procedure: &Procedure,
    dossier: &Dossier,
    now: DateTime<Utc>,
) -> Standing {
    let state = state_of(dossier);
    let tokens = state.as_ref().map_or(&[][..], |s| s.tokens.as_slice());
    let mut steps = Vec::new();
    let mut divisions: Vec<String> = Vec::new();
    for t in tokens {
        let Some((_, step)) = procedure.definition.step(&t.step) else {
            continue;
        };
        steps.push(step.name.get(site.lang).to_owned());
        if let Some(key) = &step.division {
            let name = crate::accountability::division_name(site, key);
            if !divisions.contains(&name) {
                divisions.push(name);
            }
        }
    }
    let paused = state
        .as_ref()
        .is_some_and(|s| s.clock.paused_since.is_some());
    let overdue = dossier.closed_at.is_none()
        && !paused
        && site.tenant.calendar.progress(dossier.due_at, now) == Progress::Overdue;
    Standing {
        steps,
        divisions,
        paused,
        overdue,
    }
}

/// The name of dossier `d`'s procedure in the host's language (its code when it is gone).
pub(crate) fn procedure_name(site: &Site, d: &Dossier) -> String {
    site.tenant.procedure(&d.procedure_code).map_or_else(
        || d.procedure_code.clone(),
        |p| p.info().name.get(site.lang).to_owned(),
    )
}
