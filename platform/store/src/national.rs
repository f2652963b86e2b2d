//! Storage of the exchange with the national public service portal: dossiers forwarded from
//! there, found again by their national code, and the log of every message exchanged.
//!
//! Rules kept here:
//! - a forwarded dossier keeps its national code (`dossiers.national_code`), unique per tenant:
//!   a forward repeated, even two sent at once on different nodes, gives the dossier the first
//!   one created (the unique index decides, the loser reads the winner's dossier), as
//!   [`crate::dossiers::receive`] does with idempotency keys;
//! - the log is append-only: a message's payload is kept as received with its sha256, next to
//!   the answer given, whatever the outcome.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::dossiers::{Dossier, NewDossier, Received, from_row, insert};
use crate::entity::{dossier, national_exchange};
use crate::{Store, StoreError, TenantId};

/// Which way a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the national portal to the platform.
    Inbound,
    /// Sent by the platform to the national portal.
    Outbound,
}

impl Direction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "in",
            Self::Outbound => "out",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "in" => Some(Self::Inbound),
            "out" => Some(Self::Outbound),
            _ => None,
        }
    }
}

/// A message to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewExchange {
    /// Which way it went.
    pub direction: Direction,
    /// What it was for (`dossier` for a dossier push, ...).
    pub service: String,
    /// The national dossier code it names, when it could be read.
    pub national_code: Option<String>,
    /// The local dossier it concerns, when there is one.
    pub dossier_id: Option<i64>,
    /// Who sent it (`token:3`) or to whom it went.
    pub caller: String,
    /// The hex sha256 of the payload's bytes.
    pub payload_sha256: String,
    /// The payload, as sent (invalid UTF-8 replaced).
    pub payload: String,
    /// The national error code answered (`00` for success).
    pub error_code: String,
    /// The platform's own code for the outcome (`created`, `replayed`, `invalid_form`...).
    pub outcome: String,
    /// The message answered.
    pub message: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A logged message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Its id, in the order messages were logged.
    pub id: i64,
    /// What was logged.
    pub entry: NewExchange,
}

fn exchange_of(m: national_exchange::Model) -> Result<Exchange, StoreError> {
    Ok(Exchange {
        id: m.id,
        entry: NewExchange {
            direction: Direction::parse(&m.direction).ok_or_else(|| {
                StoreError::Corrupt(format!("national exchange {}: direction", m.id))
            })?,
            service: m.service,
            national_code: m.national_code,
            dossier_id: m.dossier_id,
            caller: m.caller,
            payload_sha256: m.payload_sha256,
            payload: m.payload,
            error_code: m.error_code,
            outcome: m.outcome,
            message: m.message,
            at: m.at,
        },
    })
}

async fn by_national_code(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    national_code: &str,
) -> Result<Option<Dossier>, StoreError> {
    dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::NationalCode.eq(national_code))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// The dossier forwarded with `national_code`, if any.
pub async fn find_forwarded(
    store: &Store,
    tenant: TenantId,
    national_code: &str,
) -> Result<Option<Dossier>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_national_code(&txn, tenant, national_code).await?;
    txn.commit().await?;
    Ok(found)
}

/// The national code of a dossier, when it was forwarded by the national portal.
pub async fn national_code_of(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Option<String>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let row = dossier::Entity::find_by_id(dossier_id)
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(row.and_then(|r| r.national_code))
}

/// Receives a dossier forwarded by the national portal with `national_code`: as
/// [`crate::dossiers::receive`], the national code taking the place of the idempotency key. A
/// code already used for a dossier of another procedure is a [`StoreError::Conflict`].
pub async fn receive_forwarded(
    store: &Store,
    tenant: TenantId,
    new: NewDossier,
    national_code: &str,
) -> Result<Received, StoreError> {
    let existing = find_forwarded(store, tenant, national_code).await?;
    if let Some(d) = existing {
        return replay(d, &new, national_code);
    }
    match insert(store, tenant, &new, Some(national_code)).await {
        Ok(d) => Ok(Received::Created(d)),
        Err(e) if e.is_unique_violation() => {
            // A concurrent forward of the same dossier won; answer with its dossier.
            match find_forwarded(store, tenant, national_code).await? {
                Some(d) => replay(d, &new, national_code),
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

fn replay(
    existing: Dossier,
    new: &NewDossier,
    national_code: &str,
) -> Result<Received, StoreError> {
    if existing.procedure_code != new.procedure_code {
        return Err(StoreError::Conflict(format!(
            "the national dossier code {national_code} was already received as dossier {} of another procedure",
            existing.code
        )));
    }
    Ok(Received::Replayed(existing))
}

/// Logs a message.
pub async fn record(
    store: &Store,
    tenant: TenantId,
    entry: &NewExchange,
) -> Result<Exchange, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let row = national_exchange::Entity::insert(national_exchange::ActiveModel {
        tenant_id: Set(tenant.0),
        direction: Set(entry.direction.as_str().to_owned()),
        service: Set(entry.service.clone()),
        national_code: Set(entry.national_code.clone()),
        dossier_id: Set(entry.dossier_id),
        caller: Set(entry.caller.clone()),
        payload_sha256: Set(entry.payload_sha256.clone()),
        payload: Set(entry.payload.clone()),
        error_code: Set(entry.error_code.clone()),
        outcome: Set(entry.outcome.clone()),
        message: Set(entry.message.clone()),
        at: Set(entry.at),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    txn.commit().await?;
    exchange_of(row)
}

/// The messages logged about a dossier, oldest first.
pub async fn exchanges_of(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Vec<Exchange>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = national_exchange::Entity::find()
        .filter(national_exchange::Column::TenantId.eq(tenant.0))
        .filter(national_exchange::Column::DossierId.eq(dossier_id))
        .order_by_asc(national_exchange::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(exchange_of).collect()
}

/// The messages logged that name `national_code`, oldest first (refused ones included, which
/// concern no local dossier).
pub async fn exchanges_naming(
    store: &Store,
    tenant: TenantId,
    national_code: &str,
) -> Result<Vec<Exchange>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = national_exchange::Entity::find()
        .filter(national_exchange::Column::TenantId.eq(tenant.0))
        .filter(national_exchange::Column::NationalCode.eq(national_code))
        .order_by_asc(national_exchange::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(exchange_of).collect()
}
