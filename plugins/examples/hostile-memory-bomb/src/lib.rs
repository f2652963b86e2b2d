//! Hostile example: allocates memory in 1 MiB chunks and writes to every byte, keeping all of
//! it, until an allocation fails (which aborts: a trap). The host's memory limit must stop it
//! without touching the node's own memory.

use std::hint::black_box;

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};

struct MemoryBomb;

const CHUNK: usize = 1024 * 1024;

impl Step for MemoryBomb {
    fn run(_: Context) -> Result<Outcome, BusinessError> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut chunk = Vec::with_capacity(black_box(CHUNK));
            // Writing every byte makes the pages real, not just reserved.
            chunk.resize(CHUNK, black_box(0xA5));
            hoard.push(black_box(chunk));
            black_box(&hoard);
        }
    }
}

export_step!(MemoryBomb);
