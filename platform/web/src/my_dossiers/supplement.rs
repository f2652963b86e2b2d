//! Answering a request to supplement a dossier (Form 02): the applicant, signed in, sends what
//! is missing, and the dossier moves on as the workflow engine decides `Command::Supplement` for
//! the applicant, with the files attached in the same transaction as the move.
//!
//! - `POST /ho-so-cua-toi/{code}/bo-sung` (`/my-dossiers/{code}/supplement`): the dossier page's
//!   `multipart/form-data` form, the session's CSRF token its first part: one file input per
//!   document the request lists as missing (`doc.<code>`) and one for any other papers it asks
//!   for (`other`). Each file is stored as the citizen's upload while it arrives, held to the
//!   procedure's limits (the staff pages' form reader, `crate::api::store_part`); a file refused,
//!   or anything else to correct, shows the page again with what is wrong and the files stored
//!   kept by id (`kept` = `<input>|<id>|<name>`), so none is chosen twice.
//! - `GET /api/v1/dossiers/{code}/supplement`: what the open request asks for, with its number;
//!   `POST` to the same path `{"request": 3, "documents": [{"document": "GTTT", "upload":
//!   "up_…"}, {"upload": "up_…"}]}` answers it with files uploaded first through
//!   `POST /api/v1/uploads?procedure=…` (the upload API citizens already have): 200 with the
//!   dossier's new status and its documents.
//!
//! Rules kept here:
//! - only the dossier's applicant ([`super::own_dossier`]); the engine sees them as the applicant
//!   (`citizen:<subject>`), the only actor it lets supplement a dossier, and only their own
//!   uploads for the dossier's procedure are attached;
//! - every document the request lists as missing must come, and at least one file in all; a file
//!   given as a listed document becomes that document of the dossier, any other a supplement;
//! - a request is named by the workflow token waiting for the applicant: an answer to an older
//!   request than the open one is refused (409); of two answers sent at once, one moves the
//!   dossier and the other is told it was supplemented already (409); a timer firing meanwhile
//!   (a reminder) does not refuse an answer, which is decided again on the fresh dossier;
//! - an answer when the dossier waits for none is refused with 409, saying whether it was
//!   supplemented already; the files of a refused answer are never half attached, they stay the
//!   citizen's uploads until they expire.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use motcua_core::codes::DossierCode;
use motcua_store::attachments::{self, Attach, DocumentKind};
use motcua_store::dossiers::{self, Dossier};
use motcua_store::history::StoredEvent;
use motcua_workflow::attachments::Rules;
use motcua_workflow::engine::{Actor, Command, DossierState, Waiting};
use motcua_workflow::procedure::Procedure;
use serde::Deserialize;
use serde_json::{Value, json};

use super::dossier::{Kept, Notice, render};
use super::{citizen, own_dossier, refused, visitor};
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::onestop::pages::sent::{self, Files};
use crate::pages::local_time;
use crate::session::{CitizenIdentity, Session};
use crate::{AppState, handling};

/// The prefix of the form's file inputs for the documents listed as missing.
pub(super) const DOCUMENT_INPUT: &str = "doc.";
/// The form's file input for other papers.
pub(super) const OTHER_INPUT: &str = "other";

/// What an open request to supplement asks for.
#[derive(Clone, Debug)]
pub(crate) struct Requested {
    /// Its number: the id of the workflow token that waits for the applicant.
    pub request: u32,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The documents of the case it lists as missing: code and name.
    pub documents: Vec<(String, String)>,
    /// What else is to be supplemented or corrected, and why, as the official wrote it.
    pub reason: Option<String>,
}

fn payload(e: &StoredEvent) -> Value {
    serde_json::from_str(&e.payload).unwrap_or(Value::Null)
}

