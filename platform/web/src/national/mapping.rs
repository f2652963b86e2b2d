//! The national public service portal's vocabulary, in one place: the field names of a dossier
//! push, its code tables (applicant type, status 1–10, channel, error codes) and its dates
//! (`yyyyMMddHHmmss`, Vietnam time), and their translation to and from the platform's own types.
//!
//! The names follow the exchange as practised (`DOMAIN.md`, "Exchange with the national portal",
//! marked *check*): when the portal's specification says otherwise, this file is the only one to
//! change. Everything here is pure, so that the outbound side (pushing progress and statuses)
//! can use the same tables.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use motcua_core::codes::{EntityCode, Level1Code};
use motcua_core::dossier::{Applicant, ApplicantKind, Channel, CitizenId, DossierStatus};
use motcua_core::procedure::ProcedureCode;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use crate::i18n::Msg;

/// The format of the national portal's dates.
const DATE_FORMAT: &str = "%Y%m%d%H%M%S";
/// The longest national dossier code accepted.
const MAX_CODE: usize = 64;

/// Vietnam time, in which the national portal writes its dates.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// A code the portal sends as text (`"1"`) or as a number (`1`), kept as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CodeText(pub String);

impl<'de> Deserialize<'de> for CodeText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Self(s.trim().to_owned())),
            Value::Number(n) => Ok(Self(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a code as text or a number, found {other}"
            ))),
        }
    }
}

/// A file of the dossier: an upload made beforehand with the same token, and the document of
/// the procedure it is (its name at the portal, `TenTepDinhKem`, stays in the log only).
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct NationalFile {
    /// The upload's id (`up_...`), as `POST /api/v1/uploads` answered it.
    #[serde(rename = "TepDinhKemId")]
    pub upload: String,
    /// The code of the required document it is (`info.cases[].documents[].code`).
    #[serde(rename = "MaThanhPhanHoSo")]
    pub document: String,
}

/// A dossier as the national portal pushes it. Fields the platform does not use (fees,
/// supplements, results, ...) are accepted and kept in the exchange log with the rest.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct NationalDossier {
    /// The dossier's code at the national portal.
    #[serde(rename = "MaHoSo")]
    pub code: String,
    /// The procedure: its national code, or the local one (national code and entity code).
    #[serde(rename = "MaTTHC")]
    pub procedure: String,
    /// The case (trường hợp), when the procedure has several.
    #[serde(rename = "MaTruongHop", default)]
    pub case: Option<String>,
    /// The channel: `2`, online (the portal forwards nothing else).
    #[serde(rename = "KenhThucHien", default)]
    pub channel: Option<CodeText>,
    /// The owner's name.
    #[serde(rename = "ChuHoSo")]
    pub owner: String,
    /// The owner's identity number (12 digits for a citizen).
    #[serde(rename = "SoGiayToChuHoSo", default)]
    pub owner_id: Option<String>,
    /// Applicant type: 1 citizen, 2 business, 3 state agency, 4 other.
    #[serde(rename = "LoaiDoiTuong")]
    pub applicant_type: CodeText,
    /// Telephone.
    #[serde(rename = "SoDienThoai", default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(rename = "Email", default)]
    pub email: Option<String>,
    /// Postal address.
    #[serde(rename = "DiaChi", default)]
    pub address: Option<String>,
    /// When the applicant submitted it at the national portal.
    #[serde(rename = "NgayNopHoSo")]
    pub submitted_at: String,
    /// When the portal received it, if it says.
    #[serde(rename = "NgayTiepNhan", default)]
    pub received_at: Option<String>,
    /// The appointment date the portal announced, if any (the agency sets its own).
    #[serde(rename = "NgayHenTra", default)]
    pub appointment_at: Option<String>,
    /// The status at the portal: 1, newly registered, for a forward.
    #[serde(rename = "TrangThaiHoSo", default)]
    pub status: Option<CodeText>,
    /// Whether the applicant chose online payment: `0` or `1`.
    #[serde(rename = "ThanhToanTrucTuyen", default)]
    pub online_payment: Option<CodeText>,
    /// The procedure's e-form, filled in.
    #[serde(rename = "DuLieuToKhai", default)]
    pub form: Option<Value>,
    /// The files supplied.
    #[serde(rename = "TaiLieuNop", default)]
    pub files: Vec<NationalFile>,
}

