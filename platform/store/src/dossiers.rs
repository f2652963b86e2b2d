//! Dossiers in storage: receiving one (code, state and first events in one transaction),
//! moving it through its workflow with optimistic concurrency, and finding it by code.
//!
//! Submission is idempotent: a request repeated with the same idempotency key returns the dossier
//! the first one created, even when both arrive at once on different nodes (the unique index on
//! `(tenant_id, idempotency_key)` decides, and the loser reads the winner's dossier).
//!
//! The workflow state is opaque JSON here: the engine that reads and writes it lives in the
//! workflow crate, and storage keeps no copy of its rules. What a move writes ([`Change`])
//! includes the dossier's open tasks, computed by the caller from the state, which replace the
//! dossier's rows of the officials' inbox in the same transaction (see [`crate::inbox`]).

use chrono::{DateTime, FixedOffset, Utc};
use motcua_core::codes::{DossierCode, EntityCode};
use motcua_core::dossier::{Applicant, ApplicantKind, Channel, DossierStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::{dossier, outbox};
use crate::history::{self, NewEvent};
use crate::inbox::write::{self as tasks, Owner};
use crate::{Store, StoreError, TenantId, next_dossier_code};

pub use crate::inbox::Task;
pub use crate::inbox::search::search;

/// Vietnam time, in which dossier codes are dated (Art. 19), whatever the tenant's own zone.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// A message for the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxMessage {
    /// What kind of delivery (`notification`, `national_portal`, ...).
    pub topic: String,
    /// The message.
    pub payload: serde_json::Value,
}

/// A dossier to receive.
#[derive(Clone, Debug)]
pub struct NewDossier {
    /// The procedure's national code.
    pub procedure_code: String,
    /// The published version it starts on.
    pub procedure_version: i32,
    /// The case (trường hợp).
    pub case_key: String,
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
    /// The workflow's first move: state, status, due time, events, messages.
    pub start: Change,
}

/// What a move of the workflow writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The new workflow state.
    pub state: serde_json::Value,
    /// The national status.
    pub status: DossierStatus,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// When handling ended, if it did.
    pub closed_at: Option<DateTime<Utc>>,
    /// What happened.
    pub events: Vec<NewEvent>,
    /// What to deliver.
    pub outbox: Vec<OutboxMessage>,
    /// A new procedure version (a migration), `None` to stay on the current one.
    pub procedure_version: Option<i32>,
    /// When the next timer of the dossier falls due, if it has one.
    pub next_timer_at: Option<DateTime<Utc>>,
    /// The dossier's open work items after the move; they replace all it had.
    pub tasks: Vec<Task>,
    /// Uploads to attach to the dossier in the same transaction (see
    /// [`crate::attachments::attach_in`]); one the caller may not attach fails the whole change.
    pub attach: Vec<crate::attachments::Attach>,
    /// The job this change is the effect of (a plugin step), completed in the same transaction;
    /// when its worker no longer holds it, the whole change fails with [`StoreError::Conflict`]
    /// (see [`crate::jobs::complete_in`]).
    pub job: Option<crate::jobs::Lease>,
}

/// A dossier as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Dossier {
    /// Its id.
    pub id: i64,
    /// Its code.
    pub code: DossierCode,
    /// The procedure's national code.
    pub procedure_code: String,
    /// The version it is pinned to.
    pub procedure_version: i32,
    /// Its case.
    pub case_key: String,
    /// How it arrived.
    pub channel: Channel,
    /// Who it is for.
    pub applicant: Applicant,
    /// The e-form data.
    pub form: serde_json::Value,
    /// Where it stands.
    pub status: DossierStatus,
    /// The workflow state.
    pub state: serde_json::Value,
    /// The number of workflow moves stored (optimistic concurrency).
    pub state_version: i64,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// When handling ended.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Dossier {
    /// Who applies.
    pub fn applicant_kind(&self) -> ApplicantKind {
        self.applicant.kind
    }
}

