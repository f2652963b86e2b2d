//! Files officials attach in the one-stop system: the desk's scans of the documents received,
//! the result documents of a return, the papers given with an action or a supplement.
//!
//! Rules kept here:
//! - a file is first an upload (`POST /api/v1/uploads`, or a file part of a page's form, held
//!   to the procedure's limits either way), and becomes a document of the dossier only in the
//!   transaction that receives or moves it ([`motcua_store::attachments::attach_in`]): a refused
//!   move attaches nothing, and an upload never attached expires and is swept;
//! - an official attaches only their own uploads, made for the dossier's procedure; any other
//!   id is refused with the same words, so an id tells nothing about someone else's upload;
//! - what a file is to the dossier follows from what the action requires: the result when it
//!   requires `result`, a handling document when it requires `documents`, a supplement at the
//!   desk.

use motcua_store::attachments::{self, Attach, Document, DocumentKind, Upload, UploadId};
use serde_json::{Value, json};

use super::official::Official;
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;

fn no_such_upload(id: &str) -> Failure {
    let shown: String = id.chars().take(40).collect();
    Failure::invalid(
        "upload_not_found",
        Msg::new(
            format!(
                "Không tìm thấy tệp tải lên {shown} của bạn cho thủ tục này (tệp có thể đã hết hạn hoặc đã được đính kèm); hãy tải tệp lên lại."
            ),
            format!(
                "There is no upload {shown} of yours for this procedure (it may have expired or been attached already); upload the file again."
            ),
        ),
    )
}

/// The upload `id` if it is the official's own, made for `procedure` and still waiting.
pub(crate) async fn own_upload(
    state: &AppState,
    official: &Official,
    procedure: &str,
    id: &str,
) -> Result<UploadId, ApiError> {
    let site = &official.guard.site;
    upload_of(state, site, &official.actor.id, procedure, id)
        .await
        .map(|u| u.id)
        .map_err(|f| ApiError(site.lang, f))
}

/// The upload `id` if `owner` (`account:12`, `citizen:<subject>`) made it for `procedure` and it
/// still waits to be attached; any other id is refused with the same words.
pub(crate) async fn upload_of(
    state: &AppState,
    site: &Site,
    owner: &str,
    procedure: &str,
    id: &str,
) -> Result<Upload, Failure> {
    let parsed: UploadId = id.parse().map_err(|_| no_such_upload(id))?;
    attachments::upload(&state.store, site.tenant.id, &parsed)
        .await?
        .filter(|u| u.meta.uploaded_by == owner && u.meta.procedure_code == procedure)
        .ok_or_else(|| no_such_upload(id))
}

/// The uploads `ids` of the official as attachments of `kind` to a dossier of `procedure`.
pub(crate) async fn attach_all(
    state: &AppState,
    official: &Official,
    procedure: &str,
    ids: &[String],
    kind: &DocumentKind,
) -> Result<Vec<Attach>, ApiError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(Attach {
            upload: own_upload(state, official, procedure, id).await?,
            kind: kind.clone(),
            by: official.actor.id.clone(),
        });
    }
    Ok(out)
}

/// What files given with an action of a step are to the dossier, from what it requires.
pub(crate) fn kind_for(requires: &[&str]) -> DocumentKind {
    if requires.contains(&"result") {
        DocumentKind::Result
    } else {
        DocumentKind::Handling
    }
}

/// A document's label for officials.
pub(crate) fn kind_label(kind: &DocumentKind) -> String {
    match kind {
        DocumentKind::Required(code) => format!("Thành phần hồ sơ {code}"),
        DocumentKind::Result => "Kết quả giải quyết".to_owned(),
        DocumentKind::Scan => "Bản quét tại Bộ phận Một cửa".to_owned(),
        DocumentKind::Supplement => "Hồ sơ bổ sung".to_owned(),
        DocumentKind::Handling => "Tài liệu trong quá trình xử lý".to_owned(),
    }
}

pub(crate) use crate::api::documents::href;

/// A dossier's documents in the officials' JSON view: as the API lists them, with who
/// attached each.
pub(crate) fn json(code: &str, documents: &[Document]) -> Value {
    Value::Array(
        documents
            .iter()
            .map(|d| {
                let mut v = crate::api::documents::document_json(code, d);
                v["attached_by"] = json!(d.attached_by);
                v
            })
            .collect(),
    )
}
