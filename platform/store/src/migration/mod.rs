//! The schema, as one ordered set of migrations that runs on SQLite and on PostgreSQL.
//!
//! Tables are declared with sea-query's schema builder so that one definition serves both
//! backends; what only PostgreSQL has (row-level security) is added by a PostgreSQL-only step.
//! Migrations are append-only: a released migration is never edited, a new one is added.

mod m0001_foundation;
mod m0002_row_level_security;
mod m0003_workflow;
mod m0004_timers;
mod m0005_plugins;
mod m0006_policies;
mod m0007_accounts;
mod m0008_inbox;
mod m0009_attachments;
mod m0010_jobs;
mod m0011_accountability;
mod m0012_national;
mod m0013_official_subjects;
mod m0014_officials_admin;
mod m0015_drafts;
mod m0017_questions;
mod m0018_complaints;
mod m0019_ratings;
mod m0020_payments;
mod m0021_payment_expiry;
mod m0022_complaint_closing;
mod m0023_assessment_inputs;
mod m0024_question_versions;
mod m0025_admin_audit_append_only;

use sea_orm_migration::prelude::*;

/// A foreign key from `table.col` to the tenant owning the row (never deleted under it).
fn tenant_fk<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Alias::new("tenants"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// On PostgreSQL: grants `privileges` on `table` to the row-level-security role and confines
/// that role to the rows of the tenant named in `motcua.tenant_id`.
async fn tenant_isolation(
    m: &SchemaManager<'_>,
    table: &str,
    privileges: &str,
) -> Result<(), DbErr> {
    if m.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    use sea_orm::ConnectionTrait;
    m.get_connection()
        .execute_unprepared(&format!(
            "GRANT {privileges} ON {table} TO motcua_tenant;
             ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
             CREATE POLICY tenant_isolation ON {table}
                 USING (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint)
                 WITH CHECK (tenant_id = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint);"
        ))
        .await?;
    Ok(())
}

/// The platform's migrations.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_row_level_security::Migration),
            Box::new(m0003_workflow::Migration),
            Box::new(m0004_timers::Migration),
            Box::new(m0005_plugins::Migration),
            Box::new(m0006_policies::Migration),
            Box::new(m0007_accounts::Migration),
            Box::new(m0008_inbox::Migration),
            Box::new(m0009_attachments::Migration),
            Box::new(m0010_jobs::Migration),
            Box::new(m0011_accountability::Migration),
            Box::new(m0012_national::Migration),
            Box::new(m0013_official_subjects::Migration),
            Box::new(m0014_officials_admin::Migration),
            Box::new(m0015_drafts::Migration),
            Box::new(m0017_questions::Migration),
            Box::new(m0018_complaints::Migration),
            Box::new(m0019_ratings::Migration),
            Box::new(m0020_payments::Migration),
            Box::new(m0021_payment_expiry::Migration),
            Box::new(m0022_complaint_closing::Migration),
            Box::new(m0023_assessment_inputs::Migration),
            Box::new(m0024_question_versions::Migration),
            Box::new(m0025_admin_audit_append_only::Migration),
        ]
    }
}
