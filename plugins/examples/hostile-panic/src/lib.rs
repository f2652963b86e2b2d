//! Hostile example: panics with `fee table is corrupt`. The host must turn the trap into a
//! failed step with the panic message (read from stderr), not crash.

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};

struct Panic;

impl Step for Panic {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        // A panic is an observable effect (the message on stderr, then the abort): no
        // optimization removes it.
        panic!("fee table is corrupt");
    }
}

export_step!(Panic);
