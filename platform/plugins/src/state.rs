//! What one call's store holds, and the capabilities' host side: each checks its grant first.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_core::json::canonical_json;
use motcua_core::plugin::{Capability, PluginInstall};
use serde::{Deserialize, Serialize};
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::bindings::motcua::plugin::{dossier, http, log, reference, types};

/// A capability was called without its grant. Raised as a trap; the call is classified
/// [`crate::PluginError::Denied`].
#[derive(Debug, thiserror::Error)]
#[error("capability `{0}` is not granted")]
pub(crate) struct Denied(pub(crate) String);

/// One log line the plugin wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// `debug`, `info`, `warn`, `error`, or `stdout` / `stderr` for what it printed.
    pub level: String,
    /// The text.
    pub message: String,
}

/// An HTTP exchange, recorded so that a replay answers the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Status, or none when the call failed.
    pub status: Option<u16>,
    /// The answer's headers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The body (UTF-8, lossy) or the failure.
    pub body: String,
}

/// A reference-data lookup, recorded so that a replay reads the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    /// The table.
    pub table: String,
    /// The key (empty: the whole table).
    pub key: String,
    /// What was found, as JSON text.
    pub found: Option<String>,
}

/// What the capabilities see.
#[derive(Debug)]
pub(crate) struct Env {
    pub(crate) install: PluginInstall,
    pub(crate) dossier: serde_json::Value,
    pub(crate) reference: Arc<BTreeMap<String, serde_json::Value>>,
    /// Recorded exchanges to answer from, in a replay.
    pub(crate) replay: Option<Vec<Exchange>>,
    /// Recorded lookups to answer from, in a replay.
    pub(crate) replay_lookups: Option<Vec<Lookup>>,
}

/// Counts memory growth against the call's limit.
#[derive(Debug)]
pub(crate) struct Meter {
    pub(crate) limit: usize,
    pub(crate) peak: usize,
    pub(crate) refused: bool,
}

impl wasmtime::ResourceLimiter for Meter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.refused = true;
            return Ok(false);
        }
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// One call's store data.
pub(crate) struct State {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) meter: Meter,
    pub(crate) env: Arc<Env>,
    pub(crate) logs: Vec<LogLine>,
    pub(crate) log_budget: usize,
    pub(crate) logs_dropped: u32,
    pub(crate) exchanges: Vec<Exchange>,
    pub(crate) lookups: Vec<Lookup>,
    pub(crate) http: reqwest::Client,
    pub(crate) deadline: Instant,
    /// Whether it read the environment (empty; allowed only to a panicking plugin).
    pub(crate) read_environment: bool,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl State {
    fn grant(&self, capability: Capability) -> wasmtime::Result<()> {
        if self.env.install.grants(capability) {
            Ok(())
        } else {
            Err(wasmtime::Error::new(Denied(capability.as_str().to_owned())))
        }
    }

    /// Keeps a log line within the budget; counts what does not fit.
    pub(crate) fn keep_log(&mut self, level: &str, message: String) {
        let size = message.len() + level.len();
        if size > self.log_budget {
            self.logs_dropped += 1;
            return;
        }
        self.log_budget -= size;
        self.logs.push(LogLine {
            level: level.to_owned(),
            message,
        });
    }
}

impl types::Host for State {}

impl log::Host for State {
    fn write(&mut self, level: types::Level, message: String) -> wasmtime::Result<()> {
        self.grant(Capability::Log)?;
        let level = match level {
            types::Level::Debug => "debug",
            types::Level::Info => "info",
            types::Level::Warn => "warn",
            types::Level::Error => "error",
        };
        self.keep_log(level, message);
        Ok(())
    }
}

impl dossier::Host for State {
    fn get(&mut self, pointer: String) -> wasmtime::Result<Option<String>> {
        self.grant(Capability::Dossier)?;
        Ok(self.env.dossier.pointer(&pointer).map(canonical_json))
    }
}

impl reference::Host for State {
    fn lookup(&mut self, table: String, key: String) -> wasmtime::Result<Option<String>> {
        self.grant(Capability::Reference)?;
        let found = match &self.env.replay_lookups {
            Some(recorded) => recorded
                .iter()
                .find(|l| l.table == table && l.key == key)
                .and_then(|l| l.found.clone()),
            None => self.env.reference.get(&table).and_then(|t| {
                if key.is_empty() {
                    Some(canonical_json(t))
                } else {
                    t.get(&key).map(canonical_json)
                }
            }),
        };
        self.lookups.push(Lookup {
            table,
            key,
            found: found.clone(),
        });
        Ok(found)
    }
}

/// The largest HTTP answer a plugin receives.
const MAX_HTTP_BODY: usize = 1024 * 1024;

