//! The administrators' audit log cannot be edited through the application: `policy_changes`
//! (role assignments, m0006) and `account_changes` (officials' accounts, m0014) refuse every
//! `UPDATE` and `DELETE` (and, on PostgreSQL, `TRUNCATE`) by a trigger, whichever connection the
//! statement comes from: the platform's own as well as the tenants' row-level-security role.
//! Adding rows is what the application does, and stays possible.
//!
//! Only whoever can drop the triggers (the database owner, outside the application) can change a
//! recorded entry; `docs/operations.md` says how to keep that right away from the nodes.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

/// The tables of the administrators' audit log.
const AUDIT_TABLES: [&str; 2] = ["policy_changes", "account_changes"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION motcua_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                         RAISE EXCEPTION 'the audit log % is append-only: its entries cannot be changed or deleted', TG_TABLE_NAME
                             USING ERRCODE = 'insufficient_privilege';
                     END $$;",
                )
                .await?;
                for table in AUDIT_TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                             FOR EACH ROW EXECUTE FUNCTION motcua_append_only();
                         CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                             FOR EACH STATEMENT EXECUTE FUNCTION motcua_append_only();"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in AUDIT_TABLES {
                    for event in ["UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_no_{event} BEFORE {event} ON {table}
                             BEGIN
                                 SELECT RAISE(ABORT, 'the audit log {table} is append-only: its entries cannot be changed or deleted');
                             END;",
                            event = event.to_ascii_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }
}
