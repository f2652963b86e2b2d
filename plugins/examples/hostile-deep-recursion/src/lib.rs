//! Hostile example: recursion without a reachable end. The engine's wasm stack limit must stop
//! it as a stack overflow.
//!
//! Each frame keeps only scalars, so it lives on the wasm stack (the one the engine limits),
//! not on the shadow stack in linear memory: the trap is a stack overflow, not a memory fault.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};

struct DeepRecursion;

/// The deepest frame reached: a store in every frame, which no optimization may drop.
static DEEPEST: AtomicU64 = AtomicU64::new(0);

#[inline(never)]
fn descend(depth: u64) -> u64 {
    DEEPEST.fetch_max(depth, Ordering::Relaxed);
    if depth == u64::MAX {
        return 0;
    }
    let below = descend(depth + 1);
    // Work after the call keeps it out of tail position, and it is not a plain accumulator
    // either, so the recursion cannot become a loop.
    below.rotate_left(7) ^ DEEPEST.load(Ordering::Relaxed)
}

impl Step for DeepRecursion {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        let reached = descend(black_box(0));
        Err(BusinessError::new(
            "unreachable",
            format!("Đệ quy đã kết thúc ({reached})."),
            format!("The recursion ended ({reached})."),
        ))
    }
}

export_step!(DeepRecursion);
