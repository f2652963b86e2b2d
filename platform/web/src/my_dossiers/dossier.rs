//! `GET /ho-so-cua-toi/{code}` (`/my-dossiers/{code}`): one of the citizen's dossiers — where it
//! stands and who handles it, the request to supplement it with its form when it waits for one,
//! the electronic result, the documents the applicant supplied, the history that concerns them
//! ([`super::history`]) and their accountability requests about it.

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_core::lang::Lang;
use motcua_store::attachments::{Document, DocumentKind};
use motcua_store::dossiers::{self, Dossier};
use motcua_workflow::attachments::Rules;
use motcua_workflow::procedure::Procedure;
use serde::Deserialize;

use super::history::{self, Entry};
use super::labels::{MyDossiersLabels, labels};
use super::supplement::{DOCUMENT_INPUT, OTHER_INPUT, Requested, requested};
use super::{dossier_path, list_path, own_dossier, refused, visitor};
use crate::AppState;
use crate::accountability::lookup::Section;
use crate::host::Site;
use crate::pages::{PageCtx, local_time, render as html};
use crate::session::Session;

/// What the page says above the dossier after a form: a fixed confirmation or a refusal.
#[derive(Debug, Default)]
pub(crate) struct Notice {
    /// The confirmation.
    pub ok: Option<&'static str>,
    /// What was refused, and why.
    pub error: Option<String>,
}

/// A file of the supplement form stored already, sent again by id.
#[derive(Clone, Debug)]
pub(crate) struct Kept {
    /// The file input it came through.
    pub input: String,
    /// The upload's id.
    pub id: String,
    /// The file's name.
    pub name: String,
}

impl Kept {
    /// The value of its hidden `kept` field.
    pub(crate) fn value(&self) -> String {
        format!("{}|{}|{}", self.input, self.id, self.name)
    }
}

/// A document the page lists.
struct DocumentRow {
    /// What it is to the dossier.
    label: String,
    /// The file's name.
    name: String,
    /// Its size, in words.
    size: String,
    /// When it was attached.
    attached: String,
    /// Where it is downloaded.
    href: String,
}

/// A file input of the supplement form, for a document listed as missing.
struct DocumentInput {
    /// The input's name.
    input: String,
    /// The element's id.
    id: String,
    /// The document's name.
    label: String,
    /// The files stored for it already.
    kept: Vec<Kept>,
}

/// The supplement form.
struct SupplementForm {
    action: String,
    csrf: String,
    request: u32,
    requested_at: String,
    reason: Option<String>,
    documents: Vec<DocumentInput>,
    other_kept: Vec<Kept>,
    accept: String,
    limits: String,
}

#[derive(Template)]
#[template(path = "my_dossiers/dossier.html")]
struct DossierPage {
    page: PageCtx,
    l: &'static MyDossiersLabels,
    back: &'static str,
    notice: Notice,
    code: String,
    procedure: String,
    status: &'static str,
    overdue: bool,
    steps: String,
    divisions: String,
    received_at: String,
    due_at: String,
    paused: bool,
    closed_at: Option<String>,
    supplement: Option<SupplementForm>,
    result: Vec<DocumentRow>,
    documents: Vec<DocumentRow>,
    history: Vec<Entry>,
    accountability: Option<Section>,
    /// The satisfaction rating: its form once the dossier is finished, or the rating given.
    rating: Option<crate::ratings::Section>,
}

