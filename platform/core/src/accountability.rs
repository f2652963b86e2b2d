//! Accountability requests (trách nhiệm giải trình, Art. 17): an applicant questions how an
//! official or a division handled their dossier, and the agency must acknowledge the request
//! within 5 working days and explain within 15 days, a term it may extend once by up to 15 days.
//!
//! Rules kept here, pure (no clock, no storage):
//! - the acknowledgment is due 5 **working** days after the request is opened, counted like a
//!   dossier's deadline on the tenant's calendar (a request opened after the intake cutoff or on
//!   a day off counts from the next working day);
//! - the explanation is due 15 **calendar** days after the acknowledgment — the domain brief says
//!   "5 working days" for one and "15 days" for the other, and a period in days ends at the end of
//!   the working day of its last day, or of the next working day when that day is off (Civil Code
//!   2015, Arts. 147-148, as [`ProcessingTime::after`] counts `days`). A late acknowledgment buys
//!   no time: the 15 days then count from the acknowledge-by time, which is also the provisional
//!   explain-by of a request not yet acknowledged;
//! - one extension, with a reason, decided before the explanation falls due, to a later time no
//!   more than 15 calendar days after the current explain-by;
//! - "overdue" is never stored: it is derived from the status and the due times at a given
//!   instant ([`Standing::is_overdue`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::lang::Lang;
use crate::procedure::{ProcessingTime, TimeUnit};

/// Time to acknowledge a request: 5 working days.
pub const ACKNOWLEDGE: ProcessingTime = ProcessingTime {
    value: 5,
    unit: TimeUnit::WorkingDays,
};

/// Time to explain, from the acknowledgment: 15 calendar days.
pub const EXPLAIN: ProcessingTime = ProcessingTime {
    value: 15,
    unit: TimeUnit::Days,
};

/// The longest extension of the explanation, beyond the current explain-by: 15 calendar days.
pub const MAX_EXTENSION: ProcessingTime = ProcessingTime {
    value: 15,
    unit: TimeUnit::Days,
};

/// How long after a dossier is closed its applicant may still open a request, in calendar days.
pub const OPEN_AFTER_CLOSE_DAYS: i64 = 90;

/// The longest text (the applicant's, an explanation, a reason), in characters.
pub const MAX_TEXT: usize = 4000;

/// Where a request stands. "Overdue" is not a status: see [`Standing::is_overdue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Opened by the applicant, not yet acknowledged.
    Open,
    /// Acknowledged; the explanation is awaited.
    Acknowledged,
    /// Explained: nothing more is due.
    Explained,
}

impl Status {
    /// Every status, in order.
    pub const ALL: [Status; 3] = [Self::Open, Self::Acknowledged, Self::Explained];

    /// The stored and machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Acknowledged => "acknowledged",
            Self::Explained => "explained",
        }
    }

    /// Reads [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Open => lang.pick("Chờ tiếp nhận", "Awaiting acknowledgment"),
            Self::Acknowledged => lang.pick("Đã tiếp nhận, chờ giải trình", "Acknowledged"),
            Self::Explained => lang.pick("Đã giải trình", "Explained"),
        }
    }
}

/// The acknowledge-by time of a request opened at `opened`.
pub fn acknowledge_by(calendar: &WorkingCalendar, opened: DateTime<Utc>) -> DateTime<Utc> {
    ACKNOWLEDGE.due(calendar, opened)
}

/// The explain-by time of a request due to be acknowledged by `acknowledge_by`, acknowledged at
/// `acknowledged` (`None`: not yet, the provisional explain-by). The 15 days count from the
/// acknowledgment, or from `acknowledge_by` when the acknowledgment came later.
pub fn explain_by(
    calendar: &WorkingCalendar,
    acknowledge_by: DateTime<Utc>,
    acknowledged: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let from = acknowledged.map_or(acknowledge_by, |at| at.min(acknowledge_by));
    EXPLAIN.after(calendar, from)
}

/// The latest time an extension may set, from the current `explain_by`.
pub fn latest_extension(calendar: &WorkingCalendar, explain_by: DateTime<Utc>) -> DateTime<Utc> {
    MAX_EXTENSION.after(calendar, explain_by)
}

/// What the rules need to know of a stored request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Its status.
    pub status: Status,
    /// When the acknowledgment is due.
    pub acknowledge_by: DateTime<Utc>,
    /// When the explanation is due.
    pub explain_by: DateTime<Utc>,
    /// Whether the explanation's term was extended already.
    pub extended: bool,
}

