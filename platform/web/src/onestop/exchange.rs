//! `GET /api/v1/onestop/dossiers/{code}/exchange`: the messages exchanged with the national
//! public service portal about a dossier, oldest first, each with the sha256 of its payload and
//! the answer given.
//!
//! Officials who may view the dossier see the payloads too; platform operators, who run the
//! tenant but do not read its citizens' dossiers, see everything but the payloads.

use axum::Json;
use axum::extract::{Path, State};
use motcua_authz::{Action, Object};
use motcua_core::codes::DossierCode;
use motcua_store::dossiers::{self, Dossier};
use motcua_store::national::{self, Exchange};
use serde_json::{Value, json};

use super::official::Official;
use super::view;
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::session::Principal;

fn entry(e: &Exchange, with_payload: bool) -> Value {
    let x = &e.entry;
    let mut v = json!({
        "id": e.id,
        "at": x.at,
        "direction": x.direction.as_str(),
        "service": x.service,
        "national_code": x.national_code,
        "caller": x.caller,
        "payload_sha256": x.payload_sha256,
        "error_code": x.error_code,
        "outcome": x.outcome,
        "message": x.message,
    });
    if with_payload {
        v["payload"] = Value::String(x.payload.clone());
    }
    v
}

/// The dossier `code` of the operator's host, without the officials' view checks.
async fn for_operator(state: &AppState, guard: &Guard, code: &str) -> Result<Dossier, ApiError> {
    let site = &guard.site;
    let not_found = || {
        ApiError(
            site.lang,
            Failure::not_found(Msg::new(
                format!("Không tìm thấy hồ sơ mã {code}."),
                format!("No dossier has the code {code}."),
            )),
        )
    };
    let parsed: DossierCode = code.parse().map_err(|_| not_found())?;
    dossiers::find(&state.store, site.tenant.id, &parsed)
        .await
        .map_err(|e| ApiError(site.lang, e.into()))?
        .ok_or_else(not_found)
}

/// `GET /api/v1/onestop/dossiers/{code}/exchange`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let lang = guard.site.lang;
    let tenant = guard.site.tenant.id;
    let (dossier, with_payload) = if matches!(guard.principal, Principal::Operator { .. }) {
        guard.require(Object::Tenant, Action::View, None)?;
        (for_operator(&state, &guard, &code).await?, false)
    } else {
        let official = Official::from_guard(guard)?;
        (view::load(&state, &official, &code).await?.dossier, true)
    };
    let fail = |e: motcua_store::StoreError| ApiError(lang, e.into());
    let national_code = national::national_code_of(&state.store, tenant, dossier.id)
        .await
        .map_err(fail)?;
    let exchanges = national::exchanges_of(&state.store, tenant, dossier.id)
        .await
        .map_err(fail)?;
    Ok(Json(json!({
        "code": dossier.code,
        "channel": dossier.channel.as_str(),
        "national_code": national_code,
        "exchanges": exchanges.iter().map(|e| entry(e, with_payload)).collect::<Vec<_>>(),
    })))
}
