//! Validation of submissions against the birth-registration form.

use chrono::{TimeZone, Utc};
use motcua_core::lang::Text;
use serde_json::{Value, json};

use super::{HASH, birth, form, now, submission};
use crate::form::{CompiledForm, FieldError, code};

fn errors(data: &Value) -> Vec<FieldError> {
    match birth().validate(data, now()) {
        Ok(cleaned) => panic!("accepted: {cleaned}"),
        Err(errors) => errors,
    }
}

/// The (field, code) of every error after `change` is applied to a valid submission.
/// Errors as (field, code).
type Found = Vec<(String, &'static str)>;

fn codes_after(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Found {
    let mut data = submission();
    change(data.as_object_mut().unwrap());
    errors(&data)
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn one(field: &str, code: &'static str) -> Found {
    vec![(field.to_owned(), code)]
}

#[test]
fn a_valid_submission_is_cleaned_and_normalised() {
    let cleaned = birth().validate(&submission(), now()).unwrap();
    assert_eq!(
        cleaned,
        json!({
            "child_name": "Nguyễn Văn An",
            "date_of_birth": "2026-02-20",
            "sex": "nam",
            "weight_grams": 3200.5,
            "mother_id": "001199012345",
            "father_id": "001088012346",
            "born_abroad": false,
            "residence": "Số 1 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
            "phone": "0912 345 678",
            "email": "an.nguyen@example.vn",
            "extra_copies": 16000,
            "result_by": ["truc-tiep", "dien-tu"],
            "notes": "Dòng một\nDòng hai",
            "has_birth_certificate": true,
            "birth_certificate": { "sha256": HASH.to_ascii_lowercase(), "name": "giay-chung-sinh.PDF", "size": 120000, "content_type": "application/pdf" },
            "declaration": true,
        })
    );
}

#[test]
fn hidden_fields_are_dropped_and_never_required() {
    let mut data = submission();
    data["country_of_birth"] = json!("Nhật Bản");
    data["witnesses"] = json!([{ "name": "x" }]);
    let cleaned = birth().validate(&data, now()).unwrap();
    assert!(
        cleaned.get("country_of_birth").is_none(),
        "born_abroad is false"
    );
    assert!(
        cleaned.get("witnesses").is_none(),
        "there is a birth certificate"
    );

    data["born_abroad"] = json!(true);
    let cleaned = birth().validate(&data, now()).unwrap();
    assert_eq!(cleaned["country_of_birth"], "Nhật Bản");
    assert!(
        cleaned.get("witnesses").is_none(),
        "still hidden, so its bad row is no error"
    );
    data.as_object_mut().unwrap().remove("country_of_birth");
    assert_eq!(errors(&data)[0].field, "country_of_birth");
}

#[test]
fn an_unticked_box_may_be_left_out_and_hides_what_depends_on_it() {
    let cleaned = birth()
        .validate(
            &{
                let mut d = submission();
                d.as_object_mut().unwrap().remove("born_abroad");
                d
            },
            now(),
        )
        .unwrap();
    assert_eq!(cleaned["born_abroad"], false);
}

#[test]
fn a_table_of_witnesses_with_a_conditional_column_and_a_file_column() {
    let mut data = submission();
    data["has_birth_certificate"] = json!(false);
    data["witnesses"] = json!([
        { "name": " Trần Thị Bình ", "citizen_id": "038190000001", "relation": "ho-hang", "relation_other": "dropped: hidden" },
        { "name": "Lê Văn Cường", "citizen_id": "038190000002", "relation": "khac", "relation_other": "Hàng xóm",
          "statement": { "sha256": HASH, "name": "lam-chung.pdf", "size": 1000 } },
    ]);
    let cleaned = birth().validate(&data, now()).unwrap();
    assert!(cleaned.get("birth_certificate").is_none());
    assert_eq!(
        cleaned["witnesses"],
        json!([
            { "name": "Trần Thị Bình", "citizen_id": "038190000001", "relation": "ho-hang" },
            { "name": "Lê Văn Cường", "citizen_id": "038190000002", "relation": "khac", "relation_other": "Hàng xóm",
              "statement": { "sha256": HASH.to_ascii_lowercase(), "name": "lam-chung.pdf", "size": 1000 } },
        ])
    );

    data["witnesses"][1]
        .as_object_mut()
        .unwrap()
        .remove("relation_other");
    data["witnesses"][1]["statement"]["size"] = json!(3_000_000);
    data["witnesses"][0]["age"] = json!(40);
    let found: Vec<_> = errors(&data)
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    assert_eq!(
        found,
        [
            ("witnesses[0].age".to_owned(), code::UNKNOWN_FIELD),
            ("witnesses[1].relation_other".to_owned(), code::REQUIRED),
            ("witnesses[1].statement".to_owned(), code::RULE),
        ]
    );

    data["witnesses"] = json!([]);
    assert_eq!(
        codes_without_certificate(json!([])),
        one("witnesses", code::REQUIRED)
    );
    assert_eq!(
        codes_without_certificate(json!([{}, {}, {}, {}])),
        one("witnesses", code::TOO_MANY_ROWS)
    );
    assert_eq!(
        codes_without_certificate(json!(["Bình"])),
        one("witnesses[0]", code::INVALID_ROW)
    );
    assert_eq!(
        codes_without_certificate(json!({ "name": "Bình" })),
        one("witnesses", code::INVALID_VALUE)
    );
}

fn codes_without_certificate(witnesses: Value) -> Found {
    codes_after(|d| {
        d.insert("has_birth_certificate".to_owned(), json!(false));
        d.insert("witnesses".to_owned(), witnesses);
    })
}

#[test]
fn every_problem_is_reported_at_once_in_the_citizens_languages() {
    let found =
        errors(&json!({ "mother_id": "123", "date_of_birth": "2030-01-01", "declaration": true }));
    let by_field = |field: &str| {
        found
            .iter()
            .find(|e| e.field == field)
            .unwrap()
            .message
            .clone()
    };
    assert_eq!(
        by_field("child_name"),
        Text::new(
            "Vui lòng nhập Họ tên trẻ.",
            "Please enter Child's full name."
        )
    );
    assert_eq!(
        by_field("mother_id"),
        Text::new(
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            "A citizen identity number has exactly 12 digits."
        )
    );
    assert_eq!(
        by_field("sex"),
        Text::new("Vui lòng chọn Giới tính.", "Please choose Sex.")
    );
    assert_eq!(
        by_field("date_of_birth"),
        Text::new(
            "Ngày sinh không được sau ngày hôm nay.",
            "The date of birth cannot be in the future."
        )
    );
    let fields: Vec<&str> = found.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "child_name",
            "sex",
            "mother_id",
            "residence",
            "witnesses",
            "date_of_birth"
        ]
    );
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(
        json,
        json!({ "field": "child_name", "code": "required", "message": { "vi": "Vui lòng nhập Họ tên trẻ.", "en": "Please enter Child's full name." } })
    );
}

#[test]
fn today_is_the_date_in_vietnam() {
    let mut data = submission();
    data["date_of_birth"] = json!("2026-03-02");
    let evening_before_in_utc = Utc.with_ymd_and_hms(2026, 3, 1, 17, 30, 0).unwrap();
    assert!(birth().validate(&data, evening_before_in_utc).is_ok());
    let just_before = Utc.with_ymd_and_hms(2026, 3, 1, 16, 59, 0).unwrap();
    assert!(birth().validate(&data, just_before).is_err());
}

#[test]
fn rules_skip_missing_fields_and_fail_when_they_cannot_be_evaluated() {
    let compiled = CompiledForm::new(&form(
        r#"
fields:
  - { key: a, type: number, label: { vi: A } }
  - key: b
    type: number
    label: { vi: B }
    rules:
      - { check: value > form.a, message: { vi: B phải lớn hơn A., en: B must exceed A. } }
"#,
    ))
    .unwrap();
    assert_eq!(
        compiled.validate(&json!({ "a": 1 }), now()).unwrap(),
        json!({ "a": 1 })
    );
    assert!(compiled.validate(&json!({ "a": 1, "b": 2 }), now()).is_ok());
    let failed = compiled.validate(&json!({ "b": 2 }), now()).unwrap_err();
    assert_eq!(
        (
            failed[0].field.as_str(),
            failed[0].code,
            failed[0].message.vi.as_str()
        ),
        ("b", code::RULE, "B phải lớn hơn A.")
    );
}

#[test]
fn visibility_follows_chains_and_a_failing_condition_shows_the_field() {
    let compiled = CompiledForm::new(&form(
        r#"
fields:
  - { key: married, type: boolean, label: { vi: Đã kết hôn } }
  - { key: spouse_known, type: boolean, label: { vi: Biết vợ/chồng }, visible_if: form.married }
  - { key: spouse_name, type: text, label: { vi: Tên vợ/chồng }, visible_if: form.spouse_known, required: true }
  - { key: age, type: number, label: { vi: Tuổi } }
  - { key: guardian, type: text, label: { vi: Người giám hộ }, visible_if: form.age < 18 }
"#,
    ))
    .unwrap();
    let cleaned = compiled
        .validate(
            &json!({ "married": false, "spouse_known": true, "spouse_name": "Bình", "age": 30 }),
            now(),
        )
        .unwrap();
    assert_eq!(cleaned, json!({ "married": false, "age": 30 }));
    let errors = compiled
        .validate(&json!({ "married": true, "spouse_known": true }), now())
        .unwrap_err();
    assert_eq!(errors[0].field, "spouse_name");
    let cleaned = compiled
        .validate(&json!({ "guardian": "An" }), now())
        .unwrap();
    assert_eq!(
        cleaned["guardian"], "An",
        "`form.age < 18` fails without an age: shown"
    );
}

#[test]
fn the_compiled_form_is_shareable_and_serialises_its_rules_as_data() {
    fn shareable<T: Clone + Send + Sync + std::fmt::Debug>() {}
    shareable::<CompiledForm>();
    let compiled = birth();
    let rules = serde_json::to_value(&compiled).unwrap();
    let name = &rules["fields"][0];
    assert_eq!(name["type"], "text");
    assert_eq!(name["max_length"], 100);
    assert_eq!(rules["fields"][1]["rules"][0]["check"], "value <= today");
    assert_eq!(
        rules["fields"][8]["max_length"], 500,
        "the default for addresses"
    );
    let witnesses = compiled.field("witnesses").unwrap();
    assert_eq!(witnesses.max_rows, Some(3));
    assert_eq!(
        witnesses.columns[3].visible_if.as_ref().unwrap().source(),
        "has(row.relation) && row.relation == 'khac'"
    );
    assert_eq!(
        compiled
            .field("birth_certificate")
            .unwrap()
            .document
            .as_deref(),
        Some("GIAY_CHUNG_SINH")
    );
}

#[test]
fn a_condition_that_does_not_compile_is_refused_when_compiling() {
    let err = CompiledForm::new(&form(
        "fields:\n  - { key: a, type: text, label: { vi: A }, visible_if: 'form.a >' }\n",
    ))
    .unwrap_err();
    assert_eq!(err.field, "a");
    assert_eq!(
        err.to_string(),
        "the condition `form.a >` of the field `a` does not compile: the condition ends too early"
    );
}
