//! The query of the Form 06a report, read strictly: the period (`from`, `to`: dates in the
//! tenant's calendar, both included), the grouping (`by`), and for a drill-down the group
//! (`key`), the cell (`cell`) and the page (`page`). Anything else, or a value that does not
//! parse, is a 400 with a message in both languages.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use motcua_store::ratings::Period;
use motcua_store::reports::{Cell, MAX_DAYS, Window};

use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

/// How the report's lines are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum By {
    /// The division that handled the dossiers (as their procedure version names it).
    Division,
    /// The procedure.
    Procedure,
    /// The procedure's sector.
    Sector,
    /// How the dossiers arrived.
    Channel,
}

impl By {
    pub(crate) const ALL: [By; 4] = [Self::Division, Self::Procedure, Self::Sector, Self::Channel];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Division => "division",
            Self::Procedure => "procedure",
            Self::Sector => "sector",
            Self::Channel => "channel",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The heading of the first column.
    pub(crate) fn heading(self) -> (&'static str, &'static str) {
        match self {
            Self::Division => ("Đơn vị", "Division"),
            Self::Procedure => ("Thủ tục hành chính", "Procedure"),
            Self::Sector => ("Lĩnh vực", "Sector"),
            Self::Channel => ("Hình thức nộp", "Channel"),
        }
    }
}

/// The report asked for.
#[derive(Clone, Debug)]
pub(crate) struct Asked {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
    /// The grouping.
    pub by: By,
    /// The period as storage counts it.
    pub window: Window,
    /// A drill-down's group (`None`: every group, the total row).
    pub key: Option<String>,
    /// A drill-down's cell.
    pub cell: Option<Cell>,
    /// A drill-down's page, from 1.
    pub page: u64,
    /// `format=csv`.
    pub csv: bool,
}

impl Asked {
    /// The query string that asks for this report again (`from`, `to`, `by`).
    pub(crate) fn query(&self) -> String {
        format!(
            "from={}&to={}&by={}",
            self.from.format("%Y-%m-%d"),
            self.to.format("%Y-%m-%d"),
            self.by.as_str()
        )
    }
}

fn bad(vi: String, en: String) -> Failure {
    Failure::new(
        axum::http::StatusCode::BAD_REQUEST,
        "invalid_report_query",
        Msg::new(vi, en),
    )
}

fn bad_value(name: &str, value: &str, vi_hint: &str, en_hint: &str) -> Failure {
    bad(
        format!("Tham số {name}=\"{value}\" không hợp lệ: {vi_hint}"),
        format!("The parameter {name}=\"{value}\" is not valid: {en_hint}"),
    )
}

fn date(name: &str, value: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            bad_value(
                name,
                value,
                "ngày có dạng YYYY-MM-DD, ví dụ 2026-03-31.",
                "a date is YYYY-MM-DD, for example 2026-03-31.",
            )
        })
}

/// The instant day `d` starts at in the tenant's time zone (the first instant of the day where
/// a clock change skips midnight).
fn start_of(site: &Site, d: NaiveDate) -> Result<DateTime<Utc>, Failure> {
    let tz = site.tenant.calendar.time_zone();
    (0..24)
        .filter_map(|h| d.and_hms_opt(h, 0, 0))
        .find_map(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            bad(
                format!("Ngày {d} nằm ngoài lịch."),
                format!("{d} is out of the calendar."),
            )
        })
}

/// Reads the query string `raw` for the host's tenant at `now`. `drill` says whether the
/// drill-down's parameters are allowed.
pub(crate) fn read(
    site: &Site,
    raw: Option<&str>,
    now: DateTime<Utc>,
    drill: bool,
) -> Result<Asked, Failure> {
    let mut from = None;
    let mut to = None;
    let mut by = By::Division;
    let mut key = None;
    let mut cell = None;
    let mut page = 1;
    let mut csv = false;
    let mut seen = Vec::new();
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.trim().to_owned();
        if seen.contains(&name) {
            return Err(bad(
                format!("Tham số {name} được nêu nhiều lần."),
                format!("The parameter {name} is given more than once."),
            ));
        }
        seen.push(name.clone());
        match (&*name, drill) {
            ("from", _) => from = Some(date("from", &value)?),
            ("to", _) => to = Some(date("to", &value)?),
            ("by", _) => {
                by = By::parse(&value).ok_or_else(|| {
                    bad_value(
                        "by",
                        &value,
                        "chọn division, procedure, sector hoặc channel.",
                        "choose division, procedure, sector or channel.",
                    )
                })?
            }
            ("format", false) if value == "csv" => csv = true,
            ("format", false) if value == "html" || value.is_empty() => {}
            ("key", true) => key = Some(value),
            ("cell", true) => {
                cell = Some(Cell::parse(&value).ok_or_else(|| {
                    let known: Vec<&str> = Cell::ALL.iter().map(|c| c.as_str()).collect();
                    bad_value(
                        "cell",
                        &value,
                        &format!("chọn một trong {}.", known.join(", ")),
                        &format!("choose one of {}.", known.join(", ")),
                    )
                })?)
            }
            ("page", true) => {
                page = value
                    .parse::<u64>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| {
                        bad_value("page", &value, "số trang từ 1.", "a page number from 1.")
                    })?
            }
            _ => {
                return Err(bad(
                    format!("Tham số {name} không được hỗ trợ."),
                    format!("The parameter {name} is not supported."),
                ));
            }
        }
    }
    if drill && cell.is_none() {
        return Err(bad(
            "Thiếu tham số cell (ô của báo cáo).".to_owned(),
            "The parameter cell (the report's cell) is missing.".to_owned(),
        ));
    }
    let today = site.tenant.calendar.local_date(now);
    let from = from.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = to.unwrap_or(today);
    let days = (to - from).num_days() + 1;
    if days < 1 || days > MAX_DAYS as i64 {
        return Err(bad(
            format!(
                "Khoảng thời gian không hợp lệ: from không được sau to, tối đa {MAX_DAYS} ngày."
            ),
            format!("Invalid period: from must not be after to, at most {MAX_DAYS} days."),
        ));
    }
    let mut day_ends = Vec::with_capacity(days as usize);
    let mut day = from;
    while day <= to {
        day = day.succ_opt().ok_or_else(|| {
            bad(
                "Ngày nằm ngoài lịch.".to_owned(),
                "A date is out of the calendar.".to_owned(),
            )
        })?;
        day_ends.push(start_of(site, day)?);
    }
    let period = Period {
        from: start_of(site, from)?,
        to: *day_ends.last().expect("at least one day"),
    };
    let window = Window::new(period, day_ends, now.min(period.to)).map_err(Failure::from)?;
    Ok(Asked {
        from,
        to,
        by,
        window,
        key,
        cell,
        page,
        csv,
    })
}
