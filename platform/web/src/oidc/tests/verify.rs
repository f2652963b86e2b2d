//! ID token verification against keys the test holds: both accepted signature families, and each
//! way a token can be wrong.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreHmacKey, CoreJsonWebKey, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, AuthenticationContextClass, ClientId, EndUserFamilyName, EndUserGivenName,
    EndUserMiddleName, EndUserName, IdTokenClaims, IssuerUrl, JsonWebKey, JsonWebKeyId, Nonce,
    PrivateSigningKey, StandardClaims, SubjectIdentifier, UserInfoClaims,
};
use serde_json::json;

use super::*;
use crate::dev_oidc::key::DevKey;

const ISSUER: &str = "https://provider.test";
const CLIENT: &str = "motcua";
const NONCE: &str = "nonce-of-this-sign-in";

const ES256: CoreJwsSigningAlgorithm = CoreJwsSigningAlgorithm::EcdsaP256Sha256;
const RS256: CoreJwsSigningAlgorithm = CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256;

fn rsa_key() -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(
        include_str!("rsa-test-key.pem"),
        Some(JsonWebKeyId::new("rsa-1".to_owned())),
    )
    .expect("the test key")
}

fn claims() -> VerifiedClaims {
    let now = Utc::now();
    let mut extra = BTreeMap::new();
    extra.insert("citizen_id".to_owned(), json!("038095001234"));
    IdTokenClaims::new(
        IssuerUrl::new(ISSUER.to_owned()).unwrap(),
        vec![Audience::new(CLIENT.to_owned())],
        now + Duration::minutes(5),
        now,
        StandardClaims::new(SubjectIdentifier::new("citizen-1".to_owned()))
            .set_name(Some(EndUserName::new("Nguyễn Văn An".to_owned()).into())),
        CitizenClaims { claims: extra },
    )
    .set_nonce(Some(Nonce::new(NONCE.to_owned())))
    .set_auth_context_ref(Some(AuthenticationContextClass::new("LoA2".to_owned())))
}

fn sign<K>(key: &K, alg: CoreJwsSigningAlgorithm, claims: VerifiedClaims) -> String
where
    K: PrivateSigningKey<VerificationKey = CoreJsonWebKey>,
{
    CitizenIdToken::new(claims, key, alg, None, None)
        .expect("signed")
        .to_string()
}

fn keys() -> CoreJsonWebKeySet {
    CoreJsonWebKeySet::new(vec![
        rsa_key().as_verification_key(),
        es_key().as_verification_key(),
    ])
}

/// One EC key for the whole test binary, so that the key set and the tokens agree.
fn es_key() -> &'static DevKey {
    static KEY: std::sync::OnceLock<DevKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| DevKey::generate().expect("a key"))
}

fn check(raw: &str) -> Result<VerifiedClaims, TokenRefusal> {
    check_with(raw, &keys(), &[RS256, ES256])
}

fn check_with(
    raw: &str,
    keys: &CoreJsonWebKeySet,
    algs: &[CoreJwsSigningAlgorithm],
) -> Result<VerifiedClaims, TokenRefusal> {
    let issuer = IssuerUrl::new(ISSUER.to_owned()).unwrap();
    let nonce = Nonce::new(NONCE.to_owned());
    id_token(
        raw,
        keys,
        algs,
        &Expected {
            issuer: &issuer,
            client_id: CLIENT,
            nonce: &nonce,
            now: Utc::now(),
        },
    )
}

fn refused(raw: &str, why: &str) {
    match check(raw) {
        Err(TokenRefusal::Invalid(cause)) => {
            assert!(cause.contains(why), "expected `{why}` in: {cause}");
        }
        other => panic!("expected a refusal for {why}, got {other:?}"),
    }
}

