//! The calendar as a tenant writes it, under `calendar:` in its manifest.
//!
//! ```yaml
//! time_zone: Asia/Ho_Chi_Minh                   # IANA name
//! working_hours: ["07:00-11:30", "13:30-17:00"] # local time, in order, not overlapping
//! rest_days: [saturday, sunday]
//! intake_cutoff: "15:00"     # received later: counts from the next working day
//! tet_days_before: 1         # of the 5 days of Tết, how many before the lunar new year
//! national_day_extra: auto   # auto | before | after: the day joined to 2 September
//! days_off:                  # declared days off (bridge days the government announces)
//!   - { date: 2026-02-14, name: "Nghỉ Tết (bù)" }
//! working_days:              # declared working days (a rest day worked in exchange)
//!   - { date: 2026-01-10, name: "Làm bù" }
//! ```
//!
//! Every key is optional; the defaults are those above without the declared days, i.e. common
//! practice in Vietnamese administrations. Unknown keys are refused, so that a typo is not a
//! silently ignored setting. Single values are checked while the YAML is read, so that the YAML
//! reader can point at them; checks that involve several values (overlapping periods, a date
//! declared both off and working) happen when the spec is compiled into a
//! [`WorkingCalendar`](super::WorkingCalendar), and name the offending field by its path.

mod values;

use chrono::{Datelike, NaiveDate, Weekday, WeekdaySet};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

pub use self::values::{ClockTime, DayOfWeek, TimeZoneName, WorkingPeriod};
use super::error::CalendarError;
use super::holidays::{HolidayRules, NationalDayExtra};
use super::lunar::SUPPORTED_YEARS;

/// The most days of Tết that can come before the lunar new year: all but the first day itself.
const MAX_TET_DAYS_BEFORE: u8 = 4;

/// A tenant's working-day calendar, as written in its manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarSpec {
    /// The zone whose wall clock the working hours and dates are in.
    pub time_zone: TimeZoneName,
    /// The working periods of each working day, in order, not overlapping, at least one.
    pub working_hours: Vec<WorkingPeriod>,
    /// The weekly rest days; at least one day of the week must remain.
    pub rest_days: Vec<DayOfWeek>,
    /// Dossiers received after this time count from the next working day (Decree 61/2018).
    pub intake_cutoff: ClockTime,
    /// How many of Tết's five days come before the first day of the lunar year, 0–4.
    #[serde(deserialize_with = "tet_days_before")]
    pub tet_days_before: u8,
    /// Which day joins the National Day.
    pub national_day_extra: NationalDayExtra,
    /// Extra days off the tenant declares.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub days_off: Vec<DeclaredDay>,
    /// Days worked although they would be off (usually a Saturday worked for a bridge day).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub working_days: Vec<DeclaredDay>,
}

