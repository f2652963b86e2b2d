//! The inbox is read through its indexes: with tens of thousands of dossiers and tasks in two
//! tenants, the database's plan for each kind of request uses the index meant for it and never
//! scans a table (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` after `ANALYZE` on PostgreSQL).
//! Run with `--nocapture` to see the plans.

use chrono::{DateTime, Utc};
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_store::inbox::{self, Due, Grant, InboxQuery, Scope, Search, Sort};
use motcua_store::{Store, TenantId};
use motcua_tests::{Backend, backend_tests};
use sea_orm::{ConnectionTrait, DbBackend};

use super::world::{World, query, vn};

/// Dossiers per tenant; one in five has no open task (closed).
const DOSSIERS: i64 = 20_000;

/// `DOSSIERS` dossiers of `tenant` with ids from `first`, and their tasks: five divisions, three
/// roles, a third claimed by seven officials of each division, one in 97 escalated, receipts a
/// minute apart.
async fn seed(store: &Store, tenant: TenantId, first: i64) {
    let db = store.platform();
    let postgres = store.backend() == DbBackend::Postgres;
    let (series, minutes, days, code) = if postgres {
        (
            format!("SELECT g AS i FROM generate_series(1, {DOSSIERS}) AS g"),
            "timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'",
            "timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute' + (i % 30) * interval '1 day'",
            format!(
                "'000.00.{t:02}.H56-26' || lpad((1 + i / 9999 / 28)::text, 2, '0') \
                 || lpad((1 + i / 9999 % 28)::text, 2, '0') || '-' || lpad((i % 9999 + 1)::text, 4, '0')",
                t = tenant.0
            ),
        )
    } else {
        (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {DOSSIERS}) SELECT i FROM n"
            ),
            "strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01', '+' || i || ' minutes')",
            "strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01', '+' || i || ' minutes', '+' || (i % 30) || ' days')",
            format!(
                "printf('000.00.%02d.H56-26%02d%02d-%04d', {t}, 1 + i / 9999 / 28, 1 + i / 9999 % 28, \
                 i % 9999 + 1)",
                t = tenant.0
            ),
        )
    };
    let t = tenant.0;
    db.execute_unprepared(&format!(
        "INSERT INTO dossiers (id, tenant_id, code, procedure_code, receiving_unit, channel, status,
             applicant_name, applicant_name_folded, applicant_id_number, applicant, form,
             received_at, due_at, created_at, updated_at)
         SELECT {first} + i, {t}, {code},
             CASE i % 3 WHEN 0 THEN '2.000488' WHEN 1 THEN '1.012795' ELSE '2.000720' END,
             '000.00.01.H56',
             CASE i % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'desk' ELSE 'post' END,
             CASE i % 3 WHEN 0 THEN 'registered' WHEN 1 THEN 'processing' ELSE 'accepted' END,
             'Nguyen Van ' || i, 'nguyen van ' || i, '0380' || (10000000 + i),
             '{{}}', '{{}}', {minutes}, {days}, {minutes}, {minutes}
         FROM ({series}) AS s"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "INSERT INTO dossier_tasks (tenant_id, dossier_id, token_id, step, role, division, assignee,
             escalated_to, step_due_at, entered_at, code, procedure_code, status, channel,
             applicant_name, applicant_name_folded, received_at, due_at)
         SELECT tenant_id, id, 0, 'buoc',
             CASE id % 4 WHEN 0 THEN 'receiver' WHEN 3 THEN 'division_head' ELSE 'specialist' END,
             CASE id % 5 WHEN 0 THEN 'trung-tam-phvhcc' WHEN 1 THEN 'cong-an-tinh'
                 WHEN 2 THEN 'van-phong-dang-ky-dat-dai' WHEN 3 THEN 'ubnd-phuong-hac-thanh'
                 ELSE 'so-tu-phap' END,
             CASE WHEN id % 3 = 0 THEN 'official-' || (id % 5) || '-' || (id % 7) END,
             CASE WHEN id % 97 = 0 THEN 'division_head' END,
             due_at, received_at, code, procedure_code, status, channel,
             applicant_name, applicant_name_folded, received_at, due_at
         FROM dossiers WHERE tenant_id = {t} AND id % 5 <> 4"
    ))
    .await
    .unwrap();
    // The search keys: the code, and the words of `nguyen van <i>`.
    let number = if postgres {
        "(dossier_id - {first})::text"
    } else {
        "(dossier_id - {first})"
    }
    .replace("{first}", &first.to_string());
    db.execute_unprepared(&format!(
        "INSERT INTO dossier_task_keys (tenant_id, key, dossier_id)
         SELECT tenant_id, 'c:' || code, dossier_id FROM dossier_tasks WHERE tenant_id = {t}
         UNION ALL SELECT tenant_id, 'n:nguyen', dossier_id FROM dossier_tasks WHERE tenant_id = {t}
         UNION ALL SELECT tenant_id, 'n:van', dossier_id FROM dossier_tasks WHERE tenant_id = {t}
         UNION ALL SELECT tenant_id, 'n:' || {number}, dossier_id FROM dossier_tasks
             WHERE tenant_id = {t}"
    ))
    .await
    .unwrap();
    if postgres {
        db.execute_unprepared(
            "ANALYZE dossiers; ANALYZE dossier_tasks; ANALYZE dossier_task_keys;",
        )
        .await
        .unwrap();
    }
}

