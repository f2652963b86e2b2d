//! Durable jobs: the outbox becomes a queue that any node may work from, and officials get
//! in-app notifications.
//!
//! - `outbox` gains what a queue needs: `run_after` (when a message may next be tried: its
//!   creation, then the backoff after each failure), `locked_by` and `locked_until` (the worker
//!   holding it and until when: a lease, so that a node killed mid-job leaves it to another once
//!   the lease ends), `last_error`, `dead_at` (given up after the attempt limit, left for an
//!   operator) and `outcome` (what its completion recorded, e.g. that a message was not sent
//!   because no provider is configured). Existing messages are due at once (`run_after =
//!   created_at`).
//! - `official_notifications`: what officials read in the one-stop system, one row per official
//!   and message; the unique `(tenant_id, job_id, account_id)` makes a second delivery of one
//!   message impossible even if a worker tried.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    RunAfter,
    LockedBy,
    LockedUntil,
    LastError,
    DeadAt,
    Outcome,
}

#[derive(DeriveIden)]
enum OfficialNotifications {
    Table,
    Id,
    TenantId,
    AccountId,
    JobId,
    DossierCode,
    Kind,
    TitleVi,
    TitleEn,
    BodyVi,
    BodyEn,
    Read,
    CreatedAt,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement; a NOT NULL column needs a constant default,
        // replaced at once by each row's creation time.
        let columns = [
            ColumnDef::new(Outbox::RunAfter)
                .timestamp_with_time_zone()
                .not_null()
                .default("1970-01-01T00:00:00Z")
                .to_owned(),
            ColumnDef::new(Outbox::LockedBy)
                .string_len(100)
                .null()
                .to_owned(),
            ColumnDef::new(Outbox::LockedUntil)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Outbox::LastError).text().null().to_owned(),
            ColumnDef::new(Outbox::DeadAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Outbox::Outcome).text().null().to_owned(),
        ];
        for column in columns {
            m.alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared("UPDATE outbox SET run_after = created_at")
            .await?;
        // The claim reads the live messages of a topic that are due; done and dead ones, the
        // vast majority over time, stay out of the index.
        db.execute_unprepared("DROP INDEX outbox_pending").await?;
        db.execute_unprepared(
            "CREATE INDEX outbox_due ON outbox (topic, run_after) \
             WHERE delivered_at IS NULL AND dead_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX outbox_dead ON outbox (tenant_id, dead_at) WHERE dead_at IS NOT NULL",
        )
        .await?;

        use OfficialNotifications as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .col(
                    ColumnDef::new(N::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(N::TenantId).big_integer().not_null())
                .col(ColumnDef::new(N::AccountId).big_integer().not_null())
                .col(ColumnDef::new(N::JobId).big_integer().null())
                .col(ColumnDef::new(N::DossierCode).string_len(64).null())
                .col(ColumnDef::new(N::Kind).string_len(32).not_null())
                .col(ColumnDef::new(N::TitleVi).text().not_null())
                .col(ColumnDef::new(N::TitleEn).text().not_null())
                .col(ColumnDef::new(N::BodyVi).text().not_null())
                .col(ColumnDef::new(N::BodyEn).text().not_null())
                .col(ColumnDef::new(N::Read).boolean().not_null().default(false))
                .col(
                    ColumnDef::new(N::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(N::ReadAt).timestamp_with_time_zone().null())
                .foreign_key(&mut tenant_fk(N::Table, N::TenantId))
                .to_owned(),
        )
        .await?;
        // An official's list: unread first, newest first, by an ordered index scan.
        m.create_index(
            Index::create()
                .name("official_notifications_list")
                .table(N::Table)
                .col(N::TenantId)
                .col(N::AccountId)
                .col(N::Read)
                .col(N::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("official_notifications_once")
                .table(N::Table)
                .col(N::TenantId)
                .col(N::JobId)
                .col(N::AccountId)
                .unique()
                .to_owned(),
        )
        .await?;
        tenant_isolation(m, "official_notifications", "SELECT, INSERT, UPDATE").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "GRANT USAGE, SELECT ON SEQUENCE official_notifications_id_seq TO motcua_tenant;",
            )
            .await?;
        }
        Ok(())
    }
}
