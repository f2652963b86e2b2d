//! The plugin host's numbers, measured in one run (`cargo bench -p motcua-plugins --bench plugin`):
//!
//! 1. one call of the `fee-calculator` example through [`Host::run`], the production path (a
//!    fresh store from the pre-instantiated template on the pooling allocator, the call, the
//!    outcome checked, the store dropped): latency percentiles of sequential calls (targets
//!    p50 ≤ 60 µs, p99 ≤ 200 µs) and calls per second, sequential and from 2 concurrent tasks
//!    (target ≥ 10,000/s);
//! 2. what a plugin step adds to a dossier transition, on the ward's certified-copy procedure
//!    (`tenants/hochiminhcity`, step `tinh-phi`): the desk's action that requests the plugin,
//!    the plugin's run and the `PluginDone` decision, against the same two decisions with the
//!    outcome given — interleaved in the same run, first as engine decisions alone, then as
//!    stored transitions (`move_dossier`) on SQLite and, when it answers, PostgreSQL (target:
//!    the plugin adds ≤ 10% to the stored transition). The stored transitions come in four
//!    kinds, rotated: the plugin run and its record stored with the result (what the plugin
//!    worker does), the plugin run without the record, the outcome given, and the outcome given
//!    after a busy pause as long as a plugin run (a control: what merely waiting costs).
//!
//! Knobs: `BENCH_CALLS` (sequential calls measured, default 20,000), `BENCH_TRANSITIONS` (engine
//! transitions of each kind, default 5,000), `BENCH_STORED` (stored transitions of each kind,
//! default 500), `MOTCUA_TEST_POSTGRES_URL` (default the local server; skipped when unreachable).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::codes::DossierCode;
use motcua_core::dossier::{Applicant, ApplicantKind, Channel};
use motcua_core::plugin::PluginInstall;
use motcua_core::tenant::{SourceFile, TenantBundle};
use motcua_plugins::{Context, Host, HostConfig, Input, Limits, Loaded, Outcome, Run, manifest};
use motcua_store::dossiers::{self, Change, Dossier, NewDossier};
use motcua_store::history::NewEvent;
use motcua_store::{Store, StoreOptions, TenantId, tenants};
use motcua_workflow::definition::Definition;
use motcua_workflow::engine::{self, Actor, Command, Decision, DossierState, Event, Inputs};
use motcua_workflow::procedure::Procedure;
use serde_json::{Value, json};

const TENANT: &str = "hochiminhcity";
const PROCEDURE_FILE: &str = "procedures/chung-thuc-ban-sao-tu-ban-chinh.yaml";
const CASE: &str = "ban-sao-giay";
const PIN: &str = "fee-calculator@1.0.0";
const STEP: &str = "tinh-phi";
const TABLE: &str = "phi-chung-thuc-ban-sao";
const DESK: &str = "trung-tam-phvhcc-phuong-sai-gon";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The value at quantile `q` of sorted `v`.
fn quantile(v: &[Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)]
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    quantile(v, 0.5)
}

/// Everything both measures share: the host with the plugin loaded, the tenant, the procedure.
struct Fixture {
    host: Host,
    loaded: Loaded,
    install: PluginInstall,
    reference: Arc<BTreeMap<String, Value>>,
    bundle: TenantBundle,
    procedure: Procedure,
    calendar: WorkingCalendar,
    form: Value,
    /// Monday 2 March 2026, 09:00 in Vietnam: the dossier is received.
    t0: DateTime<Utc>,
}

