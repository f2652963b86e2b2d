//! Reading `tenant.yaml`: the YAML shape (strict: unknown keys are errors) and the checks that
//! need more than one value, each reported at the line and column of the value at fault.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::{
    Alias, Branding, Color, Contact, Division, DnsLabel, Domains, Email, HostName, Key, Phone,
    Slug, TenantKind, TenantManifest,
};
use crate::calendar::{CalendarSpec, WorkingCalendar};
use crate::codes::{EntityCode, Level1Code};
use crate::diagnostic::{Diagnostics, Report, Spanned, parse_yaml};
use crate::lang::{Lang, Text};
use crate::plugin::{Capability, PluginInstall, is_pin};

/// The manifest's file name inside a tenant directory.
pub const MANIFEST_FILE: &str = "tenant.yaml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    slug: Spanned<Slug>,
    kind: TenantKind,
    name: Text,
    short_name: Text,
    entity_code: Level1Code,
    domains: RawDomains,
    divisions: Spanned<Vec<RawDivision>>,
    #[serde(default)]
    calendar: Option<Spanned<CalendarSpec>>,
    branding: RawBranding,
    #[serde(default)]
    plugins: Vec<Spanned<RawPlugin>>,
    #[serde(default)]
    reference: BTreeMap<Key, serde_json::Value>,
    #[serde(default)]
    official_sign_in: Option<official_sign_in::RawOfficialSignIn>,
}

