//! Procedures as procedure designers write them, and the engine that runs them.
//!
//! - [`schema`]: the procedure file — public information, e-form, workflow — as Rust types
//!   (serde for YAML, schemars for the JSON Schema editors use).
//! - [`validate`]: every error of a file at once, with line, column and a hint.
//! - [`definition`]: a validated workflow compiled for the engine (indexes, compiled guards).
//! - [`attachments`]: which files a procedure accepts, and a file's type from its content.
//! - [`engine`]: the pure state machine: (definition, state, command, actor, time) → events and
//!   the new state, or a typed refusal.

pub mod attachments;
pub mod definition;
pub mod diagram;
pub mod engine;
pub mod expr;
pub mod form;
pub mod migration;
pub mod procedure;
pub mod roles;
pub mod schema;
pub mod simulate;
pub mod validate;

#[cfg(test)]
mod testing;