/// The query of the page: the outcome of the form just sent.
#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// `GET /ho-so-cua-toi/{code}` (`/my-dossiers/{code}`).
pub(super) async fn page(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let here = dossier_path(site.lang, &code);
    if let Some(r) = super::host_language(&site, super::path_lang(uri.path()), here.clone()) {
        return r;
    }
    let (_, citizen_id) = match visitor(&state, &site, &headers, session.as_ref(), &here) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let Some(session) = session.as_ref() else {
        return super::sign_in_first(&here);
    };
    let dossier = match own_dossier(&state, &site, citizen_id, &code).await {
        Ok(d) => d,
        Err(f) => return refused(&state, &site, &headers, f),
    };
    let notice = Notice {
        ok: match query.ok.as_deref() {
            Some("supplemented") => Some(labels(site.lang).supplemented),
            Some("rated") => Some(crate::ratings::labels(site.lang).thanks),
            _ => None,
        },
        error: None,
    };
    render(
        &state,
        &site,
        &headers,
        session,
        dossier,
        notice,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// What a document is to the dossier, in the host's language.
fn kind_label(lang: Lang, procedure: &Procedure, case: &str, kind: &DocumentKind) -> String {
    match kind {
        DocumentKind::Required(code) => procedure
            .file
            .info
            .cases
            .iter()
            .find(|c| c.key.as_str() == case)
            .and_then(|c| c.documents.iter().find(|d| d.code == *code))
            .map_or_else(|| code.clone(), |d| d.name.get(lang).to_owned()),
        DocumentKind::Result => lang.pick("Kết quả giải quyết", "Result").to_owned(),
        DocumentKind::Scan => lang
            .pick(
                "Bản quét tại Bộ phận Một cửa",
                "Scan made at the one-stop desk",
            )
            .to_owned(),
        DocumentKind::Supplement => lang.pick("Hồ sơ bổ sung", "Supplement").to_owned(),
        DocumentKind::Handling => lang.pick("Tài liệu xử lý", "Handling document").to_owned(),
    }
}

fn row(site: &Site, procedure: &Procedure, dossier: &Dossier, d: &Document) -> DocumentRow {
    let code = dossier.code.to_string();
    DocumentRow {
        label: kind_label(site.lang, procedure, &dossier.case_key, &d.kind),
        name: d.file_name.clone(),
        size: motcua_workflow::schema::FileSize(d.size).to_string(),
        attached: local_time(site, d.attached_at),
        href: crate::api::documents::href(&code, d),
    }
}

/// The supplement form for the open request `asked`, with the files `kept` from a refused
/// attempt.
fn form(
    site: &Site,
    session: &Session,
    procedure: &Procedure,
    code: &str,
    asked: Requested,
    kept: &[Kept],
) -> SupplementForm {
    let rules = Rules::of(&procedure.file);
    let lang = site.lang;
    let kept_for =
        |input: &str| -> Vec<Kept> { kept.iter().filter(|k| k.input == input).cloned().collect() };
    let documents = asked
        .documents
        .iter()
        .map(|(doc, name)| {
            let input = format!("{DOCUMENT_INPUT}{doc}");
            DocumentInput {
                id: format!(
                    "supplement-{}",
                    doc.chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                        .collect::<String>()
                ),
                label: name.clone(),
                kept: kept_for(&input),
                input,
            }
        })
        .collect();
    let size = motcua_workflow::schema::FileSize(rules.max_file_size);
    SupplementForm {
        action: super::supplement_path(lang, code),
        csrf: session.csrf.clone().unwrap_or_default(),
        request: asked.request,
        requested_at: local_time(site, asked.at),
        reason: asked.reason,
        documents,
        other_kept: kept_for(OTHER_INPUT),
        accept: rules
            .types
            .iter()
            .map(|t| t.mime())
            .collect::<Vec<_>>()
            .join(","),
        limits: lang.pick(
            format!(
                "Mỗi tệp tối đa {size}; loại tệp được nhận: {}.",
                rules.type_names()
            ),
            format!(
                "Each file up to {size}; file types accepted: {}.",
                rules.type_names()
            ),
        ),
    }
}

/// The page of `dossier` (the citizen's own) with `notice`, the supplement form holding the
/// files `kept`, answered with `status`.
#[expect(
    clippy::too_many_arguments,
    reason = "the page's request, the dossier and what the form sent"
)]
pub(super) async fn render(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: &Session,
    dossier: Dossier,
    notice: Notice,
    kept: Vec<Kept>,
    status: StatusCode,
) -> Response {
    let lang = site.lang;
    let l = labels(lang);
    let code = dossier.code.to_string();
    let procedure = match crate::handling::procedure_at(
        state,
        site,
        &dossier.procedure_code,
        dossier.procedure_version,
    )
    .await
    {
        Ok(p) => p,
        Err(f) => return refused(state, site, headers, f),
    };
    let record =
        match dossiers::record(&state.store, site.tenant.id, &dossier, |_, _| Vec::new()).await {
            Ok(r) => r,
            Err(e) => return refused(state, site, headers, e.into()),
        };
    let standing = super::standing(site, &procedure, &dossier, Utc::now());
    let supplement = super::state_of(&dossier)
        .and_then(|s| requested(site, &procedure, &dossier, &s, &record.events))
        .map(|asked| form(site, session, &procedure, &code, asked, &kept));
    let (result, documents): (Vec<&Document>, Vec<&Document>) = record
        .documents
        .iter()
        // Officials' working papers are theirs; the applicant gets what they supplied and the
        // result.
        .filter(|d| d.kind != DocumentKind::Handling)
        .partition(|d| d.kind == DocumentKind::Result);
    let other = lang.pick(Lang::En, Lang::Vi);
    let mut page = PageCtx::new(state, site, headers, &dossier_path(lang, &code));
    page.other_url = PageCtx::new(state, site, headers, &dossier_path(other, &code)).other_url;
    let view = DossierPage {
        page,
        l,
        back: list_path(lang),
        notice,
        procedure: super::procedure_name(site, &dossier),
        status: dossier.status.label(lang),
        overdue: standing.overdue,
        steps: standing.steps.join(", "),
        divisions: standing.divisions.join(", "),
        received_at: local_time(site, dossier.received_at),
        due_at: local_time(site, dossier.due_at),
        paused: standing.paused,
        closed_at: dossier.closed_at.map(|at| local_time(site, at)),
        supplement,
        result: result
            .into_iter()
            .map(|d| row(site, &procedure, &dossier, d))
            .collect(),
        documents: documents
            .into_iter()
            .map(|d| row(site, &procedure, &dossier, d))
            .collect(),
        history: history::timeline(site, &procedure, &dossier.case_key, &record.events),
        accountability: crate::accountability::lookup::section(
            state,
            site,
            Some(session),
            &dossier,
        )
        .await,
        rating: crate::ratings::section(state, site, session, &dossier).await,
        code,
    };
    crate::pages::no_store((status, html(&view)).into_response())
}
