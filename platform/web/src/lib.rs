//! The HTTP face of the Mộtcửa platform: every tenant's sites on their own hosts, the JSON API,
//! and the node's health and metrics.
//!
//! [`app`] builds the whole router from an [`AppState`]; tests drive it in-process with
//! `tower::ServiceExt::oneshot`, the binary serves it. Handlers are thin: they read the tenant and
//! language from the host ([`host::Site`]), call storage or domain code, and answer.

mod accountability;
pub mod accounts;
pub mod admin;
mod api;
mod apply;
pub mod catalogue;
mod client;
pub mod complaints;
pub mod dev_oidc;
mod eform;
pub mod error;
pub mod guard;
mod guidance;
pub mod handling;
mod health;
pub mod host;
pub mod i18n;
mod my_dossiers;
mod national;
pub mod notifications;
pub mod oidc;
mod onestop;
mod pages;
pub mod payments;
pub mod plugins;
mod ratings;
mod reports;
pub mod session;
pub mod sites;
mod statistics;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use motcua_store::Store;
use motcua_store::cache::Cache;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use client::ClientIp;
pub use health::{MAX_REQUEST_BYTES, metrics_handle};

use crate::error::Failure;

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Whether the public URLs are `https` (behind a TLS-terminating proxy in production).
    pub https: bool,
    /// Public lookups allowed per client per minute.
    pub lookup_per_minute: u32,
    /// Dossier submissions allowed per client per minute.
    pub submit_per_minute: u32,
    /// Whether to take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// How long an upload waits to be attached to a dossier before the sweep deletes it.
    pub upload_ttl: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            https: false,
            lookup_per_minute: 30,
            submit_per_minute: 20,
            trust_forwarded_for: false,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            upload_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The cache.
    pub cache: Arc<dyn Cache>,
    /// Who may do what.
    pub authz: motcua_authz::Authz,
    /// The tenants served, by host.
    pub sites: Arc<sites::Sites>,
    /// The metrics recorder.
    pub metrics: PrometheusHandle,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// Compiled procedure versions.
    pub procedures: handling::ProcedureCache,
    /// The plugin host.
    pub plugins: motcua_plugins::Host,
    /// Compiled plugins.
    pub loaded: plugins::LoadedCache,
    /// Wakes the plugin worker when a move requests a plugin.
    pub plugin_wake: Arc<tokio::sync::Notify>,
    /// Citizens' sign-in through the national portal; `None` when not configured.
    pub citizen_sign_in: Option<oidc::RelyingParty>,
    /// The built-in development OpenID provider of the embedded demo (never in production).
    pub dev_oidc: Option<dev_oidc::DevProvider>,
    /// Officials' sign-in through their tenant's own OpenID provider: the client secrets.
    pub official_sign_in: oidc::OfficialProviders,
    /// This node's side of sessions (its short-lived copy of account session epochs).
    pub sessions: session::Sessions,
    /// Where attachments' bytes are kept.
    pub blobs: motcua_store::blobs::Blobs,
    /// The payment gateway of level-4 procedures' fees; `None` when not configured.
    pub payments: Option<payments::Payments>,
}

impl AppState {
    /// Counts one request of `action` by `client` and refuses it past `per_minute`.
    pub(crate) async fn rate_limit(
        &self,
        action: &str,
        client: &ClientIp,
        per_minute: u32,
    ) -> Result<(), Failure> {
        self.rate_limit_key(action, &client.key(), per_minute).await
    }

    /// Counts one request of `action` for `key` (a client, a username...) and refuses it past
    /// `per_minute`.
    pub(crate) async fn rate_limit_key(
        &self,
        action: &str,
        key: &str,
        per_minute: u32,
    ) -> Result<(), Failure> {
        let key = format!("rl:{action}:{key}");
        match self.cache.incr(&key, Duration::from_secs(60)).await {
            Ok(n) if n > u64::from(per_minute) => Err(Failure::too_many_requests(60)),
            Ok(_) => Ok(()),
            // An unreachable cache must not take the lookup down with it: serve without limit
            // and say so in the logs (readiness reports the cache as down meanwhile).
            Err(e) => {
                tracing::warn!(error = %e, action, "rate limit skipped: cache unavailable");
                Ok(())
            }
        }
    }
}

/// `GET /schemas/procedure.json`: the JSON Schema of procedure files, for editors.
async fn procedure_schema() -> impl axum::response::IntoResponse {
    static SCHEMA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    (
        [(axum::http::header::CONTENT_TYPE, "application/schema+json")],
        SCHEMA
            .get_or_init(motcua_workflow::schema::json_schema)
            .clone(),
    )
}

