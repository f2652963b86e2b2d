//! `questions`: citizens' questions about a procedure, with the latest answer and whether it is
//! published on the portal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub procedure_code: String,
    pub division: String,
    pub lang: String,
    pub asker_subject: String,
    pub asker_name: String,
    pub text: String,
    pub asked_at: DateTimeUtc,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub published: bool,
    /// How many answers it has had (m0024): the version an answer must be written on.
    pub answer_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
