//! A dossier's documents: `GET /api/v1/dossiers/{code}/documents` lists them,
//! `GET /api/v1/dossiers/{code}/documents/{sha256}` downloads one.
//!
//! Who may: officials (and API tokens) holding `dossier:view` in the division that handles the
//! dossier's procedure or in the desk that receives it, and the citizen who owns the dossier (the
//! identity number of their sign-in is the applicant's). Anything else of the host's tenant is
//! refused; a dossier or document of another tenant, or that does not exist, is a 404 that tells
//! nothing, and so is another citizen's dossier. The owner gets what was filed by them or for
//! them (the documents, supplements, results); officials' working papers (handling documents)
//! are not theirs: listed to officials only, and a 404 to the owner like any unknown file.
//!
//! A download is always `Content-Disposition: attachment` with the type detected at upload and
//! `X-Content-Type-Options: nosniff`: a document is never rendered in the platform's origin.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_authz::{Action, Object, Permission};
use motcua_core::codes::DossierCode;
use motcua_store::attachments::{self, Document};
use motcua_store::blobs::ContentHash;
use motcua_store::dossiers::{self, Dossier};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::session::Principal;

fn not_found(guard: &Guard) -> ApiError {
    ApiError(
        guard.site.lang,
        Failure::not_found(Msg::new(
            "Không tìm thấy hồ sơ hoặc tài liệu này.",
            "There is no such dossier or document.",
        )),
    )
}

/// Whether a caller sees a document: officials see all, the owner all but working papers.
fn shown(d: &Document, as_owner: bool) -> bool {
    !(as_owner && d.kind == attachments::DocumentKind::Handling)
}

/// The dossier `code` of the host's tenant, if the caller may see its documents, and whether
/// they see it as its owner (a citizen) rather than as an official.
async fn visible_dossier(
    state: &AppState,
    guard: &Guard,
    code: &str,
) -> Result<(Dossier, bool), ApiError> {
    let lang = guard.site.lang;
    let tenant = &guard.site.tenant;
    let view = Permission::new(Object::Dossier, Action::View);
    let citizen = match &guard.principal {
        Principal::Citizen(c) => Some(c),
        _ => None,
    };
    // Who may view no dossier at all is refused before anything about this one is told.
    let anywhere = guard.may(view, None)
        || tenant
            .manifest
            .divisions
            .iter()
            .any(|d| guard.may(view, Some(d.key.as_str())));
    if !anywhere && citizen.is_none() {
        guard.require(Object::Dossier, Action::View, None)?;
    }
    let code: DossierCode = code.parse().map_err(|_| not_found(guard))?;
    let dossier = dossiers::find(&state.store, tenant.id, &code)
        .await
        .map_err(|e| ApiError(lang, e.into()))?
        .ok_or_else(|| not_found(guard))?;
    let divisions: Vec<String> = match tenant.procedure(&dossier.procedure_code) {
        Some(live) => {
            let info = live.info();
            vec![
                info.division.as_str().to_owned(),
                info.desk(&tenant.manifest).key.as_str().to_owned(),
            ]
        }
        None => Vec::new(),
    };
    if divisions.iter().any(|d| guard.may(view, Some(d))) || guard.may(view, None) {
        return Ok((dossier, false));
    }
    if let Some(citizen) = citizen {
        return match citizen.citizen_id.as_deref() {
            Some(own) if crate::my_dossiers::is_applicant(&dossier, own) => Ok((dossier, true)),
            // Another citizen's dossier is none of theirs, not even its existence.
            _ => Err(not_found(guard)),
        };
    }
    guard.require(
        Object::Dossier,
        Action::View,
        divisions.first().map(String::as_str),
    )?;
    Ok((dossier, false))
}

/// Where a document of dossier `code` is downloaded.
pub(crate) fn href(code: &str, d: &Document) -> String {
    format!("/api/v1/dossiers/{code}/documents/{}", d.sha256)
}

/// A document of dossier `code` as the API lists it.
pub(crate) fn document_json(code: &str, d: &Document) -> Value {
    let (kind, document_code) = match &d.kind {
        attachments::DocumentKind::Required(c) => ("document", Some(c.as_str())),
        other => (other.as_str(), None),
    };
    json!({
        "kind": kind,
        "code": document_code,
        "sha256": d.sha256.to_string(),
        "file_name": d.file_name,
        "size": d.size,
        "content_type": d.content_type,
        "attached_at": d.attached_at,
        "href": href(code, d),
    })
}

/// `GET /api/v1/dossiers/{code}/documents`.
pub(super) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (dossier, as_owner) = visible_dossier(&state, &guard, &code).await?;
    let documents = attachments::documents(&state.store, guard.site.tenant.id, dossier.id)
        .await
        .map_err(|e| ApiError(guard.site.lang, e.into()))?;
    let code = dossier.code.to_string();
    Ok(Json(json!({
        "dossier": code,
        "documents": documents
            .iter()
            .filter(|d| shown(d, as_owner))
            .map(|d| document_json(&code, d))
            .collect::<Vec<_>>(),
    })))
}

/// `attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` (RFC 6266): the ASCII
/// form for old clients, the exact name for the others.
pub(crate) fn content_disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact = crate::pages::urlencode(name);
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// `GET /api/v1/dossiers/{code}/documents/{sha256}`: the file, streamed.
pub(super) async fn download(
    State(state): State<AppState>,
    guard: Guard,
    Path((code, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let lang = guard.site.lang;
    let (dossier, as_owner) = visible_dossier(&state, &guard, &code).await?;
    let hash: ContentHash = sha256.parse().map_err(|_| not_found(&guard))?;
    let tenant = guard.site.tenant.id;
    let document = attachments::document(&state.store, tenant, dossier.id, &hash)
        .await
        .map_err(|e| ApiError(lang, e.into()))?
        .filter(|d| shown(d, as_owner))
        .ok_or_else(|| not_found(&guard))?;
    attachment(
        &state,
        lang,
        tenant,
        &hash,
        &document.file_name,
        &document.content_type,
    )
    .await
    .inspect_err(|_| tracing::error!(dossier = %dossier.code, "a document's blob cannot be read"))
}

/// The stored file `hash` of `tenant` as a download named `file_name`, streamed: always an
/// attachment, never rendered in the platform's origin, never cached.
pub(crate) async fn attachment(
    state: &AppState,
    lang: motcua_core::lang::Lang,
    tenant: motcua_store::TenantId,
    hash: &ContentHash,
    file_name: &str,
    content_type: &str,
) -> Result<Response, ApiError> {
    let read = state.blobs.read(tenant, hash).await.map_err(|e| {
        // A file's row is written only for a stored blob: this is lost data, not a 404.
        tracing::error!(blob = %hash, error = %e, "a stored file cannot be read");
        ApiError(lang, Failure::unavailable(&e))
    })?;
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_LENGTH, HeaderValue::from(read.size)),
            (header::CONTENT_DISPOSITION, content_disposition(file_name)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        Body::from_stream(read.stream),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn file_names_reach_old_and_new_clients() {
        assert_eq!(
            content_disposition("Đơn đề nghị.pdf"),
            "attachment; filename=\"__n __ ngh_.pdf\"; filename*=UTF-8''%C4%90%C6%A1n%20%C4%91%E1%BB%81%20ngh%E1%BB%8B.pdf"
        );
        assert_eq!(
            content_disposition("a\"b.pdf"),
            "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"
        );
    }
}
