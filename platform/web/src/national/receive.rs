//! `POST /api/v1/integration/national-portal/dossiers`: a dossier forwarded by the national
//! portal, checked, stored (or found again by its national code), logged and answered in the
//! portal's shape.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_core::dossier::Channel;
use motcua_core::lang::Lang;
use motcua_store::attachments::{self, Attach, DocumentKind, UploadId};
use motcua_store::dossiers::Received;
use motcua_store::national::{self as stored, Direction, NewExchange};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::mapping::{self, Forward, NationalDossier};
use super::refused;
use crate::accounts::tokens::NATIONAL_PORTAL;
use crate::api::{Checked, Submission, check_submission};
use crate::error::Failure;
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use crate::{AppState, handling};

/// The service a dossier push is logged under.
const SERVICE: &str = "dossier";

fn malformed(vi: String, en: String) -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "malformed_message",
        Msg::new(vi, en),
    )
}

fn invalid_file(vi: String, en: String) -> Failure {
    Failure::invalid("invalid_file", Msg::new(vi, en))
}

/// The guard's refusal (no session, or one that must change its password) as a failure.
fn rejected(rejection: &Response) -> Failure {
    if rejection.status() == StatusCode::UNAUTHORIZED {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            Msg::new(
                "Cần mã truy cập API của cơ quan (Authorization: Bearer mc_...).",
                "An API token of the agency is required (Authorization: Bearer mc_...).",
            ),
        )
    } else {
        crate::session::forbidden()
    }
}

fn body_failure(rejection: &BytesRejection) -> Failure {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Msg::new(
                "Nội dung gửi lên quá lớn.",
                "The request body is too large.",
            ),
        );
    }
    malformed(
        "Không đọc được nội dung gửi lên.".to_owned(),
        "The request body could not be read.".to_owned(),
    )
}

/// `POST /api/v1/integration/national-portal/dossiers`.
pub(super) async fn forward(
    State(state): State<AppState>,
    guard: Result<Guard, Response>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let guard = match guard {
        Ok(g) => g,
        Err(rejection) => return refused(&rejected(&rejection)),
    };
    // Decide before reading the body: only the portal learns what it should contain.
    if let Err(e) = guard.require_scope(NATIONAL_PORTAL) {
        tracing::warn!(caller = %guard.actor(), "a national portal forward without the scope");
        return refused(&e.1);
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => return refused(&body_failure(&e)),
    };
    let site = guard.site.clone();
    let caller = guard.actor();
    let (national_code, result) = receive(&state, &site, &caller, &body).await;
    let (response, entry) = match &result {
        Ok(received) => {
            let replayed = matches!(received, Received::Replayed(_));
            let code = national_code.as_deref().unwrap_or_default();
            let reply = mapping::received_reply(code, received.dossier(), replayed);
            let status = if replayed {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            let response = (
                status,
                [(
                    "idempotent-replayed",
                    if replayed { "true" } else { "false" },
                )],
                Json(reply.clone()),
            )
                .into_response();
            (response, logged(&reply, Some(received.dossier().id)))
        }
        Err(failure) => {
            let response = refused(failure);
            let reply = mapping::refused_reply(failure.code, &failure.message, &[]);
            (response, logged(&reply, None))
        }
    };
    let (error_code, outcome, message, dossier_id) = entry;
    let entry = NewExchange {
        direction: Direction::Inbound,
        service: SERVICE.to_owned(),
        national_code,
        dossier_id,
        caller,
        payload_sha256: data_encoding::HEXLOWER.encode(&Sha256::digest(&body)),
        payload: String::from_utf8_lossy(&body).into_owned(),
        error_code,
        outcome,
        message,
        at: Utc::now(),
    };
    if let Err(e) = stored::record(&state.store, site.tenant.id, &entry).await {
        // Unlogged, the message is not taken: the portal sends it again and, the dossier being
        // found by its national code, gets the same answer, logged then.
        return refused(&Failure::from(e));
    }
    tracing::info!(
        tenant = %site.tenant.manifest.slug,
        national_code = entry.national_code.as_deref().unwrap_or_default(),
        error_code = %entry.error_code,
        outcome = %entry.outcome,
        "national portal forward"
    );
    response
}

/// What the log keeps of an answer: its error code, outcome, message, and the dossier.
fn logged(reply: &Value, dossier: Option<i64>) -> (String, String, String, Option<i64>) {
    let text = |k: &str| reply[k].as_str().unwrap_or_default().to_owned();
    (text("error_code"), text("code"), text("message"), dossier)
}

/// Reads, checks and stores a forward; also gives the national code it names, when readable.
async fn receive(
    state: &AppState,
    site: &Site,
    caller: &str,
    body: &[u8],
) -> (Option<String>, Result<Received, Failure>) {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return (
                None,
                Err(malformed(
                    format!("Nội dung gửi lên không phải JSON hợp lệ: {e}"),
                    format!("The request body is not valid JSON: {e}"),
                )),
            );
        }
    };
    let hint = value
        .get("MaHoSo")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| mapping::valid_code(c))
        .map(str::to_owned);
    let pushed: NationalDossier = match serde_json::from_value(value) {
        Ok(d) => d,
        Err(e) => {
            return (
                hint,
                Err(malformed(
                    format!("Hồ sơ gửi lên thiếu trường bắt buộc hoặc sai kiểu dữ liệu: {e}"),
                    format!("The dossier lacks a required field or has one of the wrong type: {e}"),
                )),
            );
        }
    };
    let forward = match mapping::read(&pushed, site.tenant.manifest.entity_code) {
        Ok(f) => f,
        Err(r) => return (hint, Err(Failure::invalid(r.code, r.message))),
    };
    let national_code = forward.national_code.clone();
    (
        Some(national_code),
        store(state, site, caller, forward).await,
    )
}

