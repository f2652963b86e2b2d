//! The plugin host: custom workflow steps shipped as WebAssembly components (WIT package
//! `motcua:plugin`, in `plugins/wit/`), run by wasmtime in a sandbox.
//!
//! - [`manifest`]: `plugin.yaml`, what a plugin asks for.
//! - [`Host`]: one engine per node; [`Host::load`] checks a component's imports against its
//!   manifest and compiles it once; [`Host::run`] runs one step with a fresh store from the
//!   pre-instantiated template, under the [`Limits`], and classifies every failure
//!   ([`PluginError`]).
//! - Capabilities (`log`, `dossier`, `reference`, `http`, `clock`, `random`) are denied unless
//!   the tenant grants them; files, the environment and sockets are never available.

mod bindings {
    wasmtime::component::bindgen!({
        path: "../../plugins/wit",
        world: "step",
        imports: {
            "motcua:plugin/http.fetch": async | trappable,
            default: trappable,
        },
        exports: { default: async },
    });
}

mod error;
mod host;
pub mod limits;
pub mod manifest;
mod run;
mod state;
pub mod testing;

pub use error::PluginError;
pub use host::{EPOCH_TICK, Host, HostConfig, Loaded, check_ca_bundle, engine_config};
pub use limits::Limits;
pub use manifest::PluginManifest;
pub use run::{Context, Input, Message, Outcome, Recorded, Run};
pub use state::{Exchange, LogLine, Lookup};

/// The WIT package's major version this host speaks.
pub const API_MAJOR: u32 = 1;
/// The newest minor version of [`API_MAJOR`] this host speaks.
pub const API_MINOR: u32 = 0;
