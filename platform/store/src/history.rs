//! Each dossier's history: append-only events, each carrying the hash of the one before, so
//! that an altered, removed or inserted event breaks the chain and is found by
//! [`verify`].
//!
//! An event's hash is the sha256 of its predecessor's hash, its sequence number, time, actor,
//! kind and payload, the payload written as canonical JSON (object keys sorted, no spaces) and
//! stored as that exact text, so the hash can be recomputed from what is stored. The first
//! event's predecessor hash is derived from the dossier code, tying the chain to its dossier.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::entity::dossier_event;
use crate::{StoreError, TenantId};

/// An event to append.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (an official's id, the applicant, `system`).
    pub actor: String,
    /// The event's type.
    pub kind: String,
    /// Its data.
    pub payload: serde_json::Value,
}

/// A stored event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Position in the dossier's history, from 1.
    pub seq: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// The type.
    pub kind: String,
    /// The data, as canonical JSON text.
    pub payload: String,
    /// This event's hash.
    pub hash: String,
}

pub use motcua_core::json::canonical_json;

/// The predecessor hash of a dossier's first event.
pub fn genesis(dossier_code: &str) -> String {
    hex::encode(Sha256::digest(
        format!("motcua-dossier:{dossier_code}").as_bytes(),
    ))
}

/// The hash of an event.
pub fn event_hash(
    prev: &str,
    seq: i32,
    at: DateTime<Utc>,
    actor: &str,
    kind: &str,
    payload: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        &at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor,
        kind,
        payload,
    ] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// Appends events to a dossier's history, inside the caller's transaction. `last` is the
/// dossier's last stored event (sequence and hash), `None` for a new dossier.
pub(crate) async fn append(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier_id: i64,
    dossier_code: &str,
    last: Option<(i32, String)>,
    events: &[NewEvent],
) -> Result<(), StoreError> {
    let (mut seq, mut prev) = last.unwrap_or_else(|| (0, genesis(dossier_code)));
    if events.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(events.len());
    for e in events {
        seq += 1;
        // Stored times have microsecond precision; hash what is stored.
        let at = DateTime::from_timestamp_micros(e.at.timestamp_micros()).unwrap_or(e.at);
        let payload = canonical_json(&e.payload);
        let hash = event_hash(&prev, seq, at, &e.actor, &e.kind, &payload);
        rows.push(dossier_event::ActiveModel {
            tenant_id: Set(tenant.0),
            dossier_id: Set(dossier_id),
            seq: Set(seq),
            at: Set(at),
            actor: Set(e.actor.clone()),
            kind: Set(e.kind.clone()),
            payload: Set(payload),
            prev_hash: Set(prev.clone()),
            hash: Set(hash.clone()),
        });
        prev = hash;
    }
    dossier_event::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The last event of a dossier: its sequence and hash.
pub(crate) async fn last(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Option<(i32, String)>, StoreError> {
    Ok(dossier_event::Entity::find()
        .filter(dossier_event::Column::TenantId.eq(tenant.0))
        .filter(dossier_event::Column::DossierId.eq(dossier_id))
        .order_by_desc(dossier_event::Column::Seq)
        .one(db)
        .await?
        .map(|e| (e.seq, e.hash)))
}

/// A dossier's history, in order.
pub async fn events(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Vec<StoredEvent>, StoreError> {
    Ok(dossier_event::Entity::find()
        .filter(dossier_event::Column::TenantId.eq(tenant.0))
        .filter(dossier_event::Column::DossierId.eq(dossier_id))
        .order_by_asc(dossier_event::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(StoredEvent::from)
        .collect())
}

/// The steps each of `dossiers` entered, in each one's order: (dossier id, when, step). A few
/// queries for a whole listing that needs every row's path (the ledger's hand-over columns),
/// instead of one history read per row.
pub async fn steps_entered(
    store: &crate::Store,
    tenant: TenantId,
    dossiers: &[i64],
) -> Result<Vec<(i64, DateTime<Utc>, String)>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let mut out = Vec::new();
    for chunk in dossiers.chunks(500) {
        let rows = dossier_event::Entity::find()
            .filter(dossier_event::Column::TenantId.eq(tenant.0))
            .filter(dossier_event::Column::DossierId.is_in(chunk.iter().copied()))
            .filter(dossier_event::Column::Kind.eq("step_entered"))
            .order_by_asc(dossier_event::Column::DossierId)
            .order_by_asc(dossier_event::Column::Seq)
            .all(&txn)
            .await?;
        out.extend(rows.into_iter().filter_map(|e| {
            let payload: serde_json::Value = serde_json::from_str(&e.payload).ok()?;
            let step = payload.get("step")?.as_str()?.to_owned();
            Some((e.dossier_id, e.at, step))
        }));
    }
    txn.commit().await?;
    Ok(out)
}

impl From<dossier_event::Model> for StoredEvent {
    fn from(e: dossier_event::Model) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            kind: e.kind,
            payload: e.payload,
            hash: e.hash,
        }
    }
}

/// Where a history's chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "event {seq} of dossier {dossier} does not match its hash: the history was altered at or before it"
)]
pub struct BrokenLink {
    /// The dossier.
    pub dossier: String,
    /// The first event whose hash does not hold.
    pub seq: i32,
}

/// Checks a history against its chain; `Err` names the first broken link.
pub fn verify(dossier_code: &str, events: &[StoredEvent]) -> Result<(), BrokenLink> {
    let mut prev = genesis(dossier_code);
    for (i, e) in events.iter().enumerate() {
        let expected_seq = i32::try_from(i + 1).unwrap_or(i32::MAX);
        let hash = event_hash(&prev, e.seq, e.at, &e.actor, &e.kind, &e.payload);
        if e.seq != expected_seq || hash != e.hash {
            return Err(BrokenLink {
                dossier: dossier_code.to_owned(),
                seq: expected_seq.min(e.seq),
            });
        }
        prev = hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = json!({"b": 1, "a": {"d": [1, {"z": true, "y": null}], "c": "x"}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}"#
        );
    }

    fn chain(n: i32) -> Vec<StoredEvent> {
        let at = DateTime::parse_from_rfc3339("2026-03-02T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut prev = genesis("X");
        (1..=n)
            .map(|seq| {
                let payload = format!("{{\"n\":{seq}}}");
                let hash = event_hash(&prev, seq, at, "system", "tick", &payload);
                prev = hash.clone();
                StoredEvent {
                    seq,
                    at,
                    actor: "system".into(),
                    kind: "tick".into(),
                    payload,
                    hash,
                }
            })
            .collect()
    }

    #[test]
    fn a_chain_verifies_and_names_the_first_broken_link() {
        let events = chain(5);
        assert_eq!(verify("X", &events), Ok(()));
        assert_eq!(
            verify("Y", &events).unwrap_err().seq,
            1,
            "the chain belongs to its dossier"
        );
        let mut altered = events.clone();
        altered[2].payload = "{\"n\":99}".into();
        assert_eq!(verify("X", &altered).unwrap_err().seq, 3);
        let mut removed = events.clone();
        removed.remove(1);
        assert_eq!(verify("X", &removed).unwrap_err().seq, 2);
        let mut reordered = events;
        reordered.swap(3, 4);
        assert_eq!(verify("X", &reordered).unwrap_err().seq, 4);
    }
}
