//! Checking what the provider sent back: the ID token (signature against the provider's keys,
//! issuer, audience, authorized party, expiry with a minute of leeway, issue time, nonce), the
//! level of assurance, and the claims that become the citizen's identity.
//!
//! Only asymmetric signatures are accepted (RS*, PS*, ES*, EdDSA), and of those only what the
//! provider says it uses: an ID token signed with the client secret or not signed at all is
//! refused. The citizen identity number is read from a configurable claim and kept only when it
//! is a well-formed 12-digit number.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use motcua_core::dossier::CitizenId;
use openidconnect::core::{
    CoreGenderClaim, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, ClaimsVerificationError, ClientId, IdToken, IdTokenClaims, IssuerUrl, Nonce,
    SignatureVerificationError, UserInfoClaims,
};
use serde::{Deserialize, Serialize};

use crate::session::CitizenIdentity;

/// How far the platform's clock and the provider's may disagree.
pub(super) const LEEWAY: Duration = Duration::seconds(60);

/// The claims beyond the standard ones, kept whole so that the citizen identity number can be
/// read from whichever claim the provider uses.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct CitizenClaims {
    /// Every claim by name.
    #[serde(flatten)]
    pub claims: BTreeMap<String, serde_json::Value>,
}

impl AdditionalClaims for CitizenClaims {}

/// An ID token with the citizen's claims.
pub type CitizenIdToken = IdToken<
    CitizenClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The verified claims of an ID token.
pub(super) type VerifiedClaims = IdTokenClaims<CitizenClaims, CoreGenderClaim>;

/// Userinfo with the citizen's claims.
pub(super) type CitizenUserInfo = UserInfoClaims<CitizenClaims, CoreGenderClaim>;

/// The signature algorithms the platform accepts for ID tokens.
const ASYMMETRIC: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// The algorithms to accept from a provider that advertises `advertised` (RS256 when it says
/// nothing, as OpenID Connect Discovery prescribes).
pub(super) fn accepted_algs(
    advertised: &[CoreJwsSigningAlgorithm],
) -> Vec<CoreJwsSigningAlgorithm> {
    if advertised.is_empty() {
        return vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256];
    }
    ASYMMETRIC
        .into_iter()
        .filter(|alg| advertised.contains(alg))
        .collect()
}

/// What the ID token must say.
#[derive(Debug)]
pub(super) struct Expected<'a> {
    /// The issuer.
    pub issuer: &'a IssuerUrl,
    /// The platform's client id (the audience, and the authorized party when one is named).
    pub client_id: &'a str,
    /// The nonce of the sign-in.
    pub nonce: &'a Nonce,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Why an ID token is refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum TokenRefusal {
    /// It is signed with a key the provider's key set lacks (perhaps rotated since it was
    /// fetched).
    #[error("the ID token is signed with a key the provider's key set lacks")]
    UnknownKey,
    /// Anything else: a bad signature, another issuer or audience, expired, wrong nonce, ...
    #[error("{0}")]
    Invalid(String),
}

/// Verifies `raw` and returns its claims.
pub(super) fn id_token(
    raw: &str,
    keys: &CoreJsonWebKeySet,
    algs: &[CoreJwsSigningAlgorithm],
    expected: &Expected<'_>,
) -> Result<VerifiedClaims, TokenRefusal> {
    let token: CitizenIdToken = raw
        .parse()
        .map_err(|e| TokenRefusal::Invalid(format!("the ID token does not parse: {e}")))?;
    let now = expected.now;
    let verifier = CoreIdTokenVerifier::new_public_client(
        ClientId::new(expected.client_id.to_owned()),
        expected.issuer.clone(),
        keys.clone(),
    )
    .set_allowed_algs(algs.iter().cloned())
    // Expiry is checked against "now" moved back by the leeway; `iat` may be ahead of our
    // clock by as much.
    .set_time_fn(move || now - LEEWAY)
    .set_issue_time_verifier_fn(move |iat| {
        if iat > now + LEEWAY {
            Err(format!("issued in the future ({iat})"))
        } else {
            Ok(())
        }
    });
    match token.claims(&verifier, expected.nonce) {
        // The library leaves `azp` to its users (a token for several audiences is already
        // refused there): when present, it must name this platform.
        Ok(claims) => match claims.authorized_party() {
            Some(azp) if azp.as_str() != expected.client_id => Err(TokenRefusal::Invalid(format!(
                "the authorized party is `{}`, not this platform",
                azp.as_str()
            ))),
            _ => Ok(claims.clone()),
        },
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => Err(TokenRefusal::UnknownKey),
        Err(e) => Err(TokenRefusal::Invalid(super::provider::error_chain(&e))),
    }
}

