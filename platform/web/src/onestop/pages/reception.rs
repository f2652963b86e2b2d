//! The reception form's page: the applicant, the channel, the e-form ([`crate::eform`]),
//! the checklist of the case's documents and the desk's decision, shown again after a refusal
//! with everything typed and each problem next to its input.

use std::collections::HashMap;

use askama::Template;
use motcua_core::dossier::{Applicant, ApplicantKind, Channel, CitizenId};
use motcua_core::lang::Lang;
use motcua_core::procedure::{Case, DocumentForm};

use super::super::official::Official;
use super::{Opt, Staff};
use crate::eform::{Entered, FieldView, input_of, views};
use crate::error::{Details, Failure};
use crate::sites::Live;

/// A document of the case's list, as a checkbox.
struct DocumentBox {
    code: String,
    name: String,
    form: &'static str,
    quantity: u32,
    optional: bool,
    template: Option<String>,
    checked: bool,
    /// The input of its scans.
    scan_input: String,
    /// That input's id.
    scan_id: String,
    /// Its scans stored before a refusal.
    scans: Vec<KeptScan>,
}

/// A scan chosen in a form that was refused, kept as the official's upload.
#[derive(Clone, Debug)]
pub(super) struct KeptScan {
    /// The code of the document it shows.
    pub document: String,
    /// The upload's id.
    pub id: String,
    /// Its file name.
    pub name: String,
}

impl KeptScan {
    /// The value of its `kept_scan` input.
    fn value(&self) -> String {
        format!("{}|{}|{}", self.document, self.id, self.name)
    }
}

/// The problems of a submitted form: by input name, and those of the form as a whole.
#[derive(Debug, Default)]
pub(super) struct Problems {
    /// Problems by input name.
    by_input: HashMap<String, Vec<String>>,
    /// Problems of the form as a whole.
    pub(super) general: Vec<String>,
}

impl Problems {
    /// The problems of input `name`.
    fn at(&self, name: &str) -> &[String] {
        self.by_input.get(name).map_or(&[], Vec::as_slice)
    }

    /// Adds a problem at input `name`.
    pub(super) fn add(&mut self, name: &str, text: impl Into<String>) {
        self.by_input
            .entry(name.to_owned())
            .or_default()
            .push(text.into());
    }
}

/// The reception form's page.
#[derive(Template)]
#[template(path = "onestop/desk_form.html")]
pub(super) struct DeskForm {
    staff: Staff,
    action: String,
    procedure_name: String,
    procedure_code: String,
    case_key: String,
    case_name: String,
    several_cases: bool,
    idempotency_key: String,
    kinds: Vec<Opt>,
    channels: Vec<Opt>,
    applicant: HashMap<&'static str, String>,
    fields: Vec<FieldView>,
    documents: Vec<DocumentBox>,
    reason: String,
    errors: Problems,
    /// The largest scan accepted, in words.
    max_size: String,
    /// The types of scan accepted, in words.
    types: String,
    /// Those types for the file inputs' `accept`.
    accept: String,
}

impl DeskForm {
    fn typed(&self, name: &str) -> &str {
        self.applicant.get(name).map_or("", String::as_str)
    }
}

const KINDS: [(&str, &str, ApplicantKind); 4] = [
    ("citizen", "Công dân", ApplicantKind::Citizen),
    ("business", "Doanh nghiệp", ApplicantKind::Business),
    (
        "state_agency",
        "Cơ quan nhà nước",
        ApplicantKind::StateAgency,
    ),
    ("other", "Tổ chức, cá nhân khác", ApplicantKind::Other),
];

fn document_form(form: DocumentForm) -> &'static str {
    match form {
        DocumentForm::Original => "Bản chính",
        DocumentForm::CertifiedCopy => "Bản sao có chứng thực",
        DocumentForm::Copy => "Bản sao",
        DocumentForm::OriginalForInspection => "Bản chính để đối chiếu",
    }
}

