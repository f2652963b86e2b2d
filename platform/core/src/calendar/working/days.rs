//! Which days are working days, computed one year at a time on first use and then kept.
//!
//! Deadlines are computed on every request that shows a dossier, so the hot path must not
//! allocate or compute lunar dates: a year's holidays are folded into a 366-bit set the first
//! time any of its days is asked about, behind a `OnceLock` so that threads share the work.
//! Days are numbered from 1970-01-01 (local calendar); days outside the supported years are
//! never working days, which is what makes the arithmetic saturate instead of failing.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use super::super::holidays::HolidayRules;
use super::super::lunar::SUPPORTED_YEARS;

/// 1900-01-01 and 2200-01-01 as day numbers: the supported days are `FIRST_DAY..END_DAY`.
pub(super) const FIRST_DAY: i64 = -25_567;
pub(super) const END_DAY: i64 = 84_006;

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i64 = 719_163;

/// Bits set for non-working days, indexed by the day's ordinal (0-based) in its year.
type YearBits = [u64; 6];

pub(super) struct DayTable {
    rules: HolidayRules,
    years: Box<[OnceLock<YearBits>]>,
}

impl DayTable {
    pub(super) fn new(rules: HolidayRules) -> Self {
        let count = SUPPORTED_YEARS.count();
        Self {
            rules,
            years: (0..count).map(|_| OnceLock::new()).collect(),
        }
    }

    pub(super) fn rules(&self) -> &HolidayRules {
        &self.rules
    }

    pub(super) fn is_working(&self, day: i64) -> bool {
        if !(FIRST_DAY..END_DAY).contains(&day) {
            return false;
        }
        let year = year_of(day);
        let ordinal = (day - first_day_of(year)) as usize;
        self.bits(year)
            .and_then(|bits| bits.get(ordinal / 64))
            .is_some_and(|word| word & (1 << (ordinal % 64)) == 0)
    }

    /// The first working day after `day`, or `None` if there is none before the end of the
    /// supported years.
    pub(super) fn next_working_day(&self, day: i64) -> Option<i64> {
        self.nth_working_day_after(day, 1)
    }

    /// The `n`-th (from 1) working day after `day`. Whole words of the bit sets are counted at
    /// once, so a month costs a few operations and a long span a few per year.
    pub(super) fn nth_working_day_after(&self, day: i64, n: i64) -> Option<i64> {
        let (mut from, mut n) = (day.saturating_add(1).max(FIRST_DAY), n.max(1));
        while from < END_DAY {
            let year = year_of(from);
            let first = first_day_of(year);
            let end = first_day_of(year + 1).min(END_DAY);
            let (a, b) = ((from - first) as usize, (end - first) as usize);
            match nth_clear(self.bits(year)?, a, b, n) {
                Ok(ordinal) => return Some(first + ordinal as i64),
                Err(clear) => n -= clear,
            }
            from = end;
        }
        None
    }

    /// How many working days lie in `from..to`.
    pub(super) fn count_working(&self, from: i64, to: i64) -> i64 {
        let (mut from, to) = (from.max(FIRST_DAY), to.min(END_DAY));
        let mut count = 0;
        while from < to {
            let year = year_of(from);
            let first = first_day_of(year);
            let end = first_day_of(year + 1).min(to);
            let (a, b) = ((from - first) as usize, (end - first) as usize);
            if let Some(bits) = self.bits(year) {
                count += bits
                    .iter()
                    .enumerate()
                    .map(|(i, word)| i64::from((!word & window(i, a, b)).count_ones()))
                    .sum::<i64>();
            }
            from = end;
        }
        count
    }

    /// The bits of `year`, computed on first use; `None` outside the supported years.
    fn bits(&self, year: i32) -> Option<&YearBits> {
        let index = usize::try_from(year - SUPPORTED_YEARS.start()).ok()?;
        let cell = self.years.get(index)?;
        Some(cell.get_or_init(|| self.compute(year)))
    }

