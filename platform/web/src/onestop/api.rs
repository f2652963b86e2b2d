//! The one-stop system's JSON API for officials: a dossier with what the official may do to it,
//! and the commands that move it.
//!
//! `GET /api/v1/onestop/dossiers/{code}` and `POST /api/v1/onestop/dossiers/{code}/commands`.
//! Every command names the dossier version the official saw (`expected_version`): of two
//! officials acting at once, exactly one succeeds, and the other gets 409 with the dossier as it
//! now stands, so that they can decide again on what is really there.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_authz::Action;
use motcua_store::attachments::DocumentKind;
use motcua_store::dossiers;
use motcua_workflow::engine::{Actor, Command, Inputs};
use serde::Deserialize;
use serde_json::json;

use super::notes::{self, Note};
use super::official::{Official, actor_of, divisions_of};
use super::view::{self, ACT, Loaded};
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::{AppState, handling};

/// `GET /api/v1/onestop/dossiers/{code}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let official = Official::from_guard(guard)?;
    let loaded = view::load(&state, &official, &code).await?;
    Ok(Json(full_view(&state, &official, &loaded).await?))
}

/// The dossier's whole view for `official`.
pub(crate) async fn full_view(
    state: &AppState,
    official: &Official,
    loaded: &Loaded,
) -> Result<serde_json::Value, ApiError> {
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    let (steps, whole) = view::steps(loaded, official, Utc::now());
    let record = dossiers::record(&state.store, site.tenant.id, &loaded.dossier, |e, d| {
        view::account_ids(view::named_in(e, loaded).chain(d.iter().map(|d| d.attached_by.as_str())))
    })
    .await
    .map_err(|e| fail(e.into()))?;
    let names = view::by_subject(record.names);
    let history = view::history(record.events, &names);
    let mut view = view::json(loaded, site.lang, &steps, &whole, &history);
    let code = loaded.dossier.code.to_string();
    let documents = record.documents;
    view["documents"] = super::attachments::json(&code, &documents);
    view["comments"] = serde_json::to_value(notes::comments(&history)).unwrap_or_default();
    let consultations: Vec<serde_json::Value> = notes::consultations(&history, Utc::now())
        .into_iter()
        .map(|c| {
            let can_answer = notes::may_answer(official, loaded, &c);
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["can_answer"] = json!(can_answer);
            v
        })
        .collect();
    view["consultations"] = json!(consultations);
    view["can"]["consult"] = json!(notes::may_consult(official, loaded));
    view["payments"] = crate::payments::dossier_json(state, site.tenant.id, loaded.dossier.id)
        .await
        .map_err(|e| fail(e.into()))?;
    Ok(view)
}

