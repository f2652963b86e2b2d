//! The foundation's numbers, measured in one run (`cargo bench -p motcua --bench foundation`):
//!
//! - dossier codes issued per second on PostgreSQL by 32 concurrent writers spread over 100
//!   receiving units (target ≥ 5,000/s), and by 32 writers on one unit (every writer then waits
//!   for the same counter row: the ceiling for one busy desk), with SQLite beside them;
//! - calendar `due` computations per second on one core (target ≥ 1,000,000/s);
//! - cold start of `motcua serve` with the demo tenants until `/readyz` answers (target < 1 s),
//!   on a fresh data directory (migrations and tenant apply included) and on an existing one.
//!
//! Needs PostgreSQL (`MOTCUA_TEST_POSTGRES_URL`, default the local server). Set `BENCH_SECS` to
//! change the duration of each throughput run (default 5).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta, Utc};
use motcua_core::calendar::{WorkingCalendar, WorkingDuration};
use motcua_core::codes::EntityCode;
use motcua_store::{Store, StoreOptions, TenantId, next_dossier_code, tenants};
use sea_orm::{ConnectionTrait, Database};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

fn secs() -> u64 {
    std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
}

async fn store_with_tenant(options: &StoreOptions) -> (Store, TenantId) {
    let store = Store::connect(options).await.expect("database");
    store.migrate().await.expect("migrations");
    let bundle = motcua::tenant_dir::read(&repo().join("tenants/thanhhoa")).expect("demo tenant");
    tenants::apply(&store, &bundle).await.expect("apply");
    let id = tenants::load(&store, "thanhhoa")
        .await
        .expect("load")
        .expect("tenant")
        .id;
    (store, id)
}

/// Issues codes from `writers` concurrent tasks for `duration`; returns codes per second.
async fn issue_codes(
    store: &Store,
    tenant: TenantId,
    units: &[EntityCode],
    day: NaiveDate,
    writers: usize,
    duration: Duration,
) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let issued = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (store, stop, issued) = (store.clone(), Arc::clone(&stop), Arc::clone(&issued));
        let units = units.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut i = w;
            while !stop.load(Ordering::Relaxed) {
                let unit = units[i % units.len()];
                i += writers;
                let txn = store.tenant_txn(tenant).await.expect("txn");
                match next_dossier_code(&txn, tenant, unit, day).await {
                    Ok(_) => {
                        txn.commit().await.expect("commit");
                        issued.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(motcua_store::StoreError::CodesExhausted { .. }) => break,
                    Err(e) => panic!("{e}"),
                }
            }
        }));
    }
    let start = Instant::now();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let n = issued.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    for t in tasks {
        t.await.expect("writer");
    }
    n as f64 / elapsed.as_secs_f64()
}

