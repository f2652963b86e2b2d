//! Accountability requests (see `motcua_core::accountability`).
//!
//! - `accountability_requests`: one row per request an applicant opens about the handling of
//!   their dossier: who and what is questioned, the applicant's text, the due times, and each
//!   step of its handling (acknowledgment, the one extension, the explanation). `version` counts
//!   the actions stored, for optimistic concurrency; `next_due_at` is what is due next (nothing
//!   once explained), indexed so that overdue and due-soon lists are range scans.
//!
//! Every action is also an event of the dossier's hash-chained history, written in the same
//! transaction; the tenant role may read, add and update rows, never delete them.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum AccountabilityRequests {
    Table,
    Id,
    TenantId,
    DossierId,
    DossierCode,
    ApplicantSubject,
    ApplicantName,
    Division,
    Official,
    Step,
    EventSeq,
    Text,
    Status,
    Version,
    OpenedAt,
    AcknowledgeBy,
    ExplainBy,
    NextDueAt,
    AcknowledgedAt,
    AcknowledgedBy,
    ExtendedAt,
    ExtendedBy,
    ExtensionReason,
    ExplainByBefore,
    ExplainedAt,
    ExplainedBy,
    Explanation,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn maybe_time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use AccountabilityRequests as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(
                    ColumnDef::new(A::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(A::TenantId).big_integer().not_null())
                .col(ColumnDef::new(A::DossierId).big_integer().not_null())
                .col(ColumnDef::new(A::DossierCode).string_len(40).not_null())
                .col(
                    ColumnDef::new(A::ApplicantSubject)
                        .string_len(300)
                        .not_null(),
                )
                .col(ColumnDef::new(A::ApplicantName).string_len(300).not_null())
                .col(ColumnDef::new(A::Division).string_len(64).not_null())
                .col(ColumnDef::new(A::Official).string_len(64).null())
                .col(ColumnDef::new(A::Step).string_len(100).null())
                .col(ColumnDef::new(A::EventSeq).integer().null())
                .col(ColumnDef::new(A::Text).text().not_null())
                .col(ColumnDef::new(A::Status).string_len(16).not_null())
                .col(ColumnDef::new(A::Version).big_integer().not_null())
                .col(time(A::OpenedAt))
                .col(time(A::AcknowledgeBy))
                .col(time(A::ExplainBy))
                .col(maybe_time(A::NextDueAt))
                .col(maybe_time(A::AcknowledgedAt))
                .col(ColumnDef::new(A::AcknowledgedBy).string_len(64).null())
                .col(maybe_time(A::ExtendedAt))
                .col(ColumnDef::new(A::ExtendedBy).string_len(64).null())
                .col(ColumnDef::new(A::ExtensionReason).text().null())
                .col(maybe_time(A::ExplainByBefore))
                .col(maybe_time(A::ExplainedAt))
                .col(ColumnDef::new(A::ExplainedBy).string_len(64).null())
                .col(ColumnDef::new(A::Explanation).text().null())
                .foreign_key(&mut tenant_fk(A::Table, A::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::DossierId)
                        .to(Dossiers::Table, Dossiers::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // A dossier's requests (the lookup page, the dossier page); the officials' list by
        // division and status, most urgent first.
        m.create_index(
            Index::create()
                .name("accountability_requests_tenant_dossier")
                .table(A::Table)
                .col(A::TenantId)
                .col(A::DossierId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("accountability_requests_tenant_division_due")
                .table(A::Table)
                .col(A::TenantId)
                .col(A::Division)
                .col(A::NextDueAt)
                .to_owned(),
        )
        .await?;

        tenant_isolation(m, "accountability_requests", "SELECT, INSERT, UPDATE").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE accountability_requests_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
