//! The review before submitting: `GET` reads the citizen's draft back (everything entered, the
//! documents attached by name and size) with "Sửa / Edit" and "Nộp hồ sơ / Submit"; `POST`
//! submits it through the checks of the JSON API, attaches its files in the transaction that
//! receives the dossier, deletes the draft and sends the citizen to the receipt.
//!
//! The draft's key is the submission's idempotency key: a double click, or the page sent again
//! after the draft is gone, finds the dossier the first submission made.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::dossier::{Applicant as Person, ApplicantKind, Channel, CitizenId};
use motcua_store::attachments::{self, Attach, DocumentKind, UploadId};
use motcua_store::drafts::{self, Draft};

use super::form::{Problems, Typed, check, form_page, no_case, with_documents};
use super::{
    Applicant, ApplyLabels, applicant, apply_labels, notice, other_language, procedure,
    receipt_path, review_path,
};
use crate::AppState;
use crate::catalogue::apply_path;
use crate::client::ClientIp;
use crate::eform::shown::{Shown, shown};
use crate::error::Failure;
use crate::host::Site;
use crate::pages::{PageCtx, render};
use crate::session::Session;
use crate::sites::Live;
use crate::{api, handling};

/// A document read back.
struct DocumentLine {
    code: String,
    name: String,
    /// The file attached: name and size.
    file: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "apply/review.html")]
