//! The cache, in-process and on Redis, behaving alike.

use std::sync::Arc;
use std::time::Duration;

use motcua_store::cache::{Cache, MemoryCache};
use motcua_tests::redis_cache;

async fn behaves_like_a_cache(cache: Arc<dyn Cache>) {
    cache.ping().await.unwrap();
    assert_eq!(cache.get("a").await.unwrap(), None);
    cache
        .set("a", b"one", Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(cache.get("a").await.unwrap().as_deref(), Some(&b"one"[..]));
    cache
        .set("a", b"two", Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(cache.get("a").await.unwrap().as_deref(), Some(&b"two"[..]));
    cache.delete("a").await.unwrap();
    assert_eq!(cache.get("a").await.unwrap(), None);

    cache
        .set("short", b"x", Duration::from_millis(150))
        .await
        .unwrap();
    assert!(cache.get("short").await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.get("short").await.unwrap(), None, "expired");

    // A fixed window: counts up, then starts again once the window has passed.
    for expected in 1..=5 {
        assert_eq!(
            cache.incr("rl", Duration::from_millis(300)).await.unwrap(),
            expected
        );
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        cache.incr("rl", Duration::from_millis(300)).await.unwrap(),
        1
    );

    // Concurrent increments are not lost.
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let c = Arc::clone(&cache);
        tasks.push(tokio::spawn(async move {
            c.incr("many", Duration::from_secs(60)).await.unwrap()
        }));
    }
    let mut seen: Vec<u64> = Vec::new();
    for t in tasks {
        seen.push(t.await.unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=50).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_cache() {
    behaves_like_a_cache(Arc::new(MemoryCache::default())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cache_behaves_the_same() {
    let cache = redis_cache().await;
    assert_eq!(cache.kind(), "redis");
    behaves_like_a_cache(Arc::new(cache)).await;
}
