//! The lines of the Form 06a report: storage's counts per procedure version and channel folded
//! into the groups asked for, limited to the divisions the caller may see, with the headings of
//! the form in both languages and the CSV export.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use motcua_core::calendar::{Progress, Timeliness};
use motcua_core::dossier::Channel;
use motcua_core::lang::Lang;
use motcua_store::reports::{self, Cell, Counts, GroupCounts, Selection};

use super::query::{Asked, By};
use crate::AppState;
use crate::error::Failure;
use crate::host::Site;

/// The key of a group that cannot be told (a procedure version that no longer loads and whose
/// procedure is gone).
pub(crate) const UNKNOWN: &str = "-";

/// Where the caller may see reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The whole tenant.
    All,
    /// These divisions only.
    Divisions(BTreeSet<String>),
}

impl Scope {
    fn covers(&self, division: &str) -> bool {
        match self {
            Self::All => true,
            Self::Divisions(set) => set.contains(division),
        }
    }
}

/// What a procedure version says about its dossiers.
#[derive(Clone, Debug, Default)]
struct Facts {
    division: String,
    sector: String,
    sector_name: String,
    name: String,
}

/// The facts of `code`'s `version`: the version itself, or when it cannot be read any more
/// (logged), the procedure as published today, or nothing.
async fn facts(state: &AppState, site: &Site, code: &str, version: i32) -> Facts {
    let lang = site.lang;
    let of = |info: &motcua_core::procedure::ProcedureInfo| Facts {
        division: info.division.to_string(),
        sector: info.sector.to_string(),
        sector_name: info.sector_name.get(lang).to_owned(),
        name: info.name.get(lang).to_owned(),
    };
    match crate::handling::procedure_at(state, site, code, version).await {
        Ok(p) => of(&p.file.info),
        Err(f) => {
            tracing::warn!(error = ?f.message.en, procedure = code, version, "report: a procedure version cannot be read");
            site.tenant
                .procedure(code)
                .map(|p| of(p.info()))
                .unwrap_or_default()
        }
    }
}

/// The label of a channel, in `lang`.
pub(crate) fn channel_name(channel: Channel, lang: Lang) -> &'static str {
    match channel {
        Channel::Desk => lang.pick("Trực tiếp tại Bộ phận Một cửa", "In person at the desk"),
        Channel::Post => lang.pick("Qua dịch vụ bưu chính", "By post"),
        Channel::Online => lang.pick("Trực tuyến (Cổng DVC của đơn vị)", "Online (own portal)"),
        Channel::NationalPortal => {
            lang.pick("Trực tuyến (Cổng DVC quốc gia)", "Online (national portal)")
        }
    }
}

/// The heading of a cell in Vietnamese and English.
pub(crate) fn heading(cell: Cell) -> (&'static str, &'static str) {
    let both = |f: &dyn Fn(Lang) -> &'static str| (f(Lang::Vi), f(Lang::En));
    match cell {
        Cell::Received => ("Tổng số nhận giải quyết", "Total received"),
        Cell::CarriedOver => ("Kỳ trước chuyển qua", "Carried over"),
        Cell::ReceivedOnline => ("Mới tiếp nhận trực tuyến", "New, online"),
        Cell::ReceivedInPerson => (
            "Mới tiếp nhận trực tiếp, bưu chính",
            "New, in person or by post",
        ),
        Cell::Resolved => ("Tổng số đã giải quyết", "Total resolved"),
        Cell::ResolvedEarly => both(&|l| Timeliness::Early.name(l)),
        Cell::ResolvedOnTime => both(&|l| Timeliness::OnTime.name(l)),
        Cell::ResolvedLate => both(&|l| Timeliness::Late.name(l)),
        Cell::ClosedOtherwise => (
            "Không tiếp nhận, rút, dừng xử lý",
            "Refused, withdrawn or stopped",
        ),
        Cell::Pending => ("Tổng số đang giải quyết", "Total in progress"),
        Cell::PendingWithinDeadline => both(&|l| Progress::WithinDeadline.name(l)),
        Cell::PendingOverdue => both(&|l| Progress::Overdue.name(l)),
    }
}

/// A line of the report.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    /// The group's key: division key, procedure code, sector code or channel.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its counts.
    pub counts: Counts,
}

/// The report: its lines by name, the total, and the procedure versions counted with the group
/// each belongs to (for drill-downs).
pub(crate) struct Report {
    pub lines: Vec<Line>,
    pub total: Counts,
    rows: Vec<(GroupCounts, String)>,
}

