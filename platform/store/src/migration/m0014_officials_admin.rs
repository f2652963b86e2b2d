//! Tenant administration of officials:
//!
//! - `accounts.phone`: an official's telephone number, beside the e-mail address;
//! - `account_changes`: every change an administrator makes to an official's account (created,
//!   deactivated, reactivated, reset, delegated a role, delegation ended), with who, when and the
//!   account before and after; append-only (the tenant role may read and add rows, never change
//!   or delete them). Role assignments keep their own audit in `policy_changes`;
//! - `delegations`: a role given to an official in a division for a period. The assignment itself
//!   is a policy rule like any other; this row bounds it in time, and the compiled decision index
//!   grants it only between `starts_at` and `ends_at` (see `motcua_store::officials`).

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Phone,
}

#[derive(DeriveIden)]
enum AccountChanges {
    Table,
    Id,
    TenantId,
    AccountId,
    ChangedAt,
    Actor,
    Action,
    Before,
    After,
}

#[derive(DeriveIden)]
enum Delegations {
    Table,
    Id,
    TenantId,
    AccountId,
    Role,
    Division,
    StartsAt,
    EndsAt,
    Reason,
    GrantedBy,
    CreatedAt,
    EndedAt,
    EndedBy,
}

fn id_column<T: IntoIden>(id: T) -> ColumnDef {
    ColumnDef::new(id)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn account_fk<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(ColumnDef::new(Accounts::Phone).string_len(20).null())
                .to_owned(),
        )
        .await?;

        use AccountChanges as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(id_column(C::Id))
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::AccountId).big_integer().not_null())
                .col(
                    ColumnDef::new(C::ChangedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(C::Actor).string_len(200).not_null())
                .col(ColumnDef::new(C::Action).string_len(40).not_null())
                .col(ColumnDef::new(C::Before).text().not_null())
                .col(ColumnDef::new(C::After).text().not_null())
                .foreign_key(&mut tenant_fk(C::Table, C::TenantId))
                .foreign_key(&mut account_fk(C::Table, C::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("account_changes_tenant_changed")
                .table(C::Table)
                .col(C::TenantId)
                .col(C::ChangedAt)
                .to_owned(),
        )
        .await?;

        use Delegations as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(id_column(D::Id))
                .col(ColumnDef::new(D::TenantId).big_integer().not_null())
                .col(ColumnDef::new(D::AccountId).big_integer().not_null())
                .col(ColumnDef::new(D::Role).string_len(40).not_null())
                .col(ColumnDef::new(D::Division).string_len(100).not_null())
                .col(
                    ColumnDef::new(D::StartsAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(D::EndsAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(D::Reason).text().not_null())
                .col(ColumnDef::new(D::GrantedBy).string_len(200).not_null())
                .col(
                    ColumnDef::new(D::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(D::EndedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(D::EndedBy).string_len(200).null())
                .foreign_key(&mut tenant_fk(D::Table, D::TenantId))
                .foreign_key(&mut account_fk(D::Table, D::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("delegations_tenant_account")
                .table(D::Table)
                .col(D::TenantId)
                .col(D::AccountId)
                .to_owned(),
        )
        .await?;

        // At most one open delegation of a role in a division per official, also when two
        // are made at once (a partial index: the same statement on SQLite and PostgreSQL).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX delegations_open ON delegations \
                 (tenant_id, account_id, role, division) WHERE ended_at IS NULL",
            )
            .await?;

        tenant_isolation(m, "account_changes", "SELECT, INSERT").await?;
        tenant_isolation(m, "delegations", "SELECT, INSERT, UPDATE").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE account_changes_id_seq TO motcua_tenant;
                     GRANT USAGE, SELECT ON SEQUENCE delegations_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
