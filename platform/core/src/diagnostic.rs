//! Errors in files that people write (tenant manifests, procedure files), reported the way an
//! editor does: file, line, column, what is wrong, and a hint.
//!
//! Parsing stops at the first syntax error (nothing after it can be trusted), but semantic checks
//! collect every problem at once, so a designer fixes a file in one pass instead of one error per
//! run. Values whose meaning is checked after parsing are read as [`Spanned`] so that the check can
//! point at them.

use std::fmt;

use serde::de::DeserializeOwned;
pub use serde_saphyr::Location;
pub use serde_saphyr::Spanned;
use serde_saphyr::{MessageFormatter, UserMessageFormatter};

/// One problem in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column; 0 when unknown.
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: error: {}", self.file, self.message)?,
            (line, 0) => write!(f, "{}:{line}: error: {}", self.file, self.message)?,
            (line, column) => write!(f, "{}:{line}:{column}: error: {}", self.file, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one or more files; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostics {
    /// The problems, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

/// Collects semantic problems found in one file.
#[derive(Debug)]
pub struct Report {
    file: String,
    found: Vec<Diagnostic>,
}

impl Report {
    /// An empty report for `file`.
    pub fn new(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            found: Vec::new(),
        }
    }

    /// Records a problem at a location.
    pub fn at(&mut self, location: Location, message: impl Into<String>, hint: Option<String>) {
        self.found.push(Diagnostic {
            file: self.file.clone(),
            line: location.line(),
            column: location.column(),
            message: message.into(),
            hint,
        });
    }

    /// Records a problem with a value read with its position.
    pub fn at_value<T>(&mut self, value: &At<T>, message: impl Into<String>, hint: Option<String>) {
        self.at(value.location, message, hint);
    }

    /// Records a problem with a spanned value.
    pub fn value<T>(
        &mut self,
        value: &Spanned<T>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.at(value.referenced, message, hint);
    }

    /// Adds problems found elsewhere (for example by another reader of the same file).
    pub fn extend(&mut self, diagnostics: Diagnostics) {
        self.found.extend(diagnostics.0);
    }

    /// How many problems were found so far.
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// The problems found since there were `count`.
    pub fn found_since(&self, count: usize) -> impl Iterator<Item = &Diagnostic> {
        self.found.iter().skip(count)
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// `Ok(value)` when nothing was found, every problem otherwise (sorted by position).
    pub fn finish<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.found.is_empty() {
            Ok(value)
        } else {
            self.found.sort_by_key(|d| (d.line, d.column));
            Err(Diagnostics(self.found))
        }
    }
}

/// A value read from YAML with the position it was written at, so that a check made after
/// parsing can point at it. Serializes, compares and describes itself (JSON Schema) as the bare
/// value; built in code it has no position.
#[derive(Clone)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it was written ([`Location::UNKNOWN`] when built in code).
    pub location: Location,
}

impl<T> At<T> {
    /// A value without a position.
    pub fn new(value: T) -> Self {
        Self {
            value,
            location: Location::UNKNOWN,
        }
    }
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for At<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for At<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for At<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for At<T> {}

impl<T: std::hash::Hash> std::hash::Hash for At<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for At<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(d)?;
        Ok(Self {
            value: spanned.value,
            location: spanned.referenced,
        })
    }
}

impl<T: serde::Serialize> serde::Serialize for At<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for At<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// Parses a YAML document into `T`, turning a syntax or shape error into a [`Diagnostic`].
pub fn parse_yaml<T: DeserializeOwned>(file: &str, source: &str) -> Result<T, Diagnostics> {
    serde_saphyr::from_str::<T>(source).map_err(|err| {
        let location = err.location().unwrap_or(Location::UNKNOWN);
        let raw = UserMessageFormatter
            .format_message(err.without_snippet())
            .into_owned();
        let (message, hint) = explain(&raw);
        Diagnostics(vec![Diagnostic {
            file: file.to_owned(),
            line: location.line(),
            column: location.column(),
            message,
            hint,
        }])
    })
}

/// Adds a hint to the YAML crate's messages where one helps.
fn explain(raw: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected one of ")
    {
        let candidates: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
        let hint = match did_you_mean(field, candidates.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the keys allowed here are: {}", candidates.join(", ")),
        };
        return (format!("unknown key `{field}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once("`, expected one of ")
    {
        let candidates: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
        let hint = match did_you_mean(value, candidates.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the values allowed here are: {}", candidates.join(", ")),
        };
        return (format!("unknown value `{value}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("duplicate mapping key ") {
        let key = rest.split('`').nth(1).unwrap_or(rest);
        return (
            format!("the key `{key}` appears twice"),
            Some("remove one of them".to_owned()),
        );
    }
    if raw.starts_with("null is not allowed") || raw.starts_with("invalid type: null") {
        return (
            "a value is missing here".to_owned(),
            Some("if the value starts with `#`, quote it (\"#b71c1c\"): in YAML `#` starts a comment".to_owned()),
        );
    }
    if raw == "expected string scalar" {
        return ("expected a text value here".to_owned(), None);
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let key = rest.trim_end_matches('`');
        return (format!("the key `{key}` is missing"), None);
    }
    (raw.to_owned(), None)
}

/// The candidate closest to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d > 0 && *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be parsed")]
    struct Doc {
        name: String,
        #[serde(default)]
        count: u32,
    }

    #[test]
    fn syntax_errors_carry_file_line_column() {
        let err = parse_yaml::<Doc>("t.yaml", "name: a\ncount: [\n").unwrap_err();
        assert_eq!(err.0[0].file, "t.yaml");
        assert_eq!((err.0[0].line, err.0[0].column), (2, 8));
    }

    #[test]
    fn unknown_keys_get_a_did_you_mean() {
        let err = parse_yaml::<Doc>("t.yaml", "name: a\ncuont: 3\n").unwrap_err();
        let d = &err.0[0];
        assert_eq!((d.line, d.column), (2, 1));
        assert_eq!(d.message, "unknown key `cuont`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `count`?"));
        assert_eq!(
            d.to_string(),
            "t.yaml:2:1: error: unknown key `cuont`\n  hint: did you mean `count`?"
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = parse_yaml::<Doc>("t.yaml", "name: a\nname: b\n").unwrap_err();
        assert_eq!(err.0[0].message, "the key `name` appears twice");
    }

    #[test]
    fn did_you_mean_only_suggests_near_misses() {
        let roles = ["specialist", "division_head", "receiver"];
        assert_eq!(did_you_mean("specialst", roles), Some("specialist"));
        assert_eq!(did_you_mean("leader", roles), None);
        assert_eq!(did_you_mean("receiver", roles), None);
    }
}
