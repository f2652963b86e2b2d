//! Authorization's numbers, measured in one run (`cargo bench -p motcua-authz --bench authz`),
//! with 100 tenants × 10 divisions × 50 officials in each (50,200 assignments) on PostgreSQL:
//!
//! - one decision: latency percentiles of the compiled index (target p99 < 50 µs), beside
//!   casbin's own `enforce` on the same policy as the baseline;
//! - loading every tenant's policy at start-up (target < 1 s);
//! - a change made on one node until another node enforces it, through Redis (target < 1 s).
//!
//! Needs PostgreSQL and Redis (`MOTCUA_TEST_POSTGRES_URL`, `MOTCUA_TEST_REDIS_URL`, default the
//! local servers). `BENCH_DECISIONS` sets the number of timed decisions (default 1,000,000).

use std::time::{Duration, Instant};

use motcua_authz::{Action, Assignment, Authz, Object, Permission, Role, SyncConfig, TenantRef};
use motcua_core::tenant::TenantBundle;
use motcua_store::policies::{self, Change, Rule};
use motcua_store::{Store, StoreOptions, tenants};
use sea_orm::{ConnectionTrait, Database};

const TENANTS: usize = 100;
const DIVISIONS: usize = 10;
const OFFICIALS: usize = 50;

fn manifest(n: usize) -> String {
    let code = format!("K{n:02}");
    let mut divisions = String::new();
    for d in 0..DIVISIONS {
        divisions.push_str(&format!(
            "  - {{ key: phong-{d}, code: 000.00.{:02}.{code}, name: {{ vi: Phòng {d}, en: Division {d} }}{} }}\n",
            d + 1,
            if d == 0 { ", one_stop: true" } else { "" }
        ));
    }
    format!(
        "slug: bench-{n:02}
kind: province
name: {{ vi: Tỉnh thử {n}, en: Bench province {n} }}
short_name: {{ vi: Thử {n}, en: Bench {n} }}
entity_code: {code}
domains: {{ name: bench{n:02}, english_name: bench{n:02} }}
divisions:
{divisions}calendar:
  time_zone: Asia/Ho_Chi_Minh
  working_hours: [\"07:30-11:30\", \"13:30-17:00\"]
  rest_days: [saturday, sunday]
branding:
  primary_color: \"#0d47a1\"
  accent_color: \"#b45309\"
  contact:
    address: {{ vi: Số 1, en: No 1 }}
    phone: \"028 3829 6052\"
    email: bench@example.gov.vn
"
    )
}

/// The account id of official `o` of division `d` of tenant `t`.
fn account(t: usize, d: usize, o: usize) -> i64 {
    (t * 100_000 + d * 100 + o) as i64
}

fn say(line: String) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").expect("stdout");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A small deterministic generator, so that both engines get the same questions.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

struct Question {
    tenant: usize,
    subject: String,
    division: String,
    permission: Permission,
}

fn questions(n: usize, refs: &[TenantRef]) -> Vec<Question> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|_| {
            let t = rng.next(TENANTS);
            Question {
                tenant: t,
                // Mostly the division's own officials, sometimes another division's or a
                // stranger's: the answers are a realistic mix of yes and no.
                subject: motcua_authz::subject(account(
                    t,
                    rng.next(DIVISIONS),
                    rng.next(OFFICIALS + 5),
                )),
                division: refs[t].divisions[rng.next(DIVISIONS)].clone(),
                permission: Permission::new(
                    Object::ALL[rng.next(Object::ALL.len())],
                    Action::ALL[rng.next(Action::ALL.len())],
                ),
            }
        })
        .collect()
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let total: Duration = samples.iter().sum();
    say(format!(
        "{name:<22} p50 {:>9.2?}  p99 {:>9.2?}  p99.9 {:>9.2?}  max {:>9.2?}  ({:.0}/s on one core)",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        percentile(&samples, 0.999),
        samples[samples.len() - 1],
        samples.len() as f64 / total.as_secs_f64()
    ));
}

