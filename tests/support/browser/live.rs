//! The application served over TCP for a browser to visit.

use std::net::SocketAddr;
use std::sync::Arc;

use motcua_store::cache::{Cache, MemoryCache};

use crate::{Backend, TestApp, redis_cache};

/// The demo tenants served over TCP on a free loopback port, as `motcua serve` serves them (the
/// peer's address known, for rate limits). Stops serving when dropped.
#[derive(Debug)]
pub struct LiveApp {
    /// The application (its state, and the database kept alive).
    pub app: TestApp,
    /// Where it listens.
    pub addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl LiveApp {
    /// The demo tenants on a fresh database of `backend`; Redis as the cache on PostgreSQL, the
    /// in-process cache on SQLite, as in production and in the development demo.
    pub async fn start(backend: Backend) -> Self {
        let cache: Arc<dyn Cache> = match backend {
            Backend::Sqlite => Arc::new(MemoryCache::default()),
            Backend::Postgres => Arc::new(redis_cache().await),
        };
        Self::serve(TestApp::with(backend, cache, motcua_web::WebConfig::default()).await).await
    }

    /// Serves `app`.
    pub async fn serve(app: TestApp) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("an address");
        let service = app
            .router
            .clone()
            .into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        Self { app, addr, server }
    }

    /// `http://<host>:<port><path>`.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.addr.port())
    }

    /// Creates the development demo's accounts in every served tenant (`demo.tiepnhan`,
    /// `demo.chuyenvien`, `demo.lanhdao`, and the operator `demo.vanhanh`, all with
    /// [`motcua::account_cmd::DEMO_PASSWORD`]) with their roles, as `motcua serve` does in
    /// development mode.
    pub async fn demo_accounts(&self) {
        let manifests: Vec<_> = self
            .app
            .state
            .sites
            .all()
            .iter()
            .map(|s| s.manifest.clone())
            .collect();
        let store = &self.app.db.store;
        motcua::account_cmd::ensure_demo_accounts(store, &manifests)
            .await
            .expect("the demo accounts are created");
        motcua::account_cmd::ensure_demo_roles(store, &self.app.state.authz, &manifests)
            .await
            .expect("the demo roles are assigned");
    }
}

impl Drop for LiveApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}
