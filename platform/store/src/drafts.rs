//! Drafts of online submissions: what a citizen typed on the portal's submission form and saved
//! without submitting, one draft per owner and procedure, to come back to later.
//!
//! Rules kept here:
//! - every query names the tenant and the owner (`citizen:<subject>`): a draft is never read,
//!   changed or deleted by anyone but its owner, in its tenant;
//! - a draft is unvalidated: the applicant and the e-form are kept as typed, and the files by
//!   the id of the owner's upload, which is attached (and checked again) only when the dossier is
//!   submitted;
//! - the uploads a draft refers to are kept while the draft is in use: each save moves their
//!   expiry to [`FILES_KEPT`] from then (an upload already expired is not brought back);
//! - a draft's `key` is made once, when it is first saved, and never changes: it is the
//!   idempotency key of the dossier submitted from it, so a second submission finds that dossier
//!   ([`submitted`]) even after the draft is deleted.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::entity::{attachment_upload, dossier, submission_draft as row};
use crate::{Store, StoreError, TenantId};

/// The most drafts one owner's list gives.
pub const MAX_LIST: u64 = 100;

/// How long the files of a draft are kept after the draft was last saved.
pub const FILES_KEPT: chrono::Duration = chrono::Duration::days(30);

/// A file uploaded for one of the case's documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftDocument {
    /// The upload's id (`up_…`).
    pub upload: String,
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// The sha256 of its bytes, in hex (what an e-form's file field refers to it by).
    #[serde(default)]
    pub sha256: String,
    /// Its type, detected from its content.
    #[serde(default)]
    pub content_type: String,
}

/// What a draft holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDraft {
    /// Who it belongs to (`citizen:<subject>`).
    pub owner: String,
    /// The procedure's national code.
    pub procedure_code: String,
    /// The case chosen.
    pub case_key: String,
    /// The applicant, as typed.
    pub applicant: Value,
    /// The e-form, as typed (unvalidated).
    pub form: Value,
    /// The files uploaded, by document code.
    pub documents: BTreeMap<String, DraftDocument>,
}

/// A stored draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// Its id.
    pub id: i64,
    /// What it holds.
    pub content: NewDraft,
    /// The idempotency key of the submission made from it.
    pub key: String,
    /// When it was first saved.
    pub created_at: DateTime<Utc>,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
}