#[tokio::main]
async fn main() {
    let pg = std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let redis = std::env::var("MOTCUA_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let decisions: usize = std::env::var("BENCH_DECISIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let schema = format!("motcua_bench_authz_{}", std::process::id());
    let mut options = StoreOptions::new(pg.clone());
    options.schema = Some(schema.clone());
    let store = Store::connect(&options).await.expect("PostgreSQL");
    store.migrate().await.expect("migrations");

    let setup = Instant::now();
    let mut refs = Vec::new();
    for n in 0..TENANTS {
        let bundle = TenantBundle::from_files(None, manifest(n), Vec::new(), None)
            .unwrap_or_else(|d| panic!("bench tenant {n}: {d:?}"));
        tenants::apply(&store, &bundle).await.expect("tenant");
        let id = tenants::load(&store, &format!("bench-{n:02}"))
            .await
            .expect("load")
            .expect("tenant")
            .id;
        let divisions: Vec<String> = (0..DIVISIONS).map(|d| format!("phong-{d}")).collect();
        // Fifty officials per division: one head, a receiver at the desk, specialists; a
        // leader and an administrator for the whole tenant.
        let mut add = Vec::new();
        for (d, division) in divisions.iter().enumerate() {
            for o in 0..OFFICIALS {
                let role = match o {
                    0 => Role::DivisionHead,
                    1 if d == 0 => Role::Receiver,
                    _ => Role::Specialist,
                };
                add.push(Rule::new(
                    "g",
                    &[
                        &motcua_authz::subject(account(n, d, o)),
                        role.as_str(),
                        &format!("bench-{n:02}/{division}"),
                    ],
                ));
            }
        }
        for (o, role) in [(98, Role::AgencyLeader), (99, Role::TenantAdmin)] {
            add.push(Rule::new(
                "g",
                &[
                    &motcua_authz::subject(account(n, DIVISIONS, o)),
                    role.as_str(),
                    &format!("bench-{n:02}/*"),
                ],
            ));
        }
        policies::apply(
            &store,
            id,
            "bench",
            "",
            &Change {
                add,
                remove: Vec::new(),
            },
            None,
        )
        .await
        .expect("assignments");
        refs.push(TenantRef {
            id,
            slug: format!("bench-{n:02}"),
            divisions,
        });
    }
    say(format!(
        "set-up: {TENANTS} tenants × {DIVISIONS} divisions, {} assignments in {:.1?}",
        TENANTS * (DIVISIONS * OFFICIALS + 2),
        setup.elapsed()
    ));

    // Loading every policy, as a node does at start-up.
    let mut loads = Vec::new();
    let mut authz = None;
    for _ in 0..3 {
        let t = Instant::now();
        let a = Authz::load(store.clone(), refs.clone())
            .await
            .expect("load");
        loads.push(t.elapsed());
        authz = Some(a);
    }
    let authz = authz.expect("loaded");
    loads.sort_unstable();
    say(format!(
        "load all policies      {:.1?} (best of 3; worst {:.1?})",
        loads[0], loads[2]
    ));

    // Decisions, each timed on its own.
    let qs = questions(decisions, &refs);
    let mut allowed = 0usize;
    let mut samples = Vec::with_capacity(qs.len());
    for q in &qs {
        let t = Instant::now();
        let ok = authz.decide(
            refs[q.tenant].id,
            &q.subject,
            Some(&q.division),
            q.permission,
        );
        samples.push(t.elapsed());
        allowed += usize::from(ok);
    }
    say(format!("decisions: {allowed} of {} allowed", qs.len()));
    report("decision (index)", samples);
    // casbin's enforce on the same policy, fewer questions (it is much slower).
    let few = &qs[..(decisions / 100).max(1000)];
    let mut samples = Vec::with_capacity(few.len());
    for q in few {
        let t = Instant::now();
        let ok = authz
            .decide_with_casbin(
                refs[q.tenant].id,
                &q.subject,
                Some(&q.division),
                q.permission,
            )
            .expect("casbin");
        samples.push(t.elapsed());
        assert_eq!(
            ok,
            authz.decide(
                refs[q.tenant].id,
                &q.subject,
                Some(&q.division),
                q.permission
            )
        );
    }
    report("decision (casbin)", samples);

    // A change on node A until node B enforces it.
    let sync = SyncConfig {
        redis_url: Some(redis),
        check_every: Duration::from_secs(3600),
    };
    let (a, task_a) = Authz::start(store.clone(), refs.clone(), sync.clone())
        .await
        .expect("node A");
    let (b, task_b) = Authz::start(
        Store::connect(&options).await.expect("pool"),
        refs.clone(),
        sync,
    )
    .await
    .expect("node B");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let receive = Permission::new(Object::Dossier, Action::Receive);
    let mut samples = Vec::new();
    for i in 0..20 {
        let t = &refs[i % TENANTS];
        let account = 90_000_000 + i as i64;
        let subject = motcua_authz::subject(account);
        let start = Instant::now();
        a.change(
            t.id,
            "bench",
            "",
            &[Assignment {
                account,
                role: Role::Receiver,
                division: Some("phong-0".to_owned()),
            }],
            &[],
            None,
        )
        .await
        .expect("change");
        while !b.decide(t.id, &subject, Some("phong-0"), receive) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "node B never saw the change"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        samples.push(start.elapsed());
    }
    report("change seen by node B", samples);
    task_a.abort();
    task_b.abort();

    if let Ok(db) = Database::connect(pg.as_str()).await {
        let _ = db
            .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
            .await;
    }
}