#[test]
fn es256_and_rs256_tokens_verify_against_the_key_set() {
    for raw in [
        sign(es_key(), ES256, claims()),
        sign(&rsa_key(), RS256, claims()),
    ] {
        let claims = check(&raw).expect("valid");
        assert_eq!(claims.subject().as_str(), "citizen-1");
        assert_eq!(claims.auth_context_ref().map(|a| a.as_str()), Some("LoA2"));
    }
}

#[test]
fn a_tampered_payload_breaks_the_signature() {
    let raw = sign(es_key(), ES256, claims());
    let parts: Vec<&str> = raw.split('.').collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("someone-else");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    refused(&forged, "ignature");
}

#[test]
fn a_token_from_another_key_with_a_known_key_id_is_refused() {
    let impostor = DevKey::generate().unwrap();
    // Same key id as the real key: the key set has it, the signature does not match.
    let raw = sign(&impostor, ES256, claims());
    let kid = impostor.as_verification_key().key_id().cloned().unwrap();
    let keys = CoreJsonWebKeySet::new(vec![CoreJsonWebKey::new_ec(
        es_key_xy().0,
        es_key_xy().1,
        openidconnect::core::CoreJsonCurveType::P256,
        Some(kid),
    )]);
    assert!(matches!(
        check_with(&raw, &keys, &[ES256]),
        Err(TokenRefusal::Invalid(_))
    ));
}

fn es_key_xy() -> (Vec<u8>, Vec<u8>) {
    let jwk = serde_json::to_value(es_key().as_verification_key()).unwrap();
    let coordinate = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap();
    (coordinate("x"), coordinate("y"))
}

#[test]
fn a_key_the_set_lacks_is_told_apart_so_that_the_keys_can_be_refetched() {
    let rotated = DevKey::generate().unwrap();
    let raw = sign(&rotated, ES256, claims());
    assert!(matches!(check(&raw), Err(TokenRefusal::UnknownKey)));
}

#[test]
fn expiry_allows_a_minute_of_clock_skew_and_no_more() {
    let now = Utc::now();
    let just_expired = claims()
        .set_issue_time(now - Duration::minutes(10))
        .set_expiration(now - Duration::seconds(20));
    check(&sign(es_key(), ES256, just_expired)).expect("within the leeway");
    let expired = claims()
        .set_issue_time(now - Duration::minutes(10))
        .set_expiration(now - Duration::seconds(90));
    refused(&sign(es_key(), ES256, expired), "Expired");
    let future = claims().set_issue_time(now + Duration::minutes(5));
    refused(&sign(es_key(), ES256, future), "future");
}

#[test]
fn nonce_issuer_audience_and_authorized_party_must_be_ours() {
    refused(
        &sign(
            es_key(),
            ES256,
            claims().set_nonce(Some(Nonce::new("another".to_owned()))),
        ),
        "nonce",
    );
    refused(&sign(es_key(), ES256, claims().set_nonce(None)), "nonce");
    refused(
        &sign(
            es_key(),
            ES256,
            claims().set_issuer(IssuerUrl::new("https://elsewhere.test".to_owned()).unwrap()),
        ),
        "ssuer",
    );
    refused(
        &sign(
            es_key(),
            ES256,
            claims().set_audiences(vec![Audience::new("another-client".to_owned())]),
        ),
        "udience",
    );
    refused(
        &sign(
            es_key(),
            ES256,
            claims().set_audiences(vec![
                Audience::new(CLIENT.to_owned()),
                Audience::new("another-client".to_owned()),
            ]),
        ),
        "udience",
    );
    refused(
        &sign(
            es_key(),
            ES256,
            claims().set_authorized_party(Some(ClientId::new("another-client".to_owned()))),
        ),
        "authorized party",
    );
    check(&sign(
        es_key(),
        ES256,
        claims().set_authorized_party(Some(ClientId::new(CLIENT.to_owned()))),
    ))
    .expect("our own client id as the authorized party");
}

