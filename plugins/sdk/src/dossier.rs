//! Read-only access to the dossier record (capability `dossier`).

use serde_json::Value;

use crate::bindings::motcua::plugin::dossier;

/// The value at a JSON pointer into the dossier record (`/applicant/name`, `/received_at`,
/// `/due_at`, `/form/...`, `/plugins/...`), or `None` when there is nothing there.
pub fn get(pointer: &str) -> Option<Value> {
    dossier::get(pointer).and_then(|json| serde_json::from_str(&json).ok())
}