impl Fixture {
    fn new() -> Self {
        let dir = repo().join("tenants").join(TENANT);
        let read =
            |p: &str| std::fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        let procedure_text = read(PROCEDURE_FILE);
        let bundle = TenantBundle::from_files(
            Some(TENANT),
            read("tenant.yaml"),
            vec![SourceFile {
                path: PROCEDURE_FILE.to_owned(),
                text: procedure_text.clone(),
            }],
            std::fs::read(dir.join("logo.svg")).ok(),
        )
        .unwrap_or_else(|d| panic!("the demo tenant: {d}"));
        let procedure =
            motcua_workflow::procedure::load(PROCEDURE_FILE, &procedure_text, &bundle.manifest)
                .unwrap_or_else(|d| panic!("{d}"));
        let calendar = WorkingCalendar::new(&bundle.manifest.calendar).expect("calendar");
        let install = bundle
            .manifest
            .plugins
            .iter()
            .find(|i| i.pin == PIN)
            .cloned()
            .expect("the tenant installs fee-calculator");

        let host = Host::new(HostConfig::default()).expect("the plugin host starts");
        let example = motcua_plugin_examples::FEE_CALCULATOR;
        let m = manifest::parse(example.name, example.manifest, &Limits::CEILING)
            .unwrap_or_else(|d| panic!("the manifest: {d}"));
        let loaded = host.load(m, example.wasm).expect("the component loads");

        // The tenant's reference data, as the platform hands it to plugins; the example's fee
        // table when the tenant declares none.
        let mut tables: BTreeMap<String, Value> = bundle
            .manifest
            .reference
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if !tables.contains_key(TABLE) {
            let path = format!(
                "{}/fee-calculator/tables/{TABLE}.json",
                motcua_plugin_examples::EXAMPLES_DIR
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            tables.insert(
                TABLE.to_owned(),
                serde_json::from_str(&text).expect("the fee table"),
            );
        }

        let form = json!({
            "nguoi_yeu_cau_ho_ten": "Nguyễn Văn An",
            "nguoi_yeu_cau_so_dinh_danh": "079090001234",
            "dien_thoai": "0901234567",
            "nguon_goc_giay_to": "viet_nam",
            "hinh_thuc": "ban_giay",
            "giay_to": [
                { "ten_giay_to": "Sổ hộ khẩu", "co_quan_cap": "Công an quận 1", "so_trang": 12, "so_ban": 1 },
                { "ten_giay_to": "Bằng tốt nghiệp", "co_quan_cap": "Trường Đại học Khoa học Tự nhiên", "so_trang": 1, "so_ban": 3 }
            ]
        });
        Self {
            host,
            loaded,
            install,
            reference: Arc::new(tables),
            bundle,
            procedure,
            calendar,
            form,
            t0: "2026-03-02T02:00:00Z".parse().expect("time"),
        }
    }

    fn ctx<'a>(&'a self, form: &'a Value, now: DateTime<Utc>) -> engine::Context<'a> {
        engine::Context {
            now,
            calendar: &self.calendar,
            form,
            channel: Channel::Desk,
            applicant_kind: ApplicantKind::Citizen,
        }
    }

    /// The step's input, as the plugin worker builds it from the dossier.
    fn input(&self, d: &DossierView<'_>, config: Value, at: DateTime<Utc>) -> Input {
        Input {
            context: Context {
                tenant: TENANT.to_owned(),
                procedure: self.procedure.file.info.code.to_string(),
                procedure_version: 1,
                dossier: d.code.to_owned(),
                step: STEP.to_owned(),
                status: d.state.status.as_str().to_owned(),
                case: d.state.case.clone(),
                applicant_kind: "citizen".to_owned(),
                form: d.form.clone(),
                config,
                plugins: Value::Object(d.state.plugins.clone()),
            },
            dossier: json!({
                "code": d.code,
                "procedure": self.procedure.file.info.code.to_string(),
                "case": d.state.case,
                "channel": "desk",
                "status": d.state.status.as_str(),
                "received_at": d.state.clock.received_at,
                "due_at": d.state.clock.due,
                "form": d.form,
                "plugins": d.state.plugins,
            }),
            at,
            seed: 7,
            replay: None,
        }
    }

    async fn run(&self, input: &Input) -> Run {
        self.host
            .run(
                &self.loaded,
                &self.install,
                Arc::clone(&self.reference),
                input,
            )
            .await
    }
}

/// What the input of a plugin step is built from.
struct DossierView<'a> {
    code: &'a str,
    state: &'a DossierState,
    form: &'a Value,
}

