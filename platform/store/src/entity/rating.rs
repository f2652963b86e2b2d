//! `ratings`: citizens' satisfaction ratings of their dossiers, one per dossier.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub dossier_id: i64,
    pub procedure_code: String,
    pub division: String,
    pub overall: String,
    pub convenience: String,
    pub timeliness: String,
    pub staff_support: String,
    pub comment: Option<String>,
    pub rater: String,
    pub rated_at: DateTimeUtc,
    pub desk_contacts: Option<String>,
    pub agencies_contacted: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
