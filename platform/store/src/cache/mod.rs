//! The cache: short-lived values and counters shared by the nodes of a deployment.
//!
//! Redis in production (every node sees the same values, so a rate limit holds across nodes);
//! an in-process implementation in the embedded default, with the same behaviour on one node.
//! The cache holds nothing that cannot be lost: a restart or eviction costs a recomputation or
//! resets a rate-limit window, never data.

mod memory;
mod redis;

use std::fmt::Debug;
use std::time::Duration;

pub use self::memory::MemoryCache;
pub use self::redis::RedisCache;

/// What went wrong talking to the cache.
#[derive(Debug, thiserror::Error)]
#[error("cache unavailable: {0}")]
pub struct CacheError(pub String);

/// A key-value cache with expiry.
#[async_trait::async_trait]
pub trait Cache: Send + Sync + Debug {
    /// The value under `key`, unless absent or expired.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;
    /// Stores `value` under `key` for `ttl`.
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError>;
    /// Removes `key`.
    async fn delete(&self, key: &str) -> Result<(), CacheError>;
    /// Adds one to the counter under `key` and returns the new count; a new counter lives for
    /// `window` from its first increment (a fixed-window rate limit).
    async fn incr(&self, key: &str, window: Duration) -> Result<u64, CacheError>;
    /// Whether the cache answers.
    async fn ping(&self) -> Result<(), CacheError>;
    /// `"memory"` or `"redis"`, for logs and health reports.
    fn kind(&self) -> &'static str;
}