fn outcome(run: &Run) -> &Outcome {
    run.result
        .as_ref()
        .unwrap_or_else(|e| panic!("the fee calculator failed: {e}"))
}

/// Calls that failed (a timeout when the machine stalls a call past the plugin's 200 ms): counted
/// and reported rather than aborting the run.
static FAILED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The `PluginDone` of `run`, or `fallback` (counted in [`FAILED`]) when it failed.
fn done_or(run: &Run, fallback: &Command) -> Command {
    match &run.result {
        Ok(o) => done(o),
        Err(_) => {
            FAILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            fallback.clone()
        }
    }
}

fn requested_config(d: &Decision) -> Value {
    d.events
        .iter()
        .find_map(|e| match e {
            Event::PluginRequested { config, .. } => Some(config.clone()),
            _ => None,
        })
        .expect("the desk's action requests the plugin")
}

fn done(o: &Outcome) -> Command {
    Command::PluginDone {
        step: STEP.to_owned(),
        outcome: o.transition.clone(),
        output: o.data.clone(),
    }
}

/// The `PluginDone` the transitions without the plugin are given: the plugin's own outcome.
async fn given(fx: &Fixture) -> Command {
    let received = engine::start(
        &fx.procedure.definition,
        CASE,
        fx.procedure.file.info.time,
        &fx.ctx(&fx.form, fx.t0),
    )
    .expect("start")
    .state;
    let at_desk = fx.t0 + TimeDelta::minutes(10);
    let first = engine::decide(
        &fx.procedure.definition,
        &received,
        &forward(),
        &receiver(),
        &fx.ctx(&fx.form, at_desk),
        None,
    )
    .expect("forward");
    let view = DossierView {
        code: "000.01.61.H29-260302-0001",
        state: &first.state,
        form: &fx.form,
    };
    done(outcome(
        &fx.run(&fx.input(&view, requested_config(&first), at_desk))
            .await,
    ))
}

fn forward() -> Command {
    Command::Act {
        step: "tiep-nhan".to_owned(),
        action: "chuyen".to_owned(),
        inputs: Inputs::default(),
    }
}

fn receiver() -> Actor {
    Actor::official("lan", &[("receiver", DESK)])
}

// ---------------------------------------------------------------------------------------------
// 1. Calls.

struct Calls {
    sorted: Vec<Duration>,
    per_second: f64,
    /// Median of what `Run::duration_us` counts: the store built, instantiation, the call.
    inside_median: Duration,
    /// Median of the rest: the slots, the outcome's check, the store's drop.
    outside_median: Duration,
    fuel: u64,
    peak_memory: u64,
}

/// `n` sequential calls; each one's latency as its caller sees it.
async fn sequential(fx: &Fixture, input: &Input, n: usize) -> Calls {
    let mut latencies = Vec::with_capacity(n);
    let mut inside = Vec::with_capacity(n);
    let mut outside = Vec::with_capacity(n);
    let (mut fuel, mut peak_memory) = (0, 0);
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let run = fx.run(input).await;
        let latency = t.elapsed();
        latencies.push(latency);
        outside.push(latency.saturating_sub(Duration::from_micros(run.duration_us)));
        if run.result.is_err() {
            FAILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        inside.push(Duration::from_micros(run.duration_us));
        fuel = run.fuel_used;
        peak_memory = run.peak_memory;
        black_box(run);
    }
    let per_second = n as f64 / start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Calls {
        sorted: latencies,
        per_second,
        inside_median: median(&mut inside),
        outside_median: median(&mut outside),
        fuel,
        peak_memory,
    }
}

