//! The tenants this node serves, indexed by host name.
//!
//! Built from the stored tenants at start-up and rebuilt whenever tenants change; requests read
//! it without locking (an `ArcSwap` of an immutable map), so a rebuild never blocks a request
//! and a request never sees half a rebuild.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arc_swap::ArcSwap;
use motcua_core::calendar::WorkingCalendar;
use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;
use motcua_core::tenant::{DomainSuffix, Logo, System, TenantManifest};
use motcua_store::TenantId;
use motcua_store::tenants::{StoredTenant, TenantStatus};
use motcua_workflow::procedure::Procedure;

/// One tenant as its sites need it.
#[derive(Debug)]
pub struct TenantSite {
    /// Its id in storage.
    pub id: TenantId,
    /// Whether an operator suspended it.
    pub suspended: bool,
    /// Its manifest.
    pub manifest: TenantManifest,
    /// Its working calendar, compiled.
    pub calendar: WorkingCalendar,
    /// Its procedures as published (the version new dossiers start on), in catalogue order
    /// (by Vietnamese name).
    pub procedures: Vec<Live>,
    /// The search index of `procedures`, folded once when they are loaded.
    pub catalogue: crate::catalogue::index::Index,
    /// Its logo.
    pub logo: Option<Logo>,
    /// The primary Vietnamese host.
    pub vi_host: String,
    /// The primary English host.
    pub en_host: String,
    /// The officials' host (the one-stop system).
    pub staff_host: String,
    /// Its reference data, as plugins granted `reference` read it.
    pub reference: Arc<BTreeMap<String, serde_json::Value>>,
}

impl TenantSite {
    /// The tenant as authorization knows it.
    pub fn authz_ref(&self) -> motcua_authz::TenantRef {
        motcua_authz::TenantRef {
            id: self.id,
            slug: self.manifest.slug.to_string(),
            divisions: self
                .manifest
                .divisions
                .iter()
                .map(|d| d.key.to_string())
                .collect(),
        }
    }

    /// The primary portal host of a language.
    pub fn host(&self, lang: Lang) -> &str {
        lang.pick(&self.vi_host, &self.en_host)
    }

    /// The primary host of a system in a language (the one-stop system has one host only).
    pub fn host_of(&self, system: System, lang: Lang) -> &str {
        match system {
            System::Portal => self.host(lang),
            System::OneStop => &self.staff_host,
        }
    }

    /// The published procedure with a national code.
    pub fn procedure(&self, code: &str) -> Option<&Live> {
        self.procedures
            .iter()
            .find(|p| p.info().code.to_string() == code)
    }
}

/// A procedure's current published version.
#[derive(Clone, Debug)]
pub struct Live {
    /// The version number.
    pub version: i32,
    /// The procedure, compiled.
    pub procedure: Arc<Procedure>,
}

impl Live {
    /// Its public information.
    pub fn info(&self) -> &ProcedureInfo {
        &self.procedure.file.info
    }
}

/// What a host name resolves to.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The tenant.
    pub site: Arc<TenantSite>,
    /// The language of this host.
    pub lang: Lang,
    /// `false` for an alias, which redirects to the primary host of its language and system.
    pub primary: bool,
    /// The system served on this host.
    pub system: System,
}

/// A host name claimed by two tenants; the later one is not served on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostClash {
    /// The host.
    pub host: String,
    /// The tenant that keeps it.
    pub kept: String,
    /// The tenant refused.
    pub refused: String,
}

/// The host index.
#[derive(Debug)]
pub struct Sites {
    suffix: DomainSuffix,
    by_host: ArcSwap<HashMap<String, Binding>>,
}

impl Sites {
    /// An empty index for `suffix`.
    pub fn new(suffix: DomainSuffix) -> Self {
        Self {
            suffix,
            by_host: ArcSwap::from_pointee(HashMap::new()),
        }
    }

    /// The domain suffix in use.
    pub fn suffix(&self) -> &DomainSuffix {
        &self.suffix
    }

