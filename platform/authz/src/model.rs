//! The vocabulary of authorization: objects (domain nouns), actions (their verbs), the
//! permissions that pair them, the roles every tenant shares, and the casbin model and role
//! templates from `policies/`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The casbin model (`policies/model.conf`).
pub const MODEL: &str = include_str!("../../../policies/model.conf");

/// The role templates (`policies/roles.csv`): `p, role, object, action` lines.
pub const ROLE_TEMPLATES: &str = include_str!("../../../policies/roles.csv");

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The name used in policies and APIs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        kind: stringify!($name),
                        name: s.to_owned(),
                        known: &[$($text),+],
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A name that is not in the vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{name}` (known: {})", known.join(", "))]
pub struct UnknownName {
    /// What kind of name.
    pub kind: &'static str,
    /// The name given.
    pub name: String,
    /// The names there are.
    pub known: &'static [&'static str],
}

vocabulary! {
    /// What is acted on.
    Object {
        /// A dossier, in the division that holds it.
        Dossier = "dossier",
        /// A procedure's public information and e-form.
        Procedure = "procedure",
        /// A procedure's workflow and its versions.
        Workflow = "workflow",
        /// Plugins: published versions and the tenant's installs.
        Plugin = "plugin",
        /// Statistics and reports.
        Report = "report",
        /// Role assignments.
        Policy = "policy",
        /// The tenant's own settings.
        Tenant = "tenant",
        /// Officials' accounts and API tokens.
        Account = "account",
        /// Citizens' questions, complaints and ratings.
        Feedback = "feedback",
    }
}

vocabulary! {
    /// What is done.
    Action {
        /// See it.
        View = "view",
        /// Receive a dossier at the one-stop desk.
        Receive = "receive",
        /// Handle a workflow step.
        Handle = "handle",
        /// Assign or reassign handlers.
        Assign = "assign",
        /// Approve or sign.
        Approve = "approve",
        /// Change it.
        Edit = "edit",
        /// Publish a new version.
        Publish = "publish",
        /// Try a workflow on sample dossiers.
        Simulate = "simulate",
        /// Move dossiers in flight to a new version.
        Migrate = "migrate",
        /// Install a plugin version for the tenant.
        Install = "install",
        /// Export it.
        Export = "export",
        /// Create, disable and reset accounts and tokens.
        Manage = "manage",
        /// Answer a question or complaint.
        Answer = "answer",
    }
}

vocabulary! {
    /// The role templates every tenant shares (`policies/roles.csv`).
    Role {
        /// Bộ phận Một cửa: receives dossiers.
        Receiver = "receiver",
        /// Chuyên viên: handles steps.
        Specialist = "specialist",
        /// Lãnh đạo phòng: assigns, handles, approves.
        DivisionHead = "division_head",
        /// Lãnh đạo cơ quan: signs, follows all divisions.
        AgencyLeader = "agency_leader",
        /// Quản trị hệ thống: accounts, roles, settings.
        TenantAdmin = "tenant_admin",
        /// Thiết kế quy trình: procedures and workflows.
        Designer = "designer",
        /// Phát triển plugin: plugin versions.
        PluginDeveloper = "plugin_developer",
        /// Xem báo cáo: statistics and reports.
        ReportViewer = "report_viewer",
    }
}

/// An action on an object: what a policy grants and a handler asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Permission {
    /// The object.
    pub object: Object,
    /// The action.
    pub action: Action,
}

impl Permission {
    /// `action` on `object`.
    pub const fn new(object: Object, action: Action) -> Self {
        Self { object, action }
    }

    /// Its bit in a compiled permission set (objects × actions fit in 128 bits).
    pub(crate) fn bit(self) -> u128 {
        let i = self.object as usize * Action::ALL.len() + self.action as usize;
        1u128 << i
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.object, self.action)
    }
}

impl FromStr for Permission {
    type Err = UnknownName;

    /// Parses `object:action`.
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        let (object, action) = s.split_once(':').ok_or_else(|| UnknownName {
            kind: "permission",
            name: s.to_owned(),
            known: &["<object>:<action>"],
        })?;
        Ok(Self::new(object.parse()?, action.parse()?))
    }
}

impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The permission rules of the role templates, parsed once and checked against the vocabulary.
///
/// # Panics
/// Never for the shipped file: a test parses it, so a bad line fails the build's tests.
pub fn templates() -> &'static [(Role, Permission)] {
    static PARSED: std::sync::LazyLock<Vec<(Role, Permission)>> = std::sync::LazyLock::new(|| {
        parse_templates(ROLE_TEMPLATES).expect("policies/roles.csv is valid")
    });
    &PARSED
}

/// Parses role template lines (`p, role, object, action`; `#` comments and blank lines skipped).
pub fn parse_templates(text: &str) -> Result<Vec<(Role, Permission)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [ptype, role, object, action] = fields[..] else {
            return Err(format!(
                "line {}: expected `p, role, object, action`",
                n + 1
            ));
        };
        if ptype != "p" {
            return Err(format!(
                "line {}: only `p` rules belong in role templates",
                n + 1
            ));
        }
        let parsed = (|| -> Result<_, UnknownName> {
            Ok((
                role.parse::<Role>()?,
                Permission::new(object.parse()?, action.parse()?),
            ))
        })()
        .map_err(|e| format!("line {}: {e}", n + 1))?;
        if out.contains(&parsed) {
            return Err(format!("line {}: repeated", n + 1));
        }
        out.push(parsed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_templates_parse_and_give_every_role_a_permission() {
        let t = templates();
        for role in Role::ALL {
            assert!(t.iter().any(|(r, _)| r == role), "{role} has no permission");
        }
    }

    #[test]
    fn permissions_read_back_what_they_print() {
        for object in Object::ALL {
            for action in Action::ALL {
                let p = Permission::new(*object, *action);
                assert_eq!(p.to_string().parse::<Permission>(), Ok(p));
            }
        }
        assert!("dossier".parse::<Permission>().is_err());
        assert!("dossier:fly".parse::<Permission>().is_err());
    }

    #[test]
    fn every_permission_has_its_own_bit() {
        let mut seen = 0u128;
        for object in Object::ALL {
            for action in Action::ALL {
                let bit = Permission::new(*object, *action).bit();
                assert_eq!(seen & bit, 0);
                seen |= bit;
            }
        }
    }

    #[test]
    fn bad_template_lines_are_refused_with_their_line() {
        assert!(
            parse_templates("p, receiver, dossier\n")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            parse_templates("# c\ng, a, b, c\n")
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            parse_templates("p, clerk, dossier, view\n")
                .unwrap_err()
                .contains("unknown Role `clerk`")
        );
    }
}
