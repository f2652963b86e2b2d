//! Receiving a complaint, as the portal's form and the API share it: the fields read (from a
//! URL-encoded or multipart form, or JSON), checked, the subject resolved and routed to its
//! division, the files held to [`super::file_rules`], and the complaint stored.
//!
//! Routing: a complaint about a procedure goes to the division the procedure names as handling
//! it (`info.division`); about a dossier, to the division of the step it waits at now (the first
//! open task), or the procedure's division once it is closed; about a division, to it.

use axum::extract::Multipart;
use axum::http::StatusCode;
use chrono::Utc;
use motcua_core::codes::DossierCode;
use motcua_core::lang::{Lang, Text};
use motcua_store::attachments::UploadId;
use motcua_store::complaints::{self, Complaint, NewComplaint, Sender};
use motcua_store::dossiers;
use motcua_workflow::engine::DossierState;
use motcua_workflow::form::{FieldError, code};

use super::{ANSWER, FORWARD, KINDS, MAX_FILES, MAX_TEXT, file_rules};
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{Principal, Session};
use crate::{AppState, handling};

/// What a sender typed, as text.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Draft {
    /// `complaint` or `suggestion`.
    pub kind: String,
    /// `procedure`, `division` or `dossier`.
    pub about: String,
    /// A procedure's code.
    pub procedure: String,
    /// A division's key.
    pub division: String,
    /// A dossier's code.
    pub dossier: String,
    /// The sender's name.
    pub name: String,
    /// Their telephone number.
    pub phone: String,
    /// Their e-mail address.
    pub email: String,
    /// Their address.
    pub address: String,
    /// The text.
    pub text: String,
}

impl Draft {
    /// The draft of a form's fields (unknown fields, such as `csrf`, ignored).
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        Self {
            kind: get("kind"),
            about: get("about"),
            procedure: get("procedure"),
            division: get("division"),
            dossier: get("dossier"),
            name: get("name"),
            phone: get("phone"),
            email: get("email"),
            address: get("address"),
            text: get("text"),
        }
    }
}

/// A draft that passed the checks, routed.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    kind: String,
    about: String,
    subject: String,
    dossier_id: Option<i64>,
    division: String,
    sender: Sender,
    text: String,
}

fn problem(
    field: &str,
    code: &'static str,
    vi: impl Into<String>,
    en: impl Into<String>,
) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code,
        message: Text::new(vi, en),
    }
}

/// 9 to 15 digits, written with the usual separators, in at most 32 characters (the column).
fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    p.len() <= 32
        && (9..=15).contains(&digits)
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '(' | ')'))
}

