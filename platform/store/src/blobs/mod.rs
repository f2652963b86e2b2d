//! Blob storage: the bytes of attachments, kept in an object store (a directory of local files by
//! default, S3-compatible storage in production) and addressed by their sha256.
//!
//! Rules this module keeps:
//! - a blob's key is `t/<tenant>/<aa>/<sha256>`, `aa` being the first two hex digits of the hash
//!   (so that no directory grows without bound): one tenant's identical files are stored once,
//!   and a key only ever holds the bytes whose hash it names;
//! - bytes reach a blob's key only once their hash is known and checked: they are written to a
//!   staging key first ([`Blobs::writer`], [`Blobs::stage`]), hashed on the way, and moved to
//!   their key by [`crate::attachments`] under the lock that the sweep takes too, so that a blob
//!   is never deleted between the check that it is stored and the row that refers to it;
//! - reads stream; nothing here holds a whole file in memory, except [`Blobs::stage`], which is
//!   given bytes that already are.

use std::fmt;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use crate::TenantId;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::{BoxStream, StreamExt};
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, WriteMultipart};

mod hash;
mod staging;

pub use hash::ContentHash;
pub use staging::{BlobWriter, Staged};

/// Where staged bytes wait for their hash to be checked.
const STAGING: &str = "staging";
/// Where blobs live, by tenant.
const TENANTS: &str = "t";

/// What went wrong with a blob.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The bytes are not those the caller announced.
    #[error("the content's sha256 is {actual}, not the expected {expected}")]
    HashMismatch {
        /// The hash announced.
        expected: ContentHash,
        /// The hash of the bytes received.
        actual: ContentHash,
    },
    /// More bytes than allowed were sent.
    #[error("the file is larger than the {limit} bytes allowed")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// No blob has this hash (never stored, or swept).
    #[error("blob {0} is not stored")]
    Missing(ContentHash),
    /// A text that should be a sha256 is not one.
    #[error("`{0}` is not a sha256 (64 hex digits)")]
    InvalidHash(String),
    /// The object store failed.
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    /// The storage settings cannot be used.
    #[error("blob storage settings: {0}")]
    Config(String),
}

/// Where blobs are kept.
#[derive(Clone, Debug)]
pub enum BlobBackend {
    /// A local directory (the embedded default: `<data dir>/attachments`).
    Local(PathBuf),
    /// An S3-compatible service.
    S3(S3Settings),
}

/// How to reach an S3-compatible service.
#[derive(Clone, Default)]
pub struct S3Settings {
    /// The service's URL (`https://s3.example.vn`); `None` for Amazon S3 itself.
    pub endpoint: Option<String>,
    /// The bucket.
    pub bucket: String,
    /// The region (services that have none accept any, e.g. `us-east-1`).
    pub region: String,
    /// The access key id; `None` to take credentials from the environment.
    pub access_key_id: Option<String>,
    /// The secret access key (never printed).
    pub secret_access_key: Option<String>,
    /// Whether a plain-http endpoint is allowed (a service on loopback or a private network).
    pub allow_http: bool,
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// The object store holding every tenant's blobs.
#[derive(Clone, Debug)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    kind: &'static str,
}

impl Blobs {
    /// Opens the configured backend.
    pub fn open(backend: &BlobBackend) -> Result<Self, BlobError> {
        match backend {
            BlobBackend::Local(dir) => Self::local(dir),
            BlobBackend::S3(settings) => Self::s3(settings),
        }
    }

