//! The sign-in transaction: what the callback needs to finish a sign-in the citizen started —
//! `state`, `nonce`, the PKCE verifier, the redirect URI used, the page to return to and the
//! tenant — kept server-side in the cache for ten minutes under a random id that only the
//! citizen's browser holds, in a cookie sent to the callback alone.
//!
//! Single use: the callback claims the id with the cache's atomic counter before reading it, so
//! of two callbacks racing with one transaction, or a callback URL replayed later, only the first
//! gets it. The cache is shared by the nodes (Redis), so the callback may land on any node.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use motcua_store::cache::{Cache, CacheError};
use openidconnect::CsrfToken;
use serde::{Deserialize, Serialize};

/// How long a citizen has to sign in at the provider and come back.
pub(super) const TTL: Duration = Duration::from_secs(600);

/// The cookie that binds the transaction to the browser that started it.
pub(super) const COOKIE: &str = "motcua_sign_in";

/// Who a sign-in is for: its callback accepts only its own kind of transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Purpose {
    /// A citizen, through the national portal.
    #[default]
    Citizen,
    /// An official, through the tenant's own provider.
    Official,
}

/// A sign-in in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Transaction {
    /// Who signs in.
    #[serde(default)]
    pub purpose: Purpose,
    /// The tenant whose host started it (the callback must come back there).
    pub tenant: i64,
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` sent to the provider, expected in the ID token.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The redirect URI sent to the provider (the token request repeats it).
    pub redirect_uri: String,
    /// The local path to return to once signed in.
    pub return_to: String,
}

/// What claiming a transaction found.
#[derive(Debug)]
pub(super) enum Claim {
    /// The transaction, now spent.
    Found(Transaction),
    /// No such transaction: expired, never started here, or unreadable.
    Missing,
    /// Already claimed by an earlier callback.
    Spent,
}

fn key(id: &str) -> String {
    format!("oidc:tx:{id}")
}

fn spent_key(id: &str) -> String {
    format!("oidc:tx-spent:{id}")
}

/// Stores `tx` and returns its id, for the cookie.
pub(super) async fn store(cache: &dyn Cache, tx: &Transaction) -> Result<String, CacheError> {
    let id = CsrfToken::new_random_len(32).into_secret();
    let value = serde_json::to_vec(tx).map_err(|e| CacheError(e.to_string()))?;
    cache.set(&key(&id), &value, TTL).await?;
    Ok(id)
}

/// Takes the transaction `id` once.
pub(super) async fn claim(cache: &dyn Cache, id: &str) -> Result<Claim, CacheError> {
    // The counter outlives the transaction, so a replay within its lifetime is told apart from
    // an expired one.
    if cache.incr(&spent_key(id), TTL).await? > 1 {
        return Ok(Claim::Spent);
    }
    let Some(bytes) = cache.get(&key(id)).await? else {
        return Ok(Claim::Missing);
    };
    cache.delete(&key(id)).await?;
    Ok(match serde_json::from_slice(&bytes) {
        Ok(tx) => Claim::Found(tx),
        Err(e) => {
            tracing::warn!(error = %e, "unreadable sign-in transaction");
            Claim::Missing
        }
    })
}

/// The `Set-Cookie` value that binds transaction `id` to the browser, sent back only to the
/// callback at `path`.
pub(super) fn cookie(id: &str, https: bool, path: &str) -> HeaderValue {
    let value = format!(
        "{COOKIE}={id}; Path={path}; Max-Age={}; HttpOnly; SameSite=Lax{}",
        TTL.as_secs(),
        if https { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| clear_cookie(https, path))
}

/// The `Set-Cookie` value that removes the transaction cookie of the callback at `path`.
pub(super) fn clear_cookie(https: bool, path: &str) -> HeaderValue {
    let value = format!(
        "{COOKIE}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Lax{}",
        if https { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static(""))
}

/// The transaction id the browser sent, if any.
pub(super) fn id_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use motcua_store::cache::MemoryCache;

    use super::*;

    fn tx() -> Transaction {
        Transaction {
            purpose: Purpose::Official,
            tenant: 1,
            state: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            redirect_uri: "http://dichvucong.thanhhoa.localhost/auth/callback".into(),
            return_to: "/".into(),
        }
    }

    #[tokio::test]
    async fn a_transaction_is_taken_once() {
        let cache = MemoryCache::default();
        let id = store(&cache, &tx()).await.unwrap();
        assert!(matches!(claim(&cache, &id).await.unwrap(), Claim::Found(t) if t == tx()));
        assert!(matches!(claim(&cache, &id).await.unwrap(), Claim::Spent));
        assert!(matches!(
            claim(&cache, "made-up").await.unwrap(),
            Claim::Missing
        ));
    }

    #[test]
    fn the_cookie_is_read_among_others_and_scoped_to_the_callback() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; motcua_sign_in=abc; b=2"),
        );
        assert_eq!(id_from(&headers).as_deref(), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("motcua_sign_in="));
        assert_eq!(id_from(&headers), None);
        let set = cookie("abc", true, crate::oidc::CALLBACK_PATH);
        let set = set.to_str().unwrap();
        assert!(set.starts_with(
            "motcua_sign_in=abc; Path=/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax"
        ));
        assert!(set.ends_with("; Secure"));
        assert!(
            !cookie("abc", false, crate::oidc::CALLBACK_PATH)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
        let official = cookie("abc", false, crate::oidc::OFFICIAL_CALLBACK_PATH);
        assert!(
            official
                .to_str()
                .unwrap()
                .contains("; Path=/auth/officials/callback;")
        );
    }
}
