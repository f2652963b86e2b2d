//! The host: one wasmtime engine per process (pooling allocator, fuel, epoch interruption), the
//! linker with WASI (files, environment and sockets denied) and the motcua capabilities, and the
//! cache of compiled components.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use motcua_core::plugin::Capability;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, HasSelf, Linker, Val};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::bindings::{Step, StepPre};
use crate::error::PluginError;
use crate::limits::Limits;
use crate::manifest::PluginManifest;
use crate::state::{Denied, State};
use crate::{API_MAJOR, API_MINOR};

/// How often the epoch advances; the wall-clock deadline is checked at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(1);

/// The platform's plugin settings.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// The ceilings of every limit.
    pub ceiling: Limits,
    /// Calls running at once on this node (sizes the pooling allocator).
    pub max_concurrent: u32,
    /// Calls running at once for one tenant, so that one tenant cannot starve the others.
    pub per_tenant: u32,
    /// The largest component accepted, in bytes.
    pub max_component_bytes: usize,
    /// A PEM file of certificate authorities that plugins' https calls trust besides the
    /// system's (a tenant's reference service under a private CA).
    pub http_ca_file: Option<PathBuf>,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            ceiling: Limits::CEILING,
            max_concurrent: 64,
            per_tenant: 8,
            max_component_bytes: 16 * 1024 * 1024,
            http_ca_file: None,
        }
    }
}

/// A component checked against its manifest and compiled, ready to instantiate.
#[derive(Clone)]
pub struct Loaded {
    /// Its manifest.
    pub manifest: Arc<PluginManifest>,
    /// The sha256 of the component's bytes, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: usize,
    /// What it imports, by name.
    pub imports: Vec<String>,
    pub(crate) pre: StepPre<State>,
    pub(crate) config_schema: Arc<jsonschema::Validator>,
    pub(crate) output_schema: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("plugin", &self.manifest.pin())
            .field("sha256", &self.sha256)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// The plugin host of one node.
#[derive(Clone)]
pub struct Host {
    pub(crate) engine: Engine,
    linker: Arc<Linker<State>>,
    compiled: moka::sync::Cache<String, Component>,
    pub(crate) config: Arc<HostConfig>,
    global: Arc<Semaphore>,
    tenants: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    pub(crate) http: reqwest::Client,
    _ticker: Arc<Ticker>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Advances the engine's epoch until dropped.
struct Ticker(Arc<AtomicBool>);

impl Drop for Ticker {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The wasmtime configuration every plugin runs under, in tests and `motcua plugin test` too.
pub fn engine_config(config: &HostConfig) -> Config {
    let mut c = Config::new();
    c.wasm_component_model(true);
    c.consume_fuel(true);
    c.epoch_interruption(true);
    c.max_wasm_stack(Limits::STACK_BYTES);
    c.async_stack_size(Limits::STACK_BYTES + 1024 * 1024);
    c.cranelift_opt_level(wasmtime::OptLevel::Speed);
    let slots = config.max_concurrent.max(1) * 2;
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(slots)
        .total_core_instances(slots * 8)
        .total_memories(slots)
        .total_tables(slots * 8)
        .total_stacks(slots)
        .max_memories_per_component(2)
        .max_memory_size(usize::try_from(config.ceiling.memory_bytes).unwrap_or(usize::MAX))
        .max_unused_warm_slots(config.max_concurrent.max(1))
        // A step's working set is small: resetting the first pages of a reused slot by hand is
        // cheaper than giving them back to the kernel and faulting them in again next call.
        .linear_memory_keep_resident(2 * 1024 * 1024)
        .table_keep_resident(64 * 1024)
        // Where the kernel can tell which pages a call dirtied (Linux 6.7+), reset only those.
        .pagemap_scan(wasmtime::Enabled::Auto);
    c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    c
}

/// The client of the `http` capability. https is verified by rustls against the system's trust
/// store (the usual web PKI roots) plus the certificates of `ca_file`. Redirects are never
/// followed: a hop would bypass the tenant's allow-list, so a plugin gets the 3xx answer and may
/// fetch its `location` itself, checked like any other call.
fn http_client(ca_file: Option<&Path>) -> Result<reqwest::Client, PluginError> {
    let unusable = |problem: String| PluginError::Unusable { problem };
    let mut builder = reqwest::Client::builder()
        .tls_backend_rustls()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("motcua-plugin-host");
    if let Some(path) = ca_file {
        builder = builder.tls_certs_merge(ca_bundle(path)?);
    }
    builder.build().map_err(|e| {
        let mut problem = format!("cannot start the plugins' HTTP client: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            problem.push_str(&format!(": {s}"));
            source = s.source();
        }
        if let Some(path) = ca_file {
            problem.push_str(&format!(" (check the CA bundle {})", path.display()));
        }
        unusable(problem)
    })
}

/// The certificates of the PEM file `path`, or why it cannot serve as the plugins' CA bundle.
fn ca_bundle(path: &Path) -> Result<Vec<reqwest::Certificate>, PluginError> {
    let unusable = |why: String| PluginError::Unusable {
        problem: format!("the plugins' CA bundle {} {why}", path.display()),
    };
    let pem = std::fs::read(path).map_err(|e| unusable(format!("cannot be read: {e}")))?;
    reqwest::Certificate::from_pem_bundle(&pem)
        .ok()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            unusable("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned())
        })
}

/// Checks the PEM file `path` as [`HostConfig::http_ca_file`] (when the configuration is
/// checked, before a host starts): how many certificates it holds.
pub fn check_ca_bundle(path: &Path) -> Result<usize, PluginError> {
    ca_bundle(path).map(|c| c.len())
}

/// WASI functions a plugin may import but never use: calling them traps as denied.
const DENIED_WASI: &[(&str, &[&str], &str)] = &[
    (
        "wasi:filesystem/preopens@0.2.12",
        &["get-directories"],
        "files",
    ),
    (
        "wasi:sockets/instance-network@0.2.12",
        &["instance-network"],
        "network",
    ),
    (
        "wasi:sockets/tcp-create-socket@0.2.12",
        &["create-tcp-socket"],
        "network",
    ),
    (
        "wasi:sockets/udp-create-socket@0.2.12",
        &["create-udp-socket"],
        "network",
    ),
    (
        "wasi:sockets/ip-name-lookup@0.2.12",
        &["resolve-addresses"],
        "network",
    ),
];

/// The environment: empty, and reading it is noted. Rust's panic handler reads it (for
/// `RUST_BACKTRACE`), so it cannot trap outright; a call that read it and did not panic is
/// refused as denied `environment` ([`crate::run`]).
const ENVIRONMENT: &str = "wasi:cli/environment@0.2.12";

/// The WASI packages the linker provides (those above only to deny them).
const WASI_PACKAGES: &[&str] = &[
    "wasi:io/",
    "wasi:cli/",
    "wasi:clocks/",
    "wasi:random/",
    "wasi:filesystem/",
    "wasi:sockets/",
];

impl Host {
    /// A host with `config`.
    pub fn new(config: HostConfig) -> Result<Self, PluginError> {
        let unusable = |e: wasmtime::Error| PluginError::Unusable {
            problem: format!("the plugin engine cannot start: {e:#}"),
        };
        let engine = Engine::new(&engine_config(&config)).map_err(unusable)?;
        let mut linker = Linker::<State>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(unusable)?;
        Step::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s).map_err(unusable)?;
        linker.allow_shadowing(true);
        for (instance, funcs, capability) in DENIED_WASI {
            let mut inst = linker.instance(instance).map_err(unusable)?;
            for func in *funcs {
                let capability = *capability;
                inst.func_new(func, move |_, _, _, _| {
                    Err(wasmtime::Error::new(Denied(capability.to_owned())))
                })
                .map_err(unusable)?;
            }
        }
        let mut env = linker.instance(ENVIRONMENT).map_err(unusable)?;
        for func in ["get-environment", "get-arguments", "initial-cwd"] {
            env.func_new(func, move |mut store, _, _, results| {
                store.data_mut().read_environment = true;
                if let Some(first) = results.first_mut() {
                    *first = if func == "initial-cwd" {
                        Val::Option(None)
                    } else {
                        Val::List(vec![])
                    };
                }
                Ok(())
            })
            .map_err(unusable)?;
        }
        linker.allow_shadowing(false);

