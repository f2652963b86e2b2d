//! The codes of the Circular, as validated newtypes: entity codes (QCVN 102:2016), sector codes
//! (Art. 20) and dossier codes (Art. 19).
//!
//! Every code is parsed once at the edge (`FromStr`) and carried as its type afterwards, so a
//! malformed code cannot reach storage. `Display` writes the canonical form and
//! `parse(format(x)) == x` holds for every value (property-tested). Codes serialize as their
//! canonical strings.

mod dossier;
mod entity;
mod sector;

pub use dossier::{DossierCode, DossierSequence};
pub use entity::{EntityCode, Level1Code};
pub use sector::SectorCode;

/// Why a code could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid {kind}: {reason} (expected {expected})")]
pub struct CodeError {
    /// What was being parsed, e.g. "entity code".
    pub kind: &'static str,
    /// The input, truncated to a readable length.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
    /// The expected shape with an example.
    pub expected: &'static str,
}

impl CodeError {
    pub(crate) fn new(
        kind: &'static str,
        expected: &'static str,
        input: &str,
        reason: &'static str,
    ) -> Self {
        let input: String = input.chars().take(60).collect();
        Self {
            kind,
            input,
            reason,
            expected,
        }
    }
}

/// Parses exactly `n` ASCII digits.
pub(crate) fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Implements `Serialize`/`Deserialize` through the canonical string form, and describes it as a
/// string in JSON Schema (with a pattern when one is given), so that editors can complete and
/// check it.
macro_rules! string_serde {
    ($ty:ty, $what:literal) => {
        $crate::codes::string_serde!($ty, $what, None::<&str>);
    };
    ($ty:ty, $what:literal, pattern = $pattern:literal) => {
        $crate::codes::string_serde!($ty, $what, Some($pattern));
    };
    ($ty:ty, $what:literal, $pattern:expr) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl schemars::JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = schemars::json_schema!({ "type": "string", "description": $what });
                if let Some(pattern) = $pattern {
                    schema.insert("pattern".to_owned(), pattern.into());
                }
                schema
            }
        }
    };
}
pub(crate) use string_serde;
