//! A harness for a plugin's own tests: runs a component under the production engine and limits,
//! with the capabilities mocked — reference tables, the dossier, canned HTTP answers — and
//! nothing reaching the network.
//!
//! ```no_run
//! # async fn demo(wasm: &[u8], manifest: &str) {
//! use motcua_core::plugin::Capability;
//! use motcua_plugins::testing::Harness;
//! use serde_json::json;
//!
//! let run = Harness::new(wasm, manifest)
//!     .unwrap()
//!     .grant(Capability::Reference)
//!     .reference("phi-chung-thuc-ban-sao", json!({ "currency": "VND" }))
//!     .http_answer("GET", "http://dkkd.local/doanh-nghiep/0101234567", 200, r#"{"ten":"Ánh Dương"}"#)
//!     .form(json!({ "giay_to": [] }))
//!     .config(json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" }))
//!     .run()
//!     .await;
//! assert!(run.result.is_ok());
//! # }
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_core::plugin::{Capability, PluginInstall};
use serde_json::Value;

use crate::{Context, Exchange, Host, Input, Limits, Loaded, PluginError, Recorded, Run, manifest};

/// One plugin under test, and the world it sees.
#[derive(Debug)]
pub struct Harness {
    host: Host,
    plugin: Loaded,
    install: PluginInstall,
    reference: BTreeMap<String, Value>,
    input: Input,
    http: Vec<Exchange>,
}

impl Harness {
    /// Loads `wasm` with its `plugin.yaml` text on the shared host, as the platform would.
    pub fn new(wasm: &[u8], manifest_text: &str) -> Result<Self, PluginError> {
        let m = manifest::parse("plugin.yaml", manifest_text, &Limits::CEILING).map_err(|d| {
            PluginError::Unusable {
                problem: d.to_string(),
            }
        })?;
        let host = Host::shared()?;
        let pin = m.pin();
        let plugin = host.load(m, wasm)?;
        Ok(Self {
            host,
            plugin,
            install: PluginInstall {
                pin,
                grants: vec![Capability::Log],
                http_allow: vec![],
            },
            reference: BTreeMap::new(),
            input: Input {
                context: Context {
                    tenant: "thunghiem".to_owned(),
                    dossier: "000.00.01.H99-260105-0001".to_owned(),
                    step: "buoc".to_owned(),
                    status: "accepted".to_owned(),
                    applicant_kind: "citizen".to_owned(),
                    form: Value::Object(serde_json::Map::new()),
                    config: Value::Object(serde_json::Map::new()),
                    plugins: Value::Object(serde_json::Map::new()),
                    ..Context::default()
                },
                dossier: Value::Null,
                at: DateTime::<Utc>::UNIX_EPOCH,
                seed: 1,
                replay: None,
            },
            http: vec![],
        })
    }

    /// Grants a capability (`log` is granted from the start).
    pub fn grant(mut self, capability: Capability) -> Self {
        if !self.install.grants.contains(&capability) {
            self.install.grants.push(capability);
        }
        self
    }

    /// Adds a reference table.
    pub fn reference(mut self, table: &str, value: Value) -> Self {
        self.reference.insert(table.to_owned(), value);
        self
    }

    /// Answers `method url` with `status` and `body` (granting `http` to the URL's host). Calls
    /// to anything not answered so fail, as an unreachable service would.
    pub fn http_answer(mut self, method: &str, url: &str, status: u16, body: &str) -> Self {
        self = self.grant(Capability::Http);
        if let Some(host) = reqwest::Url::parse(url).ok().and_then(|u| {
            let h = u.host_str()?.to_owned();
            Some(u.port().map_or_else(|| h.clone(), |p| format!("{h}:{p}")))
        }) && !self.install.http_allow.contains(&host)
        {
            self.install.http_allow.push(host);
        }
        self.http.push(Exchange {
            method: method.to_ascii_uppercase(),
            url: url.to_owned(),
            status: Some(status),
            headers: vec![],
            body: body.to_owned(),
        });
        self
    }

    /// The e-form data.
    pub fn form(mut self, form: Value) -> Self {
        self.input.context.form = form;
        self
    }

    /// The step's configuration.
    pub fn config(mut self, config: Value) -> Self {
        self.input.context.config = config;
        self
    }

    /// What the `dossier` capability reads (granting it).
    pub fn dossier(mut self, dossier: Value) -> Self {
        self.input.dossier = dossier;
        self.grant(Capability::Dossier)
    }

    /// Changes anything else in the context (tenant, case, applicant kind, earlier outputs...).
    pub fn context(mut self, change: impl FnOnce(&mut Context)) -> Self {
        change(&mut self.input.context);
        self
    }

    /// Runs the plugin once.
    pub async fn run(&self) -> Run {
        let mut input = self.input.clone();
        // HTTP is answered from the canned answers; reference data from the tables given.
        input.replay = Some(Recorded {
            http: self.http.clone(),
            reference: None,
        });
        self.host
            .run(
                &self.plugin,
                &self.install,
                Arc::new(self.reference.clone()),
                &input,
            )
            .await
    }
}
