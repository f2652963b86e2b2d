//! Hostile example: reads `/etc/passwd` with `std::fs` and returns it. The host gives plugins
//! no directories, so the read must fail (the step then fails with `file-unreadable`).

use std::hint::black_box;

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};
use serde_json::json;

struct ReadFile;

impl Step for ReadFile {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        let path = black_box("/etc/passwd");
        match std::fs::read_to_string(path) {
            Ok(content) => {
                Ok(Outcome::to("ok").with_data(json!({ "path": path, "content": content })))
            }
            Err(e) => Err(BusinessError::new(
                "file-unreadable",
                format!("Không đọc được {path}: {e}."),
                format!("Could not read {path}: {e}."),
            )),
        }
    }
}

export_step!(ReadFile);
