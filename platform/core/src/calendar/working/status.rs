//! How a dossier stands against its deadline, in the words of the period report (Form 06a):
//! resolved early, on time or late; in progress within the deadline or overdue.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// How a finished dossier met its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Returned on a day before the due date.
    Early,
    /// Returned on the due date, at or before the due time.
    OnTime,
    /// Returned after the due time.
    Late,
}

/// Where a dossier in progress stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// The due time has not passed.
    WithinDeadline,
    /// The due time has passed.
    Overdue,
}

impl Timeliness {
    /// The column heading of the report, in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::Early => lang.pick("Trước hạn", "Early"),
            Self::OnTime => lang.pick("Đúng hạn", "On time"),
            Self::Late => lang.pick("Quá hạn", "Late"),
        }
    }
}

impl Progress {
    /// The column heading of the report, in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::WithinDeadline => lang.pick("Trong hạn", "Within deadline"),
            Self::Overdue => lang.pick("Quá hạn", "Overdue"),
        }
    }
}
