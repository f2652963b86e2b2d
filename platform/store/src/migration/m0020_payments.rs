//! Online payments of dossiers' fees (level-4 procedures, Art. 16.2.c):
//!
//! - `payments`: one row per attempt to pay a dossier's fees at the payment gateway: the order id
//!   sent to the gateway (unique across the platform: gateways know orders by it), the amount in
//!   đồng, the state (`pending`, `paid`, `failed`, `cancelled`), the gateway's reference, when it
//!   was created and last changed, and the gateway's verified callback that settled it, as
//!   received. Indexed by dossier for the receipt and the payment page.
//!
//! The tenant role may read, add and update payments; never delete.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    TenantId,
    DossierId,
    OrderId,
    Amount,
    Status,
    Provider,
    ProviderRef,
    CreatedAt,
    UpdatedAt,
    Callback,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Payments as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(
                    ColumnDef::new(P::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(P::TenantId).big_integer().not_null())
                .col(ColumnDef::new(P::DossierId).big_integer().not_null())
                .col(ColumnDef::new(P::OrderId).string_len(64).not_null())
                .col(ColumnDef::new(P::Amount).big_integer().not_null())
                .col(ColumnDef::new(P::Status).string_len(16).not_null())
                .col(ColumnDef::new(P::Provider).string_len(32).not_null())
                .col(ColumnDef::new(P::ProviderRef).string_len(128).null())
                .col(
                    ColumnDef::new(P::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(P::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(P::Callback).text().null())
                .foreign_key(&mut tenant_fk(P::Table, P::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(P::Table, P::DossierId)
                        .to(Alias::new("dossiers"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("payments_order_id")
                .table(P::Table)
                .col(P::OrderId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("payments_tenant_dossier")
                .table(P::Table)
                .col(P::TenantId)
                .col(P::DossierId)
                .to_owned(),
        )
        .await?;
        tenant_isolation(m, "payments", "SELECT, INSERT, UPDATE").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE payments_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
