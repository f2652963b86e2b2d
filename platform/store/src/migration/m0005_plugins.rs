//! `plugin_versions`: the plugins each tenant has published, immutable per version: the
//! component's bytes, their sha256 and the manifest text.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum PluginVersions {
    Table,
    TenantId,
    PluginId,
    Version,
    Sha256,
    Manifest,
    Component,
    PublishedAt,
    PublishedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PluginVersions::Table)
                .col(
                    ColumnDef::new(PluginVersions::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PluginVersions::PluginId)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PluginVersions::Version)
                        .string_len(24)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PluginVersions::Sha256)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(PluginVersions::Manifest).text().not_null())
                .col(ColumnDef::new(PluginVersions::Component).blob().not_null())
                .col(
                    ColumnDef::new(PluginVersions::PublishedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PluginVersions::PublishedBy)
                        .string()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(PluginVersions::TenantId)
                        .col(PluginVersions::PluginId)
                        .col(PluginVersions::Version),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PluginVersions::Table, PluginVersions::TenantId)
                        .to(Alias::new("tenants"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            m.get_connection()
                .execute_unprepared(
                    "GRANT SELECT, INSERT ON plugin_versions TO motcua_tenant;
                     ALTER TABLE plugin_versions ENABLE ROW LEVEL SECURITY;
                     CREATE POLICY tenant_isolation ON plugin_versions
                         USING (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint)
                         WITH CHECK (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint);",
                )
                .await?;
        }
        Ok(())
    }
}
