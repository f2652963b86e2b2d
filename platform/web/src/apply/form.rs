//! The submission form: `GET` shows it (resuming the citizen's draft, if any), `POST` saves what
//! was sent as the draft and then, as the button pressed asks, shows the form again (another
//! case, a table row more), returns to it with a notice ("Lưu nháp / Save draft"), or checks
//! everything and goes on to the review ("Tiếp tục / Continue").

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::lang::Lang;
use motcua_core::procedure::Case;
use motcua_store::drafts::{self, Draft, DraftDocument, NewDraft};
use motcua_workflow::attachments::Rules;
use motcua_workflow::form::CompiledForm;
use motcua_workflow::schema::FieldType;
use serde_json::{Value, json};

use super::{
    Applicant, ApplyLabels, applicant, apply_labels, notice, other_language, procedure,
    review_path, sent,
};
use crate::AppState;
use crate::catalogue::{apply_path, procedure_path};
use crate::eform::{self, Entered, FieldView, form_json, input_of, views};
use crate::error::Failure;
use crate::host::Site;
use crate::pages::{PageCtx, local_time, render};
use crate::session::Session;
use crate::sites::Live;

/// The problems found, by input name and for the form as a whole.
#[derive(Debug, Default)]
pub(super) struct Problems {
    by_input: HashMap<String, Vec<String>>,
    general: Vec<String>,
}

impl Problems {
    fn add(&mut self, name: &str, text: impl Into<String>) {
        self.by_input
            .entry(name.to_owned())
            .or_default()
            .push(text.into());
    }

    /// Adds a problem at input `name`.
    pub(super) fn add_at(&mut self, name: &str, text: impl Into<String>) {
        self.add(name, text);
    }

    /// Adds a problem of the form as a whole.
    pub(super) fn add_general(&mut self, text: impl Into<String>) {
        self.general.push(text.into());
    }

    fn at(&self, name: &str) -> Vec<String> {
        self.by_input.get(name).cloned().unwrap_or_default()
    }

    /// Whether nothing was found.
    pub(super) fn is_empty(&self) -> bool {
        self.by_input.is_empty() && self.general.is_empty()
    }
}

/// A case to choose.
struct CaseOption {
    key: String,
    name: String,
    checked: bool,
}

/// A document of the case, with its file input.
struct DocumentInput {
    code: String,
    name: String,
    quantity: u32,
    optional: bool,
    input: String,
    id: String,
    /// The file uploaded already: name and size.
    uploaded: Option<(String, String)>,
    errors: Vec<String>,
}

/// A line of the error summary, linking to its input.
struct SummaryItem {
    href: String,
    text: String,
}

/// A contact input of the applicant.
struct Contact {
    name: &'static str,
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    maxlength: u32,
    value: String,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "apply/form.html")]
pub(super) struct FormPage {
    page: PageCtx,
    l: &'static ApplyLabels,
    csrf: String,
    action: String,
    back: String,
    procedure_name: String,
    notice: Option<String>,
    name: String,
    citizen_id: String,
    contacts: Vec<Contact>,
    cases: Vec<CaseOption>,
    case_name: String,
    fields: Vec<FieldView>,
    documents: Vec<DocumentInput>,
    summary: Vec<SummaryItem>,
    general: Vec<String>,
    accept: String,
    limits: String,
}

/// What the form shows: the case, what was typed and the files uploaded.
pub(super) struct Typed {
    /// The case chosen.
    pub case: Case,
    /// The inputs typed.
    pub entered: Entered,
    /// The files uploaded, by document code.
    pub documents: BTreeMap<String, DraftDocument>,
}

impl Typed {
    /// What a stored draft holds, as inputs, for case `case` (the draft's, or the first, when
    /// not given or not the procedure's); `None` for a procedure without cases (which does not
    /// load).
    pub(super) fn of(live: &Live, draft: Option<&Draft>, case: Option<&str>) -> Option<Self> {
        let info = live.info();
        let key = case
            .filter(|k| !k.is_empty())
            .or_else(|| draft.map(|d| d.content.case_key.as_str()))
            .unwrap_or_default();
        let case = info
            .cases
            .iter()
            .find(|c| c.key.as_str() == key)
            .or_else(|| info.cases.first())?
            .clone();
        let mut pairs = Vec::new();
        let mut documents = BTreeMap::new();
        if let Some(d) = draft {
            for k in ["phone", "email", "address"] {
                if let Some(v) = d.content.applicant.get(k).and_then(Value::as_str) {
                    pairs.push((format!("applicant.{k}"), v.to_owned()));
                }
            }
            pairs.extend(eform::shown::typed(&live.procedure.form, &d.content.form));
            documents = d.content.documents.clone();
        }
        Some(Self {
            case,
            entered: Entered::new(&pairs),
            documents,
        })
    }
}

