//! The design-time check: each problem with its message, hint, line and column.

use super::{BIRTH, problems};

#[test]
fn the_birth_form_is_clean() {
    assert_eq!(problems(BIRTH), Vec::<String>::new());
}

#[test]
fn duplicate_keys_in_the_form_and_in_a_table() {
    let yaml = r#"fields:
  - { key: name, type: text, label: { vi: Tên } }
  - { key: name, type: text, label: { vi: Tên khác } }
  - key: members
    type: table
    label: { vi: Thành viên }
    columns:
      - { key: age, type: number, label: { vi: Tuổi } }
      - { key: age, type: number, label: { vi: Tuổi } }
"#;
    assert_eq!(
        problems(yaml),
        [
            "3:12: two fields have the key `name` (hint: keys name the data and must differ; the first `name` is on line 2)",
            "9:16: two columns of the table `members` have the key `age` (hint: keys name the data and must differ; the first `age` is on line 8)",
        ]
    );
}

#[test]
fn attributes_that_do_not_fit_the_type() {
    let yaml = r#"fields:
  - key: name
    type: text
    label: { vi: Tên }
    options: [{ value: a, label: { vi: A } }]
  - { key: born, type: date, label: { vi: Ngày sinh }, min: 0 }
  - { key: note, type: text, label: { vi: Ghi chú }, columns: [{ key: x, type: text, label: { vi: X } }] }
  - { key: phone, type: phone, label: { vi: Điện thoại }, accept: [pdf], max_length: 20 }
  - key: age
    type: number
    label: { vi: Tuổi }
    document: TO_KHAI
"#;
    assert_eq!(
        problems(yaml),
        [
            "2:10: `options` does not apply to the text field `name` (hint: `options` is for choice fields)",
            "6:12: `min` does not apply to the date field `born` (hint: `min` is for number and money fields; to bound a date, add a rule such as `value <= today`)",
            "7:12: `columns` does not apply to the text field `note` (hint: `columns` is for table fields)",
            "8:12: `max_length` does not apply to the phone field `phone` (hint: `max_length` is for text, textarea and address fields)",
            "8:12: `accept` does not apply to the phone field `phone` (hint: `accept` is for file fields)",
            "12:15: `document` does not apply to the number field `age` (hint: `document` is for file fields)",
        ]
    );
}

#[test]
fn choices_need_distinct_options() {
    let yaml = r#"fields:
  - { key: sex, type: choice, label: { vi: Giới tính } }
  - key: kind
    type: choice
    label: { vi: Loại }
    options:
      - { value: a, label: { vi: A } }
      - { value: a, label: { vi: A nữa } }
      - { value: " ", label: { vi: Trống } }
"#;
    assert_eq!(
        problems(yaml),
        [
            "2:12: the choice field `sex` has no `options` (hint: list them: `options: [{ value: ..., label: { vi: ..., en: ... } }]`)",
            "3:10: the option value `a` appears twice in `kind` (hint: each option needs its own value)",
            "3:10: an option of `kind` has an empty `value` (hint: the value is what the dossier stores: give each option one)",
        ]
    );
}

#[test]
fn tables_need_columns_and_are_one_level_deep_but_may_hold_files() {
    let yaml = r#"fields:
  - { key: empty, type: table, label: { vi: Trống } }
  - key: owners
    type: table
    label: { vi: Chủ sở hữu }
    columns:
      - { key: name, type: text, label: { vi: Tên } }
      - { key: papers, type: file, label: { vi: Giấy tờ }, accept: [pdf] }
      - key: shares
        type: table
        label: { vi: Phần }
        columns: [{ key: part, type: number, label: { vi: Phần } }]
"#;
    assert_eq!(
        problems(yaml),
        [
            "2:12: the table `empty` has no `columns` (hint: list the columns of a row under `columns:`, as fields)",
            "9:14: the column `shares` of the table `owners` is itself a table (hint: tables are one level deep: make it a separate table field)",
        ]
    );
}

