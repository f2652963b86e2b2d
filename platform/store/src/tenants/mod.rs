//! Tenants in storage: applying a tenant directory (with a plan of what changes first), loading
//! every tenant at start-up, exporting one back to files.
//!
//! A manifest is stored as the tenant wrote it, and its procedures likewise; the rows of
//! `divisions` and `procedures` are derived from them so that queries (and, later, policies and
//! reports) can join on them. Nothing is deleted by an apply: a division or procedure that
//! disappears from the files is deactivated, because dossiers refer to it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use motcua_core::tenant::{DomainSuffix, MANIFEST_FILE, SourceFile, TenantBundle, parse_manifest};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::entity::{division, procedure, tenant, tenant_asset};
use crate::{Store, StoreError, TenantId};

mod plan;

pub use plan::{Change, Plan};
use plan::{compute_plan, current, sha256};

/// The asset name under which the logo is kept.
const LOGO: &str = "logo";

/// How the asset names of template forms start: they are kept under their path in the tenant
/// directory (`templates/to-khai.pdf`).
const TEMPLATE_PREFIX: &str = "templates/";

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
                put_asset(&txn, tenant_id, LOGO, logo.content_type(), &logo.bytes).await?;
            }
            Change::RemoveLogo => delete_asset(&txn, tenant_id, LOGO).await?,
            Change::SetTemplate(path) => {
                let template = bundle
                    .templates
                    .iter()
                    .flatten()
                    .find(|t| t.file.path() == path)
                    .ok_or_else(|| StoreError::Corrupt(format!("template {path}")))?;
                let media_type = template.file.media_type();
                put_asset(&txn, tenant_id, path, media_type, &template.bytes).await?;
            }
            Change::RemoveTemplate(path) => delete_asset(&txn, tenant_id, path).await?,
            Change::CreateTenant | Change::UpdateManifest(_) => {}
        }
    }
    txn.commit().await?;
    Ok(plan)
}

/// Stores a tenant's file under `name`, replacing what was there.
async fn put_asset(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    delete_asset(db, tenant_id, name).await?;
    tenant_asset::Entity::insert(tenant_asset::ActiveModel {
        tenant_id: Set(tenant_id),
        name: Set(name.to_owned()),
        content_type: Set(content_type.to_owned()),
        bytes: Set(bytes.to_vec()),
        sha256: Set(sha256(bytes)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn delete_asset(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    name: &str,
) -> Result<(), StoreError> {
    tenant_asset::Entity::delete_many()
        .filter(tenant_asset::Column::TenantId.eq(tenant_id))
        .filter(tenant_asset::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}

/// A template form as stored, for serving.
#[derive(Clone, Debug)]
pub struct StoredTemplate {
    /// Its media type.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The hex sha256 of its bytes (the page's `ETag`).
    pub sha256: String,
}

/// A tenant's template form by its path (`templates/to-khai.pdf`).
pub async fn template(
    store: &Store,
    tenant: TenantId,
    path: &str,
) -> Result<Option<StoredTemplate>, StoreError> {
    if !path.starts_with(TEMPLATE_PREFIX) {
        return Ok(None);
    }
    Ok(
        tenant_asset::Entity::find_by_id((tenant.0, path.to_owned()))
            .one(store.platform())
            .await?
            .map(|a| StoredTemplate {
                media_type: a.content_type,
                bytes: a.bytes,
                sha256: a.sha256,
            }),
    )
}

/// Every tenant, parsed from what is stored, with its active procedures.
pub async fn load_all(store: &Store) -> Result<Vec<StoredTenant>, StoreError> {
    load_where(store, None).await
}

/// One tenant by slug, parsed from what is stored.
pub async fn load(store: &Store, slug: &str) -> Result<Option<StoredTenant>, StoreError> {
    Ok(load_where(store, Some(slug)).await?.pop())
}

/// One tenant by slug with its template forms: what an export writes, and what a change to one
/// of its files is applied on.
pub async fn load_with_templates(
    store: &Store,
    slug: &str,
) -> Result<Option<StoredTenant>, StoreError> {
    let Some(mut tenant) = load(store, slug).await? else {
        return Ok(None);
    };
    let mut templates = Vec::new();
    for a in tenant_asset::Entity::find()
        .filter(tenant_asset::Column::TenantId.eq(tenant.id.0))
        .filter(tenant_asset::Column::Name.starts_with(TEMPLATE_PREFIX))
        .all(store.platform())
        .await?
    {
        let file = a
            .name
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("tenant {slug}: {e}")))?;
        templates.push(motcua_core::tenant::Template {
            file,
            bytes: a.bytes,
        });
    }
    tenant.bundle = tenant
        .bundle
        .with_templates(templates)
        .map_err(|d| StoreError::Corrupt(format!("tenant {slug}: {d}")))?;
    Ok(Some(tenant))
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
