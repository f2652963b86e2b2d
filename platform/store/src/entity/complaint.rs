//! `complaints`: citizens' and businesses' complaints and suggestions (PAKN), with where each
//! stands, its due times and its answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub code: String,
    pub kind: String,
    pub subject_kind: String,
    pub subject: String,
    pub dossier_id: Option<i64>,
    pub sender_name: String,
    pub sender_phone: Option<String>,
    pub sender_email: Option<String>,
    pub sender_address: Option<String>,
    pub citizen_subject: Option<String>,
    pub text: String,
    pub division: String,
    pub status: String,
    pub version: i64,
    pub received_at: DateTimeUtc,
    pub forward_by: DateTimeUtc,
    pub answer_by: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    pub published: bool,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
