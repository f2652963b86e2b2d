//! Signatures of the payment gateway's messages: HMAC-SHA256, in lowercase hex, over the
//! message's fields sorted by name (`name=value` pairs, percent-encoded, joined with `&`, the
//! `signature` field itself left out), with the tenant's key.
//!
//! A tenant's key is derived from the deployment's secret (`payments.secret`) and the tenant's
//! slug, so one tenant's key cannot sign another tenant's callbacks. HMAC is written out over
//! SHA-256 (RFC 2104) and checked against RFC 4231's test vectors below.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The field carrying a message's signature.
pub const SIGNATURE: &str = "signature";

const BLOCK: usize = 64;

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The key of tenant `slug` under the deployment's `secret`.
pub fn tenant_key(secret: &str, slug: &str) -> [u8; 32] {
    hmac_sha256(
        secret.as_bytes(),
        format!("motcua-payments/tenant/{slug}").as_bytes(),
    )
}

/// The signed text of `fields`.
pub fn canonical(fields: &BTreeMap<String, String>) -> String {
    fields
        .iter()
        .filter(|(k, _)| k.as_str() != SIGNATURE)
        .map(|(k, v)| {
            format!(
                "{}={}",
                crate::pages::urlencode(k),
                crate::pages::urlencode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature of `fields` under `key`.
pub fn sign(key: &[u8], fields: &BTreeMap<String, String>) -> String {
    data_encoding::HEXLOWER.encode(&hmac_sha256(key, canonical(fields).as_bytes()))
}

/// Whether the `signature` of `fields` is theirs under `key` (compared in constant time).
pub fn verify(key: &[u8], fields: &BTreeMap<String, String>) -> bool {
    let Some(given) = fields.get(SIGNATURE) else {
        return false;
    };
    let expected = sign(key, fields);
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            data_encoding::HEXLOWER.encode(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than a block.
        assert_eq!(
            data_encoding::HEXLOWER.encode(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_changed_field_or_another_tenant_key_fails() {
        let key = tenant_key("s3cret", "thanhhoa");
        let mut fields: BTreeMap<String, String> = [("order", "MC-1"), ("amount", "200000")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let sig = sign(&key, &fields);
        fields.insert(SIGNATURE.to_owned(), sig);
        assert!(verify(&key, &fields));
        assert!(!verify(&tenant_key("s3cret", "hochiminhcity"), &fields));
        fields.insert("amount".to_owned(), "1000".to_owned());
        assert!(!verify(&key, &fields));
    }
}
