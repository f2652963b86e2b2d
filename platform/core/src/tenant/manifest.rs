//! Reading `tenant.yaml`: the YAML shape (strict: unknown keys are errors) and the checks that
//! need more than one value, each reported at the line and column of the value at fault.

use std::collections::HashSet;

use serde::Deserialize;

use super::{
    Alias, Branding, Color, Contact, Division, DnsLabel, Domains, Email, HostName, Key, Phone,
    Slug, TenantKind, TenantManifest,
};
use crate::calendar::{CalendarSpec, WorkingCalendar};
use crate::codes::{EntityCode, Level1Code};
use crate::diagnostic::{Diagnostics, Report, Spanned, parse_yaml};
use crate::lang::{Lang, Text};

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
    plugins: Vec<Spanned<String>>,
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

    let mut plugins = Vec::new();
    for pin in raw.plugins {
        if !is_plugin_pin(&pin.value) {
            report.value(
                &pin,
                format!("`{}` is not a plugin pin", pin.value),
                Some(
                    "write `<id>@<major>.<minor>.<patch>`, e.g. `fee-calculator@1.0.0`".to_owned(),
                ),
            );
        } else if plugins.contains(&pin.value) {
            report.value(
                &pin,
                format!("the plugin `{}` is listed twice", pin.value),
                None,
            );
        }
        plugins.push(pin.value);
    }

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
fn is_plugin_pin(pin: &str) -> bool {
    pin.split_once('@').is_some_and(|(id, version)| {
        !id.is_empty()
            && !id.starts_with('-')
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && version.split('.').count() == 3
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
    })
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

#[cfg(test)]
pub(super) mod tests;
