//! Tenants in storage: applying a tenant directory (with a plan of what changes first), loading
//! every tenant at start-up, exporting one back to files.
//!
//! A manifest is stored as the tenant wrote it, and its procedures likewise; the rows of
//! `divisions` and `procedures` are derived from them so that queries (and, later, policies and
//! reports) can join on them. Nothing is deleted by an apply: a division or procedure that
//! disappears from the files is deactivated, because dossiers refer to it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::Utc;
use motcua_core::tenant::{DomainSuffix, MANIFEST_FILE, SourceFile, TenantBundle, parse_manifest};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::entity::{division, procedure, tenant, tenant_asset};
use crate::{Store, StoreError, TenantId};

/// Whether a tenant is serving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantStatus {
    /// Its sites answer.
    Active,
    /// Its sites answer with a notice only (set by platform operators).
    Suspended,
}

impl TenantStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
}

/// A tenant as stored.
#[derive(Clone, Debug)]
pub struct StoredTenant {
    /// Its id.
    pub id: TenantId,
    /// Whether it is serving.
    pub status: TenantStatus,
    /// Its files, parsed.
    pub bundle: TenantBundle,
    /// The current published version of each active procedure: what new dossiers start on.
    pub published: Vec<crate::procedures::Published>,
}

/// One change an apply makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new tenant.
    CreateTenant,
    /// Sections of the manifest that change (`name`, `domains`, `calendar`, ...).
    UpdateManifest(Vec<String>),
    /// A new division.
    AddDivision(String),
    /// A division whose code, name or desk flag changes.
    UpdateDivision(String),
    /// A division no longer in the manifest (kept, inactive).
    DeactivateDivision(String),
    /// A new procedure.
    AddProcedure(String),
    /// A procedure whose file changes.
    UpdateProcedure(String),
    /// A procedure no longer in the files (kept, inactive).
    WithdrawProcedure(String),
    /// A procedure's text becomes its current published version (new, or an earlier one again).
    Publish {
        /// The procedure.
        code: String,
        /// The version.
        version: i32,
        /// Whether the version is new.
        new: bool,
    },
    /// The logo is new or changes.
    SetLogo(String),
    /// The logo is removed.
    RemoveLogo,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateTenant => write!(f, "+ tenant (new)"),
            Self::UpdateManifest(sections) => write!(f, "~ manifest: {}", sections.join(", ")),
            Self::AddDivision(k) => write!(f, "+ division {k}"),
            Self::UpdateDivision(k) => write!(f, "~ division {k}"),
            Self::DeactivateDivision(k) => write!(f, "- division {k} (kept, deactivated)"),
            Self::AddProcedure(c) => write!(f, "+ procedure {c}"),
            Self::UpdateProcedure(c) => write!(f, "~ procedure {c}"),
            Self::WithdrawProcedure(c) => write!(f, "- procedure {c} (kept, withdrawn)"),
            Self::Publish {
                code,
                version,
                new: true,
            } => write!(f, "+ procedure {code}: publish version {version}"),
            Self::Publish {
                code,
                version,
                new: false,
            } => write!(f, "~ procedure {code}: back to version {version}"),
            Self::SetLogo(name) => write!(f, "~ logo {name}"),
            Self::RemoveLogo => write!(f, "- logo"),
        }
    }
}

/// What applying a tenant directory changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The tenant.
    pub slug: String,
    /// The changes, in the order they are made; empty when the stored tenant already matches.
    pub changes: Vec<Change>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return write!(f, "tenant {}: no changes", self.slug);
        }
        writeln!(f, "tenant {}: {} change(s)", self.slug, self.changes.len())?;
        for (i, c) in self.changes.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {c}")?;
        }
        Ok(())
    }
}

/// The stored state a plan compares with.
struct Current {
    tenant: Option<tenant::Model>,
    divisions: BTreeMap<String, division::Model>,
    procedures: BTreeMap<String, procedure::Model>,
    versions: BTreeMap<String, Vec<(i32, String)>>,
    logo: Option<tenant_asset::Model>,
}

