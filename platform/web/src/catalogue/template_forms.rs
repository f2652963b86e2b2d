//! The template forms (mẫu đơn, tờ khai) of a procedure's documents, downloaded from its page:
//! `/thu-tuc/{code}/mau/{file}` and `/procedures/{code}/templates/{file}`.
//!
//! Only a file that a document of the procedure's current version names is served, so the
//! address space is the procedures' own. The file is always a download, never rendered in the
//! portal's origin, and is revalidated by its content hash.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;
use motcua_store::tenants;

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;

/// The address of a template form on the procedure `code`'s page.
pub(crate) fn template_path(lang: Lang, code: &str, file_name: &str) -> String {
    match lang {
        Lang::Vi => format!("/thu-tuc/{code}/mau/{file_name}"),
        Lang::En => format!("/procedures/{code}/templates/{file_name}"),
    }
}

/// The template form `file_name` that a document of the procedure names, if one does.
fn named<'p>(
    p: &'p ProcedureInfo,
    file_name: &str,
) -> Option<&'p motcua_core::tenant::TemplateFile> {
    p.cases
        .iter()
        .flat_map(|c| &c.documents)
        .filter_map(|d| d.template_file.as_deref())
        .find(|f| f.file_name() == file_name)
}

/// `GET` a template form.
pub(super) async fn download(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    Path((code, file_name)): Path<(String, String)>,
) -> Response {
    let Some(file) = site
        .tenant
        .procedure(&code)
        .and_then(|live| named(live.info(), &file_name).cloned())
    else {
        return crate::pages::not_found(State(state), site, headers).await;
    };
    let stored = match tenants::template(&state.store, site.tenant.id, file.path()).await {
        Ok(Some(stored)) => stored,
        Ok(None) => {
            // Applying a tenant stores every file its procedures name: this is lost data.
            tracing::error!(template = %file, "a procedure names a template form that is not stored");
            return crate::pages::not_found(State(state), site, headers).await;
        }
        Err(e) => {
            return crate::accounts::pages::failure(
                &state,
                &site,
                &headers,
                Failure::unavailable(&e),
            );
        }
    };
    let etag = format!("\"{}\"", stored.sha256);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let common = [
        (
            header::ETAG,
            HeaderValue::from_str(&etag).expect("a hex hash is a header value"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let media_type = HeaderValue::from_str(&stored.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        common,
        [
            (header::CONTENT_TYPE, media_type),
            (
                header::CONTENT_DISPOSITION,
                crate::api::documents::content_disposition(file.file_name()),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        stored.bytes,
    )
        .into_response()
}
