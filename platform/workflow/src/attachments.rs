//! What files a procedure accepts: the types the platform knows, how a file's type is read from
//! its content, the platform's defaults, and the checks of a procedure's `attachments:` section.
//!
//! Rules kept here:
//! - a file's type is what its first bytes say (magic numbers), never its name or the type the
//!   client claims: a program renamed `.pdf` is not a PDF;
//! - a procedure without an `attachments:` section accepts [`DEFAULT_TYPES`] up to
//!   [`DEFAULT_MAX_FILE_SIZE`]; no procedure may accept more than [`MAX_FILE_SIZE`] per file.

use motcua_core::diagnostic::{Report, did_you_mean};

use crate::schema::{Attachments, ProcedureFile};

/// The largest file a procedure accepts unless it says otherwise: 10 MB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;
/// The largest file any procedure may accept: 100 MB.
pub const MAX_FILE_SIZE: u64 = 100 << 20;
/// The types a procedure accepts unless it says otherwise.
pub const DEFAULT_TYPES: [FileType; 3] = [FileType::Pdf, FileType::Jpeg, FileType::Png];
/// How many leading bytes are read to tell a file's type (enough for Office files, whose marker
/// follows the first entries of their zip).
pub const SNIFF_BYTES: usize = 8 << 10;

/// A type of file the platform can recognise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    /// PDF.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// TIFF image (scanners).
    Tiff,
    /// WebP image.
    Webp,
    /// Word document (Office Open XML).
    Docx,
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
}

impl FileType {
    /// Every type, in the order the documentation lists them.
    pub const ALL: [FileType; 9] = [
        Self::Pdf,
        Self::Jpeg,
        Self::Png,
        Self::Tiff,
        Self::Webp,
        Self::Docx,
        Self::Xlsx,
        Self::Odt,
        Self::Ods,
    ];

    /// The name procedure files use (`pdf`), which is also the usual extension.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Tiff => "tiff",
            Self::Webp => "webp",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Odt => "odt",
            Self::Ods => "ods",
        }
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
            Self::Webp => "image/webp",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// The type a procedure file names, by name (`pdf`, also `jpg` and `tif`) or MIME type.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        let t = match t.as_str() {
            "jpg" => "jpeg",
            "tif" => "tiff",
            other => other,
        };
        Self::ALL
            .into_iter()
            .find(|f| f.name() == t || f.mime() == t)
    }

    /// The type of a file from its first bytes ([`SNIFF_BYTES`] of them, or the whole file if
    /// shorter); `None` for anything the platform does not recognise.
    pub fn detect(head: &[u8]) -> Option<Self> {
        let mime = infer::get(head)?.mime_type();
        Self::ALL.into_iter().find(|f| f.mime() == mime)
    }
}

impl std::fmt::Display for FileType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The limits uploads of a procedure are held to, defaults applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// The largest file, in bytes.
    pub max_file_size: u64,
    /// The types accepted.
    pub types: Vec<FileType>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            types: DEFAULT_TYPES.to_vec(),
        }
    }
}

impl Rules {
    /// The rules of a procedure file (which passed [`check`]).
    pub fn of(file: &ProcedureFile) -> Self {
        let Some(a) = &file.attachments else {
            return Self::default();
        };
        let defaults = Self::default();
        Self {
            max_file_size: a
                .max_file_size
                .as_ref()
                .map_or(defaults.max_file_size, |s| s.0.min(MAX_FILE_SIZE)),
            types: match &a.types {
                Some(list) => list.iter().filter_map(|t| FileType::parse(t)).collect(),
                None => defaults.types,
            },
        }
    }

    /// Whether files of `kind` are accepted.
    pub fn accepts(&self, kind: FileType) -> bool {
        self.types.contains(&kind)
    }

    /// The accepted types' names, for messages: `pdf, jpeg, png`.
    pub fn type_names(&self) -> String {
        self.types
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks a procedure's `attachments:` section, each problem at its value.
pub fn check(section: Option<&Attachments>, report: &mut Report) {
    let Some(a) = section else {
        return;
    };
    if let Some(size) = &a.max_file_size {
        if size.0 == 0 {
            report.at_value(size, "`max_file_size: 0` accepts no file", None);
        } else if size.0 > MAX_FILE_SIZE {
            report.at_value(
                size,
                format!(
                    "`max_file_size: {}` is more than the platform accepts",
                    size.value
                ),
                Some("files are limited to 100MB; a larger document can be split".to_owned()),
            );
        }
    }
    let Some(types) = &a.types else {
        return;
    };
    if types.is_empty() {
        report.at_value(
            types,
            "`types: []` accepts no file",
            Some("leave `types` out for the default (pdf, jpeg, png)".to_owned()),
        );
    }
    let mut seen = Vec::new();
    for t in types.iter() {
        match FileType::parse(t) {
            None => {
                let names = FileType::ALL.map(FileType::name);
                let hint = match did_you_mean(t.trim(), names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("the types are: {}", names.join(", ")),
                };
                report.at_value(t, format!("unknown file type `{}`", t.value), Some(hint));
            }
            Some(kind) if seen.contains(&kind) => {
                report.at_value(t, format!("the type `{kind}` is listed twice"), None);
            }
            Some(kind) => seen.push(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_content_not_names() {
        assert_eq!(
            FileType::detect(b"%PDF-1.7\n%\xe2\xe3"),
            Some(FileType::Pdf)
        );
        assert_eq!(
            FileType::detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileType::Png)
        );
        assert_eq!(
            FileType::detect(b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
            Some(FileType::Jpeg)
        );
        assert_eq!(FileType::detect(b"MZ\x90\0\x03\0\0\0"), None, "a program");
        assert_eq!(FileType::detect(b"just some text"), None);
        assert_eq!(FileType::detect(b""), None);
    }

    #[test]
    fn names_and_mime_types_name_the_same_types() {
        assert_eq!(FileType::parse("PDF"), Some(FileType::Pdf));
        assert_eq!(FileType::parse("jpg"), Some(FileType::Jpeg));
        assert_eq!(FileType::parse("image/png"), Some(FileType::Png));
        assert_eq!(FileType::parse("exe"), None);
        for t in FileType::ALL {
            assert_eq!(FileType::parse(t.name()), Some(t));
            assert_eq!(FileType::parse(t.mime()), Some(t));
        }
    }

    #[test]
    fn a_procedure_states_its_own_rules() {
        use crate::testing::{PERMIT, tenant};
        let source = format!(
            "{PERMIT}attachments:\n  max_file_size: 5MB\n  types: [pdf, image/png, docx]\n"
        );
        let p = crate::procedure::load("permit.yaml", &source, &tenant()).unwrap();
        let rules = Rules::of(&p.file);
        assert_eq!(rules.max_file_size, 5 << 20);
        assert_eq!(rules.type_names(), "pdf, png, docx");
        let defaults = crate::testing::permit();
        assert_eq!(Rules::of(&defaults.file), Rules::default());
    }

    #[test]
    fn procedures_without_a_section_get_the_defaults() {
        let rules = Rules::default();
        assert_eq!(rules.max_file_size, 10 * 1024 * 1024);
        assert_eq!(rules.type_names(), "pdf, jpeg, png");
        assert!(rules.accepts(FileType::Pdf) && !rules.accepts(FileType::Docx));
    }
}
