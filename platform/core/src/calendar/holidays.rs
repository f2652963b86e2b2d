//! The days off of a year: statutory holidays (Labour Code 2019, Art. 112), the compensatory days
//! they give, and the days a tenant declares.
//!
//! Rules, in the order they are applied:
//!
//! 1. Statutory holidays: 1 January; Tết, 5 days, `tet_days_before` of them (default 1, the last
//!    day of the old lunar year) before the first day of the lunar year and the rest after; Hùng
//!    Kings' day (10th day of the 3rd lunar month, never of a leap 3rd month); 30 April; 1 May;
//!    2 September and one adjacent day ([`NationalDayExtra`]).
//! 2. Compensation (Art. 111.3): each statutory holiday on a weekly rest day gives a day off on the
//!    next day that is neither a rest day, nor a statutory holiday, nor already a compensatory day,
//!    taking the holidays in date order. Two holidays on the same date give one day off, as the law
//!    says nothing of that case.
//! 3. Days off the tenant declares (bridge days the government announces) are added.
//! 4. Working days the tenant declares (a Saturday worked in exchange for a bridge day) override
//!    everything else for their date: they are working days and are never listed as days off.
//!
//! Weekly rest days are not listed: they are the calendar's background, not events.

use std::borrow::Cow;

use chrono::{Datelike, Days, NaiveDate, Weekday, WeekdaySet};
use serde::{Deserialize, Serialize};

use super::lunar::{LunarDate, SUPPORTED_YEARS, from_lunar};
use super::spec::DeclaredDay;
use crate::lang::Lang;

/// Which day joins 2 September, the National Day, to make the two days the law grants.
///
/// The Labour Code says "2 September and one day before or after it"; the government picks the
/// day each year. `auto` reproduces its choices of 2021–2025: 3 September when the 2nd is a Monday
/// or a Thursday (making a four-day weekend from Saturday or Thursday), otherwise 1 September.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NationalDayExtra {
    /// 3 September if the 2nd is a Monday or a Thursday, 1 September otherwise.
    #[default]
    Auto,
    /// Always 1 September.
    Before,
    /// Always 3 September.
    After,
}

/// A day on which offices are closed although it is not a weekly rest day (or a holiday that
/// happens to fall on one).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DayOff {
    /// The date, in the tenant's calendar.
    pub date: NaiveDate,
    /// Why offices are closed.
    pub reason: DayOffReason,
}

/// Why a day is off.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DayOffReason {
    /// 1 January.
    NewYear,
    /// One of the five days of the lunar new year holiday.
    Tet,
    /// Hùng Kings' Commemoration Day, 10th day of the 3rd lunar month.
    HungKings,
    /// 30 April, Reunification Day.
    ReunificationDay,
    /// 1 May, International Labour Day.
    LabourDay,
    /// 2 September or the day that joins it.
    NationalDay,
    /// A day off in exchange for a holiday that fell on a weekly rest day.
    Compensatory {
        /// The holiday it compensates.
        for_date: NaiveDate,
    },
    /// A day off the tenant declared, with the name it gave.
    Declared {
        /// The name as written in the spec; may be empty.
        name: String,
    },
}

impl DayOffReason {
    /// The Vietnamese name, as printed on the holiday list.
    pub fn name_vi(&self) -> Cow<'_, str> {
        match self {
            Self::NewYear => "Tết Dương lịch".into(),
            Self::Tet => "Tết Âm lịch".into(),
            Self::HungKings => "Giỗ Tổ Hùng Vương".into(),
            Self::ReunificationDay => "Ngày Chiến thắng".into(),
            Self::LabourDay => "Ngày Quốc tế lao động".into(),
            Self::NationalDay => "Quốc khánh".into(),
            Self::Compensatory { for_date } => {
                format!("Nghỉ bù cho ngày {}", for_date.format("%d/%m/%Y")).into()
            }
            Self::Declared { name } if name.is_empty() => "Ngày nghỉ theo thông báo".into(),
            Self::Declared { name } => name.as_str().into(),
        }
    }

    /// The English name. A declared day keeps the name the tenant wrote, which is usually
    /// Vietnamese: there is no other.
    pub fn name_en(&self) -> Cow<'_, str> {
        match self {
            Self::NewYear => "New Year's Day".into(),
            Self::Tet => "Lunar New Year (Tết)".into(),
            Self::HungKings => "Hùng Kings' Commemoration Day".into(),
            Self::ReunificationDay => "Reunification Day".into(),
            Self::LabourDay => "International Labour Day".into(),
            Self::NationalDay => "National Day".into(),
            Self::Compensatory { for_date } => {
                format!("Day off in lieu of {}", for_date.format("%-d %B %Y")).into()
            }
            Self::Declared { name } if name.is_empty() => "Declared day off".into(),
            Self::Declared { name } => name.as_str().into(),
        }
    }

    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> Cow<'_, str> {
        match lang {
            Lang::Vi => self.name_vi(),
            Lang::En => self.name_en(),
        }
    }

    /// Whether the Labour Code grants this day (as opposed to the tenant's declaration).
    pub fn is_statutory(&self) -> bool {
        !matches!(self, Self::Compensatory { .. } | Self::Declared { .. })
    }
}

