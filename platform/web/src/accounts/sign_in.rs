//! Signing in, shared by the pages and the API: the password step, the TOTP step when the
//! account has one, rate limits and the lockout.
//!
//! - Every attempt counts against the client (20 a minute) and the username (10 a minute) in the
//!   cache, so one address cannot try many accounts nor many addresses one account quickly; past
//!   that: 429 with `Retry-After`.
//! - Five failures in a row (passwords or codes) lock the account for 15 minutes, in the
//!   database, so every node sees it. A locked account answers exactly like a wrong password.
//! - An unknown username costs the same argon2 work as a known one (a dummy hash is checked).
//! - A correct password for an account with TOTP gives a pending sign-in (a random token valid
//!   for five minutes, kept in the cache by its hash), which the code then completes.

use std::time::Duration;

use axum::http::StatusCode;
use motcua_store::TenantId;
use motcua_store::accounts::{self, Credential, Holder, Lockout};
use serde::{Deserialize, Serialize};

use super::{password, totp};
use crate::AppState;
use crate::client::ClientIp;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::{NewSession, Principal, Sessions, digest, random_secret};

/// Consecutive failures that lock an account, and for how long.
pub const LOCKOUT: Lockout = Lockout {
    max_failures: 5,
    lock_for: chrono::Duration::minutes(15),
};
/// Sign-in attempts (either step) allowed per client per minute.
pub const PER_CLIENT_PER_MINUTE: u32 = 20;
/// Sign-in attempts allowed per username per minute, from any client.
pub const PER_USERNAME_PER_MINUTE: u32 = 10;
/// How long a correct password waits for its TOTP code.
pub const PENDING_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Where a sign-in stands.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Signed in; the session may still have to change its password first.
    SignedIn(Box<NewSession>),
    /// The password was right; the TOTP code must follow with this pending token.
    CodeRequired {
        /// The pending sign-in's token.
        pending: String,
    },
}

/// A password accepted, waiting for its code.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    operator: bool,
    account: i64,
    tenant: TenantId,
    failures: u32,
}

impl Pending {
    fn holder(&self) -> Holder {
        if self.operator {
            Holder::Operator
        } else {
            Holder::Official(self.tenant)
        }
    }
}

pub(crate) fn failed() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        "sign_in_failed",
        Msg::new(
            "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa. Sau 5 lần nhập sai liên tiếp, tài khoản bị khóa 15 phút.",
            "The username or password is wrong, or the account is temporarily locked. After 5 wrong attempts in a row an account is locked for 15 minutes.",
        ),
    )
}

fn wrong_code() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        "invalid_code",
        Msg::new(
            "Mã xác thực không đúng, đã hết hạn hoặc đã được dùng. Vui lòng nhập mã mới trên ứng dụng xác thực.",
            "The code is wrong, expired or already used. Please enter the current code from your authenticator app.",
        ),
    )
}

fn expired() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        "sign_in_expired",
        Msg::new(
            "Lượt đăng nhập này đã hết hạn. Vui lòng đăng nhập lại.",
            "This sign-in has expired. Please sign in again.",
        ),
    )
}

fn pending_key(token: &str) -> String {
    format!("signin:{}", digest(token))
}

async fn limit(
    state: &AppState,
    client: &ClientIp,
    operator: bool,
    site: &Site,
    username: Option<&str>,
) -> Result<(), Failure> {
    state
        .rate_limit("sign-in", client, PER_CLIENT_PER_MINUTE)
        .await?;
    if let Some(username) = username {
        let scope = if operator {
            "operator".to_owned()
        } else {
            site.tenant.id.0.to_string()
        };
        let key = format!("{scope}:{}", digest(&accounts::normalize(username)));
        state
            .rate_limit_key("sign-in-user", &key, PER_USERNAME_PER_MINUTE)
            .await?;
    }
    Ok(())
}

