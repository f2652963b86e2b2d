//! The plugins of `plugins/examples/`, built to WebAssembly components (`wasm32-wasip2`) by
//! this crate's build script and embedded with their manifests, for the plugin host's tests,
//! benchmarks and demos.
//!
//! The good examples (`fee-calculator`, `documents-check`, `citizen-id-check`,
//! `route-by-address`, `reference-lookup`) do what a tenant would install them for; the
//! `hostile-*` ones each misbehave in one way the host must contain.
//!
//! ```
//! let fee = motcua_plugin_examples::get("fee-calculator").unwrap();
//! assert_eq!(&fee.wasm[..4], b"\0asm");
//! assert!(fee.manifest.contains("id: fee-calculator"));
//! ```

/// One example plugin: its component and its manifest.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The directory name, which is also the plugin's id (`fee-calculator`).
    pub name: &'static str,
    /// The component, built for `wasm32-wasip2` in release mode.
    pub wasm: &'static [u8],
    /// Its `plugin.yaml`.
    pub manifest: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The example named `name` (its directory under `plugins/examples/`).
pub fn get(name: &str) -> Option<Example> {
    ALL.iter().find(|e| e.name == name).copied()
}

/// The absolute path of `plugins/wit`, the WIT package the components were built against.
pub const WIT_DIR: &str = env!("MOTCUA_PLUGINS_WIT_DIR");

/// The absolute path of `plugins/examples`, for files that go with an example (the fee tables
/// of `fee-calculator` are in `fee-calculator/tables/`).
pub const EXAMPLES_DIR: &str = env!("MOTCUA_PLUGINS_EXAMPLES_DIR");
