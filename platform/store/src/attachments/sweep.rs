//! The sweep: deletes uploads nobody attached before they expired, blobs that no row refers to
//! any more, and staged bytes that were never recorded.
//!
//! Rules it keeps:
//! - a blob is deleted only once it is older than the grace period (by the object store's
//!   last-modified time) and, checked under the blob's lock (see the module above), no upload or
//!   document row refers to it; a writer that wants the blob waits for the lock and then finds
//!   it gone and writes it again;
//! - candidates are first filtered without locks, a batch at a time, so that a store of mostly
//!   referenced blobs costs a few queries per batch rather than a transaction per blob; blobs are
//!   deleted after the listing, never while it walks;
//! - several nodes may sweep at once: a blob deleted by another is simply gone.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{AttachmentError, lock_blob};
use crate::blobs::{Blobs, ContentHash, ListedBlob};
use crate::entity::{attachment_upload, complaint_attachment, dossier_document};
use crate::{Store, StoreError, TenantId};

/// Blobs checked together against the rows.
const BATCH: usize = 256;

/// What a sweep deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Uploads past their expiry.
    pub expired_uploads: u64,
    /// Blobs no row referred to.
    pub blobs: u64,
    /// Staged bytes never recorded.
    pub staged: u64,
}

/// Deletes expired uploads, then every blob older than `older_than` that no upload or document
/// row refers to, and staged bytes older than `older_than`.
pub async fn sweep(
    store: &Store,
    blobs: &Blobs,
    older_than: Duration,
) -> Result<Swept, AttachmentError> {
    let now = Utc::now();
    let cutoff = now
        - chrono::Duration::from_std(older_than)
            .map_err(|_| StoreError::Corrupt("grace period out of range".into()))?;
    let mut swept = Swept {
        expired_uploads: expire_uploads(store, now).await?,
        ..Swept::default()
    };

    let mut listing = blobs.list_blobs();
    let mut batch = Vec::with_capacity(BATCH);
    let mut doomed = Vec::new();
    while let Some(blob) = listing.next().await {
        let blob = blob?;
        if blob.last_modified < cutoff {
            batch.push(blob);
        }
        if batch.len() == BATCH {
            doomed.extend(unreferenced(store, std::mem::take(&mut batch)).await?);
        }
    }
    doomed.extend(unreferenced(store, batch).await?);
    drop(listing);
    for blob in doomed {
        if delete_if_unreferenced(store, blobs, &blob).await? {
            swept.blobs += 1;
        }
    }

    let mut staged = Vec::new();
    let mut listing = blobs.list_staged();
    while let Some(meta) = listing.next().await {
        let meta = meta?;
        if meta.last_modified < cutoff {
            staged.push(meta.location);
        }
    }
    drop(listing);
    for key in staged {
        blobs.delete_staged(&key).await?;
        swept.staged += 1;
    }
    if swept != Swept::default() {
        tracing::info!(
            expired_uploads = swept.expired_uploads,
            blobs = swept.blobs,
            staged = swept.staged,
            "attachments swept"
        );
    }
    Ok(swept)
}

/// Sweeps every `every`, with a grace period of `older_than`, until the task is dropped: what
/// each node runs (several sweeping at once is safe).
pub async fn sweep_every(store: Store, blobs: Blobs, every: Duration, older_than: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = sweep(&store, &blobs, older_than).await {
            tracing::warn!(error = %e, "attachment sweep failed; trying again later");
        }
    }
}

/// Deletes the uploads past their expiry, tenant by tenant.
async fn expire_uploads(store: &Store, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let tenants: Vec<i64> = attachment_upload::Entity::find()
        .select_only()
        .column(attachment_upload::Column::TenantId)
        .distinct()
        .filter(attachment_upload::Column::ExpiresAt.lte(now))
        .into_tuple()
        .all(store.platform())
        .await?;
    let mut deleted = 0;
    for tenant in tenants {
        let txn = store.tenant_txn(TenantId(tenant)).await?;
        deleted += attachment_upload::Entity::delete_many()
            .filter(attachment_upload::Column::TenantId.eq(tenant))
            .filter(attachment_upload::Column::ExpiresAt.lte(now))
            .exec(&txn)
            .await?
            .rows_affected;
        txn.commit().await?;
    }
    Ok(deleted)
}