/// What a request's plan must read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Lanes reading only these indexes of the tasks, the first of them always.
    Lanes(&'static [&'static str]),
    /// The same, except that PostgreSQL may read the tenant's tasks in order instead, where its
    /// statistics say that is cheaper: a role held in every division, whose queue is read across
    /// the divisions (and sorted) otherwise.
    LanesOrTenant(&'static [&'static str]),
    /// Candidates from an index whose name starts so, then their tasks by primary key.
    Lookup(&'static str),
}

const QUEUE_DUE: Expect = Expect::Lanes(&[
    "dossier_tasks_queue_due",
    "dossier_tasks_escalated",
    "dossier_tasks_assignee",
]);
const QUEUE_RECEIVED: &[&str] = &[
    "dossier_tasks_queue_received",
    "dossier_tasks_escalated",
    "dossier_tasks_assignee",
];
/// The tasks' primary key, as each backend names it.
const TASK_KEY: [&str; 2] = ["dossier_tasks_pkey", "sqlite_autoindex_dossier_tasks_1"];

/// The requests checked.
fn requests(now: DateTime<Utc>) -> Vec<(&'static str, InboxQuery, Expect)> {
    let grants = [
        Grant::new("receiver", "trung-tam-phvhcc"),
        Grant::new("specialist", "cong-an-tinh"),
    ];
    let q = |scope, f: &dyn Fn(&mut InboxQuery)| {
        let mut q = query("official-0-3", &grants, scope, now);
        f(&mut q);
        q
    };
    let leader = [Grant::everywhere("agency_leader")];
    let tenant = |f: &dyn Fn(&mut InboxQuery)| {
        let mut q = query("x", &leader, Scope::Divisions, now);
        f(&mut q);
        q
    };
    let mut everywhere = query(
        "x",
        &[Grant::everywhere("specialist")],
        Scope::Available,
        now,
    );
    everywhere.sort = Sort::ReceivedOldest;
    let (available, divisions, mine) = (Scope::Available, Scope::Divisions, Scope::Mine);
    let newest = |q: &mut InboxQuery| q.sort = Sort::ReceivedNewest;
    let search = |text: &'static str| move |q: &mut InboxQuery| q.search = Search::parse(text);
    use Expect::{Lanes, LanesOrTenant, Lookup};
    vec![
        ("queues by due time", q(available, &|_| {}), QUEUE_DUE),
        (
            "queues, newest first",
            q(available, &newest),
            Lanes(QUEUE_RECEIVED),
        ),
        (
            "queues, filtered",
            q(available, &|q| {
                q.procedure = Some("2.000488".into());
                q.status = Some(DossierStatus::Registered);
                q.channel = Some(Channel::Online);
                q.due = Some(Due::Before(now));
            }),
            QUEUE_DUE,
        ),
        // Every word of the name is common (more than 500 keys): a filter on the lanes.
        (
            "queues, a common name",
            q(available, &search("nguyen van 12")),
            QUEUE_DUE,
        ),
        (
            "queues, a rare name",
            q(available, &search("nguyen van 12345")),
            Lookup("dossier_task_keys"),
        ),
        (
            "queues, a day's codes",
            q(available, &search("000.00.01.H56-260102")),
            QUEUE_DUE,
        ),
        (
            "queues, ten codes",
            q(available, &search("000.00.01.H56-260102-012")),
            Lookup("dossier_task_keys"),
        ),
        (
            "queues, an ID number",
            q(available, &search("038010000123")),
            Lookup("dossiers_"),
        ),
        (
            "queues, a whole code",
            q(available, &search("000.00.01.H56-260102-0123")),
            Lookup("dossiers_"),
        ),
        (
            "a role in every division, oldest first",
            everywhere,
            LanesOrTenant(QUEUE_RECEIVED),
        ),
        (
            "own work",
            q(mine, &|_| {}),
            Lanes(&["dossier_tasks_assignee"]),
        ),
        (
            "own work, newest first",
            q(mine, &newest),
            Lanes(&["dossier_tasks_assignee"]),
        ),
        (
            "two divisions",
            q(divisions, &|_| {}),
            Lanes(&["dossier_tasks_division_due"]),
        ),
        (
            "two divisions, oldest first",
            q(divisions, &|q| q.sort = Sort::ReceivedOldest),
            Lanes(&["dossier_tasks_division_received"]),
        ),
        (
            "the tenant",
            tenant(&|_| {}),
            Lanes(&["dossier_tasks_tenant_due"]),
        ),
        (
            "the tenant, newest first",
            tenant(&newest),
            Lanes(&["dossier_tasks_tenant_received"]),
        ),
        (
            "the tenant, overdue",
            tenant(&|q| q.due = Some(Due::Overdue)),
            Lanes(&["dossier_tasks_tenant_due"]),
        ),
    ]
}