#[test]
fn only_advertised_asymmetric_algorithms_are_accepted() {
    let es = sign(es_key(), ES256, claims());
    assert!(matches!(
        check_with(&es, &keys(), &[RS256]),
        Err(TokenRefusal::Invalid(_))
    ));
    let hmac = CoreHmacKey::new(b"a client secret of the platform".to_vec());
    let raw = CitizenIdToken::new(
        claims(),
        &hmac,
        CoreJwsSigningAlgorithm::HmacSha256,
        None,
        None,
    )
    .unwrap()
    .to_string();
    assert!(check(&raw).is_err(), "HS256 is refused");
    let payload = raw.split('.').nth(1).unwrap();
    let unsigned = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
    assert!(check(&unsigned).is_err(), "alg none is refused");
    assert_eq!(
        accepted_algs(&[CoreJwsSigningAlgorithm::HmacSha256, ES256, RS256]),
        vec![RS256, ES256]
    );
    assert_eq!(accepted_algs(&[]), vec![RS256]);
}

#[test]
fn levels_of_assurance_rank_by_the_configured_order() {
    let order: Vec<String> = ["LoA1", "LoA2", "LoA3", "LoA4"].map(String::from).to_vec();
    let policy = AcrPolicy {
        requested: vec!["LoA2".into()],
        order: order.clone(),
    };
    assert!(policy.accepts(Some("LoA2")));
    assert!(policy.accepts(Some("LoA3")));
    assert!(!policy.accepts(Some("LoA1")));
    assert!(!policy.accepts(Some("urn:unknown")));
    assert!(!policy.accepts(None));
    assert_eq!(policy.lowest(), "LoA2");
    let both = AcrPolicy {
        requested: vec!["LoA3".into(), "LoA2".into()],
        order: order.clone(),
    };
    assert!(both.accepts(Some("LoA2")));
    assert_eq!(both.lowest(), "LoA2");
    let named = AcrPolicy {
        requested: vec!["urn:level:high".into()],
        order,
    };
    assert!(named.accepts(Some("urn:level:high")));
    assert!(!named.accepts(Some("LoA4")));
    assert!(AcrPolicy::default().accepts(None));
}

#[test]
fn identity_takes_userinfo_first_and_a_valid_citizen_number_only() {
    let issuer = IssuerUrl::new(ISSUER.to_owned()).unwrap();
    let id = identity(&issuer, &claims(), None, "citizen_id");
    assert_eq!(id.issuer, ISSUER);
    assert_eq!(id.subject, "citizen-1");
    assert_eq!(id.name, "Nguyễn Văn An");
    assert_eq!(id.citizen_id.as_deref(), Some("038095001234"));
    assert_eq!(id.acr.as_deref(), Some("LoA2"));

    let mut extra = BTreeMap::new();
    extra.insert("cccd".to_owned(), json!(79190000123_u64));
    let info = UserInfoClaims::new(
        StandardClaims::new(SubjectIdentifier::new("citizen-1".to_owned()))
            .set_family_name(Some(EndUserFamilyName::new("Trần".to_owned()).into()))
            .set_middle_name(Some(EndUserMiddleName::new("Thị".to_owned()).into()))
            .set_given_name(Some(EndUserGivenName::new("Bình".to_owned()).into())),
        CitizenClaims { claims: extra },
    );
    let id = identity(&issuer, &claims(), Some(&info), "cccd");
    assert_eq!(id.name, "Trần Thị Bình", "family, middle, given");
    assert_eq!(
        id.citizen_id, None,
        "a number that lost its leading zero is not a citizen identity number"
    );

    let mut extra = BTreeMap::new();
    extra.insert("cccd".to_owned(), json!(" 079190000123 "));
    let info = UserInfoClaims::new(
        StandardClaims::new(SubjectIdentifier::new("citizen-1".to_owned())),
        CitizenClaims { claims: extra },
    );
    let id = identity(&issuer, &claims(), Some(&info), "cccd");
    assert_eq!(
        id.name, "Nguyễn Văn An",
        "the ID token's name when userinfo has none"
    );
    assert_eq!(id.citizen_id.as_deref(), Some("079190000123"));
}
