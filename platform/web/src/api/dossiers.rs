//! `POST /api/v1/dossiers` (online submission) and `GET /api/v1/dossiers/{code}/status` (the
//! public lookup of Art. 16.2.d: the code and how far handling has got, nothing personal).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::{Applicant, Channel};
use motcua_core::lang::Lang;
use motcua_store::dossiers::{self, Dossier, Received};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::client::ClientIp;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::{AppState, handling};

/// The body of a submission.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Submission {
    /// The procedure's national code.
    pub procedure: String,
    /// The case (trường hợp), when the procedure has several; the first one otherwise.
    #[serde(default)]
    pub case: Option<String>,
    /// Who the dossier is for.
    pub applicant: Applicant,
    /// The e-form data.
    #[serde(default = "empty_object")]
    pub form: Value,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// The longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 200;

fn dossier_json(site: &Site, d: &Dossier, stage: &[String]) -> Value {
    let procedure = site.tenant.procedure(&d.procedure_code);
    json!({
        "code": d.code,
        "procedure": {
            "code": d.procedure_code,
            "name": procedure.map(|p| p.info().name.get(site.lang)),
        },
        "stage": stage,
        "status": {
            "code": d.status.as_str(),
            "national_code": d.status.national_code(),
            "label": d.status.label(site.lang),
        },
        "received_at": d.received_at,
        "due_at": d.due_at,
    })
}

pub(super) async fn submit(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Submission>,
) -> Result<Response, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    state
        .rate_limit("submit", &client, state.config.submit_per_minute)
        .await
        .map_err(fail)?;
    let checked = check_submission(&site, &body, true).map_err(fail)?;
    let info = checked.live.info();
    if !info.channels.contains(&Channel::Online) {
        return Err(fail(Failure::invalid(
            "channel_not_offered",
            Msg::new(
                format!(
                    "Thủ tục \"{}\" không tiếp nhận hồ sơ nộp trên Cổng này; vui lòng nộp qua Cổng Dịch vụ công quốc gia hoặc tại Bộ phận Một cửa.",
                    info.name.get(Lang::Vi)
                ),
                format!(
                    "\"{}\" does not accept dossiers on this portal; please apply through the national public service portal or at the one-stop desk.",
                    info.name.get(Lang::En)
                ),
            ),
        )));
    }
    let idempotency_key = idempotency_key(&headers).map_err(fail)?;

    let received = handling::submit(
        &state,
        &site,
        handling::Submission {
            live: checked.live,
            case: checked.case,
            applicant: body.applicant,
            form: checked.form,
            channel: Channel::Online,
            idempotency_key,
            first_move: None,
        },
    )
    .await
    .map_err(fail)?;
    let (status, replayed) = match &received {
        Received::Created(_) => (StatusCode::CREATED, "false"),
        Received::Replayed(_) => (StatusCode::OK, "true"),
    };
    Ok((
        status,
        [("idempotent-replayed", replayed)],
        Json(dossier_json(
            &site,
            received.dossier(),
            &stage(&state, &site, received.dossier()).await,
        )),
    )
        .into_response())
}

/// A submission's procedure, case and form, checked.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The procedure's published version.
    pub live: crate::sites::Live,
    /// The case's key.
    pub case: String,
    /// The validated form data.
    pub form: Value,
}

