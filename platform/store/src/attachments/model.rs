//! What attachments are, as callers see them: upload ids, uploads, documents and what they are
//! to their dossier, read from their rows.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::StoreError;
use crate::blobs::{BlobError, ContentHash, random_token};
use crate::entity::{attachment_upload, dossier_document};

/// The prefix of upload ids.
const UPLOAD_PREFIX: &str = "up_";

/// An upload's id: `up_` and 128 random bits, the only handle on an upload (unguessable).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UploadId(pub(super) String);

impl UploadId {
    /// A new id.
    pub(super) fn random() -> Result<Self, BlobError> {
        Ok(Self(format!("{UPLOAD_PREFIX}{}", random_token(16)?)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for UploadId {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        let ok = s.strip_prefix(UPLOAD_PREFIX).is_some_and(|rest| {
            rest.len() == 22
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::NotFound(format!(
                "upload `{}`",
                s.chars().take(40).collect::<String>()
            )))
        }
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the prefix: the id is the upload's only credential besides its owner.
        write!(f, "UploadId({}…)", self.0.get(..7).unwrap_or_default())
    }
}

/// What an upload is, besides its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUpload {
    /// The procedure whose limits it passed.
    pub procedure_code: String,
    /// Its MIME type, detected from its content.
    pub content_type: String,
    /// The file name the client gave (for display and downloads only).
    pub file_name: String,
    /// Who uploaded it (`account:12`, `citizen:<subject>`, `token:3`): only they may attach it.
    pub uploaded_by: String,
    /// When it expires unless attached.
    pub expires_at: DateTime<Utc>,
}

/// A stored upload, not yet attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// Its id.
    pub id: UploadId,
    /// The sha256 of its bytes.
    pub sha256: ContentHash,
    /// Its size in bytes.
    pub size: u64,
    /// What it is besides its bytes.
    pub meta: NewUpload,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

/// What a document is to its dossier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A document the procedure requires, by its code (`info.cases[].documents[].code`).
    Required(String),
    /// The result of handling (giấy phép, quyết định...).
    Result,
    /// A scan made at the desk of a paper the applicant brought.
    Scan,
    /// A document supplied later, when a supplement was requested.
    Supplement,
    /// A document made or received while handling (a verification's findings, a report), given
    /// with an action that requires documents.
    Handling,
}

impl DocumentKind {
    /// The stored kind and code.
    pub(super) fn columns(&self) -> (&'static str, Option<String>) {
        match self {
            Self::Required(code) => ("document", Some(code.clone())),
            Self::Result => ("result", None),
            Self::Scan => ("scan", None),
            Self::Supplement => ("supplement", None),
            Self::Handling => ("handling", None),
        }
    }

    fn from_columns(kind: &str, code: Option<String>) -> Option<Self> {
        Some(match (kind, code) {
            ("document", Some(code)) => Self::Required(code),
            ("result", _) => Self::Result,
            ("scan", _) => Self::Scan,
            ("supplement", _) => Self::Supplement,
            ("handling", _) => Self::Handling,
            _ => return None,
        })
    }

    /// `document`, `result`, `scan`, `supplement` or `handling`.
    pub fn as_str(&self) -> &'static str {
        self.columns().0
    }
}

/// An upload to attach to a dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attach {
    /// The upload.
    pub upload: UploadId,
    /// What it is to the dossier.
    pub kind: DocumentKind,
    /// Who attaches it: must be who uploaded it.
    pub by: String,
}

/// A document of a dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Its id.
    pub id: i64,
    /// The dossier.
    pub dossier_id: i64,
    /// What it is to the dossier.
    pub kind: DocumentKind,
    /// The sha256 of its bytes.
    pub sha256: ContentHash,
    /// The file name given at upload.
    pub file_name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its MIME type, detected from its content.
    pub content_type: String,
    /// Who attached it.
    pub attached_by: String,
    /// When.
    pub attached_at: DateTime<Utc>,
}

/// Stored attachment data that cannot be read back.
pub(super) fn corrupt(what: impl fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("attachment: {what}"))
}

fn size_of(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| corrupt(format!("negative size {n}")))
}

fn hash_of(text: &str) -> Result<ContentHash, StoreError> {
    text.parse().map_err(corrupt)
}

impl TryFrom<attachment_upload::Model> for Upload {
    type Error = StoreError;

    fn try_from(m: attachment_upload::Model) -> Result<Self, StoreError> {
        Ok(Self {
            sha256: hash_of(&m.sha256)?,
            size: size_of(m.size)?,
            id: UploadId(m.id),
            meta: NewUpload {
                procedure_code: m.procedure_code,
                content_type: m.content_type,
                file_name: m.file_name,
                uploaded_by: m.uploaded_by,
                expires_at: m.expires_at,
            },
            created_at: m.created_at,
        })
    }
}

impl TryFrom<dossier_document::Model> for Document {
    type Error = StoreError;

    fn try_from(m: dossier_document::Model) -> Result<Self, StoreError> {
        Ok(Self {
            kind: DocumentKind::from_columns(&m.kind, m.code)
                .ok_or_else(|| corrupt(format!("document {} has kind `{}`", m.id, m.kind)))?,
            sha256: hash_of(&m.sha256)?,
            size: size_of(m.size)?,
            id: m.id,
            dossier_id: m.dossier_id,
            file_name: m.file_name,
            content_type: m.content_type,
            attached_by: m.attached_by,
            attached_at: m.attached_at,
        })
    }
}
