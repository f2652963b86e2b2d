//! Drafts of online submissions (the citizen portal's "Lưu nháp / Save draft").
//!
//! - `submission_drafts`: what a citizen typed for a procedure and has not submitted yet, one
//!   draft per owner and procedure: the case, the applicant and the e-form as JSON (unvalidated),
//!   the files uploaded for the case's documents (document code → upload id, name and size), and
//!   `key`, a random token that is the idempotency key of the submission made from the draft,
//!   so that submitting twice gives one dossier.
//!
//! The draft is deleted once submitted; the tenant role may read, add, change and delete rows,
//! and may now change an upload's `expires_at` (a draft keeps its files while it is in use).

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum SubmissionDrafts {
    Table,
    Id,
    TenantId,
    Owner,
    ProcedureCode,
    CaseKey,
    Applicant,
    Form,
    Documents,
    Key,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SubmissionDrafts as D;
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
                .col(ColumnDef::new(D::Owner).string_len(300).not_null())
                .col(ColumnDef::new(D::ProcedureCode).string_len(64).not_null())
                .col(ColumnDef::new(D::CaseKey).string_len(100).not_null())
                .col(ColumnDef::new(D::Applicant).json_binary().not_null())
                .col(ColumnDef::new(D::Form).json_binary().not_null())
                .col(ColumnDef::new(D::Documents).json_binary().not_null())
                .col(ColumnDef::new(D::Key).string_len(64).not_null())
                .col(
                    ColumnDef::new(D::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(D::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut tenant_fk(D::Table, D::TenantId))
                .to_owned(),
        )
        .await?;
        // One draft per owner and procedure; an owner's drafts are a prefix scan.
        m.create_index(
            Index::create()
                .name("submission_drafts_tenant_owner_procedure")
                .table(D::Table)
                .col(D::TenantId)
                .col(D::Owner)
                .col(D::ProcedureCode)
                .unique()
                .to_owned(),
        )
        .await?;
        tenant_isolation(m, "submission_drafts", "SELECT, INSERT, UPDATE, DELETE").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE submission_drafts_id_seq TO motcua_tenant;
                     GRANT UPDATE (expires_at) ON attachment_uploads TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
