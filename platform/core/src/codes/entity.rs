//! Entity codes of QCVN 102:2016: `V1V2V3.Z1Z2.Y1Y2.MX1X2`.
//!
//! `MX1X2` is the level-1 body (a letter and two digits: `G` ministries and government bodies,
//! `H` provincial People's Committees, `K` provincial People's Councils), `Y1Y2` level 2,
//! `Z1Z2` level 3, `V1V2V3` level 4; unused levels are zeros. The letter is not restricted to
//! G/H/K: the standard has others and new ones appear when bodies are reorganised.

use std::fmt;
use std::str::FromStr;

use super::{CodeError, digits, string_serde};

const L1_EXPECTED: &str = "a capital letter and two digits, like H56";
const ENTITY_EXPECTED: &str = "V1V2V3.Z1Z2.Y1Y2.MX1X2, like 000.00.06.H56";

/// The level-1 body of an entity code, e.g. `H56` (Thanh Hóa) or `G12` (Ministry of Finance).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Level1Code {
    letter: u8,
    number: u8,
}

impl Level1Code {
    /// The letter (`G`, `H`, `K`, ...).
    pub fn letter(self) -> char {
        char::from(self.letter)
    }

    /// The two-digit number.
    pub fn number(self) -> u8 {
        self.number
    }
}

impl FromStr for Level1Code {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |reason| CodeError::new("level-1 entity code", L1_EXPECTED, s, reason);
        let bytes = s.as_bytes();
        if bytes.len() != 3 {
            return Err(err("it must be exactly three characters"));
        }
        if !bytes[0].is_ascii_uppercase() {
            return Err(err("it must start with a capital letter"));
        }
        let number =
            digits(&s[1..], 2).ok_or_else(|| err("the letter must be followed by two digits"))?;
        Ok(Self {
            letter: bytes[0],
            number: number as u8,
        })
    }
}

impl fmt::Display for Level1Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:02}", self.letter(), self.number)
    }
}

impl fmt::Debug for Level1Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Level1Code({self})")
    }
}

string_serde!(
    Level1Code,
    "a level-1 entity code like H56",
    pattern = "^[A-Z][0-9]{2}$"
);

/// A full entity code identifying an agency or unit, e.g. `000.00.06.H56`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityCode {
    level1: Level1Code,
    level2: u8,
    level3: u8,
    level4: u16,
}

impl EntityCode {
    /// Builds a code from its levels; `None` when a level is out of its range.
    pub fn new(level1: Level1Code, level2: u8, level3: u8, level4: u16) -> Option<Self> {
        (level2 <= 99 && level3 <= 99 && level4 <= 999).then_some(Self {
            level1,
            level2,
            level3,
            level4,
        })
    }

    /// The level-1 body (`H56`).
    pub fn level1(self) -> Level1Code {
        self.level1
    }

    /// Level 2 (`Y1Y2`), 0 when unused.
    pub fn level2(self) -> u8 {
        self.level2
    }

    /// Level 3 (`Z1Z2`), 0 when unused.
    pub fn level3(self) -> u8 {
        self.level3
    }

    /// Level 4 (`V1V2V3`), 0 when unused.
    pub fn level4(self) -> u16 {
        self.level4
    }

    /// The code of the level-1 body itself: `000.00.00.H56`.
    pub fn of_level1(level1: Level1Code) -> Self {
        Self {
            level1,
            level2: 0,
            level3: 0,
            level4: 0,
        }
    }
}

impl FromStr for EntityCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |reason| CodeError::new("entity code", ENTITY_EXPECTED, s, reason);
        let mut parts = s.split('.');
        let (Some(v), Some(z), Some(y), Some(m), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(err("it must have four parts separated by dots"));
        };
        let level4 = digits(v, 3).ok_or_else(|| err("the first part must be three digits"))?;
        let level3 = digits(z, 2).ok_or_else(|| err("the second part must be two digits"))?;
        let level2 = digits(y, 2).ok_or_else(|| err("the third part must be two digits"))?;
        let level1 = m
            .parse::<Level1Code>()
            .map_err(|_| err("the last part must be a capital letter and two digits"))?;
        Ok(Self {
            level1,
            level2: level2 as u8,
            level3: level3 as u8,
            level4: level4 as u16,
        })
    }
}

impl fmt::Display for EntityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:03}.{:02}.{:02}.{}",
            self.level4, self.level3, self.level2, self.level1
        )
    }
}

impl fmt::Debug for EntityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntityCode({self})")
    }
}

string_serde!(
    EntityCode,
    "an entity code like 000.00.06.H56",
    pattern = "^[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}$"
);

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_examples_of_the_circular() {
        for s in [
            "000.00.00.G22",
            "000.00.00.G12",
            "000.00.18.G12",
            "000.00.00.H29",
            "000.00.06.H56",
        ] {
            let code: EntityCode = s.parse().unwrap();
            assert_eq!(code.to_string(), s);
        }
        let tax: EntityCode = "000.00.18.G12".parse().unwrap();
        assert_eq!(tax.level2(), 18);
        assert_eq!(tax.level1().to_string(), "G12");
        assert_eq!(
            EntityCode::of_level1(tax.level1()).to_string(),
            "000.00.00.G12"
        );
    }

    #[test]
    fn rejects_malformed_codes_with_a_reason() {
        for (s, reason) in [
            ("", "four parts"),
            ("000.00.06", "four parts"),
            ("000.00.06.H56.1", "four parts"),
            ("00.00.06.H56", "three digits"),
            ("000.0a.06.H56", "two digits"),
            ("000.00.6.H56", "two digits"),
            ("000.00.06.h56", "capital letter"),
            ("000.00.06.H5", "capital letter"),
            ("000.00.06.Ħ56", "capital letter"),
            ("+00.00.06.H56", "three digits"),
        ] {
            let err = s.parse::<EntityCode>().unwrap_err();
            assert!(err.to_string().contains(reason), "{s}: {err}");
        }
    }

    pub(crate) fn level1() -> impl Strategy<Value = Level1Code> {
        (b'A'..=b'Z', 0u8..=99).prop_map(|(letter, number)| Level1Code { letter, number })
    }

    pub(crate) fn entity() -> impl Strategy<Value = EntityCode> {
        (level1(), 0u8..=99, 0u8..=99, 0u16..=999)
            .prop_map(|(l1, l2, l3, l4)| EntityCode::new(l1, l2, l3, l4).unwrap())
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(code in entity()) {
            prop_assert_eq!(code.to_string().parse::<EntityCode>().unwrap(), code);
        }

        #[test]
        fn parse_then_format_is_identity(s in "[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}") {
            prop_assert_eq!(s.parse::<EntityCode>().unwrap().to_string(), s);
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in "\\PC{0,30}") {
            let _ = s.parse::<EntityCode>();
        }
    }
}