    /// Blobs as files under `dir`, created when missing.
    pub fn local(dir: &FsPath) -> Result<Self, BlobError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| BlobError::Config(format!("creating {}: {e}", dir.display())))?;
        // Empty directories left by deletions are removed, so a sweep leaves no litter.
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
            kind: "local",
        })
    }

    /// Blobs in a bucket of an S3-compatible service.
    pub fn s3(s: &S3Settings) -> Result<Self, BlobError> {
        if s.bucket.is_empty() {
            return Err(BlobError::Config("the bucket is not set".into()));
        }
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&s.bucket)
            .with_region(&s.region)
            .with_allow_http(s.allow_http);
        if let Some(endpoint) = &s.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(id) = &s.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &s.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        Ok(Self {
            store: Arc::new(builder.build()?),
            kind: "s3",
        })
    }

    /// Blobs in memory (tests and tools that keep nothing).
    pub fn memory() -> Self {
        Self {
            store: Arc::new(object_store::memory::InMemory::new()),
            kind: "memory",
        }
    }

    /// `local`, `s3` or `memory`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The key of a tenant's blob.
    fn key(tenant: TenantId, hash: &ContentHash) -> Path {
        let hex = hash.to_string();
        Path::from_iter([TENANTS, &tenant.0.to_string(), &hex[..2], &hex])
    }

    /// A writer that stages up to `max_size` bytes for `tenant`, hashing them on the way.
    pub async fn writer(&self, tenant: TenantId, max_size: u64) -> Result<BlobWriter, BlobError> {
        let key = Path::from_iter([STAGING, &tenant.0.to_string(), &random_token(16)?]);
        let upload = self.store.put_multipart(&key).await?;
        Ok(BlobWriter::new(
            tenant,
            key,
            WriteMultipart::new(upload),
            max_size,
        ))
    }

    /// Stages bytes already in memory, refusing them unless their hash is `expected` (when
    /// given).
    pub async fn stage(
        &self,
        tenant: TenantId,
        bytes: Bytes,
        expected: Option<ContentHash>,
    ) -> Result<Staged, BlobError> {
        let actual = ContentHash::of(&bytes);
        if let Some(expected) = expected
            && expected != actual
        {
            return Err(BlobError::HashMismatch { expected, actual });
        }
        let mut writer = self.writer(tenant, bytes.len() as u64).await?;
        writer.write(&bytes).await?;
        writer.finish(Some(actual)).await
    }

    /// The size of a stored blob, `None` when it is not stored.
    pub async fn size(
        &self,
        tenant: TenantId,
        hash: &ContentHash,
    ) -> Result<Option<u64>, BlobError> {
        match self.store.head(&Self::key(tenant, hash)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a stored blob as a stream.
    pub async fn read(&self, tenant: TenantId, hash: &ContentHash) -> Result<BlobRead, BlobError> {
        let found = match self.store.get(&Self::key(tenant, hash)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Err(BlobError::Missing(*hash)),
            Err(e) => return Err(e.into()),
        };
        Ok(BlobRead {
            size: found.meta.size,
            stream: found
                .into_stream()
                .map(|chunk| chunk.map_err(BlobError::from))
                .boxed(),
        })
    }

    /// Moves staged bytes to their blob's key, unless the blob is already stored (then the
    /// staged copy is dropped). Called under the blob's lock ([`crate::attachments`]).
    pub(crate) async fn publish(&self, staged: &Staged) -> Result<(), BlobError> {
        let key = Self::key(staged.tenant, &staged.hash);
        match self.store.head(&key).await {
            Ok(meta) if meta.size == staged.size => {
                self.remove(&staged.key).await?;
                return Ok(());
            }
            Ok(meta) => {
                // Not the bytes the key names (a hand-made change): the checked bytes replace it.
                tracing::warn!(blob = %staged.hash, stored = meta.size, expected = staged.size, "a blob had the wrong size and was replaced");
            }
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        self.store.rename(&staged.key, &key).await?;
        Ok(())
    }

    /// Drops staged bytes that will not be used.
    pub async fn discard(&self, staged: Staged) -> Result<(), BlobError> {
        self.remove(&staged.key).await
    }

    /// Deletes a tenant's blob (the sweep does, under the blob's lock).
    pub(crate) async fn delete(
        &self,
        tenant: TenantId,
        hash: &ContentHash,
    ) -> Result<(), BlobError> {
        self.remove(&Self::key(tenant, hash)).await
    }

    async fn remove(&self, key: &Path) -> Result<(), BlobError> {
        match self.store.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every stored blob: tenant, hash, when it was last written.
    pub(crate) fn list_blobs(&self) -> BoxStream<'static, Result<ListedBlob, BlobError>> {
        self.store
            .list(Some(&Path::from(TENANTS)))
            .filter_map(|meta| async move {
                match meta {
                    Ok(meta) => parse_key(&meta).map(Ok),
                    Err(e) => Some(Err(e.into())),
                }
            })
            .boxed()
    }

    /// Every staged object with when it was written.
    pub(crate) fn list_staged(&self) -> BoxStream<'static, Result<ObjectMeta, BlobError>> {
        self.store
            .list(Some(&Path::from(STAGING)))
            .map(|m| m.map_err(BlobError::from))
            .boxed()
    }

    /// Deletes a staged object (the sweep does once it is old).
    pub(crate) async fn delete_staged(&self, key: &Path) -> Result<(), BlobError> {
        self.remove(key).await
    }
}

/// `bytes` random bytes, base64url: staging keys and upload ids, which nobody may guess.
pub(crate) fn random_token(bytes: usize) -> Result<String, BlobError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| BlobError::Config(format!("the system's random generator failed: {e}")))?;
    Ok(data_encoding::BASE64URL_NOPAD.encode(&buf))
}

