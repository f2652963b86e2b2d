//! Passwords: the policy a new password must meet, and hashing with argon2id.
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`) with the parameters OWASP
//! recommends for argon2id (19 MiB of memory, two passes, one lane): verifying reads the
//! parameters from the stored string, so stronger parameters later do not break old hashes.
//! Hashing costs tens of milliseconds of CPU on purpose; callers run it off the async threads
//! ([`hash_blocking`], [`verify_blocking`]).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::i18n::Msg;

/// The shortest password accepted, in characters.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted, in characters (hashing an unbounded input is a way to tie up
/// a node).
pub const MAX_LENGTH: usize = 128;

/// Passwords that meet the length rule but that every guessing list tries first.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "111111111111",
    "000000000000",
    "123123123123",
    "abc123456789",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwerty123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "password1234",
    "password12345",
    "password123456",
    "passw0rd1234",
    "p@ssw0rd1234",
    "iloveyou1234",
    "welcome12345",
    "letmein12345",
    "administrator",
    "administrator1",
    "admin1234567",
    "admin@123456",
    "changeme1234",
    "motdentam123",
    "matkhau12345",
    "matkhau123456",
    "matkhaumoi123",
    "anhyeuem1234",
    "emyeuanh1234",
    "vietnam12345",
    "vietnam123456",
    "hanoi1234567",
    "saigon123456",
    "motcua123456",
    "dichvucong123",
    "dichvucong2024",
    "dichvucong2025",
    "dichvucong2026",
];

/// Why a password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Shorter than [`MIN_LENGTH`].
    TooShort,
    /// Longer than [`MAX_LENGTH`].
    TooLong,
    /// The same as the username.
    SameAsUsername,
    /// On the list of common passwords.
    Common,
}

impl Problem {
    /// What to tell the user.
    pub fn message(self) -> Msg {
        match self {
            Problem::TooShort => Msg::new(
                format!("Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."),
                format!("The password must have at least {MIN_LENGTH} characters."),
            ),
            Problem::TooLong => Msg::new(
                format!("Mật khẩu không được dài quá {MAX_LENGTH} ký tự."),
                format!("The password must not be longer than {MAX_LENGTH} characters."),
            ),
            Problem::SameAsUsername => Msg::new(
                "Mật khẩu không được trùng với tên đăng nhập.",
                "The password must not be the username.",
            ),
            Problem::Common => Msg::new(
                "Mật khẩu này quá phổ biến và dễ bị đoán; vui lòng chọn mật khẩu khác.",
                "This password is too common and easily guessed; please choose another.",
            ),
        }
    }

    /// A stable code for programs.
    pub fn code(self) -> &'static str {
        match self {
            Problem::TooShort => "password_too_short",
            Problem::TooLong => "password_too_long",
            Problem::SameAsUsername => "password_is_username",
            Problem::Common => "password_too_common",
        }
    }
}

/// Checks a new password for `username` against the policy.
pub fn check(password: &str, username: &str) -> Result<(), Problem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(Problem::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(Problem::TooLong);
    }
    let lower = password.to_lowercase();
    if lower == username.trim().to_lowercase() {
        return Err(Problem::SameAsUsername);
    }
    if COMMON.contains(&lower.as_str()) {
        return Err(Problem::Common);
    }
    Ok(())
}

/// Hashing failed (the system's random source, or a bug).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id recommendation (Password Storage Cheat Sheet): m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The argon2id PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the PHC string `stored`; an unreadable hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    argon2()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// Checks `password` against `stored`, or, when there is no account, against a dummy hash of
/// the same cost, so that the answer takes as long whether the username exists or not.
pub fn verify_or_dummy(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    match stored {
        Some(s) => verify(password, s),
        None => {
            let dummy = DUMMY.get_or_init(|| hash("not a password of anyone").unwrap_or_default());
            let _ = verify(password, dummy);
            false
        }
    }
}

/// [`hash`] on the blocking thread pool.
pub async fn hash_blocking(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

/// [`verify_or_dummy`] on the blocking thread pool.
pub async fn verify_blocking(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_or_dummy(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

/// A random password of 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I),
/// for accounts created from the command line: about 115 bits.
pub fn generate() -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte)?;
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(byte[0]) < limit {
            out.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_refuses_short_username_and_common_passwords() {
        assert_eq!(check("short", "nguyenvana"), Err(Problem::TooShort));
        assert_eq!(
            check("abcdefghijk", "x"),
            Err(Problem::TooShort),
            "11 characters"
        );
        // Characters, not bytes: 12 Vietnamese letters pass although they take more bytes.
        assert_eq!(check("đườngphốhànộ", "x"), Ok(()));
        assert_eq!(check("ôôôôôôôôôôô", "x"), Err(Problem::TooShort));
        assert_eq!(
            check("NguyenVanAn1990", "nguyenvanan1990"),
            Err(Problem::SameAsUsername)
        );
        assert_eq!(check("Password1234", "x"), Err(Problem::Common));
        assert_eq!(check("matkhau123456", "x"), Err(Problem::Common));
        assert_eq!(check(&"a".repeat(129), "x"), Err(Problem::TooLong));
        assert_eq!(check("sông Mã chảy về xuôi", "x"), Ok(()));
        for common in COMMON {
            assert!(
                common.chars().count() >= MIN_LENGTH,
                "{common} is unreachable"
            );
        }
    }

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = hash("sông Mã chảy về xuôi").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("sông Mã chảy về xuôi", &h));
        assert!(!verify("sông Mã chảy về ngược", &h));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(h, hash("sông Mã chảy về xuôi").unwrap(), "salted");
        assert!(!verify_or_dummy("anything", None));
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        check(&a, "someone").unwrap();
    }
}
