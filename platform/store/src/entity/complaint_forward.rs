//! `complaint_forwards`: each forwarding of a misdirected complaint to another division.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint_forwards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub complaint_id: i64,
    pub from_division: String,
    pub to_division: String,
    pub reason: String,
    pub at: DateTimeUtc,
    pub by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
