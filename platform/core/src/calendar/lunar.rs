//! The Vietnamese lunisolar calendar (âm lịch), computed astronomically for Vietnam time (UTC+7).
//!
//! Two holidays of the Labour Code (Tết and Hùng Kings' day) are lunar dates, so every deadline
//! depends on this module. Rules it keeps:
//!
//! - A lunar month starts on the local day (UTC+7) of a new moon. The meridian matters: Vietnam's
//!   calendar has used UTC+7 since 1968 and differs from the Chinese (UTC+8) one whenever a new
//!   moon falls between 23:00 and midnight Beijing time (Tết 1985 and 2007, for instance).
//! - Month 11 is the month that contains the winter solstice. A span from one month 11 to the next
//!   with 13 months holds a leap month: the first month after month 11 without a major solar term
//!   (a multiple of 30° of the sun's longitude). It repeats the number of the month before it, so
//!   leap 11th and 12th months exist (2033 has a leap 11th month).
//! - New moons: Meeus, *Astronomical Algorithms*, ch. 49, with its periodic and planetary terms;
//!   ΔT from the Espenak–Meeus polynomials; the sun's apparent longitude from Meeus' low-precision
//!   formula (ch. 25). That is accurate to well under a minute in this range, enough to place a
//!   new moon or a solar term on the right day except in the rare case where one falls within a
//!   minute of midnight.
//! - Supported Gregorian dates: [`SUPPORTED_YEARS`] (1900–2199). Outside them [`to_lunar`] and
//!   [`from_lunar`] return `None`; nothing here panics. Before 1968 the calendar actually in use
//!   in Vietnam followed the Chinese meridian, so historical dates may differ by a day in a few
//!   years; beyond 2150 ΔT is an extrapolation, so a new moon within a few minutes of midnight
//!   could be placed on the neighbouring day.

use std::f64::consts::PI;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

/// The Gregorian years for which lunar dates (and so holidays and deadlines) are computed.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1900..=2199;

/// Vietnam's standard time, in hours east of Greenwich: the meridian of the calendar.
const TIME_ZONE_HOURS: f64 = 7.0;

/// Mean length of a synodic month, in days (Meeus 49.1).
const SYNODIC_MONTH: f64 = 29.530_588_861;

/// Julian day number of 0001-01-01 minus one, to convert from chrono's day count.
const JDN_OF_CE_EPOCH: i64 = 1_721_425;

/// A date in the Vietnamese lunar calendar.
///
/// `year` is the lunar year, numbered like the Gregorian year in which its Tết falls: the 12th
/// month of lunar year 2025 lies in January–February 2026.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LunarDate {
    /// The lunar year.
    pub year: i32,
    /// The month number, 1–12 (a leap month repeats the number of the month before it).
    pub month: u8,
    /// The day of the month, 1–30.
    pub day: u8,
    /// Whether this is the leap (intercalary) month of that number.
    pub leap: bool,
}

impl LunarDate {
    /// A non-leap lunar date: the common case, as holidays are written.
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            day,
            leap: false,
        }
    }
}

/// The lunar date of a Gregorian date, or `None` outside [`SUPPORTED_YEARS`].
pub fn to_lunar(date: NaiveDate) -> Option<LunarDate> {
    if !SUPPORTED_YEARS.contains(&date.year()) {
        return None;
    }
    let day = julian_day_number(date);
    let year = date.year();
    let span = if day >= month_11_start(year).1 {
        Span::of(year)
    } else {
        Span::of(year - 1)
    };
    let index = (0..span.months).find(|&i| span.starts[i + 1] > day)?;
    let (month, leap) = span.label(index);
    let day_of_month = u8::try_from(day - span.starts[index] + 1).ok()?;
    Some(LunarDate {
        year: span.lunar_year(month),
        month,
        day: day_of_month,
        leap,
    })
}

/// The Gregorian date of a lunar date.
///
/// `None` when no such day exists (a leap month the year does not have, day 30 of a 29-day
/// month, month 13) or when it falls outside [`SUPPORTED_YEARS`].
pub fn from_lunar(lunar: LunarDate) -> Option<NaiveDate> {
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return None;
    }
    // Lunar years reach a month or two into the next Gregorian year; one year of slack on each
    // side keeps the arithmetic in range, and the final check enforces the supported dates.
    if !(SUPPORTED_YEARS.start() - 1..=SUPPORTED_YEARS.end() + 1).contains(&lunar.year) {
        return None;
    }
    let span = if lunar.month >= 11 {
        Span::of(lunar.year)
    } else {
        Span::of(lunar.year - 1)
    };
    let index = (0..span.months).find(|&i| span.label(i) == (lunar.month, lunar.leap))?;
    let length = span.starts[index + 1] - span.starts[index];
    if i64::from(lunar.day) > length {
        return None;
    }
    let date = from_julian_day_number(span.starts[index] + i64::from(lunar.day) - 1)?;
    SUPPORTED_YEARS.contains(&date.year()).then_some(date)
}

