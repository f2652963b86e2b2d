//! `plugins:` settings of the node's plugin host: the certificate authorities that plugins'
//! https calls trust besides the system's.

use std::path::PathBuf;

use anyhow::Context as _;
use motcua_plugins::{Host, HostConfig};
use serde::Deserialize;

/// `plugins:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Plugins {
    /// A PEM file of certificate authorities that plugins' https calls trust besides the
    /// system's trust store (the usual web PKI roots): tenants' reference services under a
    /// private authority. Unset: the system's only.
    pub http_ca_file: Option<PathBuf>,
}

impl Plugins {
    /// The plugin host's settings.
    pub fn host_config(&self) -> HostConfig {
        HostConfig {
            http_ca_file: self.http_ca_file.clone(),
            ..HostConfig::default()
        }
    }

    /// The node's plugin host, with these settings.
    pub fn host(&self) -> anyhow::Result<Host> {
        Host::new(self.host_config()).context("starting the plugin host (check plugins.*)")
    }

    /// Refuses a CA bundle that cannot be read or holds no certificate.
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(path) = &self.http_ca_file {
            motcua_plugins::check_ca_bundle(path).context("plugins.http_ca_file")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_env;

    #[test]
    fn the_ca_bundle_comes_from_the_environment_and_must_hold_certificates() {
        let c = with_env(&[]);
        assert_eq!(c.plugins.http_ca_file, None);
        c.check().unwrap();

        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let c = with_env(&[("MOTCUA__PLUGINS__HTTP_CA_FILE", missing.to_str().unwrap())]);
        assert_eq!(c.plugins.http_ca_file.as_deref(), Some(missing.as_path()));
        assert_eq!(c.plugins.host_config().http_ca_file, Some(missing.clone()));
        let e = format!("{:#}", c.check().unwrap_err());
        assert!(
            e.contains("plugins.http_ca_file") && e.contains("cannot be read"),
            "{e}"
        );

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let c = with_env(&[("MOTCUA__PLUGINS__HTTP_CA_FILE", empty.to_str().unwrap())]);
        let e = format!("{:#}", c.check().unwrap_err());
        assert!(e.contains("holds no PEM certificate"), "{e}");
    }
}
