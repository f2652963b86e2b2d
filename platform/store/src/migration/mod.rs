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

use sea_orm_migration::prelude::*;

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
        ]
    }
}
