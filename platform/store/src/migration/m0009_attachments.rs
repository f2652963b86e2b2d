//! Attachments: the rows that refer to blobs (their bytes live in the object store, keyed by
//! tenant and sha256, see `crate::blobs`).
//!
//! - `attachment_uploads`: files uploaded and not yet attached, keyed by an unguessable token;
//!   each names its uploader (only they may attach it), the procedure whose limits it passed,
//!   and when it expires (then the sweep deletes it).
//! - `dossier_documents`: files attached to a dossier; the tenant role may read and add them but
//!   neither change nor delete them, so what a dossier was given stays.
//!
//! A blob is kept while a row of either table names its `(tenant_id, sha256)`; both are indexed
//! that way for the sweep.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum AttachmentUploads {
    Table,
    TenantId,
    Id,
    Sha256,
    Size,
    ContentType,
    FileName,
    ProcedureCode,
    UploadedBy,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum DossierDocuments {
    Table,
    Id,
    TenantId,
    DossierId,
    Kind,
    Code,
    Sha256,
    FileName,
    Size,
    ContentType,
    AttachedBy,
    AttachedAt,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use AttachmentUploads as U;
        m.create_table(
            Table::create()
                .table(U::Table)
                .col(ColumnDef::new(U::TenantId).big_integer().not_null())
                .col(text(U::Id, 40))
                .col(text(U::Sha256, 64))
                .col(ColumnDef::new(U::Size).big_integer().not_null())
                .col(text(U::ContentType, 100))
                .col(text(U::FileName, 255))
                .col(text(U::ProcedureCode, 20))
                .col(text(U::UploadedBy, 300))
                .col(time(U::CreatedAt))
                .col(time(U::ExpiresAt))
                .primary_key(Index::create().col(U::TenantId).col(U::Id))
                .foreign_key(&mut tenant_fk(U::Table, U::TenantId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attachment_uploads_tenant_sha256")
                .table(U::Table)
                .col(U::TenantId)
                .col(U::Sha256)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attachment_uploads_expires_at")
                .table(U::Table)
                .col(U::ExpiresAt)
                .to_owned(),
        )
        .await?;

        use DossierDocuments as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(
                    ColumnDef::new(D::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(D::TenantId).big_integer().not_null())
                .col(ColumnDef::new(D::DossierId).big_integer().not_null())
                .col(text(D::Kind, 16))
                .col(ColumnDef::new(D::Code).string_len(64).null())
                .col(text(D::Sha256, 64))
                .col(text(D::FileName, 255))
                .col(ColumnDef::new(D::Size).big_integer().not_null())
                .col(text(D::ContentType, 100))
                .col(text(D::AttachedBy, 300))
                .col(time(D::AttachedAt))
                .foreign_key(&mut tenant_fk(D::Table, D::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(D::Table, D::DossierId)
                        .to(Dossiers::Table, Dossiers::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, second) in [
            ("dossier_documents_tenant_dossier", D::DossierId),
            ("dossier_documents_tenant_sha256", D::Sha256),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(D::Table)
                    .col(D::TenantId)
                    .col(second)
                    .to_owned(),
            )
            .await?;
        }

        tenant_isolation(m, "attachment_uploads", "SELECT, INSERT, DELETE").await?;
        tenant_isolation(m, "dossier_documents", "SELECT, INSERT").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE dossier_documents_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
