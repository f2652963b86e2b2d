//! The portal's complaint pages, server-rendered in the host's language and working without
//! JavaScript:
//!
//! - `GET /phan-anh-kien-nghi` (`/feedback`): the form (a `multipart/form-data` form, so that a
//!   file can go with it; a signed-in citizen's carries the session's CSRF token as its first
//!   field); `POST` the same path sends it: 303 to the tracking page of the new code with
//!   `?sent=1`, or the form again with every problem listed and what was typed kept;
//! - `POST /phan-anh-kien-nghi/theo-doi` (`/feedback/track`) with `code` and `contact` in the
//!   body: where the complaint stands and its answer — never the contact details (the contact
//!   never travels in an address, where logs and histories would keep it); `GET` with only
//!   `?code=` leads to the code's tracking page;
//! - `GET /phan-anh-kien-nghi/{code}` (`/feedback/{code}`): asks for the telephone number or
//!   e-mail address given with it (the signed-in citizen who sent it sees it at once); `POST`
//!   with `contact` does what the tracking path does;
//! - `GET /phan-anh-kien-nghi/tra-loi` (`/feedback/answers`): the published answers.
//!
//! A path of the other language redirects to this host's, so the language switch always leads
//! to the same page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::lang::Lang;
use motcua_store::complaints::{self, ListQuery};
use serde::Deserialize;
use serde_json::Value;

use super::intake::{self, Draft};
use super::{ComplaintLabels, complaint_labels, kind_label, local_time, public_subject_label};
use crate::AppState;
use crate::client::ClientIp;
use crate::error::{Details, Failure};
use crate::host::Site;
use crate::pages::{PageCtx, render};
use crate::session::Session;

/// The form page's path in `lang`.
fn form_path(lang: Lang) -> &'static str {
    lang.pick("/phan-anh-kien-nghi", "/feedback")
}

/// The tracking page of `code` in `lang`.
pub(super) fn track_path(lang: Lang, code: &str) -> String {
    format!("{}/{code}", form_path(lang))
}

/// The published answers' path in `lang`.
fn published_path(lang: Lang) -> &'static str {
    lang.pick("/phan-anh-kien-nghi/tra-loi", "/feedback/answers")
}

/// The code-finding path in `lang`.
fn find_path(lang: Lang) -> &'static str {
    lang.pick("/phan-anh-kien-nghi/theo-doi", "/feedback/track")
}

/// The same page in the other language's path, when `path` is one of the other language's:
/// where to redirect to.
fn this_language(site: &Site, uri: &Uri) -> Option<Response> {
    let path = uri.path();
    let (ours, theirs) = (
        form_path(site.lang),
        form_path(site.lang.pick(Lang::En, Lang::Vi)),
    );
    if path == ours || path.starts_with(&format!("{ours}/")) {
        return None;
    }
    let rest = path.strip_prefix(theirs).unwrap_or_default();
    let rest = match rest {
        "/tra-loi" | "/answers" => published_path(site.lang)
            .trim_start_matches(ours)
            .to_owned(),
        "/theo-doi" | "/track" => find_path(site.lang).trim_start_matches(ours).to_owned(),
        other => other.to_owned(),
    };
    let target = match uri.query() {
        Some(q) if !q.is_empty() => format!("{ours}{rest}?{q}"),
        _ => format!("{ours}{rest}"),
    };
    Some(Redirect::permanent(&target).into_response())
}

/// The layout's context, the language switch leading to `other` on the other host.
fn ctx(state: &AppState, site: &Site, headers: &HeaderMap, path: &str, other: &str) -> PageCtx {
    let mut page = PageCtx::new(state, site, headers, path);
    page.other_url = PageCtx::new(state, site, headers, other).other_url;
    page
}

fn other(lang: Lang) -> Lang {
    lang.pick(Lang::En, Lang::Vi)
}

/// An option of a `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "complaints/form.html")]
struct FormPage {
    page: PageCtx,
    l: &'static ComplaintLabels,
    action: &'static str,
    published: &'static str,
    find: &'static str,
    csrf: Option<String>,
    draft: Draft,
    procedures: Vec<Choice>,
    divisions: Vec<Choice>,
    /// Problems: the field (for the link) and the message.
    problems: Vec<(String, String)>,
    error: Option<String>,
}

impl FormPage {
    /// Whether `field` has a problem.
    fn has_problem(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| f == field)
    }
}

