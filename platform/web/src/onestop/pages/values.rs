//! A dossier's stored e-form as officials read it: each filled field under the e-form's label,
//! in the form's order, a choice shown by its option's label, a date as `dd/mm/yyyy`, a yes/no
//! box in words, a table as a table.

use motcua_core::lang::Lang;
use motcua_workflow::form::{CompiledField, CompiledForm};
use motcua_workflow::schema::FieldType;
use serde_json::Value;

/// A filled field of the e-form.
pub(super) struct Shown {
    /// The field's label.
    pub label: String,
    /// Its value in words (empty for a table).
    pub text: String,
    /// A table's column labels.
    pub columns: Vec<String>,
    /// A table's rows, one text per column.
    pub rows: Vec<Vec<String>>,
}

/// The filled fields of `data`, in the order of `form`.
pub(super) fn shown(form: &CompiledForm, data: &Value, lang: Lang) -> Vec<Shown> {
    form.fields
        .iter()
        .filter_map(|f| {
            let value = data.get(&f.key).filter(|v| !v.is_null())?;
            let label = f.label.get(lang).to_owned();
            if f.kind == FieldType::Table {
                let rows = value
                    .as_array()?
                    .iter()
                    .map(|row| {
                        f.columns
                            .iter()
                            .map(|c| {
                                row.get(&c.key)
                                    .map(|v| text(c, v, lang))
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .collect();
                return Some(Shown {
                    label,
                    text: String::new(),
                    columns: f
                        .columns
                        .iter()
                        .map(|c| c.label.get(lang).to_owned())
                        .collect(),
                    rows,
                });
            }
            Some(Shown {
                label,
                text: text(f, value, lang),
                columns: Vec::new(),
                rows: Vec::new(),
            })
        })
        .collect()
}

/// The label of a choice's option, or the value itself when the option is gone.
fn option(field: &CompiledField, value: &str, lang: Lang) -> String {
    field
        .options
        .iter()
        .find(|o| o.value == value)
        .map_or_else(|| value.to_owned(), |o| o.label.get(lang).to_owned())
}

/// An amount in đồng with dots between thousands, as Vietnamese writes it.
pub(super) fn money(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

/// `YYYY-MM-DD` as `dd/mm/yyyy`.
pub(super) fn date(value: &str) -> String {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_or_else(|_| value.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

fn text(field: &CompiledField, value: &Value, lang: Lang) -> String {
    let plain = || match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match field.kind {
        FieldType::Choice => match value {
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(|v| option(field, v, lang))
                .collect::<Vec<_>>()
                .join("; "),
            Value::String(v) => option(field, v, lang),
            _ => plain(),
        },
        FieldType::Boolean => match value.as_bool() {
            Some(true) => "Có".to_owned(),
            Some(false) => "Không".to_owned(),
            None => plain(),
        },
        FieldType::Date => value.as_str().map_or_else(plain, date),
        FieldType::Money => value.as_u64().map_or_else(plain, money),
        FieldType::File => {
            let name = value.get("name").and_then(Value::as_str).unwrap_or("tệp");
            match value.get("size").and_then(Value::as_u64) {
                Some(size) => format!("{name} ({} KB)", size.div_ceil(1024)),
                None => name.to_owned(),
            }
        }
        _ => plain(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_dates_read_as_in_vietnamese() {
        assert_eq!(money(0), "0 đồng");
        assert_eq!(money(5000), "5.000 đồng");
        assert_eq!(money(200_000), "200.000 đồng");
        assert_eq!(money(1_234_567), "1.234.567 đồng");
        assert_eq!(date("2026-03-02"), "02/03/2026");
        assert_eq!(date("not a date"), "not a date");
    }
}
