//! Receiving at the one-stop desk (Art. 17 and the rules of practice): an official enters the
//! applicant and the form, ticks the documents received against the procedure's list for the
//! chosen case, and decides at once — complete: receipt (Form 01); incomplete: a request to
//! supplement listing every defect (Form 02); not eligible: refusal with reasons (Form 03).
//!
//! The dossier is received and the desk's decision taken in one transaction, so a dossier never
//! exists half-received; a retried request with the same `Idempotency-Key` answers with the
//! dossier the first one created. The after-15:00 rule applies through the workflow engine.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_authz::Action;
use motcua_core::dossier::{Applicant, Channel};
use motcua_core::lang::Lang;
use motcua_core::procedure::Case;
use motcua_store::attachments::{Attach, DocumentKind};
use motcua_store::dossiers::Received;
use motcua_workflow::definition::Definition;
use motcua_workflow::engine::{self, Command, Inputs};
use motcua_workflow::schema::StepKind;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::official::Official;
use crate::api::{Submission, check_submission, idempotency_key};
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::{AppState, handling};

/// What the desk decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Decision {
    /// Complete: receive it (Form 01).
    Accept,
    /// Incomplete: ask for a supplement (Form 02).
    Supplement,
    /// Not eligible: refuse it (Form 03).
    Refuse,
}

impl Decision {
    /// The number of the form the decision prints.
    pub(crate) fn form(self) -> &'static str {
        match self {
            Self::Accept => "01",
            Self::Supplement => "02",
            Self::Refuse => "03",
        }
    }
}

/// The body of `POST /api/v1/onestop/desk`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeskBody {
    /// The procedure's national code.
    pub procedure: String,
    /// The case.
    #[serde(default)]
    pub case: Option<String>,
    /// In person or by post.
    #[serde(default = "desk")]
    pub channel: Channel,
    /// Who applies.
    pub applicant: Applicant,
    /// The e-form, as the official entered it.
    #[serde(default)]
    pub form: Value,
    /// The codes of the documents received, from the case's list.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The desk's decision.
    pub decision: Decision,
    /// For a supplement: what else is wrong besides the documents missing. For a refusal: why.
    #[serde(default)]
    pub reason: Option<String>,
    /// Scans of documents received, uploaded beforehand by the same official
    /// (`POST /api/v1/uploads`), attached with the receipt.
    #[serde(default)]
    pub attachments: Vec<DeskAttachment>,
}

/// A scan of a document received at the desk.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeskAttachment {
    /// The upload's id (`up_…`).
    pub upload: String,
    /// The code of the document it shows, one of those received.
    pub document: String,
}

fn desk() -> Channel {
    Channel::Desk
}

fn invalid(code: &'static str, vi: String, en: String) -> Failure {
    Failure::invalid(code, Msg::new(vi, en))
}

/// The refusal of a dossier brought by a channel the procedure is not offered on (the desk's
/// page offers only the procedure's channels; the API is held to the same list).
fn not_offered(info: &motcua_core::procedure::ProcedureInfo, channel: Channel) -> Failure {
    let (vi, en) = match channel {
        Channel::Post => ("qua dịch vụ bưu chính", "by post"),
        _ => ("nộp trực tiếp", "in person"),
    };
    invalid(
        "channel_not_offered",
        format!(
            "Thủ tục \"{}\" không tiếp nhận hồ sơ {vi}.",
            info.name.get(Lang::Vi)
        ),
        format!(
            "\"{}\" does not accept dossiers {en}.",
            info.name.get(Lang::En)
        ),
    )
}

/// The case's required documents not received.
pub(crate) fn missing<'c>(case: &'c Case, received: &[String]) -> Vec<&'c str> {
    case.documents
        .iter()
        .filter(|d| !d.optional && !received.iter().any(|r| r == d.code.as_str()))
        .map(|d| d.code.as_str())
        .collect()
}