        let stop = Arc::new(AtomicBool::new(false));
        {
            let engine = engine.clone();
            let stop = Arc::clone(&stop);
            thread::Builder::new()
                .name("plugin-epoch".to_owned())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        thread::sleep(EPOCH_TICK);
                        engine.increment_epoch();
                    }
                })
                .map_err(|e| PluginError::Unusable {
                    problem: format!("cannot start the epoch thread: {e}"),
                })?;
        }
        let http = http_client(config.http_ca_file.as_deref())?;
        Ok(Self {
            engine,
            linker: Arc::new(linker),
            compiled: moka::sync::Cache::new(1_000),
            global: Arc::new(Semaphore::new(config.max_concurrent as usize)),
            tenants: Arc::default(),
            config: Arc::new(config),
            http,
            _ticker: Arc::new(Ticker(stop)),
        })
    }

    /// Checks a component against its manifest and compiles it (once per distinct component:
    /// compiled code is cached by the component's sha256 and the engine's compatibility hash).
    pub fn load(&self, manifest: PluginManifest, wasm: &[u8]) -> Result<Loaded, PluginError> {
        let unusable = |problem: String| PluginError::Unusable { problem };
        if wasm.len() > self.config.max_component_bytes {
            return Err(unusable(format!(
                "the component has {} bytes, above the platform's limit of {}",
                wasm.len(),
                self.config.max_component_bytes
            )));
        }
        if wasm.get(4..8) != Some(&[0x0d, 0x00, 0x01, 0x00]) {
            return Err(unusable(
                "this is not a WebAssembly component (build it for wasm32-wasip2)".to_owned(),
            ));
        }
        let sha256 = hex::encode(Sha256::digest(wasm));
        let key = format!("{sha256}:{}", self.compatibility());
        let component = match self.compiled.get(&key) {
            Some(c) => c,
            None => {
                let c = Component::new(&self.engine, wasm)
                    .map_err(|e| unusable(format!("the component does not compile: {e:#}")))?;
                self.compiled.insert(key, c.clone());
                c
            }
        };
        let imports = check_imports(&self.engine, &component, &manifest)?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| unusable(format!("the component cannot be linked: {e:#}")))?;
        let pre = StepPre::new(pre).map_err(|e| {
            unusable(format!(
                "the component does not export `run` of motcua:plugin/step: {e:#}"
            ))
        })?;
        let compile = |which: &str, schema: &serde_json::Value| {
            jsonschema::validator_for(schema)
                .map(Arc::new)
                .map_err(|e| unusable(format!("its {which} schema does not compile: {e}")))
        };
        let config_schema = compile("configuration", &manifest.config_schema)?;
        let output_schema = compile("output", &manifest.output_schema)?;
        Ok(Loaded {
            config_schema,
            output_schema,
            manifest: Arc::new(manifest),
            sha256,
            size: wasm.len(),
            imports,
            pre,
        })
    }

    /// The platform's ceilings.
    pub fn ceiling(&self) -> Limits {
        self.config.ceiling
    }

    /// A hash of what makes compiled code reusable: the engine's settings and version.
    fn compatibility(&self) -> String {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut h);
        format!("{:016x}", h.finish())
    }

    /// Waits for a slot for `tenant` (its own limit) and on the node.
    pub(crate) async fn slots(
        &self,
        tenant: &str,
    ) -> (
        tokio::sync::OwnedSemaphorePermit,
        tokio::sync::OwnedSemaphorePermit,
    ) {
        let per_tenant = {
            let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(
                tenants
                    .entry(tenant.to_owned())
                    .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_tenant as usize))),
            )
        };
        // Semaphores are never closed, so acquiring cannot fail.
        #[expect(clippy::expect_used, reason = "the semaphores are never closed")]
        let tenant_permit = per_tenant
            .acquire_owned()
            .await
            .expect("tenant semaphore open");
        #[expect(clippy::expect_used, reason = "the semaphores are never closed")]
        let global = Arc::clone(&self.global)
            .acquire_owned()
            .await
            .expect("global semaphore open");
        (tenant_permit, global)
    }
}

