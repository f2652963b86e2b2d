//! The design-time check of a `form:` section: every problem at once, each at the line and
//! column of the value at fault, with a hint where one helps.
//!
//! Decisions it enforces:
//! - Tables are one level deep: a table column of a table is refused.
//! - File columns inside tables are allowed (one attachment per row, e.g. each witness's
//!   identity card); they follow the same rules as file fields, `document:` included.
//! - Attributes that do not fit the type are errors, not silently ignored, because the designer
//!   meant something by them.
//!
//! Attributes the schema reads without their position (`options`, `min`, `accept`, …) are
//! reported at the field's `key`.

use std::collections::HashMap;

use motcua_core::diagnostic::{At, Report, did_you_mean};
use motcua_core::procedure::ProcedureInfo;

use super::compiled::defaults;
use super::conditions::{self, Names, Scope};
use crate::schema::{Field, FieldType, Form};

/// Checks `form` (against `info` for document codes), adding every problem to `report`.
pub fn check(form: &Form, info: &ProcedureInfo, report: &mut Report) {
    let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    let mut documents: Vec<&str> = info
        .cases
        .iter()
        .flat_map(|c| c.documents.iter().map(|d| d.code.as_str()))
        .collect();
    documents.sort_unstable();
    documents.dedup();
    duplicates(&form.fields, None, report);
    for field in &form.fields {
        let names = Names {
            form: &keys,
            row: &[],
            own: field.key.as_str(),
            scope: Scope::Field,
        };
        one(field, &names, &documents, report);
        if field.kind == FieldType::Table {
            table(field, &keys, &documents, report);
        }
    }
}

/// The columns of a table: present, unique, one level deep.
fn table(field: &At<Field>, keys: &[&str], documents: &[&str], report: &mut Report) {
    let name = field.key.as_str();
    if field.columns.is_empty() {
        report.at_value(
            &field.key,
            format!("the table `{name}` has no `columns`"),
            Some("list the columns of a row under `columns:`, as fields".to_owned()),
        );
        return;
    }
    duplicates(&field.columns, Some(name), report);
    let columns: Vec<&str> = field.columns.iter().map(|c| c.key.as_str()).collect();
    for column in &field.columns {
        if column.kind == FieldType::Table {
            report.at_value(
                &column.key,
                format!(
                    "the column `{}` of the table `{name}` is itself a table",
                    column.key
                ),
                Some("tables are one level deep: make it a separate table field".to_owned()),
            );
            continue;
        }
        let names = Names {
            form: keys,
            row: &columns,
            own: column.key.as_str(),
            scope: Scope::Column,
        };
        one(column, &names, documents, report);
    }
}

/// Two fields (or two columns of a table) with the same key.
fn duplicates(fields: &[At<Field>], table: Option<&str>, report: &mut Report) {
    let mut seen: HashMap<&str, &At<Field>> = HashMap::new();
    for field in fields {
        let key = field.key.as_str();
        if let Some(first) = seen.get(key) {
            let message = match table {
                None => format!("two fields have the key `{key}`"),
                Some(t) => format!("two columns of the table `{t}` have the key `{key}`"),
            };
            report.at_value(
                &field.key,
                message,
                Some(format!(
                    "keys name the data and must differ; the first `{key}` is on line {}",
                    first.key.location.line()
                )),
            );
        } else {
            seen.insert(key, field);
        }
    }
}

/// Everything about one field or column except its columns.
fn one(field: &At<Field>, names: &Names<'_>, documents: &[&str], report: &mut Report) {
    attributes(field, report);
    if field.kind == FieldType::Choice {
        options(field, report);
    }
    limits(field, report);
    if let Some(source) = &field.visible_if {
        conditions::visibility(source, names, report);
    }
    for rule in &field.rules {
        conditions::rule(&rule.check, names, report);
    }
    if field.kind == FieldType::File {
        files(field, documents, report);
    }
}

/// The attributes of a field that do not fit its type, with the types each is for.
fn attributes(field: &At<Field>, report: &mut Report) {
    use FieldType as T;
    let present: [(&str, bool, &[FieldType]); 11] = [
        ("options", !field.options.is_empty(), &[T::Choice]),
        ("multiple", field.multiple, &[T::Choice]),
        ("min", field.min.is_some(), &[T::Number, T::Money]),
        ("max", field.max.is_some(), &[T::Number, T::Money]),
        (
            "min_length",
            field.min_length.is_some(),
            &[T::Text, T::Textarea],
        ),
        (
            "max_length",
            field.max_length.is_some(),
            &[T::Text, T::Textarea, T::Address],
        ),
        ("columns", !field.columns.is_empty(), &[T::Table]),
        ("max_rows", field.max_rows.is_some(), &[T::Table]),
        ("accept", !field.accept.is_empty(), &[T::File]),
        ("max_size_mb", field.max_size_mb.is_some(), &[T::File]),
        ("document", field.document.is_some(), &[T::File]),
    ];
    for (attribute, set, kinds) in present {
        if !set || kinds.contains(&field.kind) {
            continue;
        }
        let location = match (&field.document, attribute) {
            (Some(d), "document") => d.location,
            _ => field.key.location,
        };
        let mut hint = format!("`{attribute}` is for {} fields", type_list(kinds));
        if field.kind == T::Date && matches!(attribute, "min" | "max") {
            hint.push_str("; to bound a date, add a rule such as `value <= today`");
        }
        report.at(
            location,
            format!(
                "`{attribute}` does not apply to the {} field `{}`",
                type_name(field.kind),
                field.key
            ),
            Some(hint),
        );
    }
}

