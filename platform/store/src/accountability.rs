//! Accountability requests in storage: opening one and each action on it, every one written
//! together with its events in the dossier's hash-chained history, in one transaction; and the
//! lists officials and applicants read.
//!
//! The rules (deadlines, what may follow what) live in `motcua_core::accountability`; here a
//! caller's `decide` computes the change from the request as stored, and the change is written
//! only if nobody acted on the request meanwhile (optimistic concurrency on `version`, as
//! [`crate::dossiers::move_dossier`] does for dossiers).
//!
//! Appending to a history takes the dossier's row lock first (an update of its `updated_at`, the
//! lock a workflow move takes too), so that a request's events and a concurrent move of the
//! dossier take turns instead of both claiming the same sequence number. The dossier's workflow
//! state, status, dates and tasks are never touched.

use chrono::{DateTime, Utc};
use motcua_core::accountability::{Standing, Status};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::{accountability_request as row, dossier};
use crate::history::{self, NewEvent};
use crate::{Store, StoreError, TenantId};

/// The most rows a list gives.
pub const MAX_LIMIT: u64 = 500;

/// The extension of a request's explanation term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// When it was decided.
    pub at: DateTime<Utc>,
    /// Who decided it (`account:12`).
    pub by: String,
    /// Why.
    pub reason: String,
    /// The explain-by before it.
    pub from: DateTime<Utc>,
}

/// A request's explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// When it was given.
    pub at: DateTime<Utc>,
    /// Who gave it (`account:12`).
    pub by: String,
    /// What it says.
    pub text: String,
}

/// A request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Its id.
    pub id: i64,
    /// The dossier it is about.
    pub dossier_id: i64,
    /// That dossier's code.
    pub dossier_code: String,
    /// The applicant who opened it, as the history names them (`citizen:<subject>`).
    pub applicant_subject: String,
    /// The applicant's name.
    pub applicant_name: String,
    /// The division whose handling is questioned.
    pub division: String,
    /// The official whose handling is questioned (`account:12`), when known.
    pub official: Option<String>,
    /// The step of the workflow the applicant picked, if any.
    pub step: Option<String>,
    /// The event of the dossier's history the applicant picked, if any.
    pub event_seq: Option<i32>,
    /// The applicant's text.
    pub text: String,
    /// Where it stands.
    pub status: Status,
    /// Actions stored so far, from 1 (optimistic concurrency).
    pub version: i64,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When the acknowledgment is due.
    pub acknowledge_by: DateTime<Utc>,
    /// When the explanation is due.
    pub explain_by: DateTime<Utc>,
    /// When it was acknowledged, and by whom.
    pub acknowledged: Option<(DateTime<Utc>, String)>,
    /// Its extension, if any.
    pub extension: Option<Extension>,
    /// Its explanation, once given.
    pub explanation: Option<Explanation>,
}

impl Request {
    /// What the rules need to know of it.
    pub fn standing(&self) -> Standing {
        Standing {
            status: self.status,
            acknowledge_by: self.acknowledge_by,
            explain_by: self.explain_by,
            extended: self.extension.is_some(),
        }
    }
}

