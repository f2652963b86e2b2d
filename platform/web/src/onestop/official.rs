//! The official behind a one-stop request: who they are to the workflow engine (their roles in
//! their divisions, from the tenant's role assignments) and what the guard lets them do with a
//! dossier.
//!
//! Two walls, each kept by its owner: the tenant's policy (casbin) decides which *kinds* of
//! dossier work an official may do in a division (receive, handle, assign, approve, view); the
//! procedure's workflow decides which role acts at each step. A command passes only when both
//! agree, so removing a permission from a role template stops its holders at once, whatever the
//! workflows say.

use std::collections::BTreeSet;

use motcua_authz::{Action, Object, Permission};
use motcua_workflow::engine::{Actor, ActorKind, RoleGrant};
use motcua_workflow::procedure::Procedure;

use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::session::Principal;
use crate::sites::TenantSite;

/// A signed-in official of the host's tenant.
#[derive(Clone, Debug)]
pub(crate) struct Official {
    /// The guard that authorised the request (every decision goes through it).
    pub guard: Guard,
    /// The official as the workflow engine sees them.
    pub actor: Actor,
}

impl Official {
    /// The official behind `guard`, or 403 for anyone else (API tokens, operators, citizens): the
    /// one-stop system records a person's name against every step.
    pub(crate) fn from_guard(guard: Guard) -> Result<Self, ApiError> {
        let account = match &guard.principal {
            Principal::Official {
                tenant, account, ..
            } if *tenant == guard.site.tenant.id => *account,
            _ => {
                return Err(ApiError(
                    guard.site.lang,
                    Failure::new(
                        axum::http::StatusCode::FORBIDDEN,
                        "officials_only",
                        Msg::new(
                            "Chỉ cán bộ, công chức của đơn vị đã đăng nhập mới thực hiện được thao tác này.",
                            "Only a signed-in official of this agency can do this.",
                        ),
                    ),
                ));
            }
        };
        let actor = actor_of(&guard.site.tenant, guard.authz(), account);
        Ok(Self { actor, guard })
    }

    /// Whether the official may do `action` to dossiers in `division`.
    pub(crate) fn may(&self, action: Action, division: &str) -> bool {
        self.guard
            .may(Permission::new(Object::Dossier, action), Some(division))
    }

    /// Whether the official may do any of `actions` in any of `divisions`.
    pub(crate) fn may_any<'a>(
        &self,
        actions: &[Action],
        divisions: impl IntoIterator<Item = &'a str> + Clone,
    ) -> bool {
        actions
            .iter()
            .any(|a| divisions.clone().into_iter().any(|d| self.may(*a, d)))
    }

    /// 403 unless the official may receive dossiers at one of the tenant's one-stop desks.
    pub(crate) fn require_some_desk(&self) -> Result<(), ApiError> {
        let manifest = &self.guard.site.tenant.manifest;
        self.require_any(
            &[Action::Receive],
            manifest
                .divisions
                .iter()
                .filter(|d| d.one_stop)
                .map(|d| d.key.as_str()),
        )
    }

    /// 403 unless the official may do one of `actions` in one of `divisions`.
    pub(crate) fn require_any<'a>(
        &self,
        actions: &[Action],
        divisions: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Result<(), ApiError> {
        if self.may_any(actions, divisions) {
            return Ok(());
        }
        let wanted = actions
            .iter()
            .map(|a| Permission::new(Object::Dossier, *a).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        Err(ApiError(
            self.guard.site.lang,
            Failure::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                Msg::new(
                    format!("Bạn không có quyền thực hiện thao tác này với hồ sơ ({wanted})."),
                    format!("You are not allowed to do this with the dossier ({wanted})."),
                ),
            ),
        ))
    }
}

/// Official `account` of `site` as the workflow engine sees them: each role assignment in its
/// division, a tenant-wide assignment in every division.
pub(crate) fn actor_of(site: &TenantSite, authz: &motcua_authz::Authz, account: i64) -> Actor {
    let mut roles = Vec::new();
    for a in authz.assignments_of_in_force(site.id, account, chrono::Utc::now()) {
        let role = a.role.as_str();
        match a.division {
            Some(division) => roles.push(RoleGrant {
                role: role.to_owned(),
                division,
            }),
            None => roles.extend(site.manifest.divisions.iter().map(|d| RoleGrant {
                role: role.to_owned(),
                division: d.key.to_string(),
            })),
        }
    }
    Actor {
        id: motcua_authz::subject(account),
        kind: ActorKind::Official,
        roles,
    }
}

/// The divisions a procedure's dossiers pass through: its own division, its desk and every
/// division a step of its workflow names. An official who may view dossiers in one of them may
/// open the procedure's dossiers.
pub(crate) fn divisions_of(
    procedure: &Procedure,
    manifest: &motcua_core::tenant::TenantManifest,
) -> BTreeSet<String> {
    let info = &procedure.file.info;
    let mut all = BTreeSet::new();
    all.insert(info.division.to_string());
    all.insert(info.desk(manifest).key.to_string());
    all.extend(
        procedure
            .definition
            .steps
            .iter()
            .filter_map(|s| s.division.clone()),
    );
    all
}
