//! Time-based one-time passwords (RFC 6238): the optional second factor of officials and
//! operators, as authenticator apps compute them — HMAC-SHA1, six digits, 30-second steps.
//!
//! A code is accepted for the current step and one step either side (clocks drift, people type
//! slowly). Each code serves once: the caller records the step a code was accepted for and
//! refuses that step, or an earlier one, afterwards (`motcua_store::accounts::use_totp_step`).

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of the current one.
pub const SKEW: u64 = 1;

/// A fresh random secret of 160 bits (the size RFC 4226 recommends), in base32 as apps take it.
pub fn generate_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)?;
    Ok(BASE32_NOPAD.encode(&bytes))
}

/// The secret's bytes, from base32 (spaces and case ignored, as apps show it in groups).
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    let cleaned: String = secret
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

/// The code of time step `step` with `digits` digits (RFC 4226 HOTP on the step counter).
pub fn code_at(key: &[u8], step: u64, digits: u32) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        // HMAC takes keys of any length; this branch is unreachable.
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The time step of a Unix time.
pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The step whose code `code` is at `unix_seconds` (within the skew), or `None`. Every candidate
/// is compared in constant time.
pub fn verify(key: &[u8], code: &str, unix_seconds: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_seconds);
    let mut found = None;
    for step in now.saturating_sub(SKEW)..=now + SKEW {
        let expected = format!(
            "{:0width$}",
            code_at(key, step, DIGITS),
            width = DIGITS as usize
        );
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `otpauth://` URI that authenticator apps read (usually from a QR code).
pub fn uri(secret: &str, issuer: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent_encode(issuer),
        percent_encode(account),
        percent_encode(issuer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 seed and the eight-digit codes at each test time.
    #[test]
    fn rfc_6238_test_vectors() {
        let key = b"12345678901234567890";
        for (time, code) in [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code_at(key, step_of(time), 8), code, "T = {time}");
        }
    }

    /// RFC 4226, appendix D: six-digit HOTP values for counters 0..9.
    #[test]
    fn rfc_4226_test_vectors() {
        let key = b"12345678901234567890";
        let expected = [
            755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871,
            520_489,
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(code_at(key, counter as u64, 6), *code);
        }
    }

    #[test]
    fn codes_verify_within_one_step_either_side() {
        let key = b"12345678901234567890";
        let t = 1_111_111_111;
        let now = step_of(t);
        let code = |step| format!("{:06}", code_at(key, step, 6));
        assert_eq!(verify(key, &code(now), t), Some(now));
        assert_eq!(verify(key, &code(now - 1), t), Some(now - 1));
        assert_eq!(verify(key, &code(now + 1), t), Some(now + 1));
        assert_eq!(verify(key, &code(now - 2), t), None);
        assert_eq!(verify(key, &code(now + 2), t), None);
        assert_eq!(verify(key, "12345", t), None);
        assert_eq!(verify(key, "abcdef", t), None);
        let spaced = format!("{} {}", &code(now)[..3], &code(now)[3..]);
        assert_eq!(verify(key, &spaced, t), Some(now));
    }

    #[test]
    fn secrets_round_trip_through_base32_and_the_uri_names_the_account() {
        let secret = generate_secret().unwrap();
        assert_eq!(secret.len(), 32);
        assert_eq!(decode_secret(&secret).unwrap().len(), 20);
        assert_eq!(
            decode_secret("gezd gnbv gy3t qojq").unwrap(),
            b"1234567890".to_vec()
        );
        let uri = uri("GEZDGNBVGY3TQOJQ", "Mộtcửa Thanh Hóa", "can.bo");
        assert!(uri.starts_with("otpauth://totp/M%E1%BB%99tc%E1%BB%ADa%20Thanh%20H%C3%B3a:can.bo?secret=GEZDGNBVGY3TQOJQ&issuer="), "{uri}");
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"));
    }
}
