//! Officials' in-app notifications: written by the notification worker in the transaction that
//! completes its job (so each message reaches each official once), read by the official they
//! are for, unread first.
//!
//! Pages follow the index `(tenant_id, account_id, read, id)`: unread before read, newest first
//! within each, and a cursor naming where the previous page ended (`u<id>` or `r<id>`), so that
//! a page costs the same however many notifications an official has.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::official_notification as row;
use crate::{Store, StoreError, TenantId};

/// The most rows a page holds.
pub const MAX_LIMIT: u64 = 100;

/// A notification to write for one official.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNotice {
    /// The official's account id.
    pub account: i64,
    /// What happened (`notified`, `reminded`, `escalated`, `returned`).
    pub kind: String,
    /// The dossier it concerns.
    pub dossier: Option<String>,
    /// The title, in Vietnamese and English.
    pub title: (String, String),
    /// The text, in Vietnamese and English.
    pub body: (String, String),
}

/// A stored notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Its id.
    pub id: i64,
    /// What happened.
    pub kind: String,
    /// The dossier it concerns.
    pub dossier: Option<String>,
    /// The title, in Vietnamese and English.
    pub title: (String, String),
    /// The text, in Vietnamese and English.
    pub body: (String, String),
    /// Whether the official has read it.
    pub read: bool,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was read.
    pub read_at: Option<DateTime<Utc>>,
}

/// Where a page ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    read: bool,
    id: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", if self.read { 'r' } else { 'u' }, self.id)
    }
}

/// A cursor this platform did not write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a notification cursor")]
pub struct BadCursor;

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, BadCursor> {
        let s = s.trim();
        let read = match s.as_bytes().first() {
            Some(b'u') => false,
            Some(b'r') => true,
            _ => return Err(BadCursor),
        };
        let id = s[1..].parse().map_err(|_| BadCursor)?;
        Ok(Self { read, id })
    }
}

/// A page of an official's notifications.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The notifications, unread first, newest first.
    pub rows: Vec<Notice>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
    /// How many are unread in all.
    pub unread: u64,
}

fn notice(r: row::Model) -> Notice {
    Notice {
        id: r.id,
        kind: r.kind,
        dossier: r.dossier_code,
        title: (r.title_vi, r.title_en),
        body: (r.body_vi, r.body_en),
        read: r.read,
        created_at: r.created_at,
        read_at: r.read_at,
    }
}

/// Writes `notices` of the job `job` inside `db` (the transaction completing the job).
pub async fn insert_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    job: Option<i64>,
    notices: &[NewNotice],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if notices.is_empty() {
        return Ok(());
    }
    row::Entity::insert_many(notices.iter().map(|n| row::ActiveModel {
        tenant_id: Set(tenant.0),
        account_id: Set(n.account),
        job_id: Set(job),
        dossier_code: Set(n.dossier.clone()),
        kind: Set(n.kind.clone()),
        title_vi: Set(n.title.0.clone()),
        title_en: Set(n.title.1.clone()),
        body_vi: Set(n.body.0.clone()),
        body_en: Set(n.body.1.clone()),
        read: Set(false),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Writes `notices` for the message of `lease` and completes it, in one transaction: refused
/// with [`StoreError::Conflict`], and nothing written, when the worker no longer holds it (see
/// [`crate::jobs::complete_in`]).
pub async fn deliver(
    store: &Store,
    lease: &crate::jobs::Lease,
    notices: &[NewNotice],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let txn = store.tenant_txn(lease.tenant).await?;
    crate::jobs::complete_in(&txn, lease, None, now).await?;
    insert_in(&txn, lease.tenant, Some(lease.id), notices, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A page of official `account`'s notifications in `tenant`, after `cursor`, at most `limit`
/// rows (1 to [`MAX_LIMIT`]).
pub async fn list(
    store: &Store,
    tenant: TenantId,
    account: i64,
    cursor: Option<Cursor>,
    limit: u64,
) -> Result<Page, StoreError> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let txn = store.tenant_read(tenant).await?;
    let mine = || {
        row::Entity::find()
            .filter(row::Column::TenantId.eq(tenant.0))
            .filter(row::Column::AccountId.eq(account))
    };
    let mut q = mine();
    if let Some(c) = cursor {
        // Unread (false) sorts before read (true); within each, ids go down.
        q = q.filter(
            Condition::any().add(row::Column::Read.gt(c.read)).add(
                Condition::all()
                    .add(row::Column::Read.eq(c.read))
                    .add(row::Column::Id.lt(c.id)),
            ),
        );
    }
    let mut rows = q
        .order_by_asc(row::Column::Read)
        .order_by_desc(row::Column::Id)
        .limit(limit + 1)
        .all(&txn)
        .await?;
    let unread = mine()
        .filter(row::Column::Read.eq(false))
        .count(&txn)
        .await?;
    txn.commit().await?;
    let more = u64::try_from(rows.len()).unwrap_or(u64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = more
        .then(|| {
            rows.last().map(|r| Cursor {
                read: r.read,
                id: r.id,
            })
        })
        .flatten();
    Ok(Page {
        rows: rows.into_iter().map(notice).collect(),
        next,
        unread,
    })
}

/// Marks notification `id` read for official `account`; `None` when it is not theirs (or not
/// this tenant's). Marking one already read again changes nothing.
pub async fn mark_read(
    store: &Store,
    tenant: TenantId,
    account: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Notice>, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    row::Entity::update_many()
        .col_expr(row::Column::Read, Expr::value(true))
        .col_expr(row::Column::ReadAt, Expr::value(now))
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::AccountId.eq(account))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::Read.eq(false))
        .exec(&txn)
        .await?;
    let found = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::AccountId.eq(account))
        .filter(row::Column::Id.eq(id))
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(found.map(notice))
}
