//! How a sign-in fails, as the citizen sees it and as the log records it.
//!
//! Each failure has a status, a stable code (shown on the page, so that a citizen can quote it to
//! the help desk) and a sentence in both languages; its technical cause goes to the log here,
//! once, at a level that says whose problem it is: `warn` for the provider's or the platform's,
//! `info` for what a citizen or an attacker did.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::transaction;
use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, render};

/// Why a sign-in did not complete.
#[derive(Debug)]
pub enum SignInFailure {
    /// The platform has no provider configured.
    NotEnabled,
    /// The provider cannot be reached or its discovery document is unusable.
    ProviderUnavailable(String),
    /// The cache that holds sign-in transactions is unreachable.
    Unavailable(String),
    /// The callback has no transaction: no cookie, expired, or started elsewhere.
    TransactionMissing,
    /// The transaction was already used: a replayed or doubled callback.
    Replayed,
    /// The callback's `state` (or tenant) is not the transaction's.
    StateMismatch(String),
    /// The citizen cancelled at the provider or refused consent (`access_denied`).
    Cancelled(String),
    /// The provider answered with an error.
    ProviderError(String),
    /// What the provider sent back does not verify (ID token, userinfo, issuer).
    Rejected(String),
    /// The citizen's level of assurance is below the lowest accepted.
    AssuranceTooLow {
        /// The level in the ID token.
        got: Option<String>,
        /// The lowest level accepted.
        required: String,
    },
    /// The platform failed (the session could not be opened...): already logged where it was
    /// made.
    Platform(Failure),
}