/// The same statements as one code issue (begin, the tenant preamble, the counter upsert,
/// commit) run by pgbench with the same concurrency: the ceiling of the database on this machine.
fn pgbench_codes(url: &str, schema: &str, tenant: TenantId, duration: Duration) -> Option<f64> {
    let dir = tempfile::tempdir().ok()?;
    let script = dir.path().join("codes.sql");
    let t = tenant.0;
    std::fs::write(
        &script,
        format!(
            "\\set u random(1, 100)\n\
             BEGIN;\n\
             SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', '{t}', true);\n\
             INSERT INTO dossier_code_counters (tenant_id, unit_code, day, last_seq) \
             VALUES ({t}, 'u' || :u, '2030-01-03', 1) ON CONFLICT (tenant_id, unit_code, day) \
             DO UPDATE SET last_seq = dossier_code_counters.last_seq + 1 RETURNING last_seq;\n\
             COMMIT;\n"
        ),
    )
    .ok()?;
    let out = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-c", "32", "-j", "2", "-T"])
        .arg(duration.as_secs().to_string())
        .arg("-f")
        .arg(&script)
        .arg(url)
        .env("PGOPTIONS", format!("-c search_path={schema}"))
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

async fn codes(report: &mut Vec<(String, String, String)>) {
    let units: Vec<EntityCode> = (0..100)
        .map(|i| {
            format!("{:03}.00.{:02}.H56", i / 99, i % 99 + 1)
                .parse()
                .expect("unit code")
        })
        .collect();
    let duration = Duration::from_secs(secs());

    let pg = std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let schema = format!("motcua_bench_{}", std::process::id());
    let mut options = StoreOptions::new(pg.clone());
    options.schema = Some(schema.clone());
    options.max_connections = 32;
    let (store, tenant) = store_with_tenant(&options).await;
    // 9,999 codes per unit and day: a long run on one unit would exhaust the day, so the
    // single-unit run is kept short enough (it stops early if it does).
    // Each run has a day of its own, so that no run starts on counters another one advanced.
    let day = |d| NaiveDate::from_ymd_opt(2030, 1, d).expect("date");
    let many = issue_codes(&store, tenant, &units, day(1), 32, duration).await;
    let one = issue_codes(
        &store,
        tenant,
        &units[..1],
        day(2),
        32,
        duration.min(Duration::from_secs(2)),
    )
    .await;
    let ceiling = pgbench_codes(&pg, &schema, tenant, duration);
    report.push((
        "codes/s, PostgreSQL, 32 writers, 100 units".into(),
        format!("{many:.0}"),
        "≥ 5,000".into(),
    ));
    report.push((
        "codes/s, PostgreSQL, 32 writers, 1 unit".into(),
        format!("{one:.0}"),
        String::new(),
    ));
    report.push(match ceiling {
        Some(tps) => (
            "pgbench, the same statements, 32 clients, 100 units (ceiling)".into(),
            format!("{tps:.0} (ours: {:.0}%)", many / tps * 100.0),
            String::new(),
        ),
        None => (
            "pgbench ceiling".into(),
            "pgbench not installed".into(),
            String::new(),
        ),
    });
    store.platform().clone().close().await.ok();
    if let Ok(admin) = Database::connect(pg.as_str()).await {
        let _ = admin
            .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
            .await;
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = StoreOptions::new(format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ));
    options.max_connections = 32;
    let (store, tenant) = store_with_tenant(&options).await;
    let many = issue_codes(
        &store,
        tenant,
        &units,
        day(1),
        32,
        duration.min(Duration::from_secs(2)),
    )
    .await;
    report.push((
        "codes/s, SQLite, 32 writers, 100 units".into(),
        format!("{many:.0}"),
        "".into(),
    ));
}

fn calendar(report: &mut Vec<(String, String, String)>) {
    let bundle = motcua::tenant_dir::read(&repo().join("tenants/thanhhoa")).expect("demo tenant");
    let cal = WorkingCalendar::new(&bundle.manifest.calendar).expect("calendar");
    let base = "2026-01-05T01:00:00Z"
        .parse::<chrono::DateTime<Utc>>()
        .expect("time");
    // Starts spread over two years, at every minute of the day; 1–30 working days.
    let starts: Vec<_> = (0..10_000i64)
        .map(|i| base + TimeDelta::minutes(i * 97 % (730 * 1440)))
        .collect();
    for s in &starts {
        std::hint::black_box(cal.due(*s, WorkingDuration::Days(1)));
    }
    let n = 3_000_000usize;
    let start = Instant::now();
    for i in 0..n {
        let d = cal.due(
            starts[i % starts.len()],
            WorkingDuration::Days((i % 30) as u32 + 1),
        );
        std::hint::black_box(d);
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    report.push((
        "calendar due/s, one core, 1-30 working days".into(),
        format!("{rate:.0}"),
        "≥ 1,000,000".into(),
    ));
}

fn cold_start(report: &mut Vec<(String, String, String)>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut times = Vec::new();
    for _ in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .current_dir(tmp.path())
            .env("MOTCUA__TENANTS__DIR", repo().join("tenants"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("motcua serve");
        let url = format!("127.0.0.1:{port}");
        loop {
            if ready(&url) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "serve never became ready"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(start.elapsed());
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }
    report.push((
        "cold start to ready, fresh data dir (ms)".into(),
        format!("{:.0}", times[0].as_secs_f64() * 1000.0),
        "< 1,000".into(),
    ));
    report.push((
        "cold start to ready, existing data dir (ms)".into(),
        format!("{:.0}", times[1].as_secs_f64() * 1000.0),
        "< 1,000".into(),
    ));
}

/// A minimal HTTP/1.1 GET of /readyz, so that the bench measures the server, not a client library.
fn ready(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /readyz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && &buf[9..12] == b"200"
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: run only when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mut report = Vec::new();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(codes(&mut report));
    calendar(&mut report);
    cold_start(&mut report);
    let mut out = String::from("\n| measure | result | target |\n|---|---:|---:|\n");
    for (what, value, target) in report {
        out.push_str(&format!("| {what} | {value} | {target} |\n"));
    }
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes()).expect("stdout");
}
