//! Questions and answers on the portal: each procedure's published answers (a section of the
//! procedure page, [`qa_section`], and a page of their own), the form where a signed-in citizen
//! asks, and the JSON API.
//!
//! - `GET /thu-tuc/{code}/hoi-dap` (vi) / `/procedures/{code}/questions` (en): the published
//!   questions and answers of the procedure in the host's language, and the form to ask
//!   (a signed-in citizen), a sign-in link returning here (nobody signed in), or a sentence
//!   saying only citizens ask (an official's session); a path of the other language redirects;
//! - `POST` the same path: a URL-encoded form (`csrf`, `text`); accepted: 303 back with
//!   `?sent=1`; refused: the page again with the reason, what was typed given back;
//! - `GET /api/v1/procedures/{code}/questions`: the published ones; `POST` `{"text"}`: a
//!   citizen asks (401 without a session, 403 for anyone but a citizen, 422 for an empty or too
//!   long text, 429 past the rate limit), 201 with the question, which is not public yet.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;
use motcua_store::questions::{self, MAX_QUESTION, NewQuestion, Question};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{GuidanceLabels, guidance_labels, no_procedure, questions_path, text_refusal};
use crate::AppState;
use crate::catalogue::procedure_path;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, render, urlencode};
use crate::session::{CitizenIdentity, Principal, Session};

/// Published answers the procedure page shows (the questions page shows them all).
const ON_PROCEDURE_PAGE: u64 = 5;
/// Published answers the questions page and the API list.
const LISTED: u64 = 200;

/// A published question and its answer, as the portal shows it.
#[derive(serde::Serialize, Deserialize)]
pub(crate) struct QaItem {
    /// Its number.
    pub(crate) id: i64,
    /// The question.
    pub(crate) question: String,
    /// The answer.
    pub(crate) answer: String,
    /// The day it was answered, in the tenant's time zone.
    pub(crate) answered_on: String,
}

/// The questions-and-answers section of a procedure page.
pub(crate) struct QaSection {
    /// The labels.
    pub(crate) l: &'static GuidanceLabels,
    /// The published questions, the latest answered first.
    pub(crate) items: Vec<QaItem>,
    /// The procedure's questions page.
    pub(crate) more: String,
}

/// `at`'s day in the tenant's time zone, `dd/mm/yyyy`.
fn day(site: &Site, at: DateTime<Utc>) -> String {
    at.with_timezone(&site.tenant.calendar.time_zone())
        .format("%d/%m/%Y")
        .to_string()
}

fn items(site: &Site, published: &[Question]) -> Vec<QaItem> {
    published
        .iter()
        .filter_map(|q| {
            let a = q.answer.as_ref()?;
            Some(QaItem {
                id: q.id,
                question: q.text.clone(),
                answer: a.text.clone(),
                answered_on: day(site, a.at),
            })
        })
        .collect()
}

/// The published questions of procedure `code` on `site`'s host, at most `limit`.
async fn published(
    state: &AppState,
    site: &Site,
    code: &str,
    limit: u64,
) -> Result<Vec<Question>, Failure> {
    Ok(questions::published(
        &state.store,
        site.tenant.id,
        Some(code),
        site.lang.tag(),
        limit,
    )
    .await?)
}

/// How long the procedure page's answers are kept in the cache. Publishing an answer removes
/// them at once from the shared cache (Redis); a node with its own in-process cache shows the
/// answer after this at the latest.
const SECTION_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// The cache key of the answers procedure `code`'s page shows in `lang`.
fn section_key(site: &Site, lang: Lang, code: &str) -> String {
    format!("qa:{}:{}:{code}", site.tenant.id.0, lang.tag())
}

/// Forgets the cached answers of procedure `code`'s page, in both languages: one was answered.
pub(crate) async fn forget_section(state: &AppState, site: &Site, code: &str) {
    for lang in [Lang::Vi, Lang::En] {
        if let Err(e) = state.cache.delete(&section_key(site, lang, code)).await {
            tracing::warn!(error = %e, procedure = code, "cached answers not forgotten");
        }
    }
}

