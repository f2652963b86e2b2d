//! Online payments of dossiers' fees, in storage (level-4 procedures, Art. 16.2.c).
//!
//! A payment is one attempt to pay a dossier's fees at the payment gateway, known to the gateway
//! by its order id (unique across the platform). It is created `pending` and settled once, by the
//! gateway's verified callback: `paid`, `failed` (declined) or `cancelled`. Settling is
//! idempotent: a callback for a payment already settled changes nothing (gateways repeat their
//! callbacks until they are acknowledged). Another attempt after a failure is a new payment.
//!
//! At most one payment of a dossier is pending at a time (a partial unique index, m0021): a
//! second [`create`] while one is pending creates nothing. A pending payment left past the
//! portal's open window is closed by [`expire`] (or settled paid, when the gateway says so);
//! a paid callback arriving after that still settles it as paid.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::payment as row;
use crate::{Store, StoreError, TenantId};

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Sent to the gateway; no verified callback yet.
    Pending,
    /// The gateway confirmed the payment.
    Paid,
    /// The gateway declined it (card refused, insufficient funds...).
    Failed,
    /// The payer cancelled it at the gateway.
    Cancelled,
    /// Left unpaid past the open window, and not paid at the gateway when asked.
    Expired,
}

impl PaymentStatus {
    /// Its stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// The status stored as `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "paid" => Self::Paid,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            "expired" => Self::Expired,
            _ => return None,
        })
    }
}

/// A payment as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// Its id.
    pub id: i64,
    /// The dossier whose fees it pays.
    pub dossier_id: i64,
    /// The gateway's order id.
    pub order_id: String,
    /// The amount, in đồng.
    pub amount: i64,
    /// Where it stands.
    pub status: PaymentStatus,
    /// The provider it went to (`sandbox`...).
    pub provider: String,
    /// The gateway's reference of the transaction, once settled.
    pub provider_ref: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The verified callback that settled it (JSON of its fields), as received.
    pub callback: Option<String>,
}

fn from_row(r: row::Model) -> Result<Payment, StoreError> {
    let status = PaymentStatus::parse(&r.status)
        .ok_or_else(|| StoreError::Corrupt(format!("payment status `{}`", r.status)))?;
    Ok(Payment {
        id: r.id,
        dossier_id: r.dossier_id,
        order_id: r.order_id,
        amount: r.amount,
        status,
        provider: r.provider,
        provider_ref: r.provider_ref,
        created_at: r.created_at,
        updated_at: r.updated_at,
        callback: r.callback,
    })
}

/// A payment to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPayment {
    /// The dossier whose fees it pays.
    pub dossier_id: i64,
    /// The gateway's order id (unique).
    pub order_id: String,
    /// The amount, in đồng.
    pub amount: i64,
    /// The provider it goes to.
    pub provider: String,
    /// When.
    pub at: DateTime<Utc>,
}

async fn by_order(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    order_id: &str,
) -> Result<Option<Payment>, StoreError> {
    row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::OrderId.eq(order_id))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Stores a new pending payment; `None`, with nothing stored, when another payment of the
