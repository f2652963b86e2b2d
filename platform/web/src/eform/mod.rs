//! A procedure's e-form as a page's inputs, shared by the one-stop desk's reception form and the
//! citizen portal's online submission: each field of the procedure's form as an input that fits
//! its type, labelled in the page's language, and what was typed turned back into the form's
//! JSON for the same validator the JSON API uses.
//!
//! Names: `f.<key>` for a field, `f.<table>.<row>.<column>` for a table's cell (rows from 0), and
//! `dong.<table>` for the number of rows a table showed. Tables show one empty row more than were
//! typed (at least two, never fewer than before), and a "Thêm dòng" button that shows the form
//! again with another (no JavaScript). Rows left empty are dropped before validation, and the
//! rows typed are numbered again so that the validator's paths (`table[2].column`) name the rows
//! shown. A field shown only under a condition is never `required` to the browser (it cannot
//! evaluate the condition without scripts); the server decides.
//!
//! Files: the pages take the case's documents as files of their own, but an e-form's own file
//! field still takes the JSON reference of an attachment uploaded elsewhere
//! (`{"sha256": …, "name": …, "size": …}`).
//!
//! The inputs are drawn by `templates/eform/field.html`, included by both pages for each
//! [`FieldView`]; every input names its help, condition and problems in `aria-describedby`.

use std::collections::HashMap;

use motcua_core::lang::Lang;
use motcua_workflow::form::{CompiledField, CompiledForm};
use motcua_workflow::schema::FieldType;
use serde_json::{Map, Value};

pub(crate) use labels::{EformLabels, labels};

mod labels;
pub(crate) mod shown;

/// What was typed, by input name.
#[derive(Debug, Default)]
pub(crate) struct Entered(HashMap<String, Vec<String>>);

impl Entered {
    /// The fields of a submitted form.
    pub(crate) fn new(pairs: &[(String, String)]) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k.clone()).or_default().push(v.clone());
        }
        Self(map)
    }

    /// The first value of `name`, trimmed (empty when absent).
    pub(crate) fn one(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map_or("", |s| s.trim())
    }

    /// Every non-empty value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .get(name)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `name` was sent with `value`.
    pub(crate) fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).contains(&value)
    }

    /// The rows typed in table `key`, in order, empty ones dropped, renumbered from 0.
    fn compact(&mut self, table: &CompiledField) {
        let prefix = format!("f.{}.", table.key);
        let mut by_row: HashMap<usize, Vec<(String, Vec<String>)>> = HashMap::new();
        let keys: Vec<String> = self
            .0
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        for key in keys {
            let values = self.0.remove(&key).unwrap_or_default();
            let rest = &key[prefix.len()..];
            let Some((row, column)) = rest.split_once('.') else {
                continue;
            };
            let Ok(row) = row.parse::<usize>() else {
                continue;
            };
            if values.iter().any(|v| !v.trim().is_empty()) {
                by_row
                    .entry(row)
                    .or_default()
                    .push((column.to_owned(), values));
            }
        }
        let mut rows: Vec<_> = by_row.into_iter().collect();
        rows.sort_by_key(|(i, _)| *i);
        for (n, (_, cells)) in rows.into_iter().enumerate() {
            for (column, values) in cells {
                self.0.insert(format!("{prefix}{n}.{column}"), values);
            }
        }
    }

    /// How many rows of table `key` were typed (after [`Self::compact`]).
    fn rows(&self, key: &str) -> usize {
        let prefix = format!("f.{key}.");
        self.0
            .keys()
            .filter_map(|k| {
                k.strip_prefix(&prefix)?
                    .split_once('.')?
                    .0
                    .parse::<usize>()
                    .ok()
            })
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }
}

/// The value of a field (or cell) named `name`, as the validator takes it: `None` when empty.
fn value(field: &CompiledField, entered: &Entered, name: &str) -> Option<Value> {
    let values = entered.all(name);
    match field.kind {
        FieldType::Boolean => values.contains(&"true").then_some(Value::Bool(true)),
        FieldType::Choice if field.multiple => (!values.is_empty()).then(|| {
            Value::Array(
                values
                    .iter()
                    .map(|v| Value::String((*v).to_owned()))
                    .collect(),
            )
        }),
        // A reference that is not JSON is passed on as text, for the validator to name it.
        FieldType::File => values
            .first()
            .map(|v| serde_json::from_str(v).unwrap_or_else(|_| Value::String((*v).to_owned()))),
        _ => values.first().map(|v| Value::String((*v).to_owned())),
    }
}

