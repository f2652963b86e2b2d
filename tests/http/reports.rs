//! The period report in the shape of Form 06a through HTTP, on the staff host: dossiers of three
//! procedures (three divisions, three sectors) through every channel, received before, in and
//! after March 2025 and returned early, on time, late, closed without a result or still in
//! progress, with the edges of the period and of the tenant's calendar day; every cell of the
//! report is recomputed from the stored dossiers in plain Rust (with the tenant's calendar) for
//! each grouping, each drill-down lists exactly the dossiers counted, the CSV download matches
//! the JSON, an official limited to one division sees only its dossiers, someone without the
//! permission is refused, a query that does not parse is a 400 in the host's language, and
//! another tenant's dossiers are never counted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};
use motcua_authz::Role;
use motcua_core::calendar::{Progress, Timeliness, WorkingCalendar};
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_store::dossiers::Dossier;
use motcua_store::reports::{Cell, Counts};
use motcua_store::{Store, TenantId};
use motcua_tests::{Backend, TestApp, backend_tests, citizen, demo_bundle, plain_dossier};
use serde_json::Value;

use crate::officials::{EN, tenant};
use crate::onestop::{Clerk, POLICE, RECORDS, STAFF};

/// The land registration procedure (the land registration office, sector G10-DD01).
const LAND: &str = "1.012795";
/// The household business procedure (the ward's People's Committee, sector G12-HKD01).
const BUSINESS: &str = "2.000720";
const PERIOD: &str = "from=2025-03-01&to=2025-03-31";
const GROUPINGS: [&str; 4] = ["division", "procedure", "sector", "channel"];