/// Counts the report asked for, for `scope`.
pub(crate) async fn build(
    state: &AppState,
    site: &Site,
    asked: &Asked,
    scope: &Scope,
) -> Result<Report, Failure> {
    let counted = reports::counts(&state.store, site.tenant.id, &asked.window).await?;
    let lang = site.lang;
    let mut known: HashMap<(String, i32), Facts> = HashMap::new();
    let mut lines: BTreeMap<String, Line> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut total = Counts::default();
    for row in counted {
        let pair = (row.procedure_code.clone(), row.procedure_version);
        if !known.contains_key(&pair) {
            let f = facts(state, site, &pair.0, pair.1).await;
            known.insert(pair.clone(), f);
        }
        let f = &known[&pair];
        if !scope.covers(&f.division) {
            continue;
        }
        let or_unknown = |s: &str| {
            if s.is_empty() {
                UNKNOWN.to_owned()
            } else {
                s.to_owned()
            }
        };
        let (key, name) = match asked.by {
            By::Division => (
                or_unknown(&f.division),
                if f.division.is_empty() {
                    lang.pick("Không xác định", "Unknown").to_owned()
                } else {
                    crate::accountability::division_name(site, &f.division)
                },
            ),
            By::Procedure => (
                row.procedure_code.clone(),
                site.tenant
                    .procedure(&row.procedure_code)
                    .map(|p| p.info().name.get(lang).to_owned())
                    .or_else(|| (!f.name.is_empty()).then(|| f.name.clone()))
                    .unwrap_or_else(|| row.procedure_code.clone()),
            ),
            By::Sector => (
                or_unknown(&f.sector),
                if f.sector_name.is_empty() {
                    or_unknown(&f.sector)
                } else {
                    f.sector_name.clone()
                },
            ),
            By::Channel => (
                row.channel.as_str().to_owned(),
                channel_name(row.channel, lang).to_owned(),
            ),
        };
        let line = lines.entry(key.clone()).or_insert_with(|| Line {
            key: key.clone(),
            name,
            counts: Counts::default(),
        });
        line.counts.add(&row.counts);
        total.add(&row.counts);
        rows.push((row, key));
    }
    let mut lines: Vec<Line> = lines.into_values().collect();
    lines.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.key.cmp(&b.key)));
    Ok(Report { lines, total, rows })
}

impl Report {
    /// The dossiers behind group `key` (`None`: every group) as storage selects them.
    pub(crate) fn selection(&self, by: By, key: Option<&str>, scope: &Scope) -> Selection {
        let channels = match (by, key) {
            (By::Channel, Some(k)) => Some(Channel::parse(k).into_iter().collect()),
            _ => None,
        };
        let everything = *scope == Scope::All && (key.is_none() || by == By::Channel);
        let versions = (!everything).then(|| {
            let mut v: Vec<(String, i32)> = self
                .rows
                .iter()
                .filter(|(_, k)| by == By::Channel || key.is_none_or(|key| key == k))
                .map(|(r, _)| (r.procedure_code.clone(), r.procedure_version))
                .collect();
            v.sort();
            v.dedup();
            v
        });
        Selection { versions, channels }
    }

    /// The count of `cell` of group `key` (`None`: the total).
    pub(crate) fn count(&self, key: Option<&str>, cell: Cell) -> i64 {
        match key {
            None => self.total.get(cell),
            Some(k) => self
                .lines
                .iter()
                .find(|l| l.key == k)
                .map_or(0, |l| l.counts.get(cell)),
        }
    }
}

/// A CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The report as CSV: UTF-8 with a byte order mark (so that Excel reads Vietnamese), a
/// heading line in both languages, a line per group and the total; lines end with CRLF.
pub(crate) fn csv(asked: &Asked, report: &Report) -> String {
    let (by_vi, by_en) = asked.by.heading();
    let mut head = vec!["Mã / Key".to_owned(), format!("{by_vi} / {by_en}")];
    head.extend(Cell::ALL.iter().map(|c| {
        let (vi, en) = heading(*c);
        format!("{vi} / {en}")
    }));
    let mut out = String::from("\u{feff}");
    let mut push = |cells: Vec<String>| {
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    push(head);
    let numbers = |c: &Counts| -> Vec<String> {
        Cell::ALL
            .iter()
            .map(|cell| c.get(*cell).to_string())
            .collect()
    };
    for line in &report.lines {
        let mut cells = vec![line.key.clone(), line.name.clone()];
        cells.extend(numbers(&line.counts));
        push(cells);
    }
    let mut cells = vec![String::new(), "Tổng cộng / Total".to_owned()];
    cells.extend(numbers(&report.total));
    push(cells);
    out
}
