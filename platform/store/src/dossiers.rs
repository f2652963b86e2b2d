//! Dossiers in storage: receiving one (code issued in the same transaction) and the public
//! lookup by code.
//!
//! Submission is idempotent: a request repeated with the same idempotency key returns the dossier
//! the first one created, even when both arrive at once on different nodes (the unique index on
//! `(tenant_id, idempotency_key)` decides, and the loser reads the winner's dossier).

use chrono::{DateTime, FixedOffset, Utc};
use motcua_core::codes::{DossierCode, EntityCode};
use motcua_core::dossier::{Applicant, Channel, DossierStatus};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::dossier;
use crate::{Store, StoreError, TenantId, next_dossier_code};

/// Vietnam time, in which dossier codes are dated (Art. 19), whatever the tenant's own zone.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// A dossier to receive.
#[derive(Clone, Debug)]
pub struct NewDossier {
    /// The procedure's national code.
    pub procedure_code: String,
    /// The one-stop desk that receives it; its entity code starts the dossier code.
    pub receiving_unit: EntityCode,
    /// How it arrived.
    pub channel: Channel,
    /// Who it is for.
    pub applicant: Applicant,
    /// The e-form data.
    pub form: serde_json::Value,
    /// The client's key for safe retries, when given.
    pub idempotency_key: Option<String>,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
}

/// A received dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dossier {
    /// Its code.
    pub code: DossierCode,
    /// The procedure's national code.
    pub procedure_code: String,
    /// How it arrived.
    pub channel: Channel,
    /// Where it stands.
    pub status: DossierStatus,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
}

/// The outcome of [`receive`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// A new dossier.
    Created(Dossier),
    /// The dossier an earlier request with the same idempotency key created.
    Replayed(Dossier),
}

impl Received {
    /// The dossier, new or replayed.
    pub fn dossier(&self) -> &Dossier {
        match self {
            Self::Created(d) | Self::Replayed(d) => d,
        }
    }
}

fn from_row(row: dossier::Model) -> Result<Dossier, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("dossier {}: {what}", row.code));
    Ok(Dossier {
        code: row.code.parse().map_err(|_| corrupt("code"))?,
        procedure_code: row.procedure_code.clone(),
        channel: Channel::parse(&row.channel).ok_or_else(|| corrupt("channel"))?,
        status: DossierStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
        received_at: row.received_at,
        due_at: row.due_at,
    })
}

async fn by_idempotency_key(
    db: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    key: &str,
) -> Result<Option<Dossier>, StoreError> {
    dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Receives a dossier: issues its code and stores it, atomically.
pub async fn receive(
    store: &Store,
    tenant: TenantId,
    new: NewDossier,
) -> Result<Received, StoreError> {
    if let Some(key) = &new.idempotency_key {
        let txn = store.tenant_read(tenant).await?;
        let existing = by_idempotency_key(&txn, tenant, key).await?;
        txn.commit().await?;
        if let Some(d) = existing {
            return replay(d, &new);
        }
    }
    match insert(store, tenant, &new).await {
        Ok(d) => Ok(Received::Created(d)),
        Err(e) if e.is_unique_violation() && new.idempotency_key.is_some() => {
            // A concurrent request with the same key won; answer with its dossier.
            let key = new.idempotency_key.as_deref().unwrap_or_default();
            let txn = store.tenant_read(tenant).await?;
            let existing = by_idempotency_key(&txn, tenant, key).await?;
            txn.commit().await?;
            match existing {
                Some(d) => replay(d, &new),
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

fn replay(existing: Dossier, new: &NewDossier) -> Result<Received, StoreError> {
    if existing.procedure_code != new.procedure_code {
        return Err(StoreError::Conflict(format!(
            "the idempotency key was already used for dossier {} of another procedure",
            existing.code
        )));
    }
    Ok(Received::Replayed(existing))
}

async fn insert(store: &Store, tenant: TenantId, new: &NewDossier) -> Result<Dossier, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let day = new.received_at.with_timezone(&vietnam()).date_naive();
    let code = next_dossier_code(&txn, tenant, new.receiving_unit, day).await?;
    let now = Utc::now();
    let status = DossierStatus::Registered;
    let applicant =
        serde_json::to_value(&new.applicant).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    dossier::Entity::insert(dossier::ActiveModel {
        tenant_id: Set(tenant.0),
        code: Set(code.to_string()),
        procedure_code: Set(new.procedure_code.clone()),
        receiving_unit: Set(new.receiving_unit.to_string()),
        channel: Set(new.channel.as_str().to_owned()),
        status: Set(status.as_str().to_owned()),
        applicant_name: Set(new.applicant.name.clone()),
        applicant_id_number: Set(new
            .applicant
            .id_number
            .as_ref()
            .map(|id| id.as_str().to_owned())),
        applicant: Set(applicant),
        form: Set(new.form.clone()),
        idempotency_key: Set(new.idempotency_key.clone()),
        received_at: Set(new.received_at),
        due_at: Set(new.due_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(Dossier {
        code,
        procedure_code: new.procedure_code.clone(),
        channel: new.channel,
        status,
        received_at: new.received_at,
        due_at: new.due_at,
    })
}

/// The dossier with `code` in `tenant`, or `None` (also when the code belongs to another tenant).
pub async fn find(
    store: &Store,
    tenant: TenantId,
    code: &DossierCode,
) -> Result<Option<Dossier>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let row = dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Code.eq(code.to_string()))
        .one(&txn)
        .await?;
    txn.commit().await?;
    row.map(from_row).transpose()
}
