//! A submitted e-form, validated against a demo procedure's form the way the JSON API, the
//! one-stop desk and the citizen portal validate it (`CompiledForm::validate`).
//!
//! The first byte picks one of the demo procedures. When the second byte is even, the rest is
//! JSON text as a client would send it; otherwise the rest drives a generator of JSON built from
//! the form's own keys, options and typical values, which reaches the rules behind the keys much
//! sooner than random text does.
//!
//! Beyond not panicking: an accepted form is cleaned to the form's own keys (a table's rows to
//! its columns) and accepted again unchanged; a refused one gets at least one error, each with a
//! message in both languages and placed at a field of the form, a row or cell of one of its
//! tables, or (`unknown_field`) at a key that was actually sent.
#![no_main]

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Utc};
use libfuzzer_sys::{Corpus, fuzz_target};
use motcua_core::lang::Lang;
use motcua_fuzz::PROCEDURES;
use motcua_workflow::form::{CompiledField, CompiledForm, FieldError, code};
use motcua_workflow::schema::FieldType;
use serde_json::{Map, Number, Value};

/// Monday 2 March 2026, 08:15 in Vietnam.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T08:15:00+07:00")
        .expect("a valid time")
        .to_utc()
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let [pick, mode, rest @ ..] = data else {
        return Corpus::Reject;
    };
    let (_, procedure) = &PROCEDURES[usize::from(*pick) % PROCEDURES.len()];
    let form = &procedure.form;
    let submitted = if mode % 2 == 0 {
        match serde_json::from_slice::<Value>(rest) {
            Ok(value) => value,
            Err(_) => return Corpus::Reject,
        }
    } else {
        let mut u = Unstructured::new(rest);
        let Ok(value) = Generator::new(form).object(&mut u, &form.fields, 0) else {
            return Corpus::Reject;
        };
        value
    };
    match form.validate(&submitted, now()) {
        Ok(cleaned) => {
            check_cleaned(&form.fields, &cleaned);
            assert_eq!(
                form.validate(&cleaned, now()).as_ref(),
                Ok(&cleaned),
                "cleaned data is not accepted as it is"
            );
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without an error");
            for error in &errors {
                check_error(form, &submitted, error);
            }
        }
    }
    Corpus::Keep
});

/// Cleaned data holds only the keys of `fields`, and a table only rows of its columns.
fn check_cleaned(fields: &[CompiledField], cleaned: &Value) {
    let object = cleaned.as_object().expect("cleaned data is an object");
    for (key, value) in object {
        let field = fields
            .iter()
            .find(|f| &f.key == key)
            .unwrap_or_else(|| panic!("cleaned data holds `{key}`, not a field of the form"));
        if field.kind == FieldType::Table {
            let rows = value.as_array().expect("a table is cleaned to rows");
            for row in rows {
                check_cleaned(&field.columns, row);
            }
        }
    }
}