/// The parts of a spec that decide which days are off, already validated.
#[derive(Clone, Debug)]
pub(crate) struct HolidayRules {
    pub(crate) rest_days: WeekdaySet,
    pub(crate) tet_days_before: u8,
    pub(crate) national_day_extra: NationalDayExtra,
    /// Sorted by date, no duplicates.
    pub(crate) declared_off: Vec<DeclaredDay>,
    /// Sorted by date, no duplicates, none also in `declared_off`.
    pub(crate) declared_working: Vec<DeclaredDay>,
}

impl HolidayRules {
    /// Every day off of `year`, sorted by date; `None` outside [`SUPPORTED_YEARS`].
    pub(crate) fn days_off(&self, year: i32) -> Option<Vec<DayOff>> {
        let mut days = self.statutory(year)?;
        let compensatory = self.compensatory(&days);
        days.extend(compensatory);
        days.extend(
            self.declared_off
                .iter()
                .filter(|d| d.date.year() == year)
                .filter(|d| !days.iter().any(|s| s.date == d.date))
                .map(|d| DayOff {
                    date: d.date,
                    reason: DayOffReason::Declared {
                        name: d.name.clone(),
                    },
                })
                .collect::<Vec<_>>(),
        );
        // A day in lieu could only leave the year with a week of six rest days; it is dropped
        // rather than listed in a year whose bits would not have it.
        days.retain(|d| d.date.year() == year && self.declared_working(d.date).is_none());
        days.sort_by_key(|d| d.date);
        Some(days)
    }

    /// The declared working day on `date`, if any.
    pub(crate) fn declared_working(&self, date: NaiveDate) -> Option<&DeclaredDay> {
        self.declared_working
            .binary_search_by_key(&date, |d| d.date)
            .ok()
            .and_then(|i| self.declared_working.get(i))
    }

    pub(crate) fn is_rest_day(&self, weekday: Weekday) -> bool {
        self.rest_days.contains(weekday)
    }

    /// The statutory holidays of `year`, in date order.
    fn statutory(&self, year: i32) -> Option<Vec<DayOff>> {
        if !SUPPORTED_YEARS.contains(&year) {
            return None;
        }
        let day = |month, day| NaiveDate::from_ymd_opt(year, month, day);
        let tet = from_lunar(LunarDate::new(year, 1, 1))?;
        let hung_kings = from_lunar(LunarDate::new(year, 3, 10))?;
        let national_day = day(9, 2)?;
        let joined = match self.national_day_extra {
            NationalDayExtra::Before => day(9, 1)?,
            NationalDayExtra::After => day(9, 3)?,
            NationalDayExtra::Auto => match national_day.weekday() {
                Weekday::Mon | Weekday::Thu => day(9, 3)?,
                _ => day(9, 1)?,
            },
        };

        let first_tet_day = tet.checked_sub_days(Days::new(self.tet_days_before.min(4).into()))?;
        let mut days = vec![DayOff {
            date: day(1, 1)?,
            reason: DayOffReason::NewYear,
        }];
        for offset in 0..5 {
            let date = first_tet_day.checked_add_days(Days::new(offset))?;
            days.push(DayOff {
                date,
                reason: DayOffReason::Tet,
            });
        }
        days.extend([
            DayOff {
                date: hung_kings,
                reason: DayOffReason::HungKings,
            },
            DayOff {
                date: day(4, 30)?,
                reason: DayOffReason::ReunificationDay,
            },
            DayOff {
                date: day(5, 1)?,
                reason: DayOffReason::LabourDay,
            },
            DayOff {
                date: national_day,
                reason: DayOffReason::NationalDay,
            },
            DayOff {
                date: joined,
                reason: DayOffReason::NationalDay,
            },
        ]);
        days.sort_by_key(|d| d.date);
        Some(days)
    }

    /// The compensatory days for `statutory` (sorted by date).
    fn compensatory(&self, statutory: &[DayOff]) -> Vec<DayOff> {
        let mut given: Vec<DayOff> = Vec::new();
        let mut previous = None;
        for holiday in statutory {
            // Two holidays on one date are one day off (see the module comment).
            let repeated = previous.replace(holiday.date) == Some(holiday.date);
            if repeated || !self.is_rest_day(holiday.date.weekday()) {
                continue;
            }
            // Every week has a day that is not a rest day (the spec forbids seven), so this
            // finds one within weeks; the bound only guarantees that the search ends.
            let replacement = holiday.date.iter_days().skip(1).take(366).find(|d| {
                !self.is_rest_day(d.weekday())
                    && !statutory.iter().any(|s| s.date == *d)
                    && !given.iter().any(|g| g.date == *d)
            });
            if let Some(date) = replacement {
                given.push(DayOff {
                    date,
                    reason: DayOffReason::Compensatory {
                        for_date: holiday.date,
                    },
                });
            }
        }
        given
    }
}

#[cfg(test)]
mod tests;