fn form_page(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: Option<&Session>,
    draft: Draft,
) -> FormPage {
    let lang = site.lang;
    let procedures = site
        .tenant
        .procedures
        .iter()
        .map(|p| {
            let code = p.info().code.to_string();
            Choice {
                label: format!("{} ({code})", p.info().name.get(lang)),
                selected: draft.procedure == code,
                value: code,
            }
        })
        .collect();
    let divisions = site
        .tenant
        .manifest
        .divisions
        .iter()
        .map(|d| Choice {
            value: d.key.to_string(),
            label: d.name.get(lang).to_owned(),
            selected: draft.division == d.key.as_str(),
        })
        .collect();
    FormPage {
        page: ctx(
            state,
            site,
            headers,
            form_path(lang),
            form_path(other(lang)),
        ),
        l: complaint_labels(lang),
        action: form_path(lang),
        published: published_path(lang),
        find: find_path(lang),
        csrf: session.and_then(|s| s.csrf.clone()),
        draft,
        procedures,
        divisions,
        problems: Vec::new(),
        error: None,
    }
}

/// `GET /phan-anh-kien-nghi`.
pub(crate) async fn form(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    uri: Uri,
) -> Response {
    if let Some(r) = this_language(&site, &uri) {
        return r;
    }
    let mut draft = Draft::default();
    if let Some((_, name)) = intake::citizen_of(session.as_ref()) {
        draft.name = name;
    }
    crate::pages::no_store(render(&form_page(
        &state,
        &site,
        &headers,
        session.as_ref(),
        draft,
    )))
}

/// `POST /phan-anh-kien-nghi`.
pub(crate) async fn send(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    session: Option<Session>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    if session.is_none() && !crate::session::csrf::same_origin(&headers, state.config.https) {
        return refused(
            &state,
            &site,
            &headers,
            session.as_ref(),
            Draft::default(),
            crate::session::csrf::cross_site(),
        );
    }
    // The body is not refused by its announced length: the fields come before the file, and are
    // read (and given back) up to the route's limit.
    let outcome = async {
        state
            .rate_limit("complaint", &client, state.config.submit_per_minute)
            .await
            .map_err(|f| (Draft::default(), f, None))?;
        let owner = intake::upload_owner().map_err(|f| (Draft::default(), f, None))?;
        let mut read = if crate::api::is_multipart(&headers) {
            let form = Multipart::from_request(req, &state).await.map_err(|e| {
                (
                    Draft::default(),
                    intake::bad_multipart(&e.body_text()),
                    None,
                )
            })?;
            intake::read_multipart(&state, &site, form, &owner).await
        } else {
            let body = Bytes::from_request(req, &state)
                .await
                .map_err(|_| (Draft::default(), intake::too_large(), None))?;
            intake::Read::fields(crate::onestop::pages::form_pairs(&body))
        };
        let draft = Draft::from_pairs(&read.pairs);
        let checked =
            intake::check(&state, &site, &draft, intake::citizen_of(session.as_ref())).await;
        // Files are recorded only for a complaint that is received; a refused one keeps nothing.
        // A refused file is told with the problems of the fields, if any.
        let checked = match (checked, read.refused.take()) {
            (Ok(checked), None) => checked,
            (Ok(_), Some(file)) => {
                read.discard(&state).await;
                return Err((draft, file, None));
            }
            (Err(problems), refusal) => {
                read.discard(&state).await;
                return Err(match refusal {
                    Some(file) => (draft, file, Some(problems)),
                    None => (draft, problems, None),
                });
            }
        };
        let uploads = read
            .record(&state)
            .await
            .map_err(|f| (draft.clone(), f, None))?;
        intake::store(&state, &site, checked, uploads, &owner)
            .await
            .map_err(|f| (draft, f, None))
    }
    .await;
    match outcome {
        Ok(c) => {
            Redirect::to(&format!("{}?sent=1", track_path(site.lang, &c.code))).into_response()
        }
        Err((draft, failure, problems)) => {
            let mut page = form_page(&state, &site, &headers, session.as_ref(), draft);
            for f in [Some(&failure), problems.as_ref()].into_iter().flatten() {
                show_failure(&mut page, site.lang, f);
            }
            let response = crate::pages::no_store((failure.status, render(&page)).into_response());
            failure.with_headers(response)
        }
    }
}

