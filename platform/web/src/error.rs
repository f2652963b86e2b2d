//! Errors as users see them.
//!
//! Handlers fail with a [`Failure`]: an HTTP status, a stable machine-readable code and a message
//! in both languages. The JSON API writes it as `{"error": {"code": "...", "message": "..."}}`
//! in the language of the host; pages write it as a page in that language. Internal details
//! (database errors, bugs) are logged once here and never shown.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_core::lang::Lang;
use motcua_store::StoreError;
use serde_json::json;

use crate::i18n::Msg;

/// A failure, before it is written in a language and format.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The HTTP status.
    pub status: StatusCode,
    /// Stable code for programs (`not_found`, `invalid_dossier_code`, ...).
    pub code: &'static str,
    /// What to tell the user.
    pub message: Msg,
    /// Seconds to wait before retrying (429, 503).
    pub retry_after: Option<u64>,
    /// Itemised problems, when there are any (boxed: failures travel in `Result`s and most
    /// have none).
    pub details: Option<Box<Details>>,
}

/// Itemised problems of a failure.
#[derive(Clone, Debug)]
pub enum Details {
    /// Per-field problems of a submitted form, written as `error.fields`.
    Fields(Vec<motcua_workflow::form::FieldError>),
    /// Problems of an uploaded file (line, column, message, hint), written as `error.problems`.
    Problems(Vec<motcua_core::diagnostic::Diagnostic>),
}

impl Failure {
    /// A failure with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: Msg) -> Self {
        Self {
            status,
            code,
            message,
            retry_after: None,
            details: None,
        }
    }

    /// 404 with a message.
    pub fn not_found(message: Msg) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 422: the request is well-formed but its content is refused.
    pub fn invalid(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 429 with the time to wait.
    pub fn too_many_requests(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                Msg::new(
                    format!(
                        "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau {retry_after} giây."
                    ),
                    format!("Too many requests. Please try again in {retry_after} seconds."),
                ),
            )
        }
    }

    /// 500, logged with its cause.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Msg::new(
                "Hệ thống gặp lỗi. Vui lòng thử lại sau.",
                "Something went wrong on our side. Please try again later.",
            ),
        )
    }

    /// 503 while the database or cache is unreachable, logged with its cause.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "service unavailable");
        Self {
            retry_after: Some(5),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                Msg::new(
                    "Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút.",
                    "The service is briefly unavailable. Please try again in a few minutes.",
                ),
            )
        }
    }

    /// 422 for a form whose fields do not pass their rules, listing every problem.
    pub fn form(fields: Vec<motcua_workflow::form::FieldError>) -> Self {
        Self {
            details: Some(Box::new(Details::Fields(fields))),
            ..Self::invalid(
                "invalid_form",
                Msg::new(
                    "Tờ khai chưa hợp lệ; vui lòng sửa các mục được nêu.",
                    "The form is not complete; please correct the fields listed.",
                ),
            )
        }
    }

    /// Writes the failure as JSON in `lang`.
    pub fn json(self, lang: Lang) -> Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message.get(lang) } });
        match self.details.as_deref() {
            Some(Details::Problems(problems)) => {
                body["error"]["problems"] = problems
                    .iter()
                    .map(|d| json!({ "line": d.line, "column": d.column, "message": d.message, "hint": d.hint, "text": d.to_string() }))
                    .collect();
            }
            Some(Details::Fields(fields)) => {
                body["error"]["fields"] = fields
                    .iter()
                    .map(|f| json!({ "field": f.field, "code": f.code, "message": f.message.get(lang) }))
                    .collect();
            }
            None => {}
        }
        self.with_headers((self.status, Json(body)).into_response())
    }

    pub(crate) fn with_headers(&self, mut response: Response) -> Response {
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::CodesExhausted { ref unit, day } => Self {
                retry_after: None,
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "codes_exhausted",
                    Msg::new(
                        format!(
                            "Đơn vị tiếp nhận {unit} đã cấp hết 9999 mã hồ sơ của ngày {}. Vui lòng nộp lại vào ngày làm việc tiếp theo.",
                            day.format("%d/%m/%Y")
                        ),
                        format!(
                            "The receiving unit {unit} has issued all 9999 dossier codes for {}. Please submit again on the next working day.",
                            day.format("%d/%m/%Y")
                        ),
                    ),
                )
            },
            StoreError::Conflict(what) => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                Msg::new(
                    format!("Yêu cầu xung đột với dữ liệu hiện có: {what}"),
                    format!("The request conflicts with the current state: {what}"),
                ),
            ),
            StoreError::NotFound(what) => Self::not_found(Msg::new(
                format!("Không tìm thấy: {what}"),
                format!("Not found: {what}"),
            )),
            StoreError::Database(e) => Self::unavailable(&e),
            e @ StoreError::Corrupt(_) => Self::internal(&e),
        }
    }
}

/// A failure of the JSON API, written in the host's language.
#[derive(Debug)]
pub struct ApiError(pub Lang, pub Failure);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.1.json(self.0)
    }
}
