//! The officials' inbox: the open work items (tasks) of dossiers that an official's roles and
//! divisions may act on, filtered, searched and sorted, a page at a time.
//!
//! Rules it keeps:
//! - A dossier's tasks are written with every move of the dossier, in its transaction
//!   (`Change::tasks` replaces them all), so the inbox never shows a step the dossier has left.
//! - Every page is read from `dossier_tasks` alone by ordered index scans, one per way in (a
//!   role's queue in a division, escalated work, the official's own work, a division, the
//!   tenant), each stopping at the page's end (keyset pagination, never `OFFSET`), merged and
//!   de-duplicated: the cost follows the page size and the number of grants, not the number of
//!   dossiers stored. Filters are checked on the rows these scans read, and so are name and
//!   code-prefix searches whose words are common. A rare word or code prefix is looked up in
//!   the search keys (`dossier_task_keys`, at most [`KEY_CANDIDATES`] candidates), an exact
//!   code or citizen ID number in the dossiers' own indexes; the candidates' tasks are then
//!   checked against the same scope, filters and search.
//! - The cost that remains tied to the data is that of work, not of history: a common search
//!   word or a selective filter reads the official's scope until the page is full; one
//!   official's own tasks, and a role's queue across all divisions (for a role held in every
//!   division), are sorted when listed by receipt time.
//! - What an official sees is what their grants allow and nothing else: another division's or
//!   another tenant's tasks never appear, whatever the filters (the tenant is also a filter of
//!   every scan, and PostgreSQL's row-level security is a second wall).
//! - Grants here decide what is *listed*; whether an action is allowed is still the engine's and
//!   the policies' decision.

mod cursor;
mod keys;
mod plan;
pub(crate) mod search;
mod sql;
pub(crate) mod write;

use chrono::{DateTime, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::{Channel, DossierStatus};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, QueryResult, Statement};

use crate::{Store, StoreError, TenantId};

pub use cursor::{BadCursor, Cursor};

/// The most rows a page holds.
pub const MAX_LIMIT: u32 = 200;

/// An open work item of a dossier: a step waiting for officials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// The workflow token's id within the dossier.
    pub token: u32,
    /// The step's key.
    pub step: String,
    /// The role that acts at the step.
    pub role: String,
    /// The division the step belongs to.
    pub division: String,
    /// The official who claimed it (the id the workflow records), if one did.
    pub assignee: Option<String>,
    /// A role it was escalated to, which may act too (in the same division).
    pub escalated_to: Option<String>,
    /// When the step is due, if it has a deadline.
    pub due: Option<DateTime<Utc>>,
    /// When the dossier arrived at the step.
    pub entered_at: DateTime<Utc>,
}

/// A role an official holds, in one division or in every division of the tenant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    /// The role (`receiver`, `specialist`, `division_head`, `agency_leader`).
    pub role: String,
    /// The division's key, or `None` for every division.
    pub division: Option<String>,
}

impl Grant {
    /// `role` in `division`.
    pub fn new(role: &str, division: &str) -> Self {
        Self {
            role: role.to_owned(),
            division: Some(division.to_owned()),
        }
    }

    /// `role` in every division of the tenant.
    pub fn everywhere(role: &str) -> Self {
        Self {
            role: role.to_owned(),
            division: None,
        }
    }
}

/// Which tasks of the official's divisions to list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Those the official has claimed or was assigned.
    Mine,
    /// Those the official may take: unclaimed ones their roles may act on, and their own.
    #[default]
    Available,
    /// Every task of the divisions where the official holds a role (all of the tenant's for a
    /// role held in every division), whoever has it: what a head of division oversees.
    Divisions,
}

/// A filter on the dossier's due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Past its due time at [`InboxQuery::now`].
    Overdue,
    /// Due before this time (overdue ones included): "due soon".
    Before(DateTime<Utc>),
}

/// The order of a listing; every order ends with the dossier and token ids, so it is total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// The dossier due soonest first.
    #[default]
    DueSoonest,
    /// The dossier received last first.
    ReceivedNewest,
    /// The dossier received first first.
    ReceivedOldest,
}

/// What to search for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// A whole dossier code.
    Code(DossierCode),
    /// The start of a dossier code (`000.00.01.H56-2603`).
    CodePrefix(String),
    /// A citizen identity number, exactly.
    IdNumber(String),
    /// Words of the applicant's name, each the start of a word of it, ignoring case and
    /// diacritics ("le thi hoa", "hoa le" and "Lê H" all find "Lê Thị Hoa").
    Name(Vec<String>),
}

