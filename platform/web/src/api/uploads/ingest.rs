//! Receiving an upload's bytes: the type read from the first bytes, the size held while
//! streaming to the blob store, the upload recorded; and the failures a caller is told.

use axum::body::Bytes;
use axum::http::StatusCode;
use chrono::Utc;
use futures_util::StreamExt;
use motcua_store::attachments::{self, NewUpload};
use motcua_store::blobs::{BlobError, BlobWriter, Staged};
use motcua_workflow::attachments::{FileType, Rules, SNIFF_BYTES};

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

/// The longest file name kept.
const MAX_NAME: usize = 200;

/// 400: the body broke off.
pub(super) fn unreadable() -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "upload_interrupted",
        Msg::new(
            "Không nhận được trọn vẹn tệp tải lên. Vui lòng thử lại.",
            "The upload did not arrive complete. Please try again.",
        ),
    )
}

/// A multipart body that cannot be read (413 when over the route's limit).
pub(super) fn multipart_failure(e: axum::extract::multipart::MultipartError) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(None);
    }
    Failure::new(
        StatusCode::BAD_REQUEST,
        "invalid_multipart",
        Msg::new(
            format!("Nội dung gửi lên không đúng dạng multipart/form-data: {e}"),
            format!("The body is not valid multipart/form-data: {e}"),
        ),
    )
}

fn size_text(bytes: u64) -> String {
    motcua_workflow::schema::FileSize(bytes).to_string()
}

/// 413, naming the procedure's limit when known.
pub(super) fn too_large(limit: Option<u64>) -> Failure {
    let (vi, en) = match limit {
        Some(l) => (
            format!(
                "Tệp vượt quá dung lượng tối đa {} của thủ tục này.",
                size_text(l)
            ),
            format!(
                "The file is larger than the {} this procedure accepts.",
                size_text(l)
            ),
        ),
        None => (
            "Tệp vượt quá dung lượng cho phép.".to_owned(),
            "The file is larger than allowed.".to_owned(),
        ),
    };
    Failure::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        Msg::new(vi, en),
    )
}

fn refused_type(rules: &Rules) -> Failure {
    let list = rules.type_names();
    Failure::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_file_type",
        Msg::new(
            format!(
                "Loại tệp này không được chấp nhận. Thủ tục này chỉ nhận tệp: {list}. Loại tệp được xác định theo nội dung của tệp, không theo tên tệp."
            ),
            format!(
                "This type of file is not accepted. This procedure accepts: {list}. A file's type is read from its content, not its name."
            ),
        ),
    )
}

fn blob_failure(e: BlobError, limit: u64) -> Failure {
    match e {
        BlobError::TooLarge { .. } => too_large(Some(limit)),
        e => Failure::unavailable(&e),
    }
}

/// The file name to keep: its last path segment, without control characters, never empty.
fn clean_name(raw: Option<&str>, kind: FileType) -> String {
    let last = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." {
        format!("tep.{}", kind.name())
    } else {
        name.to_owned()
    }
}

/// Where an upload goes and the limits it is held to.
pub(super) struct Target<'a> {
    pub(super) state: &'a AppState,
    pub(super) site: &'a Site,
    pub(super) owner: String,
    pub(super) procedure: String,
    pub(super) rules: Rules,
}

/// A file checked and staged, not yet an upload: [`Target::record`] makes it one, or
/// [`Target::discard`] lets it go (staged bytes never recorded are swept in any case).
pub(crate) struct Staging {
    staged: Staged,
    new: NewUpload,
    limit: u64,
}

