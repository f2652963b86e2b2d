//! The report's pages on the staff host: the form and the table, each number a link to its
//! dossiers, and a cell's dossiers, each code a link to the dossier's page. Headings in
//! Vietnamese with English beside them; a query that does not parse is shown above the empty
//! form, in both languages, with 400.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_store::reports::{Cell, Counts};

use super::query::{Asked, By};
use super::table::{channel_name, heading};
use super::{DOSSIERS, PAGE, PER_PAGE, csv_response, drill, load};
use crate::AppState;
use crate::error::Failure;
use crate::guard::Guard;
use crate::onestop::pages::{Opt, Staff, local_time, page, respond};
use crate::session::Session;

/// A number of the table with the link to its dossiers.
struct Number {
    value: i64,
    href: String,
}

/// A line of the table.
struct Row {
    name: String,
    key: String,
    numbers: Vec<Number>,
}

#[derive(Template)]
#[template(path = "onestop/report_06a.html")]
struct ReportPage {
    staff: Staff,
    from: String,
    to: String,
    groupings: Vec<Opt>,
    first: (&'static str, &'static str),
    headings: Vec<(&'static str, &'static str)>,
    closed: (&'static str, &'static str),
    rows: Vec<Row>,
    total: Vec<Number>,
    csv: String,
    en: String,
    error: Option<String>,
}

fn numbers(asked: &Asked, key: Option<&str>, counts: &Counts) -> Vec<Number> {
    let mut base = format!("{DOSSIERS}?{}", asked.query());
    if let Some(k) = key {
        base.push_str("&key=");
        base.extend(url::form_urlencoded::byte_serialize(k.as_bytes()));
    }
    Cell::ALL
        .iter()
        .map(|c| Number {
            value: counts.get(*c),
            href: format!("{base}&cell={}", c.as_str()),
        })
        .collect()
}

fn groupings(by: Option<By>) -> Vec<Opt> {
    By::ALL
        .iter()
        .map(|b| {
            let (vi, en) = b.heading();
            Opt::new(b.as_str(), &format!("{vi} ({en})"), by.map(By::as_str))
        })
        .collect()
}

/// `GET /bao-cao/mau-06a`.
pub(super) async fn report_page(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "reports");
    let outcome = async {
        let (asked, _, report) = match load(&state, &guard, raw.as_deref(), false).await {
            Ok(loaded) => loaded,
            Err(f) if f.status == StatusCode::BAD_REQUEST => {
                let view = ReportPage {
                    staff: staff.clone(),
                    from: String::new(),
                    to: String::new(),
                    groupings: groupings(None),
                    first: By::Division.heading(),
                    headings: Cell::ALL.iter().map(|c| heading(*c)).collect(),
                    closed: heading(Cell::ClosedOtherwise),
                    rows: Vec::new(),
                    total: Vec::new(),
                    csv: String::new(),
                    en: String::new(),
                    error: Some(format!("{} / {}", f.message.vi, f.message.en)),
                };
                return Ok(page(StatusCode::BAD_REQUEST, &view));
            }
            Err(f) => return Err(f),
        };
        if asked.csv {
            return Ok(csv_response(&asked, &report));
        }
        let view = ReportPage {
            staff: staff.clone(),
            from: asked.from.format("%Y-%m-%d").to_string(),
            to: asked.to.format("%Y-%m-%d").to_string(),
            groupings: groupings(Some(asked.by)),
            first: asked.by.heading(),
            headings: Cell::ALL.iter().map(|c| heading(*c)).collect(),
            closed: heading(Cell::ClosedOtherwise),
            rows: report
                .lines
                .iter()
                .map(|l| Row {
                    name: l.name.clone(),
                    key: l.key.clone(),
                    numbers: numbers(&asked, Some(&l.key), &l.counts),
                })
                .collect(),
            total: numbers(&asked, None, &report.total),
            csv: format!("{PAGE}?{}&format=csv", asked.query()),
            en: format!("/api/v1/reports/form-06a?{}", asked.query()),
            error: None,
        };
        Ok::<Response, Failure>(page(StatusCode::OK, &view))
    }
    .await;
    respond(&site, staff, outcome)
}

/// A dossier of a drill-down.
struct Listed {
    code: String,
    procedure: String,
    channel: &'static str,
    status: &'static str,
    received: String,
    due: String,
    closed: String,
}

#[derive(Template)]
#[template(path = "onestop/report_06a_dossiers.html")]
struct DossiersPage {
    staff: Staff,
    group: String,
    cell: (&'static str, &'static str),
    period: String,
    back: String,
    total: u64,
    counted: i64,
    changed: bool,
    dossiers: Vec<Listed>,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /bao-cao/mau-06a/ho-so`.
pub(super) async fn dossiers_page(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "reports");
    let outcome = async {
        let (asked, report, total, dossiers) = drill(&state, &guard, raw.as_deref()).await?;
        let cell = asked.cell.unwrap_or(Cell::Received);
        let key = asked.key.as_deref();
        let group = match key {
            None => "Tổng cộng (Total)".to_owned(),
            Some(k) => report
                .lines
                .iter()
                .find(|l| l.key == k)
                .map_or_else(|| k.to_owned(), |l| l.name.clone()),
        };
        let here = |page: u64| {
            let mut q = format!("{DOSSIERS}?{}&cell={}", asked.query(), cell.as_str());
            if let Some(k) = key {
                q.push_str("&key=");
                q.extend(url::form_urlencoded::byte_serialize(k.as_bytes()));
            }
            format!("{q}&page={page}")
        };
        let lang = site.lang;
        let view = DossiersPage {
            staff: staff.clone(),
            group,
            cell: heading(cell),
            period: format!(
                "{} – {}",
                asked.from.format("%d/%m/%Y"),
                asked.to.format("%d/%m/%Y")
            ),
            back: format!("{PAGE}?{}", asked.query()),
            total,
            counted: report.count(key, cell),
            changed: i64::try_from(total).ok() != Some(report.count(key, cell)),
            dossiers: dossiers
                .iter()
                .map(|d| Listed {
                    code: d.code.to_string(),
                    procedure: site.tenant.procedure(&d.procedure_code).map_or_else(
                        || d.procedure_code.clone(),
                        |p| p.info().name.get(lang).to_owned(),
                    ),
                    channel: channel_name(d.channel, lang),
                    status: d.status.label(lang),
                    received: local_time(&site, d.received_at),
                    due: local_time(&site, d.due_at),
                    closed: d
                        .closed_at
                        .map(|t| local_time(&site, t))
                        .unwrap_or_default(),
                })
                .collect(),
            previous: (asked.page > 1).then(|| here(asked.page - 1)),
            next: (asked.page * PER_PAGE < total).then(|| here(asked.page + 1)),
        };
        Ok::<Response, Failure>(page(StatusCode::OK, &view))
    }
    .await;
    respond(&site, staff, outcome)
}