/// `n` calls split over `tasks` concurrent tasks.
async fn concurrent(fx: &Arc<Fixture>, input: &Input, n: usize, tasks: usize) -> Calls {
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (fx, input) = (Arc::clone(fx), input.clone());
            tokio::spawn(async move { sequential(&fx, &input, n / tasks).await })
        })
        .collect();
    let mut sorted = Vec::with_capacity(n);
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    let (mut fuel, mut peak_memory) = (0, 0);
    for h in handles {
        let c = h.await.expect("a calling task");
        sorted.extend(c.sorted);
        inside.push(c.inside_median);
        outside.push(c.outside_median);
        fuel = c.fuel;
        peak_memory = c.peak_memory;
    }
    let per_second = (n / tasks * tasks) as f64 / start.elapsed().as_secs_f64();
    sorted.sort_unstable();
    Calls {
        sorted,
        per_second,
        inside_median: median(&mut inside),
        outside_median: median(&mut outside),
        fuel,
        peak_memory,
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Transitions.

/// The two engine decisions, with the plugin run between them or its outcome given.
async fn engine_transitions(fx: &Fixture, n: usize) -> (Vec<Duration>, Vec<Duration>) {
    let def = &fx.procedure.definition;
    let received = engine::start(
        def,
        CASE,
        fx.procedure.file.info.time,
        &fx.ctx(&fx.form, fx.t0),
    )
    .expect("start")
    .state;
    let (at_desk, at_done) = (
        fx.t0 + TimeDelta::minutes(10),
        fx.t0 + TimeDelta::minutes(11),
    );
    let (forward, receiver, system) = (forward(), receiver(), Actor::system());
    let code = "000.01.61.H29-260302-0001";

    let given = given(fx).await;

    let (mut with, mut without) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        for plugin in [i % 2 == 0, i % 2 == 1] {
            let t = Instant::now();
            let d1 = engine::decide(
                def,
                &received,
                &forward,
                &receiver,
                &fx.ctx(&fx.form, at_desk),
                None,
            )
            .expect("forward");
            let command = if plugin {
                let view = DossierView {
                    code,
                    state: &d1.state,
                    form: &fx.form,
                };
                let input = fx.input(&view, requested_config(&d1), at_desk);
                done_or(&fx.run(&input).await, &given)
            } else {
                given.clone()
            };
            let d2 = engine::decide(
                def,
                &d1.state,
                &command,
                &system,
                &fx.ctx(&fx.form, at_done),
                None,
            )
            .expect("plugin done");
            black_box(d2);
            let elapsed = t.elapsed();
            if plugin {
                with.push(elapsed);
            } else {
                without.push(elapsed);
            }
        }
    }
    (with, without)
}

/// What storage writes for a decision: the platform's own mapping.
fn change_from(
    d: &Decision,
    def: &Definition,
    actor: &str,
    now: DateTime<Utc>,
    code: Option<&DossierCode>,
) -> Change {
    motcua_web::handling::change_from(d, def, actor, now, code, "2.000815")
}

/// A store with the tenant applied; `None` (with why) when the database cannot be reached.
async fn open(fx: &Fixture, options: &StoreOptions) -> Result<(Store, TenantId, i32), String> {
    let store = tokio::time::timeout(Duration::from_secs(10), Store::connect(options))
        .await
        .map_err(|_| "connection timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    tenants::apply(&store, &fx.bundle)
        .await
        .map_err(|e| e.to_string())?;
    let stored = tenants::load(&store, TENANT)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the tenant was not stored")?;
    let version = stored
        .published
        .iter()
        .find(|p| p.code == fx.procedure.file.info.code.to_string())
        .map(|p| p.version)
        .ok_or("the procedure was not published")?;
    Ok((store, stored.id, version))
}

/// Receives `n` dossiers, waiting at the desk.
async fn receive(
    fx: &Fixture,
    store: &Store,
    tenant: TenantId,
    version: i32,
    n: usize,
) -> Vec<DossierCode> {
    let info = &fx.bundle.procedures[0].info;
    let mut codes = Vec::with_capacity(n);
    for _ in 0..n {
        let d = engine::start(
            &fx.procedure.definition,
            CASE,
            info.time,
            &fx.ctx(&fx.form, fx.t0),
        )
        .expect("start");
        let new = NewDossier {
            procedure_code: info.code.to_string(),
            procedure_version: version,
            case_key: CASE.to_owned(),
            receiving_unit: info.desk(&fx.bundle.manifest).code,
            channel: Channel::Desk,
            applicant: Applicant {
                kind: ApplicantKind::Citizen,
                name: "Nguyễn Văn An".to_owned(),
                id_number: None,
                phone: Some("0901234567".to_owned()),
                email: None,
                address: None,
            },
            form: fx.form.clone(),
            idempotency_key: None,
            received_at: fx.t0,
            start: change_from(&d, &fx.procedure.definition, "system", fx.t0, None),
        };
        let received = dossiers::receive(store, tenant, new)
            .await
            .expect("receive");
        codes.push(received.dossier().code);
    }
    codes
}

/// A store with the tenant in it.
struct Db<'a> {
    fx: &'a Fixture,
    store: &'a Store,
    tenant: TenantId,
}

