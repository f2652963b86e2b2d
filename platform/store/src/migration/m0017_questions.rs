//! Citizens' questions about procedures and officials' answers (guidance, Art. 16.2.đ):
//!
//! - `questions`: one row per question a signed-in citizen asks about a procedure of the tenant,
//!   in the language of the host it was asked on, with the division that handled the procedure
//!   then (whose officials answer it); the latest answer, who gave it and when, and whether it is
//!   published on the portal. Indexed for the portal's list of a procedure's published answers
//!   and for the officials' list by division, unanswered first;
//! - `question_answers`: every answer given, in order, with who gave it, when, and whether it
//!   was published with it, so that an answer changed later still shows what was said before.
//!
//! The tenant role may read, add and update questions, and read and add answers; never delete.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Questions {
    Table,
    Id,
    TenantId,
    ProcedureCode,
    Division,
    Lang,
    AskerSubject,
    AskerName,
    Text,
    AskedAt,
    Answer,
    AnsweredBy,
    AnsweredAt,
    Published,
}

#[derive(DeriveIden)]
enum QuestionAnswers {
    Table,
    Id,
    TenantId,
    QuestionId,
    Text,
    Published,
    AnsweredBy,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use QuestionAnswers as A;
        use Questions as Q;
        m.create_table(
            Table::create()
                .table(Q::Table)
                .col(
                    ColumnDef::new(Q::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Q::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Q::ProcedureCode).string_len(40).not_null())
                .col(ColumnDef::new(Q::Division).string_len(64).not_null())
                .col(ColumnDef::new(Q::Lang).string_len(2).not_null())
                .col(ColumnDef::new(Q::AskerSubject).string_len(300).not_null())
                .col(ColumnDef::new(Q::AskerName).string_len(300).not_null())
                .col(ColumnDef::new(Q::Text).text().not_null())
                .col(
                    ColumnDef::new(Q::AskedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(Q::Answer).text().null())
                .col(ColumnDef::new(Q::AnsweredBy).string_len(64).null())
                .col(
                    ColumnDef::new(Q::AnsweredAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(Q::Published)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .foreign_key(&mut tenant_fk(Q::Table, Q::TenantId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("questions_tenant_procedure_published")
                .table(Q::Table)
                .col(Q::TenantId)
                .col(Q::ProcedureCode)
                .col(Q::Published)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("questions_tenant_division_answered")
                .table(Q::Table)
                .col(Q::TenantId)
                .col(Q::Division)
                .col(Q::AnsweredAt)
                .to_owned(),
        )
        .await?;

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
                .col(ColumnDef::new(A::QuestionId).big_integer().not_null())
                .col(ColumnDef::new(A::Text).text().not_null())
                .col(ColumnDef::new(A::Published).boolean().not_null())
                .col(ColumnDef::new(A::AnsweredBy).string_len(64).not_null())
                .col(
                    ColumnDef::new(A::AnsweredAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut tenant_fk(A::Table, A::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::QuestionId)
                        .to(Q::Table, Q::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("question_answers_tenant_question")
                .table(A::Table)
                .col(A::TenantId)
                .col(A::QuestionId)
                .to_owned(),
        )
        .await?;

        tenant_isolation(m, "questions", "SELECT, INSERT, UPDATE").await?;
        tenant_isolation(m, "question_answers", "SELECT, INSERT").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE questions_id_seq TO motcua_tenant;
                     GRANT USAGE, SELECT ON SEQUENCE question_answers_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
