//! Writes guarded by a row's version (optimistic concurrency): a change is written only while
//! the row still is at the version its writer saw, and the version is compared and raised in the
//! statement that writes the change. Of two concurrent writers on one version, PostgreSQL makes
//! the second wait for the first's row and then finds it no longer matches; SQLite runs writers
//! one at a time. Either way exactly one of them writes; what the other is told is the caller's.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, UpdateMany, Value};

use crate::{StoreError, TenantId};

/// The columns of a tenant's versioned row: its tenant, its id and its version.
pub(crate) struct Columns<C> {
    pub(crate) tenant: C,
    pub(crate) id: C,
    pub(crate) version: C,
}

/// Writes `update` to row `id` of `tenant`, raising its version by one, only if the version
/// still is `seen` (`None`: whatever it is). Whether the row was written: `false` when there is
/// no such row or its version moved.
pub(crate) async fn update<E: EntityTrait>(
    db: &impl ConnectionTrait,
    update: UpdateMany<E>,
    columns: Columns<E::Column>,
    tenant: TenantId,
    id: i64,
    seen: Option<impl Into<Value>>,
) -> Result<bool, StoreError> {
    let Columns {
        tenant: tenant_column,
        id: id_column,
        version,
    } = columns;
    let mut update = update
        .col_expr(version, Expr::col(version).add(1))
        .filter(tenant_column.eq(tenant.0))
        .filter(id_column.eq(id));
    if let Some(seen) = seen {
        update = update.filter(version.eq(seen));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}
