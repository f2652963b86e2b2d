//! Tenants: the provinces and ministries that run their public services on the platform.
//!
//! A tenant is declared in `tenants/<slug>/tenant.yaml` (see `docs/tenant-onboarding.md`); this
//! module holds the validated form of that manifest and the rules derived from it, above all the
//! domain names of Art. 16.1: `dichvucong.<name>.gov.vn` in Vietnamese and
//! `e-services.<english-name>.gov.vn` in English. Nothing here assumes that a tenant's codes, names
//! or domains never change: provinces merge, rename and re-code.

mod assets;
mod bundle;
mod manifest;
mod names;

use serde::Serialize;

use crate::calendar::CalendarSpec;
use crate::codes::{EntityCode, Level1Code};
use crate::lang::{Lang, Text};

pub use assets::{MAX_TEMPLATE_BYTES, TEMPLATES_DIR, Template, TemplateFile};
pub use bundle::{Logo, MAX_LOGO_BYTES, PROCEDURES_DIR, ProcedureSource, SourceFile, TenantBundle};
pub use manifest::{MANIFEST_FILE, parse_manifest};
pub use names::{Color, DnsLabel, Email, HostName, Key, NameError, Phone, Slug};

/// What kind of body the tenant is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    /// A province.
    Province,
    /// A centrally governed city (Hà Nội, Hồ Chí Minh City, ...).
    City,
    /// A ministry.
    Ministry,
    /// A ministry-level or government agency.
    Agency,
}

/// A validated tenant manifest.
#[derive(Clone, Debug, Serialize)]
pub struct TenantManifest {
    /// Identity in commands and the directory name.
    pub slug: Slug,
    /// Province, city, ministry or agency.
    pub kind: TenantKind,
    /// The full name, e.g. "Ủy ban nhân dân tỉnh Thanh Hóa".
    pub name: Text,
    /// The short name used in page titles, e.g. "Thanh Hóa".
    pub short_name: Text,
    /// The level-1 entity code (`MX1X2`).
    pub entity_code: Level1Code,
    /// Domain names.
    pub domains: Domains,
    /// Divisions, at least one of them a one-stop desk.
    pub divisions: Vec<Division>,
    /// The working calendar.
    pub calendar: CalendarSpec,
    /// The plugins the tenant has installed, pinned (`fee-calculator@1.0.0`), with what it
    /// grants them; procedures may use these only.
    pub plugins: Vec<crate::plugin::PluginInstall>,
    /// Reference data plugins granted `reference` may read: fee tables, administrative units.
    pub reference: std::collections::BTreeMap<Key, serde_json::Value>,
    /// Logo, colours and contact details.
    pub branding: Branding,
    /// Officials' sign-in through the tenant's own OpenID provider, when configured.
    pub official_sign_in: Option<OfficialSignIn>,
}

/// `official_sign_in:`: officials sign in through the tenant's own OpenID provider (its client
/// secret is platform configuration, never in the manifest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OfficialSignIn {
    /// The provider's name on the sign-in button ("Đăng nhập bằng tài khoản <name>").
    pub name: Text,
    /// The provider's issuer identifier (https; http only on loopback, for tests).
    pub issuer: String,
    /// The platform's client id at the provider.
    pub client_id: String,
    /// The claim (ID token or userinfo) naming the official: compared with the account's
    /// username, or with its e-mail address when the claim is `email`.
    pub account_claim: String,
    /// Levels of assurance to request; empty requests none and accepts any.
    pub acr_values: Vec<String>,
    /// Whether officials may still sign in with their tenant password beside the provider.
    pub password_sign_in: bool,
}

impl TenantManifest {
    /// The division with `key`.
    pub fn division(&self, key: &str) -> Option<&Division> {
        self.divisions.iter().find(|d| d.key.as_str() == key)
    }

    /// The one-stop desk that receives dossiers unless a procedure names another.
    pub fn default_desk(&self) -> &Division {
        // The manifest is refused unless at least one division is a one-stop desk.
        self.divisions
            .iter()
            .find(|d| d.one_stop)
            .unwrap_or(&self.divisions[0])
    }