fn from_row(r: row::Model) -> Result<Draft, StoreError> {
    let documents = serde_json::from_value(r.documents)
        .map_err(|e| StoreError::Corrupt(format!("draft {}: documents: {e}", r.id)))?;
    Ok(Draft {
        id: r.id,
        content: NewDraft {
            owner: r.owner,
            procedure_code: r.procedure_code,
            case_key: r.case_key,
            applicant: r.applicant,
            form: r.form,
            documents,
        },
        key: r.key,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn documents_json(d: &BTreeMap<String, DraftDocument>) -> Result<Value, StoreError> {
    serde_json::to_value(d).map_err(|e| StoreError::Corrupt(e.to_string()))
}

async fn by_owner(
    db: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    owner: &str,
    procedure: &str,
) -> Result<Option<row::Model>, StoreError> {
    Ok(row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Owner.eq(owner))
        .filter(row::Column::ProcedureCode.eq(procedure))
        .one(db)
        .await?)
}

/// Saves `new` as its owner's draft of its procedure: replaces the draft there is, or makes one
/// whose key is `key`.
pub async fn save(
    store: &Store,
    tenant: TenantId,
    new: &NewDraft,
    key: &str,
) -> Result<Draft, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let now = Utc::now();
    let documents = documents_json(&new.documents)?;
    let saved = match by_owner(&txn, tenant, &new.owner, &new.procedure_code).await? {
        Some(existing) => {
            let mut active: row::ActiveModel = existing.into();
            active.case_key = Set(new.case_key.clone());
            active.applicant = Set(new.applicant.clone());
            active.form = Set(new.form.clone());
            active.documents = Set(documents);
            active.updated_at = Set(now);
            // Found above by tenant and owner: its id is this tenant's row.
            row::Entity::update(active).exec(&txn).await?
        }
        None => {
            row::Entity::insert(row::ActiveModel {
                tenant_id: Set(tenant.0),
                owner: Set(new.owner.clone()),
                procedure_code: Set(new.procedure_code.clone()),
                case_key: Set(new.case_key.clone()),
                applicant: Set(new.applicant.clone()),
                form: Set(new.form.clone()),
                documents: Set(documents),
                key: Set(key.to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .exec_with_returning(&txn)
            .await?
        }
    };
    let uploads: Vec<&str> = new.documents.values().map(|d| d.upload.as_str()).collect();
    if !uploads.is_empty() {
        let keep = now + FILES_KEPT;
        attachment_upload::Entity::update_many()
            .col_expr(attachment_upload::Column::ExpiresAt, Expr::value(keep))
            .filter(attachment_upload::Column::TenantId.eq(tenant.0))
            .filter(attachment_upload::Column::UploadedBy.eq(new.owner.as_str()))
            .filter(attachment_upload::Column::Id.is_in(uploads))
            .filter(attachment_upload::Column::ExpiresAt.gt(now))
            .filter(attachment_upload::Column::ExpiresAt.lt(keep))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    from_row(saved)
}

/// `owner`'s draft of `procedure`, if there is one.
pub async fn find(
    store: &Store,
    tenant: TenantId,
    owner: &str,
    procedure: &str,
) -> Result<Option<Draft>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_owner(&txn, tenant, owner, procedure).await?;
    txn.commit().await?;
    found.map(from_row).transpose()
}

/// `owner`'s draft `id`, if it is theirs.
pub async fn get(
    store: &Store,
    tenant: TenantId,
    owner: &str,
    id: i64,
) -> Result<Option<Draft>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Owner.eq(owner))
        .filter(row::Column::Id.eq(id))
        .one(&txn)
        .await?;
    txn.commit().await?;
    found.map(from_row).transpose()
}

/// `owner`'s drafts, the last saved first.
pub async fn list(store: &Store, tenant: TenantId, owner: &str) -> Result<Vec<Draft>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Owner.eq(owner))
        .order_by_desc(row::Column::UpdatedAt)
        .limit(MAX_LIST)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// Deletes `owner`'s draft of `procedure` if its key is still `key` (a draft saved again after
/// a submission is another draft); whether one was deleted.
pub async fn delete(
    store: &Store,
    tenant: TenantId,
    owner: &str,
    procedure: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let deleted = row::Entity::delete_many()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Owner.eq(owner))
        .filter(row::Column::ProcedureCode.eq(procedure))
        .filter(row::Column::Key.eq(key))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(deleted.rows_affected > 0)
}

/// Discards `owner`'s draft `id` and the uploads it refers to (their blobs are left to the
/// sweep, like any upload's); whether there was such a draft. An upload another of the owner's
/// drafts also refers to is kept.
pub async fn discard(
    store: &Store,
    tenant: TenantId,
    owner: &str,
    id: i64,
) -> Result<bool, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let mine = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Owner.eq(owner))
        .all(&txn)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let Some(draft) = mine.iter().find(|d| d.id == id) else {
        return Ok(false);
    };
    let kept: Vec<&str> = mine
        .iter()
        .filter(|d| d.id != id)
        .flat_map(|d| d.content.documents.values().map(|f| f.upload.as_str()))
        .collect();
    let uploads: Vec<&str> = draft
        .content
        .documents
        .values()
        .map(|f| f.upload.as_str())
        .filter(|u| !kept.contains(u))
        .collect();
    row::Entity::delete_many()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Owner.eq(owner))
        .filter(row::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if !uploads.is_empty() {
        attachment_upload::Entity::delete_many()
            .filter(attachment_upload::Column::TenantId.eq(tenant.0))
            .filter(attachment_upload::Column::UploadedBy.eq(owner))
            .filter(attachment_upload::Column::Id.is_in(uploads))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// The code of the dossier submitted with idempotency key `key` in `tenant`, if any: what a
/// second submission of a draft already submitted (and deleted) answers with.
pub async fn submitted(
    store: &Store,
    tenant: TenantId,
    key: &str,
) -> Result<Option<String>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let code: Option<String> = dossier::Entity::find()
        .select_only()
        .column(dossier::Column::Code)
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::IdempotencyKey.eq(key))
        .into_tuple()
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(code)
}
