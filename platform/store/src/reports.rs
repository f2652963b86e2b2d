//! The period report of the one-stop system in the shape of Form 06a: for a period, the dossiers
//! received (carried over from before it, received in it online, received in it in person or by
//! post), resolved in it (early, on time, late), closed in it without a result (not accepted,
//! withdrawn, stopped), and in progress at its end (within the deadline, overdue).
//!
//! Rules kept here:
//! - counting is one SQL `GROUP BY` over the dossiers that matter to the period (received before
//!   its end and not closed before its start), grouped by procedure, procedure version and
//!   channel; the caller folds those rows into divisions, sectors, procedures or channels (a
//!   version names its division and sector, as for the public statistics);
//! - a cell's dossiers ([`dossiers`]) are selected by the very condition that counts them
//!   ([`Cell::condition`]), so a drill-down lists exactly what the number counted;
//! - "early" needs the tenant's calendar day, which SQL cannot compute portably for every time
//!   zone: the caller gives the instants at which each day of the period ends ([`Window`]), and
//!   a dossier is early when its due time is at or after the end of the day it was returned on
//!   (`WorkingCalendar::timeliness`: returned on a day before the due date);
//! - the rows counted and listed are the tenant's own (filtered on `tenant_id`, read in
//!   [`Store::tenant_read`]).

use chrono::{DateTime, Utc};
use motcua_core::dossier::{Channel, DossierStatus};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::dossiers::{Dossier, from_row};
use crate::entity::dossier::{self, Column as D};
use crate::ratings::Period;
use crate::{Store, StoreError, TenantId};

/// The longest period a report covers, in days: each day is one branch of the SQL that tells
/// early from on time, so the statement grows with the period.
pub const MAX_DAYS: usize = 400;

/// The period of a report with what its counting needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// The period: its start included, its end excluded.
    pub period: Period,
    /// The instant at which each day of the period ends in the tenant's calendar (the start of
    /// the next day), in order; the last is `period.to`.
    pub day_ends: Vec<DateTime<Utc>>,
    /// The instant at which "in progress at the end" is judged: the end of the period, or now
    /// when the period has not ended yet.
    pub as_of: DateTime<Utc>,
}

impl Window {
    /// A window, checked: days in order within the period, ending with it, at most
    /// [`MAX_DAYS`] of them.
    pub fn new(
        period: Period,
        day_ends: Vec<DateTime<Utc>>,
        as_of: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let ordered = day_ends.windows(2).all(|w| w[0] < w[1]);
        let inside = day_ends.first().is_some_and(|f| *f > period.from)
            && day_ends.last() == Some(&period.to);
        if !ordered || !inside || day_ends.len() > MAX_DAYS {
            return Err(StoreError::Corrupt(format!(
                "a report window of {} days that does not tile its period",
                day_ends.len()
            )));
        }
        Ok(Self {
            period,
            day_ends,
            as_of,
        })
    }

    /// The dossiers that matter to the period: received before its end, not closed before its
    /// start (the open ones and the ones closed since, each through its own index).
    fn universe(&self) -> Condition {
        Condition::all().add(D::ReceivedAt.lt(self.period.to)).add(
            Condition::any()
                .add(D::ClosedAt.is_null())
                .add(D::ClosedAt.gte(self.period.from)),
        )
    }

    /// The end of the day (in the tenant's calendar) a dossier was closed on, for a dossier
    /// closed in the period.
    fn end_of_closing_day(&self) -> Expr {
        let (last, rest) = self
            .day_ends
            .split_last()
            .expect("a window has at least one day");
        let mut ends = rest.iter();
        let Some(first) = ends.next() else {
            return Expr::val(*last);
        };
        let mut case = Expr::case(D::ClosedAt.lt(*first), Expr::val(*first));
        for end in ends {
            case = case.case(D::ClosedAt.lt(*end), Expr::val(*end));
        }
        case.finally(Expr::val(*last)).into()
    }
}