/// The leap month of a lunar year (`Some(11)` for 2033), `None` when it has none or is outside
/// the supported range.
pub fn leap_month(lunar_year: i32) -> Option<u8> {
    if !SUPPORTED_YEARS.contains(&lunar_year) {
        return None;
    }
    // Leap months 1–10 of `lunar_year` lie in the span that starts with month 11 of the year
    // before; leap 11th and 12th months in the span that starts in `lunar_year` itself.
    [Span::of(lunar_year - 1), Span::of(lunar_year)]
        .into_iter()
        .filter_map(|span| {
            let index = span.leap?;
            let (month, _) = span.label(index);
            (span.lunar_year(month) == lunar_year).then_some(month)
        })
        .next()
}

/// The lunar months from one month 11 (inclusive) to the next (exclusive).
struct Span {
    /// The Gregorian year in which the first month 11 starts.
    year: i32,
    /// Local Julian day numbers on which each month starts; `starts[months]` is the next month 11.
    starts: [i64; 14],
    /// 12, or 13 when the span holds a leap month.
    months: usize,
    /// Index (1-based from month 11 at 0) of the leap month.
    leap: Option<usize>,
}

impl Span {
    fn of(year: i32) -> Self {
        let (first, _) = month_11_start(year);
        let (next, _) = month_11_start(year + 1);
        let months = if next - first >= 13 { 13 } else { 12 };
        let mut starts = [0; 14];
        for (offset, start) in (0_i64..).zip(starts.iter_mut().take(months + 1)) {
            *start = new_moon_day(first + offset);
        }
        let leap = (months == 13)
            .then(|| {
                (1..months)
                    .find(|&i| solar_term_sector(starts[i]) == solar_term_sector(starts[i + 1]))
            })
            .flatten();
        Self {
            year,
            starts,
            months,
            leap,
        }
    }

    /// The month number and leap flag of the month at `index`.
    fn label(&self, index: usize) -> (u8, bool) {
        let ordinal = match self.leap {
            Some(leap) if index >= leap => index - 1,
            _ => index,
        };
        // Month 11 is at ordinal 0: 11, 12, 1, 2, …
        let month = u8::try_from((ordinal + 10) % 12 + 1).unwrap_or(1);
        (month, self.leap == Some(index))
    }

    /// Months 11 and 12 (leap or not) belong to the lunar year the span starts in; the rest to
    /// the next one.
    fn lunar_year(&self, month: u8) -> i32 {
        if month >= 11 {
            self.year
        } else {
            self.year + 1
        }
    }
}

/// The new-moon index and local Julian day number of the start of month 11 of lunar `year`:
/// the month containing the December solstice of Gregorian `year`.
fn month_11_start(year: i32) -> (i64, i64) {
    let december_31 = NaiveDate::from_ymd_opt(year, 12, 31).map_or_else(
        // Only reachable far outside the supported range; a mean-year estimate keeps it total.
        || (f64::from(year - 2000) * 365.2425 + 2_451_909.5) as i64,
        julian_day_number,
    );
    let mut k = ((december_31 as f64 - 2_451_550.1) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k + 1) <= december_31 {
        k += 1;
    }
    while new_moon_day(k) > december_31 {
        k -= 1;
    }
    // `k` is now the last new moon of the year; if the sun has already passed 270° when it
    // starts, the solstice fell in the month before.
    if solar_term_sector(new_moon_day(k)) >= 9 {
        k -= 1;
    }
    (k, new_moon_day(k))
}

