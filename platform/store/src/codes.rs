//! Dossier codes (Art. 19): one counter row per tenant, receiving unit and Vietnam-time day,
//! incremented by an atomic upsert inside the transaction that stores the dossier.
//!
//! Because the increment and the dossier insert commit together, a failed submission gives its
//! number back (no gaps) and two nodes can never issue the same number: the row lock taken by
//! the upsert serialises writers of the same unit and day, and writers of different units never
//! wait for each other. Past 9,999 the transaction is refused with
//! [`StoreError::CodesExhausted`]; the counter is left at 9,999 by the rollback, so every later
//! attempt that day is refused too, never wrapped.

use chrono::NaiveDate;
use motcua_core::codes::{DossierCode, DossierSequence, EntityCode};
use sea_orm::{ConnectionTrait, Statement};

use crate::{StoreError, TenantId};

/// Issues the next code of `unit` for `day`. Call it inside the transaction that stores the
/// dossier, obtained from [`crate::Store::tenant_txn`].
pub async fn next_dossier_code(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    unit: EntityCode,
    day: NaiveDate,
) -> Result<DossierCode, StoreError> {
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO dossier_code_counters (tenant_id, unit_code, day, last_seq) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (tenant_id, unit_code, day) \
             DO UPDATE SET last_seq = dossier_code_counters.last_seq + 1 \
             RETURNING last_seq",
            [tenant.0.into(), unit.to_string().into(), day.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::Corrupt("the code counter upsert returned no row".into()))?;
    let seq: i32 = row.try_get_by_index(0)?;
    let exhausted = || StoreError::CodesExhausted {
        unit: unit.to_string(),
        day,
    };
    let sequence = u32::try_from(seq)
        .ok()
        .and_then(DossierSequence::new)
        .ok_or_else(exhausted)?;
    DossierCode::new(unit, day, sequence)
        .ok_or_else(|| StoreError::Corrupt(format!("no dossier code for {day}")))
}
