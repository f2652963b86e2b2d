//! Shared support for the platform's cross-crate tests: a fresh database per test on SQLite and
//! on PostgreSQL, the demo tenants, and an in-process application to send requests to.
//!
//! PostgreSQL and Redis are required: a test that needs them fails with a clear message when they
//! are unreachable, it never skips (`tests/run` starts them when they are down). Their addresses
//! default to the local services and can be changed with `MOTCUA_TEST_POSTGRES_URL` and
//! `MOTCUA_TEST_REDIS_URL`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use motcua_core::tenant::TenantBundle;
use motcua_store::cache::{Cache, MemoryCache, RedisCache};
use motcua_store::{Store, StoreOptions, tenants};
use motcua_web::sites::Sites;
use motcua_web::{AppState, WebConfig, app, metrics_handle};
use sea_orm::{ConnectionTrait, Database};
use tower::ServiceExt;

pub mod browser;
pub mod oidc;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh schema on the PostgreSQL server.
    Postgres,
}

/// The PostgreSQL server tests use.
pub fn postgres_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The Redis server tests use.
pub fn redis_url() -> String {
    std::env::var("MOTCUA_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A database for one test; a PostgreSQL schema is dropped when the test ends.
#[derive(Debug)]
pub struct TestDb {
    /// The store, migrated.
    pub store: Store,
    /// Its backend.
    pub backend: Backend,
    /// The options it was opened with (to open more pools, as more nodes would).
    pub options: StoreOptions,
    schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "motcua_test_{secs}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

async fn admin_connection() -> sea_orm::DatabaseConnection {
    let url = postgres_url();
    match Database::connect(url.as_str()).await {
        Ok(db) => db,
        Err(e) => panic!(
            "PostgreSQL is unreachable at {url}: {e}\n\
             The tests need it; `tests/run` starts it when it is down, or set MOTCUA_TEST_POSTGRES_URL."
        ),
    }
}

/// Drops schemas left by test processes that died more than an hour ago (once per process).
async fn sweep_old_schemas(db: &sea_orm::DatabaseConnection) {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let rows = db
                .query_all_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'motcua_test_%'",
                ))
                .await
                .unwrap_or_default();
            for row in rows {
                let Ok(name) = row.try_get_by_index::<String>(0) else {
                    continue;
                };
                let created: u64 = name
                    .split('_')
                    .nth(2)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(now);
                if now.saturating_sub(created) > 3600 {
                    let _ = db
                        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .await;
                }
            }
        })
        .await;
}

impl TestDb {
    /// A fresh, migrated database on `backend`.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let options =
                    StoreOptions::new(format!("sqlite://{}", dir.path().join("test.db").display()));
                let store = Store::connect(&options).await.expect("SQLite opens");
                store.migrate().await.expect("migrations run on SQLite");
                Self {
                    store,
                    backend,
                    options,
                    schema: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = admin_connection().await;
                sweep_old_schemas(&admin).await;
                let schema = unique_name();
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .expect("a test schema");
                let mut options = StoreOptions::new(postgres_url());
                options.schema = Some(schema.clone());
                options.max_connections = 8;
                let store = Store::connect(&options).await.expect("PostgreSQL opens");
                store.migrate().await.expect("migrations run on PostgreSQL");
                Self {
                    store,
                    backend,
                    options,
                    schema: Some(schema),
                    _dir: None,
                }
            }
        }
    }

    /// Another connection pool on the same database, as a second node would have.
    pub async fn another_node(&self) -> Store {
        Store::connect(&self.options).await.expect("a second pool")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(schema) = self.schema.take() else {
            return;
        };
        // Drop runs outside any runtime guarantee: use a short-lived thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(db) = Database::connect(postgres_url().as_str()).await {
                        let _ = db
                            .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                            .await;
                        let _ = db.close().await;
                    }
                });
            }
        })
        .join();
    }
}

/// The demo tenants shipped in `tenants/`.
pub fn demo_bundles() -> Vec<TenantBundle> {
    let root = repo_root().join("tenants");
    motcua::tenant_dir::list(&root)
        .expect("the tenants directory")
        .iter()
        .map(|dir| match motcua::tenant_dir::read(dir) {
            Ok(b) => b,
            Err(e) => panic!("demo tenant {} is invalid:\n{e}", dir.display()),
        })
        .collect()
}

/// The demo tenant with `slug`.
pub fn demo_bundle(slug: &str) -> TenantBundle {
    demo_bundles()
        .into_iter()
        .find(|b| b.manifest.slug.as_str() == slug)
        .unwrap_or_else(|| panic!("no demo tenant {slug}"))
}

