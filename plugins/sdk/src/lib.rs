//! Write Mộtcửa workflow steps as WebAssembly components.
//!
//! A plugin is a `cdylib` crate built for `wasm32-wasip2` that implements [`Step`] and exports it
//! with [`export_step!`]. The SDK hides the `motcua:plugin` bindings (`plugins/wit/step.wit`):
//! the step receives a typed [`Context`] with the form, its configuration and earlier plugin
//! outputs already parsed as JSON, and answers with an [`Outcome`] or a [`BusinessError`].
//!
//! The capabilities are plain functions in [`log`], [`dossier`], [`reference`](mod@reference) and [`http`].
//! A plugin may only call those its manifest (`plugin.yaml`) asks for and the tenant grants; the
//! host refuses to load a component that imports more than its manifest asks for.
//!
//! ```no_run
//! use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step, log};
//! use serde::Deserialize;
//! use serde_json::json;
//!
//! #[derive(Deserialize)]
//! struct Config {
//!     field: String,
//! }
//!
//! struct Greeting;
//!
//! impl Step for Greeting {
//!     fn run(ctx: Context) -> Result<Outcome, BusinessError> {
//!         let config: Config = ctx.config_as()?;
//!         let name = ctx.form_str(&config.field).unwrap_or("bạn");
//!         log::info(format!("greeting {name}"));
//!         Ok(Outcome::to("ok")
//!             .with_data(json!({ "name": name }))
//!             .tell_applicant(format!("Xin chào {name}!"), format!("Hello {name}!")))
//!     }
//! }
//!
//! export_step!(Greeting);
//! ```
//!
//! Code that calls a capability only works inside the host. Keep the decisions in plain
//! functions of [`Context`] and JSON values so that `cargo test` can run them natively.

mod context;
pub mod dossier;
mod error;
pub mod http;
pub mod log;
mod outcome;
pub mod reference;

pub use context::Context;
pub use error::BusinessError;
pub use outcome::{Audience, Message, Outcome};

/// The generated `motcua:plugin` bindings; used by [`export_step!`], not by plugins.
#[doc(hidden)]
#[expect(
    clippy::same_length_and_capacity,
    reason = "generated code rebuilds the vectors the host allocated for us"
)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "step",
        pub_export_macro: true,
    });
}

/// A custom workflow step: what one plugin does for one dossier.
pub trait Step {
    /// Runs the step once.
    ///
    /// # Errors
    ///
    /// A [`BusinessError`] sends the dossier to the step's `on_error` handling with its message;
    /// a panic does too, but with an unfriendly message and a trap in the host's log.
    fn run(ctx: Context) -> Result<Outcome, BusinessError>;
}

/// Exports a [`Step`] as the component's `run` function. Use it once, in the plugin's `lib.rs`.
///
/// ```no_run
/// # use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step};
/// struct Approve;
///
/// impl Step for Approve {
///     fn run(_: Context) -> Result<Outcome, BusinessError> {
///         Ok(Outcome::to("ok"))
///     }
/// }
///
/// motcua_plugin_sdk::export_step!(Approve);
/// ```
#[macro_export]
macro_rules! export_step {
    ($step:ty) => {
        const _: () = {
            struct MotcuaPluginStep;

            impl $crate::bindings::Guest for MotcuaPluginStep {
                fn run(
                    context: $crate::bindings::Context,
                ) -> ::core::result::Result<
                    $crate::bindings::Outcome,
                    $crate::bindings::BusinessError,
                > {
                    $crate::__private::run::<$step>(context)
                }
            }

    $crate::bindings::export!(MotcuaPluginStep with_types_in $crate::bindings);
        };
    };
}

/// The glue [`export_step!`] expands to.
#[doc(hidden)]
pub mod __private {
    use crate::bindings;
    use crate::{Context, Step};

    /// Converts the context, runs the step and converts its answer.
    ///
    /// # Errors
    ///
    /// The step's own errors, or `invalid-context` when the host sent JSON that does not parse.
    pub fn run<S: Step>(
        raw: bindings::Context,
    ) -> Result<bindings::Outcome, bindings::BusinessError> {
        Context::from_raw(raw)
            .and_then(S::run)
            .map(crate::Outcome::into_raw)
            .map_err(crate::BusinessError::into_raw)
    }
}
