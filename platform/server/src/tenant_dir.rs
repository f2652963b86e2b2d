//! Reading a tenant directory from disk: `tenant.yaml`, `procedures/*.yaml`, the logo and the
//! template forms that the procedures name (`templates/`).
//!
//! Files are size-limited before they are read (a manifest is text a person writes; a huge file
//! is a mistake or an attack) and diagnostics name files by the path the user gave.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use motcua_core::diagnostic::Diagnostics;
use motcua_core::tenant::{
    MANIFEST_FILE, MAX_LOGO_BYTES, MAX_TEMPLATE_BYTES, PROCEDURES_DIR, SourceFile, TEMPLATES_DIR,
    Template, TenantBundle,
};

/// The largest YAML file read.
const MAX_YAML_BYTES: u64 = 1024 * 1024;

/// Why a directory could not be read as a tenant.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    /// The files could not be read.
    #[error(transparent)]
    Io(#[from] anyhow::Error),
    /// The files were read and are wrong.
    #[error("{0}")]
    Invalid(Diagnostics),
}

fn read_limited(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if meta.len() > limit {
        bail!(
            "{} is {} KB; the limit is {} KB",
            path.display(),
            meta.len() / 1024,
            limit / 1024
        );
    }
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    String::from_utf8(read_limited(path, MAX_YAML_BYTES)?)
        .with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Reads and checks the tenant directory `dir`.
pub fn read(dir: &Path) -> Result<TenantBundle, DirError> {
    let dir_name = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned);
    let manifest = read_text(&dir.join(MANIFEST_FILE))?;

    let mut procedures = Vec::new();
    let proc_dir = dir.join(PROCEDURES_DIR);
    if proc_dir.is_dir() {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&proc_dir)
            .with_context(|| format!("listing {}", proc_dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            procedures.push(SourceFile {
                path: format!("{PROCEDURES_DIR}/{name}"),
                text: read_text(&path)?,
            });
        }
    }

    // The manifest names the logo; read it only if the manifest is otherwise readable.
    let logo = match motcua_core::tenant::parse_manifest(MANIFEST_FILE, &manifest, None)
        .ok()
        .and_then(|m| m.branding.logo)
    {
        Some(file) if dir.join(&file).is_file() => {
            Some(read_limited(&dir.join(&file), MAX_LOGO_BYTES as u64 * 4)?)
        }
        _ => None,
    };

    let in_dir = |d: Diagnostics| {
        DirError::Invalid(Diagnostics(
            d.0.into_iter()
                .map(|mut diag| {
                    diag.file = dir.join(&diag.file).display().to_string();
                    diag
                })
                .collect(),
        ))
    };
    let bundle = TenantBundle::from_files(dir_name.as_deref(), manifest, procedures, logo)
        .map_err(in_dir)?;
    // The template forms the procedures name; a missing one is reported where it is named.
    let mut templates: Vec<Template> = Vec::new();
    for (_, named) in bundle.template_files() {
        let path = dir.join(named.path());
        if path.is_file() && !templates.iter().any(|t| t.file == named.value) {
            templates.push(Template {
                file: named.value.clone(),
                bytes: read_limited(&path, MAX_TEMPLATE_BYTES as u64)?,
            });
        }
    }
    let bundle = bundle.with_templates(templates).map_err(in_dir)?;
    // Beyond the public information: every procedure's e-form and workflow, all problems at once.
    let problems: Vec<_> = bundle
        .procedures
        .iter()
        .filter_map(|p| {
            motcua_workflow::procedure::load(&p.file.path, &p.file.text, &bundle.manifest).err()
        })
        .flat_map(|d| d.0)
        .collect();
    if problems.is_empty() {
        Ok(bundle)
    } else {
        Err(in_dir(Diagnostics(problems)))
    }
}

/// The manifest of the tenant directory `dir`, on its own (for commands about one procedure).
pub fn read_manifest(dir: &Path) -> Result<motcua_core::tenant::TenantManifest, DirError> {
    let text = read_text(&dir.join(MANIFEST_FILE))?;
    let name = dir.join(MANIFEST_FILE).display().to_string();
    let dir_name = dir.file_name().and_then(|n| n.to_str());
    motcua_core::tenant::parse_manifest(&name, &text, dir_name).map_err(DirError::Invalid)
}

/// The tenant directory a procedure file belongs to: `tenants/<slug>/procedures/<file>.yaml`.
pub fn tenant_of(procedure: &Path) -> Option<PathBuf> {
    let dir = procedure
        .canonicalize()
        .ok()?
        .parent()?
        .parent()?
        .to_path_buf();
    dir.join(MANIFEST_FILE).is_file().then_some(dir)
}

/// The tenant directories under `root` (those holding a `tenant.yaml`), sorted.
pub fn list(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("listing {}", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(MANIFEST_FILE).is_file())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// Writes a stored tenant back as a directory under `out`.
pub fn write(bundle: &TenantBundle, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out.join(PROCEDURES_DIR))
        .with_context(|| format!("creating {}", out.display()))?;
    std::fs::write(out.join(MANIFEST_FILE), &bundle.manifest_file.text)?;
    for p in &bundle.procedures {
        std::fs::write(out.join(&p.file.path), &p.file.text)?;
    }
    if let Some(logo) = &bundle.logo {
        std::fs::write(out.join(&logo.file), &logo.bytes)?;
    }
    let templates = bundle.templates.as_deref().unwrap_or_default();
    if !templates.is_empty() {
        std::fs::create_dir_all(out.join(TEMPLATES_DIR))?;
    }
    for t in templates {
        std::fs::write(out.join(t.file.path()), &t.bytes)?;
    }
    Ok(())
}