/// A cell of the report: a column of Form 06a, or one of its totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cell {
    /// Received before the period, still in progress at its start.
    CarriedOver,
    /// Received in the period online (the tenant's portal or the national portal).
    ReceivedOnline,
    /// Received in the period in person at the desk or by post.
    ReceivedInPerson,
    /// Result returned in the period on a day before the due date.
    ResolvedEarly,
    /// Result returned in the period on the due date, by the due time.
    ResolvedOnTime,
    /// Result returned in the period after the due time.
    ResolvedLate,
    /// Closed in the period without a result: not accepted, withdrawn or stopped.
    ClosedOtherwise,
    /// In progress at the end of the period, its due time not passed.
    PendingWithinDeadline,
    /// In progress at the end of the period, its due time passed.
    PendingOverdue,
    /// Total received: carried over and received in the period.
    Received,
    /// Total resolved: early, on time and late.
    Resolved,
    /// Total in progress at the end: within the deadline and overdue.
    Pending,
}

impl Cell {
    /// The cells that partition the dossiers of a period, as counted.
    pub const COUNTED: [Cell; 9] = [
        Self::CarriedOver,
        Self::ReceivedOnline,
        Self::ReceivedInPerson,
        Self::ResolvedEarly,
        Self::ResolvedOnTime,
        Self::ResolvedLate,
        Self::ClosedOtherwise,
        Self::PendingWithinDeadline,
        Self::PendingOverdue,
    ];

    /// Every cell, in the order of the form's columns.
    pub const ALL: [Cell; 12] = [
        Self::Received,
        Self::CarriedOver,
        Self::ReceivedOnline,
        Self::ReceivedInPerson,
        Self::Resolved,
        Self::ResolvedEarly,
        Self::ResolvedOnTime,
        Self::ResolvedLate,
        Self::ClosedOtherwise,
        Self::Pending,
        Self::PendingWithinDeadline,
        Self::PendingOverdue,
    ];

    /// The stable machine name, as the API and the drill-down links write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CarriedOver => "carried_over",
            Self::ReceivedOnline => "received_online",
            Self::ReceivedInPerson => "received_in_person",
            Self::ResolvedEarly => "resolved_early",
            Self::ResolvedOnTime => "resolved_on_time",
            Self::ResolvedLate => "resolved_late",
            Self::ClosedOtherwise => "closed_otherwise",
            Self::PendingWithinDeadline => "pending_within_deadline",
            Self::PendingOverdue => "pending_overdue",
            Self::Received => "received",
            Self::Resolved => "resolved",
            Self::Pending => "pending",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The condition a dossier of the window's universe meets to count in this cell.
    pub fn condition(self, w: &Window) -> Condition {
        let online = [Channel::Online, Channel::NationalPortal].map(Channel::as_str);
        let returned = DossierStatus::Returned.as_str();
        let received_in = || D::ReceivedAt.gte(w.period.from);
        let closed_in = || {
            Condition::all()
                .add(D::ClosedAt.is_not_null())
                .add(D::ClosedAt.lt(w.period.to))
        };
        let resolved = || closed_in().add(D::Status.eq(returned));
        let pending = || {
            Condition::any()
                .add(D::ClosedAt.is_null())
                .add(D::ClosedAt.gte(w.period.to))
        };
        let not_late = || Expr::col(D::ClosedAt).lte(Expr::col(D::DueAt));
        match self {
            Self::CarriedOver => Condition::all().add(D::ReceivedAt.lt(w.period.from)),
            Self::ReceivedOnline => Condition::all()
                .add(received_in())
                .add(D::Channel.is_in(online)),
            Self::ReceivedInPerson => Condition::all()
                .add(received_in())
                .add(D::Channel.is_not_in(online)),
            Self::ResolvedEarly => resolved()
                .add(not_late())
                .add(Expr::col(D::DueAt).gte(w.end_of_closing_day())),
            Self::ResolvedOnTime => resolved()
                .add(not_late())
                .add(Expr::col(D::DueAt).lt(w.end_of_closing_day())),
            Self::ResolvedLate => resolved().add(Expr::col(D::ClosedAt).gt(Expr::col(D::DueAt))),
            Self::ClosedOtherwise => closed_in().add(D::Status.ne(returned)),
            Self::PendingWithinDeadline => {
                Condition::all().add(pending()).add(D::DueAt.gte(w.as_of))
            }
            Self::PendingOverdue => Condition::all().add(pending()).add(D::DueAt.lt(w.as_of)),
            // Every dossier of the universe was carried over or received in the period.
            Self::Received => Condition::all(),
            Self::Resolved => resolved(),
            Self::Pending => pending(),
        }
    }
}

