//! DEVELOPMENT ONLY: a built-in OpenID provider with a few demo citizens, so that the embedded
//! demo signs citizens in through the very same relying-party code ([`crate::oidc`]) as the
//! national portal, without one.
//!
//! It is served by the node itself under `/dev-oidc/` (discovery, authorize, token, JWKS,
//! userinfo), signs ID tokens with an ES256 key generated at start-up, asks for no password, and
//! says so on every page: "DEVELOPMENT SIGN-IN — not the national portal". The server's
//! configuration enables it only in development mode and refuses it in production.
//!
//! It follows the rules a real provider must, so that the demo exercises the relying party
//! honestly: the client id and a secret generated at start-up are required at the token
//! endpoint (Basic or in the body); redirect URIs are the `/auth/callback` of this node's tenant
//! hosts only; PKCE S256 and a nonce are required; a code is good once, for a minute, with its
//! verifier; access tokens last ten minutes. Codes and tokens live in the cache.

mod citizens;
mod endpoints;
pub(crate) mod key;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::AppState;
use crate::oidc::{ClientAuth, ClientSecret, Settings};

pub use citizens::{DEMO_CITIZENS, DemoCitizen};

/// Where the development provider is served on the node.
pub const PATH: &str = "/dev-oidc";

/// The client id the development provider knows.
pub const CLIENT_ID: &str = "motcua-development";

/// The development provider.
#[derive(Clone, Debug)]
pub struct DevProvider {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    issuer: String,
    client_secret: String,
    citizen_id_claim: String,
    key: key::DevKey,
}

/// What went wrong starting the development provider.
#[derive(Debug, thiserror::Error)]
#[error("the development sign-in provider cannot start: {0}")]
pub struct DevProviderError(String);

impl DevProvider {
    /// A provider whose issuer is `issuer` (see [`DevProvider::issuer_for`]), naming the citizen
    /// identity number `citizen_id_claim` in its tokens.
    pub fn new(
        issuer: impl Into<String>,
        citizen_id_claim: &str,
    ) -> Result<Self, DevProviderError> {
        let key = key::DevKey::generate().map_err(DevProviderError)?;
        Ok(Self {
            inner: Arc::new(Inner {
                issuer: issuer.into().trim_end_matches('/').to_owned(),
                client_secret: openidconnect::CsrfToken::new_random_len(32).into_secret(),
                citizen_id_claim: citizen_id_claim.to_owned(),
                key,
            }),
        })
    }

    /// The issuer of a provider served by a node listening on `addr`: `localhost` on that port
    /// when the node listens on a loopback or every address (browsers and the node itself both
    /// reach it there), else the address itself.
    pub fn issuer_for(addr: SocketAddr) -> String {
        let ip = addr.ip();
        let host = if ip.is_loopback() || ip.is_unspecified() {
            "localhost".to_owned()
        } else if ip.is_ipv6() {
            format!("[{ip}]")
        } else {
            ip.to_string()
        };
        format!("http://{host}:{}{PATH}", addr.port())
    }

    /// Its issuer identifier.
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The relying-party settings that sign in through this provider, requesting
    /// `acr_values` (ranked by `acr_order`) and `scopes`.
    pub fn relying_party_settings(
        &self,
        acr_values: Vec<String>,
        acr_order: Vec<String>,
        scopes: Vec<String>,
    ) -> Settings {
        Settings {
            issuer: self.inner.issuer.clone(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: ClientSecret(self.inner.client_secret.clone()),
            client_auth: ClientAuth::Basic,
            acr_values,
            acr_order,
            citizen_id_claim: self.inner.citizen_id_claim.clone(),
            scopes,
        }
    }
}

/// The provider's routes on the node, when it is enabled.
pub(crate) fn routes(enabled: bool) -> Router<AppState> {
    if !enabled {
        return Router::new();
    }
    Router::new()
        .route(
            "/dev-oidc/.well-known/openid-configuration",
            get(endpoints::discovery),
        )
        .route("/dev-oidc/jwks", get(endpoints::jwks))
        .route(
            "/dev-oidc/authorize",
            get(endpoints::authorize_page).post(endpoints::authorize_decision),
        )
        .route("/dev-oidc/token", axum::routing::post(endpoints::token))
        .route(
            "/dev-oidc/userinfo",
            get(endpoints::userinfo).post(endpoints::userinfo),
        )
        .route("/dev-oidc/style.css", get(endpoints::style))
}
