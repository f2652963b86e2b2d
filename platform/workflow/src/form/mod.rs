//! The e-form: its design-time check, and the validation of what an applicant submits.
//!
//! - [`check`] finds every problem of a `form:` section for the procedure designer, at the line
//!   and column of the value at fault: duplicate keys, attributes that do not fit the type,
//!   choices without options, nested tables, limits that contradict each other, conditions that
//!   do not compile or read fields that do not exist, unknown document codes, `accept` entries
//!   that are not extensions.
//! - [`CompiledForm`] is a checked form with its conditions compiled once; the engine keeps it
//!   for the lifetime of the procedure version. [`CompiledForm::validate`] turns submitted JSON
//!   into the cleaned data stored in the dossier, or every [`FieldError`] at once.
//!
//! Rules this module keeps:
//! - The server decides. The browser will run the same rules (a later step renders the form and
//!   serialises [`CompiledForm`] for it), so every rule is data — type, required, limits,
//!   options, CEL conditions — and nothing is checked here that the browser could not check.
//! - Nothing smuggled: keys the form does not know are refused, hidden fields are dropped, and
//!   only normalised values are kept (trimmed text, numbers as numbers, `YYYY-MM-DD` dates,
//!   citizen id digits).
//! - Validation never panics, whatever the JSON; a designer's rule that cannot be evaluated
//!   counts as failed and shows the designer's message.
//! - Citizens read every message in Vietnamese and English, naming the field by its label.

mod check;
mod compiled;
mod conditions;
mod error;
mod validate;
mod values;
mod visibility;

#[cfg(test)]
mod tests;

pub use check::check;
pub use compiled::{CompiledField, CompiledForm, CompiledRule, FormError, defaults};
pub use error::{FieldError, code};