/// The section of procedure `code`'s page: its latest published answers (none, and the failure
/// logged, when they cannot be read: the procedure page still answers). The page is the portal's
/// most read, so its answers come from the cache when they can ([`SECTION_TTL`]).
pub(crate) async fn qa_section(state: &AppState, site: &Site, code: &str) -> QaSection {
    let key = section_key(site, site.lang, code);
    let cached = match state.cache.get(&key).await {
        Ok(Some(bytes)) => serde_json::from_slice::<Vec<QaItem>>(&bytes).ok(),
        _ => None,
    };
    let items = match cached {
        Some(items) => items,
        None => match published(state, site, code, ON_PROCEDURE_PAGE).await {
            Ok(found) => {
                let items = items(site, &found);
                if let Ok(bytes) = serde_json::to_vec(&items) {
                    let _ = state.cache.set(&key, &bytes, SECTION_TTL).await;
                }
                items
            }
            Err(e) => {
                tracing::warn!(error = ?e.message.en, procedure = code, "questions and answers not shown");
                Vec::new()
            }
        },
    };
    QaSection {
        l: guidance_labels(site.lang),
        items,
        more: questions_path(site.lang, code),
    }
}

/// The signed-in citizen of `session`, or 403.
fn citizen(session: &Session) -> Result<&CitizenIdentity, Failure> {
    match &session.principal {
        Principal::Citizen(c) => Ok(c),
        _ => Err(Failure::new(
            StatusCode::FORBIDDEN,
            "citizens_only",
            Msg::new(
                guidance_labels(Lang::Vi).citizens_only,
                guidance_labels(Lang::En).citizens_only,
            ),
        )),
    }
}

/// Stores the question `text` of the citizen of `session` about procedure `code`.
async fn ask(
    state: &AppState,
    site: &Site,
    session: &Session,
    code: &str,
    text: &str,
) -> Result<Question, Failure> {
    let live = site
        .tenant
        .procedure(code)
        .ok_or_else(|| no_procedure(code))?;
    let p = live.info();
    let c = citizen(session)?;
    state
        .rate_limit_key(
            "question",
            &format!("{}:{}", site.tenant.id.0, c.subject),
            state.config.submit_per_minute,
        )
        .await?;
    let text = questions::clean(text, MAX_QUESTION).map_err(|e| text_refusal("question", e))?;
    Ok(questions::ask(
        &state.store,
        site.tenant.id,
        NewQuestion {
            procedure_code: p.code.to_string(),
            division: p.division.to_string(),
            lang: site.lang.tag().to_owned(),
            asker_subject: format!("citizen:{}", c.subject),
            asker_name: c.name.clone(),
            text,
            asked_at: Utc::now(),
        },
    )
    .await?)
}

/// A question as the portal's API gives it (never who asked).
fn public_json(q: &Question) -> Value {
    json!({
        "id": q.id,
        "procedure": q.procedure_code,
        "question": q.text,
        "asked_at": q.asked_at,
        "published": q.published,
        "answer": q.answer.as_ref().filter(|_| q.published).map(|a| json!({
            "text": a.text,
            "answered_at": a.at,
        })),
    })
}

/// `GET /api/v1/procedures/{code}/questions`.
pub(crate) async fn api_list(
    State(state): State<AppState>,
    site: Site,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let live = site
        .tenant
        .procedure(&code)
        .ok_or_else(|| fail(no_procedure(&code)))?;
    let code = live.info().code.to_string();
    let found = published(&state, &site, &code, LISTED)
        .await
        .map_err(fail)?;
    Ok(Json(json!({
        "procedure": code,
        "lang": site.lang.tag(),
        "questions": found.iter().map(public_json).collect::<Vec<_>>(),
    })))
}

/// The body of `POST /api/v1/procedures/{code}/questions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AskBody {
    text: String,
}

/// `POST /api/v1/procedures/{code}/questions`.
pub(crate) async fn api_ask(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    citizen(&session).map_err(fail)?;
    let body: AskBody = crate::api::json_body(site.lang, &body)?;
    let q = ask(&state, &site, &session, &code, &body.text)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(public_json(&q))).into_response())
}

/// What the page offers to ask with.
enum Asking {
    /// The form, with the session's CSRF token and what was typed.
    Form { csrf: String, text: String },
    /// The sign-in link, back to this page.
    SignIn(String),
    /// Signed in, but not as a citizen.
    NotCitizen,
}

#[derive(Template)]
#[template(path = "guidance/questions.html")]
struct QuestionsPage {
    page: PageCtx,
    l: &'static GuidanceLabels,
    name: String,
    procedure_href: String,
    path: String,
    qa: QaSection,
    form: Option<(String, String)>,
    sign_in: Option<String>,
    sent: bool,
    error: Option<String>,
    max: usize,
}

/// `GET /thu-tuc/{code}/hoi-dap`.
pub(crate) async fn page_vi(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    code: Path<String>,
    query: RawQuery,
) -> Response {
    page(Lang::Vi, state, site, headers, session, code, query).await
}

