//! The SQL of an inbox request, the same on SQLite and PostgreSQL but for placeholders.
//!
//! A request becomes either
//! - *lanes*: one ordered, limited scan of `dossier_tasks` per way in, each matching one index
//!   (`m0008_inbox`) by its leading equalities and its order, merged with `UNION` (which also
//!   drops a task found twice, e.g. through its role and through its escalation) and cut to the
//!   page again; or
//! - a *lookup* of candidates: for an exact dossier code or citizen ID number through the
//!   dossiers' indexes, for a narrow search through the search keys; joined to the tasks by
//!   their key and checked against the same scope, filters and search.
//!
//! | lane                            | index                                     |
//! |---------------------------------|-------------------------------------------|
//! | unclaimed work of role (in div) | `dossier_tasks_queue_{due,received}`      |
//! | unclaimed escalated work        | `dossier_tasks_escalated`                 |
//! | the official's own work         | `dossier_tasks_assignee`                  |
//! | a division's work               | `dossier_tasks_division_{due,received}`   |
//! | the whole tenant's work         | `dossier_tasks_tenant_{due,received}`     |
//!
//! The escalated and own lanes are small by nature (exceptions; one person's work) and are
//! sorted when listed by receipt time; so is a role held in every division, whose queue is
//! read across the tenant's divisions. SQLite is told each lane's index (`INDEXED BY`): left to
//! itself, it may walk a wide index that has the order and filter it.
//!
//! A name or code-prefix search is checked on the rows the lanes read, unless one of its search
//! key ranges (`dossier_task_keys`) holds few enough candidates: then the candidates are looked
//! up like an exact code, and checked against the whole search and the scope.

use sea_orm::{DbBackend, Statement};

mod terms;

use super::keys;
use super::sql::Sql;
use super::{Cursor, InboxQuery, Scope, Search, Sort};
use crate::TenantId;
use terms::key_range;

/// The task columns a listing reads, in this order.
pub(super) const COLUMNS: [&str; 16] = [
    "dossier_id",
    "token_id",
    "step",
    "role",
    "division",
    "assignee",
    "escalated_to",
    "step_due_at",
    "entered_at",
    "code",
    "procedure_code",
    "status",
    "channel",
    "applicant_name",
    "received_at",
    "due_at",
];

/// A way into the tasks.
#[derive(Clone, Copy, Debug)]
enum Lane<'a> {
    /// Unclaimed tasks of a role, in a division or in all.
    Queue(&'a str, Option<&'a str>),
    /// Unclaimed tasks escalated to a role, in a division or in all.
    Escalated(&'a str, Option<&'a str>),
    /// The official's own tasks (still within their grants).
    Mine,
    /// A division's tasks.
    Division(&'a str),
    /// The tenant's tasks.
    Tenant,
}

