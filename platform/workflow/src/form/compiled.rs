//! A form ready to validate submissions: every condition compiled once, every limit resolved to
//! the value that applies (the documented [`defaults`] where the designer gave none), and only
//! the attributes that fit each type kept, so that validation never meets a contradiction.
//!
//! It serialises to the data the browser needs to run the same rules: types, limits, options,
//! and conditions as CEL source.

use motcua_core::lang::Text;
use serde::{Serialize, Serializer};

use super::conditions;
use crate::expr::Expr;
use crate::schema::{ChoiceOption, Field, FieldType, Form};

/// The bounds that apply when the designer sets none; they keep a dossier's size bounded.
pub mod defaults {
    /// Characters of a `text` field.
    pub const TEXT_MAX_LENGTH: u32 = 1_000;
    /// Characters of a `textarea` field.
    pub const TEXTAREA_MAX_LENGTH: u32 = 10_000;
    /// Characters of an `address` field.
    pub const ADDRESS_MAX_LENGTH: u32 = 500;
    /// Rows of a `table` field.
    pub const MAX_ROWS: u32 = 200;
    /// Megabytes of a `file` field (1 MB = 1 048 576 bytes).
    pub const MAX_SIZE_MB: u32 = 20;
    /// Characters of a phone number as written, spaces and dots included.
    pub const PHONE_MAX_LENGTH: u32 = 30;
    /// Characters of an uploaded file's name.
    pub const FILE_NAME_MAX_LENGTH: u32 = 255;
}

/// A form with its conditions compiled.
#[derive(Clone, Debug, Serialize)]
pub struct CompiledForm {
    /// The fields, in display order.
    pub fields: Vec<CompiledField>,
}

/// A field with its limits resolved; attributes that do not fit its type are left out.
#[derive(Clone, Debug, Serialize)]
pub struct CompiledField {
    /// Its key in the data.
    pub key: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Its label.
    pub label: Text,
    /// Its help text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Whether it must be filled when visible (a yes/no box: ticked).
    pub required: bool,
    /// When it is shown.
    #[serde(
        serialize_with = "source_of_optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub visible_if: Option<Expr>,
    /// The designer's rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<CompiledRule>,
    /// choice: the options.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// choice: whether several may be chosen.
    pub multiple: bool,
    /// number, money: the smallest value (money: never below 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// number, money: the largest value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// text, textarea: the fewest characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// text, textarea, address: the most characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// table: the columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<CompiledField>,
    /// table: the most rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u32>,
    /// file: accepted extensions, lowercase, without dots (empty: any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<String>,
    /// file: the largest size in megabytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<u32>,
    /// file: the required document it supplies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

/// A designer's rule on a field.
#[derive(Clone, Debug, Serialize)]
pub struct CompiledRule {
    /// The condition that must hold.
    #[serde(serialize_with = "source_of")]
    pub check: Expr,
    /// What the applicant is told when it does not.
    pub message: Text,
}

/// A condition of the form does not compile (the design-time [`check`](super::check) reports
/// it with its position; this is for a form that skipped the check).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the condition `{expression}` of the field `{field}` does not compile: {message}")]
pub struct FormError {
    /// The field's key (`table.column` for a column).
    pub field: String,
    /// The condition.
    pub expression: String,
    /// What is wrong.
    pub message: String,
}

impl CompiledForm {
    /// Compiles every condition of `form`.
    pub fn new(form: &Form) -> Result<Self, FormError> {
        let fields = form
            .fields
            .iter()
            .map(|f| CompiledField::new(f, None))
            .collect::<Result<_, _>>()?;
        Ok(Self { fields })
    }

    /// The field with `key`, if any.
    pub fn field(&self, key: &str) -> Option<&CompiledField> {
        self.fields.iter().find(|f| f.key == key)
    }
}

impl CompiledField {
    /// `table` is the key of the table when the field is one of its columns.
    fn new(field: &Field, table: Option<&str>) -> Result<Self, FormError> {
        let key = field.key.to_string();
        let path = table.map_or_else(|| key.clone(), |t| format!("{t}.{key}"));
        let scope = conditions::Scope::of(table.is_some());
        let compile = |source: &str, allowed: &[&str]| {
            Expr::compile(source, allowed).map_err(|e| FormError {
                field: path.clone(),
                expression: source.to_owned(),
                message: e.message,
            })
        };
        let visible_if = field
            .visible_if
            .as_ref()
            .map(|s| compile(s, scope.visibility_vars()))
            .transpose()?;
        let rules = field
            .rules
            .iter()
            .map(|r| {
                Ok(CompiledRule {
                    check: compile(&r.check, scope.rule_vars())?,
                    message: r.message.clone(),
                })
            })
            .collect::<Result<_, FormError>>()?;
        let kind = field.kind;
        let is = |kinds: &[FieldType]| kinds.contains(&kind);
        let columns = if kind == FieldType::Table && table.is_none() {
            field
                .columns
                .iter()
                .filter(|c| c.kind != FieldType::Table)
                .map(|c| Self::new(c, Some(&key)))
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        Ok(Self {
            kind,
            label: field.label.clone(),
            help: field.help.clone(),
            required: field.required,
            visible_if,
            rules,
            options: if is(&[FieldType::Choice]) {
                field.options.clone()
            } else {
                Vec::new()
            },
            multiple: is(&[FieldType::Choice]) && field.multiple,
            min: match kind {
                FieldType::Number => field.min,
                FieldType::Money => Some(field.min.map_or(0.0, |m| m.max(0.0))),
                _ => None,
            },
            max: field
                .max
                .filter(|_| is(&[FieldType::Number, FieldType::Money])),
            min_length: field
                .min_length
                .filter(|_| is(&[FieldType::Text, FieldType::Textarea])),
            max_length: match kind {
                FieldType::Text => Some(field.max_length.unwrap_or(defaults::TEXT_MAX_LENGTH)),
                FieldType::Textarea => {
                    Some(field.max_length.unwrap_or(defaults::TEXTAREA_MAX_LENGTH))
                }
                FieldType::Address => {
                    Some(field.max_length.unwrap_or(defaults::ADDRESS_MAX_LENGTH))
                }
                _ => None,
            },
            columns,
            max_rows: is(&[FieldType::Table]).then(|| field.max_rows.unwrap_or(defaults::MAX_ROWS)),
            accept: if is(&[FieldType::File]) {
                field.accept.iter().map(|a| a.to_lowercase()).collect()
            } else {
                Vec::new()
            },
            max_size_mb: is(&[FieldType::File])
                .then(|| field.max_size_mb.unwrap_or(defaults::MAX_SIZE_MB)),
            document: field
                .document
                .as_ref()
                .filter(|_| is(&[FieldType::File]))
                .map(|d| d.value.clone()),
            key,
        })
    }
}

fn source_of<S: Serializer>(expr: &Expr, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(expr.source())
}

fn source_of_optional<S: Serializer>(expr: &Option<Expr>, s: S) -> Result<S::Ok, S::Error> {
    match expr {
        Some(e) => s.serialize_str(e.source()),
        None => s.serialize_none(),
    }
}