fn from_row(r: row::Model) -> Result<Request, StoreError> {
    let status = Status::parse(&r.status)
        .ok_or_else(|| StoreError::Corrupt(format!("accountability request {}: status", r.id)))?;
    let extension = match (r.extended_at, r.extended_by, r.explain_by_before) {
        (Some(at), Some(by), Some(from)) => Some(Extension {
            at,
            by,
            reason: r.extension_reason.unwrap_or_default(),
            from,
        }),
        _ => None,
    };
    let explanation = match (r.explained_at, r.explained_by) {
        (Some(at), Some(by)) => Some(Explanation {
            at,
            by,
            text: r.explanation.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(Request {
        id: r.id,
        dossier_id: r.dossier_id,
        dossier_code: r.dossier_code,
        applicant_subject: r.applicant_subject,
        applicant_name: r.applicant_name,
        division: r.division,
        official: r.official,
        step: r.step,
        event_seq: r.event_seq,
        text: r.text,
        status,
        version: r.version,
        opened_at: r.opened_at,
        acknowledge_by: r.acknowledge_by,
        explain_by: r.explain_by,
        acknowledged: r.acknowledged_at.zip(r.acknowledged_by),
        extension,
        explanation,
    })
}

/// A request to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    /// The dossier's id.
    pub dossier_id: i64,
    /// The applicant (`citizen:<subject>`).
    pub applicant_subject: String,
    /// The applicant's name.
    pub applicant_name: String,
    /// The division questioned.
    pub division: String,
    /// The official questioned, when known.
    pub official: Option<String>,
    /// The step picked.
    pub step: Option<String>,
    /// The event picked.
    pub event_seq: Option<i32>,
    /// The applicant's text.
    pub text: String,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// When the acknowledgment is due.
    pub acknowledge_by: DateTime<Utc>,
    /// When the explanation is due (provisional until acknowledged).
    pub explain_by: DateTime<Utc>,
}

/// Locks dossier `id`'s row for the rest of the transaction and gives its code and last event.
async fn lock_dossier(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<(String, Option<(i32, String)>), StoreError> {
    let locked = dossier::Entity::update_many()
        .col_expr(dossier::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Id.eq(id))
        .exec(db)
        .await?;
    if locked.rows_affected != 1 {
        return Err(StoreError::NotFound(format!("dossier {id}")));
    }
    let code: Option<String> = dossier::Entity::find()
        .select_only()
        .column(dossier::Column::Code)
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Id.eq(id))
        .into_tuple()
        .one(db)
        .await?;
    let code = code.ok_or_else(|| StoreError::NotFound(format!("dossier {id}")))?;
    let last = history::last(db, tenant, id).await?;
    Ok((code, last))
}

async fn by_id(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Request>, StoreError> {
    row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Id.eq(id))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Opens a request and appends the events `events` computes from it (it knows its id then) to
/// the dossier's history, atomically.
pub async fn open(
    store: &Store,
    tenant: TenantId,
    new: NewRequest,
    events: impl FnOnce(&Request) -> Vec<NewEvent>,
) -> Result<Request, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let (code, last) = lock_dossier(&txn, tenant, new.dossier_id).await?;
    let standing = Standing {
        status: Status::Open,
        acknowledge_by: new.acknowledge_by,
        explain_by: new.explain_by,
        extended: false,
    };
    let inserted = row::Entity::insert(row::ActiveModel {
        tenant_id: Set(tenant.0),
        dossier_id: Set(new.dossier_id),
        dossier_code: Set(code.clone()),
        applicant_subject: Set(new.applicant_subject),
        applicant_name: Set(new.applicant_name),
        division: Set(new.division),
        official: Set(new.official),
        step: Set(new.step),
        event_seq: Set(new.event_seq),
        text: Set(new.text),
        status: Set(Status::Open.as_str().to_owned()),
        version: Set(1),
        opened_at: Set(new.opened_at),
        acknowledge_by: Set(new.acknowledge_by),
        explain_by: Set(new.explain_by),
        next_due_at: Set(standing.next_due()),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let request = by_id(&txn, tenant, inserted.last_insert_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the new accountability request vanished".into()))?;
    history::append(
        &txn,
        tenant,
        request.dossier_id,
        &code,
        last,
        &events(&request),
    )
    .await?;
    txn.commit().await?;
    Ok(request)
}

/// What an action on a request writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// The new status.
    pub status: Status,
    /// Set when the action acknowledges the request: when and by whom.
    pub acknowledged: Option<(DateTime<Utc>, String)>,
    /// The explain-by after the action.
    pub explain_by: DateTime<Utc>,
    /// Set when the action extends the term.
    pub extension: Option<Extension>,
    /// Set when the action explains.
    pub explanation: Option<Explanation>,
    /// What goes into the dossier's history.
    pub events: Vec<NewEvent>,
}

/// Why an action was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ActError<E> {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such request in this tenant.
    #[error("no such accountability request")]
    NotFound,
    /// The decision refused the action.
    #[error("refused")]
    Refused(E),
    /// The request is no longer at the version the caller saw: decide again on the fresh one.
    #[error("the request changed meanwhile")]
    Conflict,
}

/// Acts on request `id`: reads it, and if it is still at `expected_version` lets `decide`
/// compute the update from it and writes the update and its history events, atomically. Of two
/// officials acting on the same version at once, exactly one succeeds; the other gets
/// [`ActError::Conflict`].
pub async fn act<E>(
    store: &Store,
    tenant: TenantId,
    id: i64,
    expected_version: i64,
    decide: impl FnOnce(&Request) -> Result<Update, E>,
) -> Result<Request, ActError<E>> {
    let txn = store.tenant_txn(tenant).await?;
    let current = by_id(&txn, tenant, id).await?.ok_or(ActError::NotFound)?;
    // The dossier first, as opening does, so that concurrent writers lock in one order.
    let (code, last) = lock_dossier(&txn, tenant, current.dossier_id).await?;
    let current = by_id(&txn, tenant, id).await?.ok_or(ActError::NotFound)?;
    if current.version != expected_version {
        return Err(ActError::Conflict);
    }
    let update = decide(&current).map_err(ActError::Refused)?;
    let standing = Standing {
        status: update.status,
        acknowledge_by: current.acknowledge_by,
        explain_by: update.explain_by,
        extended: current.extension.is_some() || update.extension.is_some(),
    };
    let mut q = row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(update.status.as_str()))
        .col_expr(row::Column::Version, Expr::value(current.version + 1))
        .col_expr(row::Column::ExplainBy, Expr::value(update.explain_by))
        .col_expr(row::Column::NextDueAt, Expr::value(standing.next_due()));
    if let Some((at, by)) = &update.acknowledged {
        q = q
            .col_expr(row::Column::AcknowledgedAt, Expr::value(*at))
            .col_expr(row::Column::AcknowledgedBy, Expr::value(by.clone()));
    }
    if let Some(e) = &update.extension {
        q = q
            .col_expr(row::Column::ExtendedAt, Expr::value(e.at))
            .col_expr(row::Column::ExtendedBy, Expr::value(e.by.clone()))
            .col_expr(row::Column::ExtensionReason, Expr::value(e.reason.clone()))
            .col_expr(row::Column::ExplainByBefore, Expr::value(e.from));
    }
    if let Some(e) = &update.explanation {
        q = q
            .col_expr(row::Column::ExplainedAt, Expr::value(e.at))
            .col_expr(row::Column::ExplainedBy, Expr::value(e.by.clone()))
            .col_expr(row::Column::Explanation, Expr::value(e.text.clone()));
    }
    let updated = q
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::Version.eq(current.version))
        .exec(&txn)
        .await
        .map_err(StoreError::from)?;
    if updated.rows_affected != 1 {
        return Err(ActError::Conflict);
    }
    history::append(
        &txn,
        tenant,
        current.dossier_id,
        &code,
        last,
        &update.events,
    )
    .await?;
    let stored = by_id(&txn, tenant, id).await?.ok_or(ActError::NotFound)?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(stored)
}

/// Request `id` of `tenant`, or `None` (also when it belongs to another tenant).
pub async fn find(store: &Store, tenant: TenantId, id: i64) -> Result<Option<Request>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_id(&txn, tenant, id).await?;
    txn.commit().await?;
    Ok(found)
}

