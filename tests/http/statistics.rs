//! The public statistics through HTTP: in a known period they count exactly the dossiers and
//! ratings of the test (received online and at the desk, returned on time and late, a dossier
//! received before the period and returned in it, one after it), per procedure and per division,
//! ignore another tenant's, and are written in each host's language, on the page (a table and
//! its SVG chart) and in JSON. A period that does not parse is refused. A procedure moved to
//! another division leaves its past dossiers and ratings with the division that handled them;
//! the counts of a period are cached; page and API are rate limited per client.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use motcua_core::assessment::{AgenciesContacted, DeskContacts};
use motcua_core::dossier::{Channel, CitizenId, DossierStatus};
use motcua_store::cache::MemoryCache;
use motcua_store::ratings::{NewRating, Satisfaction};
use motcua_store::{Store, TenantId};
use motcua_tests::{Backend, TestApp, backend_tests, citizen, plain_dossier};
use motcua_web::WebConfig;
use serde_json::Value;

use crate::officials::{EN, HCM, VI, tenant};
use crate::onestop::{POLICE, RECORDS};
use crate::ratings::OWNER_ID;

/// `day` of March 2025 at `hour`, Vietnam time.
fn march(day: u32, hour: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, 3, day, hour, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A dossier of `procedure` received at `received` through `channel`, due a day later and
/// returned `returned` after its due time (negative: before), or still handled: its id.
async fn dossier(
    store: &Store,
    tenant: TenantId,
    procedure: &str,
    unit: &str,
    received: DateTime<Utc>,
    channel: Channel,
    returned: Option<Duration>,
) -> i64 {
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = CitizenId::parse(OWNER_ID);
    let mut new = plain_dossier(procedure, unit, received, None, applicant);
    new.channel = channel;
    let due = received + Duration::days(1);
    new.start.due_at = due;
    if let Some(after) = returned {
        new.start.status = DossierStatus::Returned;
        new.start.closed_at = Some(due + after);
    } else {
        new.start.status = DossierStatus::Processing;
    }
    motcua_store::dossiers::receive(store, tenant, new)
        .await
        .unwrap()
        .dossier()
        .id
}

/// Rates dossier `id` of the judicial record procedure with `overall` at `at`.
async fn rate(store: &Store, tenant: TenantId, id: i64, overall: Satisfaction, at: DateTime<Utc>) {
    rate_for(store, tenant, id, POLICE, overall, at).await;
}

/// Rates dossier `id` of the judicial record procedure, handled by `division`.
async fn rate_for(
    store: &Store,
    tenant: TenantId,
    id: i64,
    division: &str,
    overall: Satisfaction,
    at: DateTime<Utc>,
) {
    motcua_store::ratings::give(
        store,
        tenant,
        NewRating {
            dossier_id: id,
            procedure_code: RECORDS.to_owned(),
            division: division.to_owned(),
            overall,
            convenience: Satisfaction::Satisfied,
            timeliness: Satisfaction::Satisfied,
            staff_support: Satisfaction::Satisfied,
            comment: None,
            desk_contacts: DeskContacts::None,
            agencies_contacted: AgenciesContacted::DeskOnly,
            rater: "citizen:hoa".to_owned(),
            rated_at: at,
        },
    )
    .await
    .unwrap();
}

/// The line of `key` (`code` of a procedure, `key` of a division) in `list`.
fn line<'a>(list: &'a Value, field: &str, key: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|l| l[field] == key)
        .unwrap_or_else(|| panic!("{key} in {list}"))
}

