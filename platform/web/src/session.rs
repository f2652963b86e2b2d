//! Sessions: who is signed in on a tenant host, kept in the cache (Redis in production, so any
//! node serves any request; in-process in the embedded default).
//!
//! Rules kept here:
//! - a session id is 256 random bits, sent only in the cookie; the cache key is its sha256, so
//!   reading the cache (or a Redis dump) does not give anyone a usable session;
//! - the cookie is host-only (`__Host-motcua` over https: `Secure`, `Path=/`, no `Domain`), so the
//!   Vietnamese and English hosts, and every tenant, have separate sessions; and a session
//!   remembers the tenant whose host created it: presented to another tenant's host it is
//!   ignored;
//! - a session ends after 30 minutes without a request ([`IDLE_TIMEOUT`]) and 12 hours after it
//!   began ([`ABSOLUTE_LIFETIME`]), on sign-out, and as soon as its account's `session_epoch`
//!   changes (new password, role change, disabled account), checked on every request against
//!   the database through an in-process copy at most a second old;
//! - every state-changing request made with the cookie must carry the session's CSRF token and
//!   come from the host itself ([`csrf`]); requests with an API token carry no cookie and need
//!   neither.

pub mod csrf;
mod guard;

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{DateTime, TimeZone, Utc};
use motcua_core::lang::Lang;
use motcua_store::TenantId;
use motcua_store::accounts::{self, Holder, SessionCheck};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;

pub use guard::AnySession;
pub(crate) use guard::{authenticate, forbidden};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after it began, however busy.
pub const ABSOLUTE_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// A session's last activity is written back at most this often (each write resets the idle
/// timeout), so that a page with many requests costs one cache write, not one per request.
const TOUCH_EVERY: i64 = 15;
/// How long a node trusts its copy of an account's session epoch.
const EPOCH_FRESHNESS: Duration = Duration::from_secs(1);

/// Who is making a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Principal {
    /// An official of a tenant, signed in with a password.
    Official {
        /// The official's tenant.
        tenant: TenantId,
        /// The account's id.
        account: i64,
        /// The sign-in name.
        username: String,
        /// The full name.
        name: String,
    },
    /// A platform operator.
    Operator {
        /// The operator's id.
        account: i64,
        /// The sign-in name.
        username: String,
        /// The full name.
        name: String,
    },
    /// A citizen or business signed in through the national portal.
    Citizen(CitizenIdentity),
    /// A program with an API token of a tenant.
    Token {
        /// The token's tenant.
        tenant: TenantId,
        /// The token's id.
        token: i64,
        /// The token's name.
        name: String,
        /// Its scopes: permissions (`object:action`) and connection scopes (`national-portal`).
        scopes: Vec<String>,
    },
}

/// Who a citizen is, as the national portal's sign-in established it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenIdentity {
    /// The provider's issuer identifier.
    pub issuer: String,
    /// The citizen's subject at that provider (stable, opaque).
    pub subject: String,
    /// The full name.
    pub name: String,
    /// The 12-digit citizen identity number, when the provider gave one.
    pub citizen_id: Option<String>,
    /// The level of assurance of the sign-in.
    pub acr: Option<String>,
}

impl Principal {
    /// The name to show.
    pub fn name(&self) -> &str {
        match self {
            Principal::Official { name, .. }
            | Principal::Operator { name, .. }
            | Principal::Token { name, .. } => name,
            Principal::Citizen(c) => &c.name,
        }
    }

    /// The account whose password this session rests on, if any.
    pub fn credential(&self) -> Option<(Holder, i64)> {
        match self {
            Principal::Official {
                tenant, account, ..
            } => Some((Holder::Official(*tenant), *account)),
            Principal::Operator { account, .. } => Some((Holder::Operator, *account)),
            Principal::Citizen(_) | Principal::Token { .. } => None,
        }
    }
}