    fn compute(&self, year: i32) -> YearBits {
        let mut bits = [0_u64; 6];
        let mut set = |date: NaiveDate, off: bool| {
            let ordinal = date.ordinal0() as usize;
            if let Some(word) = bits.get_mut(ordinal / 64) {
                let mask = 1 << (ordinal % 64);
                if off { *word |= mask } else { *word &= !mask }
            }
        };
        let Some(january_1) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return bits;
        };
        for date in january_1.iter_days().take_while(|d| d.year() == year) {
            set(date, self.rules.is_rest_day(date.weekday()));
        }
        // `days_off` already leaves out declared working days; these clear the rest days.
        for day_off in self.rules.days_off(year).unwrap_or_default() {
            set(day_off.date, true);
        }
        for worked in self
            .rules
            .declared_working
            .iter()
            .filter(|d| d.date.year() == year)
        {
            set(worked.date, false);
        }
        bits
    }
}

/// The mask of the positions `from..to` that fall in word `index` of a bit set.
fn window(index: usize, from: usize, to: usize) -> u64 {
    let (low, high) = (index * 64, index * 64 + 64);
    let (start, end) = (from.max(low), to.min(high));
    match end.saturating_sub(start) {
        0 => 0,
        64 => u64::MAX,
        width => ((1_u64 << width) - 1) << (start - low),
    }
}

/// The position of the `n`-th (from 1) clear bit among positions `from..to`, or how many clear
/// bits there are if fewer than `n`.
fn nth_clear(bits: &YearBits, from: usize, to: usize, n: i64) -> Result<usize, i64> {
    let mut remaining = n;
    for (index, word) in bits.iter().enumerate() {
        let mut clear = !word & window(index, from, to);
        let count = i64::from(clear.count_ones());
        if count < remaining {
            remaining -= count;
            continue;
        }
        for _ in 1..remaining {
            clear &= clear - 1;
        }
        return Ok(index * 64 + clear.trailing_zeros() as usize);
    }
    Err(n - remaining)
}

/// The day number of `date`.
pub(super) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_CE_DAYS
}

/// The date of day number `day`, when chrono can represent it.
pub(super) fn date_of(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + UNIX_EPOCH_CE_DAYS)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The day number of 1 January of `year` (proleptic Gregorian).
pub(super) fn first_day_of(year: i32) -> i64 {
    let days_before = |year: i64| {
        let y = year - 1;
        y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
    };
    days_before(i64::from(year)) - days_before(1970)
}

/// The year of day number `day`, for days within a few centuries of 1970.
pub(super) fn year_of(day: i64) -> i32 {
    // 146 097 days per 400 years; the estimate is off by at most one either way.
    let estimate = 1970 + (day * 400).div_euclid(146_097);
    let mut year = i32::try_from(estimate).unwrap_or(1970);
    if first_day_of(year) > day {
        year -= 1;
    } else if first_day_of(year + 1) <= day {
        year += 1;
    }
    year
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::CalendarSpec;

    #[test]
    fn day_numbers_agree_with_chrono() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(day_number(date(1900, 1, 1)), FIRST_DAY);
        assert_eq!(day_number(date(2200, 1, 1)), END_DAY);
        for year in 1899..=2201 {
            let first = day_number(date(year, 1, 1));
            assert_eq!(first_day_of(year), first, "{year}");
            assert_eq!(year_of(first), year);
            assert_eq!(year_of(first - 1), year - 1);
            assert_eq!(year_of(first + 200), year);
            assert_eq!(date_of(first), Some(date(year, 1, 1)));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// The word-at-a-time searches agree with looking at each day.
        #[test]
        fn counting_agrees_with_scanning(
            from in FIRST_DAY - 400..END_DAY + 400, len in 0_i64..800, n in 1_i64..400,
        ) {
            let table = DayTable::new(CalendarSpec::default().check().unwrap());
            let to = from + len;
            let scanned = (from..to).filter(|&d| table.is_working(d)).count() as i64;
            prop_assert_eq!(table.count_working(from, to), scanned);
            let nth = (from + 1..END_DAY).filter(|&d| table.is_working(d)).nth((n - 1) as usize);
            prop_assert_eq!(table.nth_working_day_after(from, n), nth);
        }
    }
}
