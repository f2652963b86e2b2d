//! Log lines kept with the step's record in the dossier history (capability `log`).
//!
//! Lines beyond the plugin's log budget are dropped and counted. Without the capability the
//! host refuses to load a component that calls these.

use crate::bindings::motcua::plugin::log::{Level, write};

/// Writes a debug line.
pub fn debug(message: impl AsRef<str>) {
    write(Level::Debug, message.as_ref());
}

/// Writes an informational line.
pub fn info(message: impl AsRef<str>) {
    write(Level::Info, message.as_ref());
}

/// Writes a warning.
pub fn warn(message: impl AsRef<str>) {
    write(Level::Warn, message.as_ref());
}

/// Writes an error line (the step still decides what to return).
pub fn error(message: impl AsRef<str>) {
    write(Level::Error, message.as_ref());
}
