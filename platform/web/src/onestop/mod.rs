//! The internal one-stop system of Art. 17, on each tenant's staff host
//! (`motcua.<name>.gov.vn`): officials receive dossiers at the desk, work through their inbox,
//! act on each dossier's current step, and print the Circular's forms.
//!
//! Every route here is guarded: an official's policy (casbin roles in divisions) decides which
//! kinds of dossier work they may do, and each procedure's workflow decides which role acts at
//! each step (see [`official`]).

mod accountability;
mod api;
pub(crate) mod attachments;
mod desk;
mod exchange;
mod inbox;
mod notes;
mod notifications;
mod official;
pub(crate) mod pages;
mod print;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The one-stop JSON API, nested under `/api` on every tenant host.
pub(crate) fn api_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/onestop/desk" [post] => post(desk::receive),
        "/v1/onestop/inbox" [get] => get(inbox::list),
        "/v1/onestop/dossiers/{code}" [get] => get(api::show),
        "/v1/onestop/dossiers/{code}/commands" [post] => post(api::command),
        "/v1/onestop/dossiers/{code}/exchange" [get] => get(exchange::list),
        "/v1/onestop/accountability" [get] => get(accountability::list),
        "/v1/onestop/accountability/{id}" [get] => get(accountability::show),
        "/v1/onestop/accountability/{id}/acknowledge" [post] => post(accountability::acknowledge),
        "/v1/onestop/accountability/{id}/explain" [post] => post(accountability::explain),
        "/v1/onestop/accountability/{id}/extend" [post] => post(accountability::extend),
        "/v1/onestop/notifications" [get] => get(notifications::list),
        "/v1/onestop/notifications/{id}/read" [post] => post(notifications::mark_read),
    }
}

/// The one-stop system's pages, on the staff host only. Guarded like the API (a page that
/// answers without asking the guard fails closed), but not walked by the route-walking tests,
/// which cover `/api`.
pub(crate) fn page_routes() -> Router<AppState> {
    let (router, _) = crate::guard::guarded_routes! {
        "/" [get] => get(pages::inbox),
        "/ho-so/{code}" [get] => get(pages::show),
        "/ho-so/{code}/thao-tac" [post] => post(pages::command)
            .layer(axum::extract::DefaultBodyLimit::max(pages::FORM_WITH_FILES)),
        "/tiep-nhan" [get] => get(pages::desk_home),
        "/giai-trinh" [get] => get(accountability::pages::list),
        "/giai-trinh/{id}" [get] => get(accountability::pages::show),
        "/giai-trinh/{id}/thao-tac" [post] => post(accountability::pages::act),
        "/tiep-nhan/{procedure}" [get, post] => get(pages::desk_form)
            .post(pages::desk_submit)
            .layer(axum::extract::DefaultBodyLimit::max(pages::FORM_WITH_FILES)),
    };
    router
}

/// The printable forms, on the staff host (fail closed like the pages).
pub(crate) fn print_routes() -> Router<AppState> {
    let (router, _) = crate::guard::guarded_routes! {
        "/ho-so/{code}/mau-01" [get] => get(print::form_01),
        "/ho-so/{code}/mau-02" [get] => get(print::form_02),
        "/ho-so/{code}/mau-03" [get] => get(print::form_03),
        "/ho-so/{code}/mau-04" [get] => get(print::form_04),
        "/ho-so/{code}/mau-05" [get] => get(print::form_05),
        "/so-theo-doi" [get] => get(print::ledger),
    };
    router
}
