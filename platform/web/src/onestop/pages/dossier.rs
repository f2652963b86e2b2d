//! `GET /ho-so/{code}`: a dossier as an official works on it — its facts, applicant and e-form,
//! its documents (received, scanned, results) with download links, the steps it is at with one
//! small form per thing this official may do there (exactly what [`view::steps`] allows), what
//! they may do to the dossier as a whole, officials' comments and consultations, its history as
//! a timeline, and links to its printable forms.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::Utc;
use motcua_store::dossiers;
use serde::Deserialize;

use super::super::inbox::urgency;
use super::super::notes;
use super::super::official::Official;
use super::super::view::{self, Loaded, StepView};
use super::facts::{Fact, FormLink, applicant, facts, form_link, forms};
use super::history::{Entry, timeline};
use super::values::{Shown, shown};
use super::{Flash, Opt, Staff, local_time, page, respond, role_label};
use crate::AppState;
use crate::error::Failure;
use crate::guard::Guard;
use crate::session::Session;

/// An action's form.
struct ActionForm {
    key: String,
    label: String,
    /// A prefix for the ids of its inputs.
    id: String,
    needs_reason: bool,
    needs_result: bool,
    needs_documents: bool,
    reason: String,
    result: String,
    documents: String,
    /// Files chosen before a refusal, stored as uploads and sent again by id.
    kept: Vec<Kept>,
}

impl ActionForm {
    /// Whether the form carries files.
    fn takes_files(&self) -> bool {
        self.needs_documents || self.needs_result
    }
}

/// A file chosen in a form that was refused, kept as the official's upload.
#[derive(Clone, Debug)]
pub(super) struct Kept {
    /// The input it was chosen in (`files`, `result_files`).
    pub input: String,
    /// The upload's id.
    pub id: String,
    /// Its file name.
    pub name: String,
}

/// A document of the dossier.
struct DocumentRow {
    label: String,
    name: String,
    size: String,
    href: String,
    at: String,
    by: String,
}

/// An official's comment.
struct CommentRow {
    at: String,
    who: String,
    step: Option<String>,
    text: String,
}

/// A consultation.
struct ConsultationRow {
    id: i32,
    asked: String,
    who: String,
    to: String,
    question: String,
    reply_by: String,
    overdue: bool,
    answer: Option<String>,
    answered: String,
    can_answer: bool,
    /// The answer typed before a refusal.
    typed: String,
}

/// A step the dossier is at, with the official's forms.
struct StepBox {
    key: String,
    name: String,
    division: String,
    role: String,
    assignee: String,
    entered: String,
    due: Option<String>,
    urgency_label: Option<&'static str>,
    urgency: &'static str,
    waiting: &'static str,
    plugin_error: Option<String>,
    actions: Vec<ActionForm>,
    can_claim: bool,
    can_release: bool,
    can_retry: bool,
    /// The officials it may be handed to, when the official may reassign it.
    candidates: Option<Vec<Opt>>,
}

/// What the official may do to the dossier as a whole, with what was typed before a refusal.
struct Whole {
    stop: bool,
    reschedule: bool,
    supplement: bool,
    withdraw: bool,
    retained: Retained,
}

#[derive(Template)]
#[template(path = "onestop/dossier.html")]
struct DossierTemplate {
    staff: Staff,
    code: String,
    title: String,
    version: u64,
    facts: Vec<Fact>,
    applicant: Vec<Fact>,
    form: Vec<Shown>,
    steps: Vec<StepBox>,
    whole: Whole,
    history: Vec<Entry>,
    forms: Vec<FormLink>,
    documents: Vec<DocumentRow>,
    comments: Vec<CommentRow>,
    consultations: Vec<ConsultationRow>,
    can_consult: bool,
    /// The divisions that may be consulted.
    divisions: Vec<Opt>,
    /// The steps a comment may be about.
    step_options: Vec<Opt>,
    ok: Option<&'static str>,
    print: Option<FormLink>,
    error: Option<String>,
}

/// What an official typed in a form that was refused, to give it back to them.
#[derive(Clone, Debug, Default)]
pub(super) struct Retained {
    /// The command's type.
    pub kind: String,
    /// Its step.
    pub step: String,
    /// Its action.
    pub action: String,
    /// The reason typed.
    pub reason: String,
    /// The result typed.
    pub result: String,
    /// The documents typed.
    pub documents: String,
    /// The new date typed (reschedule).
    pub due_date: String,
    /// A comment typed.
    pub text: String,
    /// The division chosen to consult.
    pub division: String,
    /// The outside agency typed.
    pub agency: String,
    /// The question typed.
    pub question: String,
    /// The working days typed.
    pub working_days: String,
    /// The consultation answered.
    pub consultation: String,
    /// The answer typed.
    pub answer: String,
    /// Files chosen, kept as uploads.
    pub kept: Vec<Kept>,
}