/// The request `dossier` waits on, when it waits for its applicant: read from the events of the
/// move that entered the supplement step (the desk's check of the documents, the action with its
/// reason), which share that move's time.
pub(crate) fn requested(
    site: &Site,
    procedure: &Procedure,
    dossier: &Dossier,
    state: &DossierState,
    events: &[StoredEvent],
) -> Option<Requested> {
    let token = state
        .tokens
        .iter()
        .find(|t| t.waiting == Waiting::Applicant)?;
    let entered = events.iter().rposition(|e| {
        e.kind == "step_entered" && {
            let d = payload(e);
            d["step"] == token.step.as_str() && d["token"] == token.id
        }
    });
    let (at, during) = match entered {
        Some(i) => {
            let at = events[i].at;
            let first = events[..i]
                .iter()
                .rposition(|e| e.at != at)
                .map_or(0, |j| j + 1);
            (at, &events[first..i])
        }
        None => (token.entered_at, &events[..0]),
    };
    let reason = during
        .iter()
        .rev()
        .find(|e| e.kind == "action_taken")
        .and_then(|e| {
            payload(e)["reason"]
                .as_str()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        });
    let missing: Vec<String> = during
        .iter()
        .rev()
        .find(|e| e.kind == "documents_checked")
        .map(|e| {
            payload(e)["missing"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let case = procedure
        .file
        .info
        .cases
        .iter()
        .find(|c| c.key.as_str() == dossier.case_key);
    let documents = missing
        .into_iter()
        .map(|code| {
            let name = case
                .and_then(|c| c.documents.iter().find(|d| d.code == code))
                .map_or_else(|| code.clone(), |d| d.name.get(site.lang).to_owned());
            (code, name)
        })
        .collect();
    Some(Requested {
        request: token.id,
        at,
        documents,
        reason,
    })
}

/// A file given with an answer.
#[derive(Clone, Debug)]
pub(crate) struct Given {
    /// The upload's id.
    pub upload: String,
    /// The listed document it is, if it is one.
    pub document: Option<String>,
}

/// Who the engine and the uploads know the citizen as.
pub(super) fn owner_of(citizen: &CitizenIdentity) -> String {
    format!("citizen:{}", citizen.subject)
}

fn invalid(code: &'static str, vi: String, en: String) -> Failure {
    Failure::invalid(code, Msg::new(vi, en))
}

/// 409: the dossier waits for no supplement (and whether it was supplemented already).
fn not_waiting(site: &Site, events: &[StoredEvent]) -> Failure {
    match events.iter().rev().find(|e| e.kind == "supplemented") {
        Some(e) => Failure::new(
            StatusCode::CONFLICT,
            "already_supplemented",
            Msg::new(
                format!(
                    "Hồ sơ đã được bổ sung lúc {}; cơ quan đang tiếp tục giải quyết, bạn không cần gửi lại.",
                    local_time(site, e.at)
                ),
                format!(
                    "The dossier was supplemented at {}; the agency is handling it again, there is nothing more to send.",
                    local_time(site, e.at)
                ),
            ),
        ),
        None => Failure::new(
            StatusCode::CONFLICT,
            "not_waiting_for_supplement",
            Msg::new(
                "Hồ sơ không ở trạng thái chờ bổ sung: cơ quan không yêu cầu bạn gửi thêm giấy tờ nào.",
                "The dossier is not waiting for a supplement: the agency has not asked you for anything.",
            ),
        ),
    }
}

/// 409: the answer names a request that is no longer the open one.
fn request_changed() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "supplement_request_changed",
        Msg::new(
            "Yêu cầu bổ sung bạn trả lời đã được thay bằng một yêu cầu mới. Hãy đọc yêu cầu mới rồi gửi lại.",
            "The request you answered was replaced by a newer one. Read the new request and send again.",
        ),
    )
}

/// The attachments of an answer to `asked` and the documents the history records (the codes of
/// the listed documents, then the names of other files), or what is wrong with it.
async fn attachments_of(
    state: &AppState,
    site: &Site,
    owner: &str,
    procedure: &str,
    asked: &Requested,
    given: &[Given],
) -> Result<(Vec<Attach>, Vec<String>), Failure> {
    if given.is_empty() {
        return Err(invalid(
            "supplement_empty",
            "Hãy chọn tệp giấy tờ cần bổ sung.".to_owned(),
            "Choose the files of the documents to supplement.".to_owned(),
        ));
    }
    for g in given {
        if let Some(code) = &g.document
            && !asked.documents.iter().any(|(c, _)| c == code)
        {
            let shown: String = code.chars().take(40).collect();
            return Err(invalid(
                "document_not_requested",
                format!("Giấy tờ “{shown}” không có trong yêu cầu bổ sung."),
                format!("Document “{shown}” is not among those the request asks for."),
            ));
        }
    }
    let missing: Vec<&str> = asked
        .documents
        .iter()
        .filter(|(code, _)| !given.iter().any(|g| g.document.as_ref() == Some(code)))
        .map(|(_, name)| name.as_str())
        .collect();
    if !missing.is_empty() {
        let names = missing.join("; ");
        return Err(invalid(
            "documents_missing",
            format!("Còn thiếu giấy tờ cơ quan yêu cầu bổ sung: {names}."),
            format!("Documents the agency asked for are still missing: {names}."),
        ));
    }
    let mut ids: Vec<&str> = given.iter().map(|g| g.upload.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != given.len() {
        return Err(invalid(
            "upload_repeated",
            "Cùng một tệp được gửi hai lần; hãy chọn mỗi tệp một lần.".to_owned(),
            "The same upload was given twice; give each file once.".to_owned(),
        ));
    }
    let mut documents: Vec<String> = asked.documents.iter().map(|(c, _)| c.clone()).collect();
    let mut attach = Vec::with_capacity(given.len());
    for g in given {
        let upload =
            crate::onestop::attachments::upload_of(state, site, owner, procedure, &g.upload)
                .await?;
        let kind = match &g.document {
            Some(code) => DocumentKind::Required(code.clone()),
            None => {
                documents.push(upload.meta.file_name.clone());
                DocumentKind::Supplement
            }
        };
        attach.push(Attach {
            upload: upload.id,
            kind,
            by: owner.to_owned(),
        });
    }
    Ok((attach, documents))
}

/// How many times an answer is decided again when the dossier moved meanwhile (a timer fired)
/// and still waits for it.
const ATTEMPTS: u32 = 3;

/// Answers the open request to supplement dossier `code` (already checked to be the citizen's)
/// with `given`; `request`, when given, must be the open one.
/// The most files one supplement carries.
const MAX_FILES: usize = 30;

pub(crate) async fn answer(
    state: &AppState,
    site: &Site,
    citizen: &CitizenIdentity,
    code: &DossierCode,
    request: Option<u32>,
    given: &[Given],
) -> Result<Dossier, Failure> {
    // Each file is looked up before the move: a supplement carries what was asked for, not an
    // unbounded list.
    if given.len() > MAX_FILES {
        return Err(Failure::invalid(
            "too_many_files",
            Msg::new(
                format!("Mỗi lần bổ sung gửi được tối đa {MAX_FILES} tệp."),
                format!("A supplement carries at most {MAX_FILES} files."),
            ),
        ));
    }
    let owner = owner_of(citizen);
    let actor = Actor::applicant(owner.clone());
    let mut attempt = 1;
    loop {
        let gone = || Failure::internal(&format!("dossier {code} vanished"));
        let dossier = dossiers::find(&state.store, site.tenant.id, code)
            .await?
            .ok_or_else(gone)?;
        let procedure = handling::procedure_at(
            state,
            site,
            &dossier.procedure_code,
            dossier.procedure_version,
        )
        .await?;
        let events = dossiers::history(&state.store, site.tenant.id, &dossier).await?;
        let current = super::state_of(&dossier);
        let Some(asked) = current
            .as_ref()
            .and_then(|s| requested(site, &procedure, &dossier, s, &events))
        else {
            return Err(not_waiting(site, &events));
        };
        if request.is_some_and(|r| r != asked.request) {
            return Err(request_changed());
        }
        let (attach, documents) =
            attachments_of(state, site, &owner, &dossier.procedure_code, &asked, given).await?;
        let version = current.map_or(0, |s| s.version);
        let moved = handling::act_with(
            state,
            site,
            code,
            &Command::Supplement { documents },
            &actor,
            Some(version),
            Utc::now(),
            handling::Extra {
                attach,
                ..handling::Extra::default()
            },
        )
        .await;
        match moved {
            Err(f) if f.status == StatusCode::CONFLICT && attempt < ATTEMPTS => attempt += 1,
            other => return other,
        }
    }
}

/// The files of the form: those stored now and those kept from a refused attempt.
fn kept_of(sent: &sent::Sent) -> Vec<Kept> {
    let ours = |input: &str| input.starts_with(DOCUMENT_INPUT) || input == OTHER_INPUT;
    let mut kept: Vec<Kept> = sent
        .files
        .iter()
        .filter(|(input, _)| ours(input))
        .map(|(input, u)| Kept {
            input: input.clone(),
            id: u.id.to_string(),
            name: u.meta.file_name.clone(),
        })
        .collect();
    for (k, v) in &sent.pairs {
        if k == "kept"
            && let Some((input, rest)) = v.split_once('|')
            && let Some((id, name)) = rest.split_once('|')
            && ours(input)
        {
            kept.push(Kept {
                input: input.to_owned(),
                id: id.to_owned(),
                name: name.to_owned(),
            });
        }
    }
    kept
}

/// `POST /ho-so-cua-toi/{code}/bo-sung` (`/my-dossiers/{code}/supplement`): 303 back to the
/// dossier's page when the answer is taken, else the page with what is wrong.
pub(super) async fn page_submit(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let here = super::dossier_path(site.lang, &code);
    let Some(signed_in) = session.as_ref() else {
        return super::sign_in_first(&here);
    };
    let (citizen, citizen_id) = match visitor(&state, &site, &headers, Some(signed_in), &here) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    // Every answer stores files before it is checked: counted like the API's.
    if let Err(f) = state
        .rate_limit_key(
            "supplement",
            &citizen.subject,
            state.config.submit_per_minute,
        )
        .await
    {
        return refused(&state, &site, &headers, f);
    }
    let dossier = match own_dossier(&state, &site, citizen_id, &code).await {
        Ok(d) => d,
        Err(f) => return refused(&state, &site, &headers, f),
    };
    let procedure = match handling::procedure_at(
        &state,
        &site,
        &dossier.procedure_code,
        dossier.procedure_version,
    )
    .await
    {
        Ok(p) => p,
        Err(f) => return refused(&state, &site, &headers, f),
    };
    let files = Files {
        owner: owner_of(citizen),
        procedure: dossier.procedure_code.clone(),
        rules: Rules::of(&procedure.file),
    };
    let sent = match sent::read(&state, &site, req, &files).await {
        Ok(s) => s,
        Err(f) => return refused(&state, &site, &headers, f),
    };
    let kept = kept_of(&sent);
    let request = sent
        .pairs
        .iter()
        .find(|(k, _)| k == "request")
        .and_then(|(_, v)| v.trim().parse().ok());
    let outcome = if sent.refused.is_empty() {
        let given: Vec<Given> = kept
            .iter()
            .map(|k| Given {
                upload: k.id.clone(),
                document: k.input.strip_prefix(DOCUMENT_INPUT).map(str::to_owned),
            })
            .collect();
        answer(&state, &site, citizen, &dossier.code, request, &given).await
    } else {
        let what = sent
            .refused
            .iter()
            .map(|r| r.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Err(Failure::invalid(
            "file_refused",
            Msg::new(what.clone(), what),
        ))
    };
    match outcome {
        Ok(_) => {
            crate::pages::no_store(Redirect::to(&format!("{here}?ok=supplemented")).into_response())
        }
        Err(f) if f.status.is_client_error() => {
            let fresh = match dossiers::find(&state.store, site.tenant.id, &dossier.code).await {
                Ok(Some(d)) => d,
                Ok(None) => dossier,
                Err(e) => return refused(&state, &site, &headers, e.into()),
            };
            let notice = Notice {
                ok: None,
                error: Some(f.message.get(site.lang).to_owned()),
            };
            render(
                &state, &site, &headers, signed_in, fresh, notice, kept, f.status,
            )
            .await
        }
        Err(f) => refused(&state, &site, &headers, f),
    }
}

/// The body of `POST /api/v1/dossiers/{code}/supplement`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerBody {
    /// The number of the request answered (`request` in the `GET` answer); when given, an
    /// answer to a request replaced meanwhile is refused.
    #[serde(default)]
    pub request: Option<u32>,
    /// The files.
    pub documents: Vec<GivenDocument>,
}

/// A file of an answer through the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GivenDocument {
    /// The code of the listed document it is; none for another paper.
    #[serde(default)]
    pub document: Option<String>,
    /// The id of the citizen's upload (`POST /api/v1/uploads?procedure=…`).
    pub upload: String,
}

/// `GET /api/v1/dossiers/{code}/supplement`: what the open request asks for.
pub(super) async fn api_show(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let (_, citizen_id) = citizen(&session).map_err(fail)?;
    let dossier = own_dossier(&state, &site, citizen_id, &code)
        .await
        .map_err(fail)?;
    let procedure = handling::procedure_at(
        &state,
        &site,
        &dossier.procedure_code,
        dossier.procedure_version,
    )
    .await
    .map_err(fail)?;
    let events = dossiers::history(&state.store, site.tenant.id, &dossier)
        .await
        .map_err(|e| fail(e.into()))?;
    let asked =
        super::state_of(&dossier).and_then(|s| requested(&site, &procedure, &dossier, &s, &events));
    let Some(asked) = asked else {
        return Ok(Json(json!({ "dossier": dossier.code, "waiting": false })));
    };
    let rules = Rules::of(&procedure.file);
    Ok(Json(json!({
        "dossier": dossier.code,
        "waiting": true,
        "request": asked.request,
        "requested_at": asked.at,
        "documents": asked.documents.iter().map(|(code, name)| json!({ "code": code, "name": name })).collect::<Vec<_>>(),
        "reason": asked.reason,
        "upload": format!("/api/v1/uploads?procedure={}", crate::pages::urlencode(&dossier.procedure_code)),
        "max_file_size": rules.max_file_size,
        "types": rules.types.iter().map(|t| t.name()).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/dossiers/{code}/supplement`: answers the open request.
pub(super) async fn api_submit(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let (identity, citizen_id) = citizen(&session).map_err(fail)?;
    state
        .rate_limit_key(
            "supplement",
            &identity.subject,
            state.config.submit_per_minute,
        )
        .await
        .map_err(fail)?;
    let body: AnswerBody = crate::api::json_body(lang, &body)?;
    let dossier = own_dossier(&state, &site, citizen_id, &code)
        .await
        .map_err(fail)?;
    let given: Vec<Given> = body
        .documents
        .into_iter()
        .map(|d| Given {
            upload: d.upload,
            document: d.document,
        })
        .collect();
    let moved = answer(&state, &site, identity, &dossier.code, body.request, &given)
        .await
        .map_err(fail)?;
    let documents = attachments::documents(&state.store, site.tenant.id, moved.id)
        .await
        .map_err(|e| fail(e.into()))?;
    let code = moved.code.to_string();
    Ok(Json(json!({
        "dossier": code,
        "status": { "code": moved.status.as_str(), "label": moved.status.label(lang) },
        "due_at": moved.due_at,
        "documents": documents.iter().map(|d| crate::api::documents::document_json(&code, d)).collect::<Vec<_>>(),
    }))
    .into_response())
}
