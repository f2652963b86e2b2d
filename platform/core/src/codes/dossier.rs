//! Dossier codes of Art. 19: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`.
//!
//! The receiving unit's entity code, the date of receipt in Vietnam time, and the unit's 4-digit
//! sequence for that day, from 0001 to 9999. Codes are unique forever: the 10,000th dossier of a
//! unit in a day is an error ([`DossierSequence::new`] refuses it), never a wrap.
//!
//! Two-digit years are read as 2000–2099, the only century in which the platform receives
//! dossiers.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::{CodeError, EntityCode, digits, string_serde};

const EXPECTED: &str = "V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, like 000.00.06.H56-231027-0361";

/// The sequence number of a dossier within its unit and day: 1 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierSequence(u16);

impl DossierSequence {
    /// The largest sequence a unit may issue in a day.
    pub const MAX: u32 = 9999;

    /// `None` for 0 and for anything past [`Self::MAX`]: the day's codes are exhausted.
    pub fn new(n: u32) -> Option<Self> {
        (1..=Self::MAX).contains(&n).then_some(Self(n as u16))
    }

    /// The number.
    pub fn get(self) -> u32 {
        u32::from(self.0)
    }
}

/// A dossier code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierCode {
    unit: EntityCode,
    date: NaiveDate,
    sequence: DossierSequence,
}

impl DossierCode {
    /// Builds a code; `None` when the date is outside 2000–2099.
    pub fn new(unit: EntityCode, date: NaiveDate, sequence: DossierSequence) -> Option<Self> {
        (2000..=2099).contains(&date.year()).then_some(Self {
            unit,
            date,
            sequence,
        })
    }

    /// The receiving unit.
    pub fn unit(&self) -> EntityCode {
        self.unit
    }

    /// The date of receipt (Vietnam time).
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The day's sequence number.
    pub fn sequence(&self) -> DossierSequence {
        self.sequence
    }
}

impl FromStr for DossierCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |reason| CodeError::new("dossier code", EXPECTED, s.trim(), reason);
        let s = s.trim();
        let mut parts = s.split('-');
        let (Some(unit), Some(date), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err("it must have three parts separated by dashes"));
        };
        let unit = unit
            .parse::<EntityCode>()
            .map_err(|_| err("the first part must be an entity code like 000.00.06.H56"))?;
        let ymd = digits(date, 6).ok_or_else(|| err("the date must be six digits YYMMDD"))?;
        let date =
            NaiveDate::from_ymd_opt(2000 + (ymd / 10_000) as i32, ymd / 100 % 100, ymd % 100)
                .ok_or_else(|| err("the date YYMMDD is not a calendar date"))?;
        let sequence = digits(seq, 4)
            .and_then(DossierSequence::new)
            .ok_or_else(|| err("the sequence must be four digits from 0001 to 9999"))?;
        Ok(Self {
            unit,
            date,
            sequence,
        })
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}{:02}{:02}-{:04}",
            self.unit,
            self.date.year() % 100,
            self.date.month(),
            self.date.day(),
            self.sequence.0
        )
    }
}

impl fmt::Debug for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DossierCode({self})")
    }
}

string_serde!(DossierCode, "a dossier code like 000.00.06.H56-231027-0361");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::entity::tests::entity;
    use proptest::prelude::*;

    #[test]
    fn parses_the_example_of_the_circular() {
        let code: DossierCode = "000.00.06.H56-231027-0361".parse().unwrap();
        assert_eq!(code.unit().to_string(), "000.00.06.H56");
        assert_eq!(code.date(), NaiveDate::from_ymd_opt(2023, 10, 27).unwrap());
        assert_eq!(code.sequence().get(), 361);
        assert_eq!(code.to_string(), "000.00.06.H56-231027-0361");
        assert_eq!(
            " 000.00.06.H56-231027-0361\n"
                .parse::<DossierCode>()
                .unwrap(),
            code
        );
    }

    #[test]
    fn the_sequence_stops_at_9999() {
        assert!(DossierSequence::new(0).is_none());
        assert_eq!(DossierSequence::new(9999).unwrap().get(), 9999);
        assert!(DossierSequence::new(10_000).is_none());
    }

    #[test]
    fn rejects_malformed_codes() {
        for (s, reason) in [
            ("000.00.06.H56-231027", "three parts"),
            ("000.00.06.H56-231027-0361-1", "three parts"),
            ("000.00.6.H56-231027-0361", "entity code"),
            ("000.00.06.H56-231327-0361", "not a calendar date"),
            ("000.00.06.H56-230229-0361", "not a calendar date"),
            ("000.00.06.H56-23102-0361", "six digits"),
            ("000.00.06.H56-231027-0000", "0001 to 9999"),
            ("000.00.06.H56-231027-361", "0001 to 9999"),
            ("000.00.06.H56-231027-10000", "0001 to 9999"),
        ] {
            let err = s.parse::<DossierCode>().unwrap_err();
            assert!(err.to_string().contains(reason), "{s}: {err}");
        }
    }

    fn dossier() -> impl Strategy<Value = DossierCode> {
        (entity(), 0i64..36_500, 1u32..=9999).prop_map(|(unit, days, seq)| {
            let date =
                NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(days as u64);
            DossierCode::new(unit, date, DossierSequence::new(seq).unwrap()).unwrap()
        })
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(code in dossier()) {
            prop_assert_eq!(code.to_string().parse::<DossierCode>().unwrap(), code);
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in "\\PC{0,40}") {
            let _ = s.parse::<DossierCode>();
        }

        #[test]
        fn never_panics_on_near_misses(s in "[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4}") {
            if let Ok(code) = s.parse::<DossierCode>() {
                prop_assert_eq!(code.to_string(), s);
            }
        }
    }
}