/// The counts of the report's cells for some dossiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// [`Cell::CarriedOver`].
    pub carried_over: i64,
    /// [`Cell::ReceivedOnline`].
    pub received_online: i64,
    /// [`Cell::ReceivedInPerson`].
    pub received_in_person: i64,
    /// [`Cell::ResolvedEarly`].
    pub resolved_early: i64,
    /// [`Cell::ResolvedOnTime`].
    pub resolved_on_time: i64,
    /// [`Cell::ResolvedLate`].
    pub resolved_late: i64,
    /// [`Cell::ClosedOtherwise`].
    pub closed_otherwise: i64,
    /// [`Cell::PendingWithinDeadline`].
    pub pending_within_deadline: i64,
    /// [`Cell::PendingOverdue`].
    pub pending_overdue: i64,
}

impl Counts {
    /// The count of `cell` (a total is the sum of its parts).
    pub fn get(&self, cell: Cell) -> i64 {
        match cell {
            Cell::CarriedOver => self.carried_over,
            Cell::ReceivedOnline => self.received_online,
            Cell::ReceivedInPerson => self.received_in_person,
            Cell::ResolvedEarly => self.resolved_early,
            Cell::ResolvedOnTime => self.resolved_on_time,
            Cell::ResolvedLate => self.resolved_late,
            Cell::ClosedOtherwise => self.closed_otherwise,
            Cell::PendingWithinDeadline => self.pending_within_deadline,
            Cell::PendingOverdue => self.pending_overdue,
            Cell::Received => self.carried_over + self.received_online + self.received_in_person,
            Cell::Resolved => self.resolved_early + self.resolved_on_time + self.resolved_late,
            Cell::Pending => self.pending_within_deadline + self.pending_overdue,
        }
    }

    fn slot(&mut self, cell: Cell) -> Option<&mut i64> {
        Some(match cell {
            Cell::CarriedOver => &mut self.carried_over,
            Cell::ReceivedOnline => &mut self.received_online,
            Cell::ReceivedInPerson => &mut self.received_in_person,
            Cell::ResolvedEarly => &mut self.resolved_early,
            Cell::ResolvedOnTime => &mut self.resolved_on_time,
            Cell::ResolvedLate => &mut self.resolved_late,
            Cell::ClosedOtherwise => &mut self.closed_otherwise,
            Cell::PendingWithinDeadline => &mut self.pending_within_deadline,
            Cell::PendingOverdue => &mut self.pending_overdue,
            Cell::Received | Cell::Resolved | Cell::Pending => return None,
        })
    }

    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &Counts) {
        for cell in Cell::COUNTED {
            if let Some(slot) = self.slot(cell) {
                *slot += other.get(cell);
            }
        }
    }

    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        Cell::COUNTED.iter().all(|c| self.get(*c) == 0)
    }
}

