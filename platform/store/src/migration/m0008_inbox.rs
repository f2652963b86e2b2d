//! The officials' inbox: each dossier's open work items (`dossier_tasks`), and the dossier
//! columns that searching needs.
//!
//! - `dossier_tasks`: one row per token of a dossier that waits for officials, rewritten with
//!   every move of the dossier in the same transaction. It repeats the dossier columns the inbox
//!   shows, filters and sorts on (code, procedure, status, channel, applicant, received and due
//!   times), so that an inbox page is read from this table alone, by ordered index scans that
//!   stop at the page's end: its cost follows the page size, not the number of dossiers.
//! - Its indexes, one per way in, each ending with the sort key and the row's key (the keyset):
//!   the unclaimed work of a role (in a division, or across the tenant through the division
//!   column that follows), the unclaimed escalated work of a role, an official's own claimed
//!   work, a division's work and the whole tenant's; the queue, division and tenant ways come
//!   sorted by due time and by receipt time. Partial indexes (`WHERE assignee IS NULL`) keep
//!   the claimed work out of the queues, so that a busy division's claimed tasks are never read
//!   to find its unclaimed ones. (What each index serves is in `inbox/plan`.)
//! - `dossier_task_keys`: what finds a dossier with open tasks by the start of its code or of a
//!   run of words of its applicant's name (`c:` and the code, `n:` and each word-suffix of the
//!   folded name), so that a rare name or code is found in the key's index instead of by reading
//!   every task of the official's scope; written and removed with the dossier's tasks.
//! - `dossiers.applicant_name_folded`: the applicant's name without diacritics, lowercase
//!   (`motcua_core::text::fold`), filled here for the dossiers already stored. On PostgreSQL it
//!   and the code index compare bytewise (`COLLATE "C"`), so that a prefix is a range of the
//!   index whatever the database's collation.
//! - `dossiers` gains indexes for searching a tenant by citizen ID number and by code prefix.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
    ApplicantNameFolded,
}

#[derive(DeriveIden)]
enum DossierTasks {
    Table,
    TenantId,
    DossierId,
    TokenId,
    Step,
    Role,
    Division,
    Assignee,
    EscalatedTo,
    StepDueAt,
    EnteredAt,
    Code,
    ProcedureCode,
    Status,
    Channel,
    ApplicantName,
    ApplicantNameFolded,
    ReceivedAt,
    DueAt,
}

#[derive(DeriveIden)]
enum DossierTaskKeys {
    Table,
    TenantId,
    Key,
    DossierId,
}

/// The inbox's indexes: name, columns, and the rows they hold.
const TASK_INDEXES: [(&str, &str, &str); 8] = [
    (
        "dossier_tasks_queue_due",
        "tenant_id, role, division, due_at, dossier_id, token_id",
        "WHERE assignee IS NULL",
    ),
    (
        "dossier_tasks_queue_received",
        "tenant_id, role, division, received_at, dossier_id, token_id",
        "WHERE assignee IS NULL",
    ),
    (
        "dossier_tasks_escalated",
        "tenant_id, escalated_to, division, due_at, dossier_id, token_id",
        "WHERE assignee IS NULL AND escalated_to IS NOT NULL",
    ),
    (
        "dossier_tasks_assignee",
        "tenant_id, assignee, due_at, dossier_id, token_id",
        "WHERE assignee IS NOT NULL",
    ),
    (
        "dossier_tasks_division_due",
        "tenant_id, division, due_at, dossier_id, token_id",
        "",
    ),
    (
        "dossier_tasks_division_received",
        "tenant_id, division, received_at, dossier_id, token_id",
        "",
    ),
    (
        "dossier_tasks_tenant_due",
        "tenant_id, due_at, dossier_id, token_id",
        "",
    ),
    (
        "dossier_tasks_tenant_received",
        "tenant_id, received_at, dossier_id, token_id",
        "",
    ),
];

