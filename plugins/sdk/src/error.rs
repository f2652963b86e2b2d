//! The failure a step reports to the people handling the dossier.

use std::fmt;

use crate::bindings::motcua::plugin::types as wit;

/// A failure the plugin understands, with a stable code and a message in both languages.
///
/// The dossier goes to the step's `on_error` handling (usually a desk that does the work by
/// hand) and officials see the message, so write it for them: say which table, field or
/// service is at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessError {
    /// A stable code for reports, in kebab case (`no-fee-band`).
    pub code: String,
    /// The message in Vietnamese.
    pub vi: String,
    /// The message in English.
    pub en: String,
}

impl BusinessError {
    /// An error with its code and both messages.
    pub fn new(code: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// `invalid-config`: the step's configuration does not have the shape the plugin expects.
    pub fn invalid_config(step: &str, detail: impl fmt::Display) -> Self {
        Self::new(
            "invalid-config",
            format!("Cấu hình của bước «{step}» không hợp lệ: {detail}."),
            format!("The configuration of step `{step}` is invalid: {detail}."),
        )
    }

    /// `missing-field`: the form has no usable value for `field`.
    pub fn missing_field(field: &str) -> Self {
        Self::new(
            "missing-field",
            format!("Biểu mẫu không có giá trị hợp lệ cho trường «{field}»."),
            format!("The form has no usable value for the field `{field}`."),
        )
    }

    pub(crate) fn into_raw(self) -> wit::BusinessError {
        wit::BusinessError {
            code: self.code,
            vi: self.vi,
            en: self.en,
        }
    }
}

impl fmt::Display for BusinessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.en)
    }
}

impl std::error::Error for BusinessError {}