/// An inbox request, planned.
pub(super) struct Plan<'a> {
    backend: DbBackend,
    tenant: TenantId,
    query: &'a InboxQuery,
    /// The grants, without those a role held everywhere makes redundant.
    grants: Vec<(&'a str, Option<&'a str>)>,
    /// The search key range to find the candidates in, when a search has a narrow one.
    keys: Option<String>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(backend: DbBackend, tenant: TenantId, query: &'a InboxQuery) -> Self {
        let everywhere: Vec<&str> = query
            .grants
            .iter()
            .filter(|g| g.division.is_none())
            .map(|g| g.role.as_str())
            .collect();
        let mut grants: Vec<(&str, Option<&str>)> = query
            .grants
            .iter()
            .filter(|g| g.division.is_none() || !everywhere.contains(&g.role.as_str()))
            .map(|g| (g.role.as_str(), g.division.as_deref()))
            .collect();
        grants.sort_unstable();
        grants.dedup();
        Self {
            backend,
            tenant,
            query,
            grants,
            keys: None,
        }
    }

    /// Where the search's candidates may be looked up in the keys (`dossier_task_keys`): for a
    /// code prefix, its range; for words of a name, one range per word.
    pub(super) fn key_ranges(&self) -> Vec<String> {
        match &self.query.search {
            Some(Search::CodePrefix(prefix)) => vec![keys::code(prefix)],
            Some(Search::Name(words)) => words.iter().map(|w| keys::word(w)).collect(),
            _ => Vec::new(),
        }
    }

    /// Finds the candidates in the key range starting at `start` (one of [`Self::key_ranges`]).
    pub(super) fn use_keys(&mut self, start: String) {
        self.keys = Some(start);
    }

    /// Counts, up to `fetch`, the keys in the range starting at `start`.
    pub(super) fn count_keys(&self, start: &str, fetch: u64) -> Statement {
        let mut sql = Sql::new(self.backend);
        sql.push("SELECT COUNT(*) FROM (SELECT 1 FROM dossier_task_keys WHERE tenant_id = ")
            .bind(self.tenant.0);
        key_range(&mut sql, "", start);
        sql.push(" LIMIT ").bind(fetch as i64).push(") AS k");
        sql.statement()
    }

    /// The lanes of the request's scope.
    fn lanes(&self) -> Vec<Lane<'a>> {
        match self.query.scope {
            Scope::Mine => vec![Lane::Mine],
            Scope::Available => {
                let mut lanes: Vec<Lane<'a>> = self
                    .grants
                    .iter()
                    .flat_map(|&(role, div)| [Lane::Queue(role, div), Lane::Escalated(role, div)])
                    .collect();
                lanes.push(Lane::Mine);
                lanes
            }
            Scope::Divisions => {
                if self.grants.iter().any(|(_, d)| d.is_none()) {
                    return vec![Lane::Tenant];
                }
                let mut divisions: Vec<&str> = self.grants.iter().filter_map(|g| g.1).collect();
                divisions.sort_unstable();
                divisions.dedup();
                divisions.into_iter().map(Lane::Division).collect()
            }
        }
    }

    /// Whether the request is answered through the dossiers' indexes.
    fn by_dossier(&self) -> bool {
        matches!(
            self.query.search,
            Some(Search::Code(_) | Search::IdNumber(_))
        )
    }

    /// A page of at most `fetch` rows after `cursor`; `None` when the grants allow nothing.
    pub(super) fn list(&self, cursor: Option<&Cursor>, fetch: u64) -> Option<Statement> {
        if self.grants.is_empty() {
            return None;
        }
        let columns = COLUMNS.join(", ");
        let mut sql = Sql::new(self.backend);
        if self.by_dossier() || self.keys.is_some() {
            let prefixed: Vec<String> = COLUMNS.iter().map(|c| format!("t.{c}")).collect();
            // A dossier found through two of its words would be listed twice.
            let distinct = if self.keys.is_some() { "DISTINCT " } else { "" };
            sql.push("SELECT ")
                .push(distinct)
                .push(&prefixed.join(", "));
            self.lookup(&mut sql, cursor);
            self.order(&mut sql, "t.")
                .push(" LIMIT ")
                .bind(fetch as i64);
            return Some(sql.statement());
        }
        let lanes = self.lanes();
        if let [lane] = lanes[..] {
            self.lane(&mut sql, lane, &columns, cursor, fetch);
            return Some(sql.statement());
        }
        for (i, lane) in lanes.into_iter().enumerate() {
            if i > 0 {
                sql.push(" UNION ");
            }
            sql.push("SELECT * FROM (");
            self.lane(&mut sql, lane, &columns, cursor, fetch);
            sql.push(&format!(") AS b{i}"));
        }
        self.order(&mut sql, "").push(" LIMIT ").bind(fetch as i64);
        Some(sql.statement())
    }

    /// The number of matching rows, counting at most `fetch` per lane.
    pub(super) fn count(&self, fetch: u64) -> Option<Statement> {
        if self.grants.is_empty() {
            return None;
        }
        let mut sql = Sql::new(self.backend);
        sql.push("SELECT COUNT(*) FROM (");
        if self.by_dossier() || self.keys.is_some() {
            sql.push("SELECT DISTINCT t.dossier_id, t.token_id");
            self.lookup(&mut sql, None);
        } else {
            for (i, lane) in self.lanes().into_iter().enumerate() {
                if i > 0 {
                    sql.push(" UNION ");
                }
                sql.push("SELECT * FROM (");
                self.lane(&mut sql, lane, "dossier_id, token_id", None, fetch);
                sql.push(&format!(") AS b{i}"));
            }
        }
        sql.push(") AS counted");
        Some(sql.statement())
    }

    /// One lane: `SELECT columns FROM dossier_tasks WHERE ... ORDER BY ... LIMIT fetch`.
    fn lane(
        &self,
        sql: &mut Sql,
        lane: Lane<'_>,
        columns: &str,
        cursor: Option<&Cursor>,
        fetch: u64,
    ) {
        sql.push("SELECT ")
            .push(columns)
            .push(" FROM dossier_tasks");
        if self.backend == DbBackend::Sqlite {
            // Without this, SQLite may walk a wider index that has the order (a division's or
            // the tenant's) and filter it, rather than sort the few rows of a small lane.
            sql.push(" INDEXED BY ").push(self.index(lane));
        }
        sql.push(" WHERE tenant_id = ").bind(self.tenant.0);
        match lane {
            Lane::Queue(role, division) => {
                sql.push(" AND role = ").bind(role);
                if let Some(d) = division {
                    sql.push(" AND division = ").bind(d);
                }
                sql.push(" AND assignee IS NULL");
            }
            Lane::Escalated(role, division) => {
                sql.push(" AND escalated_to = ").bind(role);
                if let Some(d) = division {
                    sql.push(" AND division = ").bind(d);
                }
                sql.push(" AND assignee IS NULL AND escalated_to IS NOT NULL");
            }
            Lane::Mine => {
                sql.push(" AND assignee = ")
                    .bind(self.query.me.as_str())
                    .push(" AND assignee IS NOT NULL AND ");
                self.granted(sql, "");
            }
            Lane::Division(d) => {
                sql.push(" AND division = ").bind(d);
            }
            Lane::Tenant => {}
        }
        self.filters(sql, "");
        self.keyset(sql, "", cursor);
        self.order(sql, "").push(" LIMIT ").bind(fetch as i64);
    }

    /// The index meant for `lane` in the request's order.
    fn index(&self, lane: Lane<'_>) -> &'static str {
        let due = self.query.sort == Sort::DueSoonest;
        match lane {
            Lane::Queue(..) if due => "dossier_tasks_queue_due",
            Lane::Queue(..) => "dossier_tasks_queue_received",
            Lane::Escalated(..) => "dossier_tasks_escalated",
            Lane::Mine => "dossier_tasks_assignee",
            Lane::Division(_) if due => "dossier_tasks_division_due",
            Lane::Division(_) => "dossier_tasks_division_received",
            Lane::Tenant if due => "dossier_tasks_tenant_due",
            Lane::Tenant => "dossier_tasks_tenant_received",
        }
    }

    /// ` FROM ... WHERE ...` of a lookup of candidates (by code or ID number through the
    /// dossiers' indexes, or by a range of the search keys), without the order.
    fn lookup(&self, sql: &mut Sql, cursor: Option<&Cursor>) {
        // SQLite would rather walk the tenant's tasks in order than sort the few candidates;
        // its CROSS JOIN keeps the candidates outer.
        let join = if self.backend == DbBackend::Sqlite {
            "CROSS JOIN"
        } else {
            "JOIN"
        };
        let (table, alias) = match self.keys {
            Some(_) => ("dossier_task_keys", "k"),
            None => ("dossiers", "d"),
        };
        let id = if alias == "k" { "k.dossier_id" } else { "d.id" };
        sql.push(&format!(
            " FROM {table} {alias} {join} dossier_tasks t \
             ON t.tenant_id = {alias}.tenant_id AND t.dossier_id = {id} \
             WHERE {alias}.tenant_id = "
        ))
        .bind(self.tenant.0);
        match (&self.keys, &self.query.search) {
            (Some(start), _) => key_range(sql, "k.", start),
            (None, Some(Search::Code(code))) => {
                sql.push(" AND d.code = ").bind(code.to_string());
            }
            (None, Some(Search::IdNumber(id))) => {
                sql.push(" AND d.applicant_id_number = ").bind(id.as_str());
            }
            _ => {}
        }
        sql.push(" AND ");
        self.scope(sql);
        self.filters(sql, "t.");
        self.keyset(sql, "t.", cursor);
    }

    /// Whether a task `t` is in the request's scope.
    fn scope(&self, sql: &mut Sql) {
        match self.query.scope {
            Scope::Mine => {
                sql.push("t.assignee = ")
                    .bind(self.query.me.as_str())
                    .push(" AND ");
                self.granted(sql, "t.");
            }
            Scope::Available => {
                self.granted(sql, "t.");
                sql.push(" AND (t.assignee IS NULL OR t.assignee = ")
                    .bind(self.query.me.as_str())
                    .push(")");
            }
            Scope::Divisions => {
                sql.push("(");
                for (i, (_, division)) in self.grants.iter().enumerate() {
                    if i > 0 {
                        sql.push(" OR ");
                    }
                    match division {
                        Some(d) => sql.push("t.division = ").bind(*d),
                        None => sql.push("1 = 1"),
                    };
                }
                sql.push(")");
            }
        }
    }
}
