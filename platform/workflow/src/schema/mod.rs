//! The procedure file, as procedure designers write it (see `docs/workflow-reference.md`).
//!
//! ```yaml
//! # yaml-language-server: $schema=../../../docs/schemas/procedure.schema.json
//! info: { ... }        # public information (motcua_core::procedure::ProcedureInfo)
//! form: { fields: [...] }
//! workflow: { start: ..., steps: { ... } }
//! ```
//!
//! Every type here derives `Deserialize` (strict: unknown keys are errors) and `JsonSchema` (the
//! schema published for editors is generated from these types, so it cannot drift from what the
//! platform accepts). Values that later checks point at are read as [`At`] so that the error can
//! name their line and column. Steps are one struct with a `kind` rather than an enum per kind:
//! serde's tagged enums buffer their content and would lose those positions.

mod form;
mod names;
mod workflow;

use motcua_core::procedure::ProcedureInfo;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use form::{ChoiceOption, Field, FieldType, Form, Rule};
pub use motcua_core::diagnostic::At;
pub use names::{Ident, PluginRef};
pub use workflow::{Action, Input, JoinMode, Recipient, Route, Step, StepKind, Timer, Workflow};

/// The JSON Schema of procedure files, pretty-printed: what editors load through
/// `# yaml-language-server: $schema=...` and what `docs/schemas/procedure.schema.json` holds.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<ProcedureFile>();
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// A whole procedure file.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Mộtcửa procedure",
    description = "One administrative procedure: its public information, its e-form and its electronic workflow."
)]
pub struct ProcedureFile {
    /// Public information, as in the national procedure database.
    pub info: ProcedureInfo,
    /// The e-form the applicant fills in.
    #[serde(default)]
    pub form: Form,
    /// The electronic workflow.
    pub workflow: Workflow,
}
