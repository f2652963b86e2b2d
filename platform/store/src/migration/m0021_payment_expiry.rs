//! At most one open order per dossier, and orders that expire:
//!
//! - `payments.status` may now also be `expired`: an order left unpaid past the open window,
//!   closed by the expiry pass after asking the gateway (a paid callback arriving later still
//!   settles it as paid).
//! - `payments_one_open`: a partial unique index over `(tenant_id, dossier_id)` of the `pending`
//!   rows, so that two "pay online" clicks at once cannot both open an order: the second insert
//!   fails and the click is shown the first order. Partial indexes are written alike in SQLite
//!   and PostgreSQL.
//!
//! Rows from before may hold several pending orders of one dossier (an order left open for
//! longer than the window let another start): all but the latest are marked `expired` first.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE payments SET status = 'expired' \
             WHERE status = 'pending' AND id NOT IN \
             (SELECT MAX(id) FROM payments WHERE status = 'pending' GROUP BY tenant_id, dossier_id)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX payments_one_open ON payments (tenant_id, dossier_id) \
             WHERE status = 'pending'",
        )
        .await?;
        Ok(())
    }
}
