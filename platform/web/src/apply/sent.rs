//! What the submission form sent: its fields, and its files, each stored as the citizen's upload
//! as it arrives (held to the procedure's limits) or refused with the reason in the page's
//! language.
//!
//! The form is `multipart/form-data` with its CSRF token as first part (checked by the session
//! middleware before the body reaches here). A file input left empty sends a part without a
//! name and bytes, which is skipped. A body larger than the route allows fails as a whole with
//! 413: the draft saved before it stays as it was.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use motcua_store::attachments::Upload;
use motcua_workflow::attachments::Rules;

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

/// The longest text field read from the form.
const MAX_FIELD: usize = 64 << 10;

/// A file refused, by input name.
pub(super) struct Refused {
    /// The input's name.
    pub input: String,
    /// What was wrong, in the page's language.
    pub message: String,
    /// The status it was refused with (413 too large, 415 a type not accepted).
    pub status: StatusCode,
}

/// What the form sent.
#[derive(Default)]
pub(super) struct Sent {
    /// Its fields, in order, repeated names kept.
    pub pairs: Vec<(String, String)>,
    /// The files stored, by input name.
    pub files: Vec<(String, Upload)>,
    /// The files refused.
    pub refused: Vec<Refused>,
}

fn unreadable(detail: impl std::fmt::Display) -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "invalid_form",
        Msg::new(
            format!("Không đọc được nội dung biểu mẫu gửi lên: {detail}"),
            format!("The form sent cannot be read: {detail}"),
        ),
    )
}

/// 413: the whole form is larger than any submission may be.
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

/// Reads the form of `req`; its files become uploads of `owner` for `procedure`, held to
/// `rules`.
pub(super) async fn read(
    state: &AppState,
    site: &Site,
    req: Request,
    owner: &str,
    procedure: &str,
    rules: &Rules,
) -> Result<Sent, Failure> {
    let lang = site.lang;
    if !crate::api::is_multipart(req.headers()) {
        let body = axum::body::to_bytes(req.into_body(), state.config.max_body_bytes)
            .await
            .map_err(|_| too_large())?;
        return Ok(Sent {
            pairs: url::form_urlencoded::parse(&body).into_owned().collect(),
            ..Sent::default()
        });
    }
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|e| unreadable(e.body_text()))?;
    let mut sent = Sent::default();
    let mut text_bytes = 0;
    loop {
        let part = form.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                unreadable(e.body_text())
            }
        })?;
        let Some(mut part) = part else { break };
        let name = part.name().unwrap_or_default().to_owned();
        let Some(file_name) = part.file_name().map(str::to_owned) else {
            let mut value = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| unreadable(e.body_text()))? {
                value.extend_from_slice(&chunk);
                text_bytes += chunk.len();
                if value.len() > MAX_FIELD || text_bytes > state.config.max_body_bytes {
                    return Err(too_large());
                }
            }
            sent.pairs
                .push((name, String::from_utf8_lossy(&value).into_owned()));
            continue;
        };
        if file_name.is_empty() {
            // A file input left empty.
            while part
                .chunk()
                .await
                .map_err(|e| unreadable(e.body_text()))?
                .is_some()
            {}
            continue;
        }
        let stored = crate::api::store_part(
            state,
            site,
            owner.to_owned(),
            procedure.to_owned(),
            rules.clone(),
            part,
        )
        .await;
        match stored {
            Ok(upload) => sent.files.push((name, upload)),
            Err(f) if f.status.is_client_error() => {
                let message = f.message.get(lang);
                sent.refused.push(Refused {
                    input: name,
                    message: lang.pick(
                        format!("Tệp “{file_name}”: {message}"),
                        format!("File “{file_name}”: {message}"),
                    ),
                    status: f.status,
                });
            }
            Err(f) => return Err(f),
        }
    }
    Ok(sent)
}
