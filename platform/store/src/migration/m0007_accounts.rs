//! Accounts that sign in with a password: tenant officials (`accounts`), platform operators
//! (`operators`), and the API tokens a tenant issues to its programs (`api_tokens`).
//!
//! - Passwords are kept as argon2id PHC strings, never in clear; TOTP secrets in base32.
//! - `failed_attempts` and `locked_until` hold the lockout in the database, so that it holds
//!   whichever node the next attempt reaches.
//! - `session_epoch` is part of every session: bumping it (password change, role change,
//!   disabling) ends all of the account's sessions on every node.
//! - `totp_last_step` is the last time step whose code was accepted, so that a code cannot be
//!   used twice.
//! - An API token is stored as the sha256 of its secret; the secret is shown once, at creation.
//!
//! `accounts` and `api_tokens` belong to tenants and get row-level security; `operators` belong
//! to the platform and are not visible to the tenant role at all.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    TenantId,
    Username,
    Name,
    Email,
    PasswordHash,
    TotpSecret,
    TotpLastStep,
    MustChangePassword,
    FailedAttempts,
    LockedUntil,
    Disabled,
    SessionEpoch,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Operators {
    Table,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    TenantId,
    Name,
    SecretSha256,
    Scopes,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

/// The columns of a password credential, shared by officials and operators.
fn credential_columns(table: &mut TableCreateStatement) {
    table
        .col(ColumnDef::new(Accounts::Username).string_len(64).not_null())
        .col(ColumnDef::new(Accounts::Name).string_len(200).not_null())
        .col(ColumnDef::new(Accounts::Email).string_len(254).null())
        .col(ColumnDef::new(Accounts::PasswordHash).text().not_null())
        .col(ColumnDef::new(Accounts::TotpSecret).string_len(64).null())
        .col(ColumnDef::new(Accounts::TotpLastStep).big_integer().null())
        .col(
            ColumnDef::new(Accounts::MustChangePassword)
                .boolean()
                .not_null(),
        )
        .col(
            ColumnDef::new(Accounts::FailedAttempts)
                .integer()
                .not_null()
                .default(0),
        )
        .col(
            ColumnDef::new(Accounts::LockedUntil)
                .timestamp_with_time_zone()
                .null(),
        )
        .col(
            ColumnDef::new(Accounts::Disabled)
                .boolean()
                .not_null()
                .default(false),
        )
        .col(
            ColumnDef::new(Accounts::SessionEpoch)
                .big_integer()
                .not_null()
                .default(0),
        )
        .col(
            ColumnDef::new(Accounts::CreatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .col(
            ColumnDef::new(Accounts::UpdatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        );
}

fn id_column<T: IntoIden>(id: T) -> ColumnDef {
    ColumnDef::new(id)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut accounts = Table::create()
            .table(Accounts::Table)
            .col(id_column(Accounts::Id))
            .col(ColumnDef::new(Accounts::TenantId).big_integer().not_null())
            .foreign_key(&mut tenant_fk(Accounts::Table, Accounts::TenantId))
            .to_owned();
        credential_columns(&mut accounts);
        m.create_table(accounts).await?;
        m.create_index(
            Index::create()
                .name("accounts_tenant_username")
                .table(Accounts::Table)
                .col(Accounts::TenantId)
                .col(Accounts::Username)
                .unique()
                .to_owned(),
        )
        .await?;

        let mut operators = Table::create()
            .table(Operators::Table)
            .col(id_column(Accounts::Id))
            .to_owned();
        credential_columns(&mut operators);
        m.create_table(operators).await?;
        m.create_index(
            Index::create()
                .name("operators_username")
                .table(Operators::Table)
                .col(Accounts::Username)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(id_column(ApiTokens::Id))
                .col(ColumnDef::new(ApiTokens::TenantId).big_integer().not_null())
                .col(ColumnDef::new(ApiTokens::Name).string_len(100).not_null())
                .col(
                    ColumnDef::new(ApiTokens::SecretSha256)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(ApiTokens::Scopes).text().not_null())
                .col(ColumnDef::new(ApiTokens::CreatedBy).big_integer().null())
                .col(
                    ColumnDef::new(ApiTokens::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ApiTokens::ExpiresAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(ApiTokens::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(ApiTokens::LastUsedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(&mut tenant_fk(ApiTokens::Table, ApiTokens::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiTokens::Table, ApiTokens::CreatedBy)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_tokens_tenant_secret")
                .table(ApiTokens::Table)
                .col(ApiTokens::TenantId)
                .col(ApiTokens::SecretSha256)
                .unique()
                .to_owned(),
        )
        .await?;

        for table in ["accounts", "api_tokens"] {
            tenant_isolation(m, table, "SELECT, INSERT, UPDATE").await?;
            if m.get_database_backend() == DbBackend::Postgres {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO motcua_tenant;"
                    ))
                    .await?;
            }
        }
        Ok(())
    }
}