async fn statistics_count_the_periods_dossiers_and_ratings(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let store = &app.db.store;
    let t = tenant(&app, "thanhhoa").await;
    let unit = "000.00.01.H56";
    // In March 2025: online and returned early, at the desk and returned late, at the desk and
    // still handled; received in February and returned on time in March; received in April.
    let early = dossier(
        store,
        t,
        RECORDS,
        unit,
        march(3, 9),
        Channel::Online,
        Some(-Duration::hours(20)),
    )
    .await;
    let late = dossier(
        store,
        t,
        RECORDS,
        unit,
        march(4, 9),
        Channel::Desk,
        Some(Duration::days(2)),
    )
    .await;
    dossier(store, t, RECORDS, unit, march(5, 9), Channel::Desk, None).await;
    let before = dossier(
        store,
        t,
        RECORDS,
        unit,
        march(1, 6) - Duration::days(1),
        Channel::NationalPortal,
        Some(Duration::zero()),
    )
    .await;
    dossier(
        store,
        t,
        RECORDS,
        unit,
        march(1, 9) + Duration::days(35),
        Channel::Online,
        None,
    )
    .await;
    rate(store, t, early, Satisfaction::VerySatisfied, march(10, 9)).await;
    rate(store, t, late, Satisfaction::NotSatisfied, march(11, 9)).await;
    rate(
        store,
        t,
        before,
        Satisfaction::Satisfied,
        march(1, 9) + Duration::days(40),
    )
    .await;
    // Another tenant's dossier of the same month.
    let hcm = tenant(&app, "hochiminhcity").await;
    dossier(
        store,
        hcm,
        "1.001193",
        "000.00.01.H29",
        march(3, 9),
        Channel::Online,
        Some(Duration::zero()),
    )
    .await;

    let r = app
        .get(VI, "/api/v1/statistics?from=2025-03&to=2025-03")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["period"]["from"], "2025-03");
    assert_eq!(body["period"]["to"], "2025-03");
    let records = line(&body["procedures"], "code", RECORDS);
    assert_eq!(records["division"], POLICE);
    assert_eq!(records["received"], 3, "{records}");
    assert_eq!(records["received_online"], 1, "{records}");
    assert_eq!(records["finished"], 3, "{records}");
    assert_eq!(records["finished_on_time"], 2, "{records}");
    assert_eq!(records["ratings"], 2, "{records}");
    assert_eq!(records["satisfied"], 1, "{records}");
    let rate_of = |v: &Value| (v.as_f64().unwrap() * 1000.0).round() / 1000.0;
    assert_eq!(rate_of(&records["on_time_rate"]), 0.667);
    assert_eq!(rate_of(&records["online_rate"]), 0.333);
    assert_eq!(rate_of(&records["satisfaction_rate"]), 0.5);
    let police = line(&body["divisions"], "key", POLICE);
    assert_eq!(police["name"], "Công an tỉnh Thanh Hóa");
    for (field, n) in [
        ("received", 3),
        ("finished", 3),
        ("finished_on_time", 2),
        ("ratings", 2),
    ] {
        assert_eq!(police[field], n, "{field}: {police}");
    }
    // Nothing else counted: no other procedure had a dossier, and the other tenant's is not here.
    let total: i64 = body["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["received"].as_i64().unwrap() + p["finished"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 6, "{body}");
    assert!(!body.to_string().contains("1.001193"), "{body}");
    // The other tenant sees its own only.
    let there = app
        .get(HCM, "/api/v1/statistics?from=2025-03&to=2025-03")
        .await
        .json();
    let theirs: i64 = there["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["received"].as_i64().unwrap())
        .sum();
    assert_eq!(theirs, 1, "{there}");
    // February holds the dossier received then, not yet returned.
    let feb = app
        .get(VI, "/api/v1/statistics?from=2025-02&to=2025-02")
        .await
        .json();
    let records = line(&feb["procedures"], "code", RECORDS);
    assert_eq!(
        (records["received"].as_i64(), records["finished"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(records["on_time_rate"], Value::Null);

    // The page, in Vietnamese: the table and its chart.
    let r = app.get(VI, "/thong-ke?from=2025-03&to=2025-03").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.len() < 100_000, "{} bytes", r.body.len());
    for shown in [
        "Thống kê giải quyết thủ tục hành chính",
        "03/2025 – 03/2025",
        "Theo cơ quan, đơn vị",
        "Công an tỉnh Thanh Hóa",
        "66,7 %",
        "33,3 %",
        "50,0 %",
        "<svg class=\"bars\"",
        "aria-hidden=\"true\"",
        "<th scope=\"col\">Tỷ lệ đúng hạn</th>",
    ] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    // In English on the English host; the other language's path leads to this host's.
    let r = app.get(EN, "/statistics?from=2025-03&to=2025-03").await;
    assert_eq!(r.status, 200, "{}", r.body);
    for shown in [
        "Statistics of administrative procedures",
        "Thanh Hoa Provincial Police",
        "66.7%",
        "50.0%",
        "By procedure",
    ] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    let r = app.get(EN, "/thong-ke?from=2025-03&to=2025-03").await;
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some("/statistics?from=2025-03&to=2025-03")
    );
    // The home page leads to it.
    assert!(app.get(VI, "/").await.body.contains("href=\"/thong-ke\""));
    assert!(app.get(EN, "/").await.body.contains("href=\"/statistics\""));
}

async fn a_period_is_checked_and_defaults_to_this_year(backend: Backend) {
    let app = crate::officials::app(backend).await;
    for bad in [
        "from=2025-13",
        "from=2025-05&to=2025-04",
        "to=25-04",
        "from=2000-01&to=2025-01",
    ] {
        let r = app.get(EN, &format!("/api/v1/statistics?{bad}")).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "invalid_period");
        let r = app.get(VI, &format!("/thong-ke?{bad}")).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
        assert!(
            r.body.contains("Khoảng thời gian không hợp lệ"),
            "{}",
            r.body
        );
    }
    let year = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y")
        .to_string();
    let r = app.get(EN, "/api/v1/statistics").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["period"]["from"], format!("{year}-01"));
    assert_eq!(r.json()["period"]["to"], format!("{year}-12"));
}

