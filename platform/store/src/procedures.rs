//! Published procedure versions: immutable texts identified by their sha256, numbered per
//! procedure. Publishing the text of an existing version makes that version current again
//! instead of creating a duplicate, so rolling back is publishing the old text.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::entity::{procedure, procedure_version};
use crate::{Store, StoreError, TenantId};

/// A published version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// The procedure's national code.
    pub code: String,
    /// Its number, from 1.
    pub version: i32,
    /// The hex sha256 of the text.
    pub sha256: String,
    /// The text.
    pub source: String,
    /// When it was first published.
    pub published_at: DateTime<Utc>,
    /// By whom.
    pub published_by: String,
}

impl From<procedure_version::Model> for Published {
    fn from(m: procedure_version::Model) -> Self {
        Self {
            code: m.procedure_code,
            version: m.version,
            sha256: m.sha256,
            source: m.source,
            published_at: m.published_at,
            published_by: m.published_by,
        }
    }
}

/// The hex sha256 of a text.
pub fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Publishes `source` as the current version of procedure `code` (whose row must exist);
/// returns the version and whether it is new.
pub async fn publish(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    code: &str,
    source: &str,
    by: &str,
) -> Result<(Published, bool), StoreError> {
    let hash = sha256(source);
    let existing = procedure_version::Entity::find()
        .filter(procedure_version::Column::TenantId.eq(tenant.0))
        .filter(procedure_version::Column::ProcedureCode.eq(code))
        .order_by_desc(procedure_version::Column::Version)
        .all(db)
        .await?;
    let (published, new) = match existing.iter().find(|v| v.sha256 == hash) {
        Some(v) => (Published::from(v.clone()), false),
        None => {
            let row = procedure_version::Model {
                tenant_id: tenant.0,
                procedure_code: code.to_owned(),
                version: existing.first().map_or(1, |v| v.version + 1),
                sha256: hash,
                source: source.to_owned(),
                published_at: Utc::now(),
                published_by: by.to_owned(),
            };
            procedure_version::Entity::insert(procedure_version::ActiveModel {
                tenant_id: Set(row.tenant_id),
                procedure_code: Set(row.procedure_code.clone()),
                version: Set(row.version),
                sha256: Set(row.sha256.clone()),
                source: Set(row.source.clone()),
                published_at: Set(row.published_at),
                published_by: Set(row.published_by.clone()),
            })
            .exec_without_returning(db)
            .await?;
            (Published::from(row), true)
        }
    };
    procedure::Entity::update(procedure::ActiveModel {
        tenant_id: Set(tenant.0),
        code: Set(code.to_owned()),
        current_version: Set(published.version),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok((published, new))
}

/// The version numbers and hashes of every procedure of `tenant`.
pub(crate) async fn hashes(
    db: &impl ConnectionTrait,
    tenant: i64,
) -> Result<BTreeMap<String, Vec<(i32, String)>>, StoreError> {
    let mut out: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for v in procedure_version::Entity::find()
        .filter(procedure_version::Column::TenantId.eq(tenant))
        .all(db)
        .await?
    {
        out.entry(v.procedure_code)
            .or_default()
            .push((v.version, v.sha256));
    }
    Ok(out)
}

/// Every version of a procedure, oldest first.
pub async fn versions(
    store: &Store,
    tenant: TenantId,
    code: &str,
) -> Result<Vec<Published>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = procedure_version::Entity::find()
        .filter(procedure_version::Column::TenantId.eq(tenant.0))
        .filter(procedure_version::Column::ProcedureCode.eq(code))
        .order_by_asc(procedure_version::Column::Version)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(Published::from).collect())
}

/// One version of a procedure.
pub async fn version(
    store: &Store,
    tenant: TenantId,
    code: &str,
    version: i32,
) -> Result<Option<Published>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let row = procedure_version::Entity::find_by_id((tenant.0, code.to_owned(), version))
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(row.map(Published::from))
}

/// The current version of every active procedure of the given tenants (all when `None`).
pub(crate) async fn current(
    db: &impl ConnectionTrait,
    tenants: Option<&[i64]>,
) -> Result<BTreeMap<i64, Vec<Published>>, StoreError> {
    let mut query = procedure::Entity::find().filter(procedure::Column::Active.eq(true));
    if let Some(ids) = tenants {
        query = query.filter(procedure::Column::TenantId.is_in(ids.to_vec()));
    }
    let live = query.all(db).await?;
    let mut versions = procedure_version::Entity::find();
    if let Some(ids) = tenants {
        versions = versions.filter(procedure_version::Column::TenantId.is_in(ids.to_vec()));
    }
    let mut by_key: BTreeMap<(i64, String, i32), procedure_version::Model> = versions
        .all(db)
        .await?
        .into_iter()
        .map(|v| ((v.tenant_id, v.procedure_code.clone(), v.version), v))
        .collect();
    let mut out: BTreeMap<i64, Vec<Published>> = BTreeMap::new();
    for p in live {
        if let Some(v) = by_key.remove(&(p.tenant_id, p.code.clone(), p.current_version)) {
            out.entry(p.tenant_id).or_default().push(v.into());
        }
    }
    Ok(out)
}
