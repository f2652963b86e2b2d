//! The `attachments:` section: which files a procedure accepts and how large.
//!
//! ```yaml
//! attachments:
//!   max_file_size: 10MB        # B, KB, MB or GB (1 KB = 1024 bytes), or a number of bytes
//!   types: [pdf, jpeg, png]    # names or MIME types
//! ```
//!
//! Every key may be left out; the platform's defaults then apply
//! ([`crate::attachments::Rules`]). The values are checked after parsing
//! ([`crate::attachments::check`]), at their line and column.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::At;

/// What files a procedure accepts.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    /// The largest file accepted, e.g. `10MB` or `512KB` (1 KB = 1024 bytes); default 10MB, at
    /// most 100MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_size: Option<At<FileSize>>,
    /// The types accepted, by name (`pdf`, `jpeg`, `png`, `tiff`, `webp`, `docx`, `xlsx`,
    /// `odt`, `ods`) or MIME type (`application/pdf`); default `[pdf, jpeg, png]`. A file's type
    /// is read from its content, never from its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<At<Vec<At<String>>>>,
}

/// A size in bytes, written `10MB`, `512 KB`, `2GB` or as a plain number of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileSize(pub u64);

impl FileSize {
    /// Reads `10MB`, `512 KB`, `1GB`, `300B` or `1048576` (units are powers of 1024, any case;
    /// `KiB`, `MiB` and `GiB` are accepted too).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = t.split_at(digits);
        let n: u64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a size: write it like 10MB or 512KB"))?;
        let factor: u64 = match unit.trim().to_ascii_uppercase().as_str() {
            "" | "B" => 1,
            "KB" | "KIB" => 1 << 10,
            "MB" | "MIB" => 1 << 20,
            "GB" | "GIB" => 1 << 30,
            other => {
                return Err(format!(
                    "`{other}` is not a unit of size: use B, KB, MB or GB"
                ));
            }
        };
        n.checked_mul(factor)
            .map(Self)
            .ok_or_else(|| format!("`{text}` is too large"))
    }
}

impl fmt::Display for FileSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        // The largest unit that divides the size exactly.
        for (shift, unit) in [(30, "GB"), (20, "MB"), (10, "KB")] {
            if n > 0 && n.is_multiple_of(1 << shift) {
                return write!(f, "{}{unit}", n >> shift);
            }
        }
        write!(f, "{n}B")
    }
}

impl Serialize for FileSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FileSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bytes(n) => Ok(Self(n)),
            Raw::Text(t) => Self::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

impl JsonSchema for FileSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FileSize".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a size: 10MB, 512KB, 1GB (1 KB = 1024 bytes) or a number of bytes",
            "anyOf": [
                { "type": "string", "pattern": "^\\s*[0-9]+\\s*([KkMmGg][Ii]?)?[Bb]?\\s*$" },
                { "type": "integer", "minimum": 1 }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::FileSize;

    #[test]
    fn sizes_read_with_units_of_1024() {
        for (text, bytes) in [
            ("10MB", 10 << 20),
            ("512 KB", 512 << 10),
            ("1gb", 1 << 30),
            ("300B", 300),
            ("2MiB", 2 << 20),
            ("1048576", 1 << 20),
        ] {
            assert_eq!(FileSize::parse(text), Ok(FileSize(bytes)), "{text}");
        }
        assert!(FileSize::parse("10XB").unwrap_err().contains("XB"));
        assert!(FileSize::parse("MB").is_err());
        assert!(FileSize::parse("99999999999GB").is_err());
        assert_eq!(FileSize(10 << 20).to_string(), "10MB");
        assert_eq!(FileSize(1536).to_string(), "1536B");
    }
}
