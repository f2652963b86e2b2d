//! Durable jobs: the outbox's messages worked by any node, each exactly once to completion.
//!
//! A worker [`claim`]s due messages of a topic: one statement marks them as its own until a
//! lease ends and counts the attempt (on PostgreSQL the candidates are locked with
//! `FOR UPDATE SKIP LOCKED`, so concurrent claimers never take the same message; SQLite has one
//! writer at a time). It then applies the job's effect and completes the message **in the same
//! transaction** ([`complete_in`]), which succeeds only while the worker still holds the
//! message: a worker that overran its lease, and whose message another worker claimed
//! meanwhile, gets [`StoreError::Conflict`] and must roll its effect back. That is why a job
//! never completes twice, and why a node killed mid-job loses nothing: its claim ends with the
//! lease and the message is claimed again, the killed attempt counted.
//!
//! A failure ([`fail`]) schedules the next attempt after an exponential backoff with jitter, or
//! dead-letters the message at the attempt limit (or at once for a permanent failure). Dead
//! messages wait for an operator, who lists them ([`list`]) and replays one ([`replay`]) once
//! the cause is fixed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use crate::entity::outbox;
use crate::{Store, StoreError, TenantId};

/// How a kind of job is worked: how long a claim lasts, how often it is tried, how long it waits
/// between tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// How long a claim lasts: longer than any attempt takes, so that only a stopped worker
    /// loses its messages.
    pub lease: Duration,
    /// Attempts before a message is dead-lettered (the one a killed worker made included).
    pub max_attempts: i32,
    /// The wait after the first failure; it doubles with each further one.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(120),
            max_attempts: 8,
            backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

impl Policy {
    /// The wait after the `attempts`-th failed attempt: `backoff · 2^(attempts-1)`, at most
    /// `max_backoff`, of which a random part (up to half) is taken off so that messages that
    /// failed together (a provider's outage) do not all come back at once.
    pub fn delay(&self, attempts: i32) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(0);
        let full = self
            .backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let mut bytes = [0u8; 4];
        let jitter = match getrandom::fill(&mut bytes) {
            Ok(()) => f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX),
            Err(_) => 0.5,
        };
        full.mul_f64(1.0 - jitter / 2.0)
    }
}

/// A worker's hold on a message: what completes or fails it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The message's id.
    pub id: i64,
    /// Its tenant.
    pub tenant: TenantId,
    /// The worker holding it.
    pub worker: String,
}

/// A claimed message.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// The claim.
    pub lease: Lease,
    /// What kind of delivery.
    pub topic: String,
    /// The dossier it concerns.
    pub dossier_id: Option<i64>,
    /// What it says.
    pub payload: serde_json::Value,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// Until when the claim holds.
    pub locked_until: DateTime<Utc>,
}

impl Job {
    /// The message's id.
    pub fn id(&self) -> i64 {
        self.lease.id
    }

    /// Its tenant.
    pub fn tenant(&self) -> TenantId {
        self.lease.tenant
    }
}

/// How the outcome of a message completed without reaching anyone begins.
pub const NOT_SENT: &str = "not sent: ";

const LOST_AT_LAST_ATTEMPT: &str =
    "the worker stopped during the last attempt allowed (its lease ended)";

/// Claims up to `limit` due messages of `topic` for `worker` until `now + policy.lease`, oldest
/// first, counting an attempt on each. Messages whose lease ended on their last allowed attempt
/// are dead-lettered on the way.
pub async fn claim(
    store: &Store,
    topic: &str,
    worker: &str,
    policy: &Policy,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Job>, StoreError> {
    let db = store.platform();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::DeadAt, Expr::value(now))
        .col_expr(outbox::Column::LastError, Expr::value(LOST_AT_LAST_ATTEMPT))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(outbox::Column::Topic.eq(topic))
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::DeadAt.is_null())
        .filter(outbox::Column::Attempts.gte(policy.max_attempts))
        .filter(outbox::Column::LockedUntil.lte(now))
        .exec(db)
        .await?;
    let mut due = Query::select()
        .column(outbox::Column::Id)
        .from(outbox::Entity)
        .and_where(outbox::Column::Topic.eq(topic))
        .and_where(outbox::Column::DeliveredAt.is_null())
        .and_where(outbox::Column::DeadAt.is_null())
        .and_where(outbox::Column::RunAfter.lte(now))
        .and_where(outbox::Column::Attempts.lt(policy.max_attempts))
        .and_where(
            outbox::Column::LockedUntil
                .is_null()
                .or(outbox::Column::LockedUntil.lte(now)),
        )
        .order_by(outbox::Column::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    if store.backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let until = now + chrono::Duration::from_std(policy.lease).unwrap_or_default();
    let mut rows = outbox::Entity::update_many()
        .col_expr(outbox::Column::LockedBy, Expr::value(worker))
        .col_expr(outbox::Column::LockedUntil, Expr::value(until))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows
        .into_iter()
        .map(|r| Job {
            lease: Lease {
                id: r.id,
                tenant: TenantId(r.tenant_id),
                worker: worker.to_owned(),
            },
            topic: r.topic,
            dossier_id: r.dossier_id,
            payload: r.payload,
            created_at: r.created_at,
            attempts: r.attempts,
            locked_until: r.locked_until.unwrap_or(until),
        })
        .collect())
}

