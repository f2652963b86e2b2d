//! `pakn:` settings: the national PAKN system that complaints and their answers are shared with
//! (its URL and token; the token is a [`Secret`] and never printed), and how the exchange worker
//! retries.
//!
//! With no `url` (development), the messages are recorded as not sent, for operators to see
//! (`motcua jobs list --not-sent`).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use motcua_store::jobs::Policy;
use motcua_web::complaints::exchange::{HttpPakn, PaknExchange};
use serde::Deserialize;

use super::Secret;

/// `pakn:` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Pakn {
    /// The national PAKN system's endpoint, e.g. `https://pakn.example.gov.vn/api/pakn`.
    pub url: Option<String>,
    /// Its API token (`MOTCUA__PAKN__TOKEN`).
    pub token: Option<Secret>,
    /// Seconds to wait for its answer before counting the attempt as failed.
    pub timeout_secs: u64,
    /// Seconds between two passes of a node's worker.
    pub every_secs: u64,
    /// Attempts before a message is dead-lettered.
    pub max_attempts: i32,
    /// Seconds to wait after the first failure (doubling after each further one).
    pub backoff_secs: u64,
    /// The longest wait between two attempts, in seconds.
    pub max_backoff_secs: u64,
    /// Seconds a worker holds a message it claimed (longer than any attempt takes).
    pub lease_secs: u64,
}

impl Default for Pakn {
    fn default() -> Self {
        Self {
            url: None,
            token: None,
            timeout_secs: 15,
            every_secs: 10,
            max_attempts: 10,
            backoff_secs: 60,
            max_backoff_secs: 6 * 3600,
            lease_secs: 120,
        }
    }
}

impl Pakn {
    /// The national system's client; `None` when not configured.
    pub fn client(&self) -> anyhow::Result<Option<Arc<dyn PaknExchange>>> {
        let Some(url) = self.url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let token = self.token.as_ref().map(Secret::expose).unwrap_or_default();
        let client = HttpPakn::new(url, token, Duration::from_secs(self.timeout_secs))
            .context("setting up the national PAKN system's client")?;
        Ok(Some(Arc::new(client)))
    }

    /// Leases, attempts and backoff of the exchange worker.
    pub fn policy(&self) -> Policy {
        Policy {
            lease: Duration::from_secs(self.lease_secs),
            max_attempts: self.max_attempts,
            backoff: Duration::from_secs(self.backoff_secs),
            max_backoff: Duration::from_secs(self.max_backoff_secs),
        }
    }

    /// The time between two passes.
    pub fn every(&self) -> Duration {
        Duration::from_secs(self.every_secs)
    }

    /// Refuses settings the worker cannot run with.
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(url) = self.url.as_deref().filter(|u| !u.is_empty()) {
            let parsed =
                url::Url::parse(url).with_context(|| format!("pakn.url `{url}` is not a URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("pakn.url must be an http or https URL, not `{url}`");
            }
            if self.token.as_ref().is_none_or(|t| t.expose().is_empty()) {
                bail!("pakn.url is set but pakn.token is not (MOTCUA__PAKN__TOKEN)");
            }
        }
        if self.timeout_secs == 0 || self.every_secs == 0 {
            bail!("pakn.timeout_secs and pakn.every_secs must be at least 1");
        }
        if self.max_attempts < 1 {
            bail!("pakn.max_attempts must be at least 1");
        }
        if self.lease_secs <= self.timeout_secs {
            bail!(
                "pakn.lease_secs ({}) must be longer than pakn.timeout_secs ({})",
                self.lease_secs,
                self.timeout_secs
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_env;

    #[test]
    fn not_configured_by_default_and_the_token_is_never_printed() {
        let c = with_env(&[]);
        assert!(c.pakn.client().unwrap().is_none());
        c.check().unwrap();
        let c = with_env(&[
            ("MOTCUA__PAKN__URL", "https://pakn.example.gov.vn/api/pakn"),
            ("MOTCUA__PAKN__TOKEN", "hunter2"),
        ]);
        c.check().unwrap();
        let client = c.pakn.client().unwrap().expect("a client");
        for debug in [format!("{c:?}"), format!("{client:?}")] {
            assert!(!debug.contains("hunter2"), "{debug}");
        }
        let err = with_env(&[("MOTCUA__PAKN__URL", "https://pakn.example.gov.vn")])
            .check()
            .unwrap_err()
            .to_string();
        assert!(err.contains("pakn.token"), "{err}");
    }
}