/// The e-form's JSON from what was typed; table rows are compacted in `entered` first.
pub(crate) fn form_json(form: &CompiledForm, entered: &mut Entered) -> Value {
    let mut out = Map::new();
    for f in &form.fields {
        if f.kind == FieldType::Table {
            entered.compact(f);
            let rows: Vec<Value> = (0..entered.rows(&f.key))
                .map(|i| {
                    let cells: Map<String, Value> = f
                        .columns
                        .iter()
                        .filter_map(|c| {
                            let v = value(c, entered, &format!("f.{}.{i}.{}", f.key, c.key))?;
                            Some((c.key.clone(), v))
                        })
                        .collect();
                    Value::Object(cells)
                })
                .collect();
            if !rows.is_empty() {
                out.insert(f.key.clone(), Value::Array(rows));
            }
        } else if let Some(v) = value(f, entered, &format!("f.{}", f.key)) {
            out.insert(f.key.clone(), v);
        }
    }
    Value::Object(out)
}

/// The input name a validator's path points at: `table[2].column` → `f.table.2.column`.
pub(crate) fn input_of(path: &str) -> String {
    match path.split_once('[') {
        Some((table, rest)) => {
            let (row, column) = rest
                .split_once("].")
                .unwrap_or((rest.trim_end_matches(']'), ""));
            if column.is_empty() {
                format!("f.{table}.{row}")
            } else {
                format!("f.{table}.{row}.{column}")
            }
        }
        None => format!("f.{path}"),
    }
}

/// An option of a choice, checked or not.
pub(crate) struct Choice {
    /// The value sent.
    pub value: String,
    /// What the applicant or official reads.
    pub label: String,
    /// Whether it is chosen.
    pub checked: bool,
}

/// A field of the e-form as an input.
pub(crate) struct FieldView {
    /// The field's key (a column's, for a cell).
    pub key: String,
    /// The input's name.
    pub name: String,
    /// The input's id.
    pub id: String,
    /// The field's label.
    pub label: String,
    /// Its help text.
    pub help: Option<String>,
    /// Whether the form marks it as required.
    pub required: bool,
    /// Whether the browser is told it is required (never for a conditional field).
    pub html_required: bool,
    /// `text`, `textarea`, `number`, `date`, `email`, `tel`, `citizen_id`, `select`,
    /// `checkboxes`, `checkbox`, `file`, `table`.
    pub widget: &'static str,
    /// What was typed (the first value).
    pub value: String,
    /// A choice's options.
    pub choices: Vec<Choice>,
    /// When a conditional field applies, as a sentence (`Chỉ điền khi …`).
    pub condition: Option<String>,
    /// The problems found with it.
    pub errors: Vec<String>,
    /// A number's smallest value.
    pub min: Option<String>,
    /// A number's largest value.
    pub max: Option<String>,
    /// The most characters of a text.
    pub maxlength: Option<u32>,
    /// A table's column labels.
    pub columns: Vec<String>,
    /// A table's rows of cells.
    pub rows: Vec<Vec<FieldView>>,
    /// Whether a table may get another row.
    pub more_rows: bool,
    /// For a file field the page fills from a document's upload: that document's code (the
    /// field shows no input of its own).
    pub supplied_by: Option<String>,
    /// The words around the inputs, in the page's language.
    pub l: &'static EformLabels,
}

impl FieldView {
    /// The ids of what describes the input (help, condition, problems), for
    /// `aria-describedby`; empty when nothing does.
    pub(crate) fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() {
            ids.push(format!("{}-help", self.id));
        }
        if self.condition.is_some() {
            ids.push(format!("{}-condition", self.id));
        }
        for n in 1..=self.errors.len() {
            ids.push(format!("{}-error-{n}", self.id));
        }
        ids.join(" ")
    }

    /// Whether the field takes the whole width of the form's grid.
    pub(crate) fn wide(&self) -> bool {
        matches!(
            self.widget,
            "table" | "textarea" | "checkboxes" | "file" | "checkbox"
        )
    }
}

fn widget(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Textarea => "textarea",
        FieldType::Number | FieldType::Money => "number",
        FieldType::Date => "date",
        FieldType::Email => "email",
        FieldType::Phone => "tel",
        FieldType::CitizenId => "citizen_id",
        FieldType::Choice => "select",
        FieldType::Boolean => "checkbox",
        FieldType::File => "file",
        FieldType::Table => "table",
        FieldType::Text | FieldType::Address => "text",
    }
}

fn label_of(form: &CompiledForm, key: &str, lang: Lang) -> Option<String> {
    form.field(key).map(|f| format!("“{}”", f.label.get(lang)))
}

fn option_of(form: &CompiledForm, key: &str, value: &str, lang: Lang) -> String {
    form.field(key)
        .and_then(|f| f.options.iter().find(|o| o.value == value))
        .map_or_else(
            || format!("“{value}”"),
            |o| format!("“{}”", o.label.get(lang)),
        )
}