#[test]
fn limits_that_contradict_each_other() {
    let yaml = r#"fields:
  - { key: area, type: number, label: { vi: Diện tích }, min: 10, max: 5.5 }
  - { key: name, type: text, label: { vi: Tên }, min_length: 20, max_length: 10 }
  - { key: story, type: textarea, label: { vi: Trình bày }, min_length: 20000 }
  - { key: rows, type: table, label: { vi: Dòng }, max_rows: 0, columns: [{ key: x, type: text, label: { vi: X } }] }
"#;
    assert_eq!(
        problems(yaml),
        [
            "2:12: `min` (10) is greater than `max` (5.5) in `area` (hint: no value could be accepted: swap or fix them)",
            "3:12: `min_length` (20) is greater than `max_length` (10) in `name` (hint: no text could be accepted: swap or fix them)",
            "4:12: `min_length` (20000) is greater than the default `max_length` of textarea fields (10000) in `story` (hint: set `max_length` too)",
            "5:12: `max_rows: 0` in `rows` accepts nothing (hint: give at least 1, or leave it out for the default)",
        ]
    );
}

#[test]
fn conditions_that_do_not_compile_point_into_the_expression() {
    let yaml = r#"fields:
  - { key: a, type: number, label: { vi: A } }
  - key: b
    type: text
    label: { vi: B }
    visible_if: form.a >
    rules:
      - { check: "size(value) > 2 &&", message: { vi: Sai } }
      - { check: value > 1, message: { vi: Sai } }
  - { key: c, type: text, label: { vi: C }, visible_if: value == 'x' }
"#;
    assert_eq!(
        problems(yaml),
        [
            "6:25: the condition `form.a >` does not compile: the condition ends too early",
            "8:37: the condition `size(value) > 2 &&` does not compile: the condition ends too early",
            "10:57: the condition `value == 'x'` does not compile: unknown name `value`; a condition can use `form`, `now`, `today`",
        ]
    );
}

#[test]
fn conditions_must_read_fields_that_exist() {
    let yaml = r#"fields:
  - { key: applicant_type, type: text, label: { vi: Loại } }
  - { key: tax_code, type: text, label: { vi: MST }, visible_if: "form.applicant_typ == 'business'" }
  - key: items
    type: table
    label: { vi: Hàng }
    columns:
      - { key: kind, type: text, label: { vi: Loại } }
      - { key: weight, type: number, label: { vi: Nặng }, visible_if: "form.kind == 'x' && row.knd == 'y'" }
"#;
    assert_eq!(
        problems(yaml),
        [
            "3:67: the condition reads `form.applicant_typ`, which is not a field of the form (hint: did you mean `form.applicant_type`?)",
            "9:72: the condition reads `form.kind`, which is not a field of the form (hint: `kind` is a column of this table: read it as `row.kind`)",
            "9:92: the condition reads `row.knd`, which is not a column of this table (hint: did you mean `row.kind`?)",
        ]
    );
}

#[test]
fn a_field_cannot_be_shown_on_a_condition_over_itself() {
    let yaml = r#"fields:
  - key: spouse
    type: text
    label: { vi: Vợ/chồng }
    visible_if: form.spouse != ''
"#;
    assert_eq!(
        problems(yaml),
        [
            "5:17: the `visible_if` of `spouse` reads `form.spouse`, the field itself (hint: a hidden field has no value: show it on a condition over another field)"
        ]
    );
}

#[test]
fn documents_must_be_documents_of_the_procedure() {
    let yaml = r#"fields:
  - key: certificate
    type: file
    label: { vi: Giấy chứng sinh }
    document: GIAY_CHUNG_SIN
  - { key: other, type: file, label: { vi: Khác }, document: HO_CHIEU }
"#;
    assert_eq!(
        problems(yaml),
        [
            "5:15: `GIAY_CHUNG_SIN` is not the code of a document of this procedure (hint: did you mean `GIAY_CHUNG_SINH`?)",
            "6:62: `HO_CHIEU` is not the code of a document of this procedure (hint: the documents are: GIAY_CHUNG_SINH, TO_KHAI, VAN_BAN_LAM_CHUNG)",
        ]
    );
}

#[test]
fn accept_lists_plain_extensions() {
    let yaml = r#"fields:
  - { key: scan, type: file, label: { vi: Bản quét }, accept: [.pdf, application/pdf, "*.jpg", png] }
"#;
    assert_eq!(
        problems(yaml),
        [
            "2:12: `accept` of `scan` lists `.pdf`, which is not a file extension (hint: write `pdf`, without the dot)",
            "2:12: `accept` of `scan` lists `application/pdf`, which is not a file extension (hint: write file extensions such as `pdf`, not media types such as `application/pdf`)",
            "2:12: `accept` of `scan` lists `*.jpg`, which is not a file extension (hint: write plain file extensions such as `pdf`, `jpg`, `png`)",
        ]
    );
}