/// What to tell the official above the dossier.
#[derive(Debug, Default)]
pub(super) struct Notice {
    /// A success, from the redirect's `?ok=`.
    pub ok: Option<Flash>,
    /// A refusal, shown on the page answering the form.
    pub error: Option<String>,
}

/// The accounts holding the step's role in its division (or in every division).
fn candidate_accounts(official: &Official, step: &StepView) -> Vec<i64> {
    let site = &official.guard.site;
    let (Some(role), Some(division)) = (step.role.as_deref(), step.division.as_deref()) else {
        return Vec::new();
    };
    let mut accounts: Vec<i64> = official
        .guard
        .authz()
        .assignments_in_force(site.tenant.id, chrono::Utc::now())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.role.as_str() == role && a.division.as_deref().is_none_or(|d| d == division))
        .map(|a| a.account)
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    accounts
}

/// The officials who may be handed the step, by name.
fn candidates(official: &Official, step: &StepView, names: &HashMap<String, String>) -> Vec<Opt> {
    let mut options: Vec<Opt> = candidate_accounts(official, step)
        .into_iter()
        .filter_map(|id| {
            let subject = motcua_authz::subject(id);
            let name = names.get(&subject)?;
            let label = if step.assignee.as_deref() == Some(subject.as_str()) {
                format!("{name} (đang xử lý)")
            } else {
                name.clone()
            };
            Some(Opt::new(&id.to_string(), &label, None))
        })
        .collect();
    options.sort_by(|a, b| a.label.cmp(&b.label));
    options
}

fn step_box(
    official: &Official,
    s: &StepView,
    names: &HashMap<String, String>,
    retained: &Retained,
    now: chrono::DateTime<Utc>,
) -> StepBox {
    let site = &official.guard.site;
    let urgency = s.due.map_or("", |due| urgency(&site.tenant, due, now));
    StepBox {
        actions: s
            .actions
            .iter()
            .map(|a| {
                let kept =
                    retained.kind == "act" && retained.step == s.step && retained.action == a.key;
                let keep = |v: &String| if kept { v.clone() } else { String::new() };
                ActionForm {
                    kept: if kept {
                        retained.kept.clone()
                    } else {
                        Vec::new()
                    },
                    id: format!("{}--{}", s.step, a.key),
                    needs_reason: a.requires.contains(&"reason"),
                    needs_result: a.requires.contains(&"result"),
                    needs_documents: a.requires.contains(&"documents"),
                    reason: keep(&retained.reason),
                    result: keep(&retained.result),
                    documents: keep(&retained.documents),
                    key: a.key.clone(),
                    label: a.label.clone(),
                }
            })
            .collect(),
        key: s.step.clone(),
        name: s.name.clone(),
        division: s
            .division_name
            .clone()
            .or_else(|| s.division.clone())
            .unwrap_or_default(),
        role: s.role.as_deref().map(role_label).unwrap_or_default(),
        assignee: match s.assignee.as_deref() {
            None => "Chưa có người nhận".to_owned(),
            Some(a) if a == official.actor.id => "Tôi".to_owned(),
            Some(a) => names.get(a).cloned().unwrap_or_else(|| a.to_owned()),
        },
        entered: local_time(site, s.entered_at),
        due: s.due.map(|d| local_time(site, d)),
        urgency_label: match urgency {
            "overdue" => Some("Quá hạn"),
            "due_soon" => Some("Sắp đến hạn"),
            _ => None,
        },
        urgency,
        waiting: match s.waiting {
            "plugin" => "Đang chờ phần mở rộng xử lý",
            "applicant" => "Đang chờ người nộp bổ sung",
            _ => "Đang chờ cán bộ xử lý",
        },
        plugin_error: s.plugin_error.clone(),
        can_claim: s.can_claim,
        can_release: s.can_release,
        can_retry: s.can_retry,
        candidates: s.can_reassign.then(|| candidates(official, s, names)),
    }
}

