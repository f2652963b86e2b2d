//! Answers to citizens' questions checked against the version they were written on:
//!
//! - `questions.answer_version`: how many answers the question has had, raised by one with each
//!   answer in the same `UPDATE` that writes it, and only when it is still the version the
//!   official read (`... WHERE answer_version = ?`). Two officials answering the same question at
//!   once thus cannot both succeed: the later finds the version moved and is shown the other's
//!   answer instead of silently replacing it. Existing questions start from the count of their
//!   recorded answers. Covered by the row-level security `questions` already has (m0017).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Questions {
    Table,
    AnswerVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Questions::Table)
                .add_column(
                    ColumnDef::new(Questions::AnswerVersion)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE questions SET answer_version = (SELECT COUNT(*) FROM question_answers a \
                 WHERE a.question_id = questions.id)",
            )
            .await?;
        Ok(())
    }
}
