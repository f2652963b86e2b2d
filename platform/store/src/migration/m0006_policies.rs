//! Authorization policies per tenant: the casbin rules (`policy_rules`, in casbin's own
//! `ptype, v0, v1, ...` shape), every change to them with who made it and what it changed
//! (`policy_changes`, append-only), and each tenant's current policy version
//! (`policy_versions`), which nodes compare to find out that their copy is stale.

use sea_orm_migration::prelude::*;

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

fn tenant_fk<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Alias::new("tenants"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
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
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            let mut sql = String::from(
                "GRANT SELECT, INSERT, DELETE ON policy_rules TO motcua_tenant;
                 GRANT SELECT, INSERT ON policy_changes TO motcua_tenant;
                 GRANT SELECT, INSERT, UPDATE ON policy_versions TO motcua_tenant;",
            );
            for table in ["policy_rules", "policy_changes", "policy_versions"] {
                sql.push_str(&format!(
                    "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                     CREATE POLICY tenant_isolation ON {table}
                         USING (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint)
                         WITH CHECK (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint);"
                ));
            }
            m.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
