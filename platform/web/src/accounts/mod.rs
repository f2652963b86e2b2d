//! Officials' and operators' accounts on a tenant host: signing in with a password and, when
//! enrolled, a TOTP code; the forced change of an administrator-chosen password; TOTP
//! enrolment; signing out; and the tenant's API tokens.
//!
//! Pages work without JavaScript and speak the host's language; the JSON API under
//! `/api/v1/session` does the same for programs. Sign-in failures say the same thing whether
//! the username exists, the password is wrong or the account is locked, and take as long.
//!
//! Operators sign in on any tenant host, on their own page (`/van-hanh/dang-nhap`,
//! `/operator/sign-in`) or with `"operator": true` in the API, so that an operator's username
//! never competes with a tenant's officials'. Their session, like every session, is bound to the
//! host it was opened on.

mod api;
pub mod labels;
pub mod pages;
pub mod password;
mod settings;
mod sign_in;
pub(crate) mod tokens;
pub mod totp;

use axum::Router;
use axum::routing::{get, post};
use motcua_core::lang::Lang;

use crate::AppState;

pub use sign_in::{LOCKOUT, PENDING_LIFETIME, PER_CLIENT_PER_MINUTE, PER_USERNAME_PER_MINUTE};
pub use tokens::PREFIX as TOKEN_PREFIX;

/// The paths of the account pages in one language.
#[derive(Debug)]
pub struct Paths {
    /// Officials' sign-in.
    pub sign_in: &'static str,
    /// Operators' sign-in.
    pub operator_sign_in: &'static str,
    /// Sign-out (POST).
    pub sign_out: &'static str,
    /// Change of password.
    pub change_password: &'static str,
    /// TOTP enrolment.
    pub two_factor: &'static str,
}

const VI: Paths = Paths {
    sign_in: "/dang-nhap",
    operator_sign_in: "/van-hanh/dang-nhap",
    sign_out: "/dang-xuat",
    change_password: "/doi-mat-khau",
    two_factor: "/xac-thuc-hai-buoc",
};

const EN: Paths = Paths {
    sign_in: "/sign-in",
    operator_sign_in: "/operator/sign-in",
    sign_out: "/sign-out",
    change_password: "/change-password",
    two_factor: "/two-factor",
};

/// The account pages' paths on a host of `lang`.
pub fn paths(lang: Lang) -> &'static Paths {
    lang.pick(&VI, &EN)
}

/// The account pages and API of a tenant host (both languages' paths are routed; a page asked
/// for under the other language's path is redirected to this host's).
pub(crate) fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for p in [&VI, &EN] {
        router = router
            .route(p.sign_in, get(pages::sign_in_form).post(pages::sign_in))
            .route(
                p.operator_sign_in,
                get(pages::operator_sign_in_form).post(pages::operator_sign_in),
            )
            .route(p.sign_out, post(pages::sign_out))
            .route(
                p.change_password,
                get(settings::change_password_form).post(settings::change_password),
            )
            .route(
                p.two_factor,
                get(settings::two_factor_form).post(settings::two_factor),
            );
    }
    router
}

/// The account routes under `/api` (nested there with the rest of the API).
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/session",
            get(api::current).post(api::sign_in).delete(api::sign_out),
        )
        .route("/v1/session/password", post(api::change_password))
        .route("/v1/session/totp", post(api::start_totp))
        .route("/v1/session/totp/confirm", post(api::confirm_totp))
        .merge(token_routes().0)
}

/// The API token routes, which need the guard.
pub(crate) fn token_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/admin/tokens" [get, post] => get(tokens::list).post(tokens::create),
        "/v1/admin/tokens/{id}" [delete] => axum::routing::delete(tokens::revoke),
    }
}

/// Whether a username is acceptable for a new account: 3 to 64 characters among lowercase ASCII
/// letters, digits, `.`, `_` and `-`, starting with a letter or digit (so that it can be typed on
/// any keyboard and never looks like another).
pub fn valid_username(username: &str) -> bool {
    (3..=64).contains(&username.len())
        && username.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && username.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::valid_username;

    #[test]
    fn usernames_are_plain_lowercase_ascii() {
        for ok in ["nguyen.van.an", "tiepnhan01", "an_nv", "a-b", "007"] {
            assert!(valid_username(ok), "{ok}");
        }
        for bad in [
            "ab",
            "Nguyen",
            "nguyễn",
            ".an",
            "-an",
            "an nv",
            "an@x",
            &"a".repeat(65),
        ] {
            assert!(!valid_username(bad), "{bad}");
        }
    }
}
