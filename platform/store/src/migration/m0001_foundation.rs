//! Tenants, their divisions, procedures and assets, dossiers and dossier code counters.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    EntityCode,
    NameVi,
    NameEn,
    Status,
    Manifest,
    ManifestSha256,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TenantAssets {
    Table,
    TenantId,
    Name,
    ContentType,
    Bytes,
    Sha256,
}

#[derive(DeriveIden)]
enum Divisions {
    Table,
    TenantId,
    Key,
    EntityCode,
    NameVi,
    NameEn,
    OneStop,
    Active,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    TenantId,
    Code,
    Path,
    NameVi,
    NameEn,
    SectorCode,
    DivisionKey,
    OnlineLevel,
    Source,
    SourceSha256,
    Active,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
    TenantId,
    Code,
    ProcedureCode,
    ReceivingUnit,
    Channel,
    Status,
    ApplicantName,
    ApplicantIdNumber,
    Applicant,
    Form,
    IdempotencyKey,
    ReceivedAt,
    DueAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DossierCodeCounters {
    Table,
    TenantId,
    UnitCode,
    Day,
    LastSeq,
}

fn tenant_fk(table: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(table)
        .from_col(Alias::new("tenant_id"))
        .to_tbl(Tenants::Table)
        .to_col(Tenants::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .col(
                    ColumnDef::new(Tenants::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Tenants::Slug)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Tenants::EntityCode).string().not_null())
                .col(ColumnDef::new(Tenants::NameVi).string().not_null())
                .col(ColumnDef::new(Tenants::NameEn).string().not_null())
                .col(ColumnDef::new(Tenants::Status).string().not_null())
                .col(ColumnDef::new(Tenants::Manifest).text().not_null())
                .col(ColumnDef::new(Tenants::ManifestSha256).string().not_null())
                .col(
                    ColumnDef::new(Tenants::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Tenants::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenantAssets::Table)
                .col(
                    ColumnDef::new(TenantAssets::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(TenantAssets::Name).string().not_null())
                .col(
                    ColumnDef::new(TenantAssets::ContentType)
                        .string()
                        .not_null(),
                )
                .col(ColumnDef::new(TenantAssets::Bytes).blob().not_null())
                .col(ColumnDef::new(TenantAssets::Sha256).string().not_null())
                .primary_key(
                    Index::create()
                        .col(TenantAssets::TenantId)
                        .col(TenantAssets::Name),
                )
                .foreign_key(&mut tenant_fk(TenantAssets::Table))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Divisions::Table)
                .col(ColumnDef::new(Divisions::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Divisions::Key).string().not_null())
                .col(ColumnDef::new(Divisions::EntityCode).string().not_null())
                .col(ColumnDef::new(Divisions::NameVi).string().not_null())
                .col(ColumnDef::new(Divisions::NameEn).string().not_null())
                .col(ColumnDef::new(Divisions::OneStop).boolean().not_null())
                .col(ColumnDef::new(Divisions::Active).boolean().not_null())
                .primary_key(Index::create().col(Divisions::TenantId).col(Divisions::Key))
                .foreign_key(&mut tenant_fk(Divisions::Table))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Procedures::Table)
                .col(
                    ColumnDef::new(Procedures::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Procedures::Code).string().not_null())
                .col(ColumnDef::new(Procedures::Path).string().not_null())
                .col(ColumnDef::new(Procedures::NameVi).string().not_null())
                .col(ColumnDef::new(Procedures::NameEn).string().not_null())
                .col(ColumnDef::new(Procedures::SectorCode).string().not_null())
                .col(ColumnDef::new(Procedures::DivisionKey).string().not_null())
                .col(
                    ColumnDef::new(Procedures::OnlineLevel)
                        .small_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Procedures::Source).text().not_null())
                .col(ColumnDef::new(Procedures::SourceSha256).string().not_null())
                .col(ColumnDef::new(Procedures::Active).boolean().not_null())
                .col(
                    ColumnDef::new(Procedures::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(Procedures::TenantId)
                        .col(Procedures::Code),
                )
                .foreign_key(&mut tenant_fk(Procedures::Table))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Dossiers::Table)
                .col(
                    ColumnDef::new(Dossiers::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Dossiers::TenantId).big_integer().not_null())
                .col(
                    ColumnDef::new(Dossiers::Code)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Dossiers::ProcedureCode).string().not_null())
                .col(ColumnDef::new(Dossiers::ReceivingUnit).string().not_null())
                .col(ColumnDef::new(Dossiers::Channel).string().not_null())
                .col(ColumnDef::new(Dossiers::Status).string().not_null())
                .col(ColumnDef::new(Dossiers::ApplicantName).string().not_null())
                .col(ColumnDef::new(Dossiers::ApplicantIdNumber).string().null())
                .col(ColumnDef::new(Dossiers::Applicant).json_binary().not_null())
                .col(ColumnDef::new(Dossiers::Form).json_binary().not_null())
                .col(ColumnDef::new(Dossiers::IdempotencyKey).string().null())
                .col(
                    ColumnDef::new(Dossiers::ReceivedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Dossiers::DueAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Dossiers::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Dossiers::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut tenant_fk(Dossiers::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("dossiers_tenant_idempotency")
                .table(Dossiers::Table)
                .col(Dossiers::TenantId)
                .col(Dossiers::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("dossiers_tenant_procedure")
                .table(Dossiers::Table)
                .col(Dossiers::TenantId)
                .col(Dossiers::ProcedureCode)
                .col(Dossiers::ReceivedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DossierCodeCounters::Table)
                .col(
                    ColumnDef::new(DossierCodeCounters::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DossierCodeCounters::UnitCode)
                        .string()
                        .not_null(),
                )
                .col(ColumnDef::new(DossierCodeCounters::Day).date().not_null())
                .col(
                    ColumnDef::new(DossierCodeCounters::LastSeq)
                        .integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(DossierCodeCounters::TenantId)
                        .col(DossierCodeCounters::UnitCode)
                        .col(DossierCodeCounters::Day),
                )
                .foreign_key(&mut tenant_fk(DossierCodeCounters::Table))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
