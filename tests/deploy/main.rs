//! The deployment files of `deploy/` checked against the platform they deploy: every image
//! pinned, every `motcua` command line and `MOTCUA__*` key one the server accepts (parsed by its
//! own command line and configuration loader), one port everywhere, probes asking paths the
//! router answers with the meaning the probe needs, non-root containers, and the reverse proxies'
//! hosts and body limit those of the platform. A manifest that drifts from the code fails here.
//!
//! No image is built and no cluster is needed: the files are read as their tools read them.

mod compose;
mod files;
mod image;
mod k8s;
mod probes;

use std::path::Path;

use motcua::cli::{Command, TenantCommand};

/// The version every reference to the platform's own image carries: the workspace's.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An image reference without its tag and digest: `registry.example.gov.vn/motcua`.
fn image_name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

/// Whether `image` is the platform's own.
fn is_motcua(image: &str) -> bool {
    image_name(image).rsplit('/').next() == Some("motcua")
}

/// Fails unless `image` names a version (a tag with a digit, not `latest`) or a digest; the
/// platform's own image carries the workspace version.
fn assert_pinned(what: &str, image: &str) {
    let tag = image
        .split('@')
        .next()
        .and_then(|i| i.strip_prefix(image_name(image)))
        .and_then(|t| t.strip_prefix(':'));
    let digest = image.contains("@sha256:");
    match tag {
        Some(tag) => assert!(
            tag != "latest" && tag.chars().any(|c| c.is_ascii_digit()),
            "{what}: image {image} is not pinned to a version"
        ),
        None => assert!(
            digest,
            "{what}: image {image} has neither a tag nor a digest"
        ),
    }
    if is_motcua(image) {
        assert_eq!(
            tag,
            Some(VERSION),
            "{what}: the platform's image is the workspace version"
        );
    }
}

/// A `motcua` command line as the binary parses it.
fn assert_command(what: &str, args: &[String]) -> Command {
    use clap::Parser as _;
    let argv = std::iter::once("motcua".to_owned()).chain(args.iter().cloned());
    motcua::cli::Cli::try_parse_from(argv)
        .unwrap_or_else(|e| {
            panic!(
                "{what}: `motcua {}` is not a command of the binary:\n{e}",
                args.join(" ")
            )
        })
        .command
}

/// A `tenant apply` run in the image applies every tenant of the repository, from where the
/// image holds them.
fn assert_applies_every_tenant(what: &str, command: &Command, image_tenants: &Path) {
    let Command::Tenant(TenantCommand::Apply { dirs, dry_run }) = command else {
        panic!("{what}: expected `motcua tenant apply`, got {command:?}");
    };
    assert!(!dry_run, "{what}: a dry run applies nothing");
    let mut named: Vec<String> = dirs
        .iter()
        .map(|d| {
            let rel = d.strip_prefix(image_tenants).unwrap_or_else(|_| {
                panic!(
                    "{what}: {} is not under the image's tenants directory {}",
                    d.display(),
                    image_tenants.display()
                )
            });
            rel.display().to_string()
        })
        .collect();
    named.sort();
    assert_eq!(named, repo_tenants(), "{what}: every tenant of tenants/");
}

/// The directory names of the repository's tenants, sorted.
fn repo_tenants() -> Vec<String> {
    let root = motcua_tests::repo_root().join("tenants");
    let mut names: Vec<String> = motcua::tenant_dir::list(&root)
        .expect("the tenants directory")
        .iter()
        .map(|d| {
            d.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Every host of every tenant in `tenants/` under the production suffix, aliases included.
fn tenant_hosts() -> Vec<String> {
    let suffix = motcua_core::tenant::DomainSuffix::production();
    motcua_tests::demo_bundles()
        .iter()
        .flat_map(|b| b.manifest.domains.hosts(&suffix))
        .map(|h| h.host)
        .collect()
}

#[test]
fn image_references_are_read_as_docker_does() {
    assert_eq!(image_name("motcua:0.1.0"), "motcua");
    assert_eq!(
        image_name("registry.example:5000/motcua"),
        "registry.example:5000/motcua"
    );
    assert_eq!(image_name("nginx@sha256:abcd"), "nginx");
    assert!(is_motcua("registry.example.gov.vn/motcua:0.1.0"));
    assert!(!is_motcua("motcua-tools:1"));
    assert_pinned("example", "redis:7.4.6-alpine");
    assert_pinned("example", "redis@sha256:0123");
    for unpinned in ["redis", "redis:latest", "redis:alpine"] {
        assert!(
            std::panic::catch_unwind(|| assert_pinned("example", unpinned)).is_err(),
            "{unpinned} is not pinned"
        );
    }
}
