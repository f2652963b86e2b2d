//! Staging: bytes written under a random key as they arrive, hashed and counted on the way,
//! refused past their size limit or when they do not hash to what was announced.

use std::fmt;

use object_store::WriteMultipart;
use object_store::path::Path;
use sha2::{Digest, Sha256};

use super::{BlobError, ContentHash, hash};
use crate::TenantId;

/// Parts of a staged upload written at once (S3 multipart; one part for small files).
const WRITE_CONCURRENCY: usize = 4;

/// Bytes being staged: written as they come, hashed and counted on the way.
pub struct BlobWriter {
    tenant: TenantId,
    key: Path,
    upload: WriteMultipart,
    hasher: Sha256,
    size: u64,
    max_size: u64,
}

impl BlobWriter {
    /// A writer to the staging key `key`, through `upload`.
    pub(super) fn new(tenant: TenantId, key: Path, upload: WriteMultipart, max_size: u64) -> Self {
        Self {
            tenant,
            key,
            upload,
            hasher: Sha256::new(),
            size: 0,
            max_size,
        }
    }
}

impl fmt::Debug for BlobWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobWriter")
            .field("key", &self.key)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl BlobWriter {
    /// Writes the next bytes; refuses with [`BlobError::TooLarge`] past the limit (then
    /// [`Self::abort`]).
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        let size = self.size + chunk.len() as u64;
        if size > self.max_size {
            return Err(BlobError::TooLarge {
                limit: self.max_size,
            });
        }
        self.size = size;
        self.hasher.update(chunk);
        self.upload.wait_for_capacity(WRITE_CONCURRENCY).await?;
        self.upload.write(chunk);
        Ok(())
    }

    /// The bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Completes the staging; with `expected`, refuses (and drops the bytes) unless they hash
    /// to it.
    pub async fn finish(self, expected: Option<ContentHash>) -> Result<Staged, BlobError> {
        let actual = hash::finish(self.hasher);
        if let Some(expected) = expected
            && expected != actual
        {
            self.upload.abort().await?;
            return Err(BlobError::HashMismatch { expected, actual });
        }
        self.upload.finish().await?;
        Ok(Staged {
            tenant: self.tenant,
            key: self.key,
            hash: actual,
            size: self.size,
        })
    }

    /// Drops what was written.
    pub async fn abort(self) -> Result<(), BlobError> {
        self.upload.abort().await?;
        Ok(())
    }
}

/// Bytes staged and hashed, waiting to be recorded ([`crate::attachments::record_upload`]) or
/// discarded ([`Blobs::discard`]); if neither happens, the sweep deletes them.
#[derive(Debug)]
pub struct Staged {
    pub(super) tenant: TenantId,
    pub(super) key: Path,
    pub(super) hash: ContentHash,
    pub(super) size: u64,
}

impl Staged {
    /// Their sha256.
    pub fn hash(&self) -> ContentHash {
        self.hash
    }

    /// Their size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tenant they were staged for.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }
}
