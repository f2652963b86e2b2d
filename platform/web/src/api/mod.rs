//! The JSON API, version 1, served on each tenant's hosts under `/api/v1/`.
//!
//! Every answer concerns the tenant of the host only. Errors use the format of [`crate::error`].

mod admin;
mod admin_plugins;
mod admin_policy;
pub(crate) mod documents;
mod dossiers;
mod procedures;
mod uploads;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::routing::{get, post};
use motcua_core::lang::Lang;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;

pub(crate) use dossiers::{Checked, Submission, check_submission, idempotency_key, lookup, stage};
pub(crate) use uploads::{
    MULTIPART_OVERHEAD, Staging, discard_staged, is_multipart, record_staged, stage_part,
    store_part,
};

/// The routes under `/api` (nested there by the application).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/procedures", get(procedures::list))
        .route("/v1/procedures/{code}", get(procedures::show))
        .route("/v1/dossiers", post(dossiers::submit))
        .route("/v1/dossiers/{code}/status", get(dossiers::status))
        .route(
            "/v1/uploads",
            // The body is streamed and held to the procedure's limit by the handler; the limit
            // here bounds what a multipart body may carry at all.
            post(uploads::upload).layer(axum::extract::DefaultBodyLimit::max(
                motcua_workflow::attachments::MAX_FILE_SIZE as usize + uploads::MULTIPART_OVERHEAD,
            )),
        )
        .merge(document_routes().0)
        .merge(admin_routes().0)
        .fallback(not_found)
}

/// A dossier's documents, for the officials who may view the dossier and its owner
/// ([`documents`]).
pub(crate) fn document_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/dossiers/{code}/documents" [get] => get(documents::list),
        "/v1/dossiers/{code}/documents/{sha256}" [get] => get(documents::download),
    }
}

/// The administration routes: each handler takes a [`crate::guard::Guard`] and asks it, and a
/// success answered without asking is turned into a 500 ([`crate::guard::require_decision`]).
pub(crate) fn admin_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    use axum::routing::put;
    crate::guard::guarded_routes! {
        "/v1/admin/procedures/check" [post] => post(admin::check),
        "/v1/admin/procedures/{code}" [put] => put(admin::publish),
        "/v1/admin/procedures/{code}/versions" [get] => get(admin::versions),
        "/v1/admin/procedures/{code}/diagram.svg" [get] => get(admin::diagram),
        "/v1/admin/plugins" [get] => get(admin_plugins::list),
        "/v1/admin/plugins/{id}/{version}" [put] => put(admin_plugins::publish).layer(
            axum::extract::DefaultBodyLimit::max(admin_plugins::MAX_UPLOAD_BYTES),
        ),
        "/v1/admin/roles" [get] => get(admin_policy::roles),
        "/v1/admin/assignments" [get, post] =>
            get(admin_policy::assignments).post(admin_policy::change),
        "/v1/admin/assignments/history" [get] => get(admin_policy::history),
    }
}

async fn not_found(site: Option<Site>) -> ApiError {
    ApiError(
        site.map_or(Lang::Vi, |s| s.lang),
        Failure::not_found(Msg::new(
            "Không có địa chỉ API này.",
            "There is no such API endpoint.",
        )),
    )
}

/// A JSON body whose rejections follow the API's error format, in the host's language.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let lang = req.extensions().get::<Site>().map_or(Lang::Vi, |s| s.lang);
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError(lang, rejection_failure(&rejection))),
        }
    }
}

/// Reads a JSON body taken as bytes, with [`ApiJson`]'s errors: for handlers that must decide
/// whether the caller may act before telling them anything about what they sent.
pub(crate) fn json_body<T: DeserializeOwned>(lang: Lang, bytes: &[u8]) -> Result<T, ApiError> {
    axum::Json::<T>::from_bytes(bytes)
        .map(|axum::Json(value)| value)
        .map_err(|rejection| ApiError(lang, rejection_failure(&rejection)))
}

fn rejection_failure(rejection: &JsonRejection) -> Failure {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            let detail =
                std::error::Error::source(e).map_or_else(|| e.body_text(), |s| s.to_string());
            Failure::invalid(
                "invalid_body",
                Msg::new(
                    format!("Dữ liệu gửi lên không hợp lệ: {detail}"),
                    format!("The request body is invalid: {detail}"),
                ),
            )
        }
        JsonRejection::JsonSyntaxError(_) => Failure::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            Msg::new(
                "Nội dung gửi lên không phải JSON hợp lệ.",
                "The request body is not valid JSON.",
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Msg::new(
                "Cần gửi với Content-Type: application/json.",
                "Send the body with Content-Type: application/json.",
            ),
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Msg::new(
                "Nội dung gửi lên quá lớn.",
                "The request body is too large.",
            ),
        ),
        other => Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            Msg::new(
                format!("Yêu cầu không hợp lệ: {other}"),
                format!("Bad request: {other}"),
            ),
        ),
    }
}
