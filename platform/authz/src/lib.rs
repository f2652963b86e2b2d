//! Authorization of the Mộtcửa platform: who may do what, in which tenant and division.
//!
//! The model is casbin RBAC with domains (`policies/model.conf`): permission rules are the role
//! templates every tenant shares (`policies/roles.csv`); each tenant's role assignments
//! (`account:<id>`, role, `<tenant>/<division>` or `<tenant>/*`) are stored in the database
//! through a casbin adapter written on sea-orm ([`SeaOrmAdapter`]), audited and versioned.
//!
//! [`Authz`] loads every tenant's policy into a casbin enforcer and compiles it into a decision
//! index (per official: a permission bit set per division and one for the whole tenant), so a
//! decision is two hash lookups and a mask instead of casbin's scan of every permission rule
//! through its expression engine; a test checks that both answer alike for every case. A change
//! on one node reaches the others through Redis pub/sub within milliseconds, and a periodic
//! version check catches a lost message.

mod adapter;
mod authz;
pub mod model;
mod sync;

pub use adapter::SeaOrmAdapter;
pub use authz::{Assignment, AssignmentError, Authz, AuthzError, Changed, TenantRef, Visible};
pub use model::{Action, Object, Permission, Role};
pub use sync::SyncConfig;

/// The casbin subject of an official's account.
pub fn subject(account: i64) -> String {
    format!("account:{account}")
}