/// The levels of assurance requested and how they rank.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct AcrPolicy {
    /// Requested as `acr_values`; empty: any level, or none, is accepted.
    pub requested: Vec<String>,
    /// Known levels, lowest first.
    pub order: Vec<String>,
}

impl AcrPolicy {
    /// Whether an ID token with `acr` is good enough: its level was requested, or it ranks at or
    /// above the lowest requested level.
    pub(super) fn accepts(&self, acr: Option<&str>) -> bool {
        if self.requested.is_empty() {
            return true;
        }
        let Some(acr) = acr else {
            return false;
        };
        if self.requested.iter().any(|r| r == acr) {
            return true;
        }
        let rank = |value: &str| self.order.iter().position(|o| o == value);
        let lowest = self.requested.iter().filter_map(|r| rank(r)).min();
        matches!((rank(acr), lowest), (Some(got), Some(low)) if got >= low)
    }

    /// The lowest level accepted, to name it to the citizen.
    pub(super) fn lowest(&self) -> String {
        let rank = |value: &str| self.order.iter().position(|o| o == value);
        self.requested
            .iter()
            .min_by_key(|r| rank(r).unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_default()
    }
}

/// The identity of the citizen from the verified ID token and, when the provider has one, its
/// userinfo (which wins: it may carry claims the ID token leaves out).
pub(super) fn identity(
    issuer: &IssuerUrl,
    claims: &VerifiedClaims,
    userinfo: Option<&CitizenUserInfo>,
    citizen_id_claim: &str,
) -> CitizenIdentity {
    let name = userinfo
        .and_then(|u| {
            let c = u.standard_claims();
            full_name([
                c.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
                c.family_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                c.middle_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                c.given_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                c.preferred_username().map(|n| n.to_string()),
            ])
        })
        .or_else(|| {
            full_name([
                claims
                    .name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                claims
                    .family_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                claims
                    .middle_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                claims
                    .given_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.to_string()),
                claims.preferred_username().map(|n| n.to_string()),
            ])
        })
        .unwrap_or_else(|| claims.subject().to_string());
    let raw_id = userinfo
        .and_then(|u| u.additional_claims().claims.get(citizen_id_claim))
        .or_else(|| claims.additional_claims().claims.get(citizen_id_claim))
        .and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    let citizen_id = raw_id.and_then(|raw| match CitizenId::parse(&raw) {
        Some(id) => Some(id.as_str().to_owned()),
        None => {
            tracing::warn!(
                claim = citizen_id_claim,
                "the provider's citizen identity number is not 12 digits; ignored"
            );
            None
        }
    });
    CitizenIdentity {
        issuer: issuer.to_string(),
        subject: claims.subject().to_string(),
        name,
        citizen_id,
        acr: claims.auth_context_ref().map(|a| a.to_string()),
    }
}

/// The full name from `[name, family_name, middle_name, given_name, preferred_username]`:
/// `name`, else family, middle and given names in Vietnamese order, else the user name.
fn full_name([name, family, middle, given, preferred]: [Option<String>; 5]) -> Option<String> {
    let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(name) = text(name) {
        return Some(name);
    }
    let parts: Vec<String> = [family, middle, given]
        .into_iter()
        .filter_map(text)
        .collect();
    if !parts.is_empty() {
        return Some(parts.join(" "));
    }
    text(preferred)
}

#[cfg(test)]
#[path = "tests/verify.rs"]
mod tests;
