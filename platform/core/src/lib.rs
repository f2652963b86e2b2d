//! Domain types and rules of the Mộtcửa platform, with no I/O.
//!
//! Everything here is pure: codes (entity, sector, dossier) as validated newtypes, the tenant
//! manifest and its validation, procedures' public information, dossier statuses, and the
//! working-day calendar that every deadline is computed on. Storage, HTTP and the binary depend on
//! this crate; it depends on none of them.

pub mod accountability;
pub mod assessment;
pub mod calendar;
pub mod codes;
pub mod diagnostic;
pub mod dossier;
pub mod json;
pub mod lang;
pub mod plugin;
pub mod procedure;
pub mod tenant;
pub mod text;
