//! API tokens: what a tenant's programs present as `Authorization: Bearer ...`.
//!
//! Only the sha256 of a token's secret is stored; the secret itself is shown once when the token
//! is created and cannot be read back. A token belongs to one tenant, carries its scopes
//! (`object:action` strings) and is refused once revoked or past its expiry.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::api_token;
use crate::{Store, StoreError, TenantId};

/// A token to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    /// What it is for, as its creator named it.
    pub name: String,
    /// The hex sha256 of its secret.
    pub secret_sha256: String,
    /// Its scopes, `object:action` each.
    pub scopes: Vec<String>,
    /// The official who created it (`None` when a platform operator did).
    pub created_by: Option<i64>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A stored token (without its secret, which is not kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredToken {
    /// Its id.
    pub id: i64,
    /// Its tenant.
    pub tenant: TenantId,
    /// Its name.
    pub name: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// The official who created it.
    pub created_by: Option<i64>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl StoredToken {
    /// Whether the token is accepted at `now`.
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

impl TryFrom<api_token::Model> for StoredToken {
    type Error = StoreError;

    fn try_from(m: api_token::Model) -> Result<Self, StoreError> {
        let scopes = serde_json::from_str(&m.scopes)
            .map_err(|e| StoreError::Corrupt(format!("scopes of API token {}: {e}", m.id)))?;
        Ok(Self {
            id: m.id,
            tenant: TenantId(m.tenant_id),
            name: m.name,
            scopes,
            created_by: m.created_by,
            created_at: m.created_at,
            expires_at: m.expires_at,
            revoked_at: m.revoked_at,
            last_used_at: m.last_used_at,
        })
    }
}

/// Stores a new token of `tenant`.
pub async fn create(
    store: &Store,
    tenant: TenantId,
    new: &NewToken,
) -> Result<StoredToken, StoreError> {
    let scopes = serde_json::to_string(&new.scopes)
        .map_err(|e| StoreError::Corrupt(format!("scopes: {e}")))?;
    let txn = store.tenant_txn(tenant).await?;
    let model = api_token::Entity::insert(api_token::ActiveModel {
        tenant_id: Set(tenant.0),
        name: Set(new.name.clone()),
        secret_sha256: Set(new.secret_sha256.clone()),
        scopes: Set(scopes),
        created_by: Set(new.created_by),
        created_at: Set(Utc::now()),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    txn.commit().await?;
    model.try_into()
}

/// Every token of `tenant`, newest first, revoked and expired ones included.
pub async fn list(store: &Store, tenant: TenantId) -> Result<Vec<StoredToken>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = api_token::Entity::find()
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .order_by_desc(api_token::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(StoredToken::try_from).collect()
}

/// The token of `tenant` whose secret has this sha256, whatever its state.
pub async fn by_secret(
    store: &Store,
    tenant: TenantId,
    secret_sha256: &str,
) -> Result<Option<StoredToken>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let row = api_token::Entity::find()
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .filter(api_token::Column::SecretSha256.eq(secret_sha256))
        .one(&txn)
        .await?;
    txn.commit().await?;
    row.map(StoredToken::try_from).transpose()
}

/// Revokes a token of `tenant`; revoking it again changes nothing. [`StoreError::NotFound`] when
/// the tenant has no such token.
pub async fn revoke(store: &Store, tenant: TenantId, id: i64) -> Result<StoredToken, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let row = api_token::Entity::find()
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .filter(api_token::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("API token {id}")))?;
    txn.commit().await?;
    row.try_into()
}

/// Notes that a token was used at `now`, unless that was already noted in the last minute (a
/// busy program must not turn every request into a write).
pub async fn touch(
    store: &Store,
    tenant: TenantId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::TenantId.eq(tenant.0))
        .filter(api_token::Column::Id.eq(id))
        .filter(
            api_token::Column::LastUsedAt
                .is_null()
                .or(api_token::Column::LastUsedAt.lt(now - chrono::Duration::minutes(1))),
        )
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