/// dossier is pending (two starts at once: the later one loses).
pub async fn create(
    store: &Store,
    tenant: TenantId,
    new: NewPayment,
) -> Result<Option<Payment>, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let inserted = row::Entity::insert(row::ActiveModel {
        tenant_id: Set(tenant.0),
        dossier_id: Set(new.dossier_id),
        order_id: Set(new.order_id.clone()),
        amount: Set(new.amount),
        status: Set(PaymentStatus::Pending.as_str().to_owned()),
        provider: Set(new.provider),
        provider_ref: Set(None),
        created_at: Set(new.at),
        updated_at: Set(new.at),
        callback: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(StoreError::from);
    match inserted {
        Ok(_) => {}
        // The order id is random: the index that refused the row is the one of open orders.
        Err(e) if e.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e),
    }
    let payment = by_order(&txn, tenant, &new.order_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the new payment vanished".into()))?;
    txn.commit().await?;
    Ok(Some(payment))
}

/// The payments of `tenant` pending since before `before`, oldest first, at most `limit`.
pub async fn pending_before(
    store: &Store,
    tenant: TenantId,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Payment>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Status.eq(PaymentStatus::Pending.as_str()))
        .filter(row::Column::CreatedAt.lt(before))
        .order_by_asc(row::Column::Id)
        .limit(limit)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// Marks the payment `order_id` of `tenant` expired if it is still pending; whether it was.
pub async fn expire(
    store: &Store,
    tenant: TenantId,
    order_id: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let updated = row::Entity::update_many()
        .col_expr(
            row::Column::Status,
            Expr::value(PaymentStatus::Expired.as_str()),
        )
        .col_expr(row::Column::UpdatedAt, Expr::value(at))
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::OrderId.eq(order_id))
        .filter(row::Column::Status.eq(PaymentStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(updated.rows_affected == 1)
}

/// The payment of `tenant` with `order_id`, or `None` (also when it is another tenant's).
pub async fn find_order(
    store: &Store,
    tenant: TenantId,
    order_id: &str,
) -> Result<Option<Payment>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_order(&txn, tenant, order_id).await?;
    txn.commit().await?;
    Ok(found)
}

/// The payments of dossier `dossier_id` of `tenant`, the latest first.
pub async fn of_dossier(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Vec<Payment>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::DossierId.eq(dossier_id))
        .order_by_desc(row::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// How a pending payment is settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// Paid, failed or cancelled.
    pub status: PaymentStatus,
    /// The gateway's reference of the transaction, when it gave one (a settlement found by
    /// asking the gateway has none).
    pub provider_ref: Option<String>,
    /// The verified callback (JSON of its fields), as received, or what the gateway answered.
    pub callback: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What settling did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The payment was pending and is now settled.
    Applied(Payment),
    /// The payment was settled already: nothing changed.
    Unchanged(Payment),
}

/// The statuses a settlement as `to` may replace: a pending payment settles; a payment the
/// gateway reported failed or cancelled, or that expired, still becomes paid when its paid
/// callback comes late (the money was taken); a paid one never changes.
fn settleable(to: PaymentStatus) -> Vec<&'static str> {
    let mut from = vec![PaymentStatus::Pending.as_str()];
    if to == PaymentStatus::Paid {
        from.extend([
            PaymentStatus::Failed.as_str(),
            PaymentStatus::Cancelled.as_str(),
            PaymentStatus::Expired.as_str(),
        ]);
    }
    from
}

/// Settles the pending payment `order_id` of `tenant` ([`settleable`]); a payment settled
/// already is otherwise left as it is. `None` when `tenant` has no such payment.
pub async fn settle(
    store: &Store,
    tenant: TenantId,
    order_id: &str,
    settlement: Settlement,
) -> Result<Option<Settled>, StoreError> {
    if matches!(
        settlement.status,
        PaymentStatus::Pending | PaymentStatus::Expired
    ) {
        return Err(StoreError::Conflict(
            "a payment is settled as paid, failed or cancelled".into(),
        ));
    }
    let txn = store.tenant_txn(tenant).await?;
    let updated = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(settlement.status.as_str()))
        .col_expr(
            row::Column::ProviderRef,
            Expr::value(settlement.provider_ref),
        )
        .col_expr(row::Column::Callback, Expr::value(settlement.callback))
        .col_expr(row::Column::UpdatedAt, Expr::value(settlement.at))
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::OrderId.eq(order_id))
        .filter(row::Column::Status.is_in(settleable(settlement.status)))
        .exec(&txn)
        .await?;
    let found = by_order(&txn, tenant, order_id).await?;
    txn.commit().await?;
    Ok(found.map(|p| {
        if updated.rows_affected == 1 {
            Settled::Applied(p)
        } else {
            Settled::Unchanged(p)
        }
    }))
}
