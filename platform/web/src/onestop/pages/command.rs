//! `POST /ho-so/{code}/thao-tac`: a form of the dossier page, turned into the JSON API's
//! command and run through [`api::run`], so that a form is accepted exactly when the API would
//! accept it.
//!
//! Accepted: 303 back to the dossier with a fixed `?ok=` code. Refused: the dossier page as it
//! now stands, with the refusal (the engine's message, or for two officials acting at once the
//! conflict) above it, what the official typed back in the form, and the refusal's status.
//!
//! The forms of actions that take files (the result documents of a return, the papers of an
//! action requiring documents, a supplement's scans) are `multipart/form-data`: each file is
//! stored as the official's upload while it arrives, held to the procedure's limits, and
//! attached in the move's transaction. A file refused, or a refusal of the move, keeps the
//! files stored as uploads, which the page sends again by id (`kept`), so nothing is chosen
//! twice; uploads never attached expire and are swept.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_workflow::engine::Inputs;

use super::super::api::{self, CommandBody, Request};
use super::super::official::Official;
use super::super::view;
use super::dossier::{Kept, Notice, Retained, render};
use super::sent::{self, Files};
use super::{Flash, Staff, WhenPart, field, local_when, respond, see_other};
use crate::AppState;
use crate::error::Failure;
use crate::guard::Guard;
use crate::host::Site;
use crate::session::Session;

/// The references of a `documents` box: one per line or between commas.
fn documents(text: &str) -> Vec<String> {
    text.split([',', '\n', ';'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.is_empty()).map(str::to_owned)
}

/// What the official typed, to give back after a refusal.
fn retained(pairs: &[(String, String)]) -> Retained {
    let get = |name| field(pairs, name).unwrap_or_default().to_owned();
    Retained {
        kind: get("type"),
        step: get("step"),
        action: get("action"),
        reason: get("reason"),
        result: get("result"),
        documents: get("documents"),
        due_date: get("due_date"),
        text: get("text"),
        division: get("division"),
        agency: get("agency"),
        question: get("question"),
        working_days: get("working_days"),
        consultation: get("consultation"),
        answer: get("answer"),
        kept: Vec::new(),
    }
}

/// The files of the form: those stored now and those kept from a refused attempt, by id, with
/// their names; and the refusals of files, in words.
fn files(sent: &sent::Sent) -> (Vec<Kept>, Vec<String>) {
    let mut kept: Vec<Kept> = ["files", "result_files"]
        .into_iter()
        .flat_map(|input| {
            sent.files_of(input).into_iter().map(move |u| Kept {
                input: input.to_owned(),
                id: u.id.to_string(),
                name: u.meta.file_name.clone(),
            })
        })
        .collect();
    for (k, v) in &sent.pairs {
        // `kept` = `<input>|<id>|<name>`, as the page wrote it.
        if k == "kept"
            && let Some((input, rest)) = v.split_once('|')
            && let Some((id, name)) = rest.split_once('|')
            && matches!(input, "files" | "result_files")
        {
            kept.push(Kept {
                input: input.to_owned(),
                id: id.to_owned(),
                name: name.to_owned(),
            });
        }
    }
    let refused = sent.refused.iter().map(|r| r.message.clone()).collect();
    (kept, refused)
}

/// The form as the API's command, or what is wrong with it in words.
fn parse(
    site: &Site,
    pairs: &[(String, String)],
    kept: &[Kept],
) -> Result<(CommandBody, Flash), &'static str> {
    let get = |name| field(pairs, name).unwrap_or_default();
    let step = || get("step").to_owned();
    let ids = |input: &str| {
        kept.iter()
            .filter(|k| k.input == input)
            .map(|k| k.id.clone())
            .collect::<Vec<_>>()
    };
    let names = |input: &str| {
        kept.iter()
            .filter(|k| k.input == input)
            .map(|k| k.name.clone())
            .collect::<Vec<_>>()
    };
    let expected_version = get("expected_version")
        .parse()
        .map_err(|_| "Biểu mẫu thiếu phiên bản hồ sơ; hãy tải lại trang và thử lại.")?;
    let (command, flash) = match get("type") {
        "act" => {
            // Files stand for the documents or the result not written out.
            let mut typed = documents(get("documents"));
            if typed.is_empty() {
                typed = names("files");
            }
            let result = optional(Some(get("result")))
                .or_else(|| Some(names("result_files").join(", ")).filter(|r| !r.is_empty()));
            let mut attachments = ids("files");
            attachments.extend(ids("result_files"));
            (
                Request::Act {
                    step: step(),
                    action: get("action").to_owned(),
                    inputs: Inputs {
                        reason: optional(Some(get("reason"))),
                        documents: typed,
                        result,
                    },
                    attachments,
                },
                Flash::Act,
            )
        }
        "comment" => (
            Request::Comment {
                text: get("text").to_owned(),
                step: optional(Some(get("step"))),
            },
            Flash::Comment,
        ),
        "consult" => {
            let (division, agency) = match get("to") {
                "agency" => (None, optional(Some(get("agency")))),
                _ => (optional(Some(get("division"))), None),
            };
            let working_days = get("working_days")
                .parse()
                .map_err(|_| "Hãy ghi thời hạn trả lời bằng số ngày làm việc.")?;
            (
                Request::Consult {
                    division,
                    agency,
                    question: get("question").to_owned(),
                    working_days,
                },
                Flash::Consult,
            )
        }
        "answer" => (
            Request::AnswerConsultation {
                consultation: get("consultation")
                    .parse()
                    .map_err(|_| "Yêu cầu lấy ý kiến không hợp lệ.")?,
                answer: get("answer").to_owned(),
            },
            Flash::Answer,
        ),
        "claim" => (Request::Claim { step: step() }, Flash::Claim),
        "release" => (Request::Release { step: step() }, Flash::Release),
        "retry_plugin" => (Request::RetryPlugin { step: step() }, Flash::RetryPlugin),
        "reassign" => {
            let to = get("to")
                .parse()
                .map_err(|_| "Hãy chọn cán bộ được giao xử lý.")?;
            (Request::Reassign { step: step(), to }, Flash::Reassign)
        }
        "reschedule" => {
            let due = local_when(site, get("due_date"), get("due_time")).map_err(|p| match p {
                WhenPart::Date => "Hãy chọn ngày hẹn trả kết quả mới.",
                WhenPart::Time => "Giờ hẹn trả kết quả mới không hợp lệ (giờ:phút).",
                WhenPart::Instant => "Thời điểm hẹn trả kết quả mới không hợp lệ.",
            })?;
            let reason = get("reason").to_owned();
            (Request::Reschedule { due, reason }, Flash::Reschedule)
        }
        "stop" => (
            Request::Stop {
                reason: get("reason").to_owned(),
            },
            Flash::Stop,
        ),
        "supplement" => {
            let mut typed = documents(get("documents"));
            if typed.is_empty() {
                typed = names("files");
            }
            (
                Request::Supplement {
                    documents: typed,
                    attachments: ids("files"),
                },
                Flash::Supplement,
            )
        }
        "withdraw" => (
            Request::Withdraw {
                reason: get("reason").to_owned(),
            },
            Flash::Withdraw,
        ),
        _ => return Err("Thao tác không hợp lệ."),
    };
    Ok((
        CommandBody {
            expected_version,
            command,
        },
        flash,
    ))
}