/// One stored move, as the platform's `act_recording` makes it: `command` decided on the
/// dossier as stored, the change written, with the plugin run's record (`extra`) in the same
/// transaction.
async fn move_once(
    db: &Db<'_>,
    code: &DossierCode,
    command: &Command,
    actor: &Actor,
    now: DateTime<Utc>,
    extra: Option<Value>,
) -> (Dossier, Decision) {
    let fx = db.fx;
    let mut decided = None;
    let d = dossiers::move_dossier(db.store, db.tenant, code, |stored| {
        let current: DossierState = serde_json::from_value(stored.state.clone())
            .map_err(|e| engine::Refusal::Stuck(e.to_string()))?;
        let decision = engine::decide(
            &fx.procedure.definition,
            &current,
            command,
            actor,
            &fx.ctx(&stored.form, now),
            None,
        )?;
        let mut change = change_from(
            &decision,
            &fx.procedure.definition,
            &actor.id,
            now,
            Some(code),
        );
        if let Some(record) = extra {
            change.events.push(NewEvent {
                at: now,
                actor: actor.id.clone(),
                kind: "plugin_run".to_owned(),
                payload: record,
            });
        }
        decided = Some(decision);
        Ok::<_, engine::Refusal>(change)
    })
    .await
    .unwrap_or_else(|e| panic!("move: {e} {e:?}"));
    (d, decided.expect("decided"))
}

/// The times of one kind of stored transition.
#[derive(Default)]
struct Parts {
    /// The whole transition.
    total: Vec<Duration>,
    /// The desk's forward (the first stored move).
    first: Vec<Duration>,
    /// Between the moves: the plugin's input, run and result (or the pause).
    middle: Vec<Duration>,
    /// The `PluginDone` move.
    second: Vec<Duration>,
}

struct Stored {
    /// By [`Kind`].
    parts: [Parts; 4],
    /// The control's pause: the median of the plugin's run alone.
    pause: Duration,
}

/// The kinds of stored transition, interleaved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The plugin run, its result stored with the run's record (what the platform does).
    Recorded,
    /// The plugin run, its result stored without the record.
    Unrecorded,
    /// The result given.
    Given,
    /// The result given after a busy pause as long as the plugin's run (a control: what the
    /// database's threads lose by idling meanwhile).
    Paused,
}

