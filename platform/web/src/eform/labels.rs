//! The words around an e-form's inputs, in Vietnamese and English (the field labels themselves
//! come from the procedure's YAML).

use motcua_core::lang::Lang;

/// How a field's condition is put in words.
#[derive(Debug)]
pub(crate) struct ConditionWords {
    /// Opens a comparison: `khi` / `when`.
    pub(crate) when: &'static str,
    /// `là` / `is`.
    pub(crate) is: &'static str,
    /// `không phải` / `is not`.
    pub(crate) is_not: &'static str,
    /// A ticked box, `{}` the field's label.
    pub(crate) ticked: &'static str,
    /// A box left unticked, `{}` the field's label.
    pub(crate) unticked: &'static str,
    /// Any other condition, `{}` its source.
    pub(crate) other: &'static str,
}

/// The words of the e-form's inputs.
#[derive(Debug)]
pub(crate) struct EformLabels {
    /// The first option of a list: nothing chosen.
    pub(crate) choose: &'static str,
    /// Read after a required field's label by screen readers.
    pub(crate) required: &'static str,
    /// The sentence of a conditional field, `{}` its condition in words.
    pub(crate) only_when: &'static str,
    /// How a field's condition is put in words.
    pub(crate) condition: ConditionWords,
    /// What an e-form's own file field takes.
    pub(crate) file_reference: &'static str,
    /// A file field filled from a document's upload, `{}` the document's code.
    pub(crate) supplied_by: &'static str,
    /// The button that shows a table with one row more.
    pub(crate) add_row: &'static str,
    /// A ticked box, on the review page.
    pub(crate) yes: &'static str,
    /// A box left unticked, on the review page.
    pub(crate) no: &'static str,
}

const VI: EformLabels = EformLabels {
    choose: "— Chọn —",
    required: "(bắt buộc)",
    only_when: "Chỉ điền {}.",
    condition: ConditionWords {
        when: "khi",
        is: "là",
        is_not: "không phải",
        ticked: "khi đánh dấu {}",
        unticked: "khi không đánh dấu {}",
        other: "khi điều kiện {} đúng",
    },
    file_reference: "Chưa tải tệp lên được tại mục này: dán tham chiếu JSON của tệp đã tải lên ({\"sha256\": …, \"name\": …, \"size\": …}).",
    supplied_by: "Lấy từ tệp đính kèm của giấy tờ {} ở mục Thành phần hồ sơ.",
    add_row: "Thêm dòng",
    yes: "Có",
    no: "Không",
};

const EN: EformLabels = EformLabels {
    choose: "— Choose —",
    required: "(required)",
    only_when: "Fill in only {}.",
    condition: ConditionWords {
        when: "when",
        is: "is",
        is_not: "is not",
        ticked: "when {} is ticked",
        unticked: "when {} is not ticked",
        other: "when the condition {} holds",
    },
    file_reference: "Files cannot be uploaded in this field: paste the JSON reference of a file uploaded already ({\"sha256\": …, \"name\": …, \"size\": …}).",
    supplied_by: "Taken from the file attached for document {} under Documents.",
    add_row: "Add a row",
    yes: "Yes",
    no: "No",
};

/// The e-form's words in `lang`.
pub(crate) fn labels(lang: Lang) -> &'static EformLabels {
    lang.pick(&VI, &EN)
}