fn principal(site: &Site, holder: Holder, c: &Credential) -> Principal {
    match holder {
        Holder::Official(_) => Principal::Official {
            tenant: site.tenant.id,
            account: c.id,
            username: c.username.clone(),
            name: c.name.clone(),
        },
        Holder::Operator => Principal::Operator {
            account: c.id,
            username: c.username.clone(),
            name: c.name.clone(),
        },
    }
}

async fn complete(
    state: &AppState,
    site: &Site,
    holder: Holder,
    c: &Credential,
) -> Result<Outcome, Failure> {
    accounts::record_success(&state.store, holder, c.id).await?;
    let session = Sessions::create(state, site, principal(site, holder, c)).await?;
    Ok(Outcome::SignedIn(Box::new(session)))
}

/// The password step.
pub(crate) async fn with_password(
    state: &AppState,
    site: &Site,
    client: &ClientIp,
    operator: bool,
    username: &str,
    password: &str,
) -> Result<Outcome, Failure> {
    limit(state, client, operator, site, Some(username)).await?;
    if !operator && crate::oidc::officials::passwords_off(site) {
        return Err(crate::oidc::officials::passwords_off_failure(site));
    }
    let holder = if operator {
        Holder::Operator
    } else {
        Holder::Official(site.tenant.id)
    };
    let found = if accounts::normalize(username).is_empty() {
        None
    } else {
        accounts::by_username(&state.store, holder, username).await?
    };
    let ok = password::verify_blocking(
        password.to_owned(),
        found.as_ref().map(|c| c.password_hash.clone()),
    )
    .await;
    let Some(c) = found else {
        return Err(failed());
    };
    if c.disabled || c.locked_at(chrono::Utc::now()) {
        return Err(failed());
    }
    if !ok {
        if let Some(until) = accounts::record_failure(&state.store, holder, c.id, LOCKOUT).await? {
            tracing::warn!(account = c.id, operator, %until, "account locked after repeated sign-in failures");
        }
        return Err(failed());
    }
    if c.totp_secret.is_some() {
        let token = random_secret(32)?;
        let pending = Pending {
            operator,
            account: c.id,
            tenant: site.tenant.id,
            failures: 0,
        };
        save_pending(state, &token, &pending).await?;
        return Ok(Outcome::CodeRequired { pending: token });
    }
    complete(state, site, holder, &c).await
}

async fn save_pending(state: &AppState, token: &str, pending: &Pending) -> Result<(), Failure> {
    let bytes = serde_json::to_vec(pending).map_err(|e| Failure::internal(&e))?;
    state
        .cache
        .set(&pending_key(token), &bytes, PENDING_LIFETIME)
        .await
        .map_err(|e| Failure::unavailable(&e))
}

/// The TOTP step of a pending sign-in.
pub(crate) async fn with_code(
    state: &AppState,
    site: &Site,
    client: &ClientIp,
    token: &str,
    code: &str,
) -> Result<Outcome, Failure> {
    limit(state, client, false, site, None).await?;
    let key = pending_key(token);
    let mut pending: Pending = match state.cache.get(&key).await {
        Ok(Some(bytes)) => serde_json::from_slice(&bytes).map_err(|_| expired())?,
        Ok(None) => return Err(expired()),
        Err(e) => return Err(Failure::unavailable(&e)),
    };
    if pending.tenant != site.tenant.id {
        return Err(expired());
    }
    let holder = pending.holder();
    let c = accounts::get(&state.store, holder, pending.account)
        .await?
        .filter(|c| !c.disabled && !c.locked_at(chrono::Utc::now()));
    let Some(c) = c else {
        let _ = state.cache.delete(&key).await;
        return Err(failed());
    };
    let secret = c.totp_secret.as_deref().and_then(totp::decode_secret);
    let unix = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let step = secret.and_then(|s| totp::verify(&s, code, unix));
    let fresh = match step {
        Some(step) => {
            accounts::use_totp_step(
                &state.store,
                holder,
                c.id,
                i64::try_from(step).unwrap_or(i64::MAX),
            )
            .await?
        }
        None => false,
    };
    if fresh {
        let _ = state.cache.delete(&key).await;
        return complete(state, site, holder, &c).await;
    }
    accounts::record_failure(&state.store, holder, c.id, LOCKOUT).await?;
    pending.failures += 1;
    if pending.failures >= u32::try_from(LOCKOUT.max_failures).unwrap_or(5) {
        let _ = state.cache.delete(&key).await;
    } else {
        save_pending(state, token, &pending).await?;
    }
    Err(wrong_code())
}