/// `day` of `month` 2025 at `hour:minute`, Vietnam time.
fn at(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, month, day, hour, minute, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A dossier to store: procedure, channel, received, due, and how it ended (when and as what).
struct Spec {
    procedure: &'static str,
    channel: Channel,
    received: DateTime<Utc>,
    due: DateTime<Utc>,
    closed: Option<(DateTime<Utc>, DossierStatus)>,
}

fn spec(
    procedure: &'static str,
    channel: Channel,
    received: DateTime<Utc>,
    due: DateTime<Utc>,
    closed: Option<(DateTime<Utc>, DossierStatus)>,
) -> Spec {
    Spec {
        procedure,
        channel,
        received,
        due,
        closed,
    }
}

/// Stores `s` in `tenant` at `unit`: the dossier as stored.
async fn store_one(store: &Store, tenant: TenantId, unit: &str, s: &Spec) -> Dossier {
    let mut new = plain_dossier(s.procedure, unit, s.received, None, citizen("Lê Thị Hoa"));
    new.channel = s.channel;
    new.start.due_at = s.due;
    match s.closed {
        Some((when, status)) => {
            new.start.status = status;
            new.start.closed_at = Some(when);
        }
        None => new.start.status = DossierStatus::Processing,
    }
    let code = motcua_store::dossiers::receive(store, tenant, new)
        .await
        .unwrap()
        .dossier()
        .code;
    // As stored, read back: what the report counts.
    motcua_store::dossiers::find(store, tenant, &code)
        .await
        .unwrap()
        .unwrap()
}

/// The dossiers of the test: every cell of March 2025 and its edges.
fn specs() -> Vec<Spec> {
    use Channel::{Desk, NationalPortal, Online, Post};
    use DossierStatus::{NotAccepted, Returned, Stopped, Withdrawn};
    vec![
        // Received in February: still open (overdue at the end), returned early in March,
        // returned in February (not in the report), withdrawn in March.
        spec(RECORDS, Desk, at(2, 20, 9, 0), at(3, 10, 17, 0), None),
        spec(
            LAND,
            Online,
            at(2, 25, 9, 0),
            at(3, 7, 17, 0),
            Some((at(3, 5, 10, 0), Returned)),
        ),
        spec(
            RECORDS,
            Online,
            at(2, 10, 9, 0),
            at(2, 20, 17, 0),
            Some((at(2, 28, 16, 0), Returned)),
        ),
        spec(
            BUSINESS,
            Post,
            at(2, 26, 8, 0),
            at(3, 20, 17, 0),
            Some((at(3, 2, 9, 0), Withdrawn)),
        ),
        // Received in March, returned on the due day before the due time (on time), at the due
        // time exactly (on time), after it (late), on the evening before a due time just after
        // midnight (early: the calendar day decides, not the UTC day).
        spec(
            RECORDS,
            Online,
            at(3, 3, 9, 0),
            at(3, 4, 16, 0),
            Some((at(3, 4, 10, 0), Returned)),
        ),
        spec(
            LAND,
            NationalPortal,
            at(3, 3, 10, 0),
            at(3, 6, 11, 0),
            Some((at(3, 6, 11, 0), Returned)),
        ),
        spec(
            RECORDS,
            Desk,
            at(3, 3, 11, 0),
            at(3, 5, 17, 0),
            Some((at(3, 6, 8, 0), Returned)),
        ),
        spec(
            BUSINESS,
            Desk,
            at(3, 14, 9, 0),
            at(3, 16, 0, 30),
            Some((at(3, 15, 23, 30), Returned)),
        ),
        spec(
            RECORDS,
            Online,
            at(3, 14, 9, 0),
            at(3, 17, 0, 30),
            Some((at(3, 16, 23, 30), Returned)),
        ),
        // Still open at the end of March: within the deadline, overdue, returned in April.
        spec(
            LAND,
            NationalPortal,
            at(3, 10, 9, 0),
            at(4, 10, 17, 0),
            None,
        ),
        spec(BUSINESS, Online, at(3, 11, 9, 0), at(3, 25, 17, 0), None),
        spec(
            RECORDS,
            Desk,
            at(3, 20, 9, 0),
            at(4, 5, 17, 0),
            Some((at(4, 2, 9, 0), Returned)),
        ),
        // Closed without a result in March: withdrawn, refused at the desk, stopped.
        spec(
            RECORDS,
            Post,
            at(3, 12, 9, 0),
            at(3, 20, 17, 0),
            Some((at(3, 13, 9, 0), Withdrawn)),
        ),
        spec(
            LAND,
            Desk,
            at(3, 5, 9, 0),
            at(3, 5, 9, 0),
            Some((at(3, 5, 9, 0), NotAccepted)),
        ),
        spec(
            BUSINESS,
            NationalPortal,
            at(3, 6, 9, 0),
            at(3, 26, 17, 0),
            Some((at(3, 27, 9, 0), Stopped)),
        ),
        // The edges of the period: received at its first instant, at its last minute; received
        // and returned at its very end and just after it; received in April.
        spec(LAND, Desk, at(3, 1, 0, 0), at(3, 31, 23, 59), None),
        spec(RECORDS, Online, at(3, 31, 23, 59), at(4, 3, 17, 0), None),
        spec(
            BUSINESS,
            Desk,
            at(3, 30, 9, 0),
            at(4, 1, 0, 0),
            Some((at(4, 1, 0, 0), Returned)),
        ),
        spec(RECORDS, Desk, at(4, 1, 0, 0), at(4, 3, 17, 0), None),
        spec(
            LAND,
            Post,
            at(4, 2, 9, 0),
            at(4, 8, 17, 0),
            Some((at(4, 3, 9, 0), Returned)),
        ),
    ]
}

/// The cells `d` counts in for the period `[from, to)` judged `as_of`, in plain Rust.
fn cells_of(
    cal: &WorkingCalendar,
    d: &Dossier,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    as_of: DateTime<Utc>,
) -> Vec<Cell> {
    if d.received_at >= to || d.closed_at.is_some_and(|c| c < from) {
        return Vec::new();
    }
    let mut cells = vec![Cell::Received];
    cells.push(if d.received_at < from {
        Cell::CarriedOver
    } else if d.channel.is_online() {
        Cell::ReceivedOnline
    } else {
        Cell::ReceivedInPerson
    });
    match d.closed_at {
        Some(closed) if closed < to => {
            if d.status == DossierStatus::Returned {
                cells.push(Cell::Resolved);
                cells.push(match cal.timeliness(d.due_at, closed) {
                    Timeliness::Early => Cell::ResolvedEarly,
                    Timeliness::OnTime => Cell::ResolvedOnTime,
                    Timeliness::Late => Cell::ResolvedLate,
                });
            } else {
                cells.push(Cell::ClosedOtherwise);
            }
        }
        _ => {
            cells.push(Cell::Pending);
            cells.push(match cal.progress(d.due_at, as_of) {
                Progress::WithinDeadline => Cell::PendingWithinDeadline,
                Progress::Overdue => Cell::PendingOverdue,
            });
        }
    }
    cells
}

fn bump(c: &mut Counts, cell: Cell) {
    match cell {
        Cell::CarriedOver => c.carried_over += 1,
        Cell::ReceivedOnline => c.received_online += 1,
        Cell::ReceivedInPerson => c.received_in_person += 1,
        Cell::ResolvedEarly => c.resolved_early += 1,
        Cell::ResolvedOnTime => c.resolved_on_time += 1,
        Cell::ResolvedLate => c.resolved_late += 1,
        Cell::ClosedOtherwise => c.closed_otherwise += 1,
        Cell::PendingWithinDeadline => c.pending_within_deadline += 1,
        Cell::PendingOverdue => c.pending_overdue += 1,
        Cell::Received | Cell::Resolved | Cell::Pending => {}
    }
}

/// What the report should say: per group key, the counts and the codes of each cell.
#[derive(Default)]
struct Expected {
    counts: BTreeMap<String, Counts>,
    codes: BTreeMap<(String, Cell), BTreeSet<String>>,
}

/// The group key of `d` for grouping `by`.
fn key_of(bundle: &motcua_core::tenant::TenantBundle, by: &str, d: &Dossier) -> String {
    let info = &bundle.procedure(&d.procedure_code).unwrap().info;
    match by {
        "division" => info.division.to_string(),
        "procedure" => d.procedure_code.clone(),
        "sector" => info.sector.to_string(),
        "channel" => d.channel.as_str().to_owned(),
        other => panic!("{other}"),
    }
}

fn expected(by: &str, dossiers: &[Dossier], keep: impl Fn(&Dossier) -> bool) -> Expected {
    let bundle = demo_bundle("thanhhoa");
    let cal = WorkingCalendar::new(&bundle.manifest.calendar).unwrap();
    let (from, to) = (at(3, 1, 0, 0), at(4, 1, 0, 0));
    let mut e = Expected::default();
    for d in dossiers.iter().filter(|d| keep(d)) {
        let cells = cells_of(&cal, d, from, to, to);
        if cells.is_empty() {
            continue;
        }
        let key = key_of(&bundle, by, d);
        for cell in cells {
            bump(e.counts.entry(key.clone()).or_default(), cell);
            bump(e.counts.entry(String::new()).or_default(), cell);
            for k in [key.clone(), String::new()] {
                e.codes
                    .entry((k, cell))
                    .or_default()
                    .insert(d.code.to_string());
            }
        }
    }
    e
}

/// Every code of a drill-down, page after page.
async fn drilled(
    clerk: &Clerk,
    app: &TestApp,
    by: &str,
    key: &str,
    cell: Cell,
) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let key = if key.is_empty() {
        String::new()
    } else {
        format!("&key={key}")
    };
    for page in 1.. {
        let r = clerk
            .get(
                app,
                &format!(
                    "/api/v1/reports/form-06a/dossiers?{PERIOD}&by={by}{key}&cell={}&page={page}",
                    cell.as_str()
                ),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        let listed = v["dossiers"].as_array().unwrap();
        codes.extend(
            listed
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_owned()),
        );
        if listed.is_empty() || codes.len() as u64 >= v["total"].as_u64().unwrap() {
            assert_eq!(codes.len() as u64, v["total"].as_u64().unwrap());
            break;
        }
    }
    codes
}

