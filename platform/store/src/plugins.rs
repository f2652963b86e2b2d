//! Published plugins: per tenant, each `id@version` immutable. Publishing the same bytes again
//! is a no-op; different bytes under a published version are refused (publish a new version).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

use crate::entity::plugin_version;
use crate::{Store, StoreError, TenantId};

/// A published plugin version.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPlugin {
    /// The plugin id.
    pub id: String,
    /// The version.
    pub version: String,
    /// The component's hex sha256.
    pub sha256: String,
    /// The manifest (`plugin.yaml`) text.
    pub manifest: String,
    /// The component.
    pub component: Vec<u8>,
    /// When.
    pub published_at: DateTime<Utc>,
    /// By whom.
    pub published_by: String,
}

impl std::fmt::Debug for StoredPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredPlugin")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("sha256", &self.sha256)
            .field("size", &self.component.len())
            .finish_non_exhaustive()
    }
}

impl From<plugin_version::Model> for StoredPlugin {
    fn from(m: plugin_version::Model) -> Self {
        Self {
            id: m.plugin_id,
            version: m.version,
            sha256: m.sha256,
            manifest: m.manifest,
            component: m.component,
            published_at: m.published_at,
            published_by: m.published_by,
        }
    }
}

/// What publishing did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Published {
    /// A new version.
    New,
    /// The same bytes were already published under this version.
    Unchanged,
}

/// Publishing failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Other bytes are already published under this version.
    #[error(
        "{id}@{version} is already published with other content (sha256 {existing}); versions are immutable, publish a new version"
    )]
    VersionTaken {
        /// The plugin id.
        id: String,
        /// The version.
        version: String,
        /// The published component's sha256.
        existing: String,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Publishes a component with its manifest text as `id@version` for `tenant`.
pub async fn publish(
    store: &Store,
    tenant: TenantId,
    id: &str,
    version: &str,
    manifest: &str,
    component: &[u8],
    by: &str,
) -> Result<Published, PublishError> {
    let sha256 = hex::encode(Sha256::digest(component));
    let txn = store.tenant_txn(tenant).await?;
    let existing =
        plugin_version::Entity::find_by_id((tenant.0, id.to_owned(), version.to_owned()))
            .one(&txn)
            .await
            .map_err(StoreError::from)?;
    if let Some(e) = existing {
        return if e.sha256 == sha256 && e.manifest == manifest {
            Ok(Published::Unchanged)
        } else {
            Err(PublishError::VersionTaken {
                id: id.to_owned(),
                version: version.to_owned(),
                existing: if e.sha256 == sha256 {
                    format!("{}, with another manifest", e.sha256)
                } else {
                    e.sha256
                },
            })
        };
    }
    plugin_version::Entity::insert(plugin_version::ActiveModel {
        tenant_id: Set(tenant.0),
        plugin_id: Set(id.to_owned()),
        version: Set(version.to_owned()),
        sha256: Set(sha256),
        manifest: Set(manifest.to_owned()),
        component: Set(component.to_vec()),
        published_at: Set(Utc::now()),
        published_by: Set(by.to_owned()),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(StoreError::from)?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Published::New)
}

/// The published `id@version` of `tenant`.
pub async fn get(
    store: &Store,
    tenant: TenantId,
    id: &str,
    version: &str,
) -> Result<Option<StoredPlugin>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = plugin_version::Entity::find_by_id((tenant.0, id.to_owned(), version.to_owned()))
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(found.map(StoredPlugin::from))
}

/// Every plugin version `tenant` has published, by id then version.
pub async fn list(store: &Store, tenant: TenantId) -> Result<Vec<StoredPlugin>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = plugin_version::Entity::find()
        .filter(plugin_version::Column::TenantId.eq(tenant.0))
        .order_by_asc(plugin_version::Column::PluginId)
        .order_by_asc(plugin_version::Column::PublishedAt)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(StoredPlugin::from).collect())
}
