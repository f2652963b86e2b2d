//! Names used inside procedure files: identifiers that expressions can use, and plugin pins.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;

/// An identifier usable in expressions (`form.child_name`): a lowercase letter, then lowercase
/// letters, digits and underscores. Form fields, roles and plugin outcomes are named so.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident(Box<str>);

impl Ident {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Ident {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut bytes = s.bytes();
        let ok = s.len() <= 64
            && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
            && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(s.into()))
        } else {
            Err(format!(
                "`{s}` is not a valid name: start with a lowercase letter, then lowercase letters, digits and underscores (e.g. `child_name`)"
            ))
        }
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ident({})", self.0)
    }
}

/// A plugin pinned to a version: `fee-calculator@1.2.0`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PluginRef {
    /// The plugin's id.
    pub id: String,
    /// Its exact version, `major.minor.patch`.
    pub version: (u32, u32, u32),
}

impl FromStr for PluginRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{s}` is not a plugin pin: write `<id>@<major>.<minor>.<patch>`, e.g. `fee-calculator@1.0.0`"
            )
        };
        let (id, version) = s.split_once('@').ok_or_else(bad)?;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !id.starts_with('-');
        let mut parts = version.split('.').map(|p| {
            (!p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        });
        match (
            id_ok,
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            (true, Some(Some(a)), Some(Some(b)), Some(Some(c)), None) => Ok(Self {
                id: id.to_owned(),
                version: (a, b, c),
            }),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for PluginRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b, c) = self.version;
        write!(f, "{}@{a}.{b}.{c}", self.id)
    }
}

impl fmt::Debug for PluginRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PluginRef({self})")
    }
}

macro_rules! string_schema {
    ($ty:ty, $what:literal, $pattern:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $what, "pattern": $pattern })
            }
        }
    };
}

string_schema!(
    Ident,
    "a name: lowercase letters, digits and underscores",
    "^[a-z][a-z0-9_]*$"
);
string_schema!(
    PluginRef,
    "a plugin pinned to a version, like fee-calculator@1.0.0",
    "^[a-z0-9][a-z0-9-]*@[0-9]+\\.[0-9]+\\.[0-9]+$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents_and_plugin_pins() {
        assert!("child_name".parse::<Ident>().is_ok());
        assert!("Child".parse::<Ident>().is_err());
        assert!("1child".parse::<Ident>().is_err());
        assert!("child-name".parse::<Ident>().is_err());
        let p: PluginRef = "fee-calculator@1.2.3".parse().unwrap();
        assert_eq!((p.id.as_str(), p.version), ("fee-calculator", (1, 2, 3)));
        assert_eq!(p.to_string(), "fee-calculator@1.2.3");
        for bad in [
            "fee-calculator",
            "fee@1.2",
            "fee@1.2.3.4",
            "@1.0.0",
            "Fee@1.0.0",
            "fee@1.x.0",
        ] {
            assert!(bad.parse::<PluginRef>().is_err(), "{bad}");
        }
    }
}
