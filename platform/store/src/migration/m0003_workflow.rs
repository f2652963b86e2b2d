//! Published procedure versions, each dossier's workflow state and history, and the outbox.
//!
//! - `procedure_versions`: immutable, content-addressed (sha256) versions of each procedure;
//!   `procedures.current_version` names the one new dossiers start on, and a dossier stays pinned
//!   to the version it started on.
//! - `dossiers` gains its workflow state (JSON), the engine's version counter (optimistic
//!   concurrency), the pinned procedure version and the case.
//! - `dossier_events`: the history, append-only, each event carrying the hash of the one before;
//!   the payload is kept as the exact canonical JSON text that was hashed.
//! - `outbox`: messages to deliver (notifications, national portal), written in the same
//!   transaction as the change they announce.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum ProcedureVersions {
    Table,
    TenantId,
    ProcedureCode,
    Version,
    Sha256,
    Source,
    PublishedAt,
    PublishedBy,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    ProcedureVersion,
    CaseKey,
    State,
    StateVersion,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    CurrentVersion,
}

#[derive(DeriveIden)]
enum DossierEvents {
    Table,
    TenantId,
    DossierId,
    Seq,
    At,
    Actor,
    Kind,
    Payload,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    TenantId,
    DossierId,
    Topic,
    Payload,
    CreatedAt,
    DeliveredAt,
    Attempts,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
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
                .table(ProcedureVersions::Table)
                .col(
                    ColumnDef::new(ProcedureVersions::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersions::ProcedureCode)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersions::Version)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersions::Sha256)
                        .string()
                        .not_null(),
                )
                .col(ColumnDef::new(ProcedureVersions::Source).text().not_null())
                .col(
                    ColumnDef::new(ProcedureVersions::PublishedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersions::PublishedBy)
                        .string()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(ProcedureVersions::TenantId)
                        .col(ProcedureVersions::ProcedureCode)
                        .col(ProcedureVersions::Version),
                )
                .foreign_key(&mut tenant_fk(ProcedureVersions::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("procedure_versions_hash")
                .table(ProcedureVersions::Table)
                .col(ProcedureVersions::TenantId)
                .col(ProcedureVersions::ProcedureCode)
                .col(ProcedureVersions::Sha256)
                .unique()
                .to_owned(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(Procedures::Table)
                .add_column(
                    ColumnDef::new(Procedures::CurrentVersion)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;

        // SQLite adds one column per statement.
        for column in [
            ColumnDef::new(Dossiers::ProcedureVersion)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Dossiers::CaseKey)
                .string()
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(Dossiers::State)
                .json_binary()
                .null()
                .to_owned(),
            ColumnDef::new(Dossiers::StateVersion)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Dossiers::ClosedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Dossiers::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(DossierEvents::Table)
                .col(
                    ColumnDef::new(DossierEvents::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(DossierEvents::DossierId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(DossierEvents::Seq).integer().not_null())
                .col(
                    ColumnDef::new(DossierEvents::At)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(DossierEvents::Actor).string().not_null())
                .col(ColumnDef::new(DossierEvents::Kind).string().not_null())
                .col(ColumnDef::new(DossierEvents::Payload).text().not_null())
                .col(ColumnDef::new(DossierEvents::PrevHash).string().not_null())
                .col(ColumnDef::new(DossierEvents::Hash).string().not_null())
                .primary_key(
                    Index::create()
                        .col(DossierEvents::TenantId)
                        .col(DossierEvents::DossierId)
                        .col(DossierEvents::Seq),
                )
                .foreign_key(&mut tenant_fk(DossierEvents::Table))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(
                    ColumnDef::new(Outbox::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Outbox::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Outbox::DossierId).big_integer().null())
                .col(ColumnDef::new(Outbox::Topic).string().not_null())
                .col(ColumnDef::new(Outbox::Payload).json_binary().not_null())
                .col(
                    ColumnDef::new(Outbox::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Outbox::DeliveredAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(Outbox::Attempts)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .foreign_key(&mut tenant_fk(Outbox::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outbox_pending")
                .table(Outbox::Table)
                .col(Outbox::DeliveredAt)
                .col(Outbox::Id)
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            let db = m.get_connection();
            for table in ["procedure_versions", "dossier_events", "outbox"] {
                db.execute_unprepared(&format!(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO motcua_tenant;
                     ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                     CREATE POLICY tenant_isolation ON {table}
                         USING (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint)
                         WITH CHECK (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint);"
                ))
                .await?;
            }
            // The history is append-only for request handling: no UPDATE or DELETE.
            db.execute_unprepared(
                "REVOKE UPDATE, DELETE ON dossier_events FROM motcua_tenant;
                 GRANT USAGE, SELECT ON SEQUENCE outbox_id_seq TO motcua_tenant;",
            )
            .await?;
        }
        Ok(())
    }
}
