//! Authorization of every protected request: one extractor, [`Guard`], that every protected
//! handler takes and asks with [`Guard::require`] before it does anything.
//!
//! A protected router is wrapped in [`require_decision`]: a handler that answers with success (2xx)
//! without having asked the guard is turned into a 500 and logged as a bug, so a forgotten check
//! fails closed and fails the route-walking tests.
//!
//! Who may do what: officials per their role assignments (casbin, `motcua_authz`); API tokens
//! per their scopes, in their own tenant only; platform operators a fixed set of platform
//! permissions ([`OPERATOR`]); citizens nothing here (their own dossiers are checked by
//! ownership where they are served, on routes declared with `owned_routes!` so that the
//! ownership-walking tests call every one of them as someone else).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use motcua_authz::{Action, Object, Permission};
use motcua_core::lang::Lang;

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{Principal, Session};

/// What platform operators may do in any tenant: run it, not read its citizens' dossiers.
pub const OPERATOR: &[Object] = &[
    Object::Tenant,
    Object::Policy,
    Object::Account,
    Object::Plugin,
    Object::Procedure,
    Object::Workflow,
];

/// A route whose handlers must ask the [`Guard`]: what the route-walking tests call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardedRoute {
    /// The HTTP method, lowercase (`get`, `post`, ...).
    pub method: &'static str,
    /// The path under `/api`, with `{parameters}`.
    pub path: &'static str,
}

/// Declares protected routes once, for both the router and the table of [`GuardedRoute`]s:
/// `"/path" [get, post] => get(a).post(b),`. The router is wrapped in [`require_decision`]. A
/// method listed but not routed answers 405, which the route-walking test reports.
macro_rules! guarded_routes {
    ($($path:literal [$($method:ident),+] => $route:expr),* $(,)?) => {
        (
            axum::Router::new()
                $(.route($path, $route))*
                .layer(axum::middleware::from_fn($crate::guard::require_decision)),
            &[$($($crate::guard::GuardedRoute { method: stringify!($method), path: $path }),+),*]
                as &'static [$crate::guard::GuardedRoute],
        )
    };
}
pub(crate) use guarded_routes;

/// A route that answers a citizen according to what they own (a dossier, a draft, a complaint
/// they sent): the ownership-walking tests call it as someone else and expect to be told
/// nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnedRoute {
    /// The HTTP method, lowercase (`get`, `post`, ...).
    pub method: &'static str,
    /// Where its router is nested: `""` for the portal's pages, `"/api"` for the API.
    pub prefix: &'static str,
    /// The path under the prefix, with `{parameters}`.
    pub path: &'static str,
}

impl OwnedRoute {
    /// The route's path from the host's root, with `{parameters}`.
    pub fn full_path(&self) -> String {
        format!("{}{}", self.prefix, self.path)
    }

    /// A guarded route nested under `prefix` that owners are served on as well.
    pub(crate) const fn guarded(prefix: &'static str, route: GuardedRoute) -> Self {
        Self {
            method: route.method,
            prefix,
            path: route.path,
        }
    }
}

/// Declares the routes that serve what a citizen owns once, for both the router and the table
/// of [`OwnedRoute`]s: `"/prefix"; "/path" [get, post] => get(a).post(b),` (the prefix is where
/// the router is nested, `""` for the portal's pages). Each handler checks ownership itself and
/// answers someone else as if there were nothing there.
macro_rules! owned_routes {
    ($prefix:literal; $($path:literal [$($method:ident),+] => $route:expr),* $(,)?) => {
        (
            axum::Router::new()$(.route($path, $route))*,
            &[$($($crate::guard::OwnedRoute {
                method: stringify!($method),
                prefix: $prefix,
                path: $path,
            }),+),*] as &'static [$crate::guard::OwnedRoute],
        )
    };
}
pub(crate) use owned_routes;

/// Set when a handler asked the guard.
#[derive(Clone, Debug, Default)]
struct Decided(Arc<AtomicBool>);

/// The signed-in caller of a protected request, and the way to ask what they may do.
#[derive(Clone, Debug)]
pub struct Guard {
    /// The tenant and language of the host.
    pub site: Site,
    /// Who is asking.
    pub principal: Principal,
    decided: Option<Decided>,
    authz: motcua_authz::Authz,
}

impl FromRequestParts<AppState> for Guard {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let site = Site::from_request_parts(parts, state).await?;
        // Not signed in: 401 (API) or the sign-in page; a password to change first: 403 or
        // the change-password page.
        let session = Session::from_request_parts(parts, state).await?;
        Ok(Self {
            principal: session.principal.clone(),
            decided: parts.extensions.get::<Decided>().cloned(),
            authz: state.authz.clone(),
            site,
        })
    }
}

