//! Deadline arithmetic on a tenant's working calendar.
//!
//! A [`WorkingCalendar`] is compiled once from a [`CalendarSpec`] and shared (it is an `Arc`).
//! The rules it keeps, each documented on the method that applies it:
//!
//! - Working time is the working periods of working days, on the tenant's wall clock. A period
//!   includes its start and excludes its end.
//! - A working day is a day that is not a weekly rest day, a statutory holiday, a compensatory
//!   day or a declared day off, unless it is a declared working day (see
//!   [`holidays`](super::holidays)).
//! - A deadline is the *earliest* instant at which the required working time has elapsed, so one
//!   that ends with a period reads 17:00 (or 11:30), never 07:00 of the next working day.
//! - Nothing panics. Instants are clamped to the supported years (1900–2199 local); days outside
//!   them are not working days, so a deadline that would fall after 2199 reads
//!   2200-01-01 00:00 local.
//!
//! There is no separate "restart" operation: when a dossier is supplemented and its deadline
//! restarts in full, the new deadline is [`WorkingCalendar::due`] from the time it was completed.

mod clock;
mod days;
mod shape;
mod status;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use self::clock::{Clock, LOCAL_MAX, NANOS_PER_DAY, NANOS_PER_SECOND, split};
use self::days::{DayTable, date_of, day_number};
use self::shape::DayShape;
pub use self::status::{Progress, Timeliness};
use super::error::CalendarError;
use super::holidays::DayOff;
use super::lunar::SUPPORTED_YEARS;
use super::spec::{CalendarSpec, DeclaredDay};

/// A length of working time, as procedures state their processing times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingDuration {
    /// Working days: each as long as the working hours of one day (8 hours by default).
    Days(u32),
    /// Working hours.
    Hours(u32),
    /// Working minutes.
    Minutes(u32),
}

/// A tenant's working calendar, ready for deadline arithmetic. Cheap to clone.
#[derive(Clone)]
pub struct WorkingCalendar {
    inner: Arc<Inner>,
}

struct Inner {
    spec: CalendarSpec,
    clock: Clock,
    shape: DayShape,
    /// The intake cutoff, in nanoseconds since local midnight.
    cutoff: i64,
    days: DayTable,
}

impl fmt::Debug for WorkingCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = &self.inner.spec;
        f.debug_struct("WorkingCalendar")
            .field("time_zone", &spec.time_zone.tz().name())
            .field("working_hours", &spec.working_hours)
            .field("rest_days", &spec.rest_days)
            .field("intake_cutoff", &spec.intake_cutoff)
            .finish_non_exhaustive()
    }
}

impl WorkingCalendar {
    /// Compiles a spec, checking what its deserialization could not (see
    /// [`spec`](super::spec)). Nothing is computed for any year until it is first used.
    pub fn new(spec: &CalendarSpec) -> Result<Self, CalendarError> {
        let rules = spec.check()?;
        Ok(Self {
            inner: Arc::new(Inner {
                spec: spec.clone(),
                clock: Clock::new(spec.time_zone.tz()),
                shape: DayShape::new(&spec.working_hours),
                cutoff: i64::from(spec.intake_cutoff.seconds()) * NANOS_PER_SECOND,
                days: DayTable::new(rules),
            }),
        })
    }

    /// The spec this calendar was compiled from.
    pub fn spec(&self) -> &CalendarSpec {
        &self.inner.spec
    }

    /// The tenant's time zone.
    pub fn time_zone(&self) -> Tz {
        self.inner.clock.tz()
    }

    /// The working time in one working day (8 hours by default): the length of
    /// [`WorkingDuration::Days(1)`](WorkingDuration::Days).
    pub fn day_length(&self) -> TimeDelta {
        TimeDelta::nanoseconds(self.inner.shape.length())
    }