/// Checks the report of grouping `by` against `e`, cell by cell, and every drill-down.
async fn check(clerk: &Clerk, app: &TestApp, by: &str, e: &Expected) -> Value {
    let r = clerk
        .get(app, &format!("/api/v1/reports/form-06a?{PERIOD}&by={by}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.json();
    assert_eq!(report["by"], by);
    let rows = report["rows"].as_array().unwrap();
    let keys: BTreeSet<String> = rows
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_owned())
        .collect();
    let wanted: BTreeSet<String> = e.counts.keys().filter(|k| !k.is_empty()).cloned().collect();
    assert_eq!(keys, wanted, "{by}: {report}");
    for (key, line) in rows
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r))
        .chain([("", &report["total"])])
    {
        let counts = e.counts.get(key).copied().unwrap_or_default();
        for cell in Cell::ALL {
            assert_eq!(
                line[cell.as_str()].as_i64().unwrap(),
                counts.get(cell),
                "{by} {key:?} {}: {line}",
                cell.as_str()
            );
            let codes = drilled(clerk, app, by, key, cell).await;
            let want = e
                .codes
                .get(&(key.to_owned(), cell))
                .cloned()
                .unwrap_or_default();
            assert_eq!(codes, want, "{by} {key:?} {}", cell.as_str());
        }
    }
    report
}

