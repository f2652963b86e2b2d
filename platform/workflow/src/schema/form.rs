//! The `form:` section: the e-form the applicant fills in, its fields and their rules.

use motcua_core::lang::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{At, Ident};

/// The e-form.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The fields, in display order.
    #[serde(default)]
    pub fields: Vec<At<Field>>,
}

/// The type of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text on one line (`max_length`, `min_length`).
    Text,
    /// Free text on several lines.
    Textarea,
    /// A number (`min`, `max`).
    Number,
    /// An amount in đồng: a whole number, not negative.
    Money,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// One of `options` (several with `multiple: true`).
    Choice,
    /// A yes/no box.
    Boolean,
    /// A citizen identity number: exactly 12 digits.
    CitizenId,
    /// A telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A postal address.
    Address,
    /// Rows of `columns`.
    Table,
    /// An uploaded file (`accept`, `max_size_mb`).
    File,
}

/// A field of the e-form.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Its name in the data and in expressions (`form.child_name`).
    pub key: At<Ident>,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Its label.
    pub label: Text,
    /// A help text shown under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Whether it must be filled (only when visible).
    #[serde(default)]
    pub required: bool,
    /// A condition (CEL) for showing the field, e.g. `form.applicant_type == 'business'`;
    /// a hidden field is neither required nor kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<At<String>>,
    /// Further checks, each a condition (CEL) over `value` and `form` that must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// choice: the options.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// choice: whether several options may be chosen.
    #[serde(default)]
    pub multiple: bool,
    /// number, money: the smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// number, money: the largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// text, textarea: the fewest characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// text, textarea, address: the most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// table: the columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<At<Field>>,
    /// table: the most rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u32>,
    /// file: accepted extensions, e.g. `[pdf, jpg, png]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<String>,
    /// file: the largest size in megabytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<u32>,
    /// file: the code of the required document it supplies (in `info.cases[].documents`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<At<String>>,
}

/// A check on a field.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The condition (CEL) that must hold, over `value` (this field) and `form`.
    pub check: At<String>,
    /// What to tell the applicant when it does not.
    pub message: Text,
}

/// An option of a choice field.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The stored value.
    pub value: String,
    /// What the applicant reads.
    pub label: Text,
}