/// The indexes a plan reads, by name, in the plan's order.
fn indexes(plan: &str) -> Vec<String> {
    let marks = [
        "USING INDEX ",
        "USING COVERING INDEX ",
        " using ",
        "Bitmap Index Scan on ",
    ];
    let mut found = Vec::new();
    for line in plan.lines() {
        for mark in marks {
            if let Some((_, rest)) = line.split_once(mark) {
                found.push(rest.split([' ', '(']).next().unwrap_or_default().to_owned());
            }
        }
    }
    found
}

/// Checks the plan of each request, on its first two pages.
async fn check(w: &World, label: &str) {
    let th = w.tenant("thanhhoa");
    let postgres = w.db.store.backend() == DbBackend::Postgres;
    for (what, mut q, expect) in requests(vn("2026-01-20T09:00")) {
        for page in 1..=2 {
            let text = inbox::explain(&w.db.store, th, &q)
                .await
                .unwrap()
                .join("\n");
            eprintln!("--- {label}: {what}, page {page}\n{text}");
            let used = indexes(&text);
            let tasks: Vec<&str> = used
                .iter()
                .map(String::as_str)
                .filter(|i| i.contains("dossier_tasks"))
                .collect();
            let (required, allowed): (Vec<&str>, Vec<&str>) = match expect {
                Expect::Lanes(allowed) => (allowed[..1].to_vec(), allowed.to_vec()),
                // SQLite is told each lane's index; PostgreSQL chooses by cost where it may.
                Expect::LanesOrTenant(allowed) if postgres => {
                    let mut allowed = allowed.to_vec();
                    allowed.push("dossier_tasks_tenant_received");
                    (allowed.clone(), allowed)
                }
                Expect::LanesOrTenant(allowed) => (allowed[..1].to_vec(), allowed.to_vec()),
                Expect::Lookup(first) => {
                    // Candidates first, through their own index; never the other way round.
                    let starts = used.first().is_some_and(|i| {
                        i.starts_with(first) || i.starts_with(&format!("sqlite_autoindex_{first}"))
                    });
                    assert!(starts, "{what}: not through {first}:\n{text}");
                    (TASK_KEY.to_vec(), TASK_KEY.to_vec())
                }
            };
            assert!(
                tasks.iter().any(|i| required.contains(i)),
                "{what}: {required:?} unused:\n{text}"
            );
            for index in &tasks {
                assert!(allowed.contains(index), "{what}: {index} read:\n{text}");
            }
            let scans = [
                "SCAN dossier",
                "SCAN t\n",
                "SCAN d\n",
                "SCAN k\n",
                "Seq Scan on dossier",
            ];
            for scan in scans {
                assert!(
                    !format!("{text}\n").contains(scan),
                    "{what}: a table scan:\n{text}"
                );
            }
            let listed = inbox::list(&w.db.store, th, &q).await.unwrap();
            q.cursor = listed.next;
            if q.cursor.is_none() {
                break;
            }
        }
    }
}

async fn inbox_queries_use_their_indexes(backend: Backend) {
    let w = World::new(backend).await;
    seed(&w.db.store, w.tenant("thanhhoa"), 1_000_000).await;
    seed(&w.db.store, w.tenant("hochiminhcity"), 2_000_000).await;
    check(&w, &format!("{backend:?}")).await;
    if backend == Backend::Sqlite {
        // The same plans once SQLite has statistics (`ANALYZE`, `PRAGMA optimize`).
        let db = w.db.store.platform();
        db.execute_unprepared("ANALYZE").await.unwrap();
        check(&w, "Sqlite, analyzed").await;
    }
}

backend_tests!(inbox_queries_use_their_indexes);
