//! `policy_rules`: a tenant's casbin rules.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ptype: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub v0: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub v1: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub v2: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub v3: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
