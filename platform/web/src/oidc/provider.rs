//! The provider as the relying party sees it: its discovery document and signing keys, fetched
//! over HTTP and cached in the node, and the HTTP client the OpenID Connect library calls through.
//!
//! Rules: the client follows no redirects (a redirect from a token endpoint is an attack, not a
//! feature), reads at most 1 MiB per answer and gives up after a timeout; discovery is refetched
//! at most once an hour, or once a minute when a token names a key the cached set lacks (the
//! provider rotated its keys); a provider that is briefly unreachable is served from the last
//! document fetched, up to a day old.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http;
use openidconnect::core::CoreProviderMetadata;
use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse, IssuerUrl};
use tokio::sync::{Mutex, RwLock};

use super::SetupError;

/// How long a discovery document is used before it is fetched again.
pub(super) const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// How old a document may be to stand in for a provider that does not answer.
const STALE_LIMIT: Duration = Duration::from_secs(24 * 3600);

/// The shortest time between two fetches caused by an unknown signing key, so that tokens naming
/// made-up keys cannot make the platform hammer the provider.
const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(60);

/// The largest answer read from the provider (discovery, keys, tokens and userinfo are a few KiB).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// What went wrong talking to the provider over HTTP.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    /// Connecting, sending or receiving failed.
    #[error("{0}")]
    Request(#[from] reqwest::Error),
    /// The answer was too large.
    #[error("the answer is larger than {MAX_RESPONSE_BYTES} bytes")]
    TooLarge,
    /// The answer could not be represented.
    #[error("invalid answer: {0}")]
    Invalid(String),
}

/// The HTTP client of the relying party (rustls, no redirects, bounded answers).
#[derive(Clone, Debug)]
pub(crate) struct Http {
    client: reqwest::Client,
}

impl Http {
    pub(crate) fn new(timeout: Duration) -> Result<Self, SetupError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SetupError::Client(e.to_string()))?;
        Ok(Self { client })
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let mut response = self
            .client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body)
            .send()
            .await?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
        {
            return Err(HttpError::TooLarge);
        }
        let mut builder = http::Response::builder().status(response.status());
        if let Some(headers) = builder.headers_mut() {
            *headers = response.headers().clone();
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(HttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| HttpError::Invalid(e.to_string()))
    }
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// A discovery document and when it was fetched.
#[derive(Debug)]
struct Fetched {
    metadata: Arc<CoreProviderMetadata>,
    at: Instant,
}

/// The provider's metadata, cached.
#[derive(Debug)]
pub(super) struct Provider {
    issuer: IssuerUrl,
    http: Http,
    ttl: Duration,
    cached: RwLock<Option<Fetched>>,
    /// One fetch at a time: concurrent sign-ins after the document expired wait for it.
    fetching: Mutex<()>,
}

impl Provider {
    pub(super) fn new(
        issuer: IssuerUrl,
        timeout: Duration,
        ttl: Duration,
    ) -> Result<Self, SetupError> {
        Ok(Self {
            issuer,
            http: Http::new(timeout)?,
            ttl,
            cached: RwLock::new(None),
            fetching: Mutex::new(()),
        })
    }

    pub(super) fn http(&self) -> &Http {
        &self.http
    }

    /// The provider's metadata (with its keys): cached, or fetched when older than the TTL.
    pub(super) async fn metadata(&self) -> Result<Arc<CoreProviderMetadata>, String> {
        if let Some(fresh) = self.cached_within(self.ttl).await {
            return Ok(fresh);
        }
        let _fetching = self.fetching.lock().await;
        if let Some(fresh) = self.cached_within(self.ttl).await {
            return Ok(fresh);
        }
        match self.fetch().await {
            Ok(metadata) => Ok(metadata),
            Err(cause) => match self.cached_within(STALE_LIMIT).await {
                Some(stale) => {
                    tracing::warn!(issuer = %self.issuer.as_str(), error = %cause, "provider discovery failed; using the document fetched before");
                    Ok(stale)
                }
                None => Err(cause),
            },
        }
    }

