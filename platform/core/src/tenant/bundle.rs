//! A tenant as a whole: its manifest, its procedures, its logo and its template forms, read from
//! the files of a tenant directory (or from storage, which keeps the files as they were written).
//!
//! The sources are kept verbatim next to their parsed form so that `motcua tenant export` gives
//! back exactly what the tenant wrote, comments included, and so that a change is detected by
//! content hash.

use sha2::{Digest, Sha256};

use super::{MANIFEST_FILE, Template, TemplateFile, TenantManifest, parse_manifest};
use crate::diagnostic::{At, Diagnostic, Diagnostics, Report};
use crate::procedure::{ProcedureInfo, parse_procedure};

/// The folder of procedure files inside a tenant directory.
pub const PROCEDURES_DIR: &str = "procedures";

/// The largest logo accepted, in bytes; a logo is shown on every page.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

/// A file as written by the tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the tenant directory, with `/` separators (`procedures/khai-sinh.yaml`).
    pub path: String,
    /// The text.
    pub text: String,
}

impl SourceFile {
    /// The hex sha256 of the text.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

/// A procedure with its source.
#[derive(Clone, Debug)]
pub struct ProcedureSource {
    /// The file.
    pub file: SourceFile,
    /// Its public information.
    pub info: ProcedureInfo,
}

/// The tenant's logo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    /// The file name (`logo.svg`).
    pub file: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Logo {
    /// The media type, from the extension (the manifest only allows SVG and PNG).
    pub fn content_type(&self) -> &'static str {
        if self.file.to_ascii_lowercase().ends_with(".png") {
            "image/png"
        } else {
            "image/svg+xml"
        }
    }
}

/// A whole tenant.
#[derive(Clone, Debug)]
pub struct TenantBundle {
    /// The manifest file.
    pub manifest_file: SourceFile,
    /// The manifest, parsed.
    pub manifest: TenantManifest,
    /// Its procedures, sorted by file path.
    pub procedures: Vec<ProcedureSource>,
    /// Its logo, when it has one.
    pub logo: Option<Logo>,
    /// The template forms its procedures name, when they were read ([`Self::with_templates`]):
    /// serving reads them from storage one at a time instead, so a tenant loaded to serve has
    /// `None` here, and applying such a bundle leaves the stored templates as they are.
    pub templates: Option<Vec<Template>>,
}

impl TenantBundle {
    /// Builds a tenant from its files: the manifest text, the procedure files, and the logo bytes
    /// when the manifest names one. Every problem in every file is reported at once.
    ///
    /// `dir_name` is the directory the files came from, when they came from one (the slug must
    /// match it).
    pub fn from_files(
        dir_name: Option<&str>,
        manifest_text: String,
        mut procedure_files: Vec<SourceFile>,
        logo_bytes: Option<Vec<u8>>,
    ) -> Result<Self, Diagnostics> {
        let manifest_file = SourceFile {
            path: MANIFEST_FILE.to_owned(),
            text: manifest_text,
        };
        let manifest = parse_manifest(&manifest_file.path, &manifest_file.text, dir_name)?;
        let mut problems = Vec::new();

        let logo = match (&manifest.branding.logo, logo_bytes) {
            (Some(file), Some(bytes)) if bytes.len() > MAX_LOGO_BYTES => {
                problems.push(whole_file(
                    file,
                    format!(
                        "the logo is {} KB; the limit is {} KB",
                        bytes.len() / 1024,
                        MAX_LOGO_BYTES / 1024
                    ),
                ));
                None
            }
            (Some(file), Some(bytes)) => Some(Logo {
                file: file.clone(),
                bytes,
            }),
            (Some(file), None) => {
                problems.push(whole_file(
                    MANIFEST_FILE,
                    format!("the logo file `{file}` named in branding.logo is missing"),
                ));
                None
            }
            (None, _) => None,
        };

        procedure_files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut procedures = Vec::with_capacity(procedure_files.len());
        let mut seen = std::collections::HashMap::new();
        for file in procedure_files {
            if !is_procedure_path(&file.path) {
                problems.push(whole_file(
                    &file.path,
                    "a procedure file must be named procedures/<name>.yaml, with letters, digits, dots, dashes and underscores".to_owned(),
                ));
                continue;
            }
            match parse_procedure(&file.path, &file.text, &manifest) {
                Ok(info) => {
                    if let Some(first) = seen.insert(info.code, file.path.clone()) {
                        problems.push(whole_file(
                            &file.path,
                            format!("the procedure code {} is also used by {first}", info.code),
                        ));
                    }
                    procedures.push(ProcedureSource { file, info });
                }
                Err(diagnostics) => problems.extend(diagnostics.0),
            }
        }

        if problems.is_empty() {
            Ok(Self {
                manifest_file,
                manifest,
                procedures,
                logo,
                templates: None,
            })
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Every template form file that a document of a procedure names, with where it is named
    /// (the procedure's file and the position of `template_file:`).
    pub fn template_files(&self) -> impl Iterator<Item = (&str, &At<TemplateFile>)> {
        self.procedures.iter().flat_map(|p| {
            p.info
                .cases
                .iter()
                .flat_map(|c| &c.documents)
                .filter_map(|d| d.template_file.as_ref())
                .map(|f| (p.file.path.as_str(), f))
        })
    }

    /// The bundle with its template forms: `files` must hold every file that a procedure names,
    /// each of its format and within [`super::MAX_TEMPLATE_BYTES`]; files that no procedure
    /// names are left out. Every problem is reported at the `template_file:` that names the
    /// file.
    pub fn with_templates(mut self, mut files: Vec<Template>) -> Result<Self, Diagnostics> {
        let mut problems = Vec::new();
        let mut kept: Vec<Template> = Vec::new();
        for (procedure, named) in self.template_files() {
            if kept.iter().any(|t| t.file == named.value) {
                continue;
            }
            let mut report = Report::new(procedure);
            match files.iter().position(|t| t.file == named.value) {
                None => report.at_value(
                    named,
                    format!("the template form `{named}` is missing"),
                    Some(format!("put the file at `{named}` in the tenant directory")),
                ),
                Some(i) => match named.check_content(&files[i].bytes) {
                    Ok(()) => kept.push(files.swap_remove(i)),
                    Err(message) => report.at_value(named, message, None),
                },
            }
            if let Err(d) = report.finish(()) {
                problems.extend(d.0);
            }
        }
        if problems.is_empty() {
            kept.sort_by(|a, b| a.file.cmp(&b.file));
            self.templates = Some(kept);
            Ok(self)
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// The procedure with a national code.
    pub fn procedure(&self, code: &str) -> Option<&ProcedureSource> {
        self.procedures
            .iter()
            .find(|p| p.info.code.to_string() == code)
    }
}

/// `procedures/<plain name>.yaml`: nothing that could point outside the tenant directory.
fn is_procedure_path(path: &str) -> bool {
    path.strip_prefix("procedures/")
        .and_then(|name| {
            name.strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"))
        })
        .is_some_and(|stem| {
            !stem.is_empty()
                && !stem.starts_with('.')
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
}

fn whole_file(file: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line: 0,
        column: 0,
        message,
        hint: None,
    }
}