/// The codes of the answers, for the national portal's programs: `00` is success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    /// `00`: received (or received before: the same dossier).
    Success,
    /// `01`: no valid token of this agency.
    Unauthenticated,
    /// `02`: the token may not forward dossiers.
    Forbidden,
    /// `03`: not JSON, or a field missing or of the wrong type.
    Malformed,
    /// `04`: a value that cannot be read (date, code, identity number...).
    InvalidValue,
    /// `05`: no such procedure (or case) at this agency.
    UnknownProcedure,
    /// `06`: the procedure does not accept online dossiers, or not from the national portal.
    NotOnline,
    /// `07`: the e-form does not pass the procedure's rules.
    InvalidForm,
    /// `08`: a file that cannot be attached.
    InvalidFile,
    /// `09`: the national code names a dossier of another procedure.
    Conflict,
    /// `10`: busy or briefly unavailable: send again later.
    Unavailable,
    /// `99`: an error of the platform.
    Internal,
}

impl ErrorCode {
    /// The code as sent.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Success => "00",
            Self::Unauthenticated => "01",
            Self::Forbidden => "02",
            Self::Malformed => "03",
            Self::InvalidValue => "04",
            Self::UnknownProcedure => "05",
            Self::NotOnline => "06",
            Self::InvalidForm => "07",
            Self::InvalidFile => "08",
            Self::Conflict => "09",
            Self::Unavailable => "10",
            Self::Internal => "99",
        }
    }

    /// The national code of a platform failure, by its stable code.
    pub(crate) fn of_failure(code: &str) -> Self {
        match code {
            "invalid_token" | "unauthenticated" => Self::Unauthenticated,
            "forbidden" | "password_change_required" | "scope_missing" | "csrf" => Self::Forbidden,
            "malformed_message"
            | "malformed_json"
            | "invalid_body"
            | "payload_too_large"
            | "unsupported_media_type"
            | "bad_request" => Self::Malformed,
            "invalid_value" | "applicant_name_required" => Self::InvalidValue,
            "unknown_procedure" | "unknown_case" | "other_agency" => Self::UnknownProcedure,
            "procedure_not_online" | "not_on_national_portal" => Self::NotOnline,
            "invalid_form" => Self::InvalidForm,
            "invalid_file" | "unknown_document" => Self::InvalidFile,
            "conflict" => Self::Conflict,
            "unavailable" | "rate_limited" | "codes_exhausted" => Self::Unavailable,
            _ => Self::Internal,
        }
    }
}

/// Why a pushed dossier cannot be read: the field and what is wrong, for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    /// The platform's stable code (`invalid_value`, `other_agency`).
    pub code: &'static str,
    /// What to tell the sender.
    pub message: Msg,
}

fn invalid(field: &str, value: &str, vi: &str, en: &str) -> Refused {
    let value: String = value.chars().take(60).collect();
    Refused {
        code: "invalid_value",
        message: Msg::new(
            format!("Trường {field} có giá trị \"{value}\" không hợp lệ: {vi}"),
            format!("The field {field} has the invalid value \"{value}\": {en}"),
        ),
    }
}

/// Reads a national date (`yyyyMMddHHmmss`, Vietnam time) of `field`.
pub(crate) fn parse_date(field: &str, text: &str) -> Result<DateTime<Utc>, Refused> {
    let bad = || {
        invalid(
            field,
            text,
            "ngày giờ phải có dạng yyyyMMddHHmmss (giờ Việt Nam), ví dụ 20260310083000.",
            "dates are written yyyyMMddHHmmss (Vietnam time), for example 20260310083000.",
        )
    };
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let local = NaiveDateTime::parse_from_str(text, DATE_FORMAT).map_err(|_| bad())?;
    vietnam()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// Writes a time as a national date.
pub(crate) fn format_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam()).format(DATE_FORMAT).to_string()
}

/// The applicant type of a national code (1–4).
pub(crate) fn applicant_kind(code: &str) -> Option<ApplicantKind> {
    [
        ApplicantKind::Citizen,
        ApplicantKind::Business,
        ApplicantKind::StateAgency,
        ApplicantKind::Other,
    ]
    .into_iter()
    .find(|k| k.national_code().to_string() == code)
}