/// The test tenant of the workflow crate (`thu-nghiem`, H99) with its construction permit, whose
/// workflow uses every kind of step. `permit` replaces the permit's text when given.
pub fn permit_tenant(permit: Option<String>) -> TenantBundle {
    let dir = repo_root().join("platform/workflow/tests/procedures");
    let manifest = std::fs::read_to_string(dir.join("tenant.yaml")).expect("the test tenant");
    let text = permit
        .unwrap_or_else(|| std::fs::read_to_string(dir.join("permit.yaml")).expect("the permit"));
    let file = motcua_core::tenant::SourceFile {
        path: "procedures/permit.yaml".to_owned(),
        text,
    };
    TenantBundle::from_files(None, manifest, vec![file], None).expect("the test tenant is valid")
}

/// A Redis cache with a prefix of its own.
pub async fn redis_cache() -> RedisCache {
    let url = redis_url();
    match RedisCache::connect(&url, &unique_name()).await {
        Ok(c) => c,
        Err(e) => panic!(
            "Redis is unreachable at {url}: {e}\n\
             The tests need it; `tests/run` starts it when it is down, or set MOTCUA_TEST_REDIS_URL."
        ),
    }
}

/// An application serving the demo tenants on `db`.
#[derive(Debug)]
pub struct TestApp {
    /// The router.
    pub router: Router,
    /// Its state.
    pub state: AppState,
    /// The database (kept alive as long as the app).
    pub db: TestDb,
    /// The directory of the app's attachment blobs (local object store).
    pub blobs_dir: tempfile::TempDir,
}

impl TestApp {
    /// The demo tenants on a fresh database of `backend`, with the in-process cache.
    pub async fn new(backend: Backend) -> Self {
        Self::with(
            backend,
            Arc::new(MemoryCache::default()),
            WebConfig::default(),
        )
        .await
    }

    /// The demo tenants with a given cache and settings.
    pub async fn with(backend: Backend, cache: Arc<dyn Cache>, config: WebConfig) -> Self {
        Self::serving(backend, cache, config, demo_bundles()).await
    }

    /// An application serving `bundles`.
    pub async fn serving(
        backend: Backend,
        cache: Arc<dyn Cache>,
        config: WebConfig,
        bundles: Vec<TenantBundle>,
    ) -> Self {
        let db = TestDb::new(backend).await;
        for bundle in bundles {
            tenants::apply(&db.store, &bundle)
                .await
                .expect("the tenants apply");
            motcua::plugin_cmd::publish_builtins_for(&db.store, &bundle.manifest)
                .await
                .expect("the built-in plugins publish");
        }
        let sites = Arc::new(Sites::new(motcua_core::tenant::DomainSuffix::development()));
        let clashes = sites.replace(tenants::load_all(&db.store).await.expect("tenants load"));
        assert!(clashes.is_empty(), "{clashes:?}");
        let authz =
            motcua_authz::Authz::load(db.store.clone(), sites.all().iter().map(|s| s.authz_ref()))
                .await
                .expect("the policies load");
        let blobs_dir = tempfile::tempdir().expect("a directory for attachments");
        let state = AppState {
            authz,
            store: db.store.clone(),
            cache,
            sites,
            metrics: metrics_handle(),
            procedures: motcua_web::handling::procedure_cache(),
            plugins: motcua_plugins::Host::shared().expect("the plugin host starts"),
            loaded: motcua_web::plugins::loaded_cache(),
            plugin_wake: std::sync::Arc::default(),
            citizen_sign_in: None,
            dev_oidc: None,
            official_sign_in: motcua_web::oidc::OfficialProviders::default(),
            sessions: motcua_web::session::Sessions::default(),
            blobs: motcua_store::blobs::Blobs::local(blobs_dir.path()).expect("the blob store"),
            payments: None,
            config: Arc::new(config),
        };
        Self {
            router: app(state.clone()),
            state,
            db,
            blobs_dir,
        }
    }

    /// Stores an API token of tenant `slug` whose secret is `secret` (`mc_...`) with `scopes`
    /// (`object:action`), as an administrator would create it.
    pub async fn api_token(&self, slug: &str, secret: &str, scopes: &[&str]) -> i64 {
        use sha2::Digest;
        let tenant = tenants::load(&self.db.store, slug)
            .await
            .expect("tenant")
            .expect("the tenant exists")
            .id;
        motcua_store::api_tokens::create(
            &self.db.store,
            tenant,
            &motcua_store::api_tokens::NewToken {
                name: "test".to_owned(),
                secret_sha256: hex::encode(sha2::Sha256::digest(secret.as_bytes())),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                created_by: None,
                expires_at: None,
            },
        )
        .await
        .expect("the token is stored")
        .id
    }