/// A command as officials send it.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Request {
    /// Take an action of a step.
    Act {
        /// The step.
        step: String,
        /// The action.
        action: String,
        /// The reason, documents or result it needs.
        #[serde(default)]
        inputs: Inputs,
        /// Files the official uploaded (`POST /api/v1/uploads`) to attach with the action: the
        /// result documents when it requires `result`, handling documents otherwise.
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// Take a step for oneself.
    Claim {
        /// The step.
        step: String,
    },
    /// Give a step back.
    Release {
        /// The step.
        step: String,
    },
    /// Hand a step to another official (division heads).
    Reassign {
        /// The step.
        step: String,
        /// The official's account id.
        to: i64,
    },
    /// Run a failed plugin step again.
    RetryPlugin {
        /// The step.
        step: String,
    },
    /// Apologise and set a later date (Form 04, once).
    Reschedule {
        /// The new due time.
        due: DateTime<Utc>,
        /// The reason given to the applicant.
        reason: String,
    },
    /// Stop handling.
    Stop {
        /// Why.
        reason: String,
    },
    /// Record at the desk the documents the applicant brought to supplement the dossier.
    Supplement {
        /// The documents.
        #[serde(default)]
        documents: Vec<String>,
        /// Their scans, uploaded by the official (`POST /api/v1/uploads`).
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// Record at the desk the applicant's request to withdraw the dossier.
    Withdraw {
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// Write an internal comment, optionally about a step (the workflow does not move).
    Comment {
        /// What the official writes.
        text: String,
        /// The step it is about.
        #[serde(default)]
        step: Option<String>,
    },
    /// Ask a division of the tenant, or an outside agency, for an opinion by a date.
    Consult {
        /// The division's key.
        #[serde(default)]
        division: Option<String>,
        /// The outside agency's name.
        #[serde(default)]
        agency: Option<String>,
        /// What is asked.
        question: String,
        /// The working days the consulted have to answer.
        working_days: u32,
    },
    /// Answer a consultation (or record an outside agency's answer).
    AnswerConsultation {
        /// The consultation's id.
        consultation: i32,
        /// The opinion.
        answer: String,
    },
}

impl Request {
    /// The note this request writes, or the request itself when it is a workflow command.
    fn into_note(self) -> Result<Note, Box<Self>> {
        Ok(match self {
            Self::Comment { text, step } => Note::Comment { text, step },
            Self::Consult {
                division,
                agency,
                question,
                working_days,
            } => Note::Consult {
                division,
                agency,
                question,
                working_days,
            },
            Self::AnswerConsultation {
                consultation,
                answer,
            } => Note::Answer {
                consultation,
                answer,
            },
            other => return Err(Box::new(other)),
        })
    }
}

/// The body of `POST .../commands`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommandBody {
    /// The dossier version the official saw (`version` in the dossier view).
    pub expected_version: u64,
    /// What to do.
    pub command: Request,
}

/// What a request becomes: the engine command, who the engine sees acting, and what is
/// recorded besides.
struct Prepared {
    command: Command,
    actor: Actor,
    extra: Vec<(String, serde_json::Value)>,
    /// Uploads to attach with the move, and what they are to the dossier.
    attach: (Vec<String>, DocumentKind),
}

fn step_division(loaded: &Loaded, step: &str) -> String {
    loaded
        .procedure
        .definition
        .step(step)
        .and_then(|(_, s)| s.division.clone())
        .unwrap_or_default()
}

/// Asks the guard for the permission the request needs, then builds the engine command.
fn prepare(official: &Official, loaded: &Loaded, request: Request) -> Result<Prepared, ApiError> {
    let site = &official.guard.site;
    let manifest = &site.tenant.manifest;
    let desk = loaded.procedure.file.info.desk(manifest).key.to_string();
    let active: Vec<String> = loaded
        .state
        .tokens
        .iter()
        .map(|t| step_division(loaded, &t.step))
        .collect();
    let own = |command| Prepared {
        command,
        actor: official.actor.clone(),
        extra: Vec::new(),
        attach: (Vec::new(), DocumentKind::Handling),
    };
    // The applicant's own commands, brought to the desk: the engine sees the applicant, the
    // history also names the official who recorded them.
    let at_desk = |command: Command, what: &str| Prepared {
        command,
        actor: Actor::applicant("applicant"),
        extra: vec![(
            "recorded_at_desk".to_owned(),
            json!({ "command": what, "by": official.actor.id }),
        )],
        attach: (Vec::new(), DocumentKind::Supplement),
    };
    Ok(match request {
        Request::Act {
            step,
            action,
            inputs,
            attachments,
        } => {
            official.require_any(&ACT, [step_division(loaded, &step).as_str()])?;
            let requires: Vec<&str> = loaded
                .procedure
                .definition
                .step(&step)
                .and_then(|(_, s)| s.actions.iter().find(|a| a.key == action))
                .map(|a| a.requires.iter().copied().map(view::input_name).collect())
                .unwrap_or_default();
            let kind = super::attachments::kind_for(&requires);
            Prepared {
                attach: (attachments, kind),
                ..own(Command::Act {
                    step,
                    action,
                    inputs,
                })
            }
        }
        Request::Claim { step } => {
            official.require_any(&ACT, [step_division(loaded, &step).as_str()])?;
            own(Command::Claim { step })
        }
        Request::Release { step } => {
            official.require_any(&ACT, [step_division(loaded, &step).as_str()])?;
            own(Command::Release { step })
        }
        Request::Reassign { step, to } => {
            official.require_any(&[Action::Assign], [step_division(loaded, &step).as_str()])?;
            let to = actor_of(&site.tenant, official.guard.authz(), to);
            own(Command::Reassign { step, to })
        }
        Request::RetryPlugin { step } => {
            official.require_any(&[Action::Handle], [step_division(loaded, &step).as_str()])?;
            own(Command::RetryPlugin { step })
        }
        Request::Reschedule { due, reason } => {
            official.require_any(
                &[Action::Handle, Action::Approve],
                active.iter().map(String::as_str),
            )?;
            own(Command::Reschedule { due, reason })
        }
        Request::Stop { reason } => {
            let divisions = divisions_of(&loaded.procedure, manifest);
            official.require_any(&[Action::Approve], divisions.iter().map(String::as_str))?;
            own(Command::Stop { reason })
        }
        Request::Supplement {
            documents,
            attachments,
        } => {
            official.require_any(&[Action::Receive], [desk.as_str()])?;
            Prepared {
                attach: (attachments, DocumentKind::Supplement),
                ..at_desk(Command::Supplement { documents }, "supplement")
            }
        }
        Request::Withdraw { reason } => {
            official.require_any(&[Action::Receive], [desk.as_str()])?;
            at_desk(Command::Withdraw { reason }, "withdraw")
        }
        Request::Comment { .. } | Request::Consult { .. } | Request::AnswerConsultation { .. } => {
            return Err(ApiError(
                site.lang,
                Failure::internal(&"a note reached the workflow's commands"),
            ));
        }
    })
}

/// `POST /api/v1/onestop/dossiers/{code}/commands`.
pub(crate) async fn command(
    State(state): State<AppState>,
    guard: Guard,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let official = Official::from_guard(guard)?;
    let loaded = view::load(&state, &official, &code).await?;
    let lang = official.guard.site.lang;
    let body: CommandBody = crate::api::json_body(lang, &body)?;
    let pinned = (
        loaded.dossier.procedure_version,
        Arc::clone(&loaded.procedure),
    );
    match run(&state, &official, loaded, body).await? {
        Outcome::Done(dossier) => {
            // The dossier as the move left it: no second read.
            let fresh = view::loaded(&official, *dossier, pinned, &state).await?;
            let view = full_view(&state, &official, &fresh).await?;
            Ok((StatusCode::OK, Json(view)).into_response())
        }
        Outcome::Conflict(f) => {
            let fresh = view::load(&state, &official, &code).await?;
            let view = full_view(&state, &official, &fresh).await?;
            let body = json!({
                "error": { "code": f.code, "message": f.message.get(lang) },
                "dossier": view,
            });
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}

/// What a command came to, when it was not refused.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Done: the dossier as it is now stored.
    Done(Box<dossiers::Dossier>),
    /// Someone else moved the dossier first (409): the official must look again.
    Conflict(Failure),
}

/// Runs a command for `official`: done, or a conflict with a move stored meanwhile; any other
/// refusal is an error in the official's language.
pub(crate) async fn run(
    state: &AppState,
    official: &Official,
    loaded: Loaded,
    body: CommandBody,
) -> Result<Outcome, ApiError> {
    let site = &official.guard.site;
    let code = loaded.dossier.code;
    let command = match body.command.into_note() {
        Ok(note) => return notes::run(state, official, loaded, body.expected_version, note).await,
        Err(command) => *command,
    };
    let prepared = prepare(official, &loaded, command)?;
    let (uploads, kind) = &prepared.attach;
    let procedure = loaded.dossier.procedure_code.clone();
    let attach = super::attachments::attach_all(state, official, &procedure, uploads, kind).await?;
    let moved = handling::act_with(
        state,
        site,
        &code,
        &prepared.command,
        &prepared.actor,
        Some(body.expected_version),
        Utc::now(),
        handling::Extra {
            events: prepared.extra,
            attach,
            ..handling::Extra::default()
        },
    )
    .await;
    match moved {
        Ok(d) => Ok(Outcome::Done(Box::new(d))),
        Err(f) if f.status == StatusCode::CONFLICT => Ok(Outcome::Conflict(f)),
        Err(f) => Err(ApiError(site.lang, f)),
    }
}
