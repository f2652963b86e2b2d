//! `procedures`: each tenant's procedures with their source file; withdrawn ones stay (inactive)
//! because dossiers refer to them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub path: String,
    pub name_vi: String,
    pub name_en: String,
    pub sector_code: String,
    pub division_key: String,
    pub online_level: i16,
    pub source: String,
    pub source_sha256: String,
    pub active: bool,
    pub updated_at: DateTimeUtc,
    pub current_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
