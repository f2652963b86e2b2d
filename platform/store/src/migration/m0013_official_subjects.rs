//! Officials signing in through their tenant's own OpenID provider:
//!
//! - `accounts.external_subject`: the provider's `sub` of the official, recorded at their first
//!   sign-in through the provider and required to be the same at every later one; unique per
//!   tenant, so that one person at the provider is never two officials. The column is covered by
//!   the row-level security `accounts` already has (m0007).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    TenantId,
    ExternalSubject,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(
                    ColumnDef::new(Accounts::ExternalSubject)
                        .string_len(255)
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        // Accounts never signed in through a provider have none; NULLs never collide.
        m.create_index(
            Index::create()
                .name("accounts_tenant_external_subject")
                .table(Accounts::Table)
                .col(Accounts::TenantId)
                .col(Accounts::ExternalSubject)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
