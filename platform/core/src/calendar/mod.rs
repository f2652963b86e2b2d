//! The working-day calendar on which every legal deadline is computed.
//!
//! Processing times of procedures are stated in working days or hours (Decree 61/2018, now
//! 118/2025): Monday to Friday by default, within working hours, minus the public holidays of the
//! Labour Code (Art. 112, two of them lunar), plus the working days the government swaps each
//! year. Tenants describe their calendar in YAML ([`CalendarSpec`]); the platform compiles it
//! into a [`WorkingCalendar`] and asks it for deadlines.
//!
//! - [`lunar`]: the Vietnamese lunar calendar (UTC+7), computed astronomically.
//! - [`holidays`]: the days off of a year and why they are off.
//! - [`spec`]: what a tenant writes, and how it is checked.
//! - [`WorkingCalendar`]: intake, deadlines, pauses and classification.
//!
//! Supported years: [`SUPPORTED_YEARS`] (1900–2199). Outside them lunar conversions return
//! `None`, holiday lists an error, and deadline arithmetic saturates; nothing panics.

mod error;
pub mod holidays;
pub mod lunar;
pub mod spec;
mod working;

pub use self::error::CalendarError;
pub use self::holidays::{DayOff, DayOffReason, NationalDayExtra};
pub use self::lunar::{LunarDate, SUPPORTED_YEARS, from_lunar, leap_month, to_lunar};
pub use self::spec::{
    CalendarSpec, ClockTime, DayOfWeek, DeclaredDay, TimeZoneName, WorkingPeriod,
};
pub use self::working::{Progress, Timeliness, WorkingCalendar, WorkingDuration};