/// The form page of `live` with what was typed and the problems found.
#[expect(
    clippy::too_many_arguments,
    reason = "what the form shows again, each from its own source"
)]
pub(super) fn form_page(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: &Session,
    live: &Live,
    who: &Applicant<'_>,
    typed: &Typed,
    problems: Problems,
    notice: Option<String>,
) -> FormPage {
    let lang = site.lang;
    let l = apply_labels(lang);
    let info = live.info();
    let code = info.code.to_string();
    let more = Some(typed.entered.one("them_dong")).filter(|k| !k.is_empty());
    let mut fields = views(
        &live.procedure.form,
        &typed.entered,
        &problems.by_input,
        more,
        lang,
    );
    for f in &mut fields {
        f.supplied_by = live
            .procedure
            .form
            .field(&f.key)
            .filter(|c| c.kind == FieldType::File)
            .and_then(|c| c.document.clone());
    }
    let contact = |name: &'static str,
                   id: &'static str,
                   label: &'static str,
                   kind: &'static str,
                   autocomplete: &'static str,
                   maxlength: u32| Contact {
        name,
        id,
        label,
        kind,
        autocomplete,
        maxlength,
        value: typed.entered.one(name).to_owned(),
        errors: problems.at(name),
    };
    let contacts = vec![
        contact(
            "applicant.phone",
            "applicant-phone",
            l.phone,
            "tel",
            "tel",
            30,
        ),
        contact(
            "applicant.email",
            "applicant-email",
            l.email,
            "email",
            "email",
            200,
        ),
        contact(
            "applicant.address",
            "applicant-address",
            l.address,
            "text",
            "street-address",
            500,
        ),
    ];
    let documents: Vec<DocumentInput> = typed
        .case
        .documents
        .iter()
        .map(|d| {
            let input = format!("doc.{}", d.code);
            DocumentInput {
                code: d.code.clone(),
                name: d.name.get(lang).to_owned(),
                quantity: d.quantity,
                optional: d.optional,
                id: format!("doc-{}", d.code),
                uploaded: typed
                    .documents
                    .get(&d.code)
                    .map(|u| (u.name.clone(), super::labels::size(u.size))),
                errors: problems.at(&input),
                input,
            }
        })
        .collect();
    let mut summary = Vec::new();
    let mut item = |id: &str, label: &str, errors: &[String]| {
        for e in errors {
            summary.push(SummaryItem {
                href: format!("#{id}"),
                text: format!("{label}: {e}"),
            });
        }
    };
    for c in &contacts {
        item(c.id, c.label, &c.errors);
    }
    for f in &fields {
        item(&f.id, &f.label, &f.errors);
        for cell in f.rows.iter().flatten() {
            item(
                &cell.id,
                &format!("{} — {}", f.label, cell.label),
                &cell.errors,
            );
        }
    }
    for d in &documents {
        item(&d.id, &d.name, &d.errors);
    }
    let rules = Rules::of(&live.procedure.file);
    FormPage {
        page: super::page_ctx(state, site, headers, |lang| apply_path(lang, &code)),
        l,
        csrf: session.csrf.clone().unwrap_or_default(),
        action: apply_path(lang, &code),
        back: procedure_path(lang, &code),
        procedure_name: info.name.get(lang).to_owned(),
        notice,
        name: who.identity.name.clone(),
        citizen_id: who.citizen_id.to_owned(),
        contacts,
        cases: info
            .cases
            .iter()
            .map(|c| CaseOption {
                key: c.key.to_string(),
                name: c.name.get(lang).to_owned(),
                checked: c.key == typed.case.key,
            })
            .collect(),
        case_name: typed.case.name.get(lang).to_owned(),
        fields,
        documents,
        summary,
        general: problems.general,
        accept: rules
            .types
            .iter()
            .map(|t| t.mime())
            .collect::<Vec<_>>()
            .join(","),
        limits: lang.pick(
            format!(
                "tối đa {} mỗi tệp; loại tệp: {}",
                super::labels::size(rules.max_file_size),
                rules.type_names()
            ),
            format!(
                "at most {} a file; types: {}",
                super::labels::size(rules.max_file_size),
                rules.type_names()
            ),
        ),
    }
}

