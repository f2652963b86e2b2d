//! Configuration, layered: built-in defaults → `motcua.yaml` (or `--config FILE`) →
//! `MOTCUA__SECTION__KEY` environment variables → command-line flags.
//!
//! With no configuration at all the platform runs in development mode: SQLite in `./data`, the
//! in-process cache, the demo tenants of `./tenants` applied at start, hosts under `localhost`.
//! Unknown keys are reported (a typo must not silently fall back to a default) and secrets never
//! appear in `Debug` output or logs.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

/// How the platform runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local development and demos: permissive defaults, readable logs.
    #[default]
    Development,
    /// Production: explicit settings, JSON logs, no demo conveniences.
    Production,
}

/// A value that must not be printed.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// The whole configuration.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `development` (default) or `production`.
    pub mode: Mode,
    /// Where local data lives (the SQLite file in development).
    pub data_dir: Option<PathBuf>,
    /// HTTP settings.
    pub http: Http,
    /// Database settings.
    pub database: Database,
    /// Cache settings.
    pub cache: Cache,
    /// Domain settings.
    pub domains: Domains,
    /// Tenant directories.
    pub tenants: Tenants,
    /// Logging.
    pub log: Log,
    /// The procedure administration API.
    pub admin: Admin,
}

/// `admin:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Admin {
    /// Bearer token of the procedure administration API (`/api/v1/admin/...`); the API is off
    /// without one. At least 32 characters.
    pub token: Option<Secret>,
}

/// `http:` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Http {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Whether public URLs are https (default: yes in production).
    pub https: Option<bool>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Public lookups per client per minute.
    pub lookup_per_minute: u32,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Request timeout in seconds.
    pub request_timeout_secs: u64,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            https: None,
            trust_forwarded_for: false,
            lookup_per_minute: 30,
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
        }
    }
}

/// `database:` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Database {
    /// `postgres://...` or `sqlite://...`; default: SQLite in the data directory.
    pub url: Option<Secret>,
    /// Pool size.
    pub max_connections: u32,
    /// PostgreSQL schema (default: the server's search path, normally `public`).
    pub schema: Option<String>,
}

impl Default for Database {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 16,
            schema: None,
        }
    }
}

/// `cache:` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Cache {
    /// `redis://host:6379`; default: the in-process cache.
    pub redis_url: Option<Secret>,
    /// Prefix of every Redis key.
    pub prefix: String,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            redis_url: None,
            prefix: "motcua".to_owned(),
        }
    }
}

/// `domains:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Domains {
    /// Suffix for tenant hosts; default `localhost` in development, `gov.vn` in production.
    pub suffix: Option<String>,
}

/// `tenants:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Tenants {
    /// Directory of tenant directories (default `./tenants`).
    pub dir: Option<PathBuf>,
    /// Apply every tenant directory at start (default: yes in development, no in production).
    pub apply_on_start: Option<bool>,
}

/// Log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `log:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Log {
    /// `text` or `json` (default: json in production).
    pub format: Option<LogFormat>,
    /// A `tracing` filter such as `info` or `motcua=debug,info`; `RUST_LOG` wins when set.
    pub level: Option<String>,
}

impl Config {
    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("data"))
    }

    /// The database URL.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}", self.data_dir().join("motcua.db").display()),
        }
    }

    /// The domain suffix.
    pub fn domain_suffix(&self) -> anyhow::Result<motcua_core::tenant::DomainSuffix> {
        match (&self.domains.suffix, self.mode) {
            (Some(s), _) => s.parse().with_context(|| format!("domains.suffix `{s}`")),
            (None, Mode::Development) => Ok(motcua_core::tenant::DomainSuffix::development()),
            (None, Mode::Production) => Ok(motcua_core::tenant::DomainSuffix::production()),
        }
    }

    /// The tenants directory.
    pub fn tenants_dir(&self) -> PathBuf {
        self.tenants
            .dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("tenants"))
    }

    /// Whether to apply the tenant directories at start.
    pub fn apply_tenants_on_start(&self) -> bool {
        self.tenants
            .apply_on_start
            .unwrap_or(self.mode == Mode::Development)
    }

    /// Whether public URLs are https.
    pub fn https(&self) -> bool {
        self.http.https.unwrap_or(self.mode == Mode::Production)
    }

    /// The log format.
    pub fn log_format(&self) -> LogFormat {
        self.log.format.unwrap_or(match self.mode {
            Mode::Development => LogFormat::Text,
            Mode::Production => LogFormat::Json,
        })
    }

    /// Refuses combinations that must not reach production.
    pub fn check(&self) -> anyhow::Result<()> {
        if self
            .admin
            .token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 32)
        {
            bail!(
                "admin.token must be at least 32 characters (generate one with `openssl rand -hex 32`)"
            );
        }
        if self.mode == Mode::Production {
            if self.domain_suffix()?.as_str() == "localhost" {
                bail!(
                    "production mode with the development domain suffix `localhost`; set domains.suffix"
                );
            }
            if self.database.url.is_none() {
                bail!(
                    "production mode needs database.url (PostgreSQL); the SQLite default is for development"
                );
            }
        }
        Ok(())
    }
}

