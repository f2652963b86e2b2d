//! Attachments: files uploaded for a procedure, then attached to a dossier.
//!
//! An upload's bytes are staged and hashed ([`crate::blobs`]), then [`record_upload`] moves them
//! to their blob and writes the upload row in one transaction; a dossier takes uploads with
//! [`attach_in`], inside the transaction that receives or moves it ([`crate::dossiers::Change`]'s
//! `attach`), which turns each upload row into a document row.
//!
//! Nothing is orphaned or lost:
//! - a blob is written before any row refers to it; a transaction that fails after the write
//!   leaves an unreferenced blob, which [`sweep`] deletes once it is older than a grace period;
//! - the blob's move to its key and the row that refers to it happen under a lock per blob (a
//!   PostgreSQL advisory lock; on SQLite the write transaction's lock), which the sweep takes too
//!   before it checks that no row refers to a blob and deletes it: a blob can never vanish
//!   between the check that it is stored and the row that needs it;
//! - a document row is only ever written from an upload row, in the transaction that deletes the
//!   upload row: at every moment a referenced blob is referenced by one of them;
//! - an upload nobody attached expires, is deleted by the sweep, and its blob follows unless
//!   something else refers to it.

mod model;
mod sweep;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, Statement,
};

use crate::blobs::{BlobError, Blobs, ContentHash, Staged};
use crate::entity::{attachment_upload, dossier, dossier_document};
use crate::{Store, StoreError, TenantId};

use model::corrupt;
pub use model::{Attach, Document, DocumentKind, NewUpload, Upload, UploadId};
pub use sweep::{Swept, sweep, sweep_every};

/// What went wrong with an attachment.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// The database failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The object store failed or refused.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

/// Takes the lock of one tenant's blob until the end of the transaction, so that the sweep and
/// the writers of rows referring to the blob take turns.
async fn lock_blob(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    hash: &ContentHash,
) -> Result<(), StoreError> {
    // SQLite: tenant transactions begin IMMEDIATE, holding the database's write lock already.
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    // The two-key form keeps these locks apart from any single-key advisory lock; keys of two
    // blobs that collide only make them wait for each other.
    const ATTACHMENTS: i32 = 0x6d63_6174;
    let b = hash.as_bytes();
    let key = i32::from_be_bytes([b[0], b[1], b[2], b[3]]) ^ (tenant.0 as i32);
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1, $2)",
        [ATTACHMENTS.into(), key.into()],
    ))
    .await?;
    Ok(())
}

/// Records staged bytes as an upload: moves them to their blob (unless the same content is
/// already stored) and writes the upload row, under the blob's lock.
///
/// If this fails after the move, the blob stays unreferenced until the sweep deletes it.
pub async fn record_upload(
    store: &Store,
    blobs: &Blobs,
    staged: Staged,
    new: &NewUpload,
) -> Result<Upload, AttachmentError> {
    let tenant = staged.tenant();
    let id = UploadId::random()?;
    let txn = store.tenant_txn(tenant).await?;
    lock_blob(&txn, tenant, &staged.hash()).await?;
    if let Err(e) = blobs.publish(&staged).await {
        drop(txn);
        let _ = blobs.discard(staged).await;
        return Err(e.into());
    }
    let now = Utc::now();
    let size = i64::try_from(staged.size()).map_err(|_| corrupt("size beyond i64"))?;
    let row = attachment_upload::Entity::insert(attachment_upload::ActiveModel {
        tenant_id: Set(tenant.0),
        id: Set(id.0.clone()),
        sha256: Set(staged.hash().to_string()),
        size: Set(size),
        content_type: Set(new.content_type.clone()),
        file_name: Set(new.file_name.clone()),
        procedure_code: Set(new.procedure_code.clone()),
        uploaded_by: Set(new.uploaded_by.clone()),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
    })
    .exec_with_returning(&txn)
    .await
    .map_err(StoreError::from)?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(row.try_into()?)
}

/// An upload of `tenant`, if it exists and has not expired.
pub async fn upload(
    store: &Store,
    tenant: TenantId,
    id: &UploadId,
) -> Result<Option<Upload>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let row = attachment_upload::Entity::find()
        .filter(attachment_upload::Column::TenantId.eq(tenant.0))
        .filter(attachment_upload::Column::Id.eq(id.as_str()))
        .filter(attachment_upload::Column::ExpiresAt.gt(Utc::now()))
        .one(&txn)
        .await?;
    txn.commit().await?;
    row.map(Upload::try_from).transpose()
}

