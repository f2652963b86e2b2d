//! `dossier_documents`: the files attached to each dossier (what the applicant supplied, scans,
//! supplements, results), immutable once written.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub dossier_id: i64,
    pub kind: String,
    pub code: Option<String>,
    pub sha256: String,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
    pub attached_by: String,
    pub attached_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
