//! What a page's form sent: its fields, and the files it carried, each stored as an upload of the
//! official (or, on the portal, of the citizen answering a request to supplement their dossier)
//! as it arrives, held to the procedure's limits, or refused with the reason.
//!
//! A form with files is `multipart/form-data` (its CSRF token is its first part, checked by the
//! session middleware); one without is URL-encoded. Either way the handler reads the same
//! fields. A file input left empty sends a part without a name and bytes, which is skipped.
//! A refused file is not kept; the files stored are uploads until the form succeeds, which the
//! page shows again (by id) when something else in the form must be corrected, and which expire
//! and are swept if it never does.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use motcua_store::attachments::Upload;
use motcua_workflow::attachments::Rules;

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

/// The longest text field read from a multipart form.
const MAX_FIELD: usize = 64 << 10;

/// Where the files of a form go.
pub(crate) struct Files {
    /// Who uploads them (the official's subject `account:12`, a citizen's `citizen:<subject>`).
    pub owner: String,
    /// The procedure whose limits they are held to.
    pub procedure: String,
    /// Its limits.
    pub rules: Rules,
}

/// A file refused, by input name.
pub(crate) struct Refused {
    /// The input's name.
    pub input: String,
    /// What was wrong, in the page's language.
    pub message: String,
    /// The status it was refused with (413 too large, 415 a type not accepted).
    pub status: StatusCode,
}

/// What a form sent.
#[derive(Default)]
pub(crate) struct Sent {
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

fn too_large() -> Failure {
    Failure::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        Msg::new(
            "Nội dung gửi lên quá lớn; hãy gửi ít tệp hơn mỗi lần.",
            "The form sent is too large; send fewer files at a time.",
        ),
    )
}

/// Reads the form of `req`; its files go to `files`.
pub(crate) async fn read(
    state: &AppState,
    site: &Site,
    req: Request,
    files: &Files,
) -> Result<Sent, Failure> {
    let lang = site.lang;
    if !crate::api::is_multipart(req.headers()) {
        let body = axum::body::to_bytes(req.into_body(), state.config.max_body_bytes)
            .await
            .map_err(|_| too_large())?;
        return Ok(Sent {
            pairs: super::form_pairs(&body),
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
            files.owner.clone(),
            files.procedure.clone(),
            files.rules.clone(),
            part,
        )
        .await;
        match stored {
            Ok(upload) => sent.files.push((name, upload)),
            Err(f) if f.status.is_client_error() => {
                let message = f.message.get(lang);
                let file = lang.pick("Tệp", "File");
                sent.refused.push(Refused {
                    input: name,
                    message: format!("{file} “{file_name}”: {message}"),
                    status: f.status,
                });
            }
            Err(f) => return Err(f),
        }
    }
    Ok(sent)
}

impl Sent {
    /// The uploads stored for input `name`.
    pub(crate) fn files_of(&self, name: &str) -> Vec<&Upload> {
        self.files
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, u)| u)
            .collect()
    }
}
