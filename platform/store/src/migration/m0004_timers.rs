//! When each open dossier's next timer falls due, so that the timer worker finds the dossiers to
//! wake with an index scan instead of reading every workflow state.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    NextTimerAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Dossiers::Table)
                .add_column(
                    ColumnDef::new(Dossiers::NextTimerAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("dossiers_next_timer")
                .table(Dossiers::Table)
                .col(Dossiers::NextTimerAt)
                .to_owned(),
        )
        .await
    }
}