    /// The entity code of the tenant itself (`000.00.00.H56`).
    pub fn entity(&self) -> EntityCode {
        EntityCode::of_level1(self.entity_code)
    }
}

/// A division (phòng ban, sở, đơn vị) of the tenant.
#[derive(Clone, Debug, Serialize)]
pub struct Division {
    /// Key used by procedures and policies, e.g. `tu-phap`.
    pub key: Key,
    /// Its full entity code.
    pub code: EntityCode,
    /// Its name.
    pub name: Text,
    /// Whether it is a one-stop desk (Bộ phận Một cửa) that receives dossiers.
    pub one_stop: bool,
}

/// The domain names of a tenant (Art. 16.1).
#[derive(Clone, Debug, Serialize)]
pub struct Domains {
    /// The `<name>` of `dichvucong.<name>.gov.vn`.
    pub name: DnsLabel,
    /// The `<english-name>` of `e-services.<english-name>.gov.vn`.
    pub english_name: DnsLabel,
    /// Other names that redirect to the primary hosts.
    pub aliases: Vec<Alias>,
}

/// A name under which the tenant is also reached; requests there redirect to the primary host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Alias {
    /// Another name, giving both `dichvucong.<name>.<suffix>` and `e-services.<name>.<suffix>`
    /// (e.g. the name of a province merged into this one).
    Name {
        /// The name.
        name: DnsLabel,
    },
    /// A full host name in one language, used as it is whatever the suffix.
    Host {
        /// The host.
        host: HostName,
        /// Its language.
        lang: Lang,
    },
}

/// The domain suffix that names are placed under: `gov.vn` in production, `localhost` in
/// development so that `dichvucong.thanhhoa.localhost:8080` reaches a local server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainSuffix(HostName);

impl DomainSuffix {
    /// The production suffix of Art. 16.1.
    pub fn production() -> Self {
        Self("gov.vn".parse().expect("gov.vn is a host name"))
    }

    /// The development suffix.
    pub fn development() -> Self {
        Self("localhost".parse().expect("localhost is a host name"))
    }

    /// The suffix text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl std::str::FromStr for DomainSuffix {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Ok(Self(s.trim_matches('.').parse()?))
    }
}

/// The prefix of the Vietnamese host.
pub const VI_PREFIX: &str = "dichvucong";
/// The prefix of the English host.
pub const EN_PREFIX: &str = "e-services";
/// The prefix of the officials' host, where the one-stop system runs (in Vietnamese).
pub const STAFF_PREFIX: &str = "motcua";

/// Which of the tenant's two systems a host serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// The public service portal of Art. 16, for citizens and businesses.
    Portal,
    /// The internal one-stop system of Art. 17, for officials.
    OneStop,
}

/// A host a tenant answers on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostBinding {
    /// The host, lowercase, without port.
    pub host: String,
    /// The language of the pages served there.
    pub lang: Lang,
    /// `true` for the primary hosts; aliases redirect to the primary host of their language and
    /// system.
    pub primary: bool,
    /// The system served there.
    pub system: System,
}

impl Domains {
    /// The primary host for a language: `dichvucong.thanhhoa.gov.vn`.
    pub fn primary_host(&self, lang: Lang, suffix: &DomainSuffix) -> String {
        match lang {
            Lang::Vi => format!("{VI_PREFIX}.{}.{}", self.name, suffix.as_str()),
            Lang::En => format!("{EN_PREFIX}.{}.{}", self.english_name, suffix.as_str()),
        }
    }

    /// The officials' host: `motcua.thanhhoa.gov.vn`.
    pub fn staff_host(&self, suffix: &DomainSuffix) -> String {
        format!("{STAFF_PREFIX}.{}.{}", self.name, suffix.as_str())
    }

