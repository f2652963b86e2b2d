//! What a citizen is told when a submitted form is refused: one [`FieldError`] per problem, with
//! a stable machine-readable code (the JSON API and the browser key on it, so a code never
//! changes meaning) and a sentence in both languages that names the field by its label.

use motcua_core::lang::{Lang, Text};
use serde::Serialize;

/// One problem with submitted form data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where: a field key, or a path into a table (`witnesses[2].name`, rows counted from 0);
    /// empty when the data as a whole is wrong.
    pub field: String,
    /// What, for programs: one of the [`code`] constants.
    pub code: &'static str,
    /// What, for the applicant, in Vietnamese and English; a failed rule carries the designer's
    /// message.
    pub message: Text,
}

/// The stable error codes.
pub mod code {
    /// A required field is missing or empty.
    pub const REQUIRED: &str = "required";
    /// Text shorter than `min_length`.
    pub const TOO_SHORT: &str = "too_short";
    /// Text longer than `max_length` (or the default bound of its type).
    pub const TOO_LONG: &str = "too_long";
    /// Not a number (number), or not a whole amount of đồng (money).
    pub const NOT_A_NUMBER: &str = "not_a_number";
    /// A number outside `min`..`max`.
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// A choice that is not one of the options.
    pub const NOT_AN_OPTION: &str = "not_an_option";
    /// Not 12 digits.
    pub const INVALID_CITIZEN_ID: &str = "invalid_citizen_id";
    /// Not an e-mail address.
    pub const INVALID_EMAIL: &str = "invalid_email";
    /// Not a phone number.
    pub const INVALID_PHONE: &str = "invalid_phone";
    /// Not a real calendar date written `YYYY-MM-DD`.
    pub const INVALID_DATE: &str = "invalid_date";
    /// A value of the wrong kind for its field (an object for a text, a number for a yes/no).
    pub const INVALID_VALUE: &str = "invalid_value";
    /// Text with control characters (a NUL byte, a line break in a one-line field).
    pub const INVALID_CHARACTERS: &str = "invalid_characters";
    /// A table with more rows than `max_rows`.
    pub const TOO_MANY_ROWS: &str = "too_many_rows";
    /// A table row that is not an object.
    pub const INVALID_ROW: &str = "invalid_row";
    /// A designer's rule does not hold (or could not be evaluated).
    pub const RULE: &str = "rule";
    /// A key the form does not have.
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    /// A file reference that is malformed (hash, name, size).
    pub const INVALID_FILE: &str = "invalid_file";
    /// A file whose extension is not in `accept`.
    pub const FILE_TYPE: &str = "file_type";
    /// A file larger than `max_size_mb`.
    pub const FILE_TOO_LARGE: &str = "file_too_large";
    /// The data is not a JSON object.
    pub const INVALID_FORM: &str = "invalid_form";
}

/// A problem found with one value, before it is placed at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Problem {
    pub(super) code: &'static str,
    pub(super) message: Text,
}

impl Problem {
    pub(super) fn at(self, field: String) -> FieldError {
        FieldError {
            field,
            code: self.code,
            message: self.message,
        }
    }
}

fn problem(code: &'static str, vi: String, en: String) -> Problem {
    Problem {
        code,
        message: Text::new(vi, en),
    }
}

/// The label in each language.
fn names(label: &Text) -> (&str, &str) {
    (label.get(Lang::Vi), label.get(Lang::En))
}

/// What to ask for when a field is empty; the verb fits the kind of field.
pub(super) fn required(label: &Text, kind: crate::schema::FieldType) -> Problem {
    use crate::schema::FieldType as T;
    let (vi, en) = names(label);
    let (vi, en) = match kind {
        T::Choice => (
            format!("Vui lòng chọn {vi}."),
            format!("Please choose {en}."),
        ),
        T::Boolean => (
            format!("Vui lòng đánh dấu vào ô {vi}."),
            format!("Please tick {en}."),
        ),
        T::File => (
            format!("Vui lòng đính kèm {vi}."),
            format!("Please attach {en}."),
        ),
        T::Table => (
            format!("Vui lòng nhập ít nhất một dòng cho {vi}."),
            format!("Please add at least one row to {en}."),
        ),
        _ => (
            format!("Vui lòng nhập {vi}."),
            format!("Please enter {en}."),
        ),
    };
    problem(code::REQUIRED, vi, en)
}

pub(super) fn too_short(label: &Text, min: u32) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::TOO_SHORT,
        format!("{vi} phải có ít nhất {min} ký tự."),
        format!("{en} must be at least {min} characters long."),
    )
}

pub(super) fn too_long(label: &Text, max: u32) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::TOO_LONG,
        format!("{vi} không được dài quá {max} ký tự."),
        format!("{en} must be at most {max} characters long."),
    )
}

