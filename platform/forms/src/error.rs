//! What can go wrong while printing a form: text a code cannot carry, a form missing what the
//! Circular requires it to say, or a template failing to render.

/// Why a form, a barcode or a QR code could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The text cannot be carried by a Code 128 barcode.
    #[error("Code 128 cannot encode {text:?}: {reason}")]
    Barcode {
        /// The text refused.
        text: String,
        /// Why.
        reason: &'static str,
    },
    /// The content does not fit in a QR code.
    #[error("a QR code cannot hold these {len} bytes: {source}")]
    Qr {
        /// The content's length in bytes.
        len: usize,
        /// The encoder's reason.
        source: qrcode::types::QrError,
    },
    /// The form lacks something the Circular requires it to show.
    #[error("{form} cannot be printed: {problem}")]
    Incomplete {
        /// The form, as "Mẫu số 0X".
        form: &'static str,
        /// What is missing or wrong.
        problem: &'static str,
    },
    /// The template failed to render (a bug, not a user's mistake).
    #[error("{form} could not be rendered: {source}")]
    Render {
        /// The form, as "Mẫu số 0X".
        form: &'static str,
        /// The template engine's error.
        source: askama::Error,
    },
}