/// Checks what the component imports: only the platform's interfaces, in a major version it
/// speaks, and only the capabilities its manifest asks for.
fn check_imports(
    engine: &Engine,
    component: &Component,
    manifest: &PluginManifest,
) -> Result<Vec<String>, PluginError> {
    let ty = component.component_type();
    let mut names = Vec::new();
    for (name, item) in ty.imports(engine) {
        names.push(name.to_owned());
        if let Some(rest) = name.strip_prefix("motcua:plugin/") {
            let (interface, version) = rest.split_once('@').unwrap_or((rest, ""));
            let mut parts = version.split('.');
            let major: Option<u32> = parts.next().and_then(|m| m.parse().ok());
            let minor: Option<u32> = parts.next().and_then(|m| m.parse().ok());
            if major != Some(API_MAJOR) || minor.is_none_or(|m| m > API_MINOR) {
                return Err(PluginError::IncompatibleApi {
                    wanted: format!("motcua:plugin@{version}"),
                    supported: format!("motcua:plugin@{API_MAJOR}.0–{API_MAJOR}.{API_MINOR}"),
                });
            }
            if interface == "types" {
                continue;
            }
            match Capability::from_name(interface) {
                Some(c) if manifest.requests(c) => {}
                Some(c) => {
                    return Err(PluginError::Unusable {
                        problem: format!(
                            "the component imports `{c}` but its manifest does not ask for it; add `{c}` to `capabilities:` in plugin.yaml"
                        ),
                    });
                }
                None => {
                    return Err(PluginError::Unusable {
                        problem: format!(
                            "the component imports `{name}`, which the platform does not provide"
                        ),
                    });
                }
            }
        } else if !WASI_PACKAGES.iter().any(|p| name.starts_with(p)) {
            return Err(PluginError::Unusable {
                problem: format!(
                    "the component imports `{name}`, which the platform does not provide"
                ),
            });
        } else if !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
            return Err(PluginError::Unusable {
                problem: format!("the component imports `{name}` in an unexpected form"),
            });
        }
    }
    Ok(names)
}

impl Host {
    /// The host shared by everything in this process that does not configure its own (tests,
    /// command-line tools): default settings, created on first use.
    pub fn shared() -> Result<Self, PluginError> {
        static SHARED: std::sync::OnceLock<Result<Host, PluginError>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| Self::new(HostConfig::default()))
            .clone()
    }
}