pub(super) fn not_a_number(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::NOT_A_NUMBER,
        format!("{vi} phải là một số."),
        format!("{en} must be a number."),
    )
}

pub(super) fn not_an_amount(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::NOT_A_NUMBER,
        format!("{vi} phải là số tiền (đồng) nguyên, chỉ gồm chữ số."),
        format!("{en} must be a whole amount in đồng, written with digits only."),
    )
}

pub(super) fn out_of_range(label: &Text, min: Option<f64>, max: Option<f64>) -> Problem {
    let (vi, en) = names(label);
    let (vi, en) = match (min, max) {
        (Some(lo), Some(hi)) => (
            format!("{vi} phải từ {lo} đến {hi}."),
            format!("{en} must be between {lo} and {hi}."),
        ),
        (Some(lo), None) => (
            format!("{vi} phải lớn hơn hoặc bằng {lo}."),
            format!("{en} must be at least {lo}."),
        ),
        (None, Some(hi)) => (
            format!("{vi} phải nhỏ hơn hoặc bằng {hi}."),
            format!("{en} must be at most {hi}."),
        ),
        (None, None) => (
            format!("{vi} nằm ngoài khoảng cho phép."),
            format!("{en} is out of range."),
        ),
    };
    problem(code::OUT_OF_RANGE, vi, en)
}

pub(super) fn not_an_option(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::NOT_AN_OPTION,
        format!("Giá trị đã chọn cho {vi} không có trong danh sách."),
        format!("The value chosen for {en} is not one of its options."),
    )
}

pub(super) fn invalid_citizen_id() -> Problem {
    problem(
        code::INVALID_CITIZEN_ID,
        "Số định danh cá nhân phải gồm đúng 12 chữ số.".to_owned(),
        "A citizen identity number has exactly 12 digits.".to_owned(),
    )
}

pub(super) fn invalid_email(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_EMAIL,
        format!("{vi} không phải là địa chỉ thư điện tử hợp lệ (ví dụ: ten@example.com)."),
        format!("{en} is not a valid e-mail address (e.g. name@example.com)."),
    )
}

pub(super) fn invalid_phone(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_PHONE,
        format!("{vi} không phải là số điện thoại hợp lệ."),
        format!("{en} is not a valid phone number."),
    )
}

pub(super) fn invalid_date(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_DATE,
        format!("{vi} không phải là một ngày hợp lệ."),
        format!("{en} is not a valid date."),
    )
}

pub(super) fn invalid_value(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_VALUE,
        format!("Giá trị của {vi} không hợp lệ."),
        format!("The value of {en} is not valid."),
    )
}

pub(super) fn invalid_characters(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_CHARACTERS,
        format!("{vi} chứa ký tự không được phép."),
        format!("{en} contains characters that are not allowed."),
    )
}

pub(super) fn too_many_rows(label: &Text, max: u32) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::TOO_MANY_ROWS,
        format!("{vi} chỉ được có tối đa {max} dòng."),
        format!("{en} can have at most {max} rows."),
    )
}

pub(super) fn invalid_row(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_ROW,
        format!("Dòng này của {vi} không hợp lệ."),
        format!("This row of {en} is not valid."),
    )
}

pub(super) fn unknown_field() -> Problem {
    problem(
        code::UNKNOWN_FIELD,
        "Trường này không có trong biểu mẫu.".to_owned(),
        "This field is not part of the form.".to_owned(),
    )
}

pub(super) fn invalid_file(label: &Text) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::INVALID_FILE,
        format!("Tệp đính kèm cho {vi} không hợp lệ, vui lòng tải lên lại."),
        format!("The file attached for {en} is not valid; please upload it again."),
    )
}

pub(super) fn file_type(label: &Text, accept: &[String]) -> Problem {
    let (vi, en) = names(label);
    let list = accept.join(", ");
    problem(
        code::FILE_TYPE,
        format!("{vi} chỉ nhận tệp có đuôi: {list}."),
        format!("{en} accepts only files ending in: {list}."),
    )
}

pub(super) fn file_too_large(label: &Text, max_mb: u32) -> Problem {
    let (vi, en) = names(label);
    problem(
        code::FILE_TOO_LARGE,
        format!("Tệp đính kèm cho {vi} không được lớn hơn {max_mb} MB."),
        format!("The file attached for {en} must not be larger than {max_mb} MB."),
    )
}

pub(super) fn invalid_form() -> Problem {
    problem(
        code::INVALID_FORM,
        "Dữ liệu biểu mẫu không hợp lệ.".to_owned(),
        "The form data is not valid.".to_owned(),
    )
}
