//! The in-process cache of the embedded default, on moka.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache as Moka;

use super::{Cache, CacheError};

#[derive(Clone, Debug)]
enum Value {
    Bytes(Arc<[u8]>),
    Counter(u64),
}

#[derive(Clone, Debug)]
struct Entry {
    value: Value,
    expires_at: Instant,
}

struct UntilExpiry;

impl Expiry<String, Entry> for UntilExpiry {
    fn expire_after_create(&self, _key: &String, entry: &Entry, now: Instant) -> Option<Duration> {
        Some(entry.expires_at.saturating_duration_since(now))
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        now: Instant,
        _current: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.expires_at.saturating_duration_since(now))
    }
}

/// A bounded in-process cache; the least used entries go first when it is full.
#[derive(Clone, Debug)]
pub struct MemoryCache {
    inner: Moka<String, Entry>,
}

impl MemoryCache {
    /// A cache of at most `capacity` entries.
    pub fn new(capacity: u64) -> Self {
        Self {
            inner: Moka::builder()
                .max_capacity(capacity)
                .expire_after(UntilExpiry)
                .build(),
        }
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new(100_000)
    }
}

#[async_trait::async_trait]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(match self.inner.get(key).await {
            Some(Entry {
                value: Value::Bytes(b),
                expires_at,
            }) if expires_at > Instant::now() => Some(b.to_vec()),
            Some(Entry {
                value: Value::Counter(n),
                expires_at,
            }) if expires_at > Instant::now() => Some(n.to_string().into_bytes()),
            _ => None,
        })
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let entry = Entry {
            value: Value::Bytes(value.into()),
            expires_at: Instant::now() + ttl,
        };
        self.inner.insert(key.to_owned(), entry).await;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.inner.invalidate(key).await;
        Ok(())
    }

    async fn incr(&self, key: &str, window: Duration) -> Result<u64, CacheError> {
        let entry = self
            .inner
            .entry_by_ref(key)
            .and_upsert_with(|old| async move {
                let now = Instant::now();
                match old.map(|e| e.into_value()) {
                    Some(Entry {
                        value: Value::Counter(n),
                        expires_at,
                    }) if expires_at > now => Entry {
                        value: Value::Counter(n + 1),
                        expires_at,
                    },
                    _ => Entry {
                        value: Value::Counter(1),
                        expires_at: now + window,
                    },
                }
            })
            .await;
        match entry.into_value().value {
            Value::Counter(n) => Ok(n),
            Value::Bytes(_) => Err(CacheError(format!("{key} is not a counter"))),
        }
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}
