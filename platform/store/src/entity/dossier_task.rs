//! `dossier_tasks`: the open work items of each dossier, with the dossier columns the inbox
//! shows, filters and sorts on (see `inbox`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dossier_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_id: i32,
    pub step: String,
    pub role: String,
    pub division: String,
    pub assignee: Option<String>,
    pub escalated_to: Option<String>,
    pub step_due_at: Option<DateTimeUtc>,
    pub entered_at: DateTimeUtc,
    pub code: String,
    pub procedure_code: String,
    pub status: String,
    pub channel: String,
    pub applicant_name: String,
    pub applicant_name_folded: String,
    pub received_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
