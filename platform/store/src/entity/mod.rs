//! sea-orm entities, one per table. Every tenant-owned table carries `tenant_id` and is keyed
//! with it first, so that tenants can later be sharded by it.

pub mod accountability_request;
pub mod api_token;
pub mod attachment_upload;
pub mod code_counter;
pub mod complaint;
pub mod complaint_attachment;
pub mod complaint_forward;
pub mod division;
pub mod dossier;
pub mod dossier_document;
pub mod dossier_event;
pub mod dossier_task;
pub mod dossier_task_key;
pub mod national_exchange;
pub mod official_notification;
pub mod outbox;
pub mod payment;
pub mod plugin_version;
pub mod policy_change;
pub mod policy_rule;
pub mod policy_version;
pub mod procedure;
pub mod procedure_version;
pub mod question;
pub mod question_answer;
pub mod rating;
pub mod submission_draft;
pub mod tenant;
pub mod tenant_asset;