/// Attaches uploads to the dossier `dossier_id` inside the caller's transaction (one that
/// receives or moves the dossier): each upload row becomes a document row.
///
/// Refuses with [`StoreError::NotFound`], naming the upload, an upload that does not exist, has
/// expired, was uploaded by someone other than `by`, was checked against another procedure's
/// limits, or was attached already; the caller's transaction then must not commit.
pub async fn attach_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier_id: i64,
    items: &[Attach],
) -> Result<Vec<Document>, StoreError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let procedure = dossier::Entity::find_by_id(dossier_id)
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("dossier {dossier_id}")))?
        .procedure_code;
    let now = Utc::now();
    let mut documents = Vec::with_capacity(items.len());
    for item in items {
        let refused = || StoreError::NotFound(format!("upload {}", item.upload));
        let by_id = || {
            attachment_upload::Column::TenantId
                .eq(tenant.0)
                .and(attachment_upload::Column::Id.eq(item.upload.as_str()))
        };
        let upload = attachment_upload::Entity::find()
            .filter(by_id())
            .one(db)
            .await?
            .filter(|u| u.uploaded_by == item.by && u.expires_at > now)
            .filter(|u| u.procedure_code == procedure)
            .ok_or_else(refused)?;
        // Deleting decides between two attachments of one upload: the second deletes nothing.
        let deleted = attachment_upload::Entity::delete_many()
            .filter(by_id())
            .exec(db)
            .await?;
        if deleted.rows_affected != 1 {
            return Err(refused());
        }
        let (kind, code) = item.kind.columns();
        let row = dossier_document::Entity::insert(dossier_document::ActiveModel {
            tenant_id: Set(tenant.0),
            dossier_id: Set(dossier_id),
            kind: Set(kind.to_owned()),
            code: Set(code),
            sha256: Set(upload.sha256),
            file_name: Set(upload.file_name),
            size: Set(upload.size),
            content_type: Set(upload.content_type),
            attached_by: Set(item.by.clone()),
            attached_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await?;
        documents.push(Document::try_from(row)?);
    }
    Ok(documents)
}

/// Takes upload `id` of `by`, checked against `procedure`'s limits, inside the caller's
/// transaction: deletes its row under its blob's lock and gives it back, for the caller to write
/// the row that refers to the blob from now on (a complaint's attachment) before it commits.
/// Refuses with [`StoreError::NotFound`] what [`attach_in`] refuses.
pub(crate) async fn take_upload_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: &UploadId,
    by: &str,
    procedure: &str,
) -> Result<attachment_upload::Model, StoreError> {
    let refused = || StoreError::NotFound(format!("upload {id}"));
    let by_id = || {
        attachment_upload::Column::TenantId
            .eq(tenant.0)
            .and(attachment_upload::Column::Id.eq(id.as_str()))
    };
    let now = Utc::now();
    let upload = attachment_upload::Entity::find()
        .filter(by_id())
        .one(db)
        .await?
        .filter(|u| u.uploaded_by == by && u.expires_at > now && u.procedure_code == procedure)
        .ok_or_else(refused)?;
    let hash: ContentHash = upload
        .sha256
        .parse()
        .map_err(|_| corrupt("an upload's sha256"))?;
    lock_blob(db, tenant, &hash).await?;
    let deleted = attachment_upload::Entity::delete_many()
        .filter(by_id())
        .exec(db)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(refused());
    }
    Ok(upload)
}

/// Attaches uploads to a dossier on their own, in a transaction of their own (a scan added at
/// the desk, a result). See [`attach_in`].
pub async fn attach(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
    items: &[Attach],
) -> Result<Vec<Document>, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let documents = attach_in(&txn, tenant, dossier_id, items).await?;
    txn.commit().await?;
    Ok(documents)
}

/// A dossier's documents, in the order they were attached.
pub async fn documents(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Vec<Document>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let documents = documents_in(&txn, tenant, dossier_id).await?;
    txn.commit().await?;
    Ok(documents)
}

/// [`documents`], read on `db` (a transaction of the tenant).
pub(crate) async fn documents_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Vec<Document>, StoreError> {
    let rows = dossier_document::Entity::find()
        .filter(dossier_document::Column::TenantId.eq(tenant.0))
        .filter(dossier_document::Column::DossierId.eq(dossier_id))
        .order_by_asc(dossier_document::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(Document::try_from).collect()
}

/// The first document of a dossier with these bytes, if any.
pub async fn document(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
    sha256: &ContentHash,
) -> Result<Option<Document>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let row = dossier_document::Entity::find()
        .filter(dossier_document::Column::TenantId.eq(tenant.0))
        .filter(dossier_document::Column::DossierId.eq(dossier_id))
        .filter(dossier_document::Column::Sha256.eq(sha256.to_string()))
        .order_by_asc(dossier_document::Column::Id)
        .one(&txn)
        .await?;
    txn.commit().await?;
    row.map(Document::try_from).transpose()
}
