//! Dossiers forwarded by the national public service portal.
//!
//! - `dossiers.national_code`: the dossier's code at the national portal, unique per tenant, so
//!   that a forward repeated (or two sent at once) finds the dossier the first one created;
//! - `national_exchanges`: every message exchanged with the national portal, with the sha256 of
//!   its payload and what was answered; append-only (the tenant role may read and add rows, never
//!   change or delete them).

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
    TenantId,
    NationalCode,
}

#[derive(DeriveIden)]
enum NationalExchanges {
    Table,
    Id,
    TenantId,
    Direction,
    Service,
    NationalCode,
    DossierId,
    Caller,
    PayloadSha256,
    Payload,
    ErrorCode,
    Outcome,
    Message,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Dossiers::Table)
                .add_column(ColumnDef::new(Dossiers::NationalCode).string_len(64).null())
                .to_owned(),
        )
        .await?;
        // Dossiers received otherwise have no national code; NULLs never collide.
        m.create_index(
            Index::create()
                .name("dossiers_tenant_national_code")
                .table(Dossiers::Table)
                .col(Dossiers::TenantId)
                .col(Dossiers::NationalCode)
                .unique()
                .to_owned(),
        )
        .await?;

        use NationalExchanges as X;
        m.create_table(
            Table::create()
                .table(X::Table)
                .col(
                    ColumnDef::new(X::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(X::TenantId).big_integer().not_null())
                .col(ColumnDef::new(X::Direction).string_len(8).not_null())
                .col(ColumnDef::new(X::Service).string_len(40).not_null())
                .col(ColumnDef::new(X::NationalCode).string_len(64).null())
                .col(ColumnDef::new(X::DossierId).big_integer().null())
                .col(ColumnDef::new(X::Caller).string_len(300).not_null())
                .col(ColumnDef::new(X::PayloadSha256).string_len(64).not_null())
                .col(ColumnDef::new(X::Payload).text().not_null())
                .col(ColumnDef::new(X::ErrorCode).string_len(8).not_null())
                .col(ColumnDef::new(X::Outcome).string_len(64).not_null())
                .col(ColumnDef::new(X::Message).text().not_null())
                .col(ColumnDef::new(X::At).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(X::Table, X::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(X::Table, X::DossierId)
                        .to(Dossiers::Table, Dossiers::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, second) in [
            ("national_exchanges_tenant_dossier", X::DossierId),
            ("national_exchanges_tenant_national_code", X::NationalCode),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(X::Table)
                    .col(X::TenantId)
                    .col(second)
                    .to_owned(),
            )
            .await?;
        }
        tenant_isolation(m, "national_exchanges", "SELECT, INSERT").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE national_exchanges_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
