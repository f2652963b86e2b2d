//! Authorization policies per tenant: the casbin rules (`policy_rules`, in casbin's own
//! `ptype, v0, v1, ...` shape), every change to them with who made it and what it changed
//! (`policy_changes`, append-only), and each tenant's current policy version
//! (`policy_versions`), which nodes compare to find out that their copy is stale.

use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum PolicyRules {
    Table,
    TenantId,
    Ptype,
    V0,
    V1,
    V2,
    V3,
}

#[derive(DeriveIden)]
enum PolicyChanges {
    Table,
    TenantId,
    Version,
    ChangedAt,
    Actor,
    Reason,
    Added,
    Removed,
    Before,
    After,
}

#[derive(DeriveIden)]
enum PolicyVersions {
    Table,
    TenantId,
    Version,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PolicyRules::Table)
                .col(
                    ColumnDef::new(PolicyRules::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(PolicyRules::Ptype).string_len(8).not_null())
                .col(ColumnDef::new(PolicyRules::V0).string_len(160).not_null())
                .col(ColumnDef::new(PolicyRules::V1).string_len(160).not_null())
                .col(ColumnDef::new(PolicyRules::V2).string_len(160).not_null())
                .col(ColumnDef::new(PolicyRules::V3).string_len(160).not_null())
                .primary_key(
                    Index::create()
                        .col(PolicyRules::TenantId)
                        .col(PolicyRules::Ptype)
                        .col(PolicyRules::V0)
                        .col(PolicyRules::V1)
                        .col(PolicyRules::V2)
                        .col(PolicyRules::V3),
                )
                .foreign_key(&mut tenant_fk(PolicyRules::Table, PolicyRules::TenantId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PolicyChanges::Table)
                .col(
                    ColumnDef::new(PolicyChanges::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PolicyChanges::Version)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PolicyChanges::ChangedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(PolicyChanges::Actor).string().not_null())
                .col(ColumnDef::new(PolicyChanges::Reason).text().not_null())
                .col(ColumnDef::new(PolicyChanges::Added).text().not_null())
                .col(ColumnDef::new(PolicyChanges::Removed).text().not_null())
                .col(ColumnDef::new(PolicyChanges::Before).text().not_null())
                .col(ColumnDef::new(PolicyChanges::After).text().not_null())
                .primary_key(
                    Index::create()
                        .col(PolicyChanges::TenantId)
                        .col(PolicyChanges::Version),
                )
                .foreign_key(&mut tenant_fk(
                    PolicyChanges::Table,
                    PolicyChanges::TenantId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PolicyVersions::Table)
                .col(
                    ColumnDef::new(PolicyVersions::TenantId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(PolicyVersions::Version)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PolicyVersions::ChangedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut tenant_fk(
                    PolicyVersions::Table,
                    PolicyVersions::TenantId,
                ))
                .to_owned(),
        )
        .await?;
        tenant_isolation(m, "policy_rules", "SELECT, INSERT, DELETE").await?;
        tenant_isolation(m, "policy_changes", "SELECT, INSERT").await?;
        tenant_isolation(m, "policy_versions", "SELECT, INSERT, UPDATE").await?;
        Ok(())
    }
}
