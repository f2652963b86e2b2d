//! `motcua serve`: one node of the platform.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use motcua_store::cache::{Cache, MemoryCache, RedisCache};
use motcua_store::{Store, tenants};
use motcua_web::dev_oidc::DevProvider;
use motcua_web::oidc::RelyingParty;
use motcua_web::sites::Sites;
use motcua_web::{AppState, WebConfig, app, metrics_handle};

use crate::cli::ready_store;
use crate::config::{Config, Mode, SignInProvider};
use crate::tenant_dir::{self, DirError};

/// Applies every tenant directory under the configured tenants directory (development start-up);
/// returns the manifests applied.
async fn apply_tenant_dirs(
    store: &Store,
    config: &Config,
) -> anyhow::Result<Vec<motcua_core::tenant::TenantManifest>> {
    let root = config.tenants_dir();
    let mut applied = Vec::new();
    if !root.is_dir() {
        tracing::warn!(dir = %root.display(), "no tenants directory; serving the tenants already stored");
        return Ok(applied);
    }
    for dir in tenant_dir::list(&root)? {
        let bundle = match tenant_dir::read(&dir) {
            Ok(b) => b,
            Err(DirError::Invalid(d)) => bail!(
                "{d}\n{}: the tenant is invalid; fix it or remove it to start",
                dir.display()
            ),
            Err(DirError::Io(e)) => return Err(e),
        };
        let plan = tenants::apply(store, &bundle).await?;
        crate::plugin_cmd::publish_builtins_for(store, &bundle.manifest).await?;
        if !plan.is_empty() {
            tracing::info!(tenant = %plan.slug, changes = plan.changes.len(), "applied tenant directory");
        }
        applied.push(bundle.manifest);
    }
    Ok(applied)
}

/// Builds the application state from the configuration: storage ready, tenants loaded.
pub async fn state(config: &Config) -> anyhow::Result<AppState> {
    let store = ready_store(config).await?;
    let mut demo = Vec::new();
    if config.apply_tenants_on_start() {
        let applied = apply_tenant_dirs(&store, config).await?;
        // The embedded demo's accounts, with a published password: development mode only.
        if config.mode == Mode::Development {
            crate::account_cmd::ensure_demo_accounts(&store, &applied).await?;
            demo = applied;
        }
    }
    let cache: Arc<dyn Cache> = match &config.cache.redis_url {
        Some(url) => Arc::new(
            RedisCache::connect(url.expose(), &config.cache.prefix)
                .await
                .context("connecting to Redis (check cache.redis_url)")?,
        ),
        None => Arc::new(MemoryCache::default()),
    };
    let sites = Arc::new(Sites::new(config.domain_suffix()?));
    for clash in sites.replace(tenants::load_all(&store).await?) {
        tracing::error!(host = %clash.host, kept = %clash.kept, refused = %clash.refused, "two tenants claim one host");
    }
    let (authz, _sync) = motcua_authz::Authz::start(
        store.clone(),
        sites.all().iter().map(|s| s.authz_ref()),
        motcua_authz::SyncConfig {
            redis_url: config
                .cache
                .redis_url
                .as_ref()
                .map(|u| u.expose().to_owned()),
            check_every: Duration::from_secs(1),
        },
    )
    .await
    .context("loading authorization policies")?;
    crate::account_cmd::ensure_demo_roles(&store, &authz, &demo).await?;
    let official_sign_in =
        motcua_web::oidc::OfficialProviders::new(config.official_sign_in.secrets());
    official_sign_in.check(sites.all().iter().map(|s| &s.manifest))?;
    Ok(AppState {
        authz,
        store,
        cache,
        sites,
        metrics: metrics_handle(),
        procedures: motcua_web::handling::procedure_cache(),
        plugins: config.plugins.host()?,
        loaded: motcua_web::plugins::loaded_cache(),
        plugin_wake: Arc::default(),
        citizen_sign_in: None,
        dev_oidc: None,
        official_sign_in,
        sessions: motcua_web::session::Sessions::default(),
        blobs: motcua_store::blobs::Blobs::open(&config.attachments.backend(&config.data_dir())?)
            .context("opening the attachments' storage (check attachments.*)")?,
        payments: config.payments.gateway(config.mode)?,
        config: Arc::new(WebConfig {
            https: config.https(),
            lookup_per_minute: config.http.lookup_per_minute,
            submit_per_minute: config.http.submit_per_minute,
            trust_forwarded_for: config.http.trust_forwarded_for,
            max_body_bytes: config.http.max_body_bytes,
            request_timeout: Duration::from_secs(config.http.request_timeout_secs),
            upload_ttl: config.attachments.upload_ttl(),
        }),
    })
}

