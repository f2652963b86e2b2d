//! The public JSON API of complaints, on the portal and one-stop hosts of each tenant:
//!
//! - `POST /api/v1/complaints`: a JSON body `{"kind", "about", "procedure" | "division" |
//!   "dossier", "name", "phone", "email", "address", "text"}`, or the same fields as
//!   `multipart/form-data` with up to three files; 201 with the tracking code. Anyone may send
//!   (a signed-in citizen is recorded as the sender); rate limited per client;
//! - `POST /api/v1/complaints/track` `{"code", "contact"}`: the complaint for whoever holds its
//!   code and the telephone number or e-mail address given with it (404 otherwise, the two cases
//!   not told apart); rate limited per client like the public lookup. The contact goes in the
//!   body, never in an address, where logs and histories would keep it;
//! - `GET /api/v1/complaints/{code}`: the complaint for the signed-in citizen who sent it (404
//!   for anyone else); a `contact` in its query is refused with 400 `contact_in_query`, naming
//!   the `POST` to use;
//! - `GET /api/v1/complaints?published=true`: the published answers, newest first.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_store::complaints::{self, ListQuery};
use serde::Deserialize;
use serde_json::{Value, json};

use super::intake::{self, Draft};
use super::{local_time, not_found, public_json, published_json};
use crate::AppState;
use crate::client::ClientIp;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::Session;

/// `POST /api/v1/complaints`.
pub(crate) async fn send(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    session: Option<Session>,
    req: Request,
) -> Result<Response, ApiError> {
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    state
        .rate_limit("complaint", &client, state.config.submit_per_minute)
        .await
        .map_err(fail)?;
    intake::check_length(req.headers()).map_err(fail)?;
    let owner = intake::upload_owner().map_err(fail)?;
    let (draft, mut read) = if crate::api::is_multipart(req.headers()) {
        let form = Multipart::from_request(req, &state)
            .await
            .map_err(|e| fail(intake::bad_multipart(&e.body_text())))?;
        let read = intake::read_multipart(&state, &site, form, &owner).await;
        (Draft::from_pairs(&read.pairs), read)
    } else {
        let crate::api::ApiJson(draft) =
            crate::api::ApiJson::<Draft>::from_request(req, &state).await?;
        (trimmed(draft), intake::Read::fields(Vec::new()))
    };
    // Files are recorded only for a complaint that is received (a refused file is told first).
    let citizen = intake::citizen_of(session.as_ref());
    let checked = intake::check(&state, &site, &draft, citizen).await;
    let checked = match (read.refused.take(), checked) {
        (None, Ok(checked)) => checked,
        (Some(f), _) | (None, Err(f)) => {
            read.discard(&state).await;
            return Err(fail(f));
        }
    };
    let uploads = read.record(&state).await.map_err(fail)?;
    let c = intake::store(&state, &site, checked, uploads, &owner)
        .await
        .map_err(fail)?;
    let (forwards, files) = complaints::details(&state.store, site.tenant.id, c.id)
        .await
        .map_err(|e| fail(e.into()))?;
    let mut body = public_json(&site, &c, &forwards, &files);
    body["track"] = json!(format!(
        "{}/{}",
        site.lang.pick("/phan-anh-kien-nghi", "/feedback"),
        c.code
    ));
    body["answer_by_local"] = json!(local_time(&site, c.answer_by));
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// A JSON draft with its fields trimmed, as a form's are.
fn trimmed(d: Draft) -> Draft {
    let t = |s: String| s.trim().to_owned();
    Draft {
        kind: t(d.kind),
        about: t(d.about),
        procedure: t(d.procedure),
        division: t(d.division),
        dossier: t(d.dossier),
        name: t(d.name),
        phone: t(d.phone),
        email: t(d.email),
        address: t(d.address),
        text: t(d.text),
    }
}

/// The body of `POST /api/v1/complaints/track`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrackBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    contact: String,
}