    /// The tenant's local date at `instant`.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        let (day, _) = split(self.local(instant));
        date_of(day).unwrap_or_default()
    }

    /// Whether offices work on `date`. Always `false` outside the supported years.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.inner.days.is_working(day_number(date))
    }

    /// The first working day after `date`, `None` if there is none before 2200.
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.inner
            .days
            .next_working_day(day_number(date))
            .and_then(date_of)
    }

    /// The end of the working day `days` calendar days after `start` (its local date), or of the
    /// next working day when that day is off: how periods counted in calendar days end (Civil
    /// Code 2015, Arts. 147-148). Saturates like [`add`](Self::add).
    pub fn end_of_day_after(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let (day, _) = split(self.local(start));
        let last = day.saturating_add(i64::from(days));
        let working = if self.inner.days.is_working(last) {
            Some(last)
        } else {
            self.inner.days.next_working_day(last)
        };
        let end_of_day = self
            .inner
            .spec
            .working_hours
            .last()
            .map_or(0, |p| i64::from(p.end().seconds()) * NANOS_PER_SECOND);
        match working {
            Some(day) => self.to_utc(day.saturating_mul(NANOS_PER_DAY).saturating_add(end_of_day)),
            None => self.to_utc(LOCAL_MAX),
        }
    }

    /// Whether `instant` is working time: a working day, within a working period (the start of
    /// a period is working time, its end is not).
    pub fn is_working_time(&self, instant: DateTime<Utc>) -> bool {
        let (day, time) = split(self.local(instant));
        self.inner.days.is_working(day) && self.inner.shape.contains(time)
    }

    /// The instant from which the deadline of a dossier received at `received` counts.
    ///
    /// Received on a working day, no later than the intake cutoff (15:00 by default; exactly
    /// 15:00 is not "after"), it counts from the next working instant, i.e. unchanged during
    /// working hours, the end of the lunch break if received during it, the opening time if
    /// received before it. If that instant would be after the cutoff (received on a rest day,
    /// after the cutoff, or after closing time), it counts from the start of the next working
    /// day. The result is always working time, and applying this twice changes nothing.
    pub fn intake_start(&self, received: DateTime<Utc>) -> DateTime<Utc> {
        self.to_utc(self.intake_start_local(self.local(received)))
    }

    /// The earliest instant at which `duration` of working time has elapsed since `start`.
    ///
    /// `start` is first moved forward to working time (a start during the lunch break counts from
    /// 13:30). Then working time is consumed, skipping breaks, evenings, rest days and days off.
    /// When the result is the end of a period it is that end (17:00), not the start of the next
    /// period (07:00 the next working day). A zero duration returns `start` itself, which keeps
    /// additions associative: adding `a` then `b` is adding `a + b`.
    ///
    /// `Days(n)` is `n` times the working time of a day. So a deadline keeps the time of day it
    /// started at (Monday 09:00 + 1 day = Tuesday 09:00), and one that starts at the opening of a
    /// day ends at the close of its `n`-th working day (Monday 07:00 + 1 day = Monday 17:00), as
    /// officials write it on the receipt slip.
    pub fn add(&self, start: DateTime<Utc>, duration: WorkingDuration) -> DateTime<Utc> {
        let amount = self.amount(duration);
        self.to_utc(self.add_local(self.local(start), amount))
    }

    /// The deadline of a dossier received at `received`:
    /// [`add`](Self::add)`(`[`intake_start`](Self::intake_start)`(received), duration)`.
    pub fn due(&self, received: DateTime<Utc>, duration: WorkingDuration) -> DateTime<Utc> {
        let start = self.intake_start_local(self.local(received));
        self.to_utc(self.add_local(start, self.amount(duration)))
    }

    /// The working time from `from` to `to`; zero if `to` is not after `from`.
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        TimeDelta::nanoseconds(self.between_local(self.local(from), self.local(to)))
    }

    /// The deadline after a pause: time waiting on the applicant does not count.
    ///
    /// The working time that remained at `paused_at` is counted again from `resumed_at`. A
    /// deadline never moves backwards: if the dossier was paused at or after its deadline
    /// (nothing remained), or the new deadline would be earlier, `due` is returned unchanged.
    /// A `resumed_at` before `paused_at` is read as resuming at once.
    pub fn extend_for_pause(
        &self,
        due: DateTime<Utc>,
        paused_at: DateTime<Utc>,
        resumed_at: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let (due_local, paused) = (self.local(due), self.local(paused_at));
        let resumed = self.local(resumed_at).max(paused);
        let remaining = self.between_local(paused, due_local);
        if remaining == 0 {
            return due;
        }
        let extended = self.add_local(resumed, remaining);
        if extended > due_local {
            self.to_utc(extended)
        } else {
            due
        }
    }

    /// How a dossier returned at `returned` met its deadline `due`: before the due date (in the
    /// tenant's calendar) is early, on the due date at or before the due time on time, after the
    /// due time late.
    pub fn timeliness(&self, due: DateTime<Utc>, returned: DateTime<Utc>) -> Timeliness {
        if returned > due {
            Timeliness::Late
        } else if self.local_date(returned) < self.local_date(due) {
            Timeliness::Early
        } else {
            Timeliness::OnTime
        }
    }

    /// Where a dossier still in progress at `now` stands: overdue once `now` is after `due`.
    pub fn progress(&self, due: DateTime<Utc>, now: DateTime<Utc>) -> Progress {
        if now > due {
            Progress::Overdue
        } else {
            Progress::WithinDeadline
        }
    }

    /// Whether a dossier in progress falls due within `within` of working time from `now`
    /// (and is not yet overdue): the inbox's "due soon" flag.
    pub fn due_soon(
        &self,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
        within: WorkingDuration,
    ) -> bool {
        now <= due && self.add(now, within) >= due
    }

    /// The days off of `year` (statutory, compensatory and declared), sorted by date.
    pub fn days_off(&self, year: i32) -> Result<Vec<DayOff>, CalendarError> {
        self.inner
            .days
            .rules()
            .days_off(year)
            .ok_or(CalendarError::YearOutOfRange { year })
    }

    /// The declared working days of `year`, sorted by date.
    pub fn declared_working_days(&self, year: i32) -> Vec<DeclaredDay> {
        let rules = self.inner.days.rules();
        if !SUPPORTED_YEARS.contains(&year) {
            return Vec::new();
        }
        rules
            .declared_working
            .iter()
            .filter(|d| d.date.year() == year)
            .cloned()
            .collect()
    }

    fn local(&self, instant: DateTime<Utc>) -> i64 {
        self.inner.clock.to_local(instant)
    }

    fn to_utc(&self, local: i64) -> DateTime<Utc> {
        self.inner.clock.to_utc(local)
    }

    fn amount(&self, duration: WorkingDuration) -> i64 {
        match duration {
            WorkingDuration::Days(n) => i64::from(n).saturating_mul(self.inner.shape.length()),
            WorkingDuration::Hours(n) => i64::from(n).saturating_mul(3_600 * NANOS_PER_SECOND),
            WorkingDuration::Minutes(n) => i64::from(n).saturating_mul(60 * NANOS_PER_SECOND),
        }
    }

    /// The first working instant at or after `local`, or [`LOCAL_MAX`] if none is left.
    fn next_working_instant(&self, local: i64) -> i64 {
        let (day, time) = split(local);
        let inner = &self.inner;
        if inner.days.is_working(day)
            && let Some(time) = inner.shape.next_at_or_after(time)
        {
            return day * NANOS_PER_DAY + time;
        }
        self.start_of_next_working_day(day)
    }

    fn start_of_next_working_day(&self, day: i64) -> i64 {
        self.inner
            .days
            .next_working_day(day)
            .map_or(LOCAL_MAX, |next| {
                next * NANOS_PER_DAY + self.inner.shape.first_start()
            })
    }

    fn intake_start_local(&self, received: i64) -> i64 {
        let start = self.next_working_instant(received);
        let (day, time) = split(start);
        if start >= LOCAL_MAX || time <= self.inner.cutoff {
            start
        } else {
            self.start_of_next_working_day(day)
        }
    }

    fn add_local(&self, start: i64, amount: i64) -> i64 {
        if amount <= 0 {
            return start;
        }
        let start = self.next_working_instant(start);
        if start >= LOCAL_MAX {
            return start;
        }
        let shape = &self.inner.shape;
        let length = shape.length();
        let (day, time) = split(start);
        // Counting from the day's opening turns the problem into whole days plus a remainder.
        let needed = amount.saturating_add(shape.elapsed(time));
        if needed <= length {
            return day * NANOS_PER_DAY + shape.at_elapsed(needed);
        }
        // The last day is the `later`-th working day after this one, with `rest` in (0, length]
        // of its working time to use.
        let later = (needed - 1) / length;
        let rest = needed - later * length;
        match self.inner.days.nth_working_day_after(day, later) {
            Some(last) => last * NANOS_PER_DAY + shape.at_elapsed(rest),
            None => LOCAL_MAX,
        }
    }

    fn between_local(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (shape, table) = (&self.inner.shape, &self.inner.days);
        let ((from_day, from_time), (to_day, to_time)) = (split(from), split(to));
        let worked = |day: i64, elapsed: i64| if table.is_working(day) { elapsed } else { 0 };
        if from_day == to_day {
            return worked(from_day, shape.elapsed(to_time) - shape.elapsed(from_time));
        }
        worked(from_day, shape.length() - shape.elapsed(from_time))
            + table.count_working(from_day + 1, to_day) * shape.length()
            + worked(to_day, shape.elapsed(to_time))
    }

    /// Whether `instant` is the end of a working period on a working day (where deadlines may
    /// fall although it is not working time).
    #[cfg(test)]
    fn is_period_end(&self, instant: DateTime<Utc>) -> bool {
        let (day, time) = split(self.local(instant));
        self.inner.days.is_working(day) && self.inner.shape.is_end(time)
    }
}

#[cfg(test)]
mod examples;
#[cfg(test)]
mod properties;
