//! `national_exchanges`: every message exchanged with the national public service portal, with
//! the sha256 of its payload and the answer given; never changed once written.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "national_exchanges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub direction: String,
    pub service: String,
    pub national_code: Option<String>,
    pub dossier_id: Option<i64>,
    pub caller: String,
    pub payload_sha256: String,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub error_code: String,
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