/// The complaint `code` of the host's tenant if `contact` is its sender's, with its forwardings
/// and files; 404 otherwise. Rate limited per client.
pub(crate) async fn tracked(
    state: &AppState,
    site: &Site,
    client: &ClientIp,
    code: &str,
    contact: &str,
) -> Result<Value, Failure> {
    state
        .rate_limit("complaint_track", client, state.config.lookup_per_minute)
        .await?;
    shown_to(state, site, code, |c| super::contact_matches(c, contact)).await
}

/// The complaint `code` of the host's tenant for the signed-in citizen of `session` who sent
/// it, with its forwardings and files; 404 for anyone else.
pub(crate) async fn owned(
    state: &AppState,
    site: &Site,
    session: Option<&Session>,
    code: &str,
) -> Result<Value, Failure> {
    let Some((subject, _)) = intake::citizen_of(session) else {
        return Err(not_found());
    };
    shown_to(state, site, code, |c| {
        c.sender.citizen.as_deref() == Some(subject.as_str())
    })
    .await
}

/// The complaint `code` of the host's tenant with its forwardings and files, if `may_see` lets
/// the caller see it; 404 otherwise, a code that does not exist and one that is not theirs not
/// told apart.
async fn shown_to(
    state: &AppState,
    site: &Site,
    code: &str,
    may_see: impl FnOnce(&complaints::Complaint) -> bool,
) -> Result<Value, Failure> {
    let Some(code) = complaints::parse_code(code) else {
        return Err(not_found());
    };
    let c = complaints::find(&state.store, site.tenant.id, &code)
        .await?
        .filter(may_see)
        .ok_or_else(not_found)?;
    let (forwards, files) = complaints::details(&state.store, site.tenant.id, c.id).await?;
    Ok(public_json(site, &c, &forwards, &files))
}

/// `POST /api/v1/complaints/track` `{"code", "contact"}`.
pub(crate) async fn track_post(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    crate::api::ApiJson(q): crate::api::ApiJson<TrackBody>,
) -> Result<Response, ApiError> {
    let body = tracked(&state, &site, &client, &q.code, &q.contact)
        .await
        .map_err(|f| ApiError(site.lang, f))?;
    Ok(crate::pages::no_store(Json(body).into_response()))
}

/// `GET /api/v1/complaints/{code}`: for the signed-in citizen who sent it.
pub(crate) async fn track(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    session: Option<Session>,
    Path(code): Path<String>,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let in_query = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .any(|(k, _)| k == "contact");
    if in_query {
        return Err(fail(Failure::new(
            StatusCode::BAD_REQUEST,
            "contact_in_query",
            Msg::new(
                "Không gửi thông tin liên hệ trên địa chỉ: hãy gửi mã số và thông tin liên hệ trong nội dung của POST /api/v1/complaints/track.",
                "Do not send the contact in the address: send the code and the contact in the body of POST /api/v1/complaints/track.",
            ),
        )));
    }
    state
        .rate_limit("complaint_track", &client, state.config.lookup_per_minute)
        .await
        .map_err(fail)?;
    let body = owned(&state, &site, session.as_ref(), &code)
        .await
        .map_err(fail)?;
    Ok(crate::pages::no_store(Json(body).into_response()))
}

/// The query of `GET /api/v1/complaints`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListParams {
    #[serde(default)]
    published: Option<bool>,
    #[serde(default)]
    limit: Option<u64>,
}

/// `GET /api/v1/complaints?published=true`.
pub(crate) async fn published(
    State(state): State<AppState>,
    site: Site,
    Query(q): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    if q.published != Some(true) {
        return Err(fail(Failure::invalid(
            "published_only",
            Msg::new(
                "Chỉ các phản ánh, kiến nghị đã trả lời và công khai mới xem được: hãy gửi published=true.",
                "Only answered and published complaints can be listed: send published=true.",
            ),
        )));
    }
    let rows = complaints::list(
        &state.store,
        site.tenant.id,
        &ListQuery {
            published: true,
            limit: q.limit.unwrap_or(50),
            ..ListQuery::default()
        },
    )
    .await
    .map_err(|e| fail(e.into()))?;
    Ok(Json(json!({
        "rows": rows.iter().map(|c| published_json(&site, c)).collect::<Vec<_>>(),
    })))
}