async fn current(db: &impl ConnectionTrait, slug: &str) -> Result<Current, StoreError> {
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?;
    let Some(t) = &tenant else {
        return Ok(Current {
            tenant,
            divisions: BTreeMap::new(),
            procedures: BTreeMap::new(),
            versions: BTreeMap::new(),
            logo: None,
        });
    };
    let divisions = division::Entity::find()
        .filter(division::Column::TenantId.eq(t.id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.key.clone(), d))
        .collect();
    let procedures = procedure::Entity::find()
        .filter(procedure::Column::TenantId.eq(t.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let logo = tenant_asset::Entity::find()
        .filter(tenant_asset::Column::TenantId.eq(t.id))
        .filter(tenant_asset::Column::Name.eq(LOGO))
        .one(db)
        .await?;
    let versions = crate::procedures::hashes(db, t.id).await?;
    Ok(Current {
        tenant,
        divisions,
        procedures,
        versions,
        logo,
    })
}

/// The asset name under which the logo is kept.
const LOGO: &str = "logo";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn compute_plan(bundle: &TenantBundle, cur: &Current) -> Result<Plan, StoreError> {
    let m = &bundle.manifest;
    let mut changes = Vec::new();
    match &cur.tenant {
        None => changes.push(Change::CreateTenant),
        Some(t) if t.manifest_sha256 != bundle.manifest_file.sha256() => {
            let old = parse_manifest(MANIFEST_FILE, &t.manifest, None)
                .ok()
                .and_then(|m| serde_json::to_value(&m).ok());
            let new = serde_json::to_value(m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let sections = match (old, &new) {
                (Some(serde_json::Value::Object(old)), serde_json::Value::Object(new)) => new
                    .iter()
                    .filter(|(k, v)| old.get(*k) != Some(v))
                    .map(|(k, _)| k.clone())
                    .collect(),
                _ => Vec::new(),
            };
            // Comments and layout also count: the stored text is what export gives back.
            changes.push(Change::UpdateManifest(if sections.is_empty() {
                vec!["comments or layout".to_owned()]
            } else {
                sections
            }));
        }
        Some(_) => {}
    }

    let wanted: BTreeSet<&str> = m.divisions.iter().map(|d| d.key.as_str()).collect();
    for d in &m.divisions {
        match cur.divisions.get(d.key.as_str()) {
            None => changes.push(Change::AddDivision(d.key.to_string())),
            Some(row)
                if row.entity_code != d.code.to_string()
                    || row.name_vi != d.name.vi
                    || row.name_en != d.name.get(motcua_core::lang::Lang::En)
                    || row.one_stop != d.one_stop
                    || !row.active =>
            {
                changes.push(Change::UpdateDivision(d.key.to_string()));
            }
            Some(_) => {}
        }
    }
    for (key, row) in &cur.divisions {
        if row.active && !wanted.contains(key.as_str()) {
            changes.push(Change::DeactivateDivision(key.clone()));
        }
    }

    let wanted: BTreeSet<String> = bundle
        .procedures
        .iter()
        .map(|p| p.info.code.to_string())
        .collect();
    for p in &bundle.procedures {
        let code = p.info.code.to_string();
        match cur.procedures.get(&code) {
            None => changes.push(Change::AddProcedure(code)),
            Some(row)
                if row.source_sha256 != p.file.sha256()
                    || row.path != p.file.path
                    || !row.active =>
            {
                changes.push(Change::UpdateProcedure(code));
            }
            Some(_) => {}
        }
    }
    for (code, row) in &cur.procedures {
        if row.active && !wanted.contains(code) {
            changes.push(Change::WithdrawProcedure(code.clone()));
        }
    }
    // Applying files publishes them: each procedure whose text is not its current version.
    for p in &bundle.procedures {
        let code = p.info.code.to_string();
        let hash = p.file.sha256();
        let known = cur
            .versions
            .get(&code)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let current = cur.procedures.get(&code).map(|row| row.current_version);
        match known.iter().find(|(_, h)| *h == hash) {
            Some((v, _)) if Some(*v) == current => {}
            Some((v, _)) => changes.push(Change::Publish {
                code,
                version: *v,
                new: false,
            }),
            None => changes.push(Change::Publish {
                code,
                version: known.iter().map(|(v, _)| *v).max().unwrap_or(0) + 1,
                new: true,
            }),
        }
    }

    match (&bundle.logo, &cur.logo) {
        (Some(logo), Some(row))
            if row.sha256 == sha256(&logo.bytes) && row.content_type == logo.content_type() => {}
        (Some(logo), _) => changes.push(Change::SetLogo(logo.file.clone())),
        (None, Some(_)) => changes.push(Change::RemoveLogo),
        (None, None) => {}
    }

    Ok(Plan {
        slug: m.slug.to_string(),
        changes,
    })
}

/// Refuses a manifest whose host names another tenant already uses: a host must name one tenant.
async fn check_hosts(db: &impl ConnectionTrait, bundle: &TenantBundle) -> Result<(), StoreError> {
    // Compared under the production suffix: the suffix is the same for every tenant of a
    // deployment, so names that clash under one suffix clash under all.
    let suffix = DomainSuffix::production();
    let mine: BTreeSet<String> = bundle
        .manifest
        .domains
        .hosts(&suffix)
        .into_iter()
        .map(|h| h.host)
        .collect();
    let slug = bundle.manifest.slug.as_str();
    for other in tenant::Entity::find()
        .filter(tenant::Column::Slug.ne(slug))
        .all(db)
        .await?
    {
        let Ok(manifest) = parse_manifest(MANIFEST_FILE, &other.manifest, None) else {
            continue;
        };
        if let Some(host) = manifest
            .domains
            .hosts(&suffix)
            .into_iter()
            .find(|h| mine.contains(&h.host))
        {
            return Err(StoreError::Conflict(format!(
                "the host {} is already used by tenant {}",
                host.host, other.slug
            )));
        }
    }
    Ok(())
}

/// What applying `bundle` would change, without changing anything.
pub async fn plan(store: &Store, bundle: &TenantBundle) -> Result<Plan, StoreError> {
    check_hosts(store.platform(), bundle).await?;
    compute_plan(
        bundle,
        &current(store.platform(), bundle.manifest.slug.as_str()).await?,
    )
}

/// Applies a tenant directory: creates the tenant or brings it in line with the files, in one
/// transaction. Applying the same files twice changes nothing the second time.
pub async fn apply(store: &Store, bundle: &TenantBundle) -> Result<Plan, StoreError> {
    let db = store.platform();
    let txn = match store.backend() {
        DbBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?
        }
        _ => db.begin().await?,
    };
    check_hosts(&txn, bundle).await?;
    let cur = current(&txn, bundle.manifest.slug.as_str()).await?;
    let plan = compute_plan(bundle, &cur)?;
    if plan.is_empty() {
        return Ok(plan);
    }
    let m = &bundle.manifest;
    let now = Utc::now();
    let en = motcua_core::lang::Lang::En;

    let tenant_id = match &cur.tenant {
        None => {
            let row = tenant::ActiveModel {
                slug: Set(m.slug.to_string()),
                entity_code: Set(m.entity_code.to_string()),
                name_vi: Set(m.name.vi.clone()),
                name_en: Set(m.name.get(en).to_owned()),
                status: Set(TenantStatus::Active.as_str().to_owned()),
                manifest: Set(bundle.manifest_file.text.clone()),
                manifest_sha256: Set(bundle.manifest_file.sha256()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            tenant::Entity::insert(row).exec(&txn).await?.last_insert_id
        }
        Some(t) => {
            if t.manifest_sha256 != bundle.manifest_file.sha256() {
                tenant::Entity::update(tenant::ActiveModel {
                    id: Set(t.id),
                    entity_code: Set(m.entity_code.to_string()),
                    name_vi: Set(m.name.vi.clone()),
                    name_en: Set(m.name.get(en).to_owned()),
                    manifest: Set(bundle.manifest_file.text.clone()),
                    manifest_sha256: Set(bundle.manifest_file.sha256()),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(&txn)
                .await?;
            }
            t.id
        }
    };

    for change in &plan.changes {
        match change {
            Change::AddDivision(key) | Change::UpdateDivision(key) => {
                let d = m
                    .division(key)
                    .ok_or_else(|| StoreError::Corrupt(format!("division {key}")))?;
                let row = division::ActiveModel {
                    tenant_id: Set(tenant_id),
                    key: Set(key.clone()),
                    entity_code: Set(d.code.to_string()),
                    name_vi: Set(d.name.vi.clone()),
                    name_en: Set(d.name.get(en).to_owned()),
                    one_stop: Set(d.one_stop),
                    active: Set(true),
                };
                if matches!(change, Change::AddDivision(_)) {
                    division::Entity::insert(row)
                        .exec_without_returning(&txn)
                        .await?;
                } else {
                    division::Entity::update(row).exec(&txn).await?;
                }
            }
            Change::DeactivateDivision(key) => {
                division::Entity::update(division::ActiveModel {
                    tenant_id: Set(tenant_id),
                    key: Set(key.clone()),
                    active: Set(false),
                    ..Default::default()
                })
                .exec(&txn)
                .await?;
            }
            Change::AddProcedure(code) | Change::UpdateProcedure(code) => {
                let p = bundle
                    .procedure(code)
                    .ok_or_else(|| StoreError::Corrupt(format!("procedure {code}")))?;
                let row = procedure::ActiveModel {
                    tenant_id: Set(tenant_id),
                    code: Set(code.clone()),
                    path: Set(p.file.path.clone()),
                    name_vi: Set(p.info.name.vi.clone()),
                    name_en: Set(p.info.name.get(en).to_owned()),
                    sector_code: Set(p.info.sector.to_string()),
                    division_key: Set(p.info.division.to_string()),
                    online_level: Set(i16::from(p.info.level.number())),
                    source: Set(p.file.text.clone()),
                    source_sha256: Set(p.file.sha256()),
                    active: Set(true),
                    updated_at: Set(now),
                    current_version: cur
                        .procedures
                        .get(code.as_str())
                        .map_or(Set(0), |row| Set(row.current_version)),
                };
                if matches!(change, Change::AddProcedure(_)) {
                    procedure::Entity::insert(row)
                        .exec_without_returning(&txn)
                        .await?;
                } else {
                    procedure::Entity::update(row).exec(&txn).await?;
                }
            }
            Change::WithdrawProcedure(code) => {
                procedure::Entity::update(procedure::ActiveModel {
                    tenant_id: Set(tenant_id),
                    code: Set(code.clone()),
                    active: Set(false),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(&txn)
                .await?;
            }
            Change::Publish { code, .. } => {
                let p = bundle
                    .procedure(code)
                    .ok_or_else(|| StoreError::Corrupt(format!("procedure {code}")))?;
                crate::procedures::publish(
                    &txn,
                    TenantId(tenant_id),
                    code,
                    &p.file.text,
                    "tenant apply",
                )
                .await?;
            }
            Change::SetLogo(_) => {
                let logo = bundle
                    .logo
                    .as_ref()
                    .ok_or_else(|| StoreError::Corrupt("logo".into()))?;
                tenant_asset::Entity::delete_many()
                    .filter(tenant_asset::Column::TenantId.eq(tenant_id))
                    .filter(tenant_asset::Column::Name.eq(LOGO))
                    .exec(&txn)
                    .await?;
                tenant_asset::Entity::insert(tenant_asset::ActiveModel {
                    tenant_id: Set(tenant_id),
                    name: Set(LOGO.to_owned()),
                    content_type: Set(logo.content_type().to_owned()),
                    bytes: Set(logo.bytes.clone()),
                    sha256: Set(sha256(&logo.bytes)),
                })
                .exec_without_returning(&txn)
                .await?;
            }
            Change::RemoveLogo => {
                tenant_asset::Entity::delete_many()
                    .filter(tenant_asset::Column::TenantId.eq(tenant_id))
                    .filter(tenant_asset::Column::Name.eq(LOGO))
                    .exec(&txn)
                    .await?;
            }
            Change::CreateTenant | Change::UpdateManifest(_) => {}
        }
    }
    txn.commit().await?;
    Ok(plan)
}

/// Every tenant, parsed from what is stored, with its active procedures.
pub async fn load_all(store: &Store) -> Result<Vec<StoredTenant>, StoreError> {
    load_where(store, None).await
}

/// One tenant by slug, parsed from what is stored.
pub async fn load(store: &Store, slug: &str) -> Result<Option<StoredTenant>, StoreError> {
    Ok(load_where(store, Some(slug)).await?.pop())
}

async fn load_where(store: &Store, slug: Option<&str>) -> Result<Vec<StoredTenant>, StoreError> {
    let db = store.platform();
    let mut query = tenant::Entity::find();
    if let Some(slug) = slug {
        query = query.filter(tenant::Column::Slug.eq(slug));
    }
    let tenants = query.all(db).await?;
    let ids: Vec<i64> = tenants.iter().map(|t| t.id).collect();
    let mut procedures: BTreeMap<i64, Vec<SourceFile>> = BTreeMap::new();
    for p in procedure::Entity::find()
        .filter(procedure::Column::Active.eq(true))
        .filter(procedure::Column::TenantId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        procedures.entry(p.tenant_id).or_default().push(SourceFile {
            path: p.path,
            text: p.source,
        });
    }
    let mut published = crate::procedures::current(db, Some(&ids)).await?;
    let mut logos: BTreeMap<i64, Vec<u8>> = tenant_asset::Entity::find()
        .filter(tenant_asset::Column::Name.eq(LOGO))
        .filter(tenant_asset::Column::TenantId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.tenant_id, a.bytes))
        .collect();
    tenants
        .into_iter()
        .map(|t| {
            let files = procedures.remove(&t.id).unwrap_or_default();
            let bundle = TenantBundle::from_files(None, t.manifest, files, logos.remove(&t.id))
                .map_err(|d| StoreError::Corrupt(format!("tenant {}: {d}", t.slug)))?;
            Ok(StoredTenant {
                id: TenantId(t.id),
                status: if t.status == TenantStatus::Suspended.as_str() {
                    TenantStatus::Suspended
                } else {
                    TenantStatus::Active
                },
                bundle,
                published: published.remove(&t.id).unwrap_or_default(),
            })
        })
        .collect()
}