/// A field's condition in words (`khi …` / `when …`), for the simple shapes designers write
/// (`form.x`, `!form.x`, `form.x == 'v'`, `form.x != 'v'`); other conditions are quoted as
/// written.
pub(crate) fn condition(form: &CompiledForm, source: &str, lang: Lang) -> String {
    let s = source.trim();
    let key = |t: &str| t.trim().strip_prefix("form.").map(str::to_owned);
    let literal = |t: &str| {
        let t = t.trim();
        t.strip_prefix('\'')
            .and_then(|t| t.strip_suffix('\''))
            .or_else(|| t.strip_prefix('"').and_then(|t| t.strip_suffix('"')))
            .map(str::to_owned)
    };
    let simple = |k: &str| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let w = &labels(lang).condition;
    for (op, words) in [("!=", w.is_not), ("==", w.is)] {
        if let Some((l, r)) = s.split_once(op)
            && let (Some(k), Some(v)) = (key(l), literal(r))
            && simple(&k)
            && let Some(label) = label_of(form, &k, lang)
        {
            return format!(
                "{} {label} {words} {}",
                w.when,
                option_of(form, &k, &v, lang)
            );
        }
    }
    if let Some(k) = s.strip_prefix('!').and_then(key).filter(|k| simple(k))
        && let Some(label) = label_of(form, &k, lang)
    {
        return w.unticked.replace("{}", &label);
    }
    if let Some(k) = key(s).filter(|k| simple(k))
        && let Some(label) = label_of(form, &k, lang)
    {
        return w.ticked.replace("{}", &label);
    }
    w.other.replace("{}", s)
}

fn view(
    form: &CompiledForm,
    f: &CompiledField,
    name: String,
    entered: &Entered,
    errors: &HashMap<String, Vec<String>>,
    lang: Lang,
) -> FieldView {
    let values = entered.all(&name);
    let l = labels(lang);
    let condition = f.visible_if.as_ref().map(|e| {
        l.only_when
            .replace("{}", &condition(form, e.source(), lang))
    });
    let number = |x: Option<f64>| x.map(|x| x.to_string());
    FieldView {
        key: f.key.clone(),
        id: name.replace('.', "-"),
        label: f.label.get(lang).to_owned(),
        help: f.help.as_ref().map(|h| h.get(lang).to_owned()),
        required: f.required,
        html_required: f.required
            && condition.is_none()
            && !matches!(f.kind, FieldType::File | FieldType::Table),
        widget: if f.kind == FieldType::Choice && f.multiple {
            "checkboxes"
        } else {
            widget(f.kind)
        },
        value: entered.one(&name).to_owned(),
        choices: f
            .options
            .iter()
            .map(|o| Choice {
                value: o.value.clone(),
                label: o.label.get(lang).to_owned(),
                checked: values.contains(&o.value.as_str()),
            })
            .collect(),
        condition,
        errors: errors.get(&name).cloned().unwrap_or_default(),
        min: number(f.min),
        max: number(f.max),
        maxlength: f.max_length,
        columns: Vec::new(),
        rows: Vec::new(),
        more_rows: false,
        supplied_by: None,
        l,
        name,
    }
}

/// Every field of `form` as an input, with what was typed and the errors by input name;
/// `more` names a table to give one row more.
pub(crate) fn views(
    form: &CompiledForm,
    entered: &Entered,
    errors: &HashMap<String, Vec<String>>,
    more: Option<&str>,
    lang: Lang,
) -> Vec<FieldView> {
    form.fields
        .iter()
        .map(|f| {
            let mut v = view(form, f, format!("f.{}", f.key), entered, errors, lang);
            if f.kind == FieldType::Table {
                let max = f.max_rows.map_or(usize::MAX, |m| m as usize);
                let shown: usize = entered.one(&format!("dong.{}", f.key)).parse().unwrap_or(0);
                let wanted = (entered.rows(&f.key) + 1).max(shown).max(2);
                let n = (wanted + usize::from(more == Some(f.key.as_str()))).min(max);
                v.columns = f
                    .columns
                    .iter()
                    .map(|c| c.label.get(lang).to_owned())
                    .collect();
                v.rows = (0..n)
                    .map(|i| {
                        f.columns
                            .iter()
                            .map(|c| {
                                let name = format!("f.{}.{i}.{}", f.key, c.key);
                                let mut cell = view(form, c, name, entered, errors, lang);
                                cell.html_required = false;
                                cell
                            })
                            .collect()
                    })
                    .collect();
                v.more_rows = n < max;
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::input_of;

    #[test]
    fn validator_paths_name_the_inputs_shown() {
        assert_eq!(input_of("ho_ten"), "f.ho_ten");
        assert_eq!(
            input_of("qua_trinh_cu_tru[2].tu_thang"),
            "f.qua_trinh_cu_tru.2.tu_thang"
        );
        assert_eq!(input_of("qua_trinh_cu_tru[0]"), "f.qua_trinh_cu_tru.0");
    }
}
