//! The roles a workflow step can be assigned to, from the role templates every tenant shares
//! (`policies/`): who may act on a dossier in a division.

/// The handling roles, in order of seniority.
pub const HANDLING_ROLES: [&str; 4] = ["receiver", "specialist", "division_head", "agency_leader"];

/// Whether `role` is a handling role.
pub fn is_handling_role(role: &str) -> bool {
    HANDLING_ROLES.contains(&role)
}
