//! Validation never panics, whatever JSON it is given, and what it accepts is a fixed point:
//! cleaned data validates again to itself.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{birth, now, submission as valid};

const KEYS: &[&str] = &[
    "child_name",
    "date_of_birth",
    "sex",
    "weight_grams",
    "mother_id",
    "father_id",
    "born_abroad",
    "country_of_birth",
    "residence",
    "phone",
    "email",
    "extra_copies",
    "result_by",
    "notes",
    "has_birth_certificate",
    "birth_certificate",
    "witnesses",
    "declaration",
    // Columns of the witnesses, keys of a file reference, and strangers.
    "name",
    "citizen_id",
    "relation",
    "relation_other",
    "statement",
    "sha256",
    "size",
    "content_type",
    "",
    "__proto__",
];

const WORDS: &[&str] = &[
    "",
    " ",
    "2026-02-20",
    "2026-02-30",
    "2999-01-01",
    "001199012345",
    "001 199 012 345",
    "nam",
    "khac",
    "ho-hang",
    "dien-tu",
    "true",
    "false",
    "1e309",
    "-0",
    "16.000",
    "3200.5",
    "a.pdf",
    "../x.pdf",
    "an@example.vn",
    "0912 345 678",
    "\u{0}",
    "\r\n",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("JSON has no NaN", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            object(inner),
        ]
    })
}

fn object(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(prop::sample::select(KEYS), values, 0..10)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

/// A submission shaped like the form: known keys, witnesses as rows of cells.
fn submission() -> impl Strategy<Value = Value> {
    (
        object(json()),
        prop::collection::vec(object(json()), 0..5),
        any::<bool>(),
    )
        .prop_map(|(mut data, rows, with_table)| {
            if with_table && let Some(map) = data.as_object_mut() {
                map.insert("has_birth_certificate".to_owned(), Value::Bool(false));
                map.insert("witnesses".to_owned(), Value::Array(rows));
            }
            data
        })
}

fn check(data: &Value) -> Result<(), TestCaseError> {
    let form = birth();
    match form.validate(data, now()) {
        Ok(cleaned) => {
            let keys: Map<String, Value> = cleaned.as_object().cloned().unwrap_or_default();
            prop_assert!(keys.keys().all(|k| form.field(k).is_some()));
            prop_assert_eq!(form.validate(&cleaned, now()), Ok(cleaned.clone()));
        }
        Err(errors) => prop_assert!(!errors.is_empty()),
    }
    Ok(())
}

/// A valid submission with a few values replaced or removed.
fn near_miss() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(KEYS), prop::option::of(json())), 0..4).prop_map(
        |changes| {
            let mut data = valid();
            if let Some(map) = data.as_object_mut() {
                for (key, value) in changes {
                    match value {
                        Some(v) => map.insert(key.to_owned(), v),
                        None => map.remove(key),
                    };
                }
            }
            data
        },
    )
}

proptest! {
    #[test]
    fn any_json_tree_is_answered_without_panicking(data in json()) {
        check(&data)?;
    }

    #[test]
    fn any_submission_shaped_like_the_form_is_answered_without_panicking(data in submission()) {
        check(&data)?;
    }

    #[test]
    fn near_misses_of_a_valid_submission_are_answered_without_panicking(data in near_miss()) {
        check(&data)?;
    }
}