/// Completes the message of `lease` inside `db`, the transaction that applies the job's effect,
/// recording `outcome` when there is something to say (a message that could not be sent, and
/// why). Refused with [`StoreError::Conflict`] when the worker no longer holds the message (its
/// lease ended and another worker claimed it, or it was completed or dead-lettered meanwhile):
/// the caller must then roll its transaction back.
pub async fn complete_in(
    db: &impl ConnectionTrait,
    lease: &Lease,
    outcome: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let done = outbox::Entity::update_many()
        .col_expr(outbox::Column::DeliveredAt, Expr::value(now))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(
            outbox::Column::Outcome,
            Expr::value(outcome.map(str::to_owned)),
        )
        .filter(outbox::Column::Id.eq(lease.id))
        .filter(outbox::Column::TenantId.eq(lease.tenant.0))
        .filter(outbox::Column::LockedBy.eq(lease.worker.as_str()))
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::DeadAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 1 {
        Ok(())
    } else {
        Err(lost(lease))
    }
}

/// [`complete_in`] in a transaction of its own, for a job whose effect is already done
/// elsewhere (or that has none).
pub async fn complete(
    store: &Store,
    lease: &Lease,
    outcome: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let txn = store.tenant_txn(lease.tenant).await?;
    complete_in(&txn, lease, outcome, now).await?;
    txn.commit().await?;
    Ok(())
}

fn lost(lease: &Lease) -> StoreError {
    StoreError::Conflict(format!(
        "job {} is no longer held by worker {} (its lease ended and another worker took it, or it was settled meanwhile)",
        lease.id, lease.worker
    ))
}

/// How a failed attempt is followed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again, after the backoff or, if longer, after the wait the other side asked
    /// for (`Retry-After`).
    Retry(Option<Duration>),
    /// Trying again cannot help (the request itself is refused): dead-letter now.
    Permanent,
}

/// What became of a failed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failed {
    /// It will be tried again at this time.
    RetryAt(DateTime<Utc>),
    /// It was dead-lettered: an operator must look at it.
    Dead,
    /// The worker no longer held it; nothing was recorded.
    LeaseLost,
}

/// Records a failed attempt of the message of `lease`: the error, and either the next attempt
/// (after [`Policy::delay`]) or dead-lettering (a permanent failure, or the last attempt).
pub async fn fail(
    store: &Store,
    lease: &Lease,
    error: &str,
    failure: Failure,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Failed, StoreError> {
    let txn = store.tenant_txn(lease.tenant).await?;
    let held = outbox::Entity::find()
        .filter(outbox::Column::Id.eq(lease.id))
        .filter(outbox::Column::TenantId.eq(lease.tenant.0))
        .filter(outbox::Column::LockedBy.eq(lease.worker.as_str()))
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::DeadAt.is_null())
        .one(&txn)
        .await?;
    let Some(row) = held else {
        txn.rollback().await?;
        return Ok(Failed::LeaseLost);
    };
    let outcome = match failure {
        Failure::Permanent => Failed::Dead,
        _ if row.attempts >= policy.max_attempts => Failed::Dead,
        Failure::Retry(asked) => {
            let wait = policy.delay(row.attempts).max(asked.unwrap_or_default());
            Failed::RetryAt(now + chrono::Duration::from_std(wait).unwrap_or_default())
        }
    };
    let update = outbox::Entity::update_many()
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(outbox::Column::LockedBy, Expr::value(None::<String>))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::TenantId.eq(row.tenant_id))
        // Still held: another worker may have claimed (and even completed) the message since
        // it was read, when the lease ended in between.
        .filter(outbox::Column::LockedBy.eq(lease.worker.as_str()))
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::DeadAt.is_null());
    let update = match outcome {
        Failed::RetryAt(at) => update.col_expr(outbox::Column::RunAfter, Expr::value(at)),
        _ => update.col_expr(outbox::Column::DeadAt, Expr::value(now)),
    };
    if update.exec(&txn).await?.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Failed::LeaseLost);
    }
    txn.commit().await?;
    Ok(outcome)
}

