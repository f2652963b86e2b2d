//! Sector codes of Art. 20: `MX1X2-LV`, e.g. `G03-GD10` or `G15-TP14`.
//!
//! `MX1X2` is the level-1 code of the ministry that governs the sector and `LV` the sector within
//! it: one to four capital letters followed by one to three digits, written as the national
//! procedure database writes them (leading zeros kept).

use std::fmt;
use std::str::FromStr;

use super::{CodeError, Level1Code, string_serde};

const EXPECTED: &str = "MX1X2-LV, like G15-TP14";

/// A sector (lĩnh vực) code.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectorCode {
    ministry: Level1Code,
    field: Box<str>,
}

impl SectorCode {
    /// The ministry that governs the sector.
    pub fn ministry(&self) -> Level1Code {
        self.ministry
    }

    /// The sector within the ministry (`TP14`).
    pub fn field(&self) -> &str {
        &self.field
    }
}

impl FromStr for SectorCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |reason| CodeError::new("sector code", EXPECTED, s, reason);
        let (ministry, field) = s
            .split_once('-')
            .ok_or_else(|| err("it must have two parts separated by a dash"))?;
        let ministry = ministry
            .parse::<Level1Code>()
            .map_err(|_| err("the first part must be a level-1 code like G15"))?;
        let letters = field.bytes().take_while(u8::is_ascii_uppercase).count();
        let numbers = &field[letters..];
        if !(1..=4).contains(&letters)
            || !(1..=3).contains(&numbers.len())
            || !numbers.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err(
                "the second part must be one to four capital letters followed by one to three digits",
            ));
        }
        Ok(Self {
            ministry,
            field: field.into(),
        })
    }
}

impl fmt::Display for SectorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ministry, self.field)
    }
}

impl fmt::Debug for SectorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SectorCode({self})")
    }
}

string_serde!(
    SectorCode,
    "a sector code like G15-TP14",
    pattern = "^[A-Z][0-9]{2}-[A-Z]{1,4}[0-9]{1,3}$"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_examples_of_the_circular() {
        for s in ["G03-GD10", "G15-TP14", "H56-TP01"] {
            assert_eq!(s.parse::<SectorCode>().unwrap().to_string(), s);
        }
        let code: SectorCode = "G15-TP14".parse().unwrap();
        assert_eq!(code.ministry().to_string(), "G15");
        assert_eq!(code.field(), "TP14");
    }

    #[test]
    fn rejects_malformed_codes() {
        for s in [
            "G15",
            "G15-",
            "G15-14",
            "G15-TP",
            "g15-TP14",
            "G15-TPXYZ1",
            "G15-TP1234",
            "G15-TP-14",
            "G15-tp14",
        ] {
            assert!(s.parse::<SectorCode>().is_err(), "{s}");
        }
    }

    proptest! {
        #[test]
        fn parse_then_format_is_identity(s in "[A-Z][0-9]{2}-[A-Z]{1,4}[0-9]{1,3}") {
            prop_assert_eq!(s.parse::<SectorCode>().unwrap().to_string(), s);
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in "\\PC{0,20}") {
            let _ = s.parse::<SectorCode>();
        }
    }
}
