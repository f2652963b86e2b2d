//! Finding dossiers of a whole tenant, open or closed, by code, citizen ID number or name,
//! through the dossiers' own indexes (`m0008_inbox`): what the one-stop desk does when an
//! applicant turns up with a receipt or an identity card. Exposed as `dossiers::search`.
//!
//! Each kind of search is one index range read in index order and cut at the limit, so a
//! search costs the same in a tenant of ten million dossiers as in an empty one. A name is
//! matched from its start (family name first, as Vietnamese names are written), since only a
//! prefix is a range of an index; the inbox matches words anywhere in its smaller set.

use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use super::keys::successor;
use super::sql::{Sql, escape_like};
use super::{DossierSummary, Search};
use crate::{Store, StoreError, TenantId};

const COLUMNS: &str = "id, code, procedure_code, status, channel, applicant_name, \
                       received_at, due_at, closed_at";

/// Dossiers of `tenant` matching `search`, at most `limit` (up to 200): by code, the latest
/// codes first; by ID number, the latest received first; by name, in the order of the names.
pub async fn search(
    store: &Store,
    tenant: TenantId,
    search: &Search,
    limit: u32,
) -> Result<Vec<DossierSummary>, StoreError> {
    let backend = store.backend();
    // Bytewise on PostgreSQL whatever the database's collation, as the index is.
    let c = if backend == DbBackend::Postgres {
        " COLLATE \"C\""
    } else {
        ""
    };
    let mut sql = Sql::new(backend);
    sql.push("SELECT ")
        .push(COLUMNS)
        .push(" FROM dossiers WHERE tenant_id = ")
        .bind(tenant.0);
    match search {
        Search::Code(code) => {
            sql.push(" AND code = ").bind(code.to_string());
        }
        Search::CodePrefix(prefix) => {
            let Some(upper) = successor(prefix) else {
                return Ok(Vec::new());
            };
            sql.push(&format!(" AND code{c} >= "))
                .bind(prefix.as_str())
                .push(&format!(" AND code{c} < "))
                .bind(upper)
                .push(&format!(" ORDER BY code{c} DESC"));
        }
        Search::IdNumber(id) => {
            sql.push(" AND applicant_id_number = ")
                .bind(id.as_str())
                .push(" ORDER BY received_at DESC, id DESC");
        }
        Search::Name(words) => {
            let name = words.join(" ");
            sql.push(" AND applicant_name_folded >= ")
                .bind(name.clone());
            if let Some(upper) = successor(&name) {
                sql.push(" AND applicant_name_folded < ").bind(upper);
            }
            sql.push(" AND applicant_name_folded LIKE ")
                .bind(format!("{}%", escape_like(&name)))
                .push(" ESCAPE '\\'");
            sql.push(" ORDER BY applicant_name_folded, id");
        }
    }
    sql.push(" LIMIT ").bind(i64::from(limit.clamp(1, 200)));
    let txn = store.tenant_read(tenant).await?;
    let rows = txn.query_all_raw(sql.statement()).await?;
    txn.commit().await?;
    rows.iter().map(summary).collect()
}

fn summary(r: &QueryResult) -> Result<DossierSummary, StoreError> {
    let code: String = r.try_get("", "code")?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("dossier {code}: {what}"));
    let status: String = r.try_get("", "status")?;
    let channel: String = r.try_get("", "channel")?;
    Ok(DossierSummary {
        id: r.try_get("", "id")?,
        code: code.parse().map_err(|_| corrupt("code"))?,
        procedure_code: r.try_get("", "procedure_code")?,
        status: motcua_core::dossier::DossierStatus::parse(&status)
            .ok_or_else(|| corrupt("status"))?,
        channel: motcua_core::dossier::Channel::parse(&channel)
            .ok_or_else(|| corrupt("channel"))?,
        applicant_name: r.try_get("", "applicant_name")?,
        received_at: r.try_get("", "received_at")?,
        due_at: r.try_get("", "due_at")?,
        closed_at: r.try_get("", "closed_at")?,
    })
}