/// The same two transitions as [`engine_transitions`], stored: the desk's forward, then the
/// plugin's run and its result stored with the run's record, as the plugin worker does (and,
/// to tell the record's own cost apart, without it), or the result given.
async fn stored_transitions(
    fx: &Fixture,
    store: &Store,
    tenant: TenantId,
    version: i32,
    n: usize,
) -> Stored {
    // Warm-up dossiers first, then the measured ones, all received before timing starts.
    let warm = 20.min(n);
    let kinds = [Kind::Recorded, Kind::Unrecorded, Kind::Given, Kind::Paused];
    let codes = receive(fx, store, tenant, version, kinds.len() * (n + warm)).await;
    let (at_desk, at_done) = (
        fx.t0 + TimeDelta::minutes(10),
        fx.t0 + TimeDelta::minutes(11),
    );
    let (forward, receiver, system) = (forward(), receiver(), Actor::system());
    let given = given(fx).await;
    let pause = {
        let view_state = engine::start(
            &fx.procedure.definition,
            CASE,
            fx.procedure.file.info.time,
            &fx.ctx(&fx.form, fx.t0),
        )
        .expect("start")
        .state;
        let view = DossierView {
            code: "000.01.61.H29-260302-0001",
            state: &view_state,
            form: &fx.form,
        };
        let input = fx.input(&view, json!({ "table": TABLE, "rows": "giay_to" }), at_desk);
        let mut runs = Vec::with_capacity(500);
        for _ in 0..500 {
            let t = Instant::now();
            black_box(fx.run(&input).await);
            runs.push(t.elapsed());
        }
        median(&mut runs)
    };
    let db = Db { fx, store, tenant };
    let mut out = Stored {
        parts: Default::default(),
        pause,
    };
    for (i, group) in codes.chunks(kinds.len()).enumerate() {
        for (k, code) in group.iter().enumerate() {
            let kind = kinds[(i + k) % kinds.len()];
            let plugin = matches!(kind, Kind::Recorded | Kind::Unrecorded);
            let t = Instant::now();
            let (stored, d1) = move_once(&db, code, &forward, &receiver, at_desk, None).await;
            let first = t.elapsed();
            let between = Instant::now();
            let (command, record) = if plugin {
                let text = stored.code.to_string();
                let view = DossierView {
                    code: &text,
                    state: &d1.state,
                    form: &stored.form,
                };
                let input = fx.input(&view, requested_config(&d1), at_desk);
                let run = fx.run(&input).await;
                let command = done_or(&run, &given);
                let record = (kind == Kind::Recorded).then(|| json!({ "step": STEP, "plugin": PIN, "install": fx.install, "input": input, "run": run }));
                (command, record)
            } else {
                if kind == Kind::Paused {
                    let spin = Instant::now();
                    while spin.elapsed() < pause {
                        std::hint::spin_loop();
                    }
                }
                (given.clone(), None)
            };
            let middle = between.elapsed();
            let last = Instant::now();
            move_once(&db, code, &command, &system, at_done, record).await;
            let (second, total) = (last.elapsed(), t.elapsed());
            if i < warm {
                continue;
            }
            let p = &mut out.parts[kind as usize];
            p.total.push(total);
            p.first.push(first);
            p.middle.push(middle);
            p.second.push(second);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------

struct Report(Vec<(String, String, String)>);

impl Report {
    fn row(
        &mut self,
        what: impl Into<String>,
        value: impl Into<String>,
        target: impl Into<String>,
    ) {
        self.0.push((what.into(), value.into(), target.into()));
    }

    fn print(&self, title: &str) {
        if self.0.is_empty() {
            return;
        }
        let w = self
            .0
            .iter()
            .map(|r| r.0.chars().count())
            .max()
            .unwrap_or(0);
        let v = self
            .0
            .iter()
            .map(|r| r.1.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = format!("\n{title}\n");
        for (what, value, target) in &self.0 {
            let pad = |s: &str, n: usize| " ".repeat(n.saturating_sub(s.chars().count()));
            out.push_str(&format!(
                "  {what}{}  {}{value}  {target}\n",
                pad(what, w),
                pad(value, v)
            ));
        }
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(out.as_bytes()).expect("stdout");
        stdout.flush().expect("stdout");
    }
}

fn check(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// `(with − without) / without` of the medians.
fn overhead(with: &mut [Duration], without: &mut [Duration]) -> f64 {
    let (w, wo) = (us(median(with)), us(median(without)));
    (w - wo) / wo
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", us(d))
}

fn percent(r: f64) -> String {
    format!("{:+.1} %", r * 100.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Runs `f` on a task of the runtime, as the platform's own code runs.
fn on_runtime<T: Send + 'static>(
    rt: &tokio::runtime::Runtime,
    f: impl Future<Output = T> + Send + 'static,
) -> T {
    rt.block_on(async move { tokio::spawn(f).await.expect("the bench task") })
}

fn calls_report(fx: &Arc<Fixture>, rt: &tokio::runtime::Runtime, calls: usize) {
    let view_state = engine::start(
        &fx.procedure.definition,
        CASE,
        fx.procedure.file.info.time,
        &fx.ctx(&fx.form, fx.t0),
    )
    .expect("start")
    .state;
    let input = fx.input(
        &DossierView {
            code: "000.01.61.H29-260302-0001",
            state: &view_state,
            form: &fx.form,
        },
        json!({ "table": TABLE, "rows": "giay_to" }),
        fx.t0,
    );
    let fx = Arc::clone(fx);
    let (seq, par) = on_runtime(rt, async move {
        let amount = outcome(&fx.run(&input).await).data["amount"].clone();
        assert_eq!(amount, 20_000, "the fee of the bench's form");
        sequential(&fx, &input, 2_000).await;
        let seq = sequential(&fx, &input, calls).await;
        concurrent(&fx, &input, 1_000, 2).await;
        let par = concurrent(&fx, &input, calls, 2).await;
        (seq, par)
    });
    let mut r = Report(Vec::new());
    let s = &seq.sorted;
    let (p50, p99) = (quantile(s, 0.5), quantile(s, 0.99));
    r.row(
        "sequential calls (after 2,000 warm-up)",
        s.len().to_string(),
        "",
    );
    r.row(
        "latency p50",
        micros(p50),
        format!("≤ 60 µs   {}", check(us(p50) <= 60.0)),
    );
    r.row("latency p90", micros(quantile(s, 0.9)), "");
    r.row(
        "latency p99",
        micros(p99),
        format!("≤ 200 µs  {}", check(us(p99) <= 200.0)),
    );
    r.row("latency max", micros(quantile(s, 1.0)), "");
    r.row(
        "calls/s, sequential (1 task)",
        format!("{:.0}", seq.per_second),
        format!("≥ 10,000  {}", check(seq.per_second >= 10_000.0)),
    );
    r.row(
        "calls/s, 2 concurrent tasks",
        format!("{:.0}", par.per_second),
        format!("≥ 10,000  {}", check(par.per_second >= 10_000.0)),
    );
    r.row(
        "2 tasks: latency p50 / p99 / max",
        format!(
            "{:.1} / {:.1} / {:.0} µs",
            us(quantile(&par.sorted, 0.5)),
            us(quantile(&par.sorted, 0.99)),
            us(quantile(&par.sorted, 1.0))
        ),
        "",
    );
    r.row(
        "sequential: store + instantiate + call, median",
        micros(seq.inside_median),
        "(Run::duration_us)",
    );
    r.row(
        "sequential: the rest, median",
        micros(seq.outside_median),
        "(slots, outcome check, store drop)",
    );
    r.row("fuel per call", seq.fuel.to_string(), "");
    r.row(
        "peak linear memory per call",
        format!("{} KiB", seq.peak_memory / 1024),
        "",
    );
    r.print("1. fee-calculator through Host::run (fresh store from the pre-instantiated template on the pooling allocator, call, drop)");
}

fn transitions_report(
    fx: &Arc<Fixture>,
    rt: &tokio::runtime::Runtime,
    transitions: usize,
    stored: usize,
) {
    let mut r = Report(Vec::new());
    if transitions > 0 {
        let f = Arc::clone(fx);
        let (mut with, mut without) = on_runtime(rt, async move {
            engine_transitions(&f, 500.min(transitions)).await;
            engine_transitions(&f, transitions).await
        });
        r.row(
            format!("engine only (no storage), {transitions} of each"),
            "",
            "",
        );
        r.row(
            "  with the plugin: decide + Host::run + decide, median",
            micros(median(&mut with)),
            "",
        );
        r.row(
            "  outcome given: decide + decide, median",
            micros(median(&mut without)),
            "",
        );
        r.row(
            "  overhead (with − without) / without",
            percent(overhead(&mut with, &mut without)),
            "engine-only: not the target's measure",
        );
    }
    if stored == 0 {
        r.print("2. a plugin step on a dossier transition (desk forward → tinh-phi → PluginDone), interleaved");
        return;
    }
    let sqlite_dir = tempfile::tempdir().expect("tempdir");
    let mut backends = vec![(
        "SQLite (temporary file, WAL)",
        StoreOptions::new(format!(
            "sqlite://{}",
            sqlite_dir.path().join("bench.db").display()
        )),
        None,
    )];
    let pg = std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let schema = format!("motcua_bench_plugin_{}", std::process::id());
    let mut options = StoreOptions::new(pg.clone());
    options.schema = Some(schema.clone());
    options.max_connections = 4;
    backends.push(("PostgreSQL (local server)", options, Some((pg, schema))));

    for (name, options, drop_schema) in backends {
        let f = Arc::clone(fx);
        let result = on_runtime(rt, async move {
            let (store, tenant, version) = open(&f, &options).await?;
            let r = stored_transitions(&f, &store, tenant, version, stored).await;
            store.platform().clone().close().await.ok();
            if let Some((url, schema)) = drop_schema
                && let Ok(admin) = sea_orm::Database::connect(url.as_str()).await
            {
                use sea_orm::ConnectionTrait as _;
                let _ = admin
                    .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
                    .await;
            }
            Ok::<_, String>(r)
        });
        let mut s = match result {
            Ok(s) => s,
            Err(e) => {
                r.row(format!("{name}: skipped"), "", e);
                continue;
            }
        };
        r.row(
            format!("{name}, stored (move_dossier), {stored} of each"),
            "total",
            "= desk move + between + PluginDone move (medians)",
        );
        let labels = [
            (
                Kind::Recorded,
                "with the plugin, run recorded (as the worker does)".to_owned(),
            ),
            (
                Kind::Unrecorded,
                "with the plugin, run not recorded".to_owned(),
            ),
            (Kind::Given, "outcome given".to_owned()),
            (
                Kind::Paused,
                format!(
                    "outcome given after a {:.0} µs busy pause (control)",
                    us(s.pause)
                ),
            ),
        ];
        for (kind, label) in labels {
            let p = &mut s.parts[kind as usize];
            r.row(
                format!("  {label}"),
                micros(median(&mut p.total)),
                format!(
                    "= {:.0} + {:.0} + {:.0} µs",
                    us(median(&mut p.first)),
                    us(median(&mut p.middle)),
                    us(median(&mut p.second))
                ),
            );
        }
        let [recorded, unrecorded, given, paused] = &mut s.parts;
        let ratio = overhead(&mut recorded.total, &mut given.total);
        r.row(
            "  plugin overhead (with − without) / without",
            percent(ratio),
            format!("≤ 10 %  {}", check(ratio <= 0.10)),
        );
        r.row(
            "  the same, the run not recorded",
            percent(overhead(&mut unrecorded.total, &mut given.total)),
            "",
        );
        r.row(
            "  the same, a busy pause instead of the plugin (control)",
            percent(overhead(&mut paused.total, &mut given.total)),
            "",
        );
    }
    r.print("2. a plugin step on a dossier transition (desk forward → tinh-phi → PluginDone), interleaved");
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: run only when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let calls = knob("BENCH_CALLS", 20_000);
    let transitions = knob("BENCH_TRANSITIONS", 5_000);
    let stored = knob("BENCH_STORED", 500);
    let before = load_average();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let fx = Arc::new(Fixture::new());
    if calls > 0 {
        calls_report(&fx, &rt, calls);
    }
    transitions_report(&fx, &rt, transitions, stored);
    let mut r = Report(Vec::new());
    r.row(
        "CPUs",
        std::thread::available_parallelism()
            .map_or(0, usize::from)
            .to_string(),
        "",
    );
    r.row(
        "load average before / after",
        format!("{before} / {}", load_average()),
        "",
    );
    r.row(
        "failed plugin calls",
        FAILED
            .load(std::sync::atomic::Ordering::Relaxed)
            .to_string(),
        "(timeouts when a call stalls past 200 ms)",
    );
    r.print("machine");
}
