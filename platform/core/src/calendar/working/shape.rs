//! The shape of a working day: its working periods, as nanoseconds since local midnight.
//!
//! Every working day has the same periods (the spec has one `working_hours` list), so a day is
//! fully described by how much working time has elapsed at each time of day. Deadlines then
//! reduce to whole days plus an amount of elapsed time on the last day, read back with
//! [`DayShape::at_elapsed`], which picks the end of a period rather than the start of the next.

use super::clock::NANOS_PER_SECOND;
use crate::calendar::spec::{ClockTime, WorkingPeriod};

/// The working periods of every working day, in nanoseconds since local midnight.
#[derive(Clone, Debug)]
pub(super) struct DayShape {
    /// Sorted, non-overlapping, non-empty (checked by the spec).
    periods: Vec<(i64, i64)>,
    length: i64,
}

impl DayShape {
    pub(super) fn new(periods: &[WorkingPeriod]) -> Self {
        let nanos = |time: ClockTime| i64::from(time.seconds()) * NANOS_PER_SECOND;
        let periods: Vec<(i64, i64)> = periods
            .iter()
            .map(|p| (nanos(p.start()), nanos(p.end())))
            .collect();
        let length = periods.iter().map(|(start, end)| end - start).sum();
        Self { periods, length }
    }

    /// Working time in a working day.
    pub(super) fn length(&self) -> i64 {
        self.length
    }

    pub(super) fn first_start(&self) -> i64 {
        self.periods.first().map_or(0, |p| p.0)
    }

    /// Whether `time` (since midnight) is within a period; periods include their start and
    /// exclude their end.
    pub(super) fn contains(&self, time: i64) -> bool {
        self.periods
            .iter()
            .any(|&(start, end)| (start..end).contains(&time))
    }

    /// Whether `time` is the end of a period (and not also the start of the next).
    #[cfg(test)]
    pub(super) fn is_end(&self, time: i64) -> bool {
        self.periods.iter().any(|&(_, end)| end == time) && !self.contains(time)
    }

    /// The first working instant of the day at or after `time`, if any is left.
    pub(super) fn next_at_or_after(&self, time: i64) -> Option<i64> {
        self.periods
            .iter()
            .find(|&&(_, end)| time < end)
            .map(|&(start, _)| start.max(time))
    }

    /// Working time of the day before `time`.
    pub(super) fn elapsed(&self, time: i64) -> i64 {
        self.periods
            .iter()
            .map(|&(start, end)| time.clamp(start, end) - start)
            .sum()
    }

    /// The earliest time of day by which `elapsed` (in `1..=length`) working time has passed:
    /// the end of a period rather than the start of the next.
    pub(super) fn at_elapsed(&self, elapsed: i64) -> i64 {
        let mut before = 0;
        for &(start, end) in &self.periods {
            if elapsed <= before + (end - start) {
                return start + (elapsed - before);
            }
            before += end - start;
        }
        self.periods.last().map_or(0, |p| p.1)
    }
}
