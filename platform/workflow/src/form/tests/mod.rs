//! Tests of the e-form: the design-time check ([`check`](mod@check)), the validation of
//! submissions ([`validate`](mod@validate), [`codes`](mod@codes)) and a fuzz test that validation never panics
//! ([`fuzz`](mod@fuzz)), over a birth-registration form.

mod check;
mod codes;
mod fuzz;
mod validate;

use chrono::{DateTime, TimeZone, Utc};
use motcua_core::diagnostic::Report;
use motcua_core::procedure::ProcedureInfo;
use serde_json::{Value, json};

use super::CompiledForm;
use crate::schema::Form;

/// Public information of a birth registration, with the documents a file field may supply.
const INFO: &str = r#"
code: "1.001193"
name: { vi: Đăng ký khai sinh, en: Birth registration }
sector: G15-TP14
sector_name: { vi: Hộ tịch, en: Civil status }
agency: { vi: Ủy ban nhân dân cấp xã, en: Commune People's Committee }
division: tu-phap
level: 4
time: { value: 1, unit: working_days }
channels: [desk, online]
applicants: [citizen]
steps: [{ vi: Nộp tờ khai, en: Submit the declaration }]
cases:
  - key: co-giay-chung-sinh
    name: { vi: Có giấy chứng sinh, en: With a birth certificate }
    documents:
      - { code: TO_KHAI, name: { vi: Tờ khai đăng ký khai sinh, en: Declaration }, form: original }
      - { code: GIAY_CHUNG_SINH, name: { vi: Giấy chứng sinh, en: Birth certificate }, form: original }
  - key: khong-giay-chung-sinh
    name: { vi: Không có giấy chứng sinh, en: Without a birth certificate }
    documents:
      - { code: TO_KHAI, name: { vi: Tờ khai đăng ký khai sinh, en: Declaration }, form: original }
      - { code: VAN_BAN_LAM_CHUNG, name: { vi: Văn bản làm chứng, en: Witness statement }, form: original }
results: [{ vi: Giấy khai sinh, en: Birth certificate extract }]
legal_basis: [{ number: 60/2014/QH13, title: { vi: Luật Hộ tịch, en: Law on Civil Status } }]
"#;

/// A birth registration's e-form: every type, a date rule, conditional fields, a table of
/// witnesses with a conditional column and a file column, an attached file.
const BIRTH: &str = r#"
fields:
  - key: child_name
    type: text
    label: { vi: Họ tên trẻ, en: Child's full name }
    required: true
    min_length: 2
    max_length: 100
  - key: date_of_birth
    type: date
    label: { vi: Ngày sinh, en: Date of birth }
    required: true
    rules:
      - check: value <= today
        message: { vi: Ngày sinh không được sau ngày hôm nay., en: The date of birth cannot be in the future. }
  - key: sex
    type: choice
    label: { vi: Giới tính, en: Sex }
    required: true
    options:
      - { value: nam, label: { vi: Nam, en: Male } }
      - { value: nu, label: { vi: Nữ, en: Female } }
  - key: weight_grams
    type: number
    label: { vi: Cân nặng khi sinh (gam), en: Birth weight (grams) }
    min: 300
    max: 8000
  - key: mother_id
    type: citizen_id
    label: { vi: Số định danh cá nhân của mẹ, en: Mother's identity number }
    required: true
  - key: father_id
    type: citizen_id
    label: { vi: Số định danh cá nhân của cha, en: Father's identity number }
    rules:
      - check: "!has(form.mother_id) || value != form.mother_id"
        message: { vi: Số định danh của cha và mẹ phải khác nhau., en: The parents' identity numbers must differ. }
  - key: born_abroad
    type: boolean
    label: { vi: Trẻ sinh ra ở nước ngoài, en: Born abroad }
  - key: country_of_birth
    type: text
    label: { vi: Nước nơi trẻ sinh ra, en: Country of birth }
    required: true
    visible_if: form.born_abroad
  - key: residence
    type: address
    label: { vi: Nơi cư trú, en: Residence }
    required: true
  - key: phone
    type: phone
    label: { vi: Số điện thoại, en: Phone number }
  - key: email
    type: email
    label: { vi: Thư điện tử, en: E-mail }
  - key: extra_copies
    type: money
    label: { vi: Lệ phí bản sao, en: Fee for extra copies }
    max: 100000
  - key: result_by
    type: choice
    multiple: true
    label: { vi: Hình thức nhận kết quả, en: How to receive the result }
    options:
      - { value: truc-tiep, label: { vi: Trực tiếp, en: In person } }
      - { value: buu-chinh, label: { vi: Bưu chính, en: By post } }
      - { value: dien-tu, label: { vi: Bản điện tử, en: Electronic copy } }
  - key: notes
    type: textarea
    label: { vi: Ghi chú, en: Notes }
  - key: has_birth_certificate
    type: boolean
    label: { vi: Có giấy chứng sinh, en: Has a birth certificate }
  - key: birth_certificate
    type: file
    label: { vi: Giấy chứng sinh, en: Birth certificate }
    required: true
    visible_if: form.has_birth_certificate
    accept: [pdf, jpg, png]
    max_size_mb: 5
    document: GIAY_CHUNG_SINH
  - key: witnesses
    type: table
    label: { vi: Người làm chứng, en: Witnesses }
    required: true
    visible_if: "!form.has_birth_certificate"
    max_rows: 3
    columns:
      - { key: name, type: text, label: { vi: Họ tên, en: Full name }, required: true }
      - { key: citizen_id, type: citizen_id, label: { vi: Số định danh cá nhân, en: Identity number }, required: true }
      - key: relation
        type: choice
        label: { vi: Quan hệ, en: Relation }
        options:
          - { value: ho-hang, label: { vi: Họ hàng, en: Relative } }
          - { value: khac, label: { vi: Khác, en: Other } }
      - key: relation_other
        type: text
        label: { vi: Quan hệ khác, en: Other relation }
        required: true
        visible_if: "has(row.relation) && row.relation == 'khac'"
      - key: statement
        type: file
        label: { vi: Văn bản làm chứng, en: Witness statement }
        accept: [pdf]
        document: VAN_BAN_LAM_CHUNG
        rules:
          - check: value.size <= 2097152
            message: { vi: Văn bản làm chứng tối đa 2 MB., en: A witness statement is at most 2 MB. }
  - key: declaration
    type: boolean
    label: { vi: Tôi cam đoan những nội dung khai trên là đúng sự thật, en: I declare that the above is true }
    required: true
"#;

pub(super) const HASH: &str = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

/// A complete submission, as a browser might send it: untrimmed, loosely typed.
pub(super) fn submission() -> Value {
    json!({
        "child_name": "  Nguyễn Văn An ",
        "date_of_birth": "2026-02-20",
        "sex": "nam",
        "weight_grams": "3200.5",
        "mother_id": "001 199 012 345",
        "father_id": "001-088-012-346",
        "born_abroad": false,
        "residence": "Số 1 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        "phone": " 0912 345 678 ",
        "email": "an.nguyen@example.vn",
        "extra_copies": "16000",
        "result_by": ["dien-tu", "truc-tiep", "dien-tu"],
        "notes": "Dòng một\r\nDòng hai",
        "has_birth_certificate": true,
        "birth_certificate": { "sha256": HASH, "name": "giay-chung-sinh.PDF", "size": 120000, "content_type": "application/pdf" },
        "declaration": true,
    })
}

fn info() -> ProcedureInfo {
    serde_saphyr::from_str(INFO).expect("the test procedure information parses")
}

fn form(yaml: &str) -> Form {
    serde_saphyr::from_str(yaml).expect("the test form parses")
}

fn birth() -> CompiledForm {
    CompiledForm::new(&form(BIRTH)).expect("the birth form compiles")
}

/// 2 March 2026, 09:00 in Vietnam.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

/// The problems `check` finds in a form, as `line:column: message (hint: …)`.
fn problems(yaml: &str) -> Vec<String> {
    let mut report = Report::new("p.yaml");
    super::check(&form(yaml), &info(), &mut report);
    match report.finish(()) {
        Ok(()) => Vec::new(),
        Err(found) => found
            .iter()
            .map(|d| {
                let hint = d.hint.as_ref().map(|h| format!(" (hint: {h})"));
                format!(
                    "{}:{}: {}{}",
                    d.line,
                    d.column,
                    d.message,
                    hint.unwrap_or_default()
                )
            })
            .collect(),
    }
}