    /// Replaces the whole index with `tenants`; returns the host names that two tenants claimed
    /// (storage refuses such manifests, so this only reports damage done by hand).
    pub fn replace(&self, tenants: Vec<StoredTenant>) -> Vec<HostClash> {
        let mut map: HashMap<String, Binding> = HashMap::new();
        let mut clashes = Vec::new();
        for stored in tenants {
            let site = Arc::new(site(stored, &self.suffix));
            for binding in site.manifest.domains.hosts(&self.suffix) {
                if let Some(existing) = map.get(&binding.host) {
                    clashes.push(HostClash {
                        host: binding.host,
                        kept: existing.site.manifest.slug.to_string(),
                        refused: site.manifest.slug.to_string(),
                    });
                    continue;
                }
                map.insert(
                    binding.host,
                    Binding {
                        site: Arc::clone(&site),
                        lang: binding.lang,
                        primary: binding.primary,
                        system: binding.system,
                    },
                );
            }
        }
        self.by_host.store(Arc::new(map));
        clashes
    }

    /// The binding of a `Host` header value (any port and trailing dot ignored, any case).
    pub fn resolve(&self, host: &str) -> Option<Binding> {
        let name = strip_port(host).trim_end_matches('.');
        let map = self.by_host.load();
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            map.get(&name.to_ascii_lowercase()).cloned()
        } else {
            map.get(name).cloned()
        }
    }

    /// The tenant with an id.
    pub fn by_id(&self, id: TenantId) -> Option<Arc<TenantSite>> {
        self.by_host
            .load()
            .values()
            .find(|b| b.site.id == id)
            .map(|b| Arc::clone(&b.site))
    }

    /// Every tenant served, once each.
    pub fn all(&self) -> Vec<Arc<TenantSite>> {
        let mut sites: Vec<Arc<TenantSite>> = Vec::new();
        for b in self.by_host.load().values() {
            if !sites.iter().any(|s| s.id == b.site.id) {
                sites.push(Arc::clone(&b.site));
            }
        }
        sites.sort_by_key(|s| s.id.0);
        sites
    }

    /// How many tenants are served.
    pub fn tenant_count(&self) -> usize {
        let map = self.by_host.load();
        let mut ids: Vec<i64> = map.values().map(|b| b.site.id.0).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// `host:port` → `host`; IPv6 literals (`[::1]:8080`) are kept whole, they name no tenant.
pub(crate) fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host;
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

fn site(stored: StoredTenant, suffix: &DomainSuffix) -> TenantSite {
    let bundle = stored.bundle;
    let manifest = bundle.manifest;
    // The manifest was validated, calendar included, before it was stored.
    let calendar = WorkingCalendar::new(&manifest.calendar).unwrap_or_else(|err| {
        tracing::error!(tenant = %manifest.slug, %err, "stored calendar is invalid; using the default");
        WorkingCalendar::new(&Default::default()).expect("the default calendar is valid")
    });
    let mut procedures: Vec<Live> = stored
        .published
        .iter()
        .filter_map(|p| match motcua_workflow::procedure::load(&p.code, &p.source, &manifest) {
            Ok(procedure) => Some(Live {
                version: p.version,
                procedure: Arc::new(procedure),
            }),
            Err(d) => {
                tracing::error!(tenant = %manifest.slug, procedure = %p.code, version = p.version, %d, "a published version no longer loads; it is not served");
                None
            }
        })
        .collect();
    procedures.sort_by(|a, b| a.info().name.vi.cmp(&b.info().name.vi));
    let catalogue =
        crate::catalogue::index::Index::build(&manifest, procedures.iter().map(Live::info));
    TenantSite {
        id: stored.id,
        suspended: stored.status == TenantStatus::Suspended,
        vi_host: manifest.domains.primary_host(Lang::Vi, suffix),
        en_host: manifest.domains.primary_host(Lang::En, suffix),
        staff_host: manifest.domains.staff_host(suffix),
        calendar,
        procedures,
        catalogue,
        logo: bundle.logo,
        reference: Arc::new(
            manifest
                .reference
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ),
        manifest,
    }
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn ports_are_ignored() {
        assert_eq!(
            strip_port("dichvucong.thanhhoa.localhost:8080"),
            "dichvucong.thanhhoa.localhost"
        );
        assert_eq!(
            strip_port("dichvucong.thanhhoa.gov.vn"),
            "dichvucong.thanhhoa.gov.vn"
        );
        assert_eq!(strip_port("[::1]:8080"), "[::1]:8080");
    }
}