/// A stored blob, as a listing finds it.
#[derive(Clone, Debug)]
pub(crate) struct ListedBlob {
    pub(crate) tenant: TenantId,
    pub(crate) hash: ContentHash,
    pub(crate) last_modified: DateTime<Utc>,
}

/// The tenant and hash of a blob's key; `None` for anything else (left alone).
fn parse_key(meta: &ObjectMeta) -> Option<ListedBlob> {
    let parts: Vec<_> = meta.location.parts().collect();
    let [root, tenant, _, hash] = parts.as_slice() else {
        return None;
    };
    if root.as_ref() != TENANTS {
        return None;
    }
    Some(ListedBlob {
        tenant: TenantId(tenant.as_ref().parse().ok()?),
        hash: hash.as_ref().parse().ok()?,
        last_modified: meta.last_modified,
    })
}

/// A blob being read.
pub struct BlobRead {
    /// Its size in bytes.
    pub size: u64,
    /// Its bytes.
    pub stream: BoxStream<'static, Result<Bytes, BlobError>>,
}

impl fmt::Debug for BlobRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobRead")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_start_with_the_tenant_and_fan_out_by_hash() {
        let h = ContentHash::of(b"abc");
        let key = Blobs::key(TenantId(7), &h);
        assert_eq!(key.as_ref(), format!("t/7/ba/{h}"));
        let listed = parse_key(&ObjectMeta {
            location: key,
            last_modified: Utc::now(),
            size: 3,
            e_tag: None,
            version: None,
        })
        .unwrap();
        assert_eq!((listed.tenant, listed.hash), (TenantId(7), h));
    }

    #[tokio::test]
    async fn staged_bytes_are_checked_against_the_hash_announced() {
        let blobs = Blobs::memory();
        let wrong = ContentHash::of(b"something else");
        let err = blobs
            .stage(TenantId(1), Bytes::from_static(b"abc"), Some(wrong))
            .await
            .unwrap_err();
        assert!(matches!(err, BlobError::HashMismatch { .. }), "{err}");
        let mut w = blobs.writer(TenantId(1), 4).await.unwrap();
        w.write(b"abc").await.unwrap();
        assert!(matches!(
            w.write(b"de").await,
            Err(BlobError::TooLarge { limit: 4 })
        ));
        w.abort().await.unwrap();
        let staged: Vec<_> = blobs.list_staged().collect().await;
        assert!(staged.is_empty(), "{staged:?}");
    }
}