/// The local (UTC+7) Julian day number on which the `k`-th new moon after January 2000 falls.
fn new_moon_day(k: i64) -> i64 {
    let jde = new_moon_jde(k as f64);
    let year = 2000.0 + k as f64 / 12.3685;
    let ut = jde - delta_t_seconds(year) / 86_400.0;
    (ut + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i64
}

/// Index (0–11) of the 30° sector of the sun's apparent longitude at local midnight starting
/// `day`: a month contains a major solar term exactly when the sector changes during it.
fn solar_term_sector(day: i64) -> i64 {
    let ut = day as f64 - 0.5 - TIME_ZONE_HOURS / 24.0;
    (sun_longitude(ut) / 30.0).floor() as i64
}

/// Time of the `k`-th new moon (k = 0 is 2000-01-06), as a Julian Ephemeris Day (Meeus 49).
fn new_moon_jde(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3, t4) = (t * t, t * t * t, t * t * t * t);
    let mean = 2_451_550.097_66 + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3
        + 0.000_000_000_73 * t4;
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    let m = radians(2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3);
    let mp = radians(
        201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4,
    );
    let f = radians(
        160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4,
    );
    let omega = radians(124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3);

    let periodic = -0.407_20 * mp.sin()
        + 0.172_41 * e * m.sin()
        + 0.016_08 * (2.0 * mp).sin()
        + 0.010_39 * (2.0 * f).sin()
        + 0.007_39 * e * (mp - m).sin()
        - 0.005_14 * e * (mp + m).sin()
        + 0.002_08 * e * e * (2.0 * m).sin()
        - 0.001_11 * (mp - 2.0 * f).sin()
        - 0.000_57 * (mp + 2.0 * f).sin()
        + 0.000_56 * e * (2.0 * mp + m).sin()
        - 0.000_42 * (3.0 * mp).sin()
        + 0.000_42 * e * (m + 2.0 * f).sin()
        + 0.000_38 * e * (m - 2.0 * f).sin()
        - 0.000_24 * e * (2.0 * mp - m).sin()
        - 0.000_17 * omega.sin()
        - 0.000_07 * (mp + 2.0 * m).sin()
        + 0.000_04 * (2.0 * mp - 2.0 * f).sin()
        + 0.000_04 * (3.0 * m).sin()
        + 0.000_03 * (mp + m - 2.0 * f).sin()
        + 0.000_03 * (2.0 * mp + 2.0 * f).sin()
        - 0.000_03 * (mp + m + 2.0 * f).sin()
        + 0.000_03 * (mp - m + 2.0 * f).sin()
        - 0.000_02 * (mp - m - 2.0 * f).sin()
        - 0.000_02 * (3.0 * mp + m).sin()
        + 0.000_02 * (4.0 * mp).sin();

    // Planetary perturbations: (coefficient, argument at k = 0, rate per lunation).
    const PLANETARY: [(f64, f64, f64); 13] = [
        (0.000_165, 251.88, 0.016_321),
        (0.000_164, 251.83, 26.651_886),
        (0.000_126, 349.42, 36.412_478),
        (0.000_110, 84.66, 18.206_239),
        (0.000_062, 141.74, 53.303_771),
        (0.000_060, 207.14, 2.453_732),
        (0.000_056, 154.84, 7.306_860),
        (0.000_047, 34.52, 27.261_239),
        (0.000_042, 207.19, 0.121_824),
        (0.000_040, 291.34, 1.844_379),
        (0.000_037, 161.72, 24.198_154),
        (0.000_035, 239.56, 25.513_099),
        (0.000_023, 331.55, 3.592_518),
    ];
    let a1 = 0.000_325 * radians(299.77 + 0.107_408 * k - 0.009_173 * t2).sin();
    let planetary: f64 = PLANETARY
        .iter()
        .map(|&(coefficient, a0, rate)| coefficient * radians(a0 + rate * k).sin())
        .sum();

    mean + periodic + a1 + planetary
}

/// The sun's apparent geocentric longitude in degrees, [0, 360), at Julian day `ut`
/// (Meeus 25, low precision: about 0.01°, i.e. a quarter of an hour).
fn sun_longitude(ut: f64) -> f64 {
    let year = 2000.0 + (ut - 2_451_545.0) / 365.25;
    let jde = ut + delta_t_seconds(year) / 86_400.0;
    let t = (jde - 2_451_545.0) / 36_525.0;
    let mean_longitude = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t;
    let anomaly = radians(357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t);
    let centre = (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * anomaly.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * anomaly).sin()
        + 0.000_289 * (3.0 * anomaly).sin();
    let omega = radians(125.04 - 1934.136 * t);
    let apparent = mean_longitude + centre - 0.005_69 - 0.004_78 * omega.sin();
    apparent.rem_euclid(360.0)
}

/// ΔT = TT − UT in seconds for a decimal year (Espenak & Meeus, polynomial fits to observed
/// values up to 2005 and to predictions after; the long-term parabola outside them).
fn delta_t_seconds(year: f64) -> f64 {
    let parabola = |y: f64| {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    };
    match year {
        y if y < 1860.0 => parabola(y),
        y if y < 1900.0 => {
            let t = y - 1860.0;
            7.62 + 0.5737 * t - 0.251_754 * t.powi(2) + 0.016_806_68 * t.powi(3)
                - 0.000_447_362_4 * t.powi(4)
                + t.powi(5) / 233_174.0
        }
        y if y < 1920.0 => {
            let t = y - 1900.0;
            -2.79 + 1.494_119 * t - 0.059_893_9 * t.powi(2) + 0.006_196_6 * t.powi(3)
                - 0.000_197 * t.powi(4)
        }
        y if y < 1941.0 => {
            let t = y - 1920.0;
            21.20 + 0.844_93 * t - 0.076_100 * t.powi(2) + 0.002_093_6 * t.powi(3)
        }
        y if y < 1961.0 => {
            let t = y - 1950.0;
            29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
        }
        y if y < 1986.0 => {
            let t = y - 1975.0;
            45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
        }
        y if y < 2005.0 => {
            let t = y - 2000.0;
            63.86 + 0.3345 * t - 0.060_374 * t.powi(2)
                + 0.001_727_5 * t.powi(3)
                + 0.000_651_814 * t.powi(4)
                + 0.000_023_735_99 * t.powi(5)
        }
        y if y < 2050.0 => {
            let t = y - 2000.0;
            62.92 + 0.322_17 * t + 0.005_589 * t.powi(2)
        }
        y if y < 2150.0 => parabola(y) - 0.5628 * (2150.0 - y),
        y => parabola(y),
    }
}

fn radians(degrees: f64) -> f64 {
    (degrees % 360.0) * PI / 180.0
}

fn julian_day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CE_EPOCH
}

fn from_julian_day_number(day: i64) -> Option<NaiveDate> {
    i32::try_from(day - JDN_OF_CE_EPOCH)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

#[cfg(test)]
mod tests;
