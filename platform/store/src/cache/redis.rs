//! The Redis cache of production deployments.
//!
//! One multiplexed connection per node, re-established by the connection manager after Redis
//! restarts; every key is prefixed so that deployments (and test runs) sharing a Redis server do
//! not see each other's keys.

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Cache, CacheError};

/// A cache on a Redis server.
#[derive(Clone)]
pub struct RedisCache {
    conn: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn err(e: redis::RedisError) -> CacheError {
    CacheError(e.to_string())
}

impl RedisCache {
    /// Connects to `url` (`redis://127.0.0.1:6379`); keys are written as `<prefix>:<key>`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url).map_err(err)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2);
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(err)?;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait::async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.conn.clone().get(self.key(key)).await.map_err(err)
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(err)
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.conn.clone().del(self.key(key)).await.map_err(err)
    }

    async fn incr(&self, key: &str, window: Duration) -> Result<u64, CacheError> {
        let key = self.key(key);
        // Create the counter with its expiry first (only if absent), then increment, atomically.
        let (count,): (u64,) = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(&key)
            .arg(0)
            .arg("PX")
            .arg(millis(window))
            .arg("NX")
            .ignore()
            .cmd("INCR")
            .arg(&key)
            .query_async(&mut self.conn.clone())
            .await
            .map_err(err)?;
        Ok(count)
    }

    async fn ping(&self) -> Result<(), CacheError> {
        redis::cmd("PING")
            .query_async::<String>(&mut self.conn.clone())
            .await
            .map(drop)
            .map_err(err)
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
