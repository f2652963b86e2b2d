//! `motcua serve`: one node of the platform.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use motcua_store::cache::{Cache, MemoryCache, RedisCache};
use motcua_store::{Store, tenants};
use motcua_web::sites::Sites;
use motcua_web::{AppState, WebConfig, app, metrics_handle};

use crate::cli::ready_store;
use crate::config::Config;
use crate::tenant_dir::{self, DirError};

/// Applies every tenant directory under the configured tenants directory (development start-up).
async fn apply_tenant_dirs(store: &Store, config: &Config) -> anyhow::Result<()> {
    let root = config.tenants_dir();
    if !root.is_dir() {
        tracing::warn!(dir = %root.display(), "no tenants directory; serving the tenants already stored");
        return Ok(());
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
    }
    Ok(())
}

/// Builds the application state from the configuration: storage ready, tenants loaded.
pub async fn state(config: &Config) -> anyhow::Result<AppState> {
    let store = ready_store(config).await?;
    if config.apply_tenants_on_start() {
        apply_tenant_dirs(&store, config).await?;
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
    Ok(AppState {
        store,
        cache,
        sites,
        metrics: metrics_handle(),
        procedures: motcua_web::handling::procedure_cache(),
        plugins: motcua_plugins::Host::shared()?,
        loaded: motcua_web::plugins::loaded_cache(),
        plugin_wake: Arc::default(),
        config: Arc::new(WebConfig {
            https: config.https(),
            lookup_per_minute: config.http.lookup_per_minute,
            trust_forwarded_for: config.http.trust_forwarded_for,
            max_body_bytes: config.http.max_body_bytes,
            request_timeout: Duration::from_secs(config.http.request_timeout_secs),
            admin_token: config
                .admin
                .token
                .as_ref()
                .map(|t| motcua_web::AdminToken(t.expose().to_owned())),
        }),
    })
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let started = Instant::now();
    let state = state(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.http.bind)
        .await
        .with_context(|| format!("listening on {}", config.http.bind))?;
    let addr = listener.local_addr()?;
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