/// Everything a submission must get right, as the review and the submission check it: the
/// contact typed, the e-form by the procedure's rules, and a file for every document the case
/// requires.
pub(super) fn check(live: &Live, typed: &Typed, form: &Value, lang: Lang) -> Problems {
    let mut problems = Problems::default();
    let email = typed.entered.one("applicant.email");
    let email_ok =
        email.contains('@') && !email.contains(char::is_whitespace) && email.len() <= 200;
    if !email.is_empty() && !email_ok {
        problems.add(
            "applicant.email",
            lang.pick(
                "Địa chỉ thư điện tử không hợp lệ.",
                "This is not a valid e-mail address.",
            ),
        );
    }
    let phone = typed.entered.one("applicant.phone");
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !phone.is_empty()
        && (!phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
            || !(8..=15).contains(&digits))
    {
        problems.add(
            "applicant.phone",
            lang.pick(
                "Số điện thoại gồm 8 đến 15 chữ số.",
                "A telephone number has 8 to 15 digits.",
            ),
        );
    }
    if let Err(fields) = live.procedure.form.validate(form, chrono::Utc::now()) {
        for f in fields {
            let text = f.message.get(lang).to_owned();
            let document = live
                .procedure
                .form
                .field(&f.field)
                .and_then(|c| c.document.as_deref());
            match document {
                // A document's file: named at the document (once, when it is missing).
                Some(code) if typed.case.documents.iter().any(|d| d.code == code) => {
                    if typed.documents.contains_key(code) {
                        problems.add(&format!("doc.{code}"), text);
                    }
                }
                _ if f.field.is_empty() => problems.general.push(text),
                _ => problems.add(&input_of(&f.field), text),
            }
        }
    }
    for d in &typed.case.documents {
        if !d.optional && !typed.documents.contains_key(&d.code) {
            problems.add(
                &format!("doc.{}", d.code),
                lang.pick("Cần đính kèm giấy tờ này.", "Attach this document."),
            );
        }
    }
    problems
}

/// Fills the e-form's file fields that a document supplies with the reference of that
/// document's file (and empties those whose document has none).
pub(super) fn with_documents(
    form: &CompiledForm,
    json: &mut Value,
    documents: &BTreeMap<String, DraftDocument>,
) {
    let Some(object) = json.as_object_mut() else {
        return;
    };
    for f in form.fields.iter().filter(|f| f.kind == FieldType::File) {
        let Some(code) = &f.document else { continue };
        match documents.get(code) {
            Some(d) => {
                object.insert(
                    f.key.clone(),
                    json!({
                        "sha256": d.sha256,
                        "name": d.name,
                        "size": d.size,
                        "content_type": d.content_type,
                    }),
                );
            }
            None => {
                object.remove(&f.key);
            }
        }
    }
}

/// A procedure without cases (which never loads): nothing to apply for.
pub(super) fn no_case() -> Failure {
    Failure::not_found(crate::i18n::Msg::new(
        "Thủ tục này chưa có trường hợp nào để nộp hồ sơ.",
        "This procedure has no case to apply for.",
    ))
}

/// The applicant typed, as the draft keeps it (name and identity number come from the sign-in).
pub(super) fn contact_json(entered: &Entered) -> Value {
    json!({
        "phone": entered.one("applicant.phone"),
        "email": entered.one("applicant.email"),
        "address": entered.one("applicant.address"),
    })
}

