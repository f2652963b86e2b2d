//! The procedure file, as procedure designers write it (see `docs/workflow-reference.md`).
//!
//! ```yaml
//! # yaml-language-server: $schema=../../../docs/schemas/procedure.schema.json
//! info: { ... }        # public information (motcua_core::procedure::ProcedureInfo)
//! form: { fields: [...] }
//! workflow: { start: ..., steps: { ... } }
//! attachments: { ... }  # optional: the files accepted
//! ```
//!
//! Every type here derives `Deserialize` (strict: unknown keys are errors) and `JsonSchema` (the
//! schema published for editors is generated from these types, so it cannot drift from what the
//! platform accepts). Values that later checks point at are read as [`At`] so that the error can
//! name their line and column. Steps are one struct with a `kind` rather than an enum per kind:
//! serde's tagged enums buffer their content and would lose those positions.

mod attachments;
mod form;
mod names;
mod workflow;

use motcua_core::procedure::ProcedureInfo;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use attachments::{Attachments, FileSize};
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
    /// The files applicants and officials may attach, when not the platform's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Attachments>,
}

#[cfg(test)]
mod tests {
    /// The published schema is the one generated from the types (`MOTCUA_BLESS=1` rewrites it).
    #[test]
    fn the_published_json_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/schemas/procedure.schema.json");
        let generated = format!("{}\n", super::json_schema());
        if std::env::var_os("MOTCUA_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            published == generated,
            "docs/schemas/procedure.schema.json is stale: run `MOTCUA_BLESS=1 cargo test -p motcua-workflow json_schema`"
        );
    }

    #[test]
    fn the_schema_describes_the_keys_editors_complete() {
        let schema: serde_json::Value = serde_json::from_str(&super::json_schema()).unwrap();
        let step = &schema["definitions"]["Step"]["properties"];
        for key in [
            "kind", "division", "role", "actions", "timers", "plugin", "branches", "wait_for",
            "routes", "outcome",
        ] {
            assert!(step.get(key).is_some(), "Step.{key}");
        }
        assert_eq!(
            schema["definitions"]["ProcedureInfo"]["properties"]["code"]["pattern"],
            "^[0-9]\\.[0-9]{6}$"
        );
    }
}