/// A message as operators see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// Its id.
    pub id: i64,
    /// Its tenant.
    pub tenant: TenantId,
    /// What kind of delivery.
    pub topic: String,
    /// What it says.
    pub payload: serde_json::Value,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Attempts so far.
    pub attempts: i32,
    /// When it may next be tried.
    pub run_after: DateTime<Utc>,
    /// The worker that holds (or last held) it.
    pub locked_by: Option<String>,
    /// Until when that worker holds it.
    pub locked_until: Option<DateTime<Utc>>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was completed.
    pub done_at: Option<DateTime<Utc>>,
    /// When it was given up.
    pub dead_at: Option<DateTime<Utc>>,
    /// What its completion recorded.
    pub outcome: Option<String>,
}

impl From<outbox::Model> for Stored {
    fn from(r: outbox::Model) -> Self {
        Self {
            id: r.id,
            tenant: TenantId(r.tenant_id),
            topic: r.topic,
            payload: r.payload,
            created_at: r.created_at,
            attempts: r.attempts,
            run_after: r.run_after,
            locked_by: r.locked_by,
            locked_until: r.locked_until,
            last_error: r.last_error,
            done_at: r.delivered_at,
            dead_at: r.dead_at,
            outcome: r.outcome,
        }
    }
}

/// Which messages to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Not yet completed nor given up: waiting, running or between attempts.
    Live,
    /// Given up: waiting for an operator.
    Dead,
    /// Completed without reaching anyone: their outcome begins with [`NOT_SENT`] and says why
    /// (no provider configured, no contact given).
    NotSent,
}

/// Messages of every tenant (or one), oldest first, at most `limit`: for operators, on the
/// platform connection.
pub async fn list(
    store: &Store,
    tenant: Option<TenantId>,
    which: Which,
    limit: u64,
) -> Result<Vec<Stored>, StoreError> {
    let mut q = outbox::Entity::find();
    if let Some(t) = tenant {
        q = q.filter(outbox::Column::TenantId.eq(t.0));
    }
    q = match which {
        Which::Live => q
            .filter(outbox::Column::DeliveredAt.is_null())
            .filter(outbox::Column::DeadAt.is_null()),
        Which::Dead => q.filter(outbox::Column::DeadAt.is_not_null()),
        Which::NotSent => q
            .filter(outbox::Column::DeliveredAt.is_not_null())
            .filter(outbox::Column::Outcome.starts_with(NOT_SENT)),
    };
    let rows = q
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(store.platform())
        .await?;
    Ok(rows.into_iter().map(Stored::from).collect())
}

/// One message, for operators.
pub async fn get(store: &Store, id: i64) -> Result<Option<Stored>, StoreError> {
    Ok(outbox::Entity::find_by_id(id)
        .one(store.platform())
        .await?
        .map(Stored::from))
}

/// Brings a dead message back: due at `now`, with a fresh count of attempts (its last error is
/// kept until the next attempt replaces it). Only a dead message can be replayed: replaying one
/// still live or completed would run it twice.
pub async fn replay(store: &Store, id: i64, now: DateTime<Utc>) -> Result<Stored, StoreError> {
    let txn = store.platform().begin().await?;
    let revived = outbox::Entity::update_many()
        .col_expr(outbox::Column::DeadAt, Expr::value(None::<DateTime<Utc>>))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(outbox::Column::RunAfter, Expr::value(now))
        .col_expr(outbox::Column::LockedBy, Expr::value(None::<String>))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::DeadAt.is_not_null())
        .filter(outbox::Column::DeliveredAt.is_null())
        .exec(&txn)
        .await?;
    let row = outbox::Entity::find_by_id(id).one(&txn).await?;
    txn.commit().await?;
    match (row, revived.rows_affected) {
        (Some(r), 1) => Ok(r.into()),
        (Some(r), _) => Err(StoreError::Conflict(format!(
            "job {id} is not dead ({}); only a dead job can be replayed",
            if r.delivered_at.is_some() {
                "it was completed"
            } else {
                "it is still being worked"
            }
        ))),
        (None, _) => Err(StoreError::NotFound(format!("job {id}"))),
    }
}
