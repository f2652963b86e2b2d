//! Complaints and suggestions (phản ánh, kiến nghị — PAKN):
//!
//! - `complaints`: one row per complaint or suggestion sent on the portal or through the API:
//!   its tracking code (unique per tenant), what it is about (a procedure, a division or a
//!   dossier), the sender's contact, the text, the division it is routed to now, where it stands,
//!   its due times (forwarding, answer), the answer and whether it is published. `version`
//!   counts the actions stored, for optimistic concurrency;
//! - `complaint_forwards`: each forwarding of a misdirected complaint (from, to, reason, when,
//!   by whom), oldest first;
//! - `complaint_attachments`: the files sent with a complaint (blobs of the attachment store, so
//!   the attachment sweep keeps them).
//!
//! Tracking codes count per tenant and Vietnam-time day in `dossier_code_counters`, under the
//! unit `PAKN` (no receiving unit has that code). The tenant role may read, add and update
//! rows, never delete them.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Complaints {
    Table,
    Id,
    TenantId,
    Code,
    Kind,
    SubjectKind,
    Subject,
    DossierId,
    SenderName,
    SenderPhone,
    SenderEmail,
    SenderAddress,
    CitizenSubject,
    Text,
    Division,
    Status,
    Version,
    ReceivedAt,
    ForwardBy,
    AnswerBy,
    AnsweredAt,
    AnsweredBy,
    Answer,
    Published,
}

#[derive(DeriveIden)]
enum ComplaintForwards {
    Table,
    Id,
    TenantId,
    ComplaintId,
    FromDivision,
    ToDivision,
    Reason,
    At,
    By,
}

#[derive(DeriveIden)]
enum ComplaintAttachments {
    Table,
    Id,
    TenantId,
    ComplaintId,
    Sha256,
    FileName,
    Size,
    ContentType,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn complaint_fk<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Complaints::Table, Complaints::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Complaints as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(id(C::Id))
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::Code).string_len(24).not_null())
                .col(ColumnDef::new(C::Kind).string_len(16).not_null())
                .col(ColumnDef::new(C::SubjectKind).string_len(16).not_null())
                .col(ColumnDef::new(C::Subject).string_len(64).not_null())
                .col(ColumnDef::new(C::DossierId).big_integer().null())
                .col(ColumnDef::new(C::SenderName).string_len(300).not_null())
                .col(ColumnDef::new(C::SenderPhone).string_len(32).null())
                .col(ColumnDef::new(C::SenderEmail).string_len(254).null())
                .col(ColumnDef::new(C::SenderAddress).string_len(500).null())
                .col(ColumnDef::new(C::CitizenSubject).string_len(300).null())
                .col(ColumnDef::new(C::Text).text().not_null())
                .col(ColumnDef::new(C::Division).string_len(64).not_null())
                .col(ColumnDef::new(C::Status).string_len(16).not_null())
                .col(ColumnDef::new(C::Version).big_integer().not_null())
                .col(time(C::ReceivedAt))
                .col(time(C::ForwardBy))
                .col(time(C::AnswerBy))
                .col(
                    ColumnDef::new(C::AnsweredAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(C::AnsweredBy).string_len(64).null())
                .col(ColumnDef::new(C::Answer).text().null())
                .col(ColumnDef::new(C::Published).boolean().not_null())
                .foreign_key(&mut tenant_fk(C::Table, C::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::DossierId)
                        .to(Dossiers::Table, Dossiers::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // The tracking code names one complaint of a tenant; the officials' list goes by
        // division and due time; the public list by published answers, newest first.
        m.create_index(
            Index::create()
                .name("complaints_tenant_code")
                .table(C::Table)
                .col(C::TenantId)
                .col(C::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("complaints_tenant_division_due")
                .table(C::Table)
                .col(C::TenantId)
                .col(C::Division)
                .col(C::AnswerBy)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("complaints_tenant_published")
                .table(C::Table)
                .col(C::TenantId)
                .col(C::Published)
                .col(C::AnsweredAt)
                .to_owned(),
        )
        .await?;

        use ComplaintForwards as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(id(F::Id))
                .col(ColumnDef::new(F::TenantId).big_integer().not_null())
                .col(ColumnDef::new(F::ComplaintId).big_integer().not_null())
                .col(ColumnDef::new(F::FromDivision).string_len(64).not_null())
                .col(ColumnDef::new(F::ToDivision).string_len(64).not_null())
                .col(ColumnDef::new(F::Reason).text().not_null())
                .col(time(F::At))
                .col(ColumnDef::new(F::By).string_len(64).not_null())
                .foreign_key(&mut tenant_fk(F::Table, F::TenantId))
                .foreign_key(&mut complaint_fk(F::Table, F::ComplaintId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("complaint_forwards_tenant_complaint")
                .table(F::Table)
                .col(F::TenantId)
                .col(F::ComplaintId)
                .to_owned(),
        )
        .await?;

        use ComplaintAttachments as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(id(A::Id))
                .col(ColumnDef::new(A::TenantId).big_integer().not_null())
                .col(ColumnDef::new(A::ComplaintId).big_integer().not_null())
                .col(ColumnDef::new(A::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(A::FileName).string_len(255).not_null())
                .col(ColumnDef::new(A::Size).big_integer().not_null())
                .col(ColumnDef::new(A::ContentType).string_len(100).not_null())
                .foreign_key(&mut tenant_fk(A::Table, A::TenantId))
                .foreign_key(&mut complaint_fk(A::Table, A::ComplaintId))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("complaint_attachments_tenant_complaint", A::ComplaintId),
            ("complaint_attachments_tenant_sha256", A::Sha256),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(A::Table)
                    .col(A::TenantId)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        // A forward and a file are written once: only the complaint itself changes.
        for (table, rights) in [
            ("complaints", "SELECT, INSERT, UPDATE"),
            ("complaint_forwards", "SELECT, INSERT"),
            ("complaint_attachments", "SELECT, INSERT"),
        ] {
            tenant_isolation(m, table, rights).await?;
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