/// The blobs of `batch` that no row refers to now (to be checked again under their lock).
async fn unreferenced(
    store: &Store,
    batch: Vec<ListedBlob>,
) -> Result<Vec<ListedBlob>, StoreError> {
    let mut by_tenant: BTreeMap<TenantId, Vec<ListedBlob>> = BTreeMap::new();
    for blob in batch {
        by_tenant.entry(blob.tenant).or_default().push(blob);
    }
    let mut found = Vec::new();
    for (tenant, blobs) in by_tenant {
        let hashes: Vec<String> = blobs.iter().map(|b| b.hash.to_string()).collect();
        let txn = store.tenant_read(tenant).await?;
        let mut referenced: HashSet<String> = attachment_upload::Entity::find()
            .select_only()
            .column(attachment_upload::Column::Sha256)
            .filter(attachment_upload::Column::TenantId.eq(tenant.0))
            .filter(attachment_upload::Column::Sha256.is_in(hashes.clone()))
            .into_tuple::<String>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        referenced.extend(
            dossier_document::Entity::find()
                .select_only()
                .column(dossier_document::Column::Sha256)
                .filter(dossier_document::Column::TenantId.eq(tenant.0))
                .filter(dossier_document::Column::Sha256.is_in(hashes.clone()))
                .into_tuple::<String>()
                .all(&txn)
                .await?,
        );
        referenced.extend(
            complaint_attachment::Entity::find()
                .select_only()
                .column(complaint_attachment::Column::Sha256)
                .filter(complaint_attachment::Column::TenantId.eq(tenant.0))
                .filter(complaint_attachment::Column::Sha256.is_in(hashes))
                .into_tuple::<String>()
                .all(&txn)
                .await?,
        );
        txn.commit().await?;
        found.extend(
            blobs
                .into_iter()
                .filter(|b| !referenced.contains(&b.hash.to_string())),
        );
    }
    Ok(found)
}

/// Whether a row of `tenant` refers to the blob.
async fn referenced(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    hash: &ContentHash,
) -> Result<bool, StoreError> {
    let hex = hash.to_string();
    // Uploads first: attaching deletes the upload row and adds the document row at once, so a
    // blob being attached is seen either as an upload's or, later, as a document's.
    let upload = attachment_upload::Entity::find()
        .filter(attachment_upload::Column::TenantId.eq(tenant.0))
        .filter(attachment_upload::Column::Sha256.eq(hex.as_str()))
        .one(db)
        .await?;
    if upload.is_some() {
        return Ok(true);
    }
    let document = dossier_document::Entity::find()
        .filter(dossier_document::Column::TenantId.eq(tenant.0))
        .filter(dossier_document::Column::Sha256.eq(hex.as_str()))
        .one(db)
        .await?;
    if document.is_some() {
        return Ok(true);
    }
    // A complaint's files are taken from uploads the same way (`take_upload_in`).
    let complaint = complaint_attachment::Entity::find()
        .filter(complaint_attachment::Column::TenantId.eq(tenant.0))
        .filter(complaint_attachment::Column::Sha256.eq(hex.as_str()))
        .one(db)
        .await?;
    Ok(complaint.is_some())
}

/// Deletes a blob if, under its lock, no row refers to it; whether it did.
async fn delete_if_unreferenced(
    store: &Store,
    blobs: &Blobs,
    blob: &ListedBlob,
) -> Result<bool, AttachmentError> {
    let txn = store.tenant_txn(blob.tenant).await?;
    lock_blob(&txn, blob.tenant, &blob.hash).await?;
    if referenced(&txn, blob.tenant, &blob.hash).await? {
        return Ok(false);
    }
    // Deleted while the lock is held: no writer can record a row for it meanwhile.
    blobs.delete(blob.tenant, &blob.hash).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(true)
}