fn valid_email(e: &str) -> bool {
    e.len() <= 254
        && e.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// The signed-in citizen of `session`, as a complaint names them.
pub(crate) fn citizen_of(session: Option<&Session>) -> Option<(String, String)> {
    match session.map(|s| &s.principal) {
        Some(Principal::Citizen(c)) => Some((sender_subject(c), c.name.clone())),
        _ => None,
    }
}

/// How a complaint names the signed-in citizen `c` who sent it.
pub(crate) fn sender_subject(c: &crate::session::CitizenIdentity) -> String {
    format!("citizen:{}", c.subject)
}

/// Checks `draft` and routes it; 422 listing every problem.
pub(crate) async fn check(
    state: &AppState,
    site: &Site,
    draft: &Draft,
    citizen: Option<(String, String)>,
) -> Result<Checked, Failure> {
    let mut problems = Vec::new();
    if !KINDS.contains(&draft.kind.as_str()) {
        problems.push(problem(
            "kind",
            code::REQUIRED,
            "Hãy chọn loại: phản ánh hoặc kiến nghị.",
            "Choose the type: complaint or suggestion.",
        ));
    }
    let mut subject = String::new();
    let mut dossier_id = None;
    let mut division = String::new();
    match draft.about.as_str() {
        "procedure" => match site.tenant.procedure(&draft.procedure) {
            Some(p) if !draft.procedure.is_empty() => {
                subject = draft.procedure.clone();
                division = p.info().division.to_string();
            }
            _ => problems.push(problem(
                "procedure",
                code::NOT_AN_OPTION,
                "Hãy chọn thủ tục hành chính trong danh sách.",
                "Choose the administrative procedure from the list.",
            )),
        },
        "division" => match site.tenant.manifest.division(&draft.division) {
            Some(d) if !draft.division.is_empty() => {
                subject = d.key.to_string();
                division = subject.clone();
            }
            _ => problems.push(problem(
                "division",
                code::NOT_AN_OPTION,
                "Hãy chọn cơ quan, đơn vị trong danh sách.",
                "Choose the agency or division from the list.",
            )),
        },
        "dossier" => match route_dossier(state, site, &draft.dossier).await? {
            Some((code, id, to)) => {
                subject = code;
                dossier_id = Some(id);
                division = to;
            }
            None => problems.push(problem(
                "dossier",
                code::INVALID_VALUE,
                format!(
                    "Không có hồ sơ mã “{}” tại cơ quan này. Hãy kiểm tra mã trên giấy tiếp nhận.",
                    draft.dossier
                ),
                format!(
                    "This agency has no dossier with the code “{}”. Check the code on your receipt.",
                    draft.dossier
                ),
            )),
        },
        _ => problems.push(problem(
            "about",
            code::REQUIRED,
            "Hãy chọn nội dung liên quan đến: một thủ tục, một cơ quan hoặc một hồ sơ.",
            "Choose what it is about: a procedure, an agency or a dossier.",
        )),
    }
    let name = if draft.name.is_empty() {
        citizen.as_ref().map(|(_, n)| n.clone()).unwrap_or_default()
    } else {
        draft.name.clone()
    };
    if name.is_empty() {
        problems.push(problem(
            "name",
            code::REQUIRED,
            "Hãy nhập họ và tên.",
            "Enter your full name.",
        ));
    } else if too_long(&name, 300) {
        problems.push(problem(
            "name",
            code::TOO_LONG,
            "Họ và tên dài quá 300 ký tự.",
            "The name is longer than 300 characters.",
        ));
    }
    if draft.phone.is_empty() && draft.email.is_empty() {
        problems.push(problem(
            "phone",
            code::REQUIRED,
            "Hãy nhập số điện thoại hoặc thư điện tử để theo dõi kết quả.",
            "Enter a telephone number or an e-mail address to follow the answer.",
        ));
    }
    if !draft.phone.is_empty() && !valid_phone(&draft.phone) {
        problems.push(problem(
            "phone",
            code::INVALID_PHONE,
            "Số điện thoại không hợp lệ.",
            "The telephone number is not valid.",
        ));
    }
    if !draft.email.is_empty() && !valid_email(&draft.email) {
        problems.push(problem(
            "email",
            code::INVALID_EMAIL,
            "Địa chỉ thư điện tử không hợp lệ.",
            "The e-mail address is not valid.",
        ));
    }
    if too_long(&draft.address, 500) {
        problems.push(problem(
            "address",
            code::TOO_LONG,
            "Địa chỉ dài quá 500 ký tự.",
            "The address is longer than 500 characters.",
        ));
    }
    if draft.text.is_empty() {
        problems.push(problem(
            "text",
            code::REQUIRED,
            "Hãy nhập nội dung phản ánh, kiến nghị.",
            "Enter your complaint or suggestion.",
        ));
    } else if too_long(&draft.text, MAX_TEXT) {
        problems.push(problem(
            "text",
            code::TOO_LONG,
            format!("Nội dung dài quá {MAX_TEXT} ký tự."),
            format!("The text is longer than {MAX_TEXT} characters."),
        ));
    }
    if !problems.is_empty() {
        return Err(Failure::form(problems));
    }
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    Ok(Checked {
        kind: draft.kind.clone(),
        about: draft.about.clone(),
        subject,
        dossier_id,
        division,
        sender: Sender {
            name,
            phone: some(&draft.phone),
            email: some(&draft.email),
            address: some(&draft.address),
            citizen: citizen.map(|(s, _)| s),
        },
        text: draft.text.clone(),
    })
}

/// Dossier `code` of the host's tenant: its code, id and the division handling it now; `None`
/// when the tenant has no such dossier.
async fn route_dossier(
    state: &AppState,
    site: &Site,
    code: &str,
) -> Result<Option<(String, i64, String)>, Failure> {
    let Ok(parsed) = code.trim().parse::<DossierCode>() else {
        return Ok(None);
    };
    let Some(d) = dossiers::find(&state.store, site.tenant.id, &parsed).await? else {
        return Ok(None);
    };
    let procedure =
        handling::procedure_at(state, site, &d.procedure_code, d.procedure_version).await?;
    let now = serde_json::from_value::<DossierState>(d.state.clone())
        .ok()
        .and_then(|s| {
            s.tasks(&procedure.definition)
                .into_iter()
                .map(|t| t.division)
                .find(|d| !d.is_empty())
        });
    let division = now.unwrap_or_else(|| procedure.file.info.division.to_string());
    Ok(Some((d.code.to_string(), d.id, division)))
}

/// Stores `checked` with the files uploaded as `uploads` by `owner`, received now.
pub(crate) async fn store(
    state: &AppState,
    site: &Site,
    checked: Checked,
    uploads: Vec<UploadId>,
    owner: &str,
) -> Result<Complaint, Failure> {
    let now = Utc::now();
    let calendar = &site.tenant.calendar;
    let new = NewComplaint {
        kind: checked.kind,
        subject_kind: checked.about,
        subject: checked.subject,
        dossier_id: checked.dossier_id,
        sender: checked.sender,
        text: checked.text,
        division: checked.division,
        received_at: now,
        day: calendar.local_date(now),
        forward_by: FORWARD.due(calendar, now),
        answer_by: ANSWER.due(calendar, now),
        attachments: uploads.into_iter().map(|u| (u, owner.to_owned())).collect(),
    };
    Ok(complaints::receive(&state.store, site.tenant.id, new).await?)
}

/// A fresh owner for the uploads of one request: they are taken by the complaint in the same
/// request, so nobody else ever needs to name them.
pub(crate) fn upload_owner() -> Result<String, Failure> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Failure::internal(&e))?;
    Ok(format!(
        "pakn:{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// 413 for a body or file over the limits.
pub(crate) fn too_large() -> Failure {
    Failure::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        Msg::new(
            format!(
                "Tệp đính kèm vượt quá dung lượng cho phép ({} MB mỗi tệp, tối đa {MAX_FILES} tệp).",
                super::MAX_FILE_BYTES >> 20
            ),
            format!(
                "The attachment is larger than allowed ({} MB per file, at most {MAX_FILES} files).",
                super::MAX_FILE_BYTES >> 20
            ),
        ),
    )
}

/// 400: a body that is not the multipart form it says it is.
pub(crate) fn bad_multipart(detail: &str) -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "invalid_multipart",
        Msg::new(
            format!("Nội dung gửi lên không đúng dạng multipart/form-data: {detail}"),
            format!("The body is not valid multipart/form-data: {detail}"),
        ),
    )
}

