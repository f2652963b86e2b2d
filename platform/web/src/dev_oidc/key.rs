//! The development provider's signing key: an ECDSA P-256 key (ES256) generated at start-up and
//! never stored, so that every start of the demo has a new one and nothing signed by it outlives
//! the process.

use openidconnect::core::{CoreJsonCurveType, CoreJsonWebKey, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKeyId, PrivateSigningKey, SigningError};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate;

/// An ES256 signing key with its key id.
pub(crate) struct DevKey {
    key: SigningKey,
    kid: JsonWebKeyId,
}

impl std::fmt::Debug for DevKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevKey")
            .field("kid", &self.kid.as_str())
            .finish_non_exhaustive()
    }
}

impl DevKey {
    /// A new random key.
    pub(crate) fn generate() -> Result<Self, String> {
        let key = SigningKey::try_generate().map_err(|e| format!("no randomness: {e}"))?;
        let kid = JsonWebKeyId::new(format!(
            "dev-{}",
            openidconnect::CsrfToken::new_random_len(8).secret()
        ));
        Ok(Self { key, kid })
    }
}

impl PrivateSigningKey for DevKey {
    type VerificationKey = CoreJsonWebKey;

    fn sign(
        &self,
        signature_alg: &CoreJwsSigningAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, SigningError> {
        match signature_alg {
            CoreJwsSigningAlgorithm::EcdsaP256Sha256 => {
                let signature: Signature = self.key.sign(message);
                Ok(signature.to_bytes().to_vec())
            }
            other => Err(SigningError::UnsupportedAlg(format!("{other:?}"))),
        }
    }

    fn as_verification_key(&self) -> CoreJsonWebKey {
        let point = self.key.verifying_key().to_sec1_point(false);
        CoreJsonWebKey::new_ec(
            point.x().map(|x| x.to_vec()).unwrap_or_default(),
            point.y().map(|y| y.to_vec()).unwrap_or_default(),
            CoreJsonCurveType::P256,
            Some(self.kid.clone()),
        )
    }
}
