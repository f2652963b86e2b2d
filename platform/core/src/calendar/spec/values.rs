//! The scalar values of a calendar spec, parsed while the YAML is read.
//!
//! Each type refuses a bad value during deserialization, so the YAML reader reports it with its
//! line and column; the message names the value and says how to write it, for an administrator
//! who has never seen this code. Each also serializes back to the text it was read from, so an
//! exported manifest reads like the one the tenant wrote.

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// An IANA time zone name, such as `Asia/Ho_Chi_Minh`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeZoneName(Tz);

impl TimeZoneName {
    /// Vietnam's zone, the default.
    pub const VIETNAM: Self = Self(Tz::Asia__Ho_Chi_Minh);

    /// The zone, for conversions.
    pub fn tz(self) -> Tz {
        self.0
    }
}

impl Default for TimeZoneName {
    fn default() -> Self {
        Self::VIETNAM
    }
}

impl From<Tz> for TimeZoneName {
    fn from(tz: Tz) -> Self {
        Self(tz)
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl FromStr for TimeZoneName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(tz) = text.parse::<Tz>() {
            return Ok(Self(tz));
        }
        let case_insensitive = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(text));
        Err(match case_insensitive {
            Some(tz) => format!(
                "unknown time zone \"{text}\"; names are case-sensitive: did you mean \"{}\"?",
                tz.name()
            ),
            None => format!(
                "unknown time zone \"{text}\"; Vietnam is \"Asia/Ho_Chi_Minh\" (write an IANA \
                 zone name, not an offset or an abbreviation)"
            ),
        })
    }
}

/// A time of day on the tenant's wall clock, to the minute, from `00:00` to `24:00` (the end of
/// the day, useful as the end of a working period).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// 00:00, the start of the day.
    pub const MIDNIGHT: Self = Self(0);

    /// `hour:minute`; `None` unless it is between 00:00 and 24:00.
    pub const fn new(hour: u8, minute: u8) -> Option<Self> {
        if minute > 59 || hour > 24 || (hour == 24 && minute > 0) {
            return None;
        }
        Some(Self(hour as u16 * 60 + minute as u16))
    }

    /// Minutes since midnight, 0–1440.
    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    /// Seconds since midnight, 0–86 400.
    pub fn seconds(self) -> u32 {
        self.minutes() * 60
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl FromStr for ClockTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let how = "write times as HH:MM on a 24-hour clock, e.g. \"07:30\" or \"17:00\"";
        let (hour, minute) = text
            .trim()
            .split_once(':')
            .filter(|(h, m)| {
                (1..=2).contains(&h.len())
                    && m.len() == 2
                    && h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
            })
            .and_then(|(h, m)| Some((h.parse::<u8>().ok()?, m.parse::<u8>().ok()?)))
            .ok_or_else(|| format!("invalid time \"{text}\": {how}"))?;
        if minute > 59 {
            return Err(format!("invalid time \"{text}\": minutes go from 00 to 59"));
        }
        Self::new(hour, minute).ok_or_else(|| {
            format!("invalid time \"{text}\": hours go from 00 to 23 (24:00 is the end of the day)")
        })
    }
}

/// One working period of a day, such as `07:00-11:30`; it ends after it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WorkingPeriod {
    start: ClockTime,
    end: ClockTime,
}

impl WorkingPeriod {
    /// The period from `start` to `end`; `None` unless `start` is before `end`.
    pub fn new(start: ClockTime, end: ClockTime) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    /// When the period starts.
    pub fn start(self) -> ClockTime {
        self.start
    }

    /// When it ends: the first minute that is no longer working time.
    pub fn end(self) -> ClockTime {
        self.end
    }
}

impl fmt::Display for WorkingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

impl FromStr for WorkingPeriod {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (start, end) = text.split_once('-').ok_or_else(|| {
            format!(
                "invalid working period \"{text}\": write a period as \"HH:MM-HH:MM\", e.g. \
                 \"07:00-11:30\""
            )
        })?;
        let start: ClockTime = start.parse()?;
        let end: ClockTime = end.parse()?;
        Self::new(start, end).ok_or_else(|| {
            format!(
                "invalid working period \"{text}\": it must end after it starts (a period cannot \
                 run past midnight; end it at 24:00 and start the next day at 00:00)"
            )
        })
    }
}

/// A day of the week, as written in `rest_days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayOfWeek {
    /// Thứ Hai.
    Monday,
    /// Thứ Ba.
    Tuesday,
    /// Thứ Tư.
    Wednesday,
    /// Thứ Năm.
    Thursday,
    /// Thứ Sáu.
    Friday,
    /// Thứ Bảy.
    Saturday,
    /// Chủ Nhật.
    Sunday,
}

impl From<DayOfWeek> for Weekday {
    fn from(day: DayOfWeek) -> Self {
        match day {
            DayOfWeek::Monday => Weekday::Mon,
            DayOfWeek::Tuesday => Weekday::Tue,
            DayOfWeek::Wednesday => Weekday::Wed,
            DayOfWeek::Thursday => Weekday::Thu,
            DayOfWeek::Friday => Weekday::Fri,
            DayOfWeek::Saturday => Weekday::Sat,
            DayOfWeek::Sunday => Weekday::Sun,
        }
    }
}

/// Serializes any of these values as the text it parses from.
macro_rules! serde_as_text {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(de::Error::custom)
            }
        }
    )*};
}

serde_as_text!(TimeZoneName, ClockTime, WorkingPeriod);
