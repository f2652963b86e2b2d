//! Public statistics of a tenant (Art. 16.2.h): per agency (division) and per procedure, over a
//! period of months, the dossiers received, finished (result returned), finished on time (early
//! or on time) and the on-time rate, the online rate (received online / received) and the
//! citizens' satisfaction (very satisfied + satisfied in the overall rating of
//! [`crate::ratings`], with the number of ratings).
//!
//! `GET /thong-ke` on the Vietnamese host, `GET /statistics` on the English one (the other
//! language's path is redirected to this host's), and `GET /api/v1/statistics` in JSON; all take
//! `?from=YYYY-MM&to=YYYY-MM` (months in the tenant's time zone, both included; by default the
//! current year). Nobody needs to sign in: the figures are public and personal data-free. Page
//! and API share one rate limit per client (the public lookup's, `lookup_per_minute`).
//!
//! The counts are SQL aggregates grouped by procedure version
//! ([`motcua_store::ratings::dossier_counts`]) and by procedure and division
//! ([`motcua_store::ratings::rating_counts`]). Dossiers and ratings count for the same division:
//! the one that handled the dossier, as the procedure version it was handled on names it (a
//! rating stores that division when it is given). A procedure moved to another division thus
//! leaves its past dossiers and ratings with the division that handled them; the procedure's own
//! line shows the division it belongs to today. The counts of a tenant and period are cached for
//! [`COUNTS_TTL`] (in the shared cache when there is one), so figures lag by that much at most.
//! The page has a table per level — the accessible source — and server-rendered SVG bars beside
//! it ([`chart`]), hidden from assistive technology.

mod chart;
mod labels;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use motcua_core::lang::Lang;
use motcua_store::ratings::{self, DossierCounts, Period, RatingCounts};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::client::ClientIp;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, render as html};
use chart::Chart;
use labels::{StatisticsLabels, labels};

/// The longest period asked for, in months.
const MAX_MONTHS: i32 = 120;

/// The page's path in `lang`.
pub(crate) fn page_path(lang: Lang) -> &'static str {
    lang.pick("/thong-ke", "/statistics")
}

/// The page, on the portal (merged into its router).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/thong-ke", get(page))
        .route("/statistics", get(page))
}

/// The JSON API, nested under `/api` (public).
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new().route("/v1/statistics", get(api))
}

/// The query: the first and last months.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PeriodQuery {
    /// `YYYY-MM`.
    #[serde(default)]
    from: Option<String>,
    /// `YYYY-MM`.
    #[serde(default)]
    to: Option<String>,
}

/// A month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Month {
    year: i32,
    month: u32,
}

impl Month {
    fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let month = Self {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    fn index(self) -> i32 {
        self.year * 12 + self.month as i32
    }

    fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    /// `YYYY-MM`.
    fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `MM/YYYY`, as Vietnamese and English pages both write it.
    fn words(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }
}

/// The period asked for, read.
struct Asked {
    first: Month,
    last: Month,
    period: Period,
}

fn invalid_period() -> Failure {
    Failure::invalid(
        "invalid_period",
        Msg::new(
            format!(
                "Khoảng thời gian không hợp lệ: from và to có dạng YYYY-MM (ví dụ 2026-01), from không sau to, tối đa {MAX_MONTHS} tháng."
            ),
            format!(
                "Invalid period: from and to are YYYY-MM (for example 2026-01), from not after to, at most {MAX_MONTHS} months."
            ),
        ),
    )
}

/// The period of `q` in the tenant's time zone (by default this year).
fn asked(site: &Site, q: &PeriodQuery, now: DateTime<Utc>) -> Result<Asked, Failure> {
    let tz = site.tenant.calendar.time_zone();
    let year = now.with_timezone(&tz).year();
    let read = |s: &Option<String>, default: Month| match s.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => Month::parse(s).ok_or_else(invalid_period),
    };
    let first = read(&q.from, Month { year, month: 1 })?;
    let last = read(
        &q.to,
        Month {
            year: first.year.max(year),
            month: 12,
        },
    )?;
    if first > last || last.index() - first.index() >= MAX_MONTHS {
        return Err(invalid_period());
    }
    let start = |m: Month| -> Result<DateTime<Utc>, Failure> {
        m.first_day()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| tz.from_local_datetime(&d).earliest())
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(invalid_period)
    };
    Ok(Asked {
        first,
        last,
        period: Period {
            from: start(first)?,
            to: start(last.next())?,
        },
    })
}

