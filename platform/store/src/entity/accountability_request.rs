//! `accountability_requests`: applicants' requests for an explanation of how their dossier was
//! handled, with each step of their handling.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accountability_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub dossier_id: i64,
    pub dossier_code: String,
    pub applicant_subject: String,
    pub applicant_name: String,
    pub division: String,
    pub official: Option<String>,
    pub step: Option<String>,
    pub event_seq: Option<i32>,
    pub text: String,
    pub status: String,
    pub version: i64,
    pub opened_at: DateTimeUtc,
    pub acknowledge_by: DateTimeUtc,
    pub explain_by: DateTimeUtc,
    pub next_due_at: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<String>,
    pub extended_at: Option<DateTimeUtc>,
    pub extended_by: Option<String>,
    pub extension_reason: Option<String>,
    pub explain_by_before: Option<DateTimeUtc>,
    pub explained_at: Option<DateTimeUtc>,
    pub explained_by: Option<String>,
    pub explanation: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
