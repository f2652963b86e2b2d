//! `notifications:` settings: the SMS or e-mail provider that reaches applicants (its URL and
//! token; the token is a [`Secret`] and never printed), and how the notification worker retries.
//!
//! With no `provider_url` (development), applicants' messages are recorded as not sent, for
//! operators to see (`motcua jobs list --not-sent`); officials' in-app notifications need no
//! provider.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use motcua_store::jobs::Policy;
use motcua_web::notifications::gateway::{Gateway, HttpGateway};
use serde::Deserialize;

use super::Secret;

/// `notifications:` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Notifications {
    /// The provider's send endpoint, e.g. `https://sms.example.gov.vn/v1/messages`.
    pub provider_url: Option<String>,
    /// The provider's API token (`MOTCUA__NOTIFICATIONS__PROVIDER_TOKEN`).
    pub provider_token: Option<Secret>,
    /// Seconds to wait for the provider's answer before counting the attempt as failed.
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

impl Default for Notifications {
    fn default() -> Self {
        Self {
            provider_url: None,
            provider_token: None,
            timeout_secs: 10,
            every_secs: 5,
            max_attempts: 8,
            backoff_secs: 30,
            max_backoff_secs: 3600,
            lease_secs: 120,
        }
    }
}

impl Notifications {
    /// The provider's client; `None` when no provider is configured.
    pub fn gateway(&self) -> anyhow::Result<Option<Arc<dyn Gateway>>> {
        let Some(url) = self.provider_url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let token = self
            .provider_token
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default();
        let client = HttpGateway::new(url, token, Duration::from_secs(self.timeout_secs))
            .context("setting up the notification provider's client")?;
        Ok(Some(Arc::new(client)))
    }

    /// Leases, attempts and backoff of the notification worker.
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
        if let Some(url) = self.provider_url.as_deref().filter(|u| !u.is_empty()) {
            let parsed = url::Url::parse(url)
                .with_context(|| format!("notifications.provider_url `{url}` is not a URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("notifications.provider_url must be an http or https URL, not `{url}`");
            }
            if self
                .provider_token
                .as_ref()
                .is_none_or(|t| t.expose().is_empty())
            {
                bail!(
                    "notifications.provider_url is set but notifications.provider_token is not (MOTCUA__NOTIFICATIONS__PROVIDER_TOKEN)"
                );
            }
        }
        if self.timeout_secs == 0 || self.every_secs == 0 {
            bail!("notifications.timeout_secs and notifications.every_secs must be at least 1");
        }
        if self.max_attempts < 1 {
            bail!("notifications.max_attempts must be at least 1");
        }
        if self.lease_secs <= self.timeout_secs {
            bail!(
                "notifications.lease_secs ({}) must be longer than notifications.timeout_secs ({}): a worker must not lose a message while it waits for the provider",
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
    fn no_provider_by_default_and_the_token_is_never_printed() {
        let c = with_env(&[]);
        assert!(c.notifications.gateway().unwrap().is_none());
        c.check().unwrap();
        let c = with_env(&[
            (
                "MOTCUA__NOTIFICATIONS__PROVIDER_URL",
                "https://sms.example.gov.vn/v1/messages",
            ),
            ("MOTCUA__NOTIFICATIONS__PROVIDER_TOKEN", "hunter2"),
        ]);
        c.check().unwrap();
        let gateway = c.notifications.gateway().unwrap().expect("a provider");
        for debug in [format!("{c:?}"), format!("{gateway:?}")] {
            assert!(!debug.contains("hunter2"), "{debug}");
        }
    }

    #[test]
    fn a_provider_without_token_or_with_a_short_lease_is_refused() {
        let err = with_env(&[(
            "MOTCUA__NOTIFICATIONS__PROVIDER_URL",
            "https://sms.example.gov.vn",
        )])
        .check()
        .unwrap_err()
        .to_string();
        assert!(err.contains("provider_token"), "{err}");
        let err = with_env(&[("MOTCUA__NOTIFICATIONS__LEASE_SECS", "5")])
            .check()
            .unwrap_err()
            .to_string();
        assert!(err.contains("lease_secs"), "{err}");
    }
}
