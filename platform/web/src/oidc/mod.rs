//! Citizens' and businesses' sign-in through the national portal's single sign-on: the platform
//! is an OpenID Connect relying party of one provider, configured per platform.
//!
//! The authorization-code flow with PKCE (S256), `state` and `nonce`:
//! 1. `GET /auth/sign-in?return=/path` on a tenant host stores a sign-in transaction (state,
//!    nonce, PKCE verifier, return path) in the cache for ten minutes, bound to a short-lived
//!    cookie ([`transaction`]), and sends the citizen to the provider with the requested levels
//!    of assurance (`acr_values`) and the host's language (`ui_locales`).
//! 2. `GET /auth/callback` on the same host takes the transaction once (a replayed callback finds
//!    it spent), checks `state`, exchanges the code at the token endpoint, validates the ID token
//!    ([`verify`]: signature against the provider's JWKS, issuer, audience, azp, expiry, nonce,
//!    level of assurance), reads userinfo, and opens the citizen's session.
//!
//! The callback comes back to the host the citizen started on, so that the rest of the visit
//! stays in that tenant and language: the provider's client must list every tenant host's
//! `https://<host>/auth/callback` as a redirect URI (see docs/operations.md).
//!
//! Every failure ends on a page in the citizen's language ([`failure`]); its technical cause is
//! logged there, once, and never shown.
//!
//! Officials of a tenant that configures its own provider sign in through the same flow
//! ([`officials`]), on `/auth/officials/sign-in` and `/auth/officials/callback`.

mod failure;
mod flow;
pub mod officials;
mod provider;
mod transaction;
mod verify;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use openidconnect::IssuerUrl;

use crate::AppState;

pub use failure::SignInFailure;
pub use officials::{
    MissingSecret, OFFICIAL_CALLBACK_PATH, OFFICIAL_SIGN_IN_PATH, OfficialFailure,
    OfficialProviders,
};
pub use verify::{CitizenClaims, CitizenIdToken};

/// The path of the callback on every tenant host: the redirect URI to register is
/// `<scheme>://<tenant host>[:port]` followed by this.
pub const CALLBACK_PATH: &str = "/auth/callback";

/// The path that starts a sign-in on a tenant host (`?return=/path` to come back to a page).
pub const SIGN_IN_PATH: &str = "/auth/sign-in";

/// How the platform authenticates itself at the provider's token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic authentication (the default of OpenID Connect).
    #[default]
    Basic,
    /// `client_secret_post`: the credentials in the form body.
    Post,
}

/// The provider's client secret; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(pub String);

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(***)")
    }
}

/// The settings of the relying party.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The provider's issuer identifier (its discovery document is under
    /// `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// The platform's client id at the provider.
    pub client_id: String,
    /// The platform's client secret at the provider.
    pub client_secret: ClientSecret,
    /// How to send the client credentials to the token endpoint.
    pub client_auth: ClientAuth,
    /// Levels of assurance to request (`acr_values`); empty requests none and accepts any.
    pub acr_values: Vec<String>,
    /// Known levels of assurance from the lowest to the highest: an ID token whose `acr` ranks at
    /// or above the lowest requested value is accepted even when it was not requested by name.
    pub acr_order: Vec<String>,
    /// The claim (in the ID token or userinfo) that carries the citizen identity number.
    pub citizen_id_claim: String,
    /// Scopes to request; `openid` is always requested.
    pub scopes: Vec<String>,
}

impl Settings {
    /// The level of assurance rules of these settings.
    fn acr_policy(&self) -> verify::AcrPolicy {
        verify::AcrPolicy {
            requested: self.acr_values.clone(),
            order: self.acr_order.clone(),
        }
    }
}

/// What went wrong setting up the relying party.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The issuer is not a URL.
    #[error("the issuer `{issuer}` is not a URL: {reason}")]
    Issuer {
        /// The issuer as configured.
        issuer: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The HTTP client cannot be built (TLS set-up).
    #[error("the HTTP client for the provider cannot be built: {0}")]
    Client(String),
}

/// The relying party: settings, the HTTP client towards the provider, and its cached discovery.
#[derive(Clone, Debug)]
pub struct RelyingParty {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: Settings,
    issuer: IssuerUrl,
    provider: provider::Provider,
}

impl RelyingParty {
    /// A relying party of the provider in `settings`. Nothing is fetched yet: discovery happens
    /// at the first sign-in, so a provider that is down does not stop the platform from starting.
    pub fn new(settings: Settings) -> Result<Self, SetupError> {
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|e| SetupError::Issuer {
            issuer: settings.issuer.clone(),
            reason: e.to_string(),
        })?;
        let provider = provider::Provider::new(
            issuer.clone(),
            Duration::from_secs(10),
            provider::DISCOVERY_TTL,
        )?;
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                issuer,
                provider,
            }),
        })
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }
}

/// The sign-in routes of a tenant host.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(SIGN_IN_PATH, get(flow::sign_in))
        .route(CALLBACK_PATH, get(flow::callback))
}

/// Officials' sign-in through their tenant's own provider, on every host of the tenant.
pub(crate) fn official_routes() -> Router<AppState> {
    Router::new()
        .route(OFFICIAL_SIGN_IN_PATH, get(officials::sign_in))
        .route(OFFICIAL_CALLBACK_PATH, get(officials::callback))
}
