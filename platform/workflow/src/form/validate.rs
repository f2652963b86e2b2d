//! Validation of a submission: submitted JSON in, the cleaned data the dossier stores out, or
//! every problem at once.
//!
//! In order: keys the form does not know are refused (`unknown_field`: a forged request must not
//! smuggle data into a dossier); every value is normalised ([`values`](super::values)); the
//! shown fields are worked out ([`visibility`](super::visibility)); hidden fields are dropped and
//! never required; shown fields are checked (`required`: present and not empty; for a yes/no
//! box, ticked, as with HTML's `required` checkbox — a declaration must be made); then the
//! designer's rules run over the cleaned data. The same happens inside each row of a table,
//! whose columns may also read `row`.
//!
//! A rule runs only when its field holds a valid value (a missing optional field skips its
//! rules), with `value` the normalised value, `form` the cleaned form, `now` and `today`. A rule
//! that cannot be evaluated counts as failed, with the designer's message: a broken rule must
//! not let data through unchecked.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::compiled::{CompiledField, CompiledForm};
use super::error::{self, FieldError, Problem, code};
use super::values::{is_empty, normalise};
use super::visibility::{self, today};
use crate::expr::Vars;
use crate::schema::FieldType;

impl CompiledForm {
    /// Validates `data` as submitted at `now`: the cleaned data, or every error.
    pub fn validate(&self, data: &Value, now: DateTime<Utc>) -> Result<Value, Vec<FieldError>> {
        let Some(cells) = data.as_object() else {
            return Err(vec![error::invalid_form().at(String::new())]);
        };
        let mut errors = Vec::new();
        let base = Vars::new()
            .with_time("now", now)
            .with_json("today", &Value::String(today(now)));
        let cleaned = clean(
            &self.fields,
            cells,
            "form",
            &|key| key.to_owned(),
            &|values| base.clone().with_json("form", values),
            &mut errors,
        );
        let form = Value::Object(cleaned);
        let vars = base.with_json("form", &form);
        rules(&self.fields, &form, &vars, &mut errors);
        if errors.is_empty() {
            Ok(form)
        } else {
            Err(errors)
        }
    }
}

/// The cleaned values of one scope — the form, or a row of a table — whose fields are `fields`
/// and whose submitted values are `cells`; `root` is the scope's name in conditions, `path`
/// names a key for errors, `vars` gives conditions their variables from the values of the shown
/// fields.
fn clean(
    fields: &[CompiledField],
    cells: &Map<String, Value>,
    root: &str,
    path: &dyn Fn(&str) -> String,
    vars: &dyn Fn(&Value) -> Vars,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    for key in cells.keys() {
        if !fields.iter().any(|f| &f.key == key) {
            errors.push(error::unknown_field().at(path(key)));
        }
    }
    let normalised: Vec<_> = fields
        .iter()
        .map(|f| match f.kind {
            // Conditions see a table's rows as submitted (they are cleaned only once the table
            // is shown), and only a list of rows that fits `max_rows`, so that a forged list of
            // a million rows is not copied into every condition.
            FieldType::Table => Ok(cells
                .get(&f.key)
                .filter(|v| !is_empty(v))
                .filter(|v| {
                    v.as_array()
                        .is_some_and(|rows| f.max_rows.is_none_or(|max| rows.len() <= max as usize))
                })
                .cloned()),
            _ => normalise(f, cells.get(&f.key)),
        })
        .collect();
    let candidates: Map<String, Value> = fields
        .iter()
        .zip(&normalised)
        .filter_map(|(f, n)| Some((f.key.clone(), n.as_ref().ok()?.as_ref()?.clone())))
        .collect();
    let shown = visibility::shown(fields, &candidates, root, vars);
    let visible = Value::Object(visibility::subset(fields, &shown, &candidates));
    let mut cleaned = Map::new();
    for ((field, value), shown) in fields.iter().zip(normalised).zip(shown) {
        if !shown {
            continue;
        }
        let at = path(&field.key);
        let value = match (field.kind, value) {
            (FieldType::Table, _) => {
                match table(field, cells.get(&field.key), &at, &vars(&visible), errors) {
                    Ok(rows) => rows,
                    Err(problem) => {
                        errors.push(problem.at(at));
                        continue;
                    }
                }
            }
            (_, Err(problem)) => {
                errors.push(problem.at(at));
                continue;
            }
            (_, Ok(value)) => value,
        };
        let missing = match &value {
            None => true,
            Some(Value::Bool(ticked)) => field.kind == FieldType::Boolean && !ticked,
            Some(_) => false,
        };
        if field.required && missing {
            errors.push(error::required(&field.label, field.kind).at(at));
        }
        if let Some(value) = value {
            cleaned.insert(field.key.clone(), value);
        }
    }
    cleaned
}

/// The cleaned rows of a shown table (`None` when it has none); a problem with the table as a
/// whole is returned, problems with its rows are added to `errors`. `vars` holds the form as
/// its conditions see it.
fn table(
    field: &CompiledField,
    raw: Option<&Value>,
    at: &str,
    vars: &Vars,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Value>, Problem> {
    let rows = match raw {
        None => return Ok(None),
        Some(v) if is_empty(v) => return Ok(None),
        Some(Value::Array(rows)) => rows,
        Some(_) => return Err(error::invalid_value(&field.label)),
    };
    if let Some(max) = field.max_rows
        && rows.len() > max as usize
    {
        // The rows are not looked at: a forged list of a million rows costs nothing.
        return Err(error::too_many_rows(&field.label, max));
    }
    let mut cleaned = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let row_at = format!("{at}[{index}]");
        let Some(cells) = row.as_object() else {
            errors.push(error::invalid_row(&field.label).at(row_at));
            continue;
        };
        let values = clean(
            &field.columns,
            cells,
            "row",
            &|key| format!("{row_at}.{key}"),
            &|values| vars.clone().with_json("row", values),
            errors,
        );
        cleaned.push(Value::Object(values));
    }
    Ok(Some(Value::Array(cleaned)))
}

/// Runs the rules of every field (and column) that holds a valid value.
fn rules(fields: &[CompiledField], form: &Value, vars: &Vars, errors: &mut Vec<FieldError>) {
    for field in fields {
        let Some(value) = form.get(&field.key) else {
            continue;
        };
        check(field, value, vars, &field.key, errors);
        if field.kind != FieldType::Table {
            continue;
        }
        for (index, row) in value.as_array().into_iter().flatten().enumerate() {
            let row_vars = vars.clone().with_json("row", row);
            for column in &field.columns {
                if let Some(cell) = row.get(&column.key) {
                    let at = format!("{}[{index}].{}", field.key, column.key);
                    check(column, cell, &row_vars, &at, errors);
                }
            }
        }
    }
}

fn check(
    field: &CompiledField,
    value: &Value,
    vars: &Vars,
    at: &str,
    errors: &mut Vec<FieldError>,
) {
    if field.rules.is_empty() {
        return;
    }
    let vars = vars.clone().with_json("value", value);
    for rule in &field.rules {
        if !rule.check.holds(&vars).unwrap_or(false) {
            errors.push(FieldError {
                field: at.to_owned(),
                code: code::RULE,
                message: rule.message.clone(),
            });
        }
    }
}
