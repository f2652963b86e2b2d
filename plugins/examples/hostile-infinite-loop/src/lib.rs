//! Hostile example: loops forever without calling the host. Only fuel (or the epoch
//! deadline) stops it; the host must report it as out of fuel and stay responsive.

use std::hint::black_box;

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};

struct InfiniteLoop;

impl Step for InfiniteLoop {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        let mut turns: u64 = 0;
        loop {
            // `black_box` makes every turn observable, so the loop cannot be removed or
            // reduced to a closed form.
            turns = black_box(turns.wrapping_add(1));
        }
    }
}

export_step!(InfiniteLoop);