/// The status of a national code (1–10).
pub(crate) fn status(code: &str) -> Option<DossierStatus> {
    code.parse::<u8>()
        .ok()
        .and_then(DossierStatus::from_national_code)
}

/// The national channel code (`KenhThucHien`): 1 in person, 2 online, 3 by post.
pub(crate) fn channel_code(channel: Channel) -> &'static str {
    match channel {
        Channel::Desk => "1",
        Channel::Online | Channel::NationalPortal => "2",
        Channel::Post => "3",
    }
}

/// The national procedure code a pushed `MaTTHC` names for the tenant whose level-1 entity code
/// is `tenant`: either the national code itself (`1.001193`) or the local one, the national code
/// followed by an entity code of this tenant (`1.001193.000.00.00.H29`, `DOMAIN.md`, "Codes").
pub(crate) fn procedure_code(text: &str, tenant: Level1Code) -> Result<String, Refused> {
    let text = text.trim();
    let bad = || {
        invalid(
            "MaTTHC",
            text,
            "mã thủ tục có dạng 1.001193 hoặc 1.001193.000.00.00.H29.",
            "a procedure code looks like 1.001193 or 1.001193.000.00.00.H29.",
        )
    };
    let mut parts = text.splitn(3, '.');
    let (Some(group), Some(number)) = (parts.next(), parts.next()) else {
        return Err(bad());
    };
    let national: ProcedureCode = format!("{group}.{number}").parse().map_err(|_| bad())?;
    if let Some(entity) = parts.next() {
        let entity: EntityCode = entity.parse().map_err(|_| bad())?;
        if entity.level1() != tenant {
            return Err(Refused {
                code: "other_agency",
                message: Msg::new(
                    format!(
                        "Thủ tục {text} thuộc cơ quan mã {entity}, không thuộc cơ quan này ({tenant})."
                    ),
                    format!(
                        "Procedure {text} belongs to the agency {entity}, not to this one ({tenant})."
                    ),
                ),
            });
        }
    }
    Ok(national.to_string())
}

/// A pushed dossier, read into the platform's terms.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Forward {
    /// The dossier's code at the national portal.
    pub national_code: String,
    /// The procedure's national code.
    pub procedure: String,
    /// The case, when named.
    pub case: Option<String>,
    /// Who applies.
    pub applicant: Applicant,
    /// The e-form data (an empty object when none was sent).
    pub form: Value,
    /// When the applicant submitted it at the national portal.
    pub submitted_at: DateTime<Utc>,
    /// The files: upload id and document code.
    pub files: Vec<(String, String)>,
}