/// The query of the form.
#[derive(Debug, serde::Deserialize)]
struct FormQuery {
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /thu-tuc/{code}/nop-ho-so`, `GET /procedures/{code}/apply`.
pub(super) async fn show(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    uri: Uri,
) -> Response {
    if let Some(r) = other_language(&site, uri.path(), |lang| apply_path(lang, &code)) {
        return r;
    }
    let lang = site.lang;
    let live = match procedure(&site, &code) {
        Ok(live) => live,
        Err(f) => return notice(&state, &site, &headers, &f, None),
    };
    let here = apply_path(lang, &code);
    let who = match applicant(&state, &site, &headers, session.as_ref(), &here) {
        Ok(who) => who,
        Err(r) => return *r,
    };
    let Some(session) = session.as_ref() else {
        return Redirect::to(&here).into_response();
    };
    let query = Query::<FormQuery>::try_from_uri(&uri).map(|q| q.0).ok();
    let draft = match drafts::find(&state.store, site.tenant.id, &who.owner(), &code).await {
        Ok(d) => d,
        Err(e) => return notice(&state, &site, &headers, &e.into(), None),
    };
    let case = query.as_ref().and_then(|q| q.case.as_deref());
    let Some(typed) = Typed::of(live, draft.as_ref(), case) else {
        return notice(&state, &site, &headers, &no_case(), None);
    };
    let l = apply_labels(lang);
    let notice_text = if query.as_ref().is_some_and(|q| q.saved.is_some()) {
        Some(l.saved.to_owned())
    } else {
        draft
            .as_ref()
            .map(|d| format!("{} {}.", l.resumed, local_time(&site, d.updated_at)))
    };
    let page = form_page(
        &state,
        &site,
        &headers,
        session,
        live,
        &who,
        &typed,
        Problems::default(),
        notice_text,
    );
    crate::pages::no_store(render(&page))
}

/// `POST /thu-tuc/{code}/nop-ho-so`, `POST /procedures/{code}/apply`.
pub(super) async fn save(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    req: Request,
) -> Response {
    let lang = site.lang;
    let here = apply_path(lang, &code);
    let live = match procedure(&site, &code) {
        Ok(live) => live.clone(),
        Err(f) => return notice(&state, &site, &headers, &f, None),
    };
    let who = match applicant(&state, &site, &headers, session.as_ref(), &here) {
        Ok(who) => who,
        Err(r) => return *r,
    };
    let Some(session) = session.as_ref() else {
        return Redirect::to(&here).into_response();
    };
    let back = Some((here.clone(), apply_labels(lang).title.to_owned()));
    let fail = |f: Failure| notice(&state, &site, &headers, &f, back.clone());
    let owner = who.owner();
    let files = sent::Files {
        owner: owner.clone(),
        procedure: code.clone(),
        rules: Rules::of(&live.procedure.file),
    };
    let sent = match sent::read(&state, &site, req, &files).await {
        Ok(s) => s,
        Err(f) if f.status == StatusCode::PAYLOAD_TOO_LARGE => return fail(sent::too_large()),
        Err(f) => return fail(f),
    };
    let draft = match drafts::find(&state.store, site.tenant.id, &owner, &code).await {
        Ok(d) => d,
        Err(e) => return fail(e.into()),
    };
    let mut entered = Entered::new(&sent.pairs);
    let Some(mut typed) = Typed::of(&live, draft.as_ref(), Some(entered.one("case"))) else {
        return fail(no_case());
    };
    let mut form = form_json(&live.procedure.form, &mut entered);
    // The files of the case's documents: those kept in the draft, replaced by those sent now.
    typed
        .documents
        .retain(|code, _| typed.case.documents.iter().any(|d| d.code == *code));
    for (input, upload) in &sent.files {
        if let Some(doc) = input.strip_prefix("doc.")
            && typed.case.documents.iter().any(|d| d.code == doc)
        {
            typed.documents.insert(
                doc.to_owned(),
                DraftDocument {
                    upload: upload.id.to_string(),
                    name: upload.meta.file_name.clone(),
                    size: upload.size,
                    sha256: upload.sha256.to_string(),
                    content_type: upload.meta.content_type.clone(),
                },
            );
        }
    }
    typed.entered = entered;
    with_documents(&live.procedure.form, &mut form, &typed.documents);
    let new = NewDraft {
        owner: owner.clone(),
        procedure_code: code.clone(),
        case_key: typed.case.key.to_string(),
        applicant: contact_json(&typed.entered),
        form: form.clone(),
        documents: typed.documents.clone(),
    };
    let key = match crate::session::random_secret(18) {
        Ok(k) => k,
        Err(f) => return fail(f),
    };
    if let Err(e) = drafts::save(&state.store, site.tenant.id, &new, &key).await {
        return fail(e.into());
    }
    let action = typed.entered.one("action").to_owned();
    let mut problems = Problems::default();
    let mut status = StatusCode::OK;
    for r in &sent.refused {
        problems.add(&r.input, r.message.clone());
        if status == StatusCode::OK || r.status == StatusCode::PAYLOAD_TOO_LARGE {
            status = r.status;
        }
    }
    if problems.is_empty() && typed.entered.one("them_dong").is_empty() {
        match action.as_str() {
            "save" => {
                return Redirect::to(&format!("{here}?saved=1")).into_response();
            }
            "continue" => {
                problems = check(&live, &typed, &form, lang);
                if problems.is_empty() {
                    return Redirect::to(&review_path(lang, &code)).into_response();
                }
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            _ => {}
        }
    }
    let page = form_page(
        &state, &site, &headers, session, &live, &who, &typed, problems, None,
    );
    crate::pages::no_store((status, render(&page)).into_response())
}
