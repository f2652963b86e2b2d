//! The one error type of the calendar: a spec that cannot be compiled, or a year it does not cover.
//!
//! Messages are English sentences for the tenant administrator who wrote the spec; the field is a
//! dotted path into the `calendar:` section (`working_hours[1]`, `days_off[2]`) so that the
//! manifest loader can point at the line.

use super::lunar::SUPPORTED_YEARS;

/// Why a calendar could not be built or asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A value of the spec, or a relation between values, is wrong.
    #[error("{field}: {message}")]
    InvalidSpec {
        /// Path of the field within the calendar spec, e.g. `working_hours[1]`.
        field: String,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// The year is outside [`SUPPORTED_YEARS`].
    #[error(
        "year {year} is outside the years the calendar covers ({}–{})",
        SUPPORTED_YEARS.start(),
        SUPPORTED_YEARS.end()
    )]
    YearOutOfRange {
        /// The year asked for.
        year: i32,
    },
}

impl CalendarError {
    /// The path of the offending field, when the error is about the spec.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidSpec { field, .. } => Some(field),
            Self::YearOutOfRange { .. } => None,
        }
    }
}