impl http::Host for State {
    async fn fetch(
        &mut self,
        request: http::Request,
    ) -> wasmtime::Result<Result<http::Response, http::Error>> {
        self.grant(Capability::Http)?;
        let url = match reqwest::Url::parse(&request.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
            _ => {
                return Ok(Err(http::Error::Failed(format!(
                    "`{}` is not an http or https URL",
                    request.url
                ))));
            }
        };
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let host_port = url
            .port_or_known_default()
            .map_or_else(|| host.clone(), |p| format!("{host}:{p}"));
        let allowed = &self.env.install.http_allow;
        if !allowed.iter().any(|a| *a == host || *a == host_port) {
            return Ok(Err(http::Error::Denied(format!(
                "{host_port} is not on the tenant's allow-list"
            ))));
        }
        let method = request.method.to_ascii_uppercase();
        if let Some(replay) = &self.env.replay {
            let recorded = replay
                .iter()
                .skip(self.exchanges.len())
                .find(|e| e.method == method && e.url == request.url)
                .cloned();
            return Ok(match recorded {
                Some(e) => {
                    self.exchanges.push(e.clone());
                    match e.status {
                        Some(status) => Ok(http::Response {
                            status,
                            headers: e.headers,
                            body: e.body.into_bytes(),
                        }),
                        None => Err(http::Error::Failed(e.body)),
                    }
                }
                None => Err(http::Error::Failed(
                    "this call was not made in the recorded run".to_owned(),
                )),
            });
        }
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Ok(Err(http::Error::Timeout));
        }
        let Ok(m) = reqwest::Method::from_bytes(method.as_bytes()) else {
            return Ok(Err(http::Error::Failed(format!(
                "`{method}` is not a method"
            ))));
        };
        let mut builder = self.http.request(m, url).timeout(remaining);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let result = fetch(builder, remaining, &host_port).await;
        self.exchanges.push(Exchange {
            method,
            url: request.url,
            status: result.as_ref().ok().map(|r| r.status),
            headers: result
                .as_ref()
                .map(|r| r.headers.clone())
                .unwrap_or_default(),
            body: match &result {
                Ok(r) => String::from_utf8_lossy(&r.body).into_owned(),
                Err(http::Error::Timeout) => "timeout".to_owned(),
                Err(http::Error::Denied(m) | http::Error::Failed(m)) => m.clone(),
            },
        });
        Ok(result)
    }
}

async fn fetch(
    builder: reqwest::RequestBuilder,
    remaining: Duration,
    host_port: &str,
) -> Result<http::Response, http::Error> {
    let failed = |e: reqwest::Error| {
        if e.is_timeout() {
            http::Error::Timeout
        } else {
            http::Error::Failed(failure(&e, host_port))
        }
    };
    let mut response = tokio::time::timeout(remaining, builder.send())
        .await
        .map_err(|_| http::Error::Timeout)?
        .map_err(failed)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_HTTP_BODY {
            return Err(http::Error::Failed(format!(
                "the answer is larger than {MAX_HTTP_BODY} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(http::Response {
        status,
        headers,
        body,
    })
}

/// A failed call in plain words: why a certificate was refused, or the deepest cause.
fn failure(e: &reqwest::Error, host_port: &str) -> String {
    use rustls::CertificateError as C;
    let Some(tls) = tls_error(e) else {
        let mut cause: &dyn std::error::Error = e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        return if e.is_connect() {
            format!("cannot connect to {host_port}: {cause}")
        } else {
            format!("the call to {host_port} failed: {cause}")
        };
    };
    let certificate = |why: &str| format!("the certificate of {host_port} {why}");
    match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer | C::BadSignature => certificate(
                "is not trusted: no certificate authority the platform trusts issued it (a private authority is added with the platform setting plugins.http_ca_file)",
            ),
            C::Expired | C::ExpiredContext { .. } => certificate("has expired"),
            C::NotValidYet | C::NotValidYetContext { .. } => certificate("is not valid yet"),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                certificate("is not issued for that host name")
            }
            C::Revoked => certificate("has been revoked"),
            other => certificate(&format!("is not valid: {other}")),
        },
        other => format!("the secure connection (TLS) to {host_port} failed: {other}"),
    }
}

/// The TLS error under `e`, if it is one. An `io::Error` hides what it wraps from `source()`
/// (it answers the wrapped error's own source), so it is looked into.
fn tls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    if let Some(io) = e.downcast_ref::<std::io::Error>()
        && let Some(inner) = io.get_ref()
    {
        let inner: &(dyn std::error::Error + 'static) = inner;
        if let Some(tls) = tls_error(inner) {
            return Some(tls);
        }
    }
    e.source().and_then(tls_error)
}
