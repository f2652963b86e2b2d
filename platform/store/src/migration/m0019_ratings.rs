//! Citizens' satisfaction ratings (Circular 32/2017, Art. 16.2.g):
//!
//! - `ratings`: one row per rated dossier: the dossier, its procedure and the division that
//!   handled it (copied when the rating is given, so statistics group without reading
//!   procedures), the four answers (overall, convenience, timeliness, staff support), each
//!   `very_satisfied | satisfied | not_satisfied`, an optional comment, who rated it and when.
//!
//! A dossier is rated once: `(tenant_id, dossier_id)` is unique. Statistics read ratings by
//! tenant and time. The tenant role may read and add rows, never change or delete them.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use super::{tenant_fk, tenant_isolation};

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Ratings {
    Table,
    Id,
    TenantId,
    DossierId,
    ProcedureCode,
    Division,
    Overall,
    Convenience,
    Timeliness,
    StaffSupport,
    Comment,
    Rater,
    RatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ratings as R;
        let answer = |col: R| ColumnDef::new(col).string_len(16).not_null().to_owned();
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(
                    ColumnDef::new(R::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(R::TenantId).big_integer().not_null())
                .col(ColumnDef::new(R::DossierId).big_integer().not_null())
                .col(ColumnDef::new(R::ProcedureCode).string_len(64).not_null())
                .col(ColumnDef::new(R::Division).string_len(64).not_null())
                .col(answer(R::Overall))
                .col(answer(R::Convenience))
                .col(answer(R::Timeliness))
                .col(answer(R::StaffSupport))
                .col(ColumnDef::new(R::Comment).text().null())
                .col(ColumnDef::new(R::Rater).string_len(300).not_null())
                .col(
                    ColumnDef::new(R::RatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut tenant_fk(R::Table, R::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::DossierId)
                        .to(Alias::new("dossiers"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // One rating per dossier; statistics go by tenant and period.
        m.create_index(
            Index::create()
                .name("ratings_tenant_dossier")
                .table(R::Table)
                .col(R::TenantId)
                .col(R::DossierId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ratings_tenant_rated_at")
                .table(R::Table)
                .col(R::TenantId)
                .col(R::RatedAt)
                .to_owned(),
        )
        .await?;
        tenant_isolation(m, "ratings", "SELECT, INSERT").await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "GRANT USAGE, SELECT ON SEQUENCE ratings_id_seq TO motcua_tenant;",
                )
                .await?;
        }
        Ok(())
    }
}