/// A choice needs options, each with its own non-empty value.
fn options(field: &At<Field>, report: &mut Report) {
    let key = &field.key;
    if field.options.is_empty() {
        report.at_value(
            key,
            format!("the choice field `{key}` has no `options`"),
            Some("list them: `options: [{ value: ..., label: { vi: ..., en: ... } }]`".to_owned()),
        );
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for option in &field.options {
        let value = option.value.as_str();
        if value.trim().is_empty() {
            report.at_value(
                key,
                format!("an option of `{key}` has an empty `value`"),
                Some("the value is what the dossier stores: give each option one".to_owned()),
            );
        } else if seen.contains(&value) {
            report.at_value(
                key,
                format!("the option value `{value}` appears twice in `{key}`"),
                Some("each option needs its own value".to_owned()),
            );
        } else {
            seen.push(value);
        }
    }
}

/// Limits that contradict each other or allow nothing.
fn limits(field: &At<Field>, report: &mut Report) {
    let key = &field.key;
    if let (Some(min), Some(max)) = (field.min, field.max)
        && min > max
    {
        report.at_value(
            key,
            format!("`min` ({min}) is greater than `max` ({max}) in `{key}`"),
            Some("no value could be accepted: swap or fix them".to_owned()),
        );
    }
    let default_max = match field.kind {
        FieldType::Text => Some(defaults::TEXT_MAX_LENGTH),
        FieldType::Textarea => Some(defaults::TEXTAREA_MAX_LENGTH),
        _ => None,
    };
    if let Some(min) = field.min_length {
        match (field.max_length, default_max) {
            (Some(max), _) if min > max => report.at_value(
                key,
                format!("`min_length` ({min}) is greater than `max_length` ({max}) in `{key}`"),
                Some("no text could be accepted: swap or fix them".to_owned()),
            ),
            (None, Some(max)) if min > max => report.at_value(
                key,
                format!(
                    "`min_length` ({min}) is greater than the default `max_length` of {} fields ({max}) in `{key}`",
                    type_name(field.kind)
                ),
                Some("set `max_length` too".to_owned()),
            ),
            _ => {}
        }
    }
    for (attribute, value) in [
        ("max_length", field.max_length),
        ("max_rows", field.max_rows),
        ("max_size_mb", field.max_size_mb),
    ] {
        if value == Some(0) {
            report.at_value(
                key,
                format!("`{attribute}: 0` in `{key}` accepts nothing"),
                Some("give at least 1, or leave it out for the default".to_owned()),
            );
        }
    }
}

/// `accept` entries are extensions; `document` names a document of the procedure.
fn files(field: &At<Field>, documents: &[&str], report: &mut Report) {
    let key = &field.key;
    for entry in &field.accept {
        if !entry.is_empty() && entry.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let hint = if let Some(bare) = entry.strip_prefix('.') {
            format!("write `{bare}`, without the dot")
        } else if entry.contains('/') {
            "write file extensions such as `pdf`, not media types such as `application/pdf`"
                .to_owned()
        } else {
            "write plain file extensions such as `pdf`, `jpg`, `png`".to_owned()
        };
        report.at_value(
            key,
            format!("`accept` of `{key}` lists `{entry}`, which is not a file extension"),
            Some(hint),
        );
    }
    if let Some(code) = &field.document
        && !documents.contains(&code.as_str())
    {
        let hint = match did_you_mean(code, documents.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None if documents.is_empty() => {
                "the procedure's cases list no documents (`info.cases[].documents`)".to_owned()
            }
            None => format!("the documents are: {}", documents.join(", ")),
        };
        report.at_value(
            code,
            format!(
                "`{}` is not the code of a document of this procedure",
                code.value
            ),
            Some(hint),
        );
    }
}

/// The type as the designer writes it.
pub(super) fn type_name(kind: FieldType) -> &'static str {
    use FieldType as T;
    match kind {
        T::Text => "text",
        T::Textarea => "textarea",
        T::Number => "number",
        T::Money => "money",
        T::Date => "date",
        T::Choice => "choice",
        T::Boolean => "boolean",
        T::CitizenId => "citizen_id",
        T::Phone => "phone",
        T::Email => "email",
        T::Address => "address",
        T::Table => "table",
        T::File => "file",
    }
}

fn type_list(kinds: &[FieldType]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| type_name(*k)).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}
