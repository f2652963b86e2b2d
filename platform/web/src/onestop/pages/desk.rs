//! The reception desk's pages: `GET /tiep-nhan` (the procedures this official may receive, by
//! case), `GET /tiep-nhan/{procedure}?case=` (the reception form) and
//! `POST /tiep-nhan/{procedure}` (receive it and take the desk's decision through
//! [`desk::take`], as the JSON API does).
//!
//! The form carries an idempotency key made when it was shown: a double click, or the same form
//! sent again, answers with the dossier the first one created. A refusal shows the form again
//! with everything typed and each problem next to its field.
//!
//! The form is `multipart/form-data`: next to each document of the checklist the official may
//! attach its scans (`scan.<document code>`), stored as the official's uploads while they arrive
//! and held to the procedure's limits, then attached with the receipt in its transaction. A scan
//! refused (type, size) is named at its document and not kept; the scans stored are shown again
//! after any refusal and sent back by id (`kept_scan`), so the official never chooses them twice.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use motcua_authz::Action;
use motcua_core::dossier::Channel;
use motcua_core::procedure::Case;
use serde::Deserialize;

use super::super::desk::{self, Decision, DeskAttachment, DeskBody};
use super::super::official::Official;
use super::reception::{KeptScan, Problems, applicant, form_page, place};
use super::sent::{self, Files};
use super::{Flash, Staff, page, respond, see_other};
use crate::AppState;
use crate::eform::{Entered, form_json};
use crate::error::Failure;
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::session::Session;
use crate::sites::Live;

/// A procedure the official may receive, with its cases.
struct Receivable {
    name: String,
    code: String,
    /// `(href, name)` per case.
    cases: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "onestop/desk_home.html")]
struct DeskHome {
    staff: Staff,
    procedures: Vec<Receivable>,
}

fn forbidden() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(
            "Bạn không được phân công tiếp nhận hồ sơ của thủ tục này tại Bộ phận Một cửa.",
            "You do not receive this procedure's dossiers at the one-stop desk.",
        ),
    )
}

/// 403 unless the official may receive at `live`'s desk.
fn may_receive(official: &Official, live: &Live) -> Result<(), Failure> {
    let desk = live
        .info()
        .desk(&official.guard.site.tenant.manifest)
        .key
        .to_string();
    if official.may(Action::Receive, &desk) {
        Ok(())
    } else {
        Err(forbidden())
    }
}

/// `GET /tiep-nhan`.
pub(crate) async fn desk_home(
    State(_): State<AppState>,
    guard: Guard,
    session: Session,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "desk");
    let outcome = (|| -> Result<Response, Failure> {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let lang = site.lang;
        official.require_some_desk().map_err(|_| forbidden())?;
        let procedures = site
            .tenant
            .procedures
            .iter()
            .filter(|p| may_receive(&official, p).is_ok())
            .map(|p| {
                let code = p.info().code.to_string();
                Receivable {
                    name: p.info().name.get(lang).to_owned(),
                    cases: p
                        .info()
                        .cases
                        .iter()
                        .map(|c| {
                            let href = format!("/tiep-nhan/{code}?case={}", c.key);
                            (href, c.name.get(lang).to_owned())
                        })
                        .collect(),
                    code,
                }
            })
            .collect();
        Ok(page(
            StatusCode::OK,
            &DeskHome {
                staff: staff.clone(),
                procedures,
            },
        ))
    })();
    respond(&site, staff, outcome)
}

fn procedure<'s>(official: &'s Official, code: &str) -> Result<&'s Live, Failure> {
    official.guard.site.tenant.procedure(code).ok_or_else(|| {
        Failure::not_found(Msg::new(
            format!("Không có thủ tục mã {code}."),
            format!("There is no procedure with code {code}."),
        ))
    })
}

fn case<'l>(live: &'l Live, key: Option<&str>) -> Result<&'l Case, Failure> {
    let cases = &live.info().cases;
    match key.filter(|k| !k.is_empty()) {
        None => cases.first(),
        Some(k) => cases.iter().find(|c| c.key.as_str() == k),
    }
    .ok_or_else(|| {
        Failure::not_found(Msg::new(
            "Trường hợp đã chọn không thuộc thủ tục này.",
            "The chosen case does not belong to this procedure.",
        ))
    })
}

/// The query of the reception form.
#[derive(Debug, Deserialize)]
pub(crate) struct CaseQuery {
    /// The case's key (the procedure's first case when absent).
    #[serde(default)]
    case: Option<String>,
}

/// `GET /tiep-nhan/{procedure}?case=`.
pub(crate) async fn desk_form(
    State(_): State<AppState>,
    guard: Guard,
    session: Session,
    Path(code): Path<String>,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "desk");
    let outcome = (|| -> Result<Response, Failure> {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let live = procedure(&official, &code)?;
        may_receive(&official, live)?;
        let query = Query::<CaseQuery>::try_from_uri(&uri)
            .ok()
            .and_then(|q| q.0.case);
        let case = case(live, query.as_deref())?;
        let key = crate::session::random_secret(18)?;
        let empty = Entered::default();
        let form = form_page(
            &official,
            staff.clone(),
            live,
            case,
            &empty,
            Problems::default(),
            key,
            &[],
        );
        Ok(page(StatusCode::OK, &form))
    })();
    respond(&site, staff, outcome)
}

