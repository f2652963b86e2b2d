//! Proof that no dossier history was altered: every stored event is checked against the hash
//! chain of its dossier (see [`crate::history`]), tenant by tenant, a page of dossiers at a
//! time so that memory stays flat however many dossiers there are.
//!
//! What the chain proves: an event changed, removed, inserted or reordered anywhere before a
//! dossier's last event breaks it, and the first broken link is named. What it cannot prove
//! alone: that the newest events were not cut off together, or that someone able to rewrite the
//! whole table did not recompute every hash; both need the chain heads kept outside the
//! database (the national portal's copy, a signed export), which is outside this check.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{dossier, dossier_event};
use crate::history::{self, BrokenLink, StoredEvent};
use crate::{Store, StoreError, TenantId};

/// Dossiers checked per query.
const PAGE: u64 = 500;

/// What a verification found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Dossiers whose history was checked.
    pub dossiers: u64,
    /// Events checked.
    pub events: u64,
    /// Each broken history, at its first broken link.
    pub broken: Vec<BrokenLink>,
}

impl AuditReport {
    /// Whether every history holds.
    pub fn intact(&self) -> bool {
        self.broken.is_empty()
    }
}

/// Verifies the history of every dossier of `tenant`, or of every tenant with `None`.
pub async fn verify(store: &Store, tenant: Option<TenantId>) -> Result<AuditReport, StoreError> {
    let db = store.platform();
    let mut report = AuditReport::default();
    let mut after = 0_i64;
    loop {
        let mut page = dossier::Entity::find()
            .select_only()
            .column(dossier::Column::Id)
            .column(dossier::Column::Code)
            .filter(dossier::Column::Id.gt(after))
            .order_by_asc(dossier::Column::Id)
            .limit(PAGE);
        if let Some(t) = tenant {
            page = page.filter(dossier::Column::TenantId.eq(t.0));
        }
        let dossiers: Vec<(i64, String)> = page.into_tuple().all(db).await?;
        let Some(&(last, _)) = dossiers.last() else {
            break;
        };
        let ids: Vec<i64> = dossiers.iter().map(|(id, _)| *id).collect();
        let mut events: BTreeMap<i64, Vec<StoredEvent>> = BTreeMap::new();
        for e in dossier_event::Entity::find()
            .filter(dossier_event::Column::DossierId.is_in(ids))
            .order_by_asc(dossier_event::Column::DossierId)
            .order_by_asc(dossier_event::Column::Seq)
            .all(db)
            .await?
        {
            events
                .entry(e.dossier_id)
                .or_default()
                .push(StoredEvent::from(e));
        }
        for (id, code) in &dossiers {
            let chain = events.remove(id).unwrap_or_default();
            report.dossiers += 1;
            report.events += chain.len() as u64;
            // Every dossier's history starts with its receipt: an empty one was deleted.
            let checked = if chain.is_empty() {
                Err(BrokenLink {
                    dossier: code.clone(),
                    seq: 1,
                })
            } else {
                history::verify(code, &chain)
            };
            if let Err(broken) = checked {
                report.broken.push(broken);
            }
        }
        after = last;
    }
    Ok(report)
}