/// Where each layer comes from.
#[derive(Debug, Default)]
pub struct Sources<'a> {
    /// The file given with `--config`, or `motcua.yaml` in the working directory if it exists.
    pub file: Option<&'a Path>,
    /// Environment variables (normally `std::env::vars()`).
    pub env: Vec<(String, String)>,
    /// Settings given as flags, as dotted keys (`http.bind`).
    pub flags: Vec<(&'static str, String)>,
}

/// A loaded configuration with the keys nobody understood.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// Unknown keys (dotted paths), to be warned about.
    pub unknown: Vec<String>,
}

/// Loads the configuration from its layers.
pub fn load(sources: &Sources<'_>) -> anyhow::Result<Loaded> {
    let mut root = Value::Object(Map::new());
    let default_file = Path::new("motcua.yaml");
    let file = sources
        .file
        .or_else(|| default_file.exists().then_some(default_file));
    if let Some(path) = file {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let value: Value = serde_saphyr::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if !value.is_null() {
            merge(&mut root, value);
        }
    }
    for (name, raw) in &sources.env {
        let Some(path) = name.strip_prefix("MOTCUA__") else {
            continue;
        };
        let keys: Vec<String> = path.split("__").map(str::to_ascii_lowercase).collect();
        set(&mut root, &keys, scalar(raw));
    }
    for (key, raw) in &sources.flags {
        let keys: Vec<String> = key.split('.').map(str::to_owned).collect();
        set(&mut root, &keys, Value::String(raw.clone()));
    }
    let mut unknown = Vec::new();
    let config: Config = serde_ignored::deserialize(root, |path| unknown.push(path.to_string()))
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    Ok(Loaded { config, unknown })
}

/// An environment value as YAML would read it (`16` a number, `true` a boolean), so that
/// `MOTCUA__HTTP__LOOKUP_PER_MINUTE=60` works like the file; anything else is a string.
fn scalar(raw: &str) -> Value {
    match serde_saphyr::from_str::<Value>(raw) {
        Ok(v @ (Value::Bool(_) | Value::Number(_))) => v,
        _ => Value::String(raw.to_owned()),
    }
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

fn set(root: &mut Value, keys: &[String], value: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut node = root;
    for k in parents {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        node = node
            .as_object_mut()
            .map(|m| {
                m.entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            })
            .expect("made an object above");
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Some(m) = node.as_object_mut() {
        m.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_embedded_development_setup() {
        let loaded = load(&Sources::default()).unwrap();
        let c = loaded.config;
        assert_eq!(c.mode, Mode::Development);
        assert_eq!(c.http.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url(), "sqlite://data/motcua.db");
        assert_eq!(c.domain_suffix().unwrap().as_str(), "localhost");
        assert!(c.apply_tenants_on_start());
        assert!(!c.https());
        assert_eq!(c.log_format(), LogFormat::Text);
        c.check().unwrap();
    }

    #[test]
    fn layers_apply_in_order_and_unknown_keys_are_reported() {
        let dir = std::env::temp_dir().join(format!("motcua-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("motcua.yaml");
        std::fs::write(
            &file,
            "mode: production\nhttp:\n  bind: 0.0.0.0:9000\n  lookup_per_minute: 10\n  bnid: typo\ndatabase:\n  url: postgres://app:hunter2@db/motcua\n",
        )
        .unwrap();
        let loaded = load(&Sources {
            file: Some(&file),
            env: vec![
                ("MOTCUA__HTTP__LOOKUP_PER_MINUTE".into(), "60".into()),
                ("MOTCUA__DOMAINS__SUFFIX".into(), "gov.vn".into()),
                (
                    "MOTCUA__CACHE__REDIS_URL".into(),
                    "redis://127.0.0.1:6379".into(),
                ),
                ("UNRELATED".into(), "x".into()),
            ],
            flags: vec![("http.bind", "127.0.0.1:7000".into())],
        })
        .unwrap();
        let c = &loaded.config;
        assert_eq!(c.mode, Mode::Production);
        assert_eq!(
            c.http.bind.to_string(),
            "127.0.0.1:7000",
            "flags win over the file"
        );
        assert_eq!(
            c.http.lookup_per_minute, 60,
            "environment wins over the file"
        );
        assert_eq!(c.domain_suffix().unwrap().as_str(), "gov.vn");
        assert!(c.https());
        assert_eq!(c.log_format(), LogFormat::Json);
        assert_eq!(loaded.unknown, vec!["http.bnid".to_owned()]);
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("hunter2"),
            "secrets must not be printed: {debug}"
        );
        c.check().unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn production_refuses_development_settings() {
        let loaded = load(&Sources {
            env: vec![("MOTCUA__MODE".into(), "production".into())],
            ..Sources::default()
        })
        .unwrap();
        let err = loaded.config.check().unwrap_err().to_string();
        assert!(err.contains("database.url"), "{err}");
    }
}