impl SignInFailure {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotEnabled => StatusCode::NOT_FOUND,
            Self::ProviderUnavailable(_) | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::TransactionMissing | Self::Replayed | Self::StateMismatch(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::Cancelled(_) | Self::AssuranceTooLow { .. } => StatusCode::FORBIDDEN,
            Self::ProviderError(_) | Self::Rejected(_) => StatusCode::BAD_GATEWAY,
            Self::Platform(f) => f.status,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotEnabled => "sign_in_not_enabled",
            Self::ProviderUnavailable(_) => "sign_in_provider_unavailable",
            Self::Unavailable(_) => "unavailable",
            Self::TransactionMissing => "sign_in_expired",
            Self::Replayed => "sign_in_replayed",
            Self::StateMismatch(_) => "sign_in_state_mismatch",
            Self::Cancelled(_) => "sign_in_cancelled",
            Self::ProviderError(_) => "sign_in_provider_error",
            Self::Rejected(_) => "sign_in_rejected",
            Self::AssuranceTooLow { .. } => "sign_in_assurance_too_low",
            Self::Platform(f) => f.code,
        }
    }

    /// What to tell the citizen.
    pub fn message(&self) -> Msg {
        match self {
            Self::NotEnabled => Msg::new(
                "Cổng này chưa bật đăng nhập qua Cổng Dịch vụ công quốc gia.",
                "Sign-in through the national public service portal is not enabled on this portal.",
            ),
            Self::ProviderUnavailable(_) => Msg::new(
                "Hiện không kết nối được với hệ thống đăng nhập của Cổng Dịch vụ công quốc gia. Vui lòng thử lại sau ít phút.",
                "The national portal's sign-in service cannot be reached right now. Please try again in a few minutes.",
            ),
            Self::Platform(f) => f.message.clone(),
            Self::Unavailable(_) => Msg::new(
                "Hệ thống đang tạm thời gián đoạn nên chưa thể đăng nhập. Vui lòng thử lại sau ít phút.",
                "The service is briefly unavailable, so you cannot sign in yet. Please try again in a few minutes.",
            ),
            Self::TransactionMissing => Msg::new(
                "Phiên đăng nhập đã hết hạn hoặc được bắt đầu từ trình duyệt khác. Vui lòng đăng nhập lại.",
                "This sign-in has expired or was started in another browser. Please sign in again.",
            ),
            Self::Replayed => Msg::new(
                "Kết quả đăng nhập này đã được sử dụng. Vui lòng đăng nhập lại.",
                "This sign-in response has already been used. Please sign in again.",
            ),
            Self::StateMismatch(_) => Msg::new(
                "Kết quả đăng nhập không khớp với yêu cầu đăng nhập của bạn. Vui lòng đăng nhập lại.",
                "The sign-in response does not match the sign-in you started. Please sign in again.",
            ),
            Self::Cancelled(_) => Msg::new(
                "Bạn đã huỷ đăng nhập hoặc chưa đồng ý chia sẻ thông tin với cổng dịch vụ công. Bạn vẫn có thể tra cứu hồ sơ mà không cần đăng nhập.",
                "You cancelled the sign-in or did not agree to share your details with the portal. You can still look up a dossier without signing in.",
            ),
            Self::ProviderError(_) => Msg::new(
                "Hệ thống đăng nhập của Cổng Dịch vụ công quốc gia báo lỗi. Vui lòng đăng nhập lại sau ít phút.",
                "The national portal's sign-in service reported an error. Please sign in again in a few minutes.",
            ),
            Self::Rejected(_) => Msg::new(
                "Không xác minh được thông tin đăng nhập nhận từ Cổng Dịch vụ công quốc gia. Vui lòng đăng nhập lại; nếu lỗi còn tiếp diễn, hãy liên hệ cơ quan.",
                "The sign-in received from the national portal could not be verified. Please sign in again; if this keeps happening, contact the agency.",
            ),
            Self::AssuranceTooLow { required, .. } => Msg::new(
                format!(
                    "Tài khoản định danh của bạn chưa đạt mức độ xác thực mà cổng dịch vụ công yêu cầu ({required}). Vui lòng nâng cấp tài khoản rồi đăng nhập lại."
                ),
                format!(
                    "Your identity account does not have the level of assurance this portal requires ({required}). Please upgrade your account and sign in again."
                ),
            ),
        }
    }

    /// Logs the cause, once.
    pub(super) fn log(&self) {
        let code = self.code();
        match self {
            Self::NotEnabled => tracing::info!(code, "sign-in requested but not enabled"),
            Self::ProviderUnavailable(cause) | Self::ProviderError(cause) => {
                tracing::warn!(code, error = %cause, "sign-in failed at the provider");
            }
            Self::Rejected(cause) => {
                tracing::warn!(code, error = %cause, "sign-in refused: the provider's answer does not verify");
            }
            Self::Unavailable(cause) => {
                tracing::warn!(code, error = %cause, "sign-in failed: cache unavailable")
            }
            Self::Platform(_) => {}
            Self::TransactionMissing | Self::Replayed => {
                tracing::info!(code, "sign-in callback without a live transaction");
            }
            Self::StateMismatch(cause) => {
                tracing::info!(code, error = %cause, "sign-in callback refused")
            }
            Self::Cancelled(cause) => {
                tracing::info!(code, description = %cause, "sign-in cancelled at the provider")
            }
            Self::AssuranceTooLow { got, required } => {
                tracing::info!(code, acr = ?got, required = %required, "sign-in refused: level of assurance too low");
            }
        }
    }

    /// Logs the failure and answers with its page in the host's language; the transaction
    /// cookie is removed, so that a retry starts afresh.
    pub(crate) fn respond(self, state: &AppState, site: &Site, headers: &HeaderMap) -> Response {
        self.log();
        let lang = site.lang;
        let page = FailurePage {
            page: PageCtx::new(state, site, headers, "/"),
            title: lang.pick("Đăng nhập không thành công", "Sign-in failed"),
            message: self.message().get(lang).to_owned(),
            retry: (!matches!(self, Self::NotEnabled))
                .then(|| lang.pick("Đăng nhập lại", "Sign in again")),
            retry_url: super::SIGN_IN_PATH,
            code_label: lang.pick("Mã lỗi", "Error code"),
            code: self.code(),
        };
        let mut response = (self.status(), render(&page)).into_response();
        let h = response.headers_mut();
        h.append(
            header::SET_COOKIE,
            transaction::clear_cookie(state.config.https, super::CALLBACK_PATH),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match &self {
            Self::ProviderUnavailable(_) | Self::Unavailable(_) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            Self::Platform(f) => return f.with_headers(response),
            _ => {}
        }
        response
    }
}

#[derive(Template)]
#[template(path = "sign_in_failed.html")]
struct FailurePage {
    page: PageCtx,
    title: &'static str,
    message: String,
    retry: Option<&'static str>,
    retry_url: &'static str,
    code_label: &'static str,
    code: &'static str,
}