    /// Fetches the metadata again because a token named a key that `seen` lacks; at most once
    /// per [`KEY_REFRESH_INTERVAL`]. `None` when nothing newer can be had.
    pub(super) async fn refetch_for_keys(
        &self,
        seen: &Arc<CoreProviderMetadata>,
    ) -> Option<Arc<CoreProviderMetadata>> {
        let _fetching = self.fetching.lock().await;
        {
            let cached = self.cached.read().await;
            if let Some(c) = cached.as_ref() {
                if !Arc::ptr_eq(&c.metadata, seen) {
                    return Some(Arc::clone(&c.metadata));
                }
                if c.at.elapsed() < KEY_REFRESH_INTERVAL {
                    return None;
                }
            }
        }
        match self.fetch().await {
            Ok(metadata) => Some(metadata),
            Err(cause) => {
                tracing::warn!(issuer = %self.issuer.as_str(), error = %cause, "refetching the provider's keys failed");
                None
            }
        }
    }

    async fn cached_within(&self, age: Duration) -> Option<Arc<CoreProviderMetadata>> {
        self.cached
            .read()
            .await
            .as_ref()
            .filter(|c| c.at.elapsed() < age)
            .map(|c| Arc::clone(&c.metadata))
    }

    async fn fetch(&self) -> Result<Arc<CoreProviderMetadata>, String> {
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| error_chain(&e))?;
        let metadata = Arc::new(metadata);
        *self.cached.write().await = Some(Fetched {
            metadata: Arc::clone(&metadata),
            at: Instant::now(),
        });
        tracing::info!(issuer = %self.issuer.as_str(), keys = metadata.jwks().keys().len(), "provider discovery fetched");
        Ok(metadata)
    }
}

/// An error and its sources on one line, for the log.
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::routing::get;
    use serde_json::json;

    use super::*;

    /// A provider that counts its discovery fetches, and the task serving it.
    async fn counting_provider() -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let fetches = Arc::new(AtomicUsize::new(0));
        let (doc_issuer, counter) = (issuer.clone(), Arc::clone(&fetches));
        let app = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let i = doc_issuer.clone();
                    async move {
                        axum::Json(json!({
                            "issuer": i,
                            "authorization_endpoint": format!("{i}/authorize"),
                            "token_endpoint": format!("{i}/token"),
                            "jwks_uri": format!("{i}/jwks"),
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["ES256"],
                        }))
                    }
                }),
            )
            .route("/jwks", get(|| async { axum::Json(json!({ "keys": [] })) }));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (issuer, fetches, server)
    }

    fn provider(issuer: &str, ttl: Duration) -> Provider {
        Provider::new(
            IssuerUrl::new(issuer.to_owned()).unwrap(),
            Duration::from_secs(2),
            ttl,
        )
        .unwrap()
    }

    #[tokio::test]
    async fn discovery_is_fetched_once_per_ttl_and_outlives_a_short_outage() {
        let (issuer, fetches, server) = counting_provider().await;
        let p = provider(&issuer, DISCOVERY_TTL);
        let first = p.metadata().await.unwrap();
        let second = p.metadata().await.unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(
            p.refetch_for_keys(&first).await.is_none(),
            "an unknown key right after a fetch does not fetch again"
        );
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        let expiring = provider(&issuer, Duration::ZERO);
        expiring.metadata().await.unwrap();
        expiring.metadata().await.unwrap();
        assert_eq!(
            fetches.load(Ordering::SeqCst),
            3,
            "an expired document is fetched again"
        );

        server.abort();
        let _ = server.await;
        let stale = expiring
            .metadata()
            .await
            .expect("the last document stands in");
        assert_eq!(stale.issuer().as_str(), issuer);
        let err = provider(&issuer, DISCOVERY_TTL)
            .metadata()
            .await
            .unwrap_err();
        assert!(
            !err.is_empty(),
            "never fetched: the provider is unavailable"
        );
    }

    #[tokio::test]
    async fn a_document_for_another_issuer_is_refused() {
        let (issuer, _, _server) = counting_provider().await;
        let other = issuer.replace("127.0.0.1", "localhost");
        let err = provider(&other, DISCOVERY_TTL)
            .metadata()
            .await
            .unwrap_err();
        assert!(err.contains("issuer"), "{err}");
    }
}