fn multipart_failure(e: &axum::extract::multipart::MultipartError) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    bad_multipart(&e.to_string())
}

/// What a multipart form of a complaint carried: its text fields, its files checked and staged
/// (not yet uploads: [`Read::record`] makes them uploads once the text passed, [`Read::discard`]
/// lets them go), and the refusal of a file or of the body, if any, after which nothing more
/// was read.
pub(crate) struct Read {
    pub(crate) pairs: Vec<(String, String)>,
    staged: Vec<crate::api::Staging>,
    pub(crate) refused: Option<Failure>,
}

impl Read {
    /// The fields of a form without files.
    pub(crate) fn fields(pairs: Vec<(String, String)>) -> Self {
        Self {
            pairs,
            staged: Vec::new(),
            refused: None,
        }
    }

    /// The staged files recorded as uploads of the owner they were staged for; on a failure the
    /// rest are let go (those recorded expire unattached).
    pub(crate) async fn record(self, state: &AppState) -> Result<Vec<UploadId>, Failure> {
        let mut ids = Vec::with_capacity(self.staged.len());
        let mut staged = self.staged.into_iter();
        while let Some(s) = staged.next() {
            match crate::api::record_staged(state, s).await {
                Ok(u) => ids.push(u.id),
                Err(f) => {
                    crate::api::discard_staged(state, staged.collect()).await;
                    return Err(f);
                }
            }
        }
        Ok(ids)
    }