/// `plugins:` entries: `{ use: fee-calculator@1.0.0, grant: [log, reference] }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    #[serde(rename = "use")]
    pin: Spanned<String>,
    #[serde(default)]
    grant: Vec<Capability>,
    #[serde(default)]
    http: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomains {
    name: Spanned<DnsLabel>,
    english_name: Spanned<DnsLabel>,
    #[serde(default)]
    aliases: Vec<Spanned<RawAlias>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlias {
    #[serde(default)]
    name: Option<DnsLabel>,
    #[serde(default)]
    host: Option<HostName>,
    #[serde(default)]
    lang: Option<Lang>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDivision {
    key: Spanned<Key>,
    code: Spanned<EntityCode>,
    name: Text,
    #[serde(default)]
    one_stop: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBranding {
    #[serde(default)]
    logo: Option<Spanned<String>>,
    primary_color: Color,
    accent_color: Color,
    contact: RawContact,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    address: Text,
    phone: Phone,
    email: Email,
}

/// Parses and checks a tenant manifest.
///
/// `file` names the file in diagnostics. When `dir_name` is given (the manifest was read from
/// `tenants/<dir_name>/`), the slug must equal it, so that a copied directory cannot silently
/// overwrite another tenant.
pub fn parse_manifest(
    file: &str,
    source: &str,
    dir_name: Option<&str>,
) -> Result<TenantManifest, Diagnostics> {
    let raw: RawManifest = parse_yaml(file, source)?;
    let mut report = Report::new(file);

    if let Some(dir) = dir_name
        && raw.slug.value.as_str() != dir
    {
        report.value(
            &raw.slug,
            format!(
                "the slug `{}` differs from its directory `{dir}`",
                raw.slug.value
            ),
            Some(format!("rename the directory or write `slug: {dir}`")),
        );
    }

    let divisions = check_divisions(&raw, &mut report);
    let domains = check_domains(raw.domains, &mut report);

    let calendar = match raw.calendar {
        Some(spanned) => {
            if let Err(err) = WorkingCalendar::new(&spanned.value) {
                report.value(&spanned, format!("calendar: {err}"), None);
            }
            spanned.value
        }
        None => CalendarSpec::default(),
    };

    let logo = raw.branding.logo.map(|logo| {
        if !is_plain_file_name(&logo.value) {
            report.value(
                &logo,
                format!(
                    "the logo `{}` must be a file in the tenant directory",
                    logo.value
                ),
                Some(
                    "write a plain file name such as `logo.svg` (SVG or PNG), without folders"
                        .to_owned(),
                ),
            );
        }
        logo.value
    });

    let plugins = check_plugins(raw.plugins, &mut report);
    let official_sign_in = raw
        .official_sign_in
        .map(|o| official_sign_in::check(o, &mut report));

    report.finish(TenantManifest {
        slug: raw.slug.value,
        kind: raw.kind,
        name: raw.name,
        short_name: raw.short_name,
        entity_code: raw.entity_code,
        domains,
        divisions,
        calendar,
        plugins,
        reference: raw.reference,
        official_sign_in,
        branding: Branding {
            logo,
            primary_color: raw.branding.primary_color,
            accent_color: raw.branding.accent_color,
            contact: Contact {
                address: raw.branding.contact.address,
                phone: raw.branding.contact.phone,
                email: raw.branding.contact.email,
            },
        },
    })
}

fn check_divisions(raw: &RawManifest, report: &mut Report) -> Vec<Division> {
    let list = &raw.divisions.value;
    if list.is_empty() {
        report.value(
            &raw.divisions,
            "a tenant needs at least one division",
            Some("declare the one-stop desk at least, with `one_stop: true`".to_owned()),
        );
    } else if !list.iter().any(|d| d.one_stop) {
        report.value(
            &raw.divisions,
            "no division is a one-stop desk",
            Some("mark the division that receives dossiers with `one_stop: true`".to_owned()),
        );
    }
    let mut keys = HashSet::new();
    let mut codes = HashSet::new();
    for d in list {
        if !keys.insert(d.key.value.clone()) {
            report.value(
                &d.key,
                format!("the division key `{}` is used twice", d.key.value),
                None,
            );
        }
        if !codes.insert(d.code.value) {
            report.value(
                &d.code,
                format!("the entity code {} is used by two divisions", d.code.value),
                None,
            );
        }
        if d.code.value.level1() != raw.entity_code {
            report.value(
                &d.code,
                format!(
                    "the entity code {} does not belong to {}",
                    d.code.value, raw.entity_code
                ),
                Some(format!(
                    "the divisions of this tenant have codes ending in .{}",
                    raw.entity_code
                )),
            );
        }
    }
    list.iter()
        .map(|d| Division {
            key: d.key.value.clone(),
            code: d.code.value,
            name: d.name.clone(),
            one_stop: d.one_stop,
        })
        .collect()
}

fn check_domains(raw: RawDomains, report: &mut Report) -> Domains {
    let primary = [raw.name.value.as_str(), raw.english_name.value.as_str()];
    let mut aliases = Vec::new();
    for alias in raw.aliases {
        let a = &alias.value;
        match (&a.name, &a.host, a.lang) {
            (Some(name), None, None) => {
                if primary.contains(&name.as_str()) {
                    report.value(
                        &alias,
                        format!("the alias `{name}` is already a primary name"),
                        Some("remove it".to_owned()),
                    );
                }
                aliases.push(Alias::Name { name: name.clone() });
            }
            (None, Some(host), lang) => aliases.push(Alias::Host {
                host: host.clone(),
                lang: lang.unwrap_or(if host.as_str().starts_with("e-services.") {
                    Lang::En
                } else {
                    Lang::Vi
                }),
            }),
            _ => report.value(
                &alias,
                "an alias is either `name: <name>` or `host: <host>` with an optional `lang: vi|en`",
                Some("write `- name: oldname` or `- host: dvc.example.gov.vn`".to_owned()),
            ),
        }
    }
    Domains {
        name: raw.name.value,
        english_name: raw.english_name.value,
        aliases,
    }
}

/// `id@major.minor.patch`, the id in lowercase letters, digits and dashes.
fn check_plugins(raw: Vec<Spanned<RawPlugin>>, report: &mut Report) -> Vec<PluginInstall> {
    let mut plugins: Vec<PluginInstall> = Vec::new();
    for entry in raw {
        let RawPlugin { pin, grant, http } = entry.value;
        if !is_pin(&pin.value) {
            report.value(
                &pin,
                format!("`{}` is not a plugin pin", pin.value),
                Some(
                    "write `<id>@<major>.<minor>.<patch>`, e.g. `fee-calculator@1.0.0`".to_owned(),
                ),
            );
        } else if plugins.iter().any(|p| p.pin == pin.value) {
            report.value(
                &pin,
                format!("the plugin `{}` is listed twice", pin.value),
                None,
            );
        }
        let mut grants = grant;
        grants.sort_unstable();
        grants.dedup();
        let grants_http = grants.contains(&Capability::Http);
        if grants_http && http.is_empty() {
            report.value(
                &pin,
                format!("`{}` is granted `http` but no host to call", pin.value),
                Some("list the hosts it may call: `http: [api.example.gov.vn]`".to_owned()),
            );
        }
        let mut http_allow = Vec::new();
        for host in http {
            if !grants_http {
                report.value(
                    &host,
                    format!("`{}` may call hosts only when granted `http`", pin.value),
                    Some("add `http` to `grant:` or remove `http:`".to_owned()),
                );
            } else if !is_host_port(&host.value) {
                report.value(
                    &host,
                    format!("`{}` is not a host name or `host:port`", host.value),
                    Some("write the host only, e.g. `api.example.gov.vn` or `127.0.0.1:8081`, without scheme or path".to_owned()),
                );
            }
            http_allow.push(host.value.to_ascii_lowercase());
        }
        plugins.push(PluginInstall {
            pin: pin.value,
            grants,
            http_allow,
        });
    }
    plugins
}

/// `host` or `host:port`, host being a DNS name or an IPv4 address.
fn is_host_port(s: &str) -> bool {
    let (host, port) = s.rsplit_once(':').unwrap_or((s, "1"));
    !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && port.parse::<u16>().is_ok_and(|p| p > 0)
}

fn is_plain_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && (lower.ends_with(".svg") || lower.ends_with(".png"))
}

mod official_sign_in;

#[cfg(test)]
pub(super) mod tests;
