//! Fixtures for the crate's tests: a tenant and a construction-permit procedure that uses every
//! kind of step.

use motcua_core::calendar::WorkingCalendar;
use motcua_core::tenant::{TenantManifest, parse_manifest};

use crate::procedure::{Procedure, load};

pub(crate) const TENANT: &str = include_str!("../tests/procedures/tenant.yaml");

/// A construction permit: desk review with a supplement loop, a fee plugin, a parallel appraisal
/// with an outside consultation (join all), a decision on the area, approval, and a timer.
pub(crate) const PERMIT: &str = include_str!("../tests/procedures/permit.yaml");

pub(crate) fn tenant() -> TenantManifest {
    parse_manifest("tenant.yaml", TENANT, None).expect("the test tenant is valid")
}

pub(crate) fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(&tenant().calendar).expect("the default calendar")
}

pub(crate) fn permit() -> Procedure {
    match load("permit.yaml", PERMIT, &tenant()) {
        Ok(p) => p,
        Err(d) => panic!("the permit fixture is invalid:\n{d}"),
    }
}