/// The action of the reception step `at` (the step a new dossier waits at, which the workflow's
/// automatic steps may have chosen by channel) that carries out `decision`: the one into a
/// supplement step, the one into an end that does not accept the dossier, or the other one
/// (preferring one that sets the status `accepted`).
fn action_for(def: &Definition, at: &str, decision: Decision) -> Option<(String, String)> {
    let (_, start) = def.step(at)?;
    if start.kind != StepKind::Human {
        return None;
    }
    let target_kind = |a: &motcua_workflow::definition::ActionDef| def.steps[a.to].kind;
    let refuses = |a: &motcua_workflow::definition::ActionDef| {
        target_kind(a) == StepKind::End
            && def.steps[a.to].outcome == Some(motcua_core::dossier::DossierStatus::NotAccepted)
    };
    let chosen = match decision {
        Decision::Supplement => start
            .actions
            .iter()
            .find(|a| target_kind(a) == StepKind::Supplement),
        Decision::Refuse => start.actions.iter().find(|a| refuses(a)),
        Decision::Accept => start
            .actions
            .iter()
            .filter(|a| target_kind(a) != StepKind::Supplement && !refuses(a))
            .max_by_key(|a| a.status == Some(motcua_core::dossier::DossierStatus::Accepted)),
    }?;
    Some((start.key.clone(), chosen.key.clone()))
}

/// The step a dossier received now on `channel` waits at once its workflow has started: the
/// start itself, or where the start's automatic steps lead (e.g. a decision by channel). The
/// engine is pure, so starting it here decides the same as the receipt that follows.
fn reception_step(
    site: &crate::host::Site,
    live: &crate::sites::Live,
    case: &str,
    form: &Value,
    channel: Channel,
    applicant_kind: motcua_core::dossier::ApplicantKind,
) -> Option<String> {
    let info = live.info();
    let time = info
        .cases
        .iter()
        .find(|c| c.key.as_str() == case)
        .and_then(|c| c.time)
        .unwrap_or(info.time);
    let ctx = engine::Context {
        now: chrono::Utc::now(),
        calendar: &site.tenant.calendar,
        form,
        channel,
        applicant_kind,
    };
    let started = engine::start(&live.procedure.definition, case, time, &ctx).ok()?;
    match started.state.tokens.as_slice() {
        [only] => Some(only.step.clone()),
        _ => None,
    }
}

/// The desk's scans as attachments of the dossier about to be received: each an upload of this
/// official, for this procedure, still waiting, of a document received. Checked here so that the
/// official reads which one is wrong; the receiving transaction checks again.
async fn scans(
    state: &AppState,
    official: &Official,
    live: &crate::sites::Live,
    received: &[String],
    given: &[DeskAttachment],
) -> Result<Vec<Attach>, ApiError> {
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    let mut attach = Vec::with_capacity(given.len());
    for a in given {
        if !received.contains(&a.document) {
            return Err(fail(invalid(
                "scan_of_document_not_received",
                format!(
                    "Tệp quét đính kèm giấy tờ {} nhưng giấy tờ này chưa được đánh dấu đã nhận.",
                    a.document
                ),
                format!(
                    "A scan is attached to document {}, which is not marked as received.",
                    a.document
                ),
            )));
        }
        let upload = super::attachments::own_upload(
            state,
            official,
            &live.info().code.to_string(),
            &a.upload,
        )
        .await?;
        attach.push(Attach {
            upload,
            kind: DocumentKind::Required(a.document.clone()),
            by: official.actor.id.clone(),
        });
    }
    Ok(attach)
}

/// `POST /api/v1/onestop/desk`: receives a dossier at the desk and takes the desk's decision.
pub(crate) async fn receive(
    State(state): State<AppState>,
    guard: Guard,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let official = Official::from_guard(guard)?;
    let site = official.guard.site.clone();
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    // Decide before reading the body: only a desk official learns what it should contain.
    official.require_some_desk()?;
    let body: DeskBody = crate::api::json_body(lang, &body)?;
    let key = idempotency_key(&headers).map_err(fail)?;
    let (received, decision) = take(&state, &official, body, key).await?;
    let created = matches!(received, Received::Created(_));
    let d = received.dossier();
    let form = decision.form();
    Ok((
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        [(
            "idempotent-replayed",
            if created { "false" } else { "true" },
        )],
        Json(json!({
            "code": d.code,
            "status": { "code": d.status.as_str(), "label": d.status.label(lang) },
            "received_at": d.received_at,
            "due_at": d.due_at,
            "decision": decision,
            "form": form,
            "form_url": format!("/ho-so/{}/mau-{form}", d.code),
            "dossier_url": format!("/ho-so/{}", d.code),
        })),
    )
        .into_response())
}

