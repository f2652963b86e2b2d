//! `attachments:` settings: where attachments' bytes are kept (a local directory by default, an
//! S3-compatible bucket in production), how long an upload waits to be attached, and how the
//! sweep runs. The S3 secret key is a [`Secret`] and never printed.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use motcua_store::blobs::{BlobBackend, S3Settings};
use serde::Deserialize;

use super::Secret;

/// Where blobs are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Files under `dir` (default `<data_dir>/attachments`); several nodes need it shared.
    #[default]
    Local,
    /// An S3-compatible bucket (`s3:`).
    S3,
}

/// `attachments:` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Attachments {
    /// `local` (default) or `s3`.
    pub backend: Backend,
    /// The directory of the local backend; default `<data_dir>/attachments`.
    pub dir: Option<PathBuf>,
    /// The S3-compatible service of the `s3` backend.
    pub s3: S3,
    /// Hours an upload waits to be attached before it is deleted.
    pub upload_ttl_hours: u64,
    /// Hours an unreferenced blob is kept before the sweep deletes it (at least 1: longer than
    /// any upload takes).
    pub grace_hours: u64,
    /// Minutes between two sweeps of a node.
    pub sweep_every_minutes: u64,
}

impl Default for Attachments {
    fn default() -> Self {
        Self {
            backend: Backend::Local,
            dir: None,
            s3: S3::default(),
            upload_ttl_hours: 24,
            grace_hours: 24,
            sweep_every_minutes: 60,
        }
    }
}

/// `attachments.s3:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct S3 {
    /// The service's URL, e.g. `https://s3.example.gov.vn`; empty for Amazon S3.
    pub endpoint: Option<String>,
    /// The bucket.
    pub bucket: String,
    /// The region; default `us-east-1` (services without regions accept it).
    pub region: Option<String>,
    /// The access key id; empty to take credentials from the environment (`AWS_*`).
    pub access_key_id: Option<String>,
    /// The secret access key (`MOTCUA__ATTACHMENTS__S3__SECRET_ACCESS_KEY`).
    pub secret_access_key: Option<Secret>,
    /// Allow a plain-http endpoint (a service on loopback or a private network).
    pub allow_http: bool,
}

impl Attachments {
    /// The backend to open, with `data_dir` for the local default.
    pub fn backend(&self, data_dir: &std::path::Path) -> anyhow::Result<BlobBackend> {
        Ok(match self.backend {
            Backend::Local => BlobBackend::Local(
                self.dir
                    .clone()
                    .unwrap_or_else(|| data_dir.join("attachments")),
            ),
            Backend::S3 => {
                let s = &self.s3;
                if s.bucket.is_empty() {
                    bail!("attachments.backend is s3 but attachments.s3.bucket is not set");
                }
                if s.endpoint
                    .as_deref()
                    .is_some_and(|e| e.starts_with("http://"))
                    && !s.allow_http
                {
                    bail!(
                        "attachments.s3.endpoint is plain http; set attachments.s3.allow_http: true if that is intended"
                    );
                }
                BlobBackend::S3(S3Settings {
                    endpoint: s.endpoint.clone().filter(|e| !e.is_empty()),
                    bucket: s.bucket.clone(),
                    region: s.region.clone().unwrap_or_else(|| "us-east-1".to_owned()),
                    access_key_id: s.access_key_id.clone().filter(|k| !k.is_empty()),
                    secret_access_key: s
                        .secret_access_key
                        .as_ref()
                        .map(|k| k.expose().to_owned())
                        .filter(|k| !k.is_empty()),
                    allow_http: s.allow_http,
                })
            }
        })
    }

    /// How long an upload waits to be attached.
    pub fn upload_ttl(&self) -> Duration {
        Duration::from_secs(self.upload_ttl_hours * 3600)
    }

    /// How long an unreferenced blob is kept.
    pub fn grace(&self) -> Duration {
        Duration::from_secs(self.grace_hours * 3600)
    }

    /// The time between two sweeps.
    pub fn sweep_every(&self) -> Duration {
        Duration::from_secs(self.sweep_every_minutes * 60)
    }

    /// Refuses settings that would lose data or never sweep.
    pub fn check(&self, data_dir: &std::path::Path) -> anyhow::Result<()> {
        if self.grace_hours == 0 {
            bail!(
                "attachments.grace_hours must be at least 1: a blob being uploaded must not be swept"
            );
        }
        if self.upload_ttl_hours == 0 {
            bail!("attachments.upload_ttl_hours must be at least 1");
        }
        if self.sweep_every_minutes == 0 {
            bail!("attachments.sweep_every_minutes must be at least 1");
        }
        self.backend(data_dir).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_env;
    use super::*;

    #[test]
    fn local_files_under_the_data_directory_by_default() {
        let c = with_env(&[]);
        let BlobBackend::Local(dir) = c.attachments.backend(&c.data_dir()).unwrap() else {
            panic!("local by default");
        };
        assert_eq!(dir, PathBuf::from("data/attachments"));
        assert_eq!(c.attachments.upload_ttl(), Duration::from_secs(86_400));
        assert_eq!(c.attachments.grace(), Duration::from_secs(86_400));
        c.check().unwrap();
    }

    #[test]
    fn s3_settings_come_from_the_environment_and_the_secret_is_never_printed() {
        let c = with_env(&[
            ("MOTCUA__ATTACHMENTS__BACKEND", "s3"),
            (
                "MOTCUA__ATTACHMENTS__S3__ENDPOINT",
                "https://s3.example.gov.vn",
            ),
            ("MOTCUA__ATTACHMENTS__S3__BUCKET", "motcua"),
            ("MOTCUA__ATTACHMENTS__S3__ACCESS_KEY_ID", "AKIA"),
            ("MOTCUA__ATTACHMENTS__S3__SECRET_ACCESS_KEY", "hunter2"),
        ]);
        let backend = c.attachments.backend(&c.data_dir()).unwrap();
        let BlobBackend::S3(s) = &backend else {
            panic!("s3");
        };
        assert_eq!(s.bucket, "motcua");
        assert_eq!(s.region, "us-east-1");
        assert_eq!(s.secret_access_key.as_deref(), Some("hunter2"));
        for debug in [format!("{c:?}"), format!("{backend:?}")] {
            assert!(!debug.contains("hunter2"), "{debug}");
        }
    }

    #[test]
    fn settings_that_would_lose_data_are_refused() {
        let err = with_env(&[("MOTCUA__ATTACHMENTS__BACKEND", "s3")])
            .check()
            .unwrap_err()
            .to_string();
        assert!(err.contains("bucket"), "{err}");
        let err = with_env(&[
            ("MOTCUA__ATTACHMENTS__BACKEND", "s3"),
            ("MOTCUA__ATTACHMENTS__S3__BUCKET", "b"),
            ("MOTCUA__ATTACHMENTS__S3__ENDPOINT", "http://minio:9000"),
        ])
        .check()
        .unwrap_err()
        .to_string();
        assert!(err.contains("allow_http"), "{err}");
        let err = with_env(&[("MOTCUA__ATTACHMENTS__GRACE_HOURS", "0")])
            .check()
            .unwrap_err()
            .to_string();
        assert!(err.contains("grace_hours"), "{err}");
    }
}