/// Checks the current password of a signed-in account (changing the password needs it);
/// a wrong one counts as a failed attempt.
pub(crate) async fn confirm_password(
    state: &AppState,
    holder: Holder,
    id: i64,
    password: &str,
) -> Result<Credential, Failure> {
    let c = accounts::get(&state.store, holder, id)
        .await?
        .ok_or_else(failed)?;
    let ok = password::verify_blocking(password.to_owned(), Some(c.password_hash.clone())).await;
    if !ok {
        accounts::record_failure(&state.store, holder, id, LOCKOUT).await?;
        return Err(Failure::invalid(
            "wrong_password",
            Msg::new(
                "Mật khẩu hiện tại không đúng.",
                "The current password is wrong.",
            ),
        ));
    }
    Ok(c)
}

/// Sets a new password chosen by the account's holder: checks the policy, stores its hash,
/// ends every session of the account, and opens a fresh one for this request.
pub(crate) async fn change_password(
    state: &AppState,
    site: &Site,
    principal: &Principal,
    current: &str,
    new: &str,
) -> Result<NewSession, Failure> {
    let Some((holder, id)) = principal.credential() else {
        return Err(crate::session::forbidden());
    };
    let c = confirm_password(state, holder, id, current).await?;
    password::check(new, &c.username).map_err(|p| Failure::invalid(p.code(), p.message()))?;
    if new == current {
        return Err(Failure::invalid(
            "password_unchanged",
            Msg::new(
                "Mật khẩu mới phải khác mật khẩu hiện tại.",
                "The new password must differ from the current one.",
            ),
        ));
    }
    let hash = password::hash_blocking(new.to_owned())
        .await
        .map_err(|e| Failure::internal(&e))?;
    accounts::set_password(&state.store, holder, id, &hash, false).await?;
    state.sessions.forget(holder, id);
    Sessions::create(state, site, principal.clone()).await
}

/// Turns on the TOTP secret being enrolled in `session` when `code` is one of its current codes.
/// The code is spent: it cannot then also complete a sign-in.
pub(crate) async fn confirm_enrolment(
    state: &AppState,
    session: &crate::session::Session,
    code: &str,
) -> Result<(), Failure> {
    let (holder, id) = session
        .principal
        .credential()
        .ok_or_else(crate::session::forbidden)?;
    let secret = Sessions::record(state, session)
        .await?
        .and_then(|r| r.totp_enrolment)
        .ok_or_else(|| {
            Failure::invalid(
                "no_enrolment",
                Msg::new(
                    "Chưa có khóa nào đang chờ xác nhận; vui lòng mở lại trang xác thực hai bước.",
                    "No key is waiting for confirmation; please open the two-step verification page again.",
                ),
            )
        })?;
    let unix = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let step = totp::decode_secret(&secret)
        .and_then(|key| totp::verify(&key, code, unix))
        .ok_or_else(|| Failure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..wrong_code()
        })?;
    accounts::set_totp(&state.store, holder, id, Some(&secret)).await?;
    accounts::use_totp_step(
        &state.store,
        holder,
        id,
        i64::try_from(step).unwrap_or(i64::MAX),
    )
    .await?;
    Sessions::update(state, session, |r| r.totp_enrolment = None).await?;
    Ok(())
}