/// One line of the statistics: a division or a procedure.
#[derive(Clone, Debug, Default)]
struct Line {
    /// The division's key or the procedure's code.
    key: String,
    /// Its name.
    name: String,
    /// The division's key, for a procedure.
    division: Option<String>,
    /// The online level a procedure is published at now.
    level: Option<u8>,
    received: i64,
    received_online: i64,
    finished: i64,
    on_time: i64,
    ratings: i64,
    satisfied: i64,
}

/// The online rate from which a level-3 procedure may move to level 4 (Art. 21.1.c).
const LEVEL_4_ONLINE_RATE: f64 = 0.3;

/// `part / whole` as a fraction, `None` when `whole` is 0.
fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A fraction as a percentage with one decimal in `lang` (`—` when there is none).
fn percent(lang: Lang, r: Option<f64>) -> String {
    match r {
        None => "—".to_owned(),
        Some(r) => {
            let s = format!("{:.1}", r * 100.0);
            lang.pick(format!("{} %", s.replace('.', ",")), format!("{s}%"))
        }
    }
}

impl Line {
    fn on_time_rate(&self) -> Option<f64> {
        rate(self.on_time, self.finished)
    }
    fn online_rate(&self) -> Option<f64> {
        rate(self.received_online, self.received)
    }
    fn satisfaction(&self) -> Option<f64> {
        rate(self.satisfied, self.ratings)
    }

    /// Whether a level-3 procedure may move to level 4: at least 30% of its dossiers of the
    /// period were received online (Art. 21.1.c).
    fn ready_for_level_4(&self) -> bool {
        self.level == Some(3) && self.online_rate().is_some_and(|r| r >= LEVEL_4_ONLINE_RATE)
    }

    fn json(&self, division: bool) -> Value {
        let mut v = json!({
            "name": self.name,
            "received": self.received,
            "received_online": self.received_online,
            "online_rate": self.online_rate(),
            "finished": self.finished,
            "finished_on_time": self.on_time,
            "on_time_rate": self.on_time_rate(),
            "ratings": self.ratings,
            "satisfied": self.satisfied,
            "satisfaction_rate": self.satisfaction(),
        });
        if division {
            v["key"] = json!(self.key);
        } else {
            v["code"] = json!(self.key);
            v["division"] = json!(self.division);
            v["level"] = json!(self.level);
            v["ready_for_level_4"] = json!(self.ready_for_level_4());
        }
        v
    }
}

/// The statistics of a period: per division and per procedure.
struct Report {
    divisions: Vec<Line>,
    procedures: Vec<Line>,
}

/// How long the counts of a tenant and period are kept: the page is public and each view would
/// otherwise aggregate the period's dossiers again.
const COUNTS_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// The counts of a period, language-free, as cached: each version's dossier counts with the
/// division that version names, and the ratings.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Counts {
    dossiers: Vec<(DossierCounts, String)>,
    ratings: Vec<RatingCounts>,
}

/// The cache key of the counts of `period` for the host's tenant.
fn counts_key(site: &Site, period: Period) -> String {
    format!(
        "statistics:{}:{}:{}",
        site.tenant.id.0,
        period.from.timestamp(),
        period.to.timestamp()
    )
}

/// The division that handled the dossiers of `code`'s `version`: the one that version names.
/// A version that cannot be read any more (logged) counts for the procedure's division today,
/// or for none.
async fn division_of(state: &AppState, site: &Site, code: &str, version: i32) -> String {
    match crate::handling::procedure_at(state, site, code, version).await {
        Ok(p) => p.file.info.division.to_string(),
        Err(f) => {
            tracing::warn!(error = ?f.message.en, procedure = code, version, "statistics: the division of a procedure version is unknown");
            site.tenant
                .procedure(code)
                .map(|p| p.info().division.to_string())
                .unwrap_or_default()
        }
    }
}

/// The counts of `period` for the host's tenant, from the cache when they are there.
async fn counts(state: &AppState, site: &Site, period: Period) -> Result<Counts, Failure> {
    let key = counts_key(site, period);
    if let Ok(Some(bytes)) = state.cache.get(&key).await
        && let Ok(counts) = serde_json::from_slice::<Counts>(&bytes)
    {
        return Ok(counts);
    }
    let found = ratings::dossier_counts(&state.store, site.tenant.id, period).await?;
    let mut dossiers = Vec::with_capacity(found.len());
    for c in found {
        let division = division_of(state, site, &c.procedure_code, c.procedure_version).await;
        dossiers.push((c, division));
    }
    let counts = Counts {
        dossiers,
        ratings: ratings::rating_counts(&state.store, site.tenant.id, period).await?,
    };
    if let Ok(bytes) = serde_json::to_vec(&counts)
        && let Err(e) = state.cache.set(&key, &bytes, COUNTS_TTL).await
    {
        tracing::warn!(error = %e, "statistics not cached");
    }
    Ok(counts)
}

