//! Hostile example: reads the environment with `std::env::vars` and returns it. The host
//! gives plugins an empty environment, so the answer must hold nothing of the node's.

use std::collections::BTreeMap;

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};
use serde_json::json;

struct ReadEnv;

impl Step for ReadEnv {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        let env: BTreeMap<String, String> = std::env::vars().collect();
        Ok(Outcome::to("ok").with_data(json!({ "count": env.len(), "env": env })))
    }
}

export_step!(ReadEnv);
