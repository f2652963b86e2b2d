//! Where an inbox page ended: the sort key of its last row and the row's ids (keyset
//! pagination), as an opaque string for links (base64url text that clients must not build).
//!
//! The next page starts strictly after that row in the same order, so rows are never repeated
//! or skipped by paging, even while other rows come and go.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use data_encoding::BASE64URL_NOPAD;

use super::{InboxRow, Sort};

/// Where a page ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The order it belongs to.
    pub(super) sort: Sort,
    /// The last row's sort time (its dossier's due or receipt time).
    pub(super) at: DateTime<Utc>,
    /// The last row's dossier.
    pub(super) dossier: i64,
    /// The last row's token.
    pub(super) token: u32,
}

/// A cursor string that this platform did not write.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the page cursor is not valid")]
pub struct BadCursor;

impl Cursor {
    /// The cursor after `row` in `sort`.
    pub(super) fn after(sort: Sort, row: &InboxRow) -> Self {
        Self {
            sort,
            at: match sort {
                Sort::DueSoonest => row.dossier.due_at,
                Sort::ReceivedNewest | Sort::ReceivedOldest => row.dossier.received_at,
            },
            dossier: row.dossier.id,
            token: row.task.token,
        }
    }
}

fn tag(sort: Sort) -> &'static str {
    match sort {
        Sort::DueSoonest => "d",
        Sort::ReceivedNewest => "n",
        Sort::ReceivedOldest => "o",
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!(
            "1|{}|{}|{}|{}",
            tag(self.sort),
            self.at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            self.dossier,
            self.token
        );
        f.write_str(&BASE64URL_NOPAD.encode(text.as_bytes()))
    }
}

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, BadCursor> {
        let bytes = BASE64URL_NOPAD
            .decode(s.trim().as_bytes())
            .map_err(|_| BadCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| BadCursor)?;
        let mut parts = text.split('|');
        let (Some("1"), Some(sort), Some(at), Some(dossier), Some(token), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(BadCursor);
        };
        let sort = [Sort::DueSoonest, Sort::ReceivedNewest, Sort::ReceivedOldest]
            .into_iter()
            .find(|s| tag(*s) == sort)
            .ok_or(BadCursor)?;
        Ok(Self {
            sort,
            at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| BadCursor)?
                .with_timezone(&Utc),
            dossier: dossier.parse().map_err(|_| BadCursor)?,
            token: token.parse().map_err(|_| BadCursor)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_exactly() {
        let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00.123456789+07:00")
            .unwrap()
            .with_timezone(&Utc);
        let c = Cursor {
            sort: Sort::ReceivedNewest,
            at,
            dossier: 42,
            token: 3,
        };
        let text = c.to_string();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(text.parse::<Cursor>(), Ok(c));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in ["", "abc", "!!", &BASE64URL_NOPAD.encode(b"1|x|2026|1|1")] {
            assert_eq!(bad.parse::<Cursor>(), Err(BadCursor), "{bad}");
        }
    }
}