/// Gathers the report of `period` for the host's tenant.
async fn report(state: &AppState, site: &Site, period: Period) -> Result<Report, Failure> {
    let counts = counts(state, site, period).await?;
    Ok(assemble(site, &counts.dossiers, &counts.ratings))
}

/// Puts the counts together: every procedure of the tenant (and any other counted), and every
/// division that owns one of them, handled a dossier counted or was rated.
fn assemble(site: &Site, dossiers: &[(DossierCounts, String)], given: &[RatingCounts]) -> Report {
    let lang = site.lang;
    let l = labels(lang);
    let mut procedures: BTreeMap<String, Line> = BTreeMap::new();
    for p in &site.tenant.procedures {
        let info = p.info();
        procedures.insert(
            info.code.to_string(),
            Line {
                key: info.code.to_string(),
                name: info.name.get(lang).to_owned(),
                division: Some(info.division.to_string()),
                level: Some(info.level.number()),
                ..Line::default()
            },
        );
    }
    // A procedure no longer published is still counted, under its code.
    fn procedure<'m>(all: &'m mut BTreeMap<String, Line>, code: &str) -> &'m mut Line {
        all.entry(code.to_owned()).or_insert_with(|| Line {
            key: code.to_owned(),
            name: code.to_owned(),
            division: None,
            ..Line::default()
        })
    }
    for (c, _) in dossiers {
        let line = procedure(&mut procedures, &c.procedure_code);
        line.received += c.received;
        line.received_online += c.received_online;
        line.finished += c.finished;
        line.on_time += c.finished_on_time;
    }
    for r in given {
        let line = procedure(&mut procedures, &r.procedure_code);
        line.ratings += r.ratings;
        line.satisfied += r.satisfied;
    }
    let mut divisions: BTreeMap<String, Line> = BTreeMap::new();
    let division_name = |key: &str| {
        if key.is_empty() {
            l.other.to_owned()
        } else {
            crate::accountability::division_name(site, key)
        }
    };
    fn division<'m>(
        all: &'m mut BTreeMap<String, Line>,
        key: &str,
        name: impl Fn(&str) -> String,
    ) -> &'m mut Line {
        all.entry(key.to_owned()).or_insert_with(|| Line {
            name: name(key),
            key: key.to_owned(),
            ..Line::default()
        })
    }
    // Every division owning a published procedure has a line, even with nothing counted.
    for p in procedures.values() {
        if let Some(key) = &p.division {
            division(&mut divisions, key, division_name);
        }
    }
    // Dossiers count for the division that handled them, as their procedure version names it;
    // ratings for the same division, as stored with them.
    for (c, key) in dossiers {
        let line = division(&mut divisions, key, division_name);
        line.received += c.received;
        line.received_online += c.received_online;
        line.finished += c.finished;
        line.on_time += c.finished_on_time;
    }
    for r in given {
        let line = division(&mut divisions, &r.division, division_name);
        line.ratings += r.ratings;
        line.satisfied += r.satisfied;
    }
    let by_name = |mut v: Vec<Line>| {
        v.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.key.cmp(&b.key)));
        v
    };
    Report {
        divisions: by_name(divisions.into_values().collect()),
        procedures: by_name(procedures.into_values().collect()),
    }
}

/// A line of a table, in words.
struct Row {
    name: String,
    code: Option<String>,
    received: i64,
    online: String,
    finished: i64,
    on_time: i64,
    on_time_rate: String,
    satisfaction: String,
    ratings: i64,
    /// A level-3 procedure that may move to level 4.
    ready_for_level_4: bool,
}

fn rows(lang: Lang, lines: &[Line], codes: bool) -> Vec<Row> {
    lines
        .iter()
        .map(|x| Row {
            name: x.name.clone(),
            code: codes.then(|| x.key.clone()),
            received: x.received,
            online: percent(lang, x.online_rate()),
            finished: x.finished,
            on_time: x.on_time,
            on_time_rate: percent(lang, x.on_time_rate()),
            satisfaction: percent(lang, x.satisfaction()),
            ratings: x.ratings,
            ready_for_level_4: x.ready_for_level_4(),
        })
        .collect()
}

