//! The applicant's inputs to the assessment of Chapter III, and the index of the statistics of
//! dossiers returned:
//!
//! - `ratings.desk_contacts` (`none | one | more`, indicator 3) and `ratings.agencies_contacted`
//!   (`none | desk_only | more`, indicator 4), given with the rating; null on ratings given before
//!   they were asked (nothing is made up for those). Covered by the row-level security `ratings`
//!   already has (m0019).
//! - `dossiers_tenant_closed_at` on `dossiers (tenant_id, closed_at)`: the public statistics count
//!   the dossiers returned in a period by `closed_at`, which no index covered.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Ratings {
    Table,
    DeskContacts,
    AgenciesContacted,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    TenantId,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [Ratings::DeskContacts, Ratings::AgenciesContacted] {
            m.alter_table(
                Table::alter()
                    .table(Ratings::Table)
                    .add_column(ColumnDef::new(col).string_len(16).null())
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("dossiers_tenant_closed_at")
                .table(Dossiers::Table)
                .col(Dossiers::TenantId)
                .col(Dossiers::ClosedAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