/// The outcome of [`receive`].
#[derive(Clone, Debug, PartialEq)]
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

pub(crate) fn from_row(row: dossier::Model) -> Result<Dossier, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("dossier {}: {what}", row.code));
    Ok(Dossier {
        id: row.id,
        code: row.code.parse().map_err(|_| corrupt("code"))?,
        procedure_code: row.procedure_code.clone(),
        procedure_version: row.procedure_version,
        case_key: row.case_key.clone(),
        channel: Channel::parse(&row.channel).ok_or_else(|| corrupt("channel"))?,
        applicant: serde_json::from_value(row.applicant.clone())
            .map_err(|_| corrupt("applicant"))?,
        form: row.form.clone(),
        status: DossierStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
        state: row.state.clone().unwrap_or(serde_json::Value::Null),
        state_version: row.state_version,
        received_at: row.received_at,
        due_at: row.due_at,
        closed_at: row.closed_at,
    })
}

async fn by_idempotency_key(
    db: &impl ConnectionTrait,
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

async fn by_code(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    code: &DossierCode,
) -> Result<Option<Dossier>, StoreError> {
    dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Code.eq(code.to_string()))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Receives a dossier: issues its code and stores it with its workflow state and first events,
/// atomically.
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
    match insert(store, tenant, &new, None).await {
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

/// Stores a new dossier with its first events, tasks and attachments, and the code the national
/// portal gave it when it was forwarded from there.
pub(crate) async fn insert(
    store: &Store,
    tenant: TenantId,
    new: &NewDossier,
    national_code: Option<&str>,
) -> Result<Dossier, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let day = new.received_at.with_timezone(&vietnam()).date_naive();
    let code = next_dossier_code(&txn, tenant, new.receiving_unit, day).await?;
    let now = Utc::now();
    let applicant =
        serde_json::to_value(&new.applicant).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let start = &new.start;
    let result = dossier::Entity::insert(dossier::ActiveModel {
        tenant_id: Set(tenant.0),
        code: Set(code.to_string()),
        procedure_code: Set(new.procedure_code.clone()),
        procedure_version: Set(new.procedure_version),
        case_key: Set(new.case_key.clone()),
        receiving_unit: Set(new.receiving_unit.to_string()),
        channel: Set(new.channel.as_str().to_owned()),
        status: Set(start.status.as_str().to_owned()),
        applicant_name: Set(new.applicant.name.clone()),
        applicant_name_folded: Set(motcua_core::text::fold(&new.applicant.name)),
        applicant_id_number: Set(new
            .applicant
            .id_number
            .as_ref()
            .map(|id| id.as_str().to_owned())),
        applicant: Set(applicant),
        form: Set(new.form.clone()),
        idempotency_key: Set(new.idempotency_key.clone()),
        national_code: Set(national_code.map(str::to_owned)),
        received_at: Set(new.received_at),
        due_at: Set(start.due_at),
        state: Set(Some(start.state.clone())),
        state_version: Set(1),
        closed_at: Set(start.closed_at),
        next_timer_at: Set(start.next_timer_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let id = result.last_insert_id;
    history::append(&txn, tenant, id, &code.to_string(), None, &start.events).await?;
    // Messages written before the code existed name their dossier as `"dossier": null`.
    let outbox: Vec<OutboxMessage> = start
        .outbox
        .iter()
        .cloned()
        .map(|mut m| {
            if let Some(slot) = m.payload.get_mut("dossier")
                && slot.is_null()
            {
                *slot = serde_json::Value::String(code.to_string());
            }
            m
        })
        .collect();
    write_outbox(&txn, tenant, id, &outbox).await?;
    let owner = Owner {
        id,
        code: &code.to_string(),
        procedure_code: &new.procedure_code,
        status: start.status,
        channel: new.channel,
        applicant_name: &new.applicant.name,
        received_at: new.received_at,
        due_at: start.due_at,
    };
    tasks::replace(&txn, tenant, owner, &start.tasks, true).await?;
    crate::attachments::attach_in(&txn, tenant, id, &start.attach).await?;
    if let Some(lease) = &start.job {
        crate::jobs::complete_in(&txn, lease, None, now).await?;
    }
    let stored = by_code(&txn, tenant, &code)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the new dossier vanished".into()))?;
    txn.commit().await?;
    Ok(stored)
}

async fn write_outbox(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier_id: i64,
    messages: &[OutboxMessage],
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    outbox::Entity::insert_many(messages.iter().map(|m| outbox::ActiveModel {
        tenant_id: Set(tenant.0),
        dossier_id: Set(Some(dossier_id)),
        topic: Set(m.topic.clone()),
        payload: Set(m.payload.clone()),
        created_at: Set(now),
        attempts: Set(0),
        run_after: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Why a move was not stored.
#[derive(Debug, thiserror::Error)]
pub enum MoveError<E> {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such dossier in this tenant.
    #[error("no such dossier")]
    NotFound,
    /// The decision refused the move.
    #[error("refused")]
    Refused(E),
    /// Another move was stored meanwhile: decide again on the fresh dossier.
    #[error("the dossier changed meanwhile")]
    Conflict,
}

/// Moves a dossier (through its workflow, or to another version of its procedure): reads it,
/// lets `decide` compute the change from what is stored, and writes the change only if nobody
/// moved the dossier meanwhile (optimistic concurrency: of two officials
/// acting at once, exactly one succeeds, the other gets [`MoveError::Conflict`]).
pub async fn move_dossier<E>(
    store: &Store,
    tenant: TenantId,
    code: &DossierCode,
    decide: impl FnOnce(&Dossier) -> Result<Change, E>,
) -> Result<Dossier, MoveError<E>> {
    let txn = store.tenant_txn(tenant).await?;
    let current = by_code(&txn, tenant, code)
        .await?
        .ok_or(MoveError::NotFound)?;
    let change = decide(&current).map_err(MoveError::Refused)?;
    let version = change
        .procedure_version
        .unwrap_or(current.procedure_version);
    if let Some(lease) = &change.job {
        crate::jobs::complete_in(&txn, lease, None, Utc::now()).await?;
    }
    let updated = dossier::Entity::update_many()
        .col_expr(dossier::Column::ProcedureVersion, Expr::value(version))
        .col_expr(dossier::Column::State, Expr::value(change.state.clone()))
        .col_expr(
            dossier::Column::StateVersion,
            Expr::value(current.state_version + 1),
        )
        .col_expr(dossier::Column::Status, Expr::value(change.status.as_str()))
        .col_expr(dossier::Column::DueAt, Expr::value(change.due_at))
        .col_expr(dossier::Column::ClosedAt, Expr::value(change.closed_at))
        .col_expr(
            dossier::Column::NextTimerAt,
            Expr::value(change.next_timer_at),
        )
        .col_expr(dossier::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Id.eq(current.id))
        .filter(dossier::Column::StateVersion.eq(current.state_version))
        .exec(&txn)
        .await
        .map_err(StoreError::from)?;
    if updated.rows_affected != 1 {
        return Err(MoveError::Conflict);
    }
    let last = history::last(&txn, tenant, current.id).await?;
    history::append(
        &txn,
        tenant,
        current.id,
        &code.to_string(),
        last,
        &change.events,
    )
    .await?;
    write_outbox(&txn, tenant, current.id, &change.outbox).await?;
    let owner = Owner {
        id: current.id,
        code: &code.to_string(),
        procedure_code: &current.procedure_code,
        status: change.status,
        channel: current.channel,
        applicant_name: &current.applicant.name,
        received_at: current.received_at,
        due_at: change.due_at,
    };
    tasks::replace(&txn, tenant, owner, &change.tasks, false).await?;
    crate::attachments::attach_in(&txn, tenant, current.id, &change.attach).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(Dossier {
        procedure_version: version,
        state: change.state,
        state_version: current.state_version + 1,
        status: change.status,
        due_at: change.due_at,
        closed_at: change.closed_at,
        ..current
    })
}

/// Adds events to a dossier's history without moving its workflow (officials' comments,
/// consultations): reads the dossier, locks its row (so that two appends take turns and a move
/// stored meanwhile is noticed), reads its history, lets `decide` compute the events from both,
/// and appends them, in one transaction. The workflow state, status, dates and tasks stay as
/// they are; the events are chained like any other, so the audit covers them.
pub async fn annotate<E>(
    store: &Store,
    tenant: TenantId,
    code: &DossierCode,
    decide: impl FnOnce(&Dossier, &[history::StoredEvent]) -> Result<Vec<NewEvent>, E>,
) -> Result<Dossier, MoveError<E>> {
    let txn = store.tenant_txn(tenant).await?;
    let current = by_code(&txn, tenant, code)
        .await?
        .ok_or(MoveError::NotFound)?;
    // The row lock on PostgreSQL (SQLite's tenant transactions hold the write lock already),
    // and the check that no move was stored since the dossier was read.
    let locked = dossier::Entity::update_many()
        .col_expr(dossier::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Id.eq(current.id))
        .filter(dossier::Column::StateVersion.eq(current.state_version))
        .exec(&txn)
        .await
        .map_err(StoreError::from)?;
    if locked.rows_affected != 1 {
        return Err(MoveError::Conflict);
    }
    let events = history::events(&txn, tenant, current.id).await?;
    let new = decide(&current, &events).map_err(MoveError::Refused)?;
    let last = events.last().map(|e| (e.seq, e.hash.clone()));
    history::append(&txn, tenant, current.id, &code.to_string(), last, &new).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(current)
}

/// The dossier with `code` in `tenant`, or `None` (also when the code belongs to another tenant).
pub async fn find(
    store: &Store,
    tenant: TenantId,
    code: &DossierCode,
) -> Result<Option<Dossier>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_code(&txn, tenant, code).await?;
    txn.commit().await?;
    Ok(found)
}

/// A dossier's history.
pub async fn history(
    store: &Store,
    tenant: TenantId,
    dossier: &Dossier,
) -> Result<Vec<history::StoredEvent>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let events = history::events(&txn, tenant, dossier.id).await?;
    txn.commit().await?;
    Ok(events)
}

/// What an official's view of a dossier shows besides the dossier itself, read in one
/// transaction: its history, its documents, and the names of the tenant's officials among
/// those they name.
#[derive(Debug)]
pub struct Record {
    /// The history, oldest first.
    pub events: Vec<history::StoredEvent>,
    /// The documents attached, oldest first.
    pub documents: Vec<crate::attachments::Document>,
    /// Officials' names by account id.
    pub names: std::collections::HashMap<i64, String>,
}

/// The [`Record`] of `dossier`; `named` says which accounts' names to read, from the history
/// and the documents.
pub async fn record(
    store: &Store,
    tenant: TenantId,
    dossier: &Dossier,
    named: impl FnOnce(&[history::StoredEvent], &[crate::attachments::Document]) -> Vec<i64>,
) -> Result<Record, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let events = history::events(&txn, tenant, dossier.id).await?;
    let documents = crate::attachments::documents_in(&txn, tenant, dossier.id).await?;
    let mut ids = named(&events, &documents);
    ids.sort_unstable();
    ids.dedup();
    let names = crate::accounts::names_in(&txn, tenant, &ids).await?;
    txn.commit().await?;
    Ok(Record {
        events,
        documents,
        names,
    })
}

/// Dossiers of every tenant whose next timer is due at `now`, oldest first, at most `limit`:
/// what the timer worker wakes. Read across tenants on the platform connection; each wake-up is
/// then a tenant-confined move.
pub async fn due_timers(
    store: &Store,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(TenantId, DossierCode)>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let rows = dossier::Entity::find()
        .filter(dossier::Column::NextTimerAt.lte(now))
        .filter(dossier::Column::ClosedAt.is_null())
        .order_by_asc(dossier::Column::NextTimerAt)
        .limit(limit)
        .all(store.platform())
        .await?;
    rows.into_iter()
        .map(|r| {
            let code = r
                .code
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("dossier code {}", r.code)))?;
            Ok((TenantId(r.tenant_id), code))
        })
        .collect()
}

/// The open dossiers of a procedure on a version, for migration plans.
pub async fn open_on_version(
    store: &Store,
    tenant: TenantId,
    procedure: &str,
    version: i32,
) -> Result<Vec<Dossier>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::ProcedureCode.eq(procedure))
        .filter(dossier::Column::ProcedureVersion.eq(version))
        .filter(dossier::Column::ClosedAt.is_null())
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// The open dossiers of `tenant` with ids above `after`, by id, at most `limit`: a walk through
/// every open dossier (to rebuild their tasks).
pub async fn open_after(
    store: &Store,
    tenant: TenantId,
    after: i64,
    limit: u64,
) -> Result<Vec<Dossier>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let txn = store.tenant_read(tenant).await?;
    let rows = dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Id.gt(after))
        .filter(dossier::Column::ClosedAt.is_null())
        .order_by_asc(dossier::Column::Id)
        .limit(limit)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// The dossiers one receiving unit (a one-stop desk) received from day `from` to day `to`
/// (Vietnam dates, both included), in code order, at most `limit`: the rows of its ledger
/// (Form 06). A desk's codes of those days are one range of the code index (Art. 19: the code
/// is the unit's entity code, the date and a sequence number).
pub async fn received_at_unit(
    store: &Store,
    tenant: TenantId,
    unit: EntityCode,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    limit: u64,
) -> Result<Vec<Dossier>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    // Bytewise on PostgreSQL whatever the database's collation, as the code index is.
    let (c, p) = if store.backend() == sea_orm::DbBackend::Postgres {
        (" COLLATE \"C\"", "$1")
    } else {
        ("", "?")
    };
    let low = format!("{unit}-{}-", from.format("%y%m%d"));
    // `~` sorts after every digit: the end of the last day's codes.
    let high = format!("{unit}-{}-~", to.format("%y%m%d"));
    let txn = store.tenant_read(tenant).await?;
    let rows = dossier::Entity::find()
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(Expr::cust_with_values(format!("code{c} >= {p}"), [low]))
        .filter(Expr::cust_with_values(format!("code{c} < {p}"), [high]))
        .order_by(Expr::cust(format!("code{c}")), sea_orm::Order::Asc)
        .limit(limit)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter().map(from_row).collect()
}

/// One page of the dossiers of `tenant` whose applicant has the citizen identity number
/// `id_number`, newest first (by receipt, then code order of receipt), with how many there are
/// in all: a signed-in citizen's own dossiers. Read through the `(tenant_id,
/// applicant_id_number)` index; a citizen has few dossiers, so sorting them costs nothing.
pub async fn of_applicant(
    store: &Store,
    tenant: TenantId,
    id_number: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Dossier>), StoreError> {
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
    let txn = store.tenant_read(tenant).await?;
    let own = || {
        dossier::Entity::find()
            .filter(dossier::Column::TenantId.eq(tenant.0))
            .filter(dossier::Column::ApplicantIdNumber.eq(id_number))
    };
    let total = own().count(&txn).await?;
    let rows = own()
        .order_by_desc(dossier::Column::ReceivedAt)
        .order_by_desc(dossier::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok((
        total,
        rows.into_iter().map(from_row).collect::<Result<_, _>>()?,
    ))
}
