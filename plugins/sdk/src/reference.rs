//! The tenant's reference data: fee tables, administrative units (capability `reference`).

use serde_json::Value;

use crate::bindings::motcua::plugin::reference;

/// The entry `key` of the tenant's table `table`, or `None`. An empty key returns the whole
/// table.
pub fn lookup(table: &str, key: &str) -> Option<Value> {
    reference::lookup(table, key).and_then(|json| serde_json::from_str(&json).ok())
}