/// The Department of Justice of Thanh Hóa.
const JUSTICE: &str = "so-tu-phap";

/// Publishes a version of the judicial record procedure that belongs to the Department of
/// Justice instead of the Police, and serves it: its number.
async fn move_records_to_justice(app: &TestApp) -> i32 {
    let from = motcua_tests::repo_root().join("tenants/thanhhoa");
    // The directory must carry the tenant's slug as its name.
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("thanhhoa");
    for sub in ["", "procedures", "scenarios", "templates"] {
        std::fs::create_dir_all(dir.as_path().join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let to = dir.as_path().join(sub).join(path.file_name().unwrap());
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
    let file = dir
        .as_path()
        .join("procedures/cap-phieu-ly-lich-tu-phap.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let info = format!("\n  division: {POLICE}\n");
    assert_eq!(
        text.matches(&info).count(),
        1,
        "the procedure's own division"
    );
    std::fs::write(
        &file,
        text.replace(&info, &format!("\n  division: {JUSTICE}\n")),
    )
    .unwrap();
    let bundle = motcua::tenant_dir::read(dir.as_path()).unwrap();
    let store = &app.db.store;
    motcua_store::tenants::apply(store, &bundle).await.unwrap();
    app.state
        .sites
        .replace(motcua_store::tenants::load_all(store).await.unwrap());
    let t = tenant(app, "thanhhoa").await;
    let live = app.state.sites.by_id(t).unwrap();
    let records = live.procedure(RECORDS).unwrap();
    assert_eq!(records.info().division.as_str(), JUSTICE);
    records.version
}

async fn a_procedure_moved_to_another_division_keeps_its_past_there(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let store = &app.db.store;
    let t = tenant(&app, "thanhhoa").await;
    let unit = "000.00.01.H56";
    // Handled by the Police on version 1, returned early and rated.
    let police = dossier(
        store,
        t,
        RECORDS,
        unit,
        march(3, 9),
        Channel::Online,
        Some(-Duration::hours(2)),
    )
    .await;
    rate(store, t, police, Satisfaction::VerySatisfied, march(6, 9)).await;
    // The procedure moves to the Department of Justice; the next dossier is handled there, on
    // the new version, returned late, and rated as the rating form stores it.
    let version = move_records_to_justice(&app).await;
    assert!(version > 1);
    let mut applicant = citizen("Trần Văn Nam");
    applicant.id_number = CitizenId::parse(OWNER_ID);
    let mut new = plain_dossier(RECORDS, unit, march(10, 9), None, applicant);
    new.procedure_version = version;
    new.start.status = DossierStatus::Returned;
    new.start.due_at = march(11, 9);
    new.start.closed_at = Some(march(12, 9));
    let justice = motcua_store::dossiers::receive(store, t, new)
        .await
        .unwrap()
        .dossier()
        .id;
    rate_for(
        store,
        t,
        justice,
        JUSTICE,
        Satisfaction::NotSatisfied,
        march(13, 9),
    )
    .await;

    let body = app
        .get(EN, "/api/v1/statistics?from=2025-03&to=2025-03")
        .await
        .json();
    // Each division has its own dossier and its own rating; none counts the other's.
    let police = line(&body["divisions"], "key", POLICE);
    let justice = line(&body["divisions"], "key", JUSTICE);
    for (field, p, j) in [
        ("received", 1, 1),
        ("finished", 1, 1),
        ("finished_on_time", 1, 0),
        ("ratings", 1, 1),
        ("satisfied", 1, 0),
    ] {
        assert_eq!(
            (police[field].as_i64(), justice[field].as_i64()),
            (Some(p), Some(j)),
            "{field}: {body}"
        );
    }
    assert!(
        justice["name"]
            .as_str()
            .unwrap()
            .contains("Department of Justice"),
        "{justice}"
    );
    // The procedure counts both, under the division it belongs to now.
    let records = line(&body["procedures"], "code", RECORDS);
    assert_eq!(records["division"], JUSTICE);
    assert_eq!(
        (records["received"].as_i64(), records["ratings"].as_i64()),
        (Some(2), Some(2))
    );

    // The period's counts are cached: a dossier received since shows once the cache expires
    // (5 minutes), not at once; another period is counted afresh and has it.
    dossier(store, t, RECORDS, unit, march(20, 9), Channel::Desk, None).await;
    let again = app
        .get(VI, "/api/v1/statistics?from=2025-03&to=2025-03")
        .await
        .json();
    assert_eq!(line(&again["procedures"], "code", RECORDS)["received"], 2);
    let quarter = app
        .get(VI, "/api/v1/statistics?from=2025-01&to=2025-03")
        .await
        .json();
    assert_eq!(line(&quarter["procedures"], "code", RECORDS)["received"], 3);
}

async fn the_statistics_are_rate_limited_per_client(backend: Backend) {
    let config = WebConfig {
        lookup_per_minute: 2,
        ..WebConfig::default()
    };
    let app = TestApp::with(backend, Arc::new(MemoryCache::default()), config).await;
    let r = app
        .get(VI, "/api/v1/statistics?from=2025-03&to=2025-03")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.get(EN, "/statistics?from=2025-03&to=2025-03").await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The third view, page or API, in either language, is refused for a minute.
    let r = app.get(VI, "/thong-ke").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("60"));
    assert!(
        r.body.contains("Bạn đã gửi quá nhiều yêu cầu"),
        "{}",
        r.body
    );
    let r = app.get(EN, "/api/v1/statistics").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "rate_limited");
}

/// Thanh Hóa's first registration of land rights: a level-3 procedure.
const LAND: &str = "1.012795";

async fn level_3_procedures_with_30_percent_online_may_move_to_level_4(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let store = &app.db.store;
    let t = tenant(&app, "thanhhoa").await;
    let unit = "000.00.01.H56";
    // March: one land dossier in three online (33 %); April: one in four (25 %). The judicial
    // record procedure, all online in March, is at level 4 already.
    for (day, channel) in [(3, Channel::Online), (4, Channel::Desk), (5, Channel::Post)] {
        dossier(store, t, LAND, unit, march(day, 9), channel, None).await;
    }
    dossier(store, t, RECORDS, unit, march(6, 9), Channel::Online, None).await;
    let april = march(1, 9) + Duration::days(35);
    for (n, channel) in [
        Channel::NationalPortal,
        Channel::Desk,
        Channel::Desk,
        Channel::Post,
    ]
    .into_iter()
    .enumerate()
    {
        let at = april + Duration::hours(n as i64);
        dossier(store, t, LAND, unit, at, channel, None).await;
    }

    let ready = |period: &str| {
        let path = format!("/api/v1/statistics?from={period}&to={period}");
        let app = &app;
        async move {
            let body = app.get(VI, &path).await.json();
            let land = line(&body["procedures"], "code", LAND);
            let records = line(&body["procedures"], "code", RECORDS);
            assert_eq!(land["level"], 3, "{land}");
            assert_eq!(records["level"], 4, "{records}");
            assert_eq!(
                records["ready_for_level_4"], false,
                "level 4 already: {records}"
            );
            land["ready_for_level_4"].as_bool().unwrap()
        }
    };
    assert!(ready("2025-03").await, "33 % online");
    assert!(!ready("2025-04").await, "25 % online");

    let badge = |body: &str| body.matches("class=\"badge level-4-ready\"").count();
    let r = app.get(VI, "/thong-ke?from=2025-03&to=2025-03").await;
    assert_eq!(badge(&r.body), 1, "{}", r.body);
    assert!(r.body.contains("Đủ điều kiện nâng lên mức độ 4"));
    let r = app.get(EN, "/statistics?from=2025-03&to=2025-03").await;
    assert!(r.body.contains("May move to level 4"), "{}", r.body);
    let r = app.get(VI, "/thong-ke?from=2025-04&to=2025-04").await;
    assert_eq!(badge(&r.body), 0);
}

backend_tests!(
    level_3_procedures_with_30_percent_online_may_move_to_level_4,
    statistics_count_the_periods_dossiers_and_ratings,
    a_period_is_checked_and_defaults_to_this_year,
    a_procedure_moved_to_another_division_keeps_its_past_there,
    the_statistics_are_rate_limited_per_client,
);
