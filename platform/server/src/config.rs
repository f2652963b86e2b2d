//! Configuration, layered: built-in defaults → `motcua.yaml` (or `--config FILE`) →
//! `MOTCUA__SECTION__KEY` environment variables → command-line flags.
//!
//! With no configuration at all the platform runs in development mode: SQLite in `./data`, the
//! in-process cache, the demo tenants of `./tenants` applied at start, hosts under `localhost`.
//! Unknown keys are reported (a typo must not silently fall back to a default) and secrets never
//! appear in `Debug` output or logs.

pub mod attachments;
pub mod notifications;
pub mod pakn;
pub mod payments;
pub mod plugins;

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
    /// Citizens' sign-in through the national portal's single sign-on.
    pub citizen_sign_in: CitizenSignIn,
    /// Officials' sign-in through their tenant's own OpenID provider: the client secrets.
    pub official_sign_in: OfficialSignIn,
    /// Attachments: where their bytes are kept, upload expiry, the sweep.
    pub attachments: attachments::Attachments,
    /// Notifications: the applicants' SMS or e-mail provider, retries.
    pub notifications: notifications::Notifications,
    /// The national PAKN system complaints are shared with, retries.
    pub pakn: pakn::Pakn,
    /// The plugin host: what plugins' https calls trust.
    pub plugins: plugins::Plugins,
    /// Online payment of fees: the payment gateway and its secret.
    pub payments: payments::Payments,
}

/// `citizen_sign_in:` settings: citizens' and businesses' sign-in through the national portal's
/// single sign-on (an OpenID Connect provider, one per platform).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CitizenSignIn {
    /// Use the built-in development provider (`/dev-oidc/` on the node, demo citizens, no
    /// password). Default: yes in development when no issuer is set. Refused in production.
    pub development_provider: Option<bool>,
    /// The provider's issuer identifier; https (http only on loopback in production).
    pub issuer: Option<String>,
    /// The platform's client id at the provider.
    pub client_id: Option<String>,
    /// The platform's client secret at the provider.
    pub client_secret: Option<Secret>,
    /// `basic` (client_secret_basic, the default) or `post` (client_secret_post).
    pub client_auth: ClientAuth,
    /// Levels of assurance to request (`acr_values`), a list or a space-separated string;
    /// empty requests none and accepts any.
    pub acr_values: Words,
    /// Known levels of assurance from the lowest to the highest; a higher level than the lowest
    /// requested is accepted.
    pub acr_order: Words,
    /// The claim that carries the citizen identity number.
    pub citizen_id_claim: String,
    /// Scopes to request (`openid` always is).
    pub scopes: Words,
}

impl Default for CitizenSignIn {
    fn default() -> Self {
        Self {
            development_provider: None,
            issuer: None,
            client_id: None,
            client_secret: None,
            client_auth: ClientAuth::Basic,
            acr_values: Words::of(&["LoA2"]),
            acr_order: Words::of(&["LoA1", "LoA2", "LoA3", "LoA4"]),
            citizen_id_claim: "citizen_id".to_owned(),
            scopes: Words::of(&["openid", "profile"]),
        }
    }
}

/// How the platform authenticates at the provider's token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// `client_secret_basic`.
    #[default]
    Basic,
    /// `client_secret_post`.
    Post,
}

/// A list of words, written as a YAML list or as one string separated by spaces or commas (as an
/// environment variable must be).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Words(pub Vec<String>);

impl Words {
    fn of(words: &[&str]) -> Self {
        Self(words.iter().map(|w| (*w).to_owned()).collect())
    }
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            List(Vec<String>),
            Text(String),
        }
        Ok(Self(match Option::<Raw>::deserialize(d)? {
            None => Vec::new(),
            Some(Raw::List(list)) => list,
            Some(Raw::Text(text)) => text
                .split([' ', ','])
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
        }))
    }
}

/// `official_sign_in:` settings: the client secret of each tenant's own OpenID provider, by
/// tenant slug (`-` written `_`), e.g. `MOTCUA__OFFICIAL_SIGN_IN__CLIENT_SECRETS__THANHHOA`. The
/// provider itself (issuer, client id, claim) is in the tenant's manifest.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OfficialSignIn {
    /// The client secrets by tenant slug.
    pub client_secrets: std::collections::BTreeMap<String, Secret>,
}

impl OfficialSignIn {
    /// The secrets, as the web layer takes them.
    pub fn secrets(&self) -> std::collections::BTreeMap<String, motcua_web::oidc::ClientSecret> {
        self.client_secrets
            .iter()
            .map(|(slug, secret)| {
                (
                    slug.clone(),
                    motcua_web::oidc::ClientSecret(secret.expose().to_owned()),
                )
            })
            .collect()
    }
}