/// The form again with `failure` above it and `draft` in its fields.
fn refused(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: Option<&Session>,
    draft: Draft,
    failure: Failure,
) -> Response {
    let mut page = form_page(state, site, headers, session, draft);
    show_failure(&mut page, site.lang, &failure);
    let response = crate::pages::no_store((failure.status, render(&page)).into_response());
    failure.with_headers(response)
}

/// Shows `failure` on the form: the problems of its fields listed, anything else above it.
fn show_failure(page: &mut FormPage, lang: Lang, failure: &Failure) {
    match failure.details.as_deref() {
        Some(Details::Fields(fields)) => page.problems.extend(
            fields
                .iter()
                .map(|f| (f.field.clone(), f.message.get(lang).to_owned())),
        ),
        _ => page.error = Some(failure.message.get(lang).to_owned()),
    }
}

/// The query of the code-finding path.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FindQuery {
    #[serde(default)]
    code: String,
}

/// `GET /phan-anh-kien-nghi/theo-doi?code=`: to the code's tracking page.
pub(crate) async fn find(site: Site, uri: Uri, Query(q): Query<FindQuery>) -> Response {
    if let Some(r) = this_language(&site, &uri) {
        return r;
    }
    match complaints::parse_code(&q.code) {
        Some(code) => Redirect::to(&track_path(site.lang, &code)).into_response(),
        None => Redirect::to(&format!("{}#track", form_path(site.lang))).into_response(),
    }
}

/// What the tracking page shows of a complaint.
struct Shown {
    kind: &'static str,
    subject: String,
    status: &'static str,
    received: String,
    answer_by: String,
    division: String,
    forwards: Vec<String>,
    files: Vec<String>,
    text: String,
    answer: Option<(String, String)>,
    closed: Option<String>,
}

#[derive(Template)]
#[template(path = "complaints/track.html")]
struct TrackPage {
    page: PageCtx,
    l: &'static ComplaintLabels,
    code: String,
    form_path: &'static str,
    csrf: Option<String>,
    contact: String,
    sent: bool,
    /// Where the contact form is sent (with the code in the body).
    find: &'static str,
    shown: Option<Shown>,
    error: Option<String>,
}

fn shown(site: &Site, v: &Value) -> Shown {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let time = |v: &Value| {
        v.as_str()
            .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
            .map_or_else(String::new, |t| local_time(site, t))
    };
    let lang = site.lang;
    Shown {
        kind: kind_label(v["kind"]["code"].as_str().unwrap_or_default(), lang),
        subject: s(&v["subject"]["label"]),
        status: super::status_label(v["status"]["code"].as_str().unwrap_or_default(), lang),
        received: time(&v["received_at"]),
        answer_by: time(&v["answer_by"]),
        division: s(&v["division"]["name"]),
        forwards: v["forwards"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| format!("{} → {} ({})", s(&f["from"]), s(&f["to"]), time(&f["at"])))
                    .collect()
            })
            .unwrap_or_default(),
        files: v["attachments"]
            .as_array()
            .map(|a| a.iter().map(|f| s(&f["file_name"])).collect())
            .unwrap_or_default(),
        text: s(&v["text"]),
        answer: v["answer"]
            .is_object()
            .then(|| (time(&v["answer"]["at"]), s(&v["answer"]["text"]))),
        closed: v["closed_at"].is_string().then(|| time(&v["closed_at"])),
    }
}

fn track_page(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: Option<&Session>,
    code: &str,
) -> TrackPage {
    let lang = site.lang;
    let path = track_path(lang, code);
    TrackPage {
        page: ctx(state, site, headers, &path, &track_path(other(lang), code)),
        l: complaint_labels(lang),
        code: code.to_owned(),
        form_path: form_path(lang),
        csrf: session.and_then(|s| s.csrf.clone()),
        contact: String::new(),
        sent: false,
        find: find_path(lang),
        shown: None,
        error: None,
    }
}

