//! The `motcua` binary: serve the platform, migrate the database, apply and export tenants,
//! compute deadlines on a tenant's calendar.
//!
//! This crate is the only one that knows every other: it reads configuration, wires storage, the
//! cache and the web application together, and runs them. `anyhow` is used here (and only here)
//! because every error ends as a message to the operator.

pub mod account_cmd;
pub mod cli;
pub mod config;
pub mod jobs_cmd;
mod logging;
pub mod plugin_cmd;
pub mod serve;
pub mod tenant_dir;
mod versions_cmd;
pub mod workflow_cmd;