/// Who signs citizens in.
#[derive(Debug)]
pub enum SignInProvider {
    /// Nobody: sign-in is off.
    Off,
    /// The built-in development provider (development mode only).
    Development,
    /// A real provider (the national portal).
    Provider(motcua_web::oidc::Settings),
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
    /// Dossier submissions per client per minute.
    pub submit_per_minute: u32,
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
            submit_per_minute: 20,
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

    /// Who signs citizens in, or why the settings are refused: production refuses the
    /// development provider and an `http://` issuer other than loopback.
    pub fn citizen_sign_in(&self) -> anyhow::Result<SignInProvider> {
        let s = &self.citizen_sign_in;
        let development = s
            .development_provider
            .unwrap_or(self.mode == Mode::Development && s.issuer.is_none());
        if development {
            if self.mode == Mode::Production {
                bail!(
                    "citizen_sign_in.development_provider signs made-up citizens in without a password; production refuses it (configure the national portal: citizen_sign_in.issuer, client_id, client_secret)"
                );
            }
            if s.issuer.is_some() {
                bail!(
                    "citizen_sign_in: set either issuer (a real provider) or development_provider, not both"
                );
            }
            return Ok(SignInProvider::Development);
        }
        let Some(issuer) = s.issuer.as_deref() else {
            return Ok(SignInProvider::Off);
        };
        let url = url::Url::parse(issuer)
            .with_context(|| format!("citizen_sign_in.issuer `{issuer}` is not a URL"))?;
        let loopback = match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback || self.mode == Mode::Development => {}
            "http" => bail!(
                "citizen_sign_in.issuer `{issuer}` is plain http; production needs https (http only on loopback)"
            ),
            other => bail!("citizen_sign_in.issuer `{issuer}`: unsupported scheme `{other}`"),
        }
        let client_id = s
            .client_id
            .clone()
            .filter(|c| !c.is_empty())
            .context("citizen_sign_in.issuer is set but citizen_sign_in.client_id is not")?;
        let client_secret = s
            .client_secret
            .as_ref()
            .filter(|c| !c.expose().is_empty())
            .context("citizen_sign_in.issuer is set but citizen_sign_in.client_secret is not (MOTCUA__CITIZEN_SIGN_IN__CLIENT_SECRET)")?;
        if s.citizen_id_claim.is_empty() {
            bail!("citizen_sign_in.citizen_id_claim is empty");
        }
        Ok(SignInProvider::Provider(motcua_web::oidc::Settings {
            issuer: issuer.to_owned(),
            client_id,
            client_secret: motcua_web::oidc::ClientSecret(client_secret.expose().to_owned()),
            client_auth: match s.client_auth {
                ClientAuth::Basic => motcua_web::oidc::ClientAuth::Basic,
                ClientAuth::Post => motcua_web::oidc::ClientAuth::Post,
            },
            acr_values: s.acr_values.0.clone(),
            acr_order: s.acr_order.0.clone(),
            citizen_id_claim: s.citizen_id_claim.clone(),
            scopes: s.scopes.0.clone(),
        }))
    }

    /// Refuses combinations that must not reach production.
    pub fn check(&self) -> anyhow::Result<()> {
        self.citizen_sign_in()?;
        self.attachments.check(&self.data_dir())?;
        self.notifications.check()?;
        self.pakn.check()?;
        self.plugins.check()?;
        self.payments.gateway(self.mode)?;
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

    /// The configuration from `env` alone (for the tests of every section).
    pub(super) fn with_env(env: &[(&str, &str)]) -> Config {
        load(&Sources {
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Sources::default()
        })
        .unwrap()
        .config
    }

    const PRODUCTION: [(&str, &str); 3] = [
        ("MOTCUA__MODE", "production"),
        ("MOTCUA__DATABASE__URL", "postgres://db/motcua"),
        ("MOTCUA__DOMAINS__SUFFIX", "gov.vn"),
    ];

    #[test]
    fn the_development_provider_is_the_demo_default_and_refused_in_production() {
        assert!(matches!(
            with_env(&[]).citizen_sign_in().unwrap(),
            SignInProvider::Development
        ));
        let c = with_env(&[("MOTCUA__CITIZEN_SIGN_IN__DEVELOPMENT_PROVIDER", "false")]);
        assert!(matches!(c.citizen_sign_in().unwrap(), SignInProvider::Off));
        let c = with_env(&PRODUCTION);
        assert!(matches!(c.citizen_sign_in().unwrap(), SignInProvider::Off));
        c.check().unwrap();
        let mut env = PRODUCTION.to_vec();
        env.push(("MOTCUA__CITIZEN_SIGN_IN__DEVELOPMENT_PROVIDER", "true"));
        let err = with_env(&env).check().unwrap_err().to_string();
        assert!(err.contains("production refuses it"), "{err}");
    }

    #[test]
    fn production_needs_an_https_issuer_or_loopback_and_credentials() {
        let provider = |issuer: &str, secret: Option<&str>| {
            let mut env = PRODUCTION.to_vec();
            env.push(("MOTCUA__CITIZEN_SIGN_IN__ISSUER", issuer));
            env.push(("MOTCUA__CITIZEN_SIGN_IN__CLIENT_ID", "motcua"));
            if let Some(secret) = secret {
                env.push(("MOTCUA__CITIZEN_SIGN_IN__CLIENT_SECRET", secret));
            }
            with_env(&env).citizen_sign_in()
        };
        let err = provider("http://sso.example.gov.vn", Some("s3cret"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("production needs https"), "{err}");
        for fine in [
            "https://sso.example.gov.vn",
            "http://127.0.0.1:9000",
            "http://localhost:9000/op",
            "http://[::1]:9000",
        ] {
            let SignInProvider::Provider(s) = provider(fine, Some("s3cret")).unwrap() else {
                panic!("{fine}: a provider");
            };
            assert_eq!(s.issuer, fine);
            assert_eq!(s.client_secret.0, "s3cret");
            assert!(
                !format!("{s:?}").contains("s3cret"),
                "the secret is never printed"
            );
        }
        let err = provider("https://sso.example.gov.vn", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("client_secret"), "{err}");
        let err = provider("not a url", Some("s3cret"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a URL"), "{err}");
        let mut env = vec![
            ("MOTCUA__CITIZEN_SIGN_IN__ISSUER", "http://sso.test"),
            ("MOTCUA__CITIZEN_SIGN_IN__DEVELOPMENT_PROVIDER", "true"),
        ];
        let err = with_env(&env).citizen_sign_in().unwrap_err().to_string();
        assert!(err.contains("not both"), "{err}");
        env.pop();
        env.push(("MOTCUA__CITIZEN_SIGN_IN__CLIENT_ID", "motcua"));
        env.push(("MOTCUA__CITIZEN_SIGN_IN__CLIENT_SECRET", "s"));
        assert!(
            matches!(
                with_env(&env).citizen_sign_in().unwrap(),
                SignInProvider::Provider(_)
            ),
            "plain http is allowed in development"
        );
    }

    #[test]
    fn sign_in_lists_come_from_yaml_lists_or_environment_strings() {
        let c = with_env(&[]);
        assert_eq!(c.citizen_sign_in.acr_values.0, ["LoA2"]);
        assert_eq!(c.citizen_sign_in.scopes.0, ["openid", "profile"]);
        assert_eq!(c.citizen_sign_in.citizen_id_claim, "citizen_id");
        let c = with_env(&[
            ("MOTCUA__CITIZEN_SIGN_IN__ACR_VALUES", "LoA2 LoA3"),
            ("MOTCUA__CITIZEN_SIGN_IN__SCOPES", "openid,profile,cccd"),
            ("MOTCUA__CITIZEN_SIGN_IN__CITIZEN_ID_CLAIM", "cccd"),
            ("MOTCUA__CITIZEN_SIGN_IN__CLIENT_AUTH", "post"),
        ]);
        assert_eq!(c.citizen_sign_in.acr_values.0, ["LoA2", "LoA3"]);
        assert_eq!(c.citizen_sign_in.scopes.0, ["openid", "profile", "cccd"]);
        assert_eq!(c.citizen_sign_in.citizen_id_claim, "cccd");
        assert_eq!(c.citizen_sign_in.client_auth, ClientAuth::Post);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("motcua.yaml");
        std::fs::write(
            &file,
            "citizen_sign_in:\n  acr_values: [LoA1]\n  acr_order: [LoA1, LoA2]\n",
        )
        .unwrap();
        let c = load(&Sources {
            file: Some(&file),
            ..Sources::default()
        })
        .unwrap();
        assert!(c.unknown.is_empty(), "{:?}", c.unknown);
        assert_eq!(c.config.citizen_sign_in.acr_values.0, ["LoA1"]);
        assert_eq!(c.config.citizen_sign_in.acr_order.0, ["LoA1", "LoA2"]);
    }
}
