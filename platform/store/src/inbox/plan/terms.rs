//! The terms of an inbox request's `WHERE` and `ORDER BY`: grants, filters, search, keyset.
//! Each is written for the tasks' table, unaliased in a lane or as `t.` in a lookup.

use super::super::keys;
use super::super::sql::{Sql, escape_like};
use super::{Cursor, Plan};
use crate::inbox::{Due, Search, Sort};

impl Plan<'_> {
    /// Whether a task is one the grants let act: its role or escalation in a granted division.
    pub(super) fn granted(&self, sql: &mut Sql, t: &str) {
        sql.push("(");
        for (i, (role, division)) in self.grants.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("(");
            if let Some(d) = division {
                sql.push(t).push("division = ").bind(*d).push(" AND ");
            }
            sql.push("(")
                .push(t)
                .push("role = ")
                .bind(*role)
                .push(" OR ")
                .push(t)
                .push("escalated_to = ")
                .bind(*role)
                .push("))");
        }
        sql.push(")");
    }

    /// The filters and the search, as conditions on the tasks.
    pub(super) fn filters(&self, sql: &mut Sql, t: &str) {
        let q = self.query;
        if let Some(p) = &q.procedure {
            sql.push(" AND ")
                .push(t)
                .push("procedure_code = ")
                .bind(p.as_str());
        }
        if let Some(s) = q.status {
            sql.push(" AND ").push(t).push("status = ").bind(s.as_str());
        }
        if let Some(c) = q.channel {
            sql.push(" AND ")
                .push(t)
                .push("channel = ")
                .bind(c.as_str());
        }
        match q.due {
            Some(Due::Overdue) => sql.push(" AND ").push(t).push("due_at < ").bind(q.now),
            Some(Due::Before(at)) => sql.push(" AND ").push(t).push("due_at < ").bind(at),
            None => sql,
        };
        match &q.search {
            Some(Search::CodePrefix(prefix)) => {
                sql.push(" AND ")
                    .push(t)
                    .push("code LIKE ")
                    .bind(format!("{}%", escape_like(prefix)))
                    .push(" ESCAPE '\\'");
            }
            Some(Search::Name(words)) => {
                for word in words {
                    sql.push(" AND (' ' || ")
                        .push(t)
                        .push("applicant_name_folded) LIKE ")
                        .bind(format!("% {}%", escape_like(word)))
                        .push(" ESCAPE '\\'");
                }
            }
            _ => {}
        }
    }

    /// The sort column and whether it descends.
    pub(super) fn key(&self) -> (&'static str, bool) {
        match self.query.sort {
            Sort::DueSoonest => ("due_at", false),
            Sort::ReceivedOldest => ("received_at", false),
            Sort::ReceivedNewest => ("received_at", true),
        }
    }

    /// Rows strictly after the cursor in the order: `(key, dossier_id, token_id) > (...)`.
    pub(super) fn keyset(&self, sql: &mut Sql, t: &str, cursor: Option<&Cursor>) {
        let Some(c) = cursor else {
            return;
        };
        let (key, desc) = self.key();
        sql.push(&format!(
            " AND ({t}{key}, {t}dossier_id, {t}token_id) {} (",
            if desc { "<" } else { ">" }
        ))
        .bind(c.at)
        .push(", ")
        .bind(c.dossier)
        .push(", ")
        .bind(i32::try_from(c.token).unwrap_or(i32::MAX))
        .push(")");
    }

    /// ` ORDER BY` the request's order.
    pub(super) fn order<'s>(&self, sql: &'s mut Sql, t: &str) -> &'s mut Sql {
        let (key, desc) = self.key();
        let dir = if desc { " DESC" } else { "" };
        sql.push(&format!(
            " ORDER BY {t}{key}{dir}, {t}dossier_id{dir}, {t}token_id{dir}"
        ))
    }
}

/// ` AND key >= start AND key < successor`: the keys starting with `start`.
pub(super) fn key_range(sql: &mut Sql, k: &str, start: &str) {
    sql.push(" AND ").push(k).push("key >= ").bind(start);
    if let Some(end) = keys::successor(start) {
        sql.push(" AND ").push(k).push("key < ").bind(end);
    }
}