impl Search {
    /// What an official typed in the one search box: a whole code, 12 digits (a citizen ID),
    /// the start of a code (digits with dots or dashes), or else words of a name. `None` for
    /// blank text.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(code) = text.to_ascii_uppercase().parse::<DossierCode>() {
            return Some(Self::Code(code));
        }
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Self::IdNumber(text.to_owned()));
        }
        let code_like = text.bytes().any(|b| b.is_ascii_digit())
            && text.bytes().any(|b| b == b'.' || b == b'-')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if code_like {
            return Some(Self::CodePrefix(text.to_ascii_uppercase()));
        }
        let words = motcua_core::text::folded_words(text);
        (!words.is_empty()).then_some(Self::Name(words))
    }
}

/// An inbox request.
#[derive(Clone, Debug)]
pub struct InboxQuery {
    /// The official, as the workflow records them in assignments.
    pub me: String,
    /// The official's roles.
    pub grants: Vec<Grant>,
    /// Which of their tasks.
    pub scope: Scope,
    /// Only this procedure's dossiers.
    pub procedure: Option<String>,
    /// Only dossiers with this status.
    pub status: Option<DossierStatus>,
    /// Only dossiers received through this channel.
    pub channel: Option<Channel>,
    /// Only dossiers due so.
    pub due: Option<Due>,
    /// Only dossiers matching.
    pub search: Option<Search>,
    /// The order.
    pub sort: Sort,
    /// Now, for [`Due::Overdue`].
    pub now: DateTime<Utc>,
    /// Rows per page (1 to [`MAX_LIMIT`]).
    pub limit: u32,
    /// Where the previous page ended; a cursor of another order starts from the first page.
    pub cursor: Option<Cursor>,
}

impl InboxQuery {
    /// The first page of the tasks available to `me` with `grants`, due soonest first, 50 rows.
    pub fn new(me: &str, grants: Vec<Grant>, now: DateTime<Utc>) -> Self {
        Self {
            me: me.to_owned(),
            grants,
            scope: Scope::default(),
            procedure: None,
            status: None,
            channel: None,
            due: None,
            search: None,
            sort: Sort::default(),
            now,
            limit: 50,
            cursor: None,
        }
    }
}

/// A dossier as a list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DossierSummary {
    /// Its id.
    pub id: i64,
    /// Its code.
    pub code: DossierCode,
    /// The procedure's national code.
    pub procedure_code: String,
    /// Where it stands.
    pub status: DossierStatus,
    /// How it arrived.
    pub channel: Channel,
    /// The applicant's name.
    pub applicant_name: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// When handling ended (never, for a dossier in an inbox).
    pub closed_at: Option<DateTime<Utc>>,
}

/// A row of the inbox: a task and its dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxRow {
    /// The dossier.
    pub dossier: DossierSummary,
    /// The task.
    pub task: Task,
}

/// A page of the inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxPage {
    /// The rows, in the query's order.
    pub rows: Vec<InboxRow>,
    /// Where the next page starts, if there are more rows.
    pub next: Option<Cursor>,
}

/// A count of rows, up to a cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// The rows counted (at most the cap).
    pub n: u64,
    /// Whether more rows than the cap match ("99+").
    pub more: bool,
}

/// Stores `tasks` as the open tasks of `dossier` (as read, e.g. by
/// [`crate::dossiers::open_after`]) outside a move: for dossiers stored before the inbox
/// existed. `false` when the dossier moved since it was read, which wrote its tasks already.
pub async fn rebuild(
    store: &Store,
    tenant: TenantId,
    dossier: &crate::dossiers::Dossier,
    tasks: &[Task],
) -> Result<bool, StoreError> {
    write::rebuild(store, tenant, dossier, tasks).await
}

/// The most candidates a search key range may give for it to find a search's dossiers; past
/// that, the search is a filter on the scope's lanes, where a word that common is soon met.
pub const KEY_CANDIDATES: i64 = 500;

/// `query` planned, with its search's narrowest key range when one is narrow enough.
async fn plan<'a>(
    txn: &DatabaseTransaction,
    backend: DbBackend,
    tenant: TenantId,
    query: &'a InboxQuery,
) -> Result<plan::Plan<'a>, StoreError> {
    let mut plan = plan::Plan::new(backend, tenant, query);
    let mut narrowest: Option<(i64, String)> = None;
    for start in plan.key_ranges() {
        let counted = txn
            .query_one_raw(plan.count_keys(&start, KEY_CANDIDATES as u64 + 1))
            .await?;
        let n: i64 = match counted {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
        if n <= KEY_CANDIDATES && narrowest.as_ref().is_none_or(|(m, _)| n < *m) {
            narrowest = Some((n, start));
        }
    }
    if let Some((_, start)) = narrowest {
        plan.use_keys(start);
    }
    Ok(plan)
}

