//! Keeping every node's policies fresh: a node that changes a tenant's policy announces the new
//! version on a Redis channel, and every node reloads that tenant when it hears of a version it
//! has not loaded. Messages can be lost (a dropped connection, a node restarting), so each node
//! also compares all stored versions with its own on a short interval.

use std::time::Duration;

use futures_util::StreamExt;
use motcua_store::{Store, TenantId};
use redis::AsyncCommands;

use crate::authz::{Authz, AuthzError, TenantRef};

/// The Redis channel that carries `<tenant id>:<version>` announcements.
pub(crate) const CHANNEL: &str = "motcua:policy";

/// How a node keeps its policies fresh.
#[derive(Clone, Debug)]
pub struct SyncConfig {
    /// Redis, for announcements between nodes; `None` on a single node (the embedded default).
    pub redis_url: Option<String>,
    /// How often all stored versions are compared with the loaded ones.
    pub check_every: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            check_every: Duration::from_secs(1),
        }
    }
}

/// Announces policy changes to the other nodes.
#[derive(Clone)]
pub(crate) struct Publisher {
    connection: redis::aio::ConnectionManager,
}

impl Publisher {
    pub(crate) async fn announce(&self, tenant: TenantId, version: i64) {
        let mut c = self.connection.clone();
        let sent: Result<i64, _> = c.publish(CHANNEL, format!("{}:{version}", tenant.0)).await;
        if let Err(e) = sent {
            // The other nodes' version check picks the change up within `check_every`.
            tracing::warn!(error = %e, tenant = tenant.0, version, "cannot announce a policy change");
        }
    }
}

fn parse(payload: &str) -> Option<(TenantId, i64)> {
    let (tenant, version) = payload.split_once(':')?;
    Some((TenantId(tenant.parse().ok()?), version.parse().ok()?))
}

impl Authz {
    /// Loads the policies of `tenants` and keeps them fresh in the background as `sync` says,
    /// until the returned task is aborted.
    pub async fn start(
        store: Store,
        tenants: impl IntoIterator<Item = TenantRef>,
        sync: SyncConfig,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), AuthzError> {
        let client = match &sync.redis_url {
            Some(url) => Some(
                redis::Client::open(url.as_str())
                    .map_err(|e| AuthzError::Casbin(format!("redis url: {e}")))?,
            ),
            None => None,
        };
        let publisher = match &client {
            Some(c) => Some(Publisher {
                connection: redis::aio::ConnectionManager::new(c.clone())
                    .await
                    .map_err(|e| AuthzError::Casbin(format!("redis: {e}")))?,
            }),
            None => None,
        };
        let authz = Self::load_with(store, tenants, publisher).await?;
        let task = {
            let authz = authz.clone();
            tokio::spawn(async move {
                let listen = async {
                    if let Some(client) = client {
                        authz.listen(client).await;
                    } else {
                        std::future::pending::<()>().await;
                    }
                };
                tokio::join!(listen, authz.check_periodically(sync.check_every));
            })
        };
        Ok((authz, task))
    }

    async fn check_periodically(&self, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match self.catch_up().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(tenants = n, "reloaded policies found stale"),
                Err(e) => tracing::warn!(error = %e, "cannot check policy versions"),
            }
        }
    }

    async fn listen(&self, client: redis::Client) {
        loop {
            match client.get_async_pubsub().await {
                Ok(mut pubsub) => {
                    if let Err(e) = pubsub.subscribe(CHANNEL).await {
                        tracing::warn!(error = %e, "cannot subscribe to policy changes");
                    } else {
                        // Whatever was announced while unsubscribed.
                        let _ = self.catch_up().await;
                        let mut messages = pubsub.on_message();
                        while let Some(message) = messages.next().await {
                            let Ok(payload) = message.get_payload::<String>() else {
                                continue;
                            };
                            let Some((tenant, version)) = parse(&payload) else {
                                tracing::warn!(%payload, "unreadable policy announcement");
                                continue;
                            };
                            if self.version(tenant).is_some_and(|v| v < version)
                                && let Err(e) = self.refresh(tenant).await
                            {
                                tracing::warn!(error = %e, tenant = tenant.0, "cannot reload a policy");
                            }
                        }
                        tracing::warn!("policy announcements ended; reconnecting");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for policy changes"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_read_back() {
        assert_eq!(parse("12:7"), Some((TenantId(12), 7)));
        assert_eq!(parse("12"), None);
        assert_eq!(parse("x:7"), None);
    }
}
