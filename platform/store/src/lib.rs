//! Storage of the Mộtcửa platform on SQLite (the embedded default) or PostgreSQL (production),
//! with the same code and the same migrations, and the cache (in-process or Redis).
//!
//! Rules this crate keeps:
//! - every tenant-owned row carries `tenant_id` and every query of tenant data filters on it;
//! - tenant data is read and written inside [`Store::tenant_txn`], which on PostgreSQL also
//!   switches the transaction to the row-level-security role, so a forgotten filter still cannot
//!   reach another tenant's rows;
//! - storage errors stay here: callers get [`StoreError`], whose variants say what went wrong in
//!   domain terms (a conflict, exhausted codes, an unavailable database).

pub mod accountability;
pub mod accounts;
pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod blobs;
pub mod cache;
mod codes;
pub mod complaints;
pub mod dossiers;
pub mod drafts;
pub mod entity;
pub mod history;
pub mod inbox;
pub mod jobs;
mod migration;
pub mod national;
pub mod notifications;
pub mod official_subjects;
pub mod officials;
pub mod payments;
pub mod plugins;
pub mod policies;
pub mod procedures;
pub mod questions;
pub mod ratings;
pub mod reports;
pub mod tenants;
mod versioned;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use codes::next_dossier_code;
pub use migration::Migrator;

/// A tenant's identity in storage.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct TenantId(pub i64);

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A receiving unit has issued all 9,999 codes of a day.
    #[error("the receiving unit {unit} has issued all 9999 dossier codes of {day}")]
    CodesExhausted {
        /// The receiving unit's entity code.
        unit: String,
        /// The day (Vietnam time).
        day: chrono::NaiveDate,
    },
    /// Stored data could not be read back (a bug or a manual edit).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Something the request refers to does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The request conflicts with the stored state.
    #[error("conflict: {0}")]
    Conflict(String),
}

/// How to connect.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub url: String,
    /// Connections in the pool.
    pub max_connections: u32,
    /// PostgreSQL schema to use instead of `public` (tests use one schema each).
    pub schema: Option<String>,
}

impl StoreOptions {
    /// Options for a URL with the default pool size.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            schema: None,
        }
    }
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects; a SQLite file is created when missing.
    pub async fn connect(options: &StoreOptions) -> Result<Self, StoreError> {
        let mut opts = ConnectOptions::new(options.url.clone());
        opts.max_connections(options.max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10))
            // Pinging every connection at every checkout costs a round trip per transaction; a
            // connection idle long enough to have been dropped by a proxy is still checked.
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            .sqlx_logging(false);
        if let Some(schema) = &options.schema {
            opts.set_schema_search_path(schema.clone());
        }
        // The embedded default: one file, concurrent readers with one writer (WAL), waiting for
        // the writer rather than failing, and foreign keys enforced as on PostgreSQL.
        opts.map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
        let db = Database::connect(opts).await?;
        if let Some(schema) = &options.schema
            && db.get_database_backend() == DbBackend::Postgres
        {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::Corrupt(format!(
                    "schema name `{schema}`: use lowercase letters, digits and _"
                )));
            }
            db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .await?;
        }
        Ok(Self { db })
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// The names of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        Ok(Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await?;
        Ok(())
    }

    /// The backend in use.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// The connection, for platform-level work that spans tenants (applying manifests, loading
    /// every tenant at start-up). Tenant data goes through [`Self::tenant_txn`].
    pub fn platform(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Begins a read-write transaction confined to one tenant.
    ///
    /// On PostgreSQL the transaction runs as the row-level-security role with the tenant named in
    /// `motcua.tenant_id`, so it sees and writes that tenant's rows only. On SQLite it begins
    /// `IMMEDIATE`, taking the write lock up front so that two writers queue instead of one
    /// failing when it upgrades a read lock.
    pub async fn tenant_txn(&self, tenant: TenantId) -> Result<DatabaseTransaction, StoreError> {
        match self.backend() {
            DbBackend::Sqlite => Ok(self
                .db
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..TransactionOptions::default()
                })
                .await?),
            _ => {
                let txn = self.db.begin().await?;
                // One prepared statement: `set_config('role', ..)` is `SET LOCAL ROLE`.
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT set_config('role', 'motcua_tenant', true), \
                     set_config('motcua.tenant_id', $1, true)",
                    [tenant.0.to_string().into()],
                ))
                .await?;
                Ok(txn)
            }
        }
    }

    /// Begins a read-only transaction confined to one tenant (see [`Self::tenant_txn`]); on SQLite
    /// it takes no write lock.
    pub async fn tenant_read(&self, tenant: TenantId) -> Result<DatabaseTransaction, StoreError> {
        match self.backend() {
            DbBackend::Sqlite => Ok(self.db.begin().await?),
            _ => self.tenant_txn(tenant).await,
        }
    }
}

impl StoreError {
    /// Whether the error is a unique-key violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))))
    }
}