/// `GET /procedures/{code}/questions`.
pub(crate) async fn page_en(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    code: Path<String>,
    query: RawQuery,
) -> Response {
    page(Lang::En, state, site, headers, session, code, query).await
}

async fn page(
    lang: Lang,
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(live) = site.tenant.procedure(&code) else {
        return crate::pages::not_found(State(state), site, headers).await;
    };
    let p = live.info().clone();
    if lang != site.lang {
        // The code is the procedure's own, never the request's text, in the redirect.
        return Redirect::permanent(&questions_path(site.lang, &p.code.to_string()))
            .into_response();
    }
    let sent = query.as_deref() == Some("sent=1");
    let asking = asking(&site, session.as_ref(), &p, String::new());
    show(
        &state,
        &site,
        &headers,
        &p,
        asking,
        (sent, None),
        StatusCode::OK,
    )
    .await
}

/// What `session` may do on the page of `p`.
fn asking(site: &Site, session: Option<&Session>, p: &ProcedureInfo, text: String) -> Asking {
    match session {
        Some(s) if citizen(s).is_ok() => Asking::Form {
            csrf: s.csrf.clone().unwrap_or_default(),
            text,
        },
        Some(_) => Asking::NotCitizen,
        None => Asking::SignIn(format!(
            "{}?return={}",
            crate::oidc::SIGN_IN_PATH,
            urlencode(&questions_path(site.lang, &p.code.to_string()))
        )),
    }
}

/// The questions page of `p`, with `notice` (whether a question was just sent, and what was
/// refused) above it, answered with `status`.
async fn show(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    p: &ProcedureInfo,
    asking: Asking,
    (sent, error): (bool, Option<String>),
    status: StatusCode,
) -> Response {
    let lang = site.lang;
    let code = p.code.to_string();
    let path = questions_path(lang, &code);
    let other = lang.pick(Lang::En, Lang::Vi);
    let mut page = PageCtx::new(state, site, headers, &path);
    page.other_url = PageCtx::new(state, site, headers, &questions_path(other, &code)).other_url;
    let all = match published(state, site, &code, LISTED).await {
        Ok(all) => all,
        Err(e) => {
            tracing::warn!(error = ?e.message.en, procedure = %code, "questions not listed");
            Vec::new()
        }
    };
    let qa = QaSection {
        l: guidance_labels(lang),
        items: items(site, &all),
        more: path.clone(),
    };
    let personal = !matches!(asking, Asking::SignIn(_));
    let (form, sign_in) = match asking {
        Asking::Form { csrf, text } => (Some((csrf, text)), None),
        Asking::SignIn(href) => (None, Some(href)),
        Asking::NotCitizen => (None, None),
    };
    let view = QuestionsPage {
        page,
        l: guidance_labels(lang),
        name: p.name.get(lang).to_owned(),
        procedure_href: procedure_path(lang, &code),
        path,
        qa,
        form,
        sign_in,
        sent,
        error,
        max: MAX_QUESTION,
    };
    let response = (status, render(&view)).into_response();
    if personal {
        // The form carries the session's token: not for shared caches.
        return crate::pages::no_store(response);
    }
    response
}

/// `POST /thu-tuc/{code}/hoi-dap`.
pub(crate) async fn ask_vi(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    code: Path<String>,
    body: Bytes,
) -> Response {
    ask_page(state, site, headers, session, code, body).await
}

/// `POST /procedures/{code}/questions`.
pub(crate) async fn ask_en(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    code: Path<String>,
    body: Bytes,
) -> Response {
    ask_page(state, site, headers, session, code, body).await
}

async fn ask_page(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let Some(live) = site.tenant.procedure(&code) else {
        return crate::pages::not_found(State(state), site, headers).await;
    };
    let p = live.info().clone();
    let text = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let Some(session) = session else {
        // Signed out meanwhile: sign in, then back to the page (the text is not kept in a URL).
        return match asking(&site, None, &p, String::new()) {
            Asking::SignIn(href) => Redirect::to(&href).into_response(),
            _ => StatusCode::UNAUTHORIZED.into_response(),
        };
    };
    match ask(&state, &site, &session, &p.code.to_string(), &text).await {
        Ok(_) => Redirect::to(&format!(
            "{}?sent=1",
            questions_path(site.lang, &p.code.to_string())
        ))
        .into_response(),
        Err(f) => {
            let retained = asking(&site, Some(&session), &p, text);
            let message = f.message.get(site.lang).to_owned();
            let response = show(
                &state,
                &site,
                &headers,
                &p,
                retained,
                (false, Some(message)),
                f.status,
            )
            .await;
            f.with_headers(response)
        }
    }
}
