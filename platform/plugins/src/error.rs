//! How a plugin call can fail, classified so that the tenant reads what happened in plain words,
//! with the plugin's id and version, and reports can count each kind.

use motcua_core::lang::Lang;
use serde::{Deserialize, Serialize};

/// Why a plugin step did not produce an outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PluginError {
    /// It used up its instruction budget.
    #[error("used up its budget of {fuel} instructions")]
    BudgetExceeded {
        /// The budget.
        fuel: u64,
    },
    /// It ran past its wall-clock deadline.
    #[error("did not finish within {timeout_ms} ms")]
    TimedOut {
        /// The deadline.
        timeout_ms: u64,
    },
    /// It tried to use more linear memory than allowed.
    #[error("tried to use more than {limit_bytes} bytes of memory")]
    MemoryLimit {
        /// The limit.
        limit_bytes: u64,
    },
    /// Its call stack grew past the engine's stack limit (runaway recursion).
    #[error("overflowed its stack (runaway recursion?)")]
    StackOverflow,
    /// It panicked.
    #[error("panicked: {message}")]
    Panicked {
        /// The guest's panic message.
        message: String,
    },
    /// It called a capability the tenant has not granted, or one no plugin may have.
    #[error("called `{capability}`, which it is not granted")]
    Denied {
        /// The capability (`http`, `files`, `environment`, ...).
        capability: String,
    },
    /// Its context was larger than its input limit.
    #[error("was given {size} bytes of input, above its limit of {limit}")]
    InputTooLarge {
        /// The context's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Its outcome was larger than its output limit.
    #[error("returned {size} bytes, above its limit of {limit}")]
    OutputTooLarge {
        /// The outcome's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Its outcome broke its own output schema or named an undeclared transition.
    #[error("returned an invalid outcome: {problem}")]
    InvalidOutput {
        /// What is wrong.
        problem: String,
    },
    /// It was built against an API version this platform does not speak.
    #[error("needs API {wanted}, but the platform speaks {supported}")]
    IncompatibleApi {
        /// What it was built against.
        wanted: String,
        /// What the host speaks.
        supported: String,
    },
    /// It reported a business error (its own words, in both languages).
    #[error("{code}: {en}")]
    Business {
        /// Its code.
        code: String,
        /// Vietnamese.
        vi: String,
        /// English.
        en: String,
    },
    /// The component is not a valid plugin, or is not installed.
    #[error("cannot be run: {problem}")]
    Unusable {
        /// What is wrong.
        problem: String,
    },
    /// It trapped for another reason (e.g. an out-of-bounds access).
    #[error("crashed: {message}")]
    Trapped {
        /// The trap.
        message: String,
    },
}

impl PluginError {
    /// A stable code, for reports and the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BudgetExceeded { .. } => "budget_exceeded",
            Self::TimedOut { .. } => "timed_out",
            Self::MemoryLimit { .. } => "memory_limit",
            Self::StackOverflow => "stack_overflow",
            Self::Panicked { .. } => "panicked",
            Self::Denied { .. } => "denied_capability",
            Self::InputTooLarge { .. } => "input_too_large",
            Self::OutputTooLarge { .. } => "output_too_large",
            Self::InvalidOutput { .. } => "invalid_output",
            Self::IncompatibleApi { .. } => "incompatible_api",
            Self::Business { .. } => "business_error",
            Self::Unusable { .. } => "unusable",
            Self::Trapped { .. } => "trapped",
        }
    }

    /// The message for the tenant's officials, naming the plugin (`fee-calculator@1.0.0`).
    pub fn describe(&self, pin: &str, lang: Lang) -> String {
        if lang == Lang::En {
            return match self {
                Self::Business { en, .. } => format!("Plugin {pin}: {en}"),
                other => format!("Plugin {pin} {other}."),
            };
        }
        let what = match self {
            Self::BudgetExceeded { fuel } => {
                format!("đã dùng hết định mức {fuel} lệnh tính toán")
            }
            Self::TimedOut { timeout_ms } => {
                format!("không hoàn thành trong thời hạn {timeout_ms} ms")
            }
            Self::MemoryLimit { limit_bytes } => {
                format!("đòi dùng quá {limit_bytes} byte bộ nhớ cho phép")
            }
            Self::StackOverflow => "bị tràn ngăn xếp (đệ quy không dừng?)".to_owned(),
            Self::Panicked { message } => format!("gặp lỗi và dừng: {message}"),
            Self::Denied { capability } => {
                format!("đã gọi quyền `{capability}` không được cấp")
            }
            Self::InputTooLarge { size, limit } => {
                format!("nhận dữ liệu đầu vào {size} byte, vượt giới hạn {limit} byte")
            }
            Self::OutputTooLarge { size, limit } => {
                format!("trả về {size} byte, vượt giới hạn {limit} byte")
            }
            Self::InvalidOutput { problem } => {
                format!("trả về kết quả không hợp lệ: {problem}")
            }
            Self::IncompatibleApi { wanted, supported } => {
                format!("được xây dựng cho API {wanted}, nền tảng chỉ hỗ trợ {supported}")
            }
            Self::Business { vi, .. } => return format!("Tiện ích {pin}: {vi}"),
            Self::Unusable { problem } => format!("không chạy được: {problem}"),
            Self::Trapped { message } => format!("bị lỗi khi chạy: {message}"),
        };
        format!("Tiện ích {pin} {what}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_plugin_in_both_languages() {
        let e = PluginError::BudgetExceeded { fuel: 1000 };
        assert_eq!(
            e.describe("loop@1.0.0", Lang::En),
            "Plugin loop@1.0.0 used up its budget of 1000 instructions."
        );
        assert_eq!(
            e.describe("loop@1.0.0", Lang::Vi),
            "Tiện ích loop@1.0.0 đã dùng hết định mức 1000 lệnh tính toán."
        );
        let b = PluginError::Business {
            code: "no-band".into(),
            vi: "Không có mức phí".into(),
            en: "No fee band".into(),
        };
        assert_eq!(
            b.describe("fee@1.0.0", Lang::Vi),
            "Tiện ích fee@1.0.0: Không có mức phí"
        );
        assert_eq!(b.code(), "business_error");
    }
}