    /// Lets the staged files go: nothing of a refused complaint is kept.
    pub(crate) async fn discard(self, state: &AppState) {
        crate::api::discard_staged(state, self.staged).await;
    }
}

/// A file refused, its name in the message.
fn refused_file(f: Failure, file_name: &str) -> Failure {
    let f = if f.status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        f
    };
    let message = Msg::new(
        format!("Tệp “{file_name}”: {}", f.message.get(Lang::Vi)),
        format!("File “{file_name}”: {}", f.message.get(Lang::En)),
    );
    Failure::new(f.status, f.code, message)
}

/// Reads a multipart form of a complaint: its text fields, and its files checked against the
/// complaint's limits and staged for `owner`, nothing recorded. A file refused (too large, a type
/// not accepted, one too many) or a body over the limit stops the reading with the refusal; the
/// fields read until then are kept (a browser sends the form's fields in their order, the file
/// input last), so that the form can come back as typed.
pub(crate) async fn read_multipart(
    state: &AppState,
    site: &Site,
    mut form: Multipart,
    owner: &str,
) -> Read {
    let mut read = Read {
        pairs: Vec::new(),
        staged: Vec::new(),
        refused: None,
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                read.refused = Some(multipart_failure(&e));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let outcome = match file_name.as_deref() {
            // An empty file input: browsers send a part with no name and no bytes.
            Some("") => field
                .bytes()
                .await
                .map(drop)
                .map_err(|e| multipart_failure(&e)),
            Some(file_name) if read.staged.len() == MAX_FILES => Err(refused_file(
                Failure::invalid(
                    "too_many_files",
                    Msg::new(
                        format!("chỉ được gửi tối đa {MAX_FILES} tệp."),
                        format!("at most {MAX_FILES} files may be sent."),
                    ),
                ),
                file_name,
            )),
            Some(file_name) => crate::api::stage_part(
                state,
                site,
                owner.to_owned(),
                complaints::UPLOAD_PROCEDURE.to_owned(),
                file_rules(),
                field,
            )
            .await
            .map(|s| read.staged.push(s))
            .map_err(|f| {
                if f.status.is_client_error() {
                    refused_file(f, file_name)
                } else {
                    f
                }
            }),
            None => field
                .text()
                .await
                .map(|value| read.pairs.push((name, value)))
                .map_err(|e| multipart_failure(&e)),
        };
        if let Err(f) = outcome {
            read.refused = Some(f);
            break;
        }
    }
    read
}

/// Refuses a body announced larger than a complaint with its files may be, before reading it.
pub(crate) fn check_length(headers: &axum::http::HeaderMap) -> Result<(), Failure> {
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > super::MAX_BODY) {
        return Err(too_large());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_addresses_are_checked() {
        assert!(valid_phone("0912 345 678"));
        assert!(valid_phone("+84 912.345.678"));
        assert!(!valid_phone("12345"));
        assert!(!valid_phone("0912abc678"));
        assert!(valid_email("an@example.vn"));
        assert!(!valid_email("an@example"));
        assert!(!valid_email("@example.vn"));
        assert!(!valid_email("a n@example.vn"));
    }
}
