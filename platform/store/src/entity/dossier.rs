//! `dossiers`: every dossier received, whatever the channel.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossiers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub procedure_code: String,
    pub receiving_unit: String,
    pub channel: String,
    pub status: String,
    pub applicant_name: String,
    pub applicant_id_number: Option<String>,
    pub applicant: Json,
    pub form: Json,
    pub idempotency_key: Option<String>,
    pub received_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub procedure_version: i32,
    pub case_key: String,
    pub state: Option<Json>,
    pub state_version: i64,
    pub closed_at: Option<DateTimeUtc>,
    pub next_timer_at: Option<DateTimeUtc>,
    pub applicant_name_folded: String,
    pub national_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
