//! What a tenant installs of a plugin: which version, and which capabilities it grants it.
//!
//! A plugin asks for capabilities in its own manifest; a tenant grants some of them when it
//! installs the plugin (`plugins:` in `tenant.yaml`). Anything not granted is denied.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A host capability a plugin may be granted. Everything else (files, sockets, the
/// environment) is never available.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Log lines kept with the step's record in the dossier history.
    Log,
    /// Read-only access to the dossier (applicant, dates, form, earlier plugin outputs).
    Dossier,
    /// The tenant's reference data (fee tables, administrative units).
    Reference,
    /// HTTP calls to hosts the tenant allow-lists.
    Http,
    /// The real time of day; without it the clock reads the instant the step was requested.
    Clock,
    /// Randomness from a fresh seed for every run; without it the seed follows from the dossier
    /// and the step, so the same request draws the same numbers. The seed is kept in the
    /// history either way, so a replay draws them again.
    Random,
}

impl Capability {
    /// Every capability, in order.
    pub const ALL: [Self; 6] = [
        Self::Log,
        Self::Dossier,
        Self::Reference,
        Self::Http,
        Self::Clock,
        Self::Random,
    ];

    /// The name used in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Log => "log",
            Self::Dossier => "dossier",
            Self::Reference => "reference",
            Self::Http => "http",
            Self::Clock => "clock",
            Self::Random => "random",
        }
    }

    /// The capability named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plugin installed for a tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInstall {
    /// The pin, `<id>@<major>.<minor>.<patch>`.
    pub pin: String,
    /// What the tenant grants it.
    pub grants: Vec<Capability>,
    /// For `http`: the hosts (`host` or `host:port`) it may call.
    pub http_allow: Vec<String>,
}

impl PluginInstall {
    /// The plugin's id (before the `@`).
    pub fn id(&self) -> &str {
        self.pin.split_once('@').map_or(&*self.pin, |(id, _)| id)
    }

    /// The version (after the `@`).
    pub fn version(&self) -> &str {
        self.pin.split_once('@').map_or("", |(_, v)| v)
    }

    /// Whether the tenant grants `capability`.
    pub fn grants(&self, capability: Capability) -> bool {
        self.grants.contains(&capability)
    }
}

/// Whether `pin` has the shape `<id>@<major>.<minor>.<patch>` (id: lowercase letters, digits
/// and `-`).
pub fn is_pin(pin: &str) -> bool {
    pin.split_once('@')
        .is_some_and(|(id, version)| is_id(id) && is_version(version))
}

/// Whether `id` is a plugin id: lowercase letters, digits and `-`, not starting with `-`.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `version` is `<major>.<minor>.<patch>`.
pub fn is_version(version: &str) -> bool {
    version.split('.').count() == 3
        && version
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins() {
        assert!(is_pin("fee-calculator@1.0.0"));
        for bad in [
            "fee",
            "Fee@1.0.0",
            "-x@1.0.0",
            "x@1.0",
            "x@1.0.0-rc",
            "x@1..0",
            "@1.0.0",
        ] {
            assert!(!is_pin(bad), "{bad}");
        }
        let p = PluginInstall {
            pin: "fee-calculator@1.2.3".to_owned(),
            grants: vec![Capability::Log],
            http_allow: vec![],
        };
        assert_eq!((p.id(), p.version()), ("fee-calculator", "1.2.3"));
        assert!(p.grants(Capability::Log) && !p.grants(Capability::Http));
        assert_eq!(Capability::from_name("http"), Some(Capability::Http));
        assert_eq!(Capability::from_name("files"), None);
    }
}