/// The reception form of `live`'s `case`, with what was typed, the problems found and the
/// scans kept.
#[expect(
    clippy::too_many_arguments,
    reason = "what the form shows again, each from its own source"
)]
pub(super) fn form_page(
    official: &Official,
    staff: Staff,
    live: &Live,
    case: &Case,
    entered: &Entered,
    errors: Problems,
    key: String,
    scans: &[KeptScan],
) -> DeskForm {
    let lang = official.guard.site.lang;
    let info = live.info();
    let code = info.code.to_string();
    let kind = Some(entered.one("applicant.kind")).filter(|k| !k.is_empty());
    let channel = Some(entered.one("channel"))
        .filter(|k| !k.is_empty())
        .or(Some("desk"));
    let mut channels = vec![Opt::new("desk", "Trực tiếp tại Bộ phận Một cửa", channel)];
    if info.channels.contains(&Channel::Post) {
        channels.push(Opt::new("post", "Qua dịch vụ bưu chính", channel));
    }
    let more = Some(entered.one("them_dong")).filter(|k| !k.is_empty());
    let rules = motcua_workflow::attachments::Rules::of(&live.procedure.file);
    DeskForm {
        action: format!("/tiep-nhan/{code}"),
        procedure_name: info.name.get(lang).to_owned(),
        case_key: case.key.to_string(),
        case_name: case.name.get(lang).to_owned(),
        several_cases: info.cases.len() > 1,
        idempotency_key: key,
        kinds: KINDS
            .iter()
            .map(|(v, label, _)| Opt::new(v, label, kind.or(Some("citizen"))))
            .collect(),
        channels,
        applicant: ["name", "id_number", "phone", "email", "address"]
            .into_iter()
            .map(|k| (k, entered.one(&format!("applicant.{k}")).to_owned()))
            .collect(),
        fields: views(&live.procedure.form, entered, &errors.by_input, more, lang),
        documents: case
            .documents
            .iter()
            .map(|d| DocumentBox {
                code: d.code.clone(),
                name: d.name.get(lang).to_owned(),
                form: document_form(d.form),
                quantity: d.quantity,
                optional: d.optional,
                template: d.template.clone(),
                checked: entered.has("documents", &d.code),
                scan_input: format!("scan.{}", d.code),
                scan_id: format!("scan-{}", d.code),
                scans: scans
                    .iter()
                    .filter(|s| s.document == d.code)
                    .cloned()
                    .collect(),
            })
            .collect(),
        reason: entered.one("reason").to_owned(),
        errors,
        max_size: motcua_workflow::schema::FileSize(rules.max_file_size).to_string(),
        types: rules.type_names(),
        accept: rules
            .types
            .iter()
            .map(|t| t.mime())
            .collect::<Vec<_>>()
            .join(","),
        staff,
        procedure_code: code,
    }
}

/// Puts a failure of [`desk::take`] next to the inputs it is about.
pub(super) fn place(failure: Failure, lang: Lang, problems: &mut Problems) {
    let message = failure.message.get(lang).to_owned();
    let at = match failure.code {
        "applicant_name_required" => "applicant.name",
        "documents_missing" | "unknown_document" => "documents",
        "defects_required" | "reason_required" => "reason",
        "invalid_channel" => "channel",
        "invalid_form" => {
            problems.general.push(message);
            if let Some(Details::Fields(fields)) = failure.details.as_deref() {
                for f in fields {
                    let text = f.message.get(lang).to_owned();
                    if f.field.is_empty() {
                        problems.general.push(text);
                    } else {
                        problems.add(&input_of(&f.field), text);
                    }
                }
            }
            return;
        }
        _ => {
            problems.general.push(message);
            return;
        }
    };
    problems.add(at, message);
}

/// The applicant typed, or the problems with it.
pub(super) fn applicant(entered: &Entered, problems: &mut Problems) -> Option<Applicant> {
    let mut valid = true;
    let name = entered.one("applicant.name").to_owned();
    if name.is_empty() {
        problems.add("applicant.name", "Cần ghi họ tên người nộp hồ sơ.");
        valid = false;
    }
    let digits: String = entered
        .one("applicant.id_number")
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let id_number = if digits.is_empty() {
        None
    } else {
        CitizenId::parse(&digits)
    };
    if !digits.is_empty() && id_number.is_none() {
        problems.add(
            "applicant.id_number",
            "Số định danh cá nhân gồm đúng 12 chữ số.",
        );
        valid = false;
    }
    let kind = KINDS
        .iter()
        .find(|(v, _, _)| *v == entered.one("applicant.kind"))
        .map(|(_, _, k)| *k);
    let optional = |k: &str| Some(entered.one(k).to_owned()).filter(|v| !v.is_empty());
    valid.then(|| Applicant {
        kind: kind.unwrap_or(ApplicantKind::Citizen),
        name,
        id_number,
        phone: optional("applicant.phone"),
        email: optional("applicant.email"),
        address: optional("applicant.address"),
    })
}