/// Splits a CSV line (quoted fields with doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// Stores the dossiers of the test in Thanh Hóa and one in Ho Chi Minh City: Thanh Hóa's as
/// stored, and the other tenant's code.
async fn seed(app: &TestApp) -> (Vec<Dossier>, String) {
    let store = &app.db.store;
    let t = tenant(app, "thanhhoa").await;
    let mut dossiers = Vec::new();
    for s in specs() {
        dossiers.push(store_one(store, t, "000.00.01.H56", &s).await);
    }
    let hcm = tenant(app, "hochiminhcity").await;
    let other = store_one(
        store,
        hcm,
        "000.00.01.H29",
        &spec(
            RECORDS,
            Channel::Online,
            at(3, 3, 9, 0),
            at(3, 4, 16, 0),
            None,
        ),
    )
    .await;
    (dossiers, other.code.to_string())
}

async fn every_cell_is_recomputed_from_the_dossiers(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (dossiers, other) = seed(&app).await;
    let viewer = Clerk::new(&app, "baocao", &[(Role::ReportViewer, None)]).await;
    let mut totals = Vec::new();
    for by in GROUPINGS {
        let e = expected(by, &dossiers, |_| true);
        let report = check(&viewer, &app, by, &e).await;
        totals.push(report["total"].clone());
        for cell in Cell::ALL {
            assert!(!drilled(&viewer, &app, by, "", cell).await.contains(&other));
        }
    }
    // Every grouping adds up to the same total, and the form balances: what was received was
    // resolved, closed otherwise or is still in progress.
    assert!(totals.windows(2).all(|w| w[0] == w[1]), "{totals:?}");
    let t = &totals[0];
    let n = |c: &str| t[c].as_i64().unwrap();
    assert_eq!(
        n("received"),
        n("resolved") + n("closed_otherwise") + n("pending")
    );
    assert_eq!(n("received"), 17, "{t}");
    for cell in Cell::COUNTED {
        assert!(n(cell.as_str()) > 0, "no dossier in {}: {t}", cell.as_str());
    }
}

async fn the_csv_download_is_the_json_table(backend: Backend) {
    let app = crate::officials::app(backend).await;
    seed(&app).await;
    let viewer = Clerk::new(&app, "baocao", &[(Role::ReportViewer, None)]).await;
    for by in GROUPINGS {
        let json = viewer
            .get(&app, &format!("/api/v1/reports/form-06a?{PERIOD}&by={by}"))
            .await
            .json();
        let r = viewer
            .get(
                &app,
                &format!("/bao-cao/mau-06a?{PERIOD}&by={by}&format=csv"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
        let disposition = r.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains(".csv"), "{disposition}");
        assert!(r.body.starts_with('\u{feff}'), "no byte order mark");
        let lines: Vec<&str> = r
            .body
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .collect();
        assert_eq!(lines.last(), Some(&""), "lines end with CRLF");
        let head = csv_fields(lines[0]);
        assert!(head[2].contains("Tổng số nhận giải quyết") && head[2].contains("Total received"));
        let rows = json["rows"].as_array().unwrap();
        assert_eq!(lines.len(), rows.len() + 3, "{}", r.body);
        for (line, row) in lines[1..].iter().zip(rows.iter().chain([&json["total"]])) {
            let fields = csv_fields(line);
            if let Some(key) = row["key"].as_str() {
                assert_eq!(fields[0], key);
                assert_eq!(fields[1], row["name"].as_str().unwrap());
            } else {
                assert_eq!(fields[1], "Tổng cộng / Total");
            }
            for (i, cell) in Cell::ALL.iter().enumerate() {
                assert_eq!(
                    fields[2 + i],
                    row[cell.as_str()].as_i64().unwrap().to_string(),
                    "{by} {line}"
                );
            }
        }
    }
    // The page shows the same numbers, each a link to its dossiers.
    let page = viewer
        .get(&app, &format!("/bao-cao/mau-06a?{PERIOD}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Trước hạn") && page.body.contains("Early"));
    // The menu offers the report to those who may see it.
    assert!(
        page.body
            .contains("<a href=\"/bao-cao/mau-06a\" aria-current=\"page\">Báo cáo</a>")
    );
    // The police's one late dossier, linked to its list (attribute escaping undone).
    let body = page.body.replace("&#38;", "&").replace("&amp;", "&");
    let late = format!(
        "href=\"/bao-cao/mau-06a/ho-so?{PERIOD}&by=division&key={POLICE}&cell=resolved_late\">1</a>"
    );
    assert!(body.contains(&late), "{late} in {body}");
    let drill = viewer
        .get(
            &app,
            &format!("/bao-cao/mau-06a/ho-so?{PERIOD}&by=division&key={POLICE}&cell=resolved_late"),
        )
        .await;
    assert_eq!(drill.status, 200, "{}", drill.body);
    assert!(
        drill.body.contains("href=\"/ho-so/000.00.01.H56-250303-"),
        "{}",
        drill.body
    );
    // The English path leads to the page.
    let r = viewer
        .get(&app, &format!("/reports/form-06a?{PERIOD}"))
        .await;
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some(format!("/bao-cao/mau-06a?{PERIOD}").as_str())
    );
}

