//! Files a tenant ships besides YAML: its logo, and the template forms (mẫu đơn, tờ khai) that
//! applicants download from a procedure's page, fill in and hand in with their dossier.
//!
//! A template lives in the tenant directory's `templates/` folder and is named from the
//! procedure's document by `template_file: templates/<name>.<ext>`. Only document formats are
//! accepted, each checked by its content as well as its extension, so that a file served as a
//! PDF is a PDF.

use std::fmt;
use std::str::FromStr;

/// The folder of template forms inside a tenant directory.
pub const TEMPLATES_DIR: &str = "templates";

/// The largest template form accepted, in bytes: a form is a few pages.
pub const MAX_TEMPLATE_BYTES: usize = 5 * 1024 * 1024;

/// A document format a template form may have: extension, media type, and how its content
/// starts.
struct Format {
    extension: &'static str,
    name: &'static str,
    media_type: &'static str,
    magic: &'static [u8],
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

const FORMATS: &[Format] = &[
    Format {
        extension: "pdf",
        name: "PDF",
        media_type: "application/pdf",
        magic: b"%PDF-",
    },
    Format {
        extension: "docx",
        name: "DOCX",
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        magic: ZIP,
    },
    Format {
        extension: "doc",
        name: "DOC",
        media_type: "application/msword",
        magic: OLE,
    },
    Format {
        extension: "odt",
        name: "ODT",
        media_type: "application/vnd.oasis.opendocument.text",
        magic: ZIP,
    },
    Format {
        extension: "xlsx",
        name: "XLSX",
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        magic: ZIP,
    },
    Format {
        extension: "xls",
        name: "XLS",
        media_type: "application/vnd.ms-excel",
        magic: OLE,
    },
    Format {
        extension: "ods",
        name: "ODS",
        media_type: "application/vnd.oasis.opendocument.spreadsheet",
        magic: ZIP,
    },
];

fn format_of(extension: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.extension == extension)
}

/// The path of a template form in the tenant directory: `templates/<name>.<ext>`, a plain
/// name (letters, digits, dots, dashes, underscores) with a document extension in lower case.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TemplateFile(String);

impl TemplateFile {
    /// The path relative to the tenant directory (`templates/to-khai.pdf`).
    pub fn path(&self) -> &str {
        &self.0
    }

    /// The file name (`to-khai.pdf`), which is also how the portal's address names it.
    pub fn file_name(&self) -> &str {
        &self.0[TEMPLATES_DIR.len() + 1..]
    }

    /// Its media type, from its extension.
    pub fn media_type(&self) -> &'static str {
        self.format().media_type
    }

    /// Its format as people name it (`PDF`, `DOCX`).
    pub fn format_name(&self) -> &'static str {
        self.format().name
    }

    fn format(&self) -> &'static Format {
        let extension = self.0.rsplit_once('.').map_or("", |(_, e)| e);
        format_of(extension).expect("checked when parsed")
    }

    /// Why `bytes` cannot be this template's content, if they cannot.
    pub fn check_content(&self, bytes: &[u8]) -> Result<(), String> {
        if bytes.len() > MAX_TEMPLATE_BYTES {
            return Err(format!(
                "the template form `{self}` is {} KB; the limit is {} KB",
                bytes.len() / 1024,
                MAX_TEMPLATE_BYTES / 1024
            ));
        }
        let format = self.format();
        if !bytes.starts_with(format.magic) {
            return Err(format!(
                "the template form `{self}` is not a {} file (its content does not match its extension)",
                format.name
            ));
        }
        Ok(())
    }
}

impl FromStr for TemplateFile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let expected = || {
            format!(
                "a template form is a file in the tenant's `{TEMPLATES_DIR}/` folder with a plain name, like `{TEMPLATES_DIR}/to-khai.pdf` ({}), not `{s}`",
                FORMATS
                    .iter()
                    .map(|f| f.extension)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let name = s
            .strip_prefix(TEMPLATES_DIR)
            .and_then(|rest| rest.strip_prefix('/'))
            .ok_or_else(expected)?;
        let plain = !name.is_empty()
            && name.len() <= 100
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        let known = name
            .rsplit_once('.')
            .is_some_and(|(stem, e)| !stem.is_empty() && format_of(e).is_some());
        if plain && known {
            Ok(Self(s.to_owned()))
        } else {
            Err(expected())
        }
    }
}

impl fmt::Display for TemplateFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TemplateFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TemplateFile({})", self.0)
    }
}

crate::codes::string_serde!(
    TemplateFile,
    "a template form file, like templates/to-khai.pdf",
    pattern = "^templates/[A-Za-z0-9_-][A-Za-z0-9._-]*\\.(pdf|docx|doc|odt|xlsx|xls|ods)$"
);

/// A template form's content, as read from the tenant directory or from storage.
#[derive(Clone, PartialEq, Eq)]
pub struct Template {
    /// Where it is in the tenant directory.
    pub file: TemplateFile,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Template({}, {} bytes)", self.file, self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_paths_are_plain_files_in_the_templates_folder() {
        let ok: TemplateFile = "templates/To-khai_01.v2.pdf".parse().unwrap();
        assert_eq!(ok.file_name(), "To-khai_01.v2.pdf");
        assert_eq!(ok.media_type(), "application/pdf");
        for bad in [
            "to-khai.pdf",
            "templates/",
            "templates/.pdf",
            "templates/../tenant.yaml",
            "templates/sub/form.pdf",
            "templates/form.exe",
            "templates/form.PDF",
            "templates/form.html",
            "templates/form",
            "/templates/form.pdf",
            "templates/tờ-khai.pdf",
        ] {
            let err = bad.parse::<TemplateFile>().unwrap_err();
            assert!(err.contains("templates/to-khai.pdf"), "{bad}: {err}");
        }
    }

    #[test]
    fn content_must_match_the_extension_and_the_size_limit() {
        let pdf: TemplateFile = "templates/a.pdf".parse().unwrap();
        assert!(pdf.check_content(b"%PDF-1.7\n...").is_ok());
        let err = pdf.check_content(b"<html><script>").unwrap_err();
        assert!(err.contains("not a PDF file"), "{err}");
        let docx: TemplateFile = "templates/a.docx".parse().unwrap();
        assert!(docx.check_content(b"PK\x03\x04rest").is_ok());
        assert!(docx.check_content(b"%PDF-1.7").is_err());
        let doc: TemplateFile = "templates/a.doc".parse().unwrap();
        assert!(doc.check_content(OLE).is_ok());
        let mut huge = b"%PDF-".to_vec();
        huge.resize(MAX_TEMPLATE_BYTES + 1, b' ');
        assert!(
            pdf.check_content(&huge)
                .unwrap_err()
                .contains("the limit is")
        );
    }
}