/// Every route under `/api` whose handlers must ask the guard, for the route-walking tests.
pub fn guarded_routes() -> Vec<guard::GuardedRoute> {
    let mut all = api::admin_routes().1.to_vec();
    all.extend_from_slice(api::document_routes().1);
    all.extend_from_slice(accounts::token_routes().1);
    all.extend_from_slice(onestop::api_routes().1);
    all.extend_from_slice(complaints::onestop_api_routes().1);
    all.extend_from_slice(guidance::onestop_api_routes().1);
    all.extend_from_slice(national::api_routes().1);
    all.extend_from_slice(admin::api_routes().1);
    all.extend_from_slice(reports::api_routes().1);
    all
}

/// Every route that serves a citizen what they own (a dossier, a draft, a complaint they sent),
/// portal pages and API alike, for the ownership-walking tests: each answers anyone else as if
/// there were nothing there.
pub fn owned_routes() -> Vec<guard::OwnedRoute> {
    let mut all = my_dossiers::routes().1.to_vec();
    all.extend_from_slice(my_dossiers::api_routes().1);
    all.extend_from_slice(apply::routes().1);
    all.extend_from_slice(payments::routes().1);
    all.extend_from_slice(ratings::routes().1);
    all.extend_from_slice(ratings::api_routes().1);
    all.extend_from_slice(accountability::applicant_routes().1);
    all.extend_from_slice(complaints::portal_routes().1);
    all.extend_from_slice(complaints::public_api_routes().1);
    // Officials read a dossier's documents too; its owner as well, on the same guarded routes.
    all.extend(
        api::document_routes()
            .1
            .iter()
            .map(|r| guard::OwnedRoute::guarded("/api", *r)),
    );
    all
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    // Both systems of a tenant share the account pages, the branding and the API; the host
    // decides which one answers the rest.
    let shared = || {
        Router::new()
            .route("/branding.css", get(pages::branding_css))
            .route("/logo", get(pages::logo))
            .route("/static/site.css", get(pages::site_css))
            .merge(accounts::routes())
            .merge(oidc::official_routes())
            .nest(
                "/api",
                api::routes()
                    .merge(accounts::api_routes())
                    .merge(accountability::applicant_routes().0)
                    .merge(my_dossiers::api_routes().0)
                    .merge(ratings::api_routes().0)
                    .merge(statistics::api_routes())
                    .merge(onestop::api_routes().0)
                    .merge(complaints::public_api_routes().0)
                    .merge(complaints::onestop_api_routes().0)
                    .merge(guidance::api_routes())
                    .merge(guidance::onestop_api_routes().0)
                    .merge(national::api_routes().0)
                    .merge(admin::api_routes().0)
                    .merge(reports::api_routes().0),
            )
            .fallback(pages::not_found)
    };
    let portal = shared()
        .route("/", get(pages::home))
        .route("/lookup", get(pages::lookup))
        .merge(catalogue::routes())
        .merge(complaints::portal_routes().0)
        .merge(guidance::routes())
        .merge(apply::routes().0)
        .merge(payments::routes().0)
        .merge(oidc::routes())
        .merge(my_dossiers::routes().0)
        .merge(ratings::routes().0)
        .merge(statistics::routes())
        .layer(middleware::from_fn(my_dossiers::header))
        .layer(middleware::from_fn(health::name_route))
        .with_state(state.clone());
    let staff = shared()
        .route("/static/onestop.css", get(onestop::pages::css))
        .merge(onestop::page_routes())
        .merge(complaints::page_routes())
        .merge(guidance::staff_routes())
        .merge(onestop::print_routes())
        .merge(admin::page_routes())
        .merge(reports::page_routes())
        .layer(middleware::from_fn_with_state(state.clone(), admin::menu))
        .layer(middleware::from_fn(health::name_route))
        .with_state(state.clone());
    let tenant = Router::new()
        .fallback_service(tower::service_fn(move |req: axum::extract::Request| {
            let system = req.extensions().get::<host::Site>().map(|s| s.system);
            let router = match system {
                Some(motcua_core::tenant::System::OneStop) => staff.clone(),
                _ => portal.clone(),
            };
            tower::ServiceExt::oneshot(router, req)
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::authenticate,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), host::resolve));

    let node = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/schemas/procedure.json", get(procedure_schema))
        .merge(dev_oidc::routes(state.dev_oidc.is_some()))
        .merge(payments::sandbox_routes(
            state
                .payments
                .as_ref()
                .is_some_and(|p| p.sandbox_gateway().is_some()),
        ));

    let config = Arc::clone(&state.config);
    // Browsers keep to https for a year once they have seen the platform over https; never sent
    // over plain http (development), where it would lock a developer's browser out of `*.localhost`.
    let hsts = config.https.then(|| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        )
    });
    node.merge(tenant)
        .layer(middleware::from_fn(health::record))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ))
        .layer(tower::util::option_layer(hsts))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