async fn a_division_viewer_sees_only_their_division(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (dossiers, _) = seed(&app).await;
    let head = Clerk::new(&app, "truongphong", &[(Role::DivisionHead, Some(POLICE))]).await;
    let police = |d: &Dossier| d.procedure_code == RECORDS;
    for by in GROUPINGS {
        check(&head, &app, by, &expected(by, &dossiers, police)).await;
    }
    // A division head may view reports but not export them.
    let r = head
        .get(&app, &format!("/bao-cao/mau-06a?{PERIOD}&format=csv"))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
}

async fn the_report_is_refused_and_bad_queries_explained(backend: Backend) {
    let app = crate::officials::app(backend).await;
    seed(&app).await;
    let specialist = Clerk::new(&app, "chuyenvien", &[(Role::Specialist, None)]).await;
    for path in [
        format!("/api/v1/reports/form-06a?{PERIOD}"),
        format!("/api/v1/reports/form-06a/dossiers?{PERIOD}&cell=received"),
        format!("/bao-cao/mau-06a?{PERIOD}"),
        format!("/bao-cao/mau-06a/ho-so?{PERIOD}&cell=received"),
        // Refused before the query is read.
        "/api/v1/reports/form-06a?from=nonsense".to_owned(),
    ] {
        let r = specialist.get(&app, &path).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        assert!(!r.body.contains("000.00.01.H56"), "{}", r.body);
    }
    // The menu does not offer it to anyone else.
    let inbox = specialist.get(&app, "/").await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    assert!(!inbox.body.contains("/bao-cao/mau-06a"), "{}", inbox.body);
    let anonymous = crate::officials::api(
        &app,
        "GET",
        STAFF,
        &format!("/api/v1/reports/form-06a?{PERIOD}"),
        None,
        None,
        Value::Null,
    )
    .await;
    assert_eq!(anonymous.status, 401);

    let viewer = Clerk::new(&app, "baocao", &[(Role::ReportViewer, None)]).await;
    for (query, words) in [
        ("from=2025-13-01&to=2025-03-31", "from=\"2025-13-01\""),
        ("from=2025-03-31&to=2025-03-01", "from không được sau to"),
        ("from=2024-01-01&to=2025-03-31", "tối đa 400 ngày"),
        ("by=month", "by=\"month\""),
        ("colour=red", "colour"),
        ("from=2025-03-01&from=2025-03-02", "nhiều lần"),
    ] {
        let r = viewer
            .get(&app, &format!("/api/v1/reports/form-06a?{query}"))
            .await;
        assert_eq!(r.status, 400, "{query}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "invalid_report_query");
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(words), "{query}: {message}");
        let page = viewer.get(&app, &format!("/bao-cao/mau-06a?{query}")).await;
        assert_eq!(page.status, 400, "{query}: {}", page.body);
    }
    let r = viewer
        .get(
            &app,
            &format!("/api/v1/reports/form-06a/dossiers?{PERIOD}&cell=all"),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // In English on the English host, for an API token of the national reporting system.
    app.api_token(
        "thanhhoa",
        "mc_report789abcdef0123456789abcdef0123456789ab",
        &["report:view"],
    )
    .await;
    let call = |query: &str| {
        axum::http::Request::get(format!("/api/v1/reports/form-06a?{query}"))
            .header("host", EN)
            .header(
                "authorization",
                "Bearer mc_report789abcdef0123456789abcdef0123456789ab",
            )
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let r = app.send(call("by=month")).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is not valid"),
        "{}",
        r.body
    );
    let r = app.send(call(PERIOD)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["total"]["received"], 17, "{}", r.body);
}

backend_tests!(
    every_cell_is_recomputed_from_the_dossiers,
    the_csv_download_is_the_json_table,
    a_division_viewer_sees_only_their_division,
    the_report_is_refused_and_bad_queries_explained,
);
