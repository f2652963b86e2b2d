//! Complaints closed by an official, and each signed-in sender's own complaints:
//!
//! - `complaints.closed_at` and `complaints.closed_by` (`account:12`): when and by whom a
//!   complaint was closed (its status `closed`); empty until then;
//! - the index `complaints_tenant_citizen` on `(tenant_id, citizen_subject)`, so that "my
//!   dossiers" lists the complaints a signed-in citizen sent without reading the tenant's others.
//!
//! Covered by the row-level security `complaints` already has (m0018).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Complaints {
    Table,
    TenantId,
    CitizenSubject,
    ClosedAt,
    ClosedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(
            Table::alter()
                .table(Complaints::Table)
                .add_column(
                    ColumnDef::new(Complaints::ClosedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Complaints::Table)
                .add_column(ColumnDef::new(Complaints::ClosedBy).string_len(64).null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("complaints_tenant_citizen")
                .table(Complaints::Table)
                .col(Complaints::TenantId)
                .col(Complaints::CitizenSubject)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
