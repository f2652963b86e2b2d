//! Every error code a submission can earn, each from one change to a valid submission.

use motcua_core::lang::Text;
use serde_json::{Value, json};

use super::{HASH, birth, now, submission};
use crate::form::{FieldError, code};

/// The (field, code) of every error once `key` is set to `value` (removed when `None`).
fn after(key: &str, value: Option<Value>) -> Vec<(String, &'static str)> {
    let mut data = submission();
    let map = data.as_object_mut().unwrap();
    match value {
        Some(v) => map.insert(key.to_owned(), v),
        None => map.remove(key),
    };
    match birth().validate(&data, now()) {
        Ok(cleaned) => panic!("{key}: accepted {cleaned}"),
        Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn file(name: &str, size: u64) -> Value {
    json!({ "sha256": HASH, "name": name, "size": size })
}

#[test]
fn each_value_error_has_its_code() {
    let cases: Vec<(&str, Option<Value>, &str)> = vec![
        ("child_name", None, code::REQUIRED),
        ("child_name", Some(json!("   ")), code::REQUIRED),
        ("child_name", Some(json!(null)), code::REQUIRED),
        ("child_name", Some(json!("A")), code::TOO_SHORT),
        ("child_name", Some(json!("A".repeat(101))), code::TOO_LONG),
        ("notes", Some(json!("x".repeat(10_001))), code::TOO_LONG),
        (
            "child_name",
            Some(json!("An\nBình")),
            code::INVALID_CHARACTERS,
        ),
        (
            "notes",
            Some(json!("nul \u{0} byte")),
            code::INVALID_CHARACTERS,
        ),
        ("child_name", Some(json!(42)), code::INVALID_VALUE),
        ("weight_grams", Some(json!("ba cân")), code::NOT_A_NUMBER),
        ("weight_grams", Some(json!("NaN")), code::NOT_A_NUMBER),
        ("weight_grams", Some(json!(200)), code::OUT_OF_RANGE),
        ("extra_copies", Some(json!("16.000")), code::NOT_A_NUMBER),
        ("extra_copies", Some(json!(-1)), code::NOT_A_NUMBER),
        ("extra_copies", Some(json!(12.5)), code::NOT_A_NUMBER),
        ("extra_copies", Some(json!(200_000)), code::OUT_OF_RANGE),
        ("sex", Some(json!("khac")), code::NOT_AN_OPTION),
        ("sex", Some(json!(["nam"])), code::NOT_AN_OPTION),
        ("result_by", Some(json!(["fax"])), code::NOT_AN_OPTION),
        ("result_by", Some(json!("dien-tu")), code::INVALID_VALUE),
        ("mother_id", Some(json!("12345")), code::INVALID_CITIZEN_ID),
        (
            "mother_id",
            Some(json!(1_199_012_345_u64)),
            code::INVALID_CITIZEN_ID,
        ),
        ("email", Some(json!("an@example")), code::INVALID_EMAIL),
        ("phone", Some(json!("gọi tôi")), code::INVALID_PHONE),
        (
            "date_of_birth",
            Some(json!("2026-02-30")),
            code::INVALID_DATE,
        ),
        ("date_of_birth", Some(json!("2026-2-3")), code::INVALID_DATE),
        (
            "date_of_birth",
            Some(json!("20/02/2026")),
            code::INVALID_DATE,
        ),
        ("declaration", Some(json!(false)), code::REQUIRED),
        ("declaration", Some(json!("yes")), code::INVALID_VALUE),
        ("date_of_birth", Some(json!("2026-03-03")), code::RULE),
        ("father_id", Some(json!("001199012345")), code::RULE),
        ("hacked", Some(json!(true)), code::UNKNOWN_FIELD),
        ("birth_certificate", None, code::REQUIRED),
        (
            "birth_certificate",
            Some(json!("giay.pdf")),
            code::INVALID_FILE,
        ),
        (
            "birth_certificate",
            Some(json!({ "sha256": "abc", "name": "a.pdf", "size": 1 })),
            code::INVALID_FILE,
        ),
        (
            "birth_certificate",
            Some(file("../a.pdf", 1)),
            code::INVALID_FILE,
        ),
        (
            "birth_certificate",
            Some(file("a.pdf", 0)),
            code::INVALID_FILE,
        ),
        (
            "birth_certificate",
            Some(json!({ "sha256": HASH, "name": "a.pdf", "size": 1, "path": "/etc" })),
            code::INVALID_FILE,
        ),
        (
            "birth_certificate",
            Some(file("a.docx", 1)),
            code::FILE_TYPE,
        ),
        (
            "birth_certificate",
            Some(file("a.pdf", 5 * 1024 * 1024 + 1)),
            code::FILE_TOO_LARGE,
        ),
    ];
    for (key, value, expected) in cases {
        assert_eq!(
            after(key, value.clone()),
            [(key.to_owned(), expected)],
            "{key} = {value:?}"
        );
    }
}

#[test]
fn a_value_that_breaks_a_condition_shows_the_field_that_depends_on_it() {
    assert_eq!(
        after("born_abroad", Some(json!("có"))),
        [
            ("born_abroad".to_owned(), code::INVALID_VALUE),
            ("country_of_birth".to_owned(), code::REQUIRED),
        ]
    );
}

#[test]
fn data_that_is_not_an_object_is_refused_as_a_whole() {
    assert_eq!(
        birth().validate(&json!(["not", "an", "object"]), now()),
        Err(vec![FieldError {
            field: String::new(),
            code: code::INVALID_FORM,
            message: Text::new(
                "Dữ liệu biểu mẫu không hợp lệ.",
                "The form data is not valid."
            ),
        }])
    );
}
