//! Hostile example: its manifest asks only for `log`, but it calls `http`. The host must
//! refuse to load it (its imports exceed its manifest) or, failing that, deny the call.

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step, http, log};
use serde_json::json;

struct UngrantedCapability;

impl Step for UngrantedCapability {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        log::warn("calling http without asking for it");
        let answer = http::get("http://127.0.0.1:9/");
        Ok(Outcome::to("ok").with_data(json!({
            "status": answer.as_ref().ok().map(|r| r.status),
            "error": answer.err().map(|e| e.to_string()),
        })))
    }
}

export_step!(UngrantedCapability);