/// Dossiers whose folded name is filled per statement batch.
const BACKFILL_BATCH: i64 = 1000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = m.get_database_backend();
        let postgres = backend == DbBackend::Postgres;

        let mut folded = ColumnDef::new(Dossiers::ApplicantNameFolded);
        folded.string().not_null().default("");
        if postgres {
            folded.extra("COLLATE \"C\"");
        }
        m.alter_table(
            Table::alter()
                .table(Dossiers::Table)
                .add_column(folded)
                .to_owned(),
        )
        .await?;
        backfill_folded_names(db, backend).await?;
        let code = if postgres {
            "code COLLATE \"C\""
        } else {
            "code"
        };
        db.execute_unprepared(&format!(
            "CREATE INDEX dossiers_tenant_id_number ON dossiers (tenant_id, applicant_id_number);
             CREATE INDEX dossiers_tenant_name ON dossiers (tenant_id, applicant_name_folded);
             CREATE INDEX dossiers_tenant_code ON dossiers (tenant_id, {code});"
        ))
        .await?;

        let text = |c: DossierTasks| ColumnDef::new(c).string().not_null().to_owned();
        let time = |c: DossierTasks| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        let mut tasks = Table::create();
        tasks
            .table(DossierTasks::Table)
            .col(
                ColumnDef::new(DossierTasks::TenantId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(DossierTasks::DossierId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(DossierTasks::TokenId).integer().not_null())
            .col(text(DossierTasks::Step))
            .col(text(DossierTasks::Role))
            .col(text(DossierTasks::Division))
            .col(ColumnDef::new(DossierTasks::Assignee).string().null())
            .col(ColumnDef::new(DossierTasks::EscalatedTo).string().null())
            .col(
                ColumnDef::new(DossierTasks::StepDueAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(time(DossierTasks::EnteredAt))
            .col(text(DossierTasks::Code))
            .col(text(DossierTasks::ProcedureCode))
            .col(text(DossierTasks::Status))
            .col(text(DossierTasks::Channel))
            .col(text(DossierTasks::ApplicantName));
        let mut task_folded = text(DossierTasks::ApplicantNameFolded);
        if postgres {
            task_folded.extra("COLLATE \"C\"");
        }
        m.create_table(
            tasks
                .col(task_folded)
                .col(time(DossierTasks::ReceivedAt))
                .col(time(DossierTasks::DueAt))
                .primary_key(
                    Index::create()
                        .col(DossierTasks::TenantId)
                        .col(DossierTasks::DossierId)
                        .col(DossierTasks::TokenId),
                )
                .foreign_key(&mut tenant_fk(DossierTasks::Table, DossierTasks::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(DossierTasks::Table, DossierTasks::DossierId)
                        .to(Dossiers::Table, Dossiers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, columns, rows) in TASK_INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON dossier_tasks ({columns}) {rows}"
            ))
            .await?;
        }
        tenant_isolation(m, "dossier_tasks", "SELECT, INSERT, UPDATE, DELETE").await?;

        let mut key = ColumnDef::new(DossierTaskKeys::Key);
        key.string().not_null();
        if postgres {
            key.extra("COLLATE \"C\"");
        }
        m.create_table(
            Table::create()
                .table(DossierTaskKeys::Table)
                .col(
                    ColumnDef::new(DossierTaskKeys::TenantId)
                        .big_integer()
                        .not_null(),
                )
                .col(key)
                .col(
                    ColumnDef::new(DossierTaskKeys::DossierId)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(DossierTaskKeys::TenantId)
                        .col(DossierTaskKeys::Key)
                        .col(DossierTaskKeys::DossierId),
                )
                .foreign_key(&mut tenant_fk(
                    DossierTaskKeys::Table,
                    DossierTaskKeys::TenantId,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(DossierTaskKeys::Table, DossierTaskKeys::DossierId)
                        .to(Dossiers::Table, Dossiers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Removing a dossier's keys finds them by dossier.
        db.execute_unprepared(
            "CREATE INDEX dossier_task_keys_dossier ON dossier_task_keys (tenant_id, dossier_id)",
        )
        .await?;
        tenant_isolation(m, "dossier_task_keys", "SELECT, INSERT, DELETE").await
    }
}

/// Fills `applicant_name_folded` of the dossiers stored before this migration, in batches by id.
async fn backfill_folded_names(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let (select, update) = match backend {
        DbBackend::Postgres => (
            "SELECT id, applicant_name FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2",
            "UPDATE dossiers SET applicant_name_folded = $1 WHERE id = $2",
        ),
        _ => (
            "SELECT id, applicant_name FROM dossiers WHERE id > ? ORDER BY id LIMIT ?",
            "UPDATE dossiers SET applicant_name_folded = ? WHERE id = ?",
        ),
    };
    let mut after = 0_i64;
    loop {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                select,
                [after.into(), BACKFILL_BATCH.into()],
            ))
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get_by_index(0)?;
        for row in &rows {
            let id: i64 = row.try_get_by_index(0)?;
            let name: String = row.try_get_by_index(1)?;
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                update,
                [motcua_core::text::fold(&name).into(), id.into()],
            ))
            .await?;
        }
    }
}