/// `POST /ho-so/{code}/thao-tac`.
pub(crate) async fn command(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "inbox");
    let outcome = async {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let loaded = view::load(&state, &official, &code)
            .await
            .map_err(|e| e.1)?;
        let to = Files {
            owner: official.actor.id.clone(),
            procedure: loaded.dossier.procedure_code.clone(),
            rules: motcua_workflow::attachments::Rules::of(&loaded.procedure.file),
        };
        let sent = sent::read(&state, &site, req, &to).await?;
        let pairs = &sent.pairs;
        let mut kept = retained(pairs);
        let (files, refused) = files(&sent);
        kept.kept = files.clone();
        let code = loaded.dossier.code.to_string();
        let parsed = if refused.is_empty() {
            parse(&site, pairs, &files).map_err(str::to_owned)
        } else {
            Err(refused.join(" "))
        };
        let (body, flash) = match parsed {
            Ok(parsed) => parsed,
            Err(message) => {
                let notice = Notice {
                    ok: None,
                    error: Some(message),
                };
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render(
                    &state,
                    &official,
                    staff.clone(),
                    &loaded,
                    notice,
                    kept,
                    status,
                )
                .await;
            }
        };
        let (status, message) = match api::run(&state, &official, loaded, body).await {
            Ok(api::Outcome::Done(_)) => {
                return Ok(see_other(&format!("/ho-so/{code}?ok={}", flash.code())));
            }
            Ok(api::Outcome::Conflict(f)) => (
                f.status,
                format!(
                    "{} Trang dưới đây là hồ sơ như hiện nay; hãy xem lại trước khi thao tác.",
                    f.message.get(site.lang)
                ),
            ),
            Err(e) if e.1.status.is_server_error() => return Err::<Response, Failure>(e.1),
            Err(e) => (e.1.status, e.1.message.get(site.lang).to_owned()),
        };
        let fresh = view::load(&state, &official, &code)
            .await
            .map_err(|e| e.1)?;
        let notice = Notice {
            ok: None,
            error: Some(message),
        };
        render(
            &state,
            &official,
            staff.clone(),
            &fresh,
            notice,
            kept,
            status,
        )
        .await
    }
    .await;
    respond(&site, staff, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_split_on_lines_and_commas() {
        assert_eq!(
            documents(" CV-12/2026, BB-3\nQĐ 45 ;\n\n"),
            ["CV-12/2026", "BB-3", "QĐ 45"]
        );
        assert!(documents("  ").is_empty());
    }
}