impl Default for CalendarSpec {
    fn default() -> Self {
        let time = |hour, minute| ClockTime::new(hour, minute).unwrap_or(ClockTime::MIDNIGHT);
        let period = |start, end| WorkingPeriod::new(start, end);
        Self {
            time_zone: TimeZoneName::VIETNAM,
            working_hours: [
                period(time(7, 0), time(11, 30)),
                period(time(13, 30), time(17, 0)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            rest_days: vec![DayOfWeek::Saturday, DayOfWeek::Sunday],
            intake_cutoff: time(15, 0),
            tet_days_before: 1,
            national_day_extra: NationalDayExtra::Auto,
            days_off: Vec::new(),
            working_days: Vec::new(),
        }
    }
}

/// A date the tenant declares off or worked, with the name shown on the holiday list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredDay {
    /// The date, `YYYY-MM-DD`.
    #[serde(serialize_with = "write_date", deserialize_with = "read_date")]
    pub date: NaiveDate,
    /// What it is called, e.g. "Nghỉ bù Tết" or "Làm bù".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

impl CalendarSpec {
    /// Checks what deserialization cannot: relations between values, and the fields of a spec
    /// built in code. Returns the holiday rules, with the declared days sorted.
    pub(crate) fn check(&self) -> Result<HolidayRules, CalendarError> {
        self.check_working_hours()?;
        let mut rest_days = WeekdaySet::EMPTY;
        for day in &self.rest_days {
            rest_days.insert(Weekday::from(*day));
        }
        if rest_days == WeekdaySet::ALL {
            return Err(invalid(
                "rest_days",
                "every day of the week is a rest day, so no deadline could ever fall due",
            ));
        }
        if let Some(start) = self.working_hours.first().map(|p| p.start())
            && self.intake_cutoff < start
        {
            return Err(invalid(
                "intake_cutoff",
                format!(
                    "{} is before work starts at {start}, so no dossier would ever count from \
                     the day it is received",
                    self.intake_cutoff
                ),
            ));
        }
        if self.tet_days_before > MAX_TET_DAYS_BEFORE {
            return Err(invalid(
                "tet_days_before",
                tet_message(self.tet_days_before),
            ));
        }
        let declared_off = check_dates("days_off", &self.days_off)?;
        let declared_working = check_dates("working_days", &self.working_days)?;
        for (index, day) in self.working_days.iter().enumerate() {
            if let Some(other) = self.days_off.iter().position(|d| d.date == day.date) {
                return Err(invalid(
                    format!("working_days[{index}]"),
                    format!(
                        "{} is also declared a day off in days_off[{other}]; a date is either \
                         off or worked",
                        day.date
                    ),
                ));
            }
        }
        Ok(HolidayRules {
            rest_days,
            tet_days_before: self.tet_days_before,
            national_day_extra: self.national_day_extra,
            declared_off,
            declared_working,
        })
    }

    fn check_working_hours(&self) -> Result<(), CalendarError> {
        if self.working_hours.is_empty() {
            return Err(invalid(
                "working_hours",
                "there are no working hours; list at least one period, e.g. \"07:00-11:30\"",
            ));
        }
        for (index, pair) in self.working_hours.windows(2).enumerate() {
            let [earlier, later] = pair else { continue };
            if later.start() < earlier.end() {
                let problem = if later.start() < earlier.start() {
                    "the periods must be listed in order of time"
                } else {
                    "the periods overlap"
                };
                return Err(invalid(
                    format!("working_hours[{}]", index + 1),
                    format!("\"{later}\" comes after \"{earlier}\" but {problem}"),
                ));
            }
        }
        Ok(())
    }
}

/// Refuses dates outside the supported years and dates listed twice; returns them sorted.
fn check_dates(field: &str, days: &[DeclaredDay]) -> Result<Vec<DeclaredDay>, CalendarError> {
    for (index, day) in days.iter().enumerate() {
        if !SUPPORTED_YEARS.contains(&day.date.year()) {
            return Err(invalid(
                format!("{field}[{index}]"),
                format!(
                    "{} is outside the years the calendar covers ({}–{})",
                    day.date,
                    SUPPORTED_YEARS.start(),
                    SUPPORTED_YEARS.end()
                ),
            ));
        }
        if let Some(first) = days[..index].iter().position(|d| d.date == day.date) {
            return Err(invalid(
                format!("{field}[{index}]"),
                format!("{} is already declared in {field}[{first}]", day.date),
            ));
        }
    }
    let mut sorted = days.to_vec();
    sorted.sort_by_key(|d| d.date);
    Ok(sorted)
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> CalendarError {
    CalendarError::InvalidSpec {
        field: field.into(),
        message: message.into(),
    }
}

fn tet_message(value: impl std::fmt::Display) -> String {
    format!(
        "tet_days_before is {value}, but Tết has 5 days and the first day of the lunar year is \
         one of them: use 0 to {MAX_TET_DAYS_BEFORE}"
    )
}

fn tet_days_before<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    let value = i64::deserialize(deserializer)?;
    u8::try_from(value)
        .ok()
        .filter(|v| *v <= MAX_TET_DAYS_BEFORE)
        .ok_or_else(|| de::Error::custom(tet_message(value)))
}

fn read_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        de::Error::custom(format!(
            "invalid date \"{text}\": write dates as YYYY-MM-DD, e.g. 2026-02-14, and check that \
             the day exists"
        ))
    })
}

fn write_date<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&date.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests;
