//! The tenant's wall clock: instants as nanoseconds of local time, and the shape of a working day.
//!
//! Deadline arithmetic happens on the wall clock, because working hours are wall-clock hours:
//! a UTC instant is converted once on the way in and once on the way out. Local instants are
//! `i64` nanoseconds since 1970-01-01 00:00 local, clamped to the supported years (1900–2199),
//! which fit comfortably in an `i64`. Nanoseconds rather than minutes so that arithmetic never
//! rounds an instant the caller gave.
//!
//! Vietnam has had no daylight saving since 1975. In a zone that has it, a wall-clock time
//! skipped by the change is read with the offset in force before it, and a repeated one as its
//! first occurrence; a working period spanning a change counts its wall-clock length.
//!
//! Looking an offset up in the zone's transition table costs more than the rest of a deadline
//! computation, so each year remembers, on first use, the offset it keeps throughout (every
//! year since 1975 in Vietnam); only years with a change go to the table.

use std::sync::OnceLock;

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::days::{END_DAY, FIRST_DAY, first_day_of, year_of};
use crate::calendar::lunar::SUPPORTED_YEARS;

const SECONDS_PER_DAY: i64 = 86_400;

pub(super) const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub(super) const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;

/// The first and the last representable local instants.
pub(super) const LOCAL_MIN: i64 = FIRST_DAY * NANOS_PER_DAY;
pub(super) const LOCAL_MAX: i64 = END_DAY * NANOS_PER_DAY;

/// Splits a local instant into its day number and the nanoseconds since that day's midnight.
pub(super) fn split(local: i64) -> (i64, i64) {
    (
        local.div_euclid(NANOS_PER_DAY),
        local.rem_euclid(NANOS_PER_DAY),
    )
}

/// Converts between UTC and the tenant's wall clock.
pub(super) struct Clock {
    tz: Tz,
    /// Per supported year, the UTC offset in seconds when it holds from the day before the year
    /// to the day after it.
    steady: Box<[OnceLock<Option<i32>>]>,
}

impl Clock {
    pub(super) fn new(tz: Tz) -> Self {
        let steady = SUPPORTED_YEARS.map(|_| OnceLock::new()).collect();
        Self { tz, steady }
    }

    pub(super) fn tz(&self) -> Tz {
        self.tz
    }

    /// The wall-clock reading of `instant`, clamped to the supported years.
    pub(super) fn to_local(&self, instant: DateTime<Utc>) -> i64 {
        // One day of margin either side covers any UTC offset before the final clamp.
        let min = LOCAL_MIN / NANOS_PER_SECOND - SECONDS_PER_DAY;
        let max = LOCAL_MAX / NANOS_PER_SECOND + SECONDS_PER_DAY;
        let seconds = instant.timestamp().clamp(min, max);
        let nanos = i64::from(instant.timestamp_subsec_nanos());
        let offset = self
            .steady_offset(seconds.div_euclid(SECONDS_PER_DAY))
            .or_else(|| self.offset_at(seconds))
            .unwrap_or(0);
        ((seconds + i64::from(offset)) * NANOS_PER_SECOND + nanos).clamp(LOCAL_MIN, LOCAL_MAX)
    }

    /// The UTC instant at which the wall clock reads `local`.
    pub(super) fn to_utc(&self, local: i64) -> DateTime<Utc> {
        let local = local.clamp(LOCAL_MIN, LOCAL_MAX);
        let seconds = local.div_euclid(NANOS_PER_SECOND);
        let nanos = local.rem_euclid(NANOS_PER_SECOND) as u32;
        let offset = match self.steady_offset(seconds.div_euclid(SECONDS_PER_DAY)) {
            Some(offset) => offset,
            None => self.offset_of_wall_clock(seconds),
        };
        DateTime::from_timestamp(seconds - i64::from(offset), nanos).unwrap_or(DateTime::UNIX_EPOCH)
    }

    /// The offset that holds throughout the year of `day` (UTC or local: the window covers
    /// both), if there is one.
    fn steady_offset(&self, day: i64) -> Option<i32> {
        if !(FIRST_DAY..END_DAY).contains(&day) {
            return None;
        }
        let year = year_of(day);
        let cell = self
            .steady
            .get(usize::try_from(year - SUPPORTED_YEARS.start()).ok()?)?;
        *cell.get_or_init(|| {
            // A change shows as a difference between two consecutive midnights: no zone
            // changes its offset and back within a day.
            let window = first_day_of(year) - 1..=first_day_of(year + 1) + 1;
            let first = self.offset_at(window.start() * SECONDS_PER_DAY)?;
            window
                .into_iter()
                .all(|d| self.offset_at(d * SECONDS_PER_DAY) == Some(first))
                .then_some(first)
        })
    }

    /// The offset at `seconds` since the epoch (UTC), from the zone's table.
    fn offset_at(&self, seconds: i64) -> Option<i32> {
        let utc = DateTime::from_timestamp(seconds, 0)?;
        Some(
            self.tz
                .offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    }

    /// The offset at which the wall clock reads `seconds` (since the local epoch), from the
    /// zone's table: the first of two readings, or the offset before a skipped one.
    fn offset_of_wall_clock(&self, seconds: i64) -> i32 {
        let Some(wall) = DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc()) else {
            return 0;
        };
        match self.tz.offset_from_local_datetime(&wall) {
            chrono::LocalResult::Single(o) | chrono::LocalResult::Ambiguous(o, _) => {
                o.fix().local_minus_utc()
            }
            chrono::LocalResult::None => self.offset_at(seconds - SECONDS_PER_DAY).unwrap_or(0),
        }
    }
}