/// Checks a desk submission and stores it with the desk's decision.
pub(crate) async fn take(
    state: &AppState,
    official: &Official,
    body: DeskBody,
    key: Option<String>,
) -> Result<(Received, Decision), ApiError> {
    let site = &official.guard.site;
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    if !matches!(body.channel, Channel::Desk | Channel::Post) {
        return Err(fail(invalid(
            "invalid_channel",
            "Tại Bộ phận Một cửa chỉ tiếp nhận hồ sơ nộp trực tiếp hoặc qua bưu chính.".into(),
            "The desk receives dossiers brought in person or sent by post only.".into(),
        )));
    }
    let submission = Submission {
        procedure: body.procedure,
        case: body.case,
        applicant: body.applicant,
        form: body.form,
    };
    let checked = check_submission(site, &submission, false).map_err(fail)?;
    let info = checked.live.info();
    let desk = info.desk(&site.tenant.manifest).key.to_string();
    official.require_any(&[Action::Receive], [desk.as_str()])?;
    if !info.channels.contains(&body.channel) {
        return Err(fail(not_offered(info, body.channel)));
    }
    let case = info
        .cases
        .iter()
        .find(|c| c.key.as_str() == checked.case)
        .ok_or_else(|| fail(Failure::internal(&"the checked case vanished")))?;
    let mut received: Vec<String> = Vec::new();
    for code in body.documents {
        if !case.documents.iter().any(|d| d.code.as_str() == code) {
            return Err(fail(invalid(
                "unknown_document",
                format!("Giấy tờ mã {code} không thuộc thành phần hồ sơ của trường hợp này."),
                format!("Document {code} is not among the documents of this case."),
            )));
        }
        if !received.contains(&code) {
            received.push(code);
        }
    }
    let missing: Vec<String> = missing(case, &received)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let inputs = match body.decision {
        Decision::Accept if !missing.is_empty() => {
            return Err(fail(invalid(
                "documents_missing",
                format!(
                    "Hồ sơ chưa đủ thành phần (thiếu: {}); hãy chọn yêu cầu bổ sung.",
                    missing.join(", ")
                ),
                format!(
                    "The dossier is incomplete (missing: {}); request a supplement instead.",
                    missing.join(", ")
                ),
            )));
        }
        Decision::Accept => Inputs {
            documents: received.clone(),
            ..Inputs::default()
        },
        Decision::Supplement => {
            if missing.is_empty() && reason.is_none() {
                return Err(fail(invalid(
                    "defects_required",
                    "Cần nêu đầy đủ các nội dung phải bổ sung, hoàn thiện.".into(),
                    "List everything the applicant must supplement or correct.".into(),
                )));
            }
            let mut defects: Vec<String> = missing
                .iter()
                .filter_map(|m| case.documents.iter().find(|d| d.code.as_str() == m))
                .map(|d| format!("{}: {}", d.code, d.name.get(lang)))
                .collect();
            defects.extend(reason.clone());
            Inputs {
                reason: Some(defects.join("\n")),
                documents: received.clone(),
                ..Inputs::default()
            }
        }
        Decision::Refuse => Inputs {
            reason: Some(reason.clone().ok_or_else(|| {
                fail(invalid(
                    "reason_required",
                    "Cần nêu rõ lý do từ chối tiếp nhận.".into(),
                    "Give the reasons for refusing the dossier.".into(),
                ))
            })?),
            documents: received.clone(),
            ..Inputs::default()
        },
    };
    let def = &checked.live.procedure.definition;
    let (step, action) = reception_step(
        site,
        &checked.live,
        &checked.case,
        &checked.form,
        body.channel,
        submission.applicant.kind,
    )
    .and_then(|at| action_for(def, &at, body.decision))
    .ok_or_else(|| {
        fail(invalid(
            "no_desk_decision",
            "Quy trình của thủ tục này không có bước tiếp nhận với thao tác tương ứng.".into(),
            "This procedure's workflow has no reception step with a matching action.".into(),
        ))
    })?;
    let attach = scans(state, official, &checked.live, &received, &body.attachments).await?;
    let first_move = handling::FirstMove {
        command: Command::Act {
            step,
            action,
            inputs,
        },
        actor: official.actor.clone(),
        before: vec![(
            "documents_checked".to_owned(),
            json!({ "received": received, "missing": missing, "decision": body.decision }),
        )],
        attach,
    };
    let received = handling::submit(
        state,
        site,
        handling::Submission {
            live: checked.live,
            case: checked.case,
            applicant: submission.applicant,
            form: checked.form,
            channel: body.channel,
            idempotency_key: key,
            first_move: Some(first_move),
        },
    )
    .await
    .map_err(fail)?;
    Ok((received, body.decision))
}