/// The charts of a level: on-time rate and satisfaction, of the lines that have one.
fn charts(lang: Lang, l: &StatisticsLabels, id: &str, lines: &[Line]) -> Vec<Chart> {
    let bars = |f: &dyn Fn(&Line) -> Option<f64>| -> Vec<chart::Bar> {
        lines
            .iter()
            .filter_map(|x| {
                f(x).map(|r| chart::Bar {
                    label: x.name.clone(),
                    value: r,
                    text: percent(lang, Some(r)),
                })
            })
            .collect()
    };
    [
        (
            format!("{id}-on-time"),
            l.chart_on_time,
            bars(&Line::on_time_rate),
        ),
        (
            format!("{id}-satisfaction"),
            l.chart_satisfaction,
            bars(&Line::satisfaction),
        ),
    ]
    .into_iter()
    .filter(|(_, _, b)| !b.is_empty())
    .map(|(id, title, bars)| Chart::new(id, title, bars))
    .collect()
}

/// A level of the page: its table and charts.
struct Level {
    id: &'static str,
    title: &'static str,
    first: &'static str,
    rows: Vec<Row>,
    charts: Vec<Chart>,
}

#[derive(Template)]
#[template(path = "statistics/page.html")]
struct StatisticsPage {
    page: PageCtx,
    l: &'static StatisticsLabels,
    action: &'static str,
    from: String,
    to: String,
    period: String,
    levels: Vec<Level>,
}

/// Counts one view of the statistics, page or API, against the client's limit.
async fn limit(state: &AppState, client: &ClientIp) -> Result<(), Failure> {
    state
        .rate_limit("statistics", client, state.config.lookup_per_minute)
        .await
}

/// `GET /thong-ke` (`/statistics`).
async fn page(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    client: ClientIp,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let lang = site.lang;
    let here = page_path(lang);
    let asked_lang = if uri.path() == "/statistics" {
        Lang::En
    } else {
        Lang::Vi
    };
    if asked_lang != lang {
        let target = match uri.query() {
            Some(q) => format!("{here}?{q}"),
            None => here.to_owned(),
        };
        return Redirect::permanent(&target).into_response();
    }
    let fail = |f: Failure| crate::accounts::pages::failure(&state, &site, &headers, f);
    if let Err(f) = limit(&state, &client).await {
        return fail(f);
    }
    let asked = match asked(&site, &query, Utc::now()) {
        Ok(a) => a,
        Err(f) => return fail(f),
    };
    let report = match report(&state, &site, asked.period).await {
        Ok(r) => r,
        Err(f) => return fail(f),
    };
    let l = labels(lang);
    let path = format!(
        "{here}?from={}&to={}",
        asked.first.code(),
        asked.last.code()
    );
    let other = lang.pick(Lang::En, Lang::Vi);
    let mut page = PageCtx::new(&state, &site, &headers, &path);
    page.other_url = PageCtx::new(
        &state,
        &site,
        &headers,
        &format!(
            "{}?from={}&to={}",
            page_path(other),
            asked.first.code(),
            asked.last.code()
        ),
    )
    .other_url;
    let view = StatisticsPage {
        page,
        l,
        action: here,
        from: asked.first.code(),
        to: asked.last.code(),
        period: format!("{} – {}", asked.first.words(), asked.last.words()),
        levels: vec![
            Level {
                id: "divisions",
                title: l.divisions,
                first: l.division,
                rows: rows(lang, &report.divisions, false),
                charts: charts(lang, l, "divisions", &report.divisions),
            },
            Level {
                id: "procedures",
                title: l.procedures,
                first: l.procedure,
                rows: rows(lang, &report.procedures, true),
                charts: charts(lang, l, "procedures", &report.procedures),
            },
        ],
    };
    (StatusCode::OK, html(&view)).into_response()
}

/// `GET /api/v1/statistics`.
async fn api(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    Query(query): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    limit(&state, &client).await.map_err(fail)?;
    let asked = asked(&site, &query, Utc::now()).map_err(fail)?;
    let report = report(&state, &site, asked.period).await.map_err(fail)?;
    Ok(Json(json!({
        "period": {
            "from": asked.first.code(),
            "to": asked.last.code(),
            "starts_at": asked.period.from,
            "ends_before": asked.period.to,
        },
        "divisions": report.divisions.iter().map(|d| d.json(true)).collect::<Vec<_>>(),
        "procedures": report.procedures.iter().map(|p| p.json(false)).collect::<Vec<_>>(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(
            Month::parse("2026-03"),
            Some(Month {
                year: 2026,
                month: 3
            })
        );
        for bad in ["2026-13", "2026-3", "26-03", "2026/03", "", "abcd-ef"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Month {
                year: 2026,
                month: 12
            }
            .next()
            .code(),
            "2027-01"
        );
    }

    #[test]
    fn percentages_follow_the_language() {
        assert_eq!(percent(Lang::Vi, Some(2.0 / 3.0)), "66,7 %");
        assert_eq!(percent(Lang::En, Some(0.5)), "50.0%");
        assert_eq!(percent(Lang::En, None), "—");
    }
}