/// Finds the dossier a forward already created, or checks it and stores it.
async fn store(
    state: &AppState,
    site: &Site,
    caller: &str,
    forward: Forward,
) -> Result<Received, Failure> {
    let national_code = forward.national_code.clone();
    if let Some(existing) =
        stored::find_forwarded(&state.store, site.tenant.id, &national_code).await?
    {
        // Received before: the same dossier, whatever files the repeat names (they were
        // attached the first time).
        if existing.procedure_code != forward.procedure {
            return Err(conflict(&national_code, &existing.code.to_string()));
        }
        return Ok(Received::Replayed(existing));
    }
    if let Some(live) = site.tenant.procedure(&forward.procedure)
        && !live.info().channels.contains(&Channel::NationalPortal)
    {
        let name = &live.info().name;
        return Err(Failure::invalid(
            "not_on_national_portal",
            Msg::new(
                format!(
                    "Thủ tục \"{}\" không nhận hồ sơ chuyển từ Cổng Dịch vụ công quốc gia.",
                    name.get(Lang::Vi)
                ),
                format!(
                    "\"{}\" does not take dossiers forwarded by the national portal.",
                    name.get(Lang::En)
                ),
            ),
        ));
    }
    let submission = Submission {
        procedure: forward.procedure.clone(),
        case: forward.case.clone(),
        applicant: forward.applicant.clone(),
        form: forward.form.clone(),
    };
    let checked = check_submission(site, &submission, true)?;
    let attach = files(state, site, caller, &checked, &forward).await?;
    let forwarded = handling::Forwarded {
        national_code: national_code.clone(),
        events: vec![(
            "forwarded".to_owned(),
            json!({
                "from": "national_portal",
                "national_code": national_code,
                "submitted_at": forward.submitted_at,
            }),
        )],
        attach,
    };
    let received = handling::submit_forwarded(
        state,
        site,
        handling::Submission {
            live: checked.live,
            case: checked.case,
            applicant: forward.applicant,
            form: checked.form,
            channel: Channel::NationalPortal,
            idempotency_key: None,
            first_move: None,
        },
        forwarded,
    )
    .await;
    match received {
        // An upload attached or expired since it was checked.
        Err(f) if f.code == "not_found" => Err(invalid_file(
            "Một tệp của hồ sơ vừa hết hạn hoặc đã được đính kèm vào hồ sơ khác; vui lòng tải lên lại."
                .to_owned(),
            "A file of the dossier has just expired or was attached to another dossier; upload it again."
                .to_owned(),
        )),
        Err(f) if f.code == "conflict" => Err(conflict(&national_code, "")),
        other => other,
    }
}

fn conflict(national_code: &str, local: &str) -> Failure {
    let local = if local.is_empty() {
        String::new()
    } else {
        format!(" ({local})")
    };
    Failure::new(
        StatusCode::CONFLICT,
        "conflict",
        Msg::new(
            format!(
                "Mã hồ sơ {national_code} đã được tiếp nhận cho một thủ tục khác{local}; không thể tiếp nhận lại cho thủ tục này."
            ),
            format!(
                "The dossier code {national_code} was already received for another procedure{local}; it cannot be received again for this one."
            ),
        ),
    )
}

/// The uploads a forward names, checked: each one made with this token for this procedure and
/// not yet attached, each one a document of the case, none named twice.
async fn files(
    state: &AppState,
    site: &Site,
    caller: &str,
    checked: &Checked,
    forward: &Forward,
) -> Result<Vec<Attach>, Failure> {
    let info = checked.live.info();
    let case = info.cases.iter().find(|c| c.key.as_str() == checked.case);
    let mut attach: Vec<Attach> = Vec::with_capacity(forward.files.len());
    for (upload, document) in &forward.files {
        if !case.is_some_and(|c| c.documents.iter().any(|d| d.code.as_str() == document)) {
            return Err(Failure::invalid(
                "unknown_document",
                Msg::new(
                    format!(
                        "Giấy tờ mã {document} không thuộc thành phần hồ sơ của trường hợp này."
                    ),
                    format!("Document {document} is not among the documents of this case."),
                ),
            ));
        }
        let unusable = || {
            let shown: String = upload.chars().take(40).collect();
            invalid_file(
                format!(
                    "Tệp {shown} không dùng được: không có, đã hết hạn, đã được đính kèm, hoặc không được tải lên bằng mã truy cập này cho thủ tục {}.",
                    info.code
                ),
                format!(
                    "File {shown} cannot be used: it does not exist, has expired, was attached already, or was not uploaded with this token for procedure {}.",
                    info.code
                ),
            )
        };
        let id: UploadId = upload.parse().map_err(|_| unusable())?;
        if attach.iter().any(|a| a.upload == id) {
            return Err(unusable());
        }
        let found = attachments::upload(&state.store, site.tenant.id, &id).await?;
        if !found.is_some_and(|u| {
            u.meta.uploaded_by == caller && u.meta.procedure_code == info.code.to_string()
        }) {
            return Err(unusable());
        }
        attach.push(Attach {
            upload: id,
            kind: DocumentKind::Required(document.clone()),
            by: caller.to_owned(),
        });
    }
    Ok(attach)
}