/// A page of `tenant`'s inbox for `query`.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    query: &InboxQuery,
) -> Result<InboxPage, StoreError> {
    let limit = query.limit.clamp(1, MAX_LIMIT);
    let cursor = query.cursor.as_ref().filter(|c| c.sort == query.sort);
    let txn = store.tenant_read(tenant).await?;
    let planned = plan(&txn, store.backend(), tenant, query).await?;
    let rows = match planned.list(cursor, u64::from(limit) + 1) {
        Some(statement) => txn.query_all_raw(statement).await?,
        None => Vec::new(),
    };
    txn.commit().await?;
    let mut rows = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| Cursor::after(query.sort, r))
    } else {
        None
    };
    Ok(InboxPage { rows, next })
}

/// How many rows of `tenant`'s inbox match `query` (its order and cursor aside), counting up to
/// `cap`: e.g. the overdue tasks of the official's scope, with [`Due::Overdue`].
pub async fn count(
    store: &Store,
    tenant: TenantId,
    query: &InboxQuery,
    cap: u32,
) -> Result<Count, StoreError> {
    // Counted in the due order, whose indexes give an overdue filter as a range.
    let query = InboxQuery {
        sort: Sort::DueSoonest,
        cursor: None,
        ..query.clone()
    };
    let txn = store.tenant_read(tenant).await?;
    let planned = plan(&txn, store.backend(), tenant, &query).await?;
    let found = match planned.count(u64::from(cap) + 1) {
        Some(statement) => txn.query_one_raw(statement).await?,
        None => None,
    };
    txn.commit().await?;
    let n: i64 = match found {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    };
    let n = u64::try_from(n).unwrap_or_default();
    Ok(Count {
        n: n.min(u64::from(cap)),
        more: n > u64::from(cap),
    })
}

/// How the database would read the page `query` asks for (`EXPLAIN QUERY PLAN` on SQLite,
/// `EXPLAIN` on PostgreSQL), a line per row of the plan: to check that an inbox is read through
/// its indexes, in tests and when one is slow.
pub async fn explain(
    store: &Store,
    tenant: TenantId,
    query: &InboxQuery,
) -> Result<Vec<String>, StoreError> {
    let limit = query.limit.clamp(1, MAX_LIMIT);
    let cursor = query.cursor.as_ref().filter(|c| c.sort == query.sort);
    let backend = store.backend();
    let (prefix, column) = match backend {
        DbBackend::Postgres => ("EXPLAIN ", "QUERY PLAN"),
        _ => ("EXPLAIN QUERY PLAN ", "detail"),
    };
    let txn = store.tenant_read(tenant).await?;
    let planned = plan(&txn, backend, tenant, query).await?;
    let rows = match planned.list(cursor, u64::from(limit) + 1) {
        Some(statement) => {
            let explained = Statement {
                sql: format!("{prefix}{}", statement.sql),
                ..statement
            };
            txn.query_all_raw(explained).await?
        }
        None => Vec::new(),
    };
    txn.commit().await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", column).map_err(StoreError::from))
        .collect()
}

/// A task row as [`plan::COLUMNS`] selects it.
fn row(r: &QueryResult) -> Result<InboxRow, StoreError> {
    let code: String = r.try_get("", "code")?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("task of dossier {code}: {what}"));
    let status: String = r.try_get("", "status")?;
    let channel: String = r.try_get("", "channel")?;
    let token: i32 = r.try_get("", "token_id")?;
    Ok(InboxRow {
        dossier: DossierSummary {
            id: r.try_get("", "dossier_id")?,
            code: code.parse().map_err(|_| corrupt("code"))?,
            procedure_code: r.try_get("", "procedure_code")?,
            status: DossierStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
            channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel"))?,
            applicant_name: r.try_get("", "applicant_name")?,
            received_at: r.try_get("", "received_at")?,
            due_at: r.try_get("", "due_at")?,
            closed_at: None,
        },
        task: Task {
            token: u32::try_from(token).map_err(|_| corrupt("token"))?,
            step: r.try_get("", "step")?,
            role: r.try_get("", "role")?,
            division: r.try_get("", "division")?,
            assignee: r.try_get("", "assignee")?,
            escalated_to: r.try_get("", "escalated_to")?,
            due: r.try_get("", "step_due_at")?,
            entered_at: r.try_get("", "entered_at")?,
        },
    })
}
