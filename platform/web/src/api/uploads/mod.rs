//! `POST /api/v1/uploads?procedure=<code>`: a file for a dossier of that procedure, before the
//! dossier is submitted or moved (which then attaches it by its id).
//!
//! Rules kept here:
//! - any signed-in caller of the host's tenant may upload (citizens, officials, API tokens;
//!   platform operators handle no dossier); the upload belongs to them, and only they can attach
//!   it;
//! - the body is either the file itself (`?name=` gives its name) or `multipart/form-data` with
//!   one file part, as a form without JavaScript sends it; either way it is streamed to the blob
//!   store, never held whole in memory;
//! - the procedure's limits hold while reading: past its size the upload stops with 413 and
//!   nothing is kept; a type it does not accept, read from the first bytes and never from the
//!   name or the client's `Content-Type`, is refused with 415 before anything is written.

mod ingest;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use motcua_workflow::attachments::Rules;
use serde_json::json;

pub(crate) use self::ingest::Staging;
use self::ingest::{Target, multipart_failure, too_large, unreadable};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{Principal, Session};

/// What a multipart body may carry besides the file (boundaries, headers, a CSRF field).
pub(crate) const MULTIPART_OVERHEAD: usize = 64 << 10;
/// Uploads one caller may make per minute.
const PER_MINUTE: u32 = 60;

/// Who owns an upload, as [`attachments::Attach::by`] names them; `None` for callers who may
/// not upload here.
pub(crate) fn owner(principal: &Principal, site: &Site) -> Option<String> {
    let tenant = site.tenant.id;
    match principal {
        Principal::Official {
            tenant: own,
            account,
            ..
        } if *own == tenant => Some(motcua_authz::subject(*account)),
        Principal::Token {
            tenant: own, token, ..
        } if *own == tenant => Some(format!("token:{token}")),
        Principal::Citizen(c) => Some(format!("citizen:{}", c.subject)),
        _ => None,
    }
}

/// Stores one file part of a page's `multipart/form-data` form as an upload of `owner` for the
/// procedure `procedure`, held to `rules` exactly as `POST /api/v1/uploads` holds a file: the
/// staff pages take scans and results in the form that uses them, and attach the uploads in the
/// transaction that receives or moves the dossier.
pub(crate) async fn store_part(
    state: &AppState,
    site: &Site,
    owner: String,
    procedure: String,
    rules: Rules,
    part: axum::extract::multipart::Field<'_>,
) -> Result<motcua_store::attachments::Upload, Failure> {
    let staging = stage_part(state, site, owner, procedure, rules, part).await?;
    record_staged(state, staging).await
}

/// Checks one file part like [`store_part`] and stages it, recording nothing: a form that checks
/// its other fields first records it with [`record_staged`] only once they pass, or lets it go
/// with [`discard_staged`].
pub(crate) async fn stage_part(
    state: &AppState,
    site: &Site,
    owner: String,
    procedure: String,
    rules: Rules,
    part: axum::extract::multipart::Field<'_>,
) -> Result<Staging, Failure> {
    let name = part.file_name().map(str::to_owned);
    let target = Target {
        state,
        site,
        owner,
        procedure,
        rules,
    };
    let chunks = std::pin::pin!(part.map(|c| c.map_err(multipart_failure)));
    target.stage(chunks, name).await
}

/// Records a file staged by [`stage_part`] as an upload (of the owner and procedure it was
/// staged for).
pub(crate) async fn record_staged(
    state: &AppState,
    staging: Staging,
) -> Result<motcua_store::attachments::Upload, Failure> {
    ingest::record(state, staging).await
}

/// Lets files staged by [`stage_part`] go.
pub(crate) async fn discard_staged(state: &AppState, staged: Vec<Staging>) {
    for s in staged {
        ingest::discard(state, s).await;
    }
}

pub(crate) fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
        })
}

/// The query of an upload.
#[derive(Debug, serde::Deserialize)]
pub(super) struct UploadQuery {
    /// The procedure's national code.
    procedure: String,
    /// The file's name, for a raw body.
    #[serde(default)]
    name: Option<String>,
}

/// `POST /api/v1/uploads?procedure=<code>[&name=<file name>]`: 201 with the upload's id.
pub(super) async fn upload(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    req: Request,
) -> Result<Response, ApiError> {
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let owner =
        owner(&session.principal, &site).ok_or_else(|| fail(crate::session::forbidden()))?;
    let axum::extract::Query(query) = axum::extract::Query::<UploadQuery>::try_from_uri(req.uri())
        .map_err(|e| {
            fail(Failure::invalid(
                "invalid_query",
                Msg::new(
                    format!(
                        "Cần ghi mã thủ tục: ?procedure=1.001193 ({})",
                        e.body_text()
                    ),
                    format!(
                        "Name the procedure: ?procedure=1.001193 ({})",
                        e.body_text()
                    ),
                ),
            ))
        })?;
    state
        .rate_limit_key("upload", &owner, PER_MINUTE)
        .await
        .map_err(fail)?;
    let procedure = site.tenant.procedure(&query.procedure).ok_or_else(|| {
        fail(Failure::invalid(
            "unknown_procedure",
            Msg::new(
                format!("Không có thủ tục mã {}.", query.procedure),
                format!("There is no procedure with code {}.", query.procedure),
            ),
        ))
    })?;
    let rules = Rules::of(&procedure.procedure.file);
    let target = Target {
        state: &state,
        site: &site,
        owner,
        procedure: query.procedure.clone(),
        rules,
    };
    let multipart = is_multipart(req.headers());
    // A body announced larger than the limit is refused before a byte is read.
    let slack = if multipart {
        MULTIPART_OVERHEAD as u64
    } else {
        0
    };
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > target.rules.max_file_size + slack) {
        return Err(fail(too_large(Some(target.rules.max_file_size))));
    }
    let stored = if multipart {
        let mut form = Multipart::from_request(req, &state).await.map_err(|e| {
            let detail = e.body_text();
            fail(Failure::new(
                StatusCode::BAD_REQUEST,
                "invalid_multipart",
                Msg::new(
                    format!("Nội dung gửi lên không đúng dạng multipart/form-data: {detail}"),
                    format!("The body is not valid multipart/form-data: {detail}"),
                ),
            ))
        })?;
        loop {
            let field = form
                .next_field()
                .await
                .map_err(|e| fail(multipart_failure(e)))?;
            let Some(field) = field else {
                return Err(fail(Failure::new(
                    StatusCode::BAD_REQUEST,
                    "no_file",
                    Msg::new(
                        "Không có tệp nào trong nội dung gửi lên.",
                        "The request carries no file.",
                    ),
                )));
            };
            // Fields other than the file (a CSRF token, say) are skipped.
            let Some(name) = field.file_name().map(str::to_owned) else {
                continue;
            };
            let chunks = std::pin::pin!(field.map(|c| c.map_err(multipart_failure)));
            break target.ingest(chunks, Some(name)).await;
        }
    } else {
        let chunks = req
            .into_body()
            .into_data_stream()
            .map(|c| c.map_err(|_| unreadable()));
        target
            .ingest(std::pin::pin!(chunks), query.name.clone())
            .await
    }
    .map_err(fail)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": stored.id.as_str(),
            "sha256": stored.sha256.to_string(),
            "size": stored.size,
            "content_type": stored.meta.content_type,
            "file_name": stored.meta.file_name,
            "expires_at": stored.meta.expires_at,
        })),
    )
        .into_response())
}
