//! An e-form's JSON the other way round: back into the inputs that would have typed it (a draft
//! shown again), and into words for a page that reads it back (the review before submitting).

use motcua_core::lang::Lang;
use motcua_workflow::form::{CompiledField, CompiledForm};
use motcua_workflow::schema::FieldType;
use serde_json::Value;

use super::labels;

/// The inputs (name, value) that [`super::form_json`] turns into `json`.
pub(crate) fn typed(form: &CompiledForm, json: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in &form.fields {
        let Some(value) = json.get(&f.key) else {
            continue;
        };
        if f.kind == FieldType::Table {
            for (i, row) in value.as_array().into_iter().flatten().enumerate() {
                for c in &f.columns {
                    if let Some(cell) = row.get(&c.key) {
                        push(&mut out, &format!("f.{}.{i}.{}", f.key, c.key), cell);
                    }
                }
            }
        } else {
            push(&mut out, &format!("f.{}", f.key), value);
        }
    }
    out
}

fn push(out: &mut Vec<(String, String)>, name: &str, value: &Value) {
    match value {
        Value::String(s) => out.push((name.to_owned(), s.clone())),
        Value::Bool(true) => out.push((name.to_owned(), "true".to_owned())),
        Value::Bool(false) | Value::Null => {}
        Value::Number(n) => out.push((name.to_owned(), n.to_string())),
        Value::Array(items) => {
            for item in items {
                push(out, name, item);
            }
        }
        Value::Object(_) => out.push((name.to_owned(), value.to_string())),
    }
}

/// A field read back.
pub(crate) struct Shown {
    /// Its label.
    pub label: String,
    /// What was typed, in words (empty when nothing was).
    pub value: String,
    /// A table's column labels.
    pub columns: Vec<String>,
    /// A table's rows, in words.
    pub rows: Vec<Vec<String>>,
}

/// A value of field `f` in words.
fn words(f: &CompiledField, value: &Value, lang: Lang) -> String {
    let l = labels(lang);
    let option = |v: &str| {
        f.options
            .iter()
            .find(|o| o.value == v)
            .map_or_else(|| v.to_owned(), |o| o.label.get(lang).to_owned())
    };
    match value {
        Value::Bool(b) => if *b { l.yes } else { l.no }.to_owned(),
        Value::String(s) if f.kind == FieldType::Choice => option(s),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), option))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => o
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| value.to_string(), str::to_owned),
        Value::Null => String::new(),
    }
}

/// The fields of `form` that `json` fills, in the form's order, in words.
pub(crate) fn shown(form: &CompiledForm, json: &Value, lang: Lang) -> Vec<Shown> {
    form.fields
        .iter()
        .filter_map(|f| {
            let value = json.get(&f.key)?;
            let mut s = Shown {
                label: f.label.get(lang).to_owned(),
                value: String::new(),
                columns: Vec::new(),
                rows: Vec::new(),
            };
            if f.kind == FieldType::Table {
                s.columns = f
                    .columns
                    .iter()
                    .map(|c| c.label.get(lang).to_owned())
                    .collect();
                s.rows = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|row| {
                        f.columns
                            .iter()
                            .map(|c| {
                                row.get(&c.key)
                                    .map_or_else(String::new, |v| words(c, v, lang))
                            })
                            .collect()
                    })
                    .collect();
            } else {
                s.value = words(f, value, lang);
            }
            Some(s)
        })
        .collect()
}