impl Standing {
    /// The next time something is due: the acknowledgment while open, the explanation once
    /// acknowledged, nothing once explained.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        match self.status {
            Status::Open => Some(self.acknowledge_by.min(self.explain_by)),
            Status::Acknowledged => Some(self.explain_by),
            Status::Explained => None,
        }
    }

    /// Whether what is due was not done in time, at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.next_due().is_some_and(|due| due < now)
    }
}

/// What an official does to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Acknowledge it (the notice of receipt).
    Acknowledge,
    /// Give the explanation; an open request is acknowledged by it at the same time.
    Explain {
        /// The explanation.
        text: String,
    },
    /// Extend the explanation's term, once.
    Extend {
        /// The new explain-by.
        due: DateTime<Utc>,
        /// Why.
        reason: String,
    },
}

/// Why an action is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request was acknowledged already.
    #[error("the request was acknowledged already")]
    AlreadyAcknowledged,
    /// The request was explained already: nothing more can be done to it.
    #[error("the request was explained already")]
    AlreadyExplained,
    /// The term was extended once already.
    #[error("the explanation's term was extended once already")]
    AlreadyExtended,
    /// A text that must be given is empty.
    #[error("the {0} is required")]
    Required(&'static str),
    /// A text is longer than [`MAX_TEXT`].
    #[error("the {0} is longer than 4000 characters")]
    TooLong(&'static str),
    /// The explanation is due already: too late to extend.
    #[error("the explanation was due at {explain_by}: too late to extend")]
    ExtensionTooLate {
        /// The current explain-by.
        explain_by: DateTime<Utc>,
    },
    /// The new due time is not after the current one.
    #[error("the new due time is not after {explain_by}")]
    ExtensionNotLater {
        /// The current explain-by.
        explain_by: DateTime<Utc>,
    },
    /// The new due time is more than 15 days after the current one.
    #[error("the new due time is after {latest}, more than 15 days later")]
    ExtensionTooLong {
        /// The latest acceptable due time.
        latest: DateTime<Utc>,
    },
}

/// What an accepted action changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The new status.
    pub status: Status,
    /// Set when the request is acknowledged by this action.
    pub acknowledged: bool,
    /// The explain-by after the action.
    pub explain_by: DateTime<Utc>,
}

/// A text checked: trimmed, not empty, not too long.
pub fn text(value: &str, what: &'static str) -> Result<String, Refusal> {
    let t = value.trim();
    if t.is_empty() {
        return Err(Refusal::Required(what));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(Refusal::TooLong(what));
    }
    Ok(t.to_owned())
}