/// Whether a national dossier code can be kept: 1 to 64 characters, letters, digits and
/// `.-_/`.
pub(crate) fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_/".contains(&b))
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Reads a pushed dossier for the tenant whose level-1 entity code is `tenant`.
pub(crate) fn read(d: &NationalDossier, tenant: Level1Code) -> Result<Forward, Refused> {
    let national_code = d.code.trim();
    if !valid_code(national_code) {
        return Err(invalid(
            "MaHoSo",
            national_code,
            "mã hồ sơ gồm 1 đến 64 ký tự chữ, số và . - _ /.",
            "a dossier code has 1 to 64 letters, digits and . - _ /.",
        ));
    }
    let procedure = procedure_code(&d.procedure, tenant)?;
    if let Some(c) = &d.channel
        && c.0 != channel_code(Channel::NationalPortal)
    {
        return Err(invalid(
            "KenhThucHien",
            &c.0,
            "hồ sơ chuyển từ Cổng Dịch vụ công quốc gia là hồ sơ trực tuyến (2).",
            "dossiers forwarded by the national portal are online dossiers (2).",
        ));
    }
    if let Some(s) = &d.status {
        match status(&s.0) {
            Some(DossierStatus::Registered) => {}
            Some(_) => {
                return Err(invalid(
                    "TrangThaiHoSo",
                    &s.0,
                    "hồ sơ chuyển đến phải ở trạng thái mới đăng ký (1).",
                    "a forwarded dossier must be newly registered (1).",
                ));
            }
            None => {
                return Err(invalid(
                    "TrangThaiHoSo",
                    &s.0,
                    "trạng thái là một số từ 1 đến 10.",
                    "a status is a number from 1 to 10.",
                ));
            }
        }
    }
    if let Some(p) = &d.online_payment
        && p.0 != "0"
        && p.0 != "1"
    {
        return Err(invalid(
            "ThanhToanTrucTuyen",
            &p.0,
            "giá trị là 0 hoặc 1.",
            "the value is 0 or 1.",
        ));
    }
    let kind = applicant_kind(&d.applicant_type.0).ok_or_else(|| {
        invalid(
            "LoaiDoiTuong",
            &d.applicant_type.0,
            "loại đối tượng là 1 (công dân), 2 (doanh nghiệp), 3 (cơ quan nhà nước) hoặc 4 (khác).",
            "the applicant type is 1 (citizen), 2 (business), 3 (state agency) or 4 (other).",
        )
    })?;
    // A citizen's number is the 12-digit identity number; an organisation's (tax code...) is
    // kept in the exchange log only.
    let id_number = match (kind, text(&d.owner_id)) {
        (ApplicantKind::Citizen, Some(n)) => Some(CitizenId::parse(&n).ok_or_else(|| {
            invalid(
                "SoGiayToChuHoSo",
                &n,
                "số định danh cá nhân gồm đúng 12 chữ số.",
                "a citizen identity number has exactly 12 digits.",
            )
        })?),
        _ => None,
    };
    let submitted_at = parse_date("NgayNopHoSo", d.submitted_at.trim())?;
    for (field, value) in [
        ("NgayTiepNhan", &d.received_at),
        ("NgayHenTra", &d.appointment_at),
    ] {
        if let Some(v) = text(value) {
            parse_date(field, &v)?;
        }
    }
    let form = match &d.form {
        None | Some(Value::Null) => json!({}),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(other) => {
            return Err(invalid(
                "DuLieuToKhai",
                &other.to_string(),
                "dữ liệu tờ khai là một đối tượng JSON.",
                "the e-form data is a JSON object.",
            ));
        }
    };
    Ok(Forward {
        national_code: national_code.to_owned(),
        procedure,
        case: text(&d.case),
        applicant: Applicant {
            kind,
            name: d.owner.trim().to_owned(),
            id_number,
            phone: text(&d.phone),
            email: text(&d.email),
            address: text(&d.address),
        },
        form,
        submitted_at,
        files: d
            .files
            .iter()
            .map(|f| (f.upload.trim().to_owned(), f.document.trim().to_owned()))
            .collect(),
    })
}

/// The answer to a dossier received (`replayed`: received before, by an earlier forward).
pub(crate) fn received_reply(
    national_code: &str,
    dossier: &motcua_store::dossiers::Dossier,
    replayed: bool,
) -> Value {
    let (vi, en) = if replayed {
        (
            "Hồ sơ đã được tiếp nhận trước đó.",
            "The dossier was received before.",
        )
    } else {
        ("Tiếp nhận hồ sơ thành công.", "The dossier was received.")
    };
    json!({
        "error_code": ErrorCode::Success.as_str(),
        "message": vi,
        "message_en": en,
        "code": if replayed { "replayed" } else { "created" },
        "data": {
            "MaHoSo": national_code,
            "MaHoSoDiaPhuong": dossier.code.to_string(),
            "TrangThaiHoSo": dossier.status.national_code().to_string(),
            "KenhThucHien": channel_code(dossier.channel),
            "NgayTiepNhan": format_date(dossier.received_at),
            "NgayHenTra": format_date(dossier.due_at),
        },
    })
}

/// The answer to a refused message: the national code, the message in Vietnamese (and in
/// English), the platform's stable code, and each field of the e-form at fault.
pub(crate) fn refused_reply(code: &str, message: &Msg, fields: &[Value]) -> Value {
    let mut body = json!({
        "error_code": ErrorCode::of_failure(code).as_str(),
        "message": message.vi,
        "message_en": message.en,
        "code": code,
    });
    if !fields.is_empty() {
        body["fields"] = Value::Array(fields.to_vec());
    }
    body
}

#[cfg(test)]
mod tests;