/// The dossier page for `official`, with `notice` above it and `retained` back in the form that
/// was refused, answered with `status`.
pub(super) async fn render(
    state: &AppState,
    official: &Official,
    staff: Staff,
    loaded: &Loaded,
    notice: Notice,
    retained: Retained,
    status: StatusCode,
) -> Result<Response, Failure> {
    let site = &official.guard.site;
    let lang = site.lang;
    let now = Utc::now();
    let (steps, whole) = view::steps(loaded, official, now);
    let candidates: Vec<i64> = steps
        .iter()
        .filter(|s| s.can_reassign)
        .flat_map(|s| candidate_accounts(official, s))
        .collect();
    let record = dossiers::record(&state.store, site.tenant.id, &loaded.dossier, |e, d| {
        let mut ids = view::account_ids(
            view::named_in(e, loaded).chain(d.iter().map(|d| d.attached_by.as_str())),
        );
        ids.extend(&candidates);
        ids
    })
    .await?;
    let names = view::by_subject(record.names);
    let (events, stored) = (record.events, record.documents);
    let events = view::history(events, &names);
    let code = loaded.dossier.code.to_string();
    let who = |actor: &str| {
        names
            .get(actor)
            .cloned()
            .unwrap_or_else(|| actor.to_owned())
    };
    let documents = stored
        .iter()
        .map(|d| DocumentRow {
            label: super::super::attachments::kind_label(&d.kind),
            name: d.file_name.clone(),
            size: format!("{} KB", d.size.div_ceil(1024)),
            href: super::super::attachments::href(&code, d),
            at: local_time(site, d.attached_at),
            by: who(&d.attached_by),
        })
        .collect();
    let step_name = |key: &str| {
        loaded
            .procedure
            .definition
            .step(key)
            .map_or_else(|| key.to_owned(), |(_, s)| s.name.get(lang).to_owned())
    };
    let comments = notes::comments(&events)
        .into_iter()
        .map(|e| CommentRow {
            at: local_time(site, e.at),
            who: who(&e.actor),
            step: e.data["step"].as_str().map(&step_name),
            text: e.data["text"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let manifest = &site.tenant.manifest;
    let consultations = notes::consultations(&events, now)
        .into_iter()
        .map(|c| ConsultationRow {
            id: c.id,
            asked: local_time(site, c.asked_at),
            who: who(&c.asked_by),
            to: match (&c.division, &c.agency) {
                (Some(d), _) => manifest
                    .division(d)
                    .map_or_else(|| d.clone(), |x| x.name.get(lang).to_owned()),
                (None, Some(a)) => format!("{a} (cơ quan bên ngoài)"),
                (None, None) => String::new(),
            },
            question: c.question.clone(),
            reply_by: c.reply_by.map(|t| local_time(site, t)).unwrap_or_default(),
            overdue: c.overdue,
            answer: c.answer.clone(),
            answered: match (c.answered_at, &c.answered_by) {
                (Some(at), Some(by)) => format!("{} — {}", local_time(site, at), who(by)),
                _ => String::new(),
            },
            can_answer: notes::may_answer(official, loaded, &c),
            typed: if retained.kind == "answer" && retained.consultation == c.id.to_string() {
                retained.answer.clone()
            } else {
                String::new()
            },
        })
        .collect();
    let chosen = Some(retained.division.as_str()).filter(|d| !d.is_empty());
    let divisions = manifest
        .divisions
        .iter()
        .map(|d| Opt::new(d.key.as_str(), d.name.get(lang), chosen))
        .collect();
    let on_step = Some(retained.step.as_str()).filter(|_| retained.kind == "comment");
    let step_options = steps
        .iter()
        .map(|s| Opt::new(&s.step, &s.name, on_step))
        .collect();
    let template = DossierTemplate {
        staff,
        title: loaded.procedure.file.info.name.get(lang).to_owned(),
        version: loaded.state.version,
        facts: facts(official, loaded, now),
        applicant: applicant(loaded),
        form: shown(&loaded.procedure.form, &loaded.dossier.form, lang),
        steps: steps
            .iter()
            .map(|s| step_box(official, s, &names, &retained, now))
            .collect(),
        whole: Whole {
            stop: whole.stop,
            reschedule: whole.reschedule,
            supplement: whole.supplement,
            withdraw: whole.withdraw,
            retained,
        },
        history: timeline(site, &loaded.procedure, &events, &names),
        forms: forms(&code, &events),
        documents,
        comments,
        consultations,
        can_consult: notes::may_consult(official, loaded),
        divisions,
        step_options,
        ok: notice.ok.map(Flash::message),
        print: notice
            .ok
            .and_then(Flash::form)
            .and_then(|f| form_link(&code, f)),
        error: notice.error,
        code,
    };
    Ok(page(status, &template))
}

/// The query of the dossier page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    /// The outcome of the form that led here.
    #[serde(default)]
    ok: Option<String>,
}

/// `GET /ho-so/{code}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(code): Path<String>,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "inbox");
    let outcome = async {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let loaded = view::load(&state, &official, &code)
            .await
            .map_err(|e| e.1)?;
        let notice = Notice {
            ok: Query::<PageQuery>::try_from_uri(&uri)
                .ok()
                .and_then(|q| q.0.ok)
                .as_deref()
                .and_then(Flash::parse),
            error: None,
        };
        render(
            &state,
            &official,
            staff.clone(),
            &loaded,
            notice,
            Retained::default(),
            StatusCode::OK,
        )
        .await
    }
    .await;
    respond(&site, staff, outcome)
}
