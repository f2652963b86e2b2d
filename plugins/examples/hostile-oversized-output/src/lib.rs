//! Hostile example: returns about 8 MiB of data, above the platform's output ceiling (4 MiB).
//! The host must refuse the outcome rather than store it in the dossier's history.

use std::hint::black_box;

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};
use serde_json::json;

struct OversizedOutput;

const SIZE: usize = 8 * 1024 * 1024;

impl Step for OversizedOutput {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        // `repeat` copies in doubling blocks: cheap in fuel, so that the output limit, not
        // the fuel, is what stops this plugin.
        let padding = "x".repeat(black_box(SIZE));
        Ok(Outcome::to("ok").with_data(json!({ "padding": padding })))
    }
}

export_step!(OversizedOutput);