/// The requests about dossier `dossier_id`, oldest first.
pub async fn of_dossier(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Vec<Request>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::DossierId.eq(dossier_id))
        .order_by_asc(row::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// Which requests a list wants by what is due next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// What is due next was due before this instant (now): overdue.
    Before(DateTime<Utc>),
    /// What is due next falls in `[from, to]`: due soon.
    Between(DateTime<Utc>, DateTime<Utc>),
}

/// What a list of requests wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// The divisions whose requests are wanted (`None`: every division).
    pub divisions: Option<Vec<String>>,
    /// Only requests in this status.
    pub status: Option<Status>,
    /// Only requests due so.
    pub due: Option<Due>,
    /// Only requests about this dossier.
    pub dossier_id: Option<i64>,
    /// At most this many (capped at [`MAX_LIMIT`]).
    pub limit: u64,
}

/// The requests `query` wants, most urgent first (what is due soonest; explained ones last,
/// newest first).
pub async fn list(
    store: &Store,
    tenant: TenantId,
    query: &ListQuery,
) -> Result<Vec<Request>, StoreError> {
    if query.divisions.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let mut q = row::Entity::find().filter(row::Column::TenantId.eq(tenant.0));
    if let Some(divisions) = &query.divisions {
        q = q.filter(row::Column::Division.is_in(divisions.iter().cloned()));
    }
    if let Some(status) = query.status {
        q = q.filter(row::Column::Status.eq(status.as_str()));
    }
    match query.due {
        Some(Due::Before(t)) => q = q.filter(row::Column::NextDueAt.lt(t)),
        Some(Due::Between(from, to)) => {
            q = q
                .filter(row::Column::NextDueAt.gte(from))
                .filter(row::Column::NextDueAt.lte(to));
        }
        None => {}
    }
    if let Some(d) = query.dossier_id {
        q = q.filter(row::Column::DossierId.eq(d));
    }
    let rows = {
        let txn = store.tenant_read(tenant).await?;
        let rows = q
            // NULLs sort first on SQLite and last on PostgreSQL: say where they go.
            .order_by(
                Expr::cust("CASE WHEN next_due_at IS NULL THEN 1 ELSE 0 END"),
                sea_orm::Order::Asc,
            )
            .order_by_asc(row::Column::NextDueAt)
            .order_by_desc(row::Column::Id)
            .limit(query.limit.clamp(1, MAX_LIMIT))
            .all(&txn)
            .await?;
        txn.commit().await?;
        rows
    };
    rows.into_iter().map(from_row).collect()
}