/// Sets up citizens' sign-in: the configured provider, or in development the built-in
/// development provider served by this node (its issuer names the address the node listens on).
fn citizen_sign_in(config: &Config, state: &mut AppState, addr: SocketAddr) -> anyhow::Result<()> {
    let c = &config.citizen_sign_in;
    let settings = match config.citizen_sign_in()? {
        SignInProvider::Off => {
            tracing::warn!(
                "citizen sign-in is off: configure citizen_sign_in.issuer, client_id and client_secret"
            );
            return Ok(());
        }
        SignInProvider::Development => {
            let dev = DevProvider::new(DevProvider::issuer_for(addr), &c.citizen_id_claim)?;
            tracing::warn!(
                issuer = dev.issuer(),
                "DEVELOPMENT SIGN-IN enabled: demo citizens sign in without a password; this is not the national portal"
            );
            let settings = dev.relying_party_settings(
                c.acr_values.0.clone(),
                c.acr_order.0.clone(),
                c.scopes.0.clone(),
            );
            state.dev_oidc = Some(dev);
            settings
        }
        SignInProvider::Provider(settings) => settings,
    };
    tracing::info!(issuer = %settings.issuer, "citizen sign-in through OpenID Connect");
    state.citizen_sign_in = Some(RelyingParty::new(settings)?);
    Ok(())
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut state = state(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.http.bind)
        .await
        .with_context(|| format!("listening on {}", config.http.bind))?;
    let addr = listener.local_addr()?;
    citizen_sign_in(&config, &mut state, addr)?;
    let scheme = if config.https() { "https" } else { "http" };
    let port = if config.domain_suffix()?.as_str() == "localhost" {
        format!(":{}", addr.port())
    } else {
        String::new()
    };
    for t in tenants::load_all(&state.store).await? {
        let suffix = config.domain_suffix()?;
        let hosts: Vec<String> = t
            .bundle
            .manifest
            .domains
            .hosts(&suffix)
            .into_iter()
            .filter(|h| h.primary)
            .map(|h| format!("{scheme}://{}{port}/", h.host))
            .collect();
        tracing::info!(tenant = %t.bundle.manifest.slug, urls = %hosts.join("  "), "serving");
    }
    tokio::spawn(motcua_web::handling::run_timers(
        state.clone(),
        Duration::from_secs(30),
    ));
    tokio::spawn(motcua_web::plugins::run_worker(
        state.clone(),
        Duration::from_secs(5),
    ));
    tokio::spawn(motcua_web::notifications::run_worker(
        state.clone(),
        motcua_web::notifications::Notifier::new(
            config.notifications.gateway()?,
            config.notifications.policy(),
        ),
        config.notifications.every(),
    ));
    tokio::spawn(motcua_web::complaints::exchange::run_worker(
        state.clone(),
        motcua_web::complaints::exchange::Exchanger::new(
            config.pakn.client()?,
            config.pakn.policy(),
        ),
        config.pakn.every(),
    ));
    tokio::spawn(motcua_web::admin::run_expiry_worker(
        state.clone(),
        Duration::from_secs(30),
    ));
    if state.payments.is_some() {
        tokio::spawn(motcua_web::payments::expiry::run_worker(
            state.clone(),
            Duration::from_secs(60),
        ));
    }
    tokio::spawn(motcua_store::attachments::sweep_every(
        state.store.clone(),
        state.blobs.clone(),
        config.attachments.sweep_every(),
        config.attachments.grace(),
    ));
    tracing::info!(%addr, mode = ?config.mode, cache = state.cache.kind(), elapsed_ms = started.elapsed().as_millis() as u64, "ready");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