/// Checks what every channel's submission must get right: a procedure of this tenant (that
/// accepts online dossiers, when `online`), one of its cases, the applicant's name, and the
/// form by the procedure's rules (the same the portal's form applies in the browser).
pub(crate) fn check_submission(
    site: &Site,
    body: &Submission,
    online: bool,
) -> Result<Checked, Failure> {
    let procedure = site.tenant.procedure(&body.procedure).ok_or_else(|| {
        Failure::invalid(
            "unknown_procedure",
            Msg::new(
                format!("Không có thủ tục mã {}.", body.procedure),
                format!("There is no procedure with code {}.", body.procedure),
            ),
        )
    })?;
    let info = procedure.info();
    if online && !info.level.accepts_online() {
        return Err(Failure::invalid(
            "procedure_not_online",
            Msg::new(
                format!(
                    "Thủ tục \"{}\" chưa nhận hồ sơ trực tuyến; vui lòng nộp tại Bộ phận Một cửa.",
                    info.name.get(Lang::Vi)
                ),
                format!(
                    "\"{}\" does not accept online dossiers; please apply at the one-stop desk.",
                    info.name.get(Lang::En)
                ),
            ),
        ));
    }
    let case = match &body.case {
        None => info.cases.first(),
        Some(key) => info.cases.iter().find(|c| c.key.as_str() == key),
    }
    .ok_or_else(|| {
        Failure::invalid(
            "unknown_case",
            Msg::new(
                "Trường hợp đã chọn không thuộc thủ tục này.",
                "The chosen case does not belong to this procedure.",
            ),
        )
    })?;
    if body.applicant.name.trim().is_empty() {
        return Err(Failure::invalid(
            "applicant_name_required",
            Msg::new(
                "Cần ghi họ tên người nộp hồ sơ.",
                "The applicant's name is required.",
            ),
        ));
    }
    let form = procedure
        .procedure
        .form
        .validate(&body.form, chrono::Utc::now())
        .map_err(Failure::form)?;
    Ok(Checked {
        live: procedure.clone(),
        case: case.key.to_string(),
        form,
    })
}

/// The `Idempotency-Key` header, when given: 1 to 200 ASCII characters.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Failure> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY)
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| {
            Failure::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                Msg::new(
                    "Idempotency-Key phải là chuỗi ASCII từ 1 đến 200 ký tự.",
                    "Idempotency-Key must be 1 to 200 ASCII characters.",
                ),
            )
        })
}

/// How far handling has got: the names of the steps the dossier is at, in the host's language
/// (empty once closed).
pub(crate) async fn stage(state: &AppState, site: &Site, d: &Dossier) -> Vec<String> {
    let Ok(procedure) =
        handling::procedure_at(state, site, &d.procedure_code, d.procedure_version).await
    else {
        return Vec::new();
    };
    let steps = d
        .state
        .get("tokens")
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    steps
        .iter()
        .filter_map(|t| t.get("step").and_then(|s| s.as_str()))
        .filter_map(|key| {
            procedure
                .definition
                .step(key)
                .map(|(_, s)| s.name.get(site.lang).to_owned())
        })
        .collect()
}

/// The public lookup shared by the API and the lookup page: rate limited per client, the code
/// parsed with a clear message, and only this tenant's dossiers found.
pub(crate) async fn lookup(
    state: &AppState,
    site: &Site,
    client: &ClientIp,
    code: &str,
) -> Result<Option<Dossier>, Failure> {
    state
        .rate_limit("lookup", client, state.config.lookup_per_minute)
        .await?;
    let code: DossierCode = code.parse().map_err(|_| {
        Failure::invalid(
            "invalid_dossier_code",
            Msg::new(
                format!("\"{}\" không phải là mã hồ sơ. Mã hồ sơ có dạng 000.00.06.H56-231027-0361.", code.chars().take(60).collect::<String>()),
                format!("\"{}\" is not a dossier code. A dossier code looks like 000.00.06.H56-231027-0361.", code.chars().take(60).collect::<String>()),
            ),
        )
    })?;
    Ok(dossiers::find(&state.store, site.tenant.id, &code).await?)
}

pub(super) async fn status(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match lookup(&state, &site, &client, &code).await {
        Ok(Some(d)) => {
            let stage = stage(&state, &site, &d).await;
            Ok(Json(dossier_json(&site, &d, &stage)))
        }
        Ok(None) => Err(ApiError(
            site.lang,
            Failure::not_found(Msg::new(
                format!("Không tìm thấy hồ sơ mã {code}."),
                format!("No dossier has the code {code}."),
            )),
        )),
        Err(f) => Err(ApiError(site.lang, f)),
    }
}