impl Target<'_> {
    /// Checks the type from the first bytes, streams the file to the blob store within the
    /// size limit, and records the upload.
    pub(super) async fn ingest(
        &self,
        chunks: impl futures_util::Stream<Item = Result<Bytes, Failure>> + Unpin,
        name: Option<String>,
    ) -> Result<attachments::Upload, Failure> {
        let staging = self.stage(chunks, name).await?;
        record(self.state, staging).await
    }

    /// Checks the type from the first bytes and streams the file to the blob store's staging
    /// area within the size limit, without recording anything.
    pub(super) async fn stage(
        &self,
        mut chunks: impl futures_util::Stream<Item = Result<Bytes, Failure>> + Unpin,
        name: Option<String>,
    ) -> Result<Staging, Failure> {
        let limit = self.rules.max_file_size;
        let mut head = Vec::new();
        let mut rest = None;
        while head.len() < SNIFF_BYTES {
            match chunks.next().await.transpose()? {
                Some(chunk) => head.extend_from_slice(&chunk),
                None => break,
            }
            if head.len() as u64 > limit {
                return Err(too_large(Some(limit)));
            }
        }
        if head.len() > SNIFF_BYTES {
            rest = Some(Bytes::from(head.split_off(SNIFF_BYTES)));
        }
        if head.is_empty() {
            return Err(Failure::invalid(
                "empty_file",
                Msg::new(
                    "Tệp tải lên không có nội dung.",
                    "The uploaded file is empty.",
                ),
            ));
        }
        let kind = FileType::detect(&head)
            .filter(|k| self.rules.accepts(*k))
            .ok_or_else(|| refused_type(&self.rules))?;
        let blobs = &self.state.blobs;
        let tenant = self.site.tenant.id;
        let mut writer = blobs
            .writer(tenant, limit)
            .await
            .map_err(|e| blob_failure(e, limit))?;
        let written = write_all(&mut writer, &head, rest, &mut chunks).await;
        if let Err(failure) = written {
            if let Err(e) = writer.abort().await {
                tracing::warn!(error = %e, "an aborted upload was not cleaned up; the sweep will");
            }
            return Err(failure.unwrap_or_else(|e| blob_failure(e, limit)));
        }
        let staged = writer
            .finish(None)
            .await
            .map_err(|e| blob_failure(e, limit))?;
        let new = NewUpload {
            procedure_code: self.procedure.clone(),
            content_type: kind.mime().to_owned(),
            file_name: clean_name(name.as_deref(), kind),
            uploaded_by: self.owner.clone(),
            expires_at: Utc::now()
                + chrono::Duration::from_std(self.state.config.upload_ttl)
                    .unwrap_or(chrono::Duration::days(1)),
        };
        Ok(Staging { staged, new, limit })
    }
}

/// Records a staged file as an upload.
pub(super) async fn record(
    state: &AppState,
    staging: Staging,
) -> Result<attachments::Upload, Failure> {
    let Staging { staged, new, limit } = staging;
    attachments::record_upload(&state.store, &state.blobs, staged, &new)
        .await
        .map_err(|e| match e {
            attachments::AttachmentError::Store(e) => Failure::from(e),
            attachments::AttachmentError::Blob(e) => blob_failure(e, limit),
        })
}

/// Lets a staged file go; a failure only leaves it to the sweep.
pub(super) async fn discard(state: &AppState, staging: Staging) {
    if let Err(e) = state.blobs.discard(staging.staged).await {
        tracing::warn!(error = %e, "a staged file was not discarded; the sweep will");
    }
}

/// Writes the sniffed head, what was read past it, then the rest of the stream; a failure is
/// the client's (`Ok`) or storage's (`Err`).
async fn write_all(
    writer: &mut BlobWriter,
    head: &[u8],
    rest: Option<Bytes>,
    chunks: &mut (impl futures_util::Stream<Item = Result<Bytes, Failure>> + Unpin),
) -> Result<(), Result<Failure, BlobError>> {
    writer.write(head).await.map_err(Err)?;
    if let Some(rest) = rest {
        writer.write(&rest).await.map_err(Err)?;
    }
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(Ok)?;
        writer.write(&chunk).await.map_err(Err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_last_segment_only() {
        assert_eq!(
            clean_name(Some("C:\\Users\\an\\đơn đề nghị.pdf"), FileType::Pdf),
            "đơn đề nghị.pdf"
        );
        assert_eq!(
            clean_name(Some("../../etc/passwd"), FileType::Pdf),
            "passwd"
        );
        assert_eq!(clean_name(Some("a\nb.png"), FileType::Png), "ab.png");
        assert_eq!(clean_name(Some(".."), FileType::Png), "tep.png");
        assert_eq!(clean_name(None, FileType::Jpeg), "tep.jpeg");
    }
}