struct ReviewPage {
    page: PageCtx,
    l: &'static ApplyLabels,
    csrf: String,
    action: String,
    edit: String,
    key: String,
    procedure_name: String,
    name: String,
    citizen_id: String,
    contacts: Vec<(&'static str, String)>,
    case_name: String,
    fields: Vec<Shown>,
    documents: Vec<DocumentLine>,
}

/// The idempotency key of the submission made from a draft whose key is `key`.
fn idempotency_key(key: &str) -> String {
    format!("portal-draft:{key}")
}

/// The form again, with `problems`, as a 422.
#[expect(
    clippy::too_many_arguments,
    reason = "what the form shows again, each from its own source"
)]
fn refused(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: &Session,
    live: &Live,
    who: &Applicant<'_>,
    typed: &Typed,
    problems: Problems,
) -> Response {
    let page = form_page(
        state, site, headers, session, live, who, typed, problems, None,
    );
    crate::pages::no_store((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// `GET /thu-tuc/{code}/nop-ho-so/xem-lai`, `GET /procedures/{code}/apply/review`.
pub(super) async fn show(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    uri: Uri,
) -> Response {
    if let Some(r) = other_language(&site, uri.path(), |lang| review_path(lang, &code)) {
        return r;
    }
    let lang = site.lang;
    let live = match procedure(&site, &code) {
        Ok(live) => live,
        Err(f) => return notice(&state, &site, &headers, &f, None),
    };
    let here = review_path(lang, &code);
    let who = match applicant(&state, &site, &headers, session.as_ref(), &here) {
        Ok(who) => who,
        Err(r) => return *r,
    };
    let Some(session) = session.as_ref() else {
        return Redirect::to(&here).into_response();
    };
    let draft = match drafts::find(&state.store, site.tenant.id, &who.owner(), &code).await {
        Ok(Some(d)) => d,
        Ok(None) => return Redirect::to(&apply_path(lang, &code)).into_response(),
        Err(e) => return notice(&state, &site, &headers, &e.into(), None),
    };
    let Some(typed) = Typed::of(live, Some(&draft), None) else {
        return notice(&state, &site, &headers, &no_case(), None);
    };
    let problems = check(live, &typed, &draft.content.form, lang);
    if !problems.is_empty() {
        return refused(
            &state, &site, &headers, session, live, &who, &typed, problems,
        );
    }
    let l = apply_labels(lang);
    let entered = &typed.entered;
    let page = ReviewPage {
        page: super::page_ctx(&state, &site, &headers, |lang| review_path(lang, &code)),
        l,
        csrf: session.csrf.clone().unwrap_or_default(),
        action: here.clone(),
        edit: apply_path(lang, &code),
        key: draft.key.clone(),
        procedure_name: live.info().name.get(lang).to_owned(),
        name: who.identity.name.clone(),
        citizen_id: who.citizen_id.to_owned(),
        contacts: vec![
            (l.phone, entered.one("applicant.phone").to_owned()),
            (l.email, entered.one("applicant.email").to_owned()),
            (l.address, entered.one("applicant.address").to_owned()),
        ],
        case_name: typed.case.name.get(lang).to_owned(),
        fields: shown(&live.procedure.form, &draft.content.form, lang),
        documents: typed
            .case
            .documents
            .iter()
            .map(|d| DocumentLine {
                code: d.code.clone(),
                name: d.name.get(lang).to_owned(),
                file: typed
                    .documents
                    .get(&d.code)
                    .map(|u| (u.name.clone(), super::labels::size(u.size))),
            })
            .collect(),
    };
    crate::pages::no_store(render(&page))
}

/// The dossier a draft with key `key` was submitted as, if it was and is `who`'s.
async fn submitted_before(
    state: &AppState,
    site: &Site,
    who: &Applicant<'_>,
    key: &str,
) -> Result<Option<String>, Failure> {
    if key.is_empty() {
        return Ok(None);
    }
    let Some(code) = drafts::submitted(&state.store, site.tenant.id, &idempotency_key(key)).await?
    else {
        return Ok(None);
    };
    let Ok(parsed) = code.parse() else {
        return Ok(None);
    };
    let dossier = motcua_store::dossiers::find(&state.store, site.tenant.id, &parsed).await?;
    let own = dossier.is_some_and(|d| crate::my_dossiers::is_applicant(&d, who.citizen_id));
    Ok(own.then_some(code))
}

/// The draft's files as attachments of the new dossier; the documents whose upload is gone
/// (expired, attached already) are taken out of `draft` and named in `problems`.
async fn attachments_of(
    state: &AppState,
    site: &Site,
    owner: &str,
    typed: &mut Typed,
    problems: &mut Problems,
) -> Result<Vec<Attach>, Failure> {
    let lang = site.lang;
    let mut attach = Vec::new();
    let mut gone = Vec::new();
    for (code, d) in &typed.documents {
        let id: Option<UploadId> = d.upload.parse().ok();
        let upload = match &id {
            Some(id) => attachments::upload(&state.store, site.tenant.id, id).await?,
            None => None,
        };
        match (id, upload) {
            (Some(id), Some(u)) if u.meta.uploaded_by == owner => attach.push(Attach {
                upload: id,
                kind: DocumentKind::Required(code.clone()),
                by: owner.to_owned(),
            }),
            _ => gone.push(code.clone()),
        }
    }
    for code in gone {
        if let Some(d) = typed.documents.remove(&code) {
            problems.add_at(
                &format!("doc.{code}"),
                lang.pick(
                    format!(
                        "Tệp “{}” đã hết hạn lưu giữ: vui lòng đính kèm lại.",
                        d.name
                    ),
                    format!(
                        "The file “{}” is no longer kept: please attach it again.",
                        d.name
                    ),
                ),
            );
        }
    }
    Ok(attach)
}

/// `POST /thu-tuc/{code}/nop-ho-so/xem-lai`, `POST /procedures/{code}/apply/review`.
pub(super) async fn submit(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let lang = site.lang;
    let here = review_path(lang, &code);
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
    let fail = |f: Failure| notice(&state, &site, &headers, &f, None);
    if let Err(f) = state
        .rate_limit("submit", &client, state.config.submit_per_minute)
        .await
    {
        return fail(f);
    }
    let key = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let owner = who.owner();
    let draft: Option<Draft> = match drafts::find(&state.store, site.tenant.id, &owner, &code).await
    {
        Ok(d) => d.filter(|d| d.key == key),
        Err(e) => return fail(e.into()),
    };
    let Some(draft) = draft else {
        // Submitted already (a double click, the page sent again): the same dossier.
        return match submitted_before(&state, &site, &who, &key).await {
            Ok(Some(dossier)) => Redirect::to(&receipt_path(lang, &dossier)).into_response(),
            Ok(None) => Redirect::to(&apply_path(lang, &code)).into_response(),
            Err(f) => fail(f),
        };
    };
    let Some(mut typed) = Typed::of(&live, Some(&draft), None) else {
        return fail(no_case());
    };
    let mut problems = Problems::default();
    let attach = match attachments_of(&state, &site, &owner, &mut typed, &mut problems).await {
        Ok(a) => a,
        Err(f) => return fail(f),
    };
    let mut form = draft.content.form.clone();
    with_documents(&live.procedure.form, &mut form, &typed.documents);
    if problems.is_empty() {
        problems = check(&live, &typed, &form, lang);
    }
    if !problems.is_empty() {
        let mut kept = draft.content.clone();
        kept.documents = typed.documents.clone();
        kept.form = form;
        if let Err(e) = drafts::save(&state.store, site.tenant.id, &kept, &draft.key).await {
            return fail(e.into());
        }
        return refused(
            &state, &site, &headers, session, &live, &who, &typed, problems,
        );
    }
    let entered = &typed.entered;
    let optional = |k: &str| Some(entered.one(k).to_owned()).filter(|v| !v.is_empty());
    let submission = api::Submission {
        procedure: code.clone(),
        case: Some(typed.case.key.to_string()),
        applicant: Person {
            kind: ApplicantKind::Citizen,
            name: who.identity.name.clone(),
            id_number: CitizenId::parse(who.citizen_id),
            phone: optional("applicant.phone"),
            email: optional("applicant.email"),
            address: optional("applicant.address"),
        },
        form,
    };
    let checked = match api::check_submission(&site, &submission, true) {
        Ok(c) => c,
        Err(f) => {
            problems.add_general(f.message.get(lang));
            return refused(
                &state, &site, &headers, session, &live, &who, &typed, problems,
            );
        }
    };
    let received = handling::submit_with_documents(
        &state,
        &site,
        handling::Submission {
            live: checked.live,
            case: checked.case,
            applicant: submission.applicant,
            form: checked.form,
            channel: Channel::Online,
            idempotency_key: Some(idempotency_key(&draft.key)),
            first_move: None,
        },
        attach,
    )
    .await;
    let dossier = match received {
        Ok(r) => r.dossier().code.to_string(),
        Err(f) => return fail(f),
    };
    if let Err(e) = drafts::delete(&state.store, site.tenant.id, &owner, &code, &draft.key).await {
        // The dossier is received; a draft left behind is only clutter, and submitting it again
        // gives the same dossier.
        tracing::warn!(error = %e, dossier, "the submitted draft was not deleted");
    }
    Redirect::to(&receipt_path(lang, &dossier)).into_response()
}