/// An error names a place of the form or of what was sent, and says what is wrong in both
/// languages.
fn check_error(form: &CompiledForm, submitted: &Value, error: &FieldError) {
    for lang in [Lang::Vi, Lang::En] {
        assert!(
            !error.message.get(lang).trim().is_empty() || error.code == code::RULE,
            "an error without a message: {error:?}"
        );
    }
    if error.field.is_empty() && error.code != code::UNKNOWN_FIELD {
        assert_eq!(
            error.code,
            code::INVALID_FORM,
            "an error without a place: {error:?}"
        );
        assert!(
            !submitted.is_object(),
            "an object refused as a whole: {error:?}"
        );
        return;
    }
    let sent = submitted.as_object().expect("only an object has fields");
    if error.code == code::UNKNOWN_FIELD {
        let was_sent = (sent.contains_key(&error.field) && form.field(&error.field).is_none())
            || form.fields.iter().any(|table| {
                sent.get(&table.key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .any(|(i, row)| {
                        row.as_object()
                            .into_iter()
                            .flat_map(|r| r.keys())
                            .any(|key| {
                                error.field == format!("{}[{i}].{key}", table.key)
                                    && !table.columns.iter().any(|c| &c.key == key)
                            })
                    })
            });
        assert!(was_sent, "an unknown key that was not sent: {error:?}");
        return;
    }
    let placed = form.field(&error.field).is_some()
        || form.fields.iter().any(|table| {
            let Some(rest) = error
                .field
                .strip_prefix(table.key.as_str())
                .and_then(|r| r.strip_prefix('['))
            else {
                return false;
            };
            let (row, column) = rest.split_once(']').unwrap_or((rest, "\u{0}"));
            let rows = sent
                .get(&table.key)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let row_ok = row.parse::<usize>().is_ok_and(|i| i < rows) && !row.starts_with('+');
            let column_ok = column.is_empty()
                || column
                    .strip_prefix('.')
                    .is_some_and(|c| table.columns.iter().any(|col| col.key == c));
            table.kind == FieldType::Table && row_ok && column_ok
        });
    assert!(
        placed,
        "an error at a place the form does not have: {error:?}"
    );
}

/// Builds JSON from the form's keys and values that fit it.
struct Generator {
    words: Vec<String>,
}

impl Generator {
    fn new(form: &CompiledForm) -> Self {
        let mut words: Vec<String> = [
            "",
            " ",
            "2026-02-24",
            "2026-02-30",
            "24/02/2026",
            "079195004321",
            "07919500432",
            "0903 123 456",
            "+84 903 123 456",
            "a@b.vn",
            "Nguyễn Minh Khang",
            "line\nbreak",
            "nul\u{0}",
            "1e309",
            "-1",
            "0",
            "1.5",
            "865ce30bbf73c3e9bd0198d2ec3776a7bb1f941385458f8bf859b43d2adb88c3",
            "giay-to.pdf",
            "anh.exe",
            "true",
        ]
        .map(str::to_owned)
        .to_vec();
        let mut add = |field: &CompiledField| {
            words.extend(field.options.iter().map(|o| o.value.clone()));
        };
        for field in &form.fields {
            add(field);
            field.columns.iter().for_each(&mut add);
        }
        Self { words }
    }

    /// An object with keys of `fields` (and, now and then, others).
    fn object(
        &self,
        u: &mut Unstructured<'_>,
        fields: &[CompiledField],
        depth: u8,
    ) -> Result<Value> {
        let mut object = Map::new();
        let count = u.int_in_range(0..=fields.len() + 2)?;
        for _ in 0..count {
            let key = match u.int_in_range(0..=fields.len())? {
                i if i < fields.len() => fields[i].key.clone(),
                _ => u.arbitrary::<String>()?,
            };
            let value = match fields.iter().find(|f| f.key == key) {
                Some(table) if table.kind == FieldType::Table && u.ratio(3, 4)? => {
                    let rows = u.int_in_range(0..=4)?;
                    let rows: Result<Vec<_>> = (0..rows)
                        .map(|_| self.object(u, &table.columns, depth + 1))
                        .collect();
                    Value::Array(rows?)
                }
                Some(file) if file.kind == FieldType::File && u.ratio(1, 2)? => self.file(u)?,
                _ => self.value(u, depth + 1)?,
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    /// A file reference like those the uploads return, more or less well formed.
    fn file(&self, u: &mut Unstructured<'_>) -> Result<Value> {
        let mut object = Map::new();
        for key in ["sha256", "name", "size"] {
            if u.ratio(7, 8)? {
                let value = match key {
                    "size" if u.ratio(3, 4)? => Value::from(u.int_in_range(0..=30_000_000_u64)?),
                    _ => self.value(u, 3)?,
                };
                object.insert(key.to_owned(), value);
            }
        }
        Ok(Value::Object(object))
    }

    /// Any JSON value, words of the form more often than not.
    fn value(&self, u: &mut Unstructured<'_>, depth: u8) -> Result<Value> {
        let nested = depth < 3;
        Ok(match u.int_in_range(0..=8)? {
            0 => Value::Null,
            1 => Value::Bool(u.arbitrary()?),
            2 => Value::from(u.arbitrary::<i64>()?),
            3 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
            4 => Value::String(u.arbitrary()?),
            5 if nested => {
                let len = u.int_in_range(0..=3)?;
                Value::Array(
                    (0..len)
                        .map(|_| self.value(u, depth + 1))
                        .collect::<Result<_>>()?,
                )
            }
            6 if nested => {
                let len = u.int_in_range(0..=3)?;
                let mut object = Map::new();
                for _ in 0..len {
                    object.insert(u.choose(&self.words)?.clone(), self.value(u, depth + 1)?);
                }
                Value::Object(object)
            }
            _ => Value::String(u.choose(&self.words)?.clone()),
        })
    }
}