/// The counts of the dossiers of one procedure version received through one channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCounts {
    /// The procedure's code.
    pub procedure_code: String,
    /// The version the dossiers are on (which names their division and sector).
    pub procedure_version: i32,
    /// How they arrived.
    pub channel: Channel,
    /// The counts.
    pub counts: Counts,
}

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`.
fn count_if(cond: Condition) -> Expr {
    Func::sum(Expr::case(cond, Expr::cust("1")).finally(Expr::cust("0"))).into()
}

/// The counts of the window's dossiers per procedure version and channel: one query grouped by
/// the three, ordered by them. A group with no dossier that matters to the period has no row.
pub async fn counts(
    store: &Store,
    tenant: TenantId,
    window: &Window,
) -> Result<Vec<GroupCounts>, StoreError> {
    type Row = (
        String,
        i32,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let mut query = dossier::Entity::find()
        .select_only()
        .column(D::ProcedureCode)
        .column(D::ProcedureVersion)
        .column(D::Channel);
    for cell in Cell::COUNTED {
        query = query.expr(count_if(cell.condition(window)));
    }
    let txn = store.tenant_read(tenant).await?;
    let rows: Vec<Row> = query
        .filter(D::TenantId.eq(tenant.0))
        .filter(window.universe())
        .group_by(D::ProcedureCode)
        .group_by(D::ProcedureVersion)
        .group_by(D::Channel)
        .order_by_asc(D::ProcedureCode)
        .order_by_asc(D::ProcedureVersion)
        .order_by_asc(D::Channel)
        .into_tuple()
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.into_iter()
        .map(|(code, version, channel, a, b, c, d, e, f, g, h, i)| {
            Ok(GroupCounts {
                procedure_code: code,
                procedure_version: version,
                channel: Channel::parse(&channel)
                    .ok_or_else(|| StoreError::Corrupt(format!("dossier channel `{channel}`")))?,
                counts: Counts {
                    carried_over: a,
                    received_online: b,
                    received_in_person: c,
                    resolved_early: d,
                    resolved_on_time: e,
                    resolved_late: f,
                    closed_otherwise: g,
                    pending_within_deadline: h,
                    pending_overdue: i,
                },
            })
        })
        .collect()
}

/// Which dossiers of a cell to list: those of some procedure versions, received through some
/// channels (`None`: any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Procedure code and version pairs.
    pub versions: Option<Vec<(String, i32)>>,
    /// Channels.
    pub channels: Option<Vec<Channel>>,
}

fn selected(
    window: &Window,
    cell: Cell,
    tenant: TenantId,
    s: &Selection,
) -> Select<dossier::Entity> {
    let mut q = dossier::Entity::find()
        .filter(D::TenantId.eq(tenant.0))
        .filter(window.universe())
        .filter(cell.condition(window));
    if let Some(versions) = &s.versions {
        let mut any = Condition::any();
        for (code, version) in versions {
            any = any.add(
                Condition::all()
                    .add(D::ProcedureCode.eq(code.as_str()))
                    .add(D::ProcedureVersion.eq(*version)),
            );
        }
        q = q.filter(any);
    }
    if let Some(channels) = &s.channels {
        q = q.filter(D::Channel.is_in(channels.iter().map(|c| c.as_str())));
    }
    q
}

/// One page of the dossiers counted in `cell` of the window among `selection`, oldest receipt
/// first (then by id), with how many there are in all.
pub async fn dossiers(
    store: &Store,
    tenant: TenantId,
    window: &Window,
    cell: Cell,
    selection: &Selection,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Dossier>), StoreError> {
    let empty = |v: Option<usize>| v == Some(0);
    if empty(selection.versions.as_ref().map(Vec::len))
        || empty(selection.channels.as_ref().map(Vec::len))
    {
        return Ok((0, Vec::new()));
    }
    let txn = store.tenant_read(tenant).await?;
    let total = selected(window, cell, tenant, selection)
        .count(&txn)
        .await?;
    let rows = selected(window, cell, tenant, selection)
        .order_by_asc(D::ReceivedAt)
        .order_by_asc(D::Id)
        .offset(offset)
        .limit(limit)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok((
        total,
        rows.into_iter().map(from_row).collect::<Result<_, _>>()?,
    ))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_window_tiles_its_period() {
        let period = Period {
            from: utc(1, 17),
            to: utc(3, 17),
        };
        assert!(Window::new(period, vec![utc(2, 17), utc(3, 17)], utc(3, 17)).is_ok());
        for bad in [
            vec![],
            vec![utc(2, 17)],
            vec![utc(3, 17), utc(2, 17), utc(3, 17)],
            vec![utc(1, 17), utc(3, 17)],
            vec![utc(2, 17), utc(3, 18)],
        ] {
            assert!(
                Window::new(period, bad.clone(), utc(3, 17)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn cells_have_stable_names_and_totals_add_up() {
        for cell in Cell::ALL {
            assert_eq!(Cell::parse(cell.as_str()), Some(cell));
        }
        assert_eq!(Cell::parse("everything"), None);
        let mut c = Counts {
            carried_over: 1,
            received_online: 2,
            received_in_person: 3,
            resolved_early: 1,
            resolved_on_time: 1,
            resolved_late: 1,
            closed_otherwise: 1,
            pending_within_deadline: 1,
            pending_overdue: 1,
        };
        assert_eq!(c.get(Cell::Received), 6);
        assert_eq!(c.get(Cell::Resolved), 3);
        assert_eq!(c.get(Cell::Pending), 2);
        let copy = c;
        c.add(&copy);
        assert_eq!(c.get(Cell::Received), 12);
        assert!(!c.is_empty());
        assert!(Counts::default().is_empty());
    }
}
