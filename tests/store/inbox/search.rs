//! Searching: in the inbox by name (ignoring case and diacritics), code and citizen ID number;
//! across a whole tenant (`dossiers::search`) by code, ID number and the start of a name.

use motcua_store::dossiers;
use motcua_store::inbox::{self, Grant, InboxQuery, Scope, Search};
use motcua_tests::{Backend, backend_tests};
use motcua_workflow::engine::{Actor, Command};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::world::{Intake, World, query, vn};

#[test]
fn what_an_official_types_is_understood() {
    let code = "000.00.01.H56-260302-0001";
    assert_eq!(
        Search::parse(code),
        Some(Search::Code(code.parse().unwrap()))
    );
    assert_eq!(
        Search::parse(" 000.00.01.h56-260302-0001 "),
        Some(Search::Code(code.parse().unwrap()))
    );
    assert_eq!(
        Search::parse("000.00.01.h56-2603"),
        Some(Search::CodePrefix("000.00.01.H56-2603".into()))
    );
    assert_eq!(
        Search::parse("038095001234"),
        Some(Search::IdNumber("038095001234".into()))
    );
    assert_eq!(
        Search::parse("  Lê  THỊ hoà "),
        Some(Search::Name(vec!["le".into(), "thi".into(), "hoa".into()]))
    );
    assert_eq!(Search::parse("   "), None);
}

/// The names of the rows an inbox search lists, sorted: found once through the search keys,
/// then once more with every key range of the search crowded past what the keys are used for,
/// which makes the search a filter on the scope's lanes instead; both must agree.
async fn names(w: &World, q: &InboxQuery, text: &str) -> Vec<String> {
    let mut q = q.clone();
    q.search = Search::parse(text);
    let th = w.tenant("thanhhoa");
    let listed = |q: InboxQuery| async move {
        let mut names: Vec<String> = w
            .all(th, &q)
            .await
            .into_iter()
            .map(|r| r.dossier.applicant_name)
            .collect();
        names.sort();
        names
    };
    let through_keys = listed(q.clone()).await;
    let starts: Vec<String> = match &q.search {
        Some(Search::Name(words)) => words.iter().map(|w| format!("n:{w}")).collect(),
        Some(Search::CodePrefix(p)) => vec![format!("c:{p}")],
        _ => Vec::new(),
    };
    if starts.is_empty() {
        return through_keys;
    }
    crowd(w, th, &starts).await;
    assert_eq!(
        listed(q).await,
        through_keys,
        "{text}: keys and lanes disagree"
    );
    through_keys
}