/// A signed-in request: what the `Session` extractor gives.
///
/// Extract `Session` where signing in is required (pages redirect to the sign-in page, the API
/// answers 401), `Option<Session>` where a page works either way. Neither gives a session that
/// must change its password first; [`AnySession`] does, for the pages that allow it.
#[derive(Clone)]
pub struct Session {
    /// Who.
    pub principal: Principal,
    /// The token that state-changing requests must send back (form field `csrf` or header
    /// `X-CSRF-Token`); `None` for API tokens, which need none.
    pub csrf: Option<String>,
    /// The language of the host the session was opened on.
    pub lang: Lang,
    /// Whether the password must be changed before anything else.
    pub must_change_password: bool,
    /// When the session ends at the latest (for API tokens: their expiry, if any).
    pub expires_at: Option<DateTime<Utc>>,
    /// The cache key; `None` for API tokens.
    pub(crate) key: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("principal", &self.principal)
            .field("lang", &self.lang)
            .field("must_change_password", &self.must_change_password)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What the cache holds for a session.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    pub(crate) principal: Principal,
    pub(crate) tenant: TenantId,
    pub(crate) lang: Lang,
    pub(crate) csrf: String,
    /// Unix seconds.
    pub(crate) created: i64,
    /// Unix seconds of the last recorded activity.
    pub(crate) seen: i64,
    /// The account's session epoch when the session began.
    pub(crate) epoch: Option<i64>,
    pub(crate) must_change_password: bool,
    /// A TOTP secret shown for enrolment and not yet confirmed.
    #[serde(default)]
    pub(crate) totp_enrolment: Option<String>,
}

impl Record {
    fn expires_at(&self) -> i64 {
        self.created + secs(ABSOLUTE_LIFETIME)
    }

    /// How long the cache keeps the record from `now`: until it would go idle, and never past
    /// its absolute end.
    fn ttl(&self, now: i64) -> Duration {
        let left = (self.expires_at() - now).min(self.seen + secs(IDLE_TIMEOUT) - now);
        Duration::from_secs(u64::try_from(left.max(1)).unwrap_or(1))
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// A session just opened.
#[derive(Clone)]
pub struct NewSession {
    /// The `Set-Cookie` header value to send.
    pub set_cookie: HeaderValue,
    /// The session's CSRF token.
    pub csrf: String,
    /// The session.
    pub session: Session,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// `n` random bytes, base64url without padding.
pub(crate) fn random_secret(n: usize) -> Result<String, Failure> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| Failure::internal(&e))?;
    Ok(data_encoding::BASE64URL_NOPAD.encode(&bytes))
}

/// The hex sha256 of a secret.
pub(crate) fn digest(secret: &str) -> String {
    hex_lower(&Sha256::digest(secret.as_bytes()))
}

fn hex_lower(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

fn cache_key(id: &str) -> String {
    format!("session:{}", digest(id))
}

/// The session cookie's name: with the `__Host-` prefix over https, which browsers accept only
/// with `Secure`, `Path=/` and no `Domain`, so no other host can set or widen it.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-motcua" } else { "motcua" }
}

fn set_cookie(state: &AppState, value: &str, max_age: Option<u64>) -> Result<HeaderValue, Failure> {
    let https = state.config.https;
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        cookie_name(https)
    );
    if https {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).map_err(|e| Failure::internal(&e))
}

/// The session id in the request's cookies, if any.
pub(crate) fn cookie_id(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let name = cookie_name(state.config.https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, v)| *n == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// The node's sessions: the in-process copy of account epochs.
#[derive(Clone, Debug)]
pub struct Sessions {
    epochs: moka::sync::Cache<(Holder, i64), Option<SessionCheck>>,
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            epochs: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(EPOCH_FRESHNESS)
                .build(),
        }
    }
}

fn now() -> i64 {
    Utc::now().timestamp()
}

fn at(unix: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(unix, 0).single()
}

impl Sessions {
    /// Opens a session for `principal` on the host of `site` and returns the cookie to set.
    /// An official's or operator's session starts in its account's current epoch, and must
    /// change its password first when the account says so.
    pub async fn create(
        state: &AppState,
        site: &Site,
        principal: Principal,
    ) -> Result<NewSession, Failure> {
        Self::open(state, site, principal, false).await
    }

    /// Opens a session for an official who signed in through the tenant's own OpenID provider:
    /// like [`Sessions::create`], except that the forced change of password does not apply (the
    /// password was not used).
    pub async fn create_by_provider(
        state: &AppState,
        site: &Site,
        principal: Principal,
    ) -> Result<NewSession, Failure> {
        Self::open(state, site, principal, true).await
    }

    async fn open(
        state: &AppState,
        site: &Site,
        principal: Principal,
        by_provider: bool,
    ) -> Result<NewSession, Failure> {
        let (epoch, must_change_password) = match principal.credential() {
            Some((holder, id)) => {
                let c = accounts::get(&state.store, holder, id)
                    .await?
                    .ok_or_else(|| Failure::internal(&format!("account {id} vanished")))?;
                (
                    Some(c.session_epoch),
                    c.must_change_password && !by_provider,
                )
            }
            None => (None, false),
        };
        let id = random_secret(32)?;
        let t = now();
        let record = Record {
            principal,
            tenant: site.tenant.id,
            lang: site.lang,
            csrf: random_secret(32)?,
            created: t,
            seen: t,
            epoch,
            must_change_password,
            totp_enrolment: None,
        };
        let key = cache_key(&id);
        save(state, &key, &record).await?;
        Ok(NewSession {
            set_cookie: set_cookie(state, &id, None)?,
            csrf: record.csrf.clone(),
            session: session_of(&record, key),
        })
    }