    /// A citizen of identity number `citizen_id` signed in through the national portal
    /// (level of assurance 2) on the portal of tenant `slug` in `lang`, as subject `subject`
    /// named `name`: the session's cookie (`name=value`) and CSRF token.
    pub async fn citizen_session(
        &self,
        slug: &str,
        lang: motcua_core::lang::Lang,
        subject: &str,
        name: &str,
        citizen_id: &str,
    ) -> (String, String) {
        use motcua_web::session::{CitizenIdentity, Principal, Sessions};
        let tenant = tenants::load(&self.db.store, slug)
            .await
            .expect("tenant")
            .expect("the tenant exists")
            .id;
        let site = motcua_web::host::Site {
            tenant: self
                .state
                .sites
                .by_id(tenant)
                .expect("the tenant is served"),
            lang,
            system: motcua_core::tenant::System::Portal,
        };
        let principal = Principal::Citizen(CitizenIdentity {
            issuer: "https://sso.dichvucong.gov.vn".to_owned(),
            subject: subject.to_owned(),
            name: name.to_owned(),
            citizen_id: Some(citizen_id.to_owned()),
            acr: Some("LoA2".to_owned()),
        });
        let new = Sessions::create(&self.state, &site, principal)
            .await
            .expect("the session is created");
        let cookie = new.set_cookie.to_str().expect("an ASCII cookie");
        let cookie = cookie.split(';').next().unwrap_or_default().to_owned();
        (cookie, new.csrf)
    }

    /// Sends a request.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router answers");
        Reply::read(response).await
    }

    /// `GET path` on `host`.
    pub async fn get(&self, host: &str, path: &str) -> Reply {
        self.send(
            Request::get(path)
                .header("host", host)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// `POST path` on `host` with a JSON body and extra headers.
    pub async fn post_json(
        &self,
        host: &str,
        path: &str,
        body: &serde_json::Value,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::post(path)
            .header("host", host)
            .header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: axum::http::HeaderMap,
    /// The body as text.
    pub body: String,
}

impl Reply {
    async fn read(response: Response<Body>) -> Self {
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("the body").to_bytes();
        Self {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Declares, for each `async fn name(backend: Backend)`, one test per backend:
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// A dossier to receive with a minimal workflow start (one `received` event), for storage tests
/// that are not about workflows.
pub fn plain_dossier(
    procedure_code: &str,
    unit: &str,
    received_at: chrono::DateTime<chrono::Utc>,
    idempotency_key: Option<&str>,
    applicant: motcua_core::dossier::Applicant,
) -> motcua_store::dossiers::NewDossier {
    use motcua_store::dossiers::{Change, NewDossier};
    NewDossier {
        procedure_code: procedure_code.to_owned(),
        procedure_version: 1,
        case_key: "mac-dinh".to_owned(),
        receiving_unit: unit.parse().expect("a unit code"),
        channel: motcua_core::dossier::Channel::Online,
        applicant,
        form: serde_json::json!({}),
        idempotency_key: idempotency_key.map(str::to_owned),
        received_at,
        start: Change {
            state: serde_json::json!({ "tokens": [] }),
            status: motcua_core::dossier::DossierStatus::Registered,
            due_at: received_at + chrono::Duration::days(1),
            closed_at: None,
            events: vec![motcua_store::history::NewEvent {
                at: received_at,
                actor: "system".to_owned(),
                kind: "received".to_owned(),
                payload: serde_json::json!({ "case": "mac-dinh" }),
            }],
            outbox: Vec::new(),
            procedure_version: None,
            next_timer_at: None,
            tasks: Vec::new(),
            attach: Vec::new(),
            job: None,
        },
    }
}

/// A citizen applicant.
pub fn citizen(name: &str) -> motcua_core::dossier::Applicant {
    motcua_core::dossier::Applicant {
        kind: motcua_core::dossier::ApplicantKind::Citizen,
        name: name.to_owned(),
        id_number: None,
        phone: None,
        email: None,
        address: None,
    }
}

/// Form data that passes the e-form of demo procedure `code` of `slug`: the form of its first
/// shipped scenario.
pub fn demo_form(slug: &str, code: &str) -> serde_json::Value {
    let bundle = demo_bundle(slug);
    let procedure = bundle
        .procedure(code)
        .unwrap_or_else(|| panic!("no procedure {code} in {slug}"));
    let stem = std::path::Path::new(&procedure.file.path)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name")
        .to_owned();
    let dir = repo_root().join("tenants").join(slug).join("scenarios");
    let mut scenarios: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scenarios")
        .map(|e| e.expect("an entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{stem}.")))
        })
        .collect();
    scenarios.sort();
    let first = scenarios
        .first()
        .unwrap_or_else(|| panic!("no scenario for {stem}"));
    let scenario: motcua_workflow::simulate::Scenario = motcua_core::diagnostic::parse_yaml(
        "scenario",
        &std::fs::read_to_string(first).expect("a scenario"),
    )
    .expect("a valid scenario");
    scenario.form
}
