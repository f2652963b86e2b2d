//! What the submission form sent is read by the pages' shared reader
//! ([`crate::onestop::pages::sent`]): its fields, and its files stored as the citizen's uploads
//! as they arrive, held to the procedure's limits, or refused with the reason. A body larger
//! than the route allows fails as a whole with 413, told here in the submission's words: the
//! draft saved before it stays as it was.

use axum::http::StatusCode;

use crate::error::Failure;
use crate::i18n::Msg;

pub(super) use crate::onestop::pages::sent::{Files, read};

/// The 413 of a whole form larger than any submission may be, in the submission's words.
pub(super) fn too_large() -> Failure {
    Failure::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        Msg::new(
            "Nội dung gửi lên quá lớn nên chưa được nhận. Bản nháp đã lưu trước đó vẫn được giữ nguyên: hãy quay lại hồ sơ và đính kèm tệp nhỏ hơn, hoặc từng tệp một.",
            "What you sent is too large and was not received. The draft saved before is kept as it was: go back to the application and attach smaller files, or one file at a time.",
        ),
    )
}