    /// Ends a session and returns the `Set-Cookie` value that clears the cookie.
    pub async fn revoke(state: &AppState, session: &Session) -> Result<HeaderValue, Failure> {
        if let Some(key) = &session.key {
            state
                .cache
                .delete(key)
                .await
                .map_err(|e| Failure::unavailable(&e))?;
        }
        Self::clear_cookie(state)
    }

    /// The `Set-Cookie` value that removes the session cookie from the browser.
    pub fn clear_cookie(state: &AppState) -> Result<HeaderValue, Failure> {
        set_cookie(state, "", Some(0))
    }

    /// Forgets this node's copy of an account's epoch, after changing it here, so that its
    /// sessions end on this node at once (other nodes follow within a second).
    pub fn forget(&self, holder: Holder, id: i64) {
        self.epochs.invalidate(&(holder, id));
    }

    async fn check(
        &self,
        state: &AppState,
        holder: Holder,
        id: i64,
    ) -> Result<Option<SessionCheck>, Failure> {
        if let Some(c) = self.epochs.get(&(holder, id)) {
            return Ok(c);
        }
        let c = accounts::session_check(&state.store, holder, id).await?;
        self.epochs.insert((holder, id), c);
        Ok(c)
    }

    /// The live session of a cookie on `site`'s host, refreshing its idle timeout; `None` when
    /// it is unknown, ended, of another tenant, or its account's epoch moved on.
    pub(crate) async fn resolve(
        state: &AppState,
        site: &Site,
        id: &str,
    ) -> Result<Option<Session>, Failure> {
        let key = cache_key(id);
        let Some(mut record) = load(state, &key).await? else {
            return Ok(None);
        };
        if record.tenant != site.tenant.id {
            // Another tenant's session: not for this host; it stays valid on its own.
            return Ok(None);
        }
        let t = now();
        let mut live = t < record.expires_at() && t < record.seen + secs(IDLE_TIMEOUT);
        if live && let Some((holder, account)) = record.principal.credential() {
            live = matches!(
                state.sessions.check(state, holder, account).await?,
                Some(c) if !c.disabled && Some(c.epoch) == record.epoch
            );
        }
        if !live {
            let _ = state.cache.delete(&key).await;
            return Ok(None);
        }
        if t - record.seen >= TOUCH_EVERY {
            record.seen = t;
            save(state, &key, &record).await?;
        }
        Ok(Some(session_of(&record, key)))
    }

    /// Changes a live session's record.
    pub(crate) async fn update(
        state: &AppState,
        session: &Session,
        change: impl FnOnce(&mut Record),
    ) -> Result<Option<Record>, Failure> {
        let Some(key) = &session.key else {
            return Ok(None);
        };
        let Some(mut record) = load(state, key).await? else {
            return Ok(None);
        };
        change(&mut record);
        save(state, key, &record).await?;
        Ok(Some(record))
    }

    /// A live session's record.
    pub(crate) async fn record(
        state: &AppState,
        session: &Session,
    ) -> Result<Option<Record>, Failure> {
        match &session.key {
            Some(key) => load(state, key).await,
            None => Ok(None),
        }
    }
}

fn session_of(record: &Record, key: String) -> Session {
    Session {
        principal: record.principal.clone(),
        csrf: Some(record.csrf.clone()),
        lang: record.lang,
        must_change_password: record.must_change_password,
        expires_at: at(record.expires_at()),
        key: Some(key),
    }
}

async fn load(state: &AppState, key: &str) -> Result<Option<Record>, Failure> {
    let bytes = state
        .cache
        .get(key)
        .await
        .map_err(|e| Failure::unavailable(&e))?;
    Ok(bytes.and_then(|b| match serde_json::from_slice(&b) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!(error = %e, "unreadable session record ignored");
            None
        }
    }))
}

async fn save(state: &AppState, key: &str, record: &Record) -> Result<(), Failure> {
    let bytes = serde_json::to_vec(record).map_err(|e| Failure::internal(&e))?;
    state
        .cache
        .set(key, &bytes, record.ttl(now()))
        .await
        .map_err(|e| Failure::unavailable(&e))
}