/// Decides `action` on a request standing as `standing`, at `now`.
pub fn decide(
    calendar: &WorkingCalendar,
    standing: &Standing,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Decision, Refusal> {
    if standing.status == Status::Explained {
        return Err(Refusal::AlreadyExplained);
    }
    match action {
        Action::Acknowledge => {
            if standing.status != Status::Open {
                return Err(Refusal::AlreadyAcknowledged);
            }
            Ok(Decision {
                status: Status::Acknowledged,
                acknowledged: true,
                // An extended term stays as it was set.
                explain_by: if standing.extended {
                    standing.explain_by
                } else {
                    explain_by(calendar, standing.acknowledge_by, Some(now))
                },
            })
        }
        Action::Explain { text: t } => {
            text(t, "explanation")?;
            Ok(Decision {
                status: Status::Explained,
                acknowledged: standing.status == Status::Open,
                explain_by: standing.explain_by,
            })
        }
        Action::Extend { due, reason } => {
            if standing.extended {
                return Err(Refusal::AlreadyExtended);
            }
            text(reason, "reason")?;
            if now >= standing.explain_by {
                return Err(Refusal::ExtensionTooLate {
                    explain_by: standing.explain_by,
                });
            }
            if *due <= standing.explain_by {
                return Err(Refusal::ExtensionNotLater {
                    explain_by: standing.explain_by,
                });
            }
            let latest = latest_extension(calendar, standing.explain_by);
            if *due > latest {
                return Err(Refusal::ExtensionTooLong { latest });
            }
            Ok(Decision {
                status: standing.status,
                acknowledged: false,
                explain_by: *due,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone};

    use super::*;
    use crate::calendar::CalendarSpec;

    fn calendar() -> WorkingCalendar {
        // The national defaults: Monday to Friday, 07:00-11:30 and 13:30-17:00, Vietnam time.
        WorkingCalendar::new(&CalendarSpec::default()).unwrap()
    }

    fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn acknowledgment_counts_working_days_across_the_april_holidays() {
        let cal = calendar();
        // Tuesday 28 April 2026, 10:00: 30 April, 1 May and the weekend are off.
        let ack = acknowledge_by(&cal, vn(2026, 4, 28, 10, 0));
        assert_eq!(ack, vn(2026, 5, 7, 10, 0));
        // Explanation: 15 calendar days from the acknowledge-by time, Friday 22 May.
        assert_eq!(explain_by(&cal, ack, None), vn(2026, 5, 22, 17, 0));
    }

    #[test]
    fn a_late_acknowledgment_buys_no_time_an_early_one_starts_the_fifteen_days() {
        let cal = calendar();
        let ack_by = vn(2026, 5, 7, 10, 0);
        assert_eq!(
            explain_by(&cal, ack_by, Some(vn(2026, 5, 12, 9, 0))),
            explain_by(&cal, ack_by, None)
        );
        // Acknowledged on Wednesday 15 April: the fifteenth day, 30 April, and the next,
        // 1 May, are holidays and then comes a weekend: due Monday 4 May at closing time.
        assert_eq!(
            explain_by(&cal, vn(2026, 4, 22, 10, 0), Some(vn(2026, 4, 15, 9, 0))),
            vn(2026, 5, 4, 17, 0)
        );
    }

    fn standing(status: Status, extended: bool) -> Standing {
        Standing {
            status,
            acknowledge_by: vn(2026, 5, 7, 10, 0),
            explain_by: vn(2026, 5, 22, 17, 0),
            extended,
        }
    }

    #[test]
    fn one_extension_of_at_most_fifteen_days_decided_in_time() {
        let cal = calendar();
        let now = vn(2026, 5, 20, 9, 0);
        let s = standing(Status::Acknowledged, false);
        let extend = |due, reason: &str| Action::Extend {
            due,
            reason: reason.to_owned(),
        };
        // 22 May + 15 days is Saturday 6 June: the term may run to Monday 8 June, 17:00.
        let latest = vn(2026, 6, 8, 17, 0);
        assert_eq!(latest_extension(&cal, s.explain_by), latest);
        assert_eq!(
            decide(&cal, &s, &extend(latest, "cần xác minh"), now)
                .unwrap()
                .explain_by,
            latest
        );
        assert_eq!(
            decide(
                &cal,
                &s,
                &extend(latest + chrono::Duration::minutes(1), "x"),
                now
            ),
            Err(Refusal::ExtensionTooLong { latest })
        );
        assert_eq!(
            decide(&cal, &s, &extend(s.explain_by, "x"), now),
            Err(Refusal::ExtensionNotLater {
                explain_by: s.explain_by
            })
        );
        assert_eq!(
            decide(&cal, &s, &extend(latest, "  "), now),
            Err(Refusal::Required("reason"))
        );
        assert_eq!(
            decide(
                &cal,
                &standing(Status::Acknowledged, true),
                &extend(latest, "x"),
                now
            ),
            Err(Refusal::AlreadyExtended)
        );
        assert_eq!(
            decide(&cal, &s, &extend(latest, "x"), vn(2026, 5, 22, 17, 0)),
            Err(Refusal::ExtensionTooLate {
                explain_by: s.explain_by
            })
        );
    }

    #[test]
    fn explaining_acknowledges_an_open_request_and_ends_it() {
        let cal = calendar();
        let now = vn(2026, 5, 4, 9, 0);
        let explain = Action::Explain {
            text: "Hồ sơ cần xác minh thêm.".to_owned(),
        };
        let d = decide(&cal, &standing(Status::Open, false), &explain, now).unwrap();
        assert_eq!((d.status, d.acknowledged), (Status::Explained, true));
        assert_eq!(
            decide(&cal, &standing(Status::Explained, false), &explain, now),
            Err(Refusal::AlreadyExplained)
        );
        assert_eq!(
            decide(
                &cal,
                &standing(Status::Open, false),
                &Action::Explain { text: " ".into() },
                now
            ),
            Err(Refusal::Required("explanation"))
        );
        assert_eq!(
            decide(
                &cal,
                &standing(Status::Acknowledged, false),
                &Action::Acknowledge,
                now
            ),
            Err(Refusal::AlreadyAcknowledged)
        );
    }

    #[test]
    fn overdue_is_derived_from_what_is_due_next() {
        let open = standing(Status::Open, false);
        assert!(!open.is_overdue(vn(2026, 5, 7, 10, 0)));
        assert!(open.is_overdue(vn(2026, 5, 7, 10, 1)));
        let acknowledged = standing(Status::Acknowledged, false);
        assert!(!acknowledged.is_overdue(vn(2026, 5, 20, 0, 0)));
        assert!(acknowledged.is_overdue(vn(2026, 5, 23, 0, 0)));
        assert!(!standing(Status::Explained, false).is_overdue(vn(2030, 1, 1, 0, 0)));
    }
}