/// Adds more keys than [`inbox::KEY_CANDIDATES`] to each range starting at `starts`, naming any
/// dossier of the tenant: more candidates than the keys are used for.
async fn crowd(w: &World, tenant: motcua_store::TenantId, starts: &[String]) {
    let db = w.db.store.platform();
    let backend = db.get_database_backend();
    let any = db
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT MIN(dossier_id) FROM dossier_tasks WHERE tenant_id = {}",
                tenant.0
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    for start in starts {
        let mut values: Vec<sea_orm::Value> = Vec::new();
        let mut rows = Vec::new();
        for n in 0..=inbox::KEY_CANDIDATES {
            let at = values.len();
            let placeholder = |i: usize| match backend {
                DbBackend::Postgres => format!("${}", at + i + 1),
                _ => "?".to_owned(),
            };
            rows.push(format!(
                "({}, {}, {})",
                placeholder(0),
                placeholder(1),
                placeholder(2)
            ));
            values.extend([
                tenant.0.into(),
                format!("{start}~{n:04}").into(),
                any.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO dossier_task_keys (tenant_id, key, dossier_id) VALUES {} \
             ON CONFLICT DO NOTHING",
            rows.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .unwrap();
    }
}

async fn searches_ignore_case_and_diacritics(backend: Backend) {
    let w = World::new(backend).await;
    let th = w.tenant("thanhhoa");
    let at = vn("2026-03-02T09:00");
    let mut people = Vec::new();
    for (i, (name, id)) in [
        ("Lê Thị Hoa", Some("038095001234")),
        // Written decomposed, as some keyboards send it.
        ("Nguyễn Thi\u{323} Hoa\u{300}", None),
        ("Đặng Đình Đức", Some("038095009999")),
        ("Lê Hoàng Long", None),
        ("Trần 100% Thật_Sự", None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut intake = Intake::record(name, at + chrono::Duration::days(i as i64));
        intake.id_number = id;
        people.push(w.receive("thanhhoa", intake).await);
    }
    let everything = query("x", &[Grant::everywhere("receiver")], Scope::Divisions, at);
    let n = |s: &str| s.to_owned();
    let nguyen = "Nguyễn Thi\u{323} Hoa\u{300}".to_owned();

    assert_eq!(
        names(&w, &everything, "le thi hoa").await,
        [n("Lê Thị Hoa")]
    );
    assert_eq!(
        names(&w, &everything, "hoa").await,
        [n("Lê Hoàng Long"), n("Lê Thị Hoa"), nguyen.clone()],
        "the start of any word"
    );
    assert_eq!(
        names(&w, &everything, "THI HOA").await,
        [n("Lê Thị Hoa"), nguyen]
    );
    assert_eq!(
        names(&w, &everything, "hoa le").await,
        [n("Lê Hoàng Long"), n("Lê Thị Hoa")]
    );
    assert_eq!(
        names(&w, &everything, "dang duc").await,
        [n("Đặng Đình Đức")]
    );
    assert_eq!(
        names(&w, &everything, "ĐẶNG ĐỨC").await,
        [n("Đặng Đình Đức")]
    );
    assert!(names(&w, &everything, "hoa long thi").await.is_empty());
    assert!(
        names(&w, &everything, "oa").await.is_empty(),
        "words match from their start"
    );
    // LIKE's wildcards are plain characters in a name.
    assert_eq!(
        names(&w, &everything, "100%").await,
        [n("Trần 100% Thật_Sự")]
    );
    assert!(names(&w, &everything, "%").await.is_empty());
    assert_eq!(
        names(&w, &everything, "that_s").await,
        [n("Trần 100% Thật_Sự")]
    );
    assert!(names(&w, &everything, "tha_").await.is_empty());

    // By citizen ID number and by code, whole or its start.
    assert_eq!(
        names(&w, &everything, "038095001234").await,
        [n("Lê Thị Hoa")]
    );
    assert!(names(&w, &everything, "038095001235").await.is_empty());
    let code = people[2].code.to_string();
    assert_eq!(names(&w, &everything, &code).await, [n("Đặng Đình Đức")]);
    assert_eq!(
        names(&w, &everything, &code.to_lowercase()).await,
        [n("Đặng Đình Đức")]
    );
    let day = &code[..20]; // the unit and the day: `000.00.xx.H56-260304`
    assert_eq!(names(&w, &everything, day).await, [n("Đặng Đình Đức")]);
    let unit = &code[..13];
    assert_eq!(names(&w, &everything, unit).await.len(), people.len());

    // Searches stay within the scope.
    let police = query(
        "x",
        &[Grant::new("specialist", "cong-an-tinh")],
        Scope::Available,
        at,
    );
    assert!(names(&w, &police, "le thi hoa").await.is_empty());
    assert!(names(&w, &police, "038095001234").await.is_empty());
    assert!(names(&w, &police, &code).await.is_empty());

    // Across the tenant, closed dossiers included: by code, ID number, start of the name.
    let stopper = Actor::official("truong", &[("division_head", "cong-an-tinh")]);
    let stop = Command::Stop {
        reason: "thử".into(),
    };
    w.act(
        "thanhhoa",
        &people[0].code,
        &stopper,
        stop,
        vn("2026-03-09T09:00"),
    )
    .await;
    assert!(
        names(&w, &everything, "038095001234").await.is_empty(),
        "not in an inbox"
    );
    let found = |s: &str| {
        let search = Search::parse(s).unwrap();
        let store = w.db.store.clone();
        async move { dossiers::search(&store, th, &search, 50).await.unwrap() }
    };
    let by_id = found("038095001234").await;
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].code, people[0].code);
    assert!(by_id[0].closed_at.is_some());
    assert_eq!(found(&code).await[0].applicant_name, "Đặng Đình Đức");
    let by_unit: Vec<_> = found(unit).await.into_iter().map(|d| d.code).collect();
    let mut newest_first: Vec<_> = people.iter().map(|d| d.code).collect();
    newest_first.sort_by_key(|c| std::cmp::Reverse(c.to_string()));
    assert_eq!(by_unit, newest_first);
    let by_name: Vec<_> = found("Le")
        .await
        .into_iter()
        .map(|d| d.applicant_name)
        .collect();
    assert_eq!(by_name, ["Lê Hoàng Long", "Lê Thị Hoa"]);
    let by_name: Vec<_> = found("le thi")
        .await
        .into_iter()
        .map(|d| d.applicant_name)
        .collect();
    assert_eq!(by_name, ["Lê Thị Hoa"]);
    assert!(
        found("thi hoa").await.is_empty(),
        "from the start of the name only"
    );

    // Never another tenant's.
    let hcm = w.tenant("hochiminhcity");
    let search = Search::parse(&code).unwrap();
    assert!(
        dossiers::search(&w.db.store, hcm, &search, 50)
            .await
            .unwrap()
            .is_empty()
    );
    let search = Search::parse("038095001234").unwrap();
    assert!(
        dossiers::search(&w.db.store, hcm, &search, 50)
            .await
            .unwrap()
            .is_empty()
    );
}

backend_tests!(searches_ignore_case_and_diacritics);