impl Guard {
    /// The keys of the host tenant's divisions in which the caller may do `permission`, in the
    /// manifest's order: what a listing limited to the caller's divisions filters on.
    pub fn divisions_where(&self, permission: Permission) -> Vec<String> {
        self.site
            .tenant
            .manifest
            .divisions
            .iter()
            .map(|d| d.key.to_string())
            .filter(|d| self.may(permission, Some(d)))
            .collect()
    }

    /// Whether the caller may do `permission` in `division` (or, with `None`, for the tenant as a
    /// whole), without refusing.
    pub fn may(&self, permission: Permission, division: Option<&str>) -> bool {
        if let Some(d) = &self.decided {
            d.0.store(true, Ordering::Relaxed);
        }
        let tenant = self.site.tenant.id;
        match &self.principal {
            Principal::Official {
                tenant: own,
                account,
                ..
            } => {
                *own == tenant
                    && self.authz.decide(
                        tenant,
                        &motcua_authz::subject(*account),
                        division,
                        permission,
                    )
            }
            Principal::Token {
                tenant: own,
                scopes,
                ..
            } => {
                *own == tenant
                    && scopes
                        .iter()
                        .any(|s| s.parse::<Permission>().is_ok_and(|p| p == permission))
            }
            Principal::Operator { .. } => OPERATOR.contains(&permission.object),
            Principal::Citizen(_) => false,
        }
    }

    /// Refuses with 403 unless the caller may do `object`'s `action` in `division` (`None`: for
    /// the whole tenant).
    pub fn require(
        &self,
        object: Object,
        action: Action,
        division: Option<&str>,
    ) -> Result<(), ApiError> {
        let permission = Permission::new(object, action);
        if self.may(permission, division) {
            return Ok(());
        }
        Err(ApiError(
            self.site.lang,
            Failure::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                Msg::new(
                    format!("Bạn không có quyền thực hiện thao tác này ({permission})."),
                    format!("You are not allowed to do this ({permission})."),
                ),
            ),
        ))
    }

    /// Refuses with 403 unless the caller is an API token of this tenant that carries `scope`, a
    /// scope of a connected system ([`crate::accounts::tokens::INTEGRATION_SCOPES`]) rather
    /// than a permission.
    pub fn require_scope(&self, scope: &str) -> Result<(), ApiError> {
        if let Some(d) = &self.decided {
            d.0.store(true, Ordering::Relaxed);
        }
        let held = matches!(
            &self.principal,
            Principal::Token { tenant, scopes, .. }
                if *tenant == self.site.tenant.id && scopes.iter().any(|s| s == scope)
        );
        if held {
            return Ok(());
        }
        Err(ApiError(
            self.site.lang,
            Failure::new(
                StatusCode::FORBIDDEN,
                "scope_missing",
                Msg::new(
                    format!("Cần mã truy cập API có phạm vi `{scope}` để thực hiện thao tác này."),
                    format!("This needs an API token with the scope `{scope}`."),
                ),
            ),
        ))
    }

    /// The tenants' policies the guard decides with.
    pub(crate) fn authz(&self) -> &motcua_authz::Authz {
        &self.authz
    }

    /// Who the caller is, as audit records name them (`account:12`, `token:3`, `operator:1`).
    pub fn actor(&self) -> String {
        match &self.principal {
            Principal::Official { account, .. } => motcua_authz::subject(*account),
            Principal::Token { token, .. } => format!("token:{token}"),
            Principal::Operator { account, .. } => format!("operator:{account}"),
            Principal::Citizen(c) => format!("citizen:{}", c.subject),
        }
    }
}

/// Wraps a protected router: a success answered without asking the guard becomes a 500.
pub(crate) async fn require_decision(mut req: Request, next: Next) -> Response {
    let decided = Decided::default();
    req.extensions_mut().insert(decided.clone());
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let response = next.run(req).await;
    let status = response.status();
    if status.is_success() && !decided.0.load(Ordering::Relaxed) {
        tracing::error!(%method, %path, "a protected route answered without an authorization decision");
        return Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "no_decision",
            Msg::new(
                "Lỗi hệ thống: thao tác chưa được kiểm tra quyền.",
                "Internal error: the action was not authorised.",
            ),
        )
        .json(Lang::Vi);
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_protected_route_that_never_asks_fails_closed() {
        let app = Router::new()
            .route("/forgot", get(|| async { "secret" }))
            .route("/refused", get(|| async { StatusCode::FORBIDDEN }))
            .layer(axum::middleware::from_fn(require_decision));
        let forgot = app
            .clone()
            .oneshot(Request::get("/forgot").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(forgot.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(forgot.into_body(), 1 << 16)
            .await
            .unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("secret"));
        // Failures pass through: they give nothing away.
        let refused = app
            .oneshot(Request::get("/refused").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}