    /// Every host of the tenant under `suffix`, primary hosts first.
    pub fn hosts(&self, suffix: &DomainSuffix) -> Vec<HostBinding> {
        let portal = |host, lang, primary| HostBinding {
            host,
            lang,
            primary,
            system: System::Portal,
        };
        let staff = |host, primary| HostBinding {
            host,
            lang: Lang::Vi,
            primary,
            system: System::OneStop,
        };
        let mut hosts = vec![
            portal(self.primary_host(Lang::Vi, suffix), Lang::Vi, true),
            portal(self.primary_host(Lang::En, suffix), Lang::En, true),
            staff(self.staff_host(suffix), true),
        ];
        for alias in &self.aliases {
            match alias {
                Alias::Name { name } => {
                    for (prefix, lang) in [(VI_PREFIX, Lang::Vi), (EN_PREFIX, Lang::En)] {
                        hosts.push(portal(
                            format!("{prefix}.{name}.{}", suffix.as_str()),
                            lang,
                            false,
                        ));
                    }
                    hosts.push(staff(
                        format!("{STAFF_PREFIX}.{name}.{}", suffix.as_str()),
                        false,
                    ));
                }
                Alias::Host { host, lang } => hosts.push(portal(host.to_string(), *lang, false)),
            }
        }
        hosts
    }
}

/// Logo, colours and contact details shown on the tenant's pages.
#[derive(Clone, Debug, Serialize)]
pub struct Branding {
    /// The logo file, relative to the tenant directory (SVG or PNG).
    pub logo: Option<String>,
    /// The main colour (header, buttons).
    pub primary_color: Color,
    /// The accent colour (links, highlights).
    pub accent_color: Color,
    /// How to reach the tenant.
    pub contact: Contact,
}

/// Contact details.
#[derive(Clone, Debug, Serialize)]
pub struct Contact {
    /// Postal address.
    pub address: Text,
    /// Telephone (hotline).
    pub phone: Phone,
    /// E-mail.
    pub email: Email,
}

/// A valid manifest for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn sample() -> TenantManifest {
    parse_manifest("tenant.yaml", manifest::tests::VALID, None).expect("the sample is valid")
}

/// The text of [`sample`].
#[cfg(test)]
pub(crate) fn manifest_tests_valid() -> &'static str {
    manifest::tests::VALID
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Domains {
        Domains {
            name: "thanhhoa".parse().unwrap(),
            english_name: "thanhhoa".parse().unwrap(),
            aliases: vec![
                Alias::Name {
                    name: "hanam".parse().unwrap(),
                },
                Alias::Host {
                    host: "dvc.thanhhoa.gov.vn".parse().unwrap(),
                    lang: Lang::Vi,
                },
            ],
        }
    }

    #[test]
    fn hosts_follow_article_16_1() {
        let d = domains();
        let prod = DomainSuffix::production();
        assert_eq!(
            d.primary_host(Lang::Vi, &prod),
            "dichvucong.thanhhoa.gov.vn"
        );
        assert_eq!(
            d.primary_host(Lang::En, &prod),
            "e-services.thanhhoa.gov.vn"
        );
        assert_eq!(d.staff_host(&prod), "motcua.thanhhoa.gov.vn");
        let dev = DomainSuffix::development();
        let hosts: Vec<_> = d
            .hosts(&dev)
            .into_iter()
            .map(|h| (h.host, h.lang, h.primary, h.system))
            .collect();
        let (p, s) = (System::Portal, System::OneStop);
        assert_eq!(
            hosts,
            vec![
                (
                    "dichvucong.thanhhoa.localhost".to_owned(),
                    Lang::Vi,
                    true,
                    p
                ),
                (
                    "e-services.thanhhoa.localhost".to_owned(),
                    Lang::En,
                    true,
                    p
                ),
                ("motcua.thanhhoa.localhost".to_owned(), Lang::Vi, true, s),
                ("dichvucong.hanam.localhost".to_owned(), Lang::Vi, false, p),
                ("e-services.hanam.localhost".to_owned(), Lang::En, false, p),
                ("motcua.hanam.localhost".to_owned(), Lang::Vi, false, s),
                ("dvc.thanhhoa.gov.vn".to_owned(), Lang::Vi, false, p),
            ]
        );
        assert_eq!(".gov.vn.".parse::<DomainSuffix>().unwrap(), prod);
    }
}
