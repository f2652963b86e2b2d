//! The exchange with the national public service portal (Art. 16.2.c and i, Art. 18): the
//! inbound side, through which the portal forwards the dossiers applicants submitted there.
//!
//! `POST /api/v1/integration/national-portal/dossiers` on the tenant's hosts, with an API token
//! of the tenant carrying the scope `national-portal`
//! ([`crate::accounts::tokens::NATIONAL_PORTAL`]). Rules kept here:
//! - everything is said in the portal's own shape ([`mapping`]): `error_code` `00` on success,
//!   another code and a message in Vietnamese (and English) otherwise, even when the token is
//!   refused before the handler runs ([`refused`], called by the authentication middleware);
//! - a forward is checked like an online submission ([`crate::api::check_submission`]) and
//!   stored through [`crate::handling::submit_forwarded`] with the channel `national_portal`;
//!   the national dossier code is kept on the dossier, unique per tenant, so that a forward
//!   repeated, even twice at once, gives the same dossier;
//! - files are uploads made beforehand with the same token (`POST /api/v1/uploads`), held there
//!   to the procedure's size and type limits, and attached in the transaction that stores the
//!   dossier: a refused forward attaches nothing and its uploads stay for a corrected one until
//!   they expire;
//! - every message an authenticated sender sends is logged with the sha256 of its payload and
//!   the answer given ([`motcua_store::national`]); officials read a dossier's log at
//!   `GET /api/v1/onestop/dossiers/{code}/exchange`.

pub(crate) mod mapping;
mod receive;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::AppState;
use crate::error::Failure;

/// Where the national portal's messages arrive, under `/api`.
const PREFIX: &str = "/api/v1/integration/national-portal/";

/// The routes of the national portal, nested under `/api` on every tenant host.
pub(crate) fn api_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/integration/national-portal/dossiers" [post] => post(receive::forward),
    }
}

/// Whether a request's path is one of the national portal's, whose answers take its shape.
pub(crate) fn speaks_national(path: &str) -> bool {
    path.starts_with(PREFIX)
}

/// A failure in the national portal's shape, with its HTTP status.
pub(crate) fn refused(failure: &Failure) -> Response {
    let fields: Vec<serde_json::Value> = match failure.details.as_deref() {
        Some(crate::error::Details::Fields(fields)) => fields
            .iter()
            .map(|f| serde_json::json!({ "field": f.field, "code": f.code, "message": f.message.vi, "message_en": f.message.en }))
            .collect(),
        _ => Vec::new(),
    };
    let body = mapping::refused_reply(failure.code, &failure.message, &fields);
    let status = if failure.status.is_success() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        failure.status
    };
    failure.with_headers((status, axum::Json(body)).into_response())
}