/// The query of the tracking page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TrackQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// `GET /phan-anh-kien-nghi/{code}`.
pub(crate) async fn track(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    uri: Uri,
    Path(code): Path<String>,
) -> Response {
    if let Some(r) = this_language(&site, &uri) {
        return r;
    }
    let code = complaints::parse_code(&code).unwrap_or(code);
    let mut page = track_page(&state, &site, &headers, session.as_ref(), &code);
    page.sent = Query::<TrackQuery>::try_from_uri(&uri)
        .ok()
        .and_then(|q| q.0.sent)
        .is_some();
    // The citizen who sent it, signed in, needs no contact; anyone else is asked for it.
    let owned = super::api::owned(&state, &site, session.as_ref(), &code).await;
    page.shown = owned.ok().map(|v| shown(&site, &v));
    crate::pages::no_store(render(&page))
}

/// `POST /phan-anh-kien-nghi/{code}` with `contact`.
pub(crate) async fn track_post(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    client: ClientIp,
    session: Option<Session>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let (session, code) = (session.as_ref(), Some(code.as_str()));
    looked_up(&state, &site, &headers, &client, session, code, &body).await
}

/// `POST /phan-anh-kien-nghi/theo-doi` with `code` and `contact`.
pub(crate) async fn find_post(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    client: ClientIp,
    session: Option<Session>,
    body: Bytes,
) -> Response {
    let session = session.as_ref();
    looked_up(&state, &site, &headers, &client, session, None, &body).await
}

/// The tracking page of `code` (`None`: the form's `code` field) with where it stands for the
/// form's `contact`, or why not.
async fn looked_up(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    client: &ClientIp,
    session: Option<&Session>,
    code: Option<&str>,
    body: &[u8],
) -> Response {
    let pairs = crate::onestop::pages::form_pairs(body);
    let code = code.map_or_else(
        || {
            crate::onestop::pages::field(&pairs, "code")
                .unwrap_or_default()
                .trim()
                .chars()
                .take(40)
                .collect::<String>()
        },
        str::to_owned,
    );
    let code = complaints::parse_code(&code).unwrap_or(code);
    let mut page = track_page(state, site, headers, session, &code);
    if session.is_none() && !crate::session::csrf::same_origin(headers, state.config.https) {
        let f = crate::session::csrf::cross_site();
        page.error = Some(f.message.get(site.lang).to_owned());
        return crate::pages::no_store((f.status, render(&page)).into_response());
    }
    let contact = crate::onestop::pages::field(&pairs, "contact")
        .unwrap_or_default()
        .to_owned();
    page.contact.clone_from(&contact);
    match super::api::tracked(state, site, client, &code, &contact).await {
        Ok(v) => {
            page.shown = Some(shown(site, &v));
            crate::pages::no_store(render(&page))
        }
        Err(f) => {
            page.error = Some(f.message.get(site.lang).to_owned());
            let response = crate::pages::no_store((f.status, render(&page)).into_response());
            f.with_headers(response)
        }
    }
}

/// A published answer on the list.
struct PublishedRow {
    code: String,
    kind: &'static str,
    subject: String,
    received: String,
    text: String,
    answered: String,
    answer: String,
}

#[derive(Template)]
#[template(path = "complaints/published.html")]
struct PublishedPage {
    page: PageCtx,
    l: &'static ComplaintLabels,
    form_path: &'static str,
    rows: Vec<PublishedRow>,
}

/// `GET /phan-anh-kien-nghi/tra-loi`.
pub(crate) async fn published(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Some(r) = this_language(&site, &uri) {
        return r;
    }
    let lang = site.lang;
    let rows = match complaints::list(
        &state.store,
        site.tenant.id,
        &ListQuery {
            published: true,
            limit: 100,
            ..ListQuery::default()
        },
    )
    .await
    {
        Ok(rows) => rows,
        Err(e) => return crate::accounts::pages::failure(&state, &site, &headers, e.into()),
    };
    let page = PublishedPage {
        page: ctx(
            &state,
            &site,
            &headers,
            published_path(lang),
            published_path(other(lang)),
        ),
        l: complaint_labels(lang),
        form_path: form_path(lang),
        rows: rows
            .iter()
            .map(|c| PublishedRow {
                code: c.code.clone(),
                kind: kind_label(&c.kind, lang),
                subject: public_subject_label(&site, c),
                received: local_time(&site, c.received_at),
                text: c.text.clone(),
                answered: c
                    .answer
                    .as_ref()
                    .map_or_else(String::new, |a| local_time(&site, a.at)),
                answer: c
                    .answer
                    .as_ref()
                    .map(|a| a.text.clone())
                    .unwrap_or_default(),
            })
            .collect(),
    };
    render(&page)
}