/// The scans of the form: those stored now (`scan.<code>`) and those kept from a refused
/// attempt (`kept_scan` = `<code>|<upload id>|<file name>`).
fn kept_scans(sent: &sent::Sent) -> Vec<KeptScan> {
    let mut scans: Vec<KeptScan> = sent
        .files
        .iter()
        .filter_map(|(input, u)| {
            Some(KeptScan {
                document: input.strip_prefix("scan.")?.to_owned(),
                id: u.id.to_string(),
                name: u.meta.file_name.clone(),
            })
        })
        .collect();
    for (k, v) in &sent.pairs {
        if k == "kept_scan"
            && let Some((document, rest)) = v.split_once('|')
            && let Some((id, name)) = rest.split_once('|')
        {
            scans.push(KeptScan {
                document: document.to_owned(),
                id: id.to_owned(),
                name: name.to_owned(),
            });
        }
    }
    scans
}

/// Puts the refused scans, and scans of documents not ticked, at their documents; whether
/// there were none.
fn scan_problems(
    sent: &sent::Sent,
    scans: &[KeptScan],
    entered: &Entered,
    problems: &mut Problems,
) -> bool {
    let mut ok = true;
    for r in &sent.refused {
        problems.add(&r.input, r.message.clone());
        ok = false;
    }
    for s in scans {
        if !entered.has("documents", &s.document) {
            problems.add(
                &format!("scan.{}", s.document),
                format!(
                    "Tệp “{}” được đính kèm cho giấy tờ chưa đánh dấu đã nhận: hãy đánh dấu giấy tờ này, hoặc chọn lại tệp cho đúng giấy tờ.",
                    s.name
                ),
            );
            ok = false;
        }
    }
    ok
}

/// `POST /tiep-nhan/{procedure}`.
pub(crate) async fn desk_submit(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "desk");
    let lang = site.lang;
    let outcome = async {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let live = procedure(&official, &code)?.clone();
        may_receive(&official, &live)?;
        let to = Files {
            owner: official.actor.id.clone(),
            procedure: code.clone(),
            rules: motcua_workflow::attachments::Rules::of(&live.procedure.file),
        };
        let sent = sent::read(&state, &site, req, &to).await?;
        let pairs = &sent.pairs;
        let mut entered = Entered::new(pairs);
        let scans = kept_scans(&sent);
        let case = case(&live, Some(entered.one("case")))?.clone();
        let key = Some(entered.one("idempotency_key").to_owned())
            .filter(|k| !k.is_empty() && k.len() <= 200 && k.is_ascii());
        let form = form_json(&live.procedure.form, &mut entered);
        let mut problems = Problems::default();
        let scans_ok = scan_problems(&sent, &scans, &entered, &mut problems);
        let show = |entered: &Entered, problems, key: Option<String>, status| {
            let key = match key {
                Some(k) => k,
                None => crate::session::random_secret(18)?,
            };
            let form = form_page(
                &official,
                staff.clone(),
                &live,
                &case,
                entered,
                problems,
                key,
                &scans,
            );
            Ok::<_, Failure>(page(status, &form))
        };
        // "Thêm dòng": the same form with one row more, nothing sent.
        if !entered.one("them_dong").is_empty() {
            return show(&entered, problems, key, StatusCode::OK);
        }
        let invalid = StatusCode::UNPROCESSABLE_ENTITY;
        let applicant = applicant(&entered, &mut problems);
        let channel = match entered.one("channel") {
            "post" => Channel::Post,
            _ => Channel::Desk,
        };
        let decision = match entered.one("decision") {
            "accept" => Some(Decision::Accept),
            "supplement" => Some(Decision::Supplement),
            "refuse" => Some(Decision::Refuse),
            _ => None,
        };
        if decision.is_none() {
            problems.general.push(
                "Hãy chọn một quyết định: tiếp nhận, yêu cầu bổ sung hoặc từ chối.".to_owned(),
            );
        }
        let (Some(applicant), Some(decision), true) = (applicant, decision, scans_ok) else {
            // Every problem at once: the e-form's too.
            if let Err(fields) = live.procedure.form.validate(&form, chrono::Utc::now()) {
                place(Failure::form(fields), lang, &mut problems);
            }
            return show(&entered, problems, key, invalid);
        };
        let body = DeskBody {
            procedure: code.clone(),
            case: Some(case.key.to_string()),
            channel,
            applicant,
            form,
            documents: entered
                .all("documents")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            decision,
            reason: Some(entered.one("reason").to_owned()),
            attachments: scans
                .iter()
                .map(|s| DeskAttachment {
                    upload: s.id.clone(),
                    document: s.document.clone(),
                })
                .collect(),
        };
        match desk::take(&state, &official, body, key.clone()).await {
            Ok((received, decision)) => {
                let d = received.dossier();
                let flash = Flash::Received(decision.form());
                Ok(see_other(&format!("/ho-so/{}?ok={}", d.code, flash.code())))
            }
            Err(e) if e.1.status == invalid => {
                place(e.1, lang, &mut problems);
                show(&entered, problems, key, invalid)
            }
            Err(e) => Err(e.1),
        }
    }
    .await;
    respond(&site, staff, outcome)
}
