//! PostgreSQL row-level security: the second wall between tenants.
//!
//! Every tenant-owned table gets a policy that shows and accepts only the rows of the tenant
//! named by the transaction-local setting `motcua.tenant_id`. Request handling runs its
//! transactions as the role `motcua_tenant` (`SET LOCAL ROLE`, see `Store::tenant_txn`), to which
//! the policies apply; a query that forgets its `tenant_id` filter then still sees one tenant
//! only. Platform-level work (migrations, applying manifests, cross-tenant jobs) runs as the
//! owner of the tables, which RLS does not restrict (the policies are not `FORCE`d).
//!
//! SQLite has no equivalent; there, the application's own `tenant_id` filters are the only wall.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

/// The tables whose rows belong to one tenant, and the column naming it.
const TENANT_TABLES: [(&str, &str); 6] = [
    ("tenants", "id"),
    ("tenant_assets", "tenant_id"),
    ("divisions", "tenant_id"),
    ("procedures", "tenant_id"),
    ("dossiers", "tenant_id"),
    ("dossier_code_counters", "tenant_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        // Roles are cluster-wide: create it once, tolerating a concurrent creator.
        db.execute_unprepared(
            "DO $$ BEGIN
                 IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'motcua_tenant') THEN
                     CREATE ROLE motcua_tenant NOLOGIN;
                 END IF;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$;
             DO $$ BEGIN
                 EXECUTE format('GRANT motcua_tenant TO %I', current_user);
             EXCEPTION WHEN others THEN NULL;
             END $$;
             DO $$ BEGIN
                 EXECUTE format('GRANT USAGE ON SCHEMA %I TO motcua_tenant', current_schema());
             END $$;",
        )
        .await?;
        for (table, column) in TENANT_TABLES {
            db.execute_unprepared(&format!(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO motcua_tenant;
                 ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY tenant_isolation ON {table}
                     USING ({column} = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint)
                     WITH CHECK ({column} = NULLIF(current_setting('motcua.tenant_id', true), '')::bigint);"
            ))
            .await?;
        }
        db.execute_unprepared("GRANT USAGE, SELECT ON SEQUENCE dossiers_id_seq TO motcua_tenant;")
            .await?;
        Ok(())
    }
}
