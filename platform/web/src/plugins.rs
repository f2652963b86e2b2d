//! Plugin steps: the worker that claims `plugin` messages of the outbox (durable jobs, see
//! `motcua_store::jobs`), runs the pinned plugin with what the tenant grants it, and moves the
//! dossier on with the result — recording the run (its input, result, fuel and time) in the
//! dossier's history, so that it can be replayed. The job completes in the move's transaction:
//! a worker whose lease ended and whose job another worker took has its move refused, so a
//! plugin step moves its dossier once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::lang::Lang;
use motcua_core::plugin::{Capability, PluginInstall};
use motcua_plugins::{Context, Input, Loaded, PluginError, Run, manifest};
use motcua_store::dossiers::{self, Dossier};
use motcua_store::jobs::{self, Job, Policy};
use motcua_store::{TenantId, plugins};
use motcua_workflow::engine::{Actor, Command};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::Failure;
use crate::handling::{Extra, act_with};
use crate::host::Site;
use crate::i18n::Msg;

/// The history event that records a plugin run.
pub const RUN_EVENT: &str = "plugin_run";

/// The outbox topic of plugin steps.
pub const TOPIC: &str = "plugin";

/// How plugin steps are worked: a plugin run is bounded by its deadline (seconds), so a claim
/// of five minutes is lost only by a stopped worker; five attempts, then an operator looks.
pub const POLICY: Policy = Policy {
    lease: Duration::from_secs(300),
    max_attempts: 5,
    backoff: Duration::from_secs(10),
    max_backoff: Duration::from_secs(600),
};

/// This process's plugin worker id.
fn worker() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| crate::notifications::worker_id("plugins"))
}

/// Compiled plugins by tenant and pin (published versions are immutable).
pub type LoadedCache = moka::sync::Cache<(i64, String), Arc<Loaded>>;

/// A new cache.
pub fn loaded_cache() -> LoadedCache {
    moka::sync::Cache::new(1_000)
}

/// The plugin `pin` as `tenant` published it, compiled.
pub async fn load(
    state: &AppState,
    tenant: TenantId,
    pin: &str,
) -> Result<Arc<Loaded>, PluginError> {
    let key = (tenant.0, pin.to_owned());
    if let Some(l) = state.loaded.get(&key) {
        return Ok(l);
    }
    let (id, version) = pin.split_once('@').unwrap_or((pin, ""));
    let stored = plugins::get(&state.store, tenant, id, version)
        .await
        .map_err(|e| PluginError::Unusable {
            problem: format!("cannot read the published plugin: {e}"),
        })?
        .ok_or_else(|| PluginError::Unusable {
            problem: format!("{pin} is not published for this tenant"),
        })?;
    let m = manifest::parse("plugin.yaml", &stored.manifest, &state.plugins.ceiling()).map_err(
        |d| PluginError::Unusable {
            problem: format!("its stored manifest no longer parses: {d}"),
        },
    )?;
    let loaded = Arc::new(state.plugins.load(m, &stored.component)?);
    state.loaded.insert(key, Arc::clone(&loaded));
    Ok(loaded)
}

/// What the `dossier` capability reads.
pub fn dossier_view(d: &Dossier) -> serde_json::Value {
    json!({
        "code": d.code.to_string(),
        "procedure": d.procedure_code,
        "case": d.case_key,
        "channel": d.channel,
        "status": d.status.as_str(),
        "applicant": d.applicant,
        "received_at": d.received_at,
        "due_at": d.due_at,
        "form": d.form,
        "plugins": d.state.get("plugins").cloned().unwrap_or_else(|| json!({})),
    })
}

/// The step's input for dossier `d`.
fn input(
    site: &Site,
    d: &Dossier,
    step: &str,
    config: serde_json::Value,
    at: DateTime<Utc>,
    seed: u64,
) -> Input {
    Input {
        context: Context {
            tenant: site.tenant.manifest.slug.to_string(),
            procedure: d.procedure_code.clone(),
            procedure_version: u32::try_from(d.procedure_version).unwrap_or_default(),
            dossier: d.code.to_string(),
            step: step.to_owned(),
            status: d.status.as_str().to_owned(),
            case: d.case_key.clone(),
            applicant_kind: serde_json::to_value(d.applicant_kind())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            form: d.form.clone(),
            config,
            plugins: d.state.get("plugins").cloned().unwrap_or_else(|| json!({})),
        },
        dossier: dossier_view(d),
        at,
        seed,
        replay: None,
    }
}

/// A seed that is the same for the same request: replays and retries agree.
fn seed(code: &str, step: &str, message: i64) -> u64 {
    let digest = Sha256::digest(format!("{code}\u{0}{step}\u{0}{message}"));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes)
}

/// A seed nobody can predict.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_i64(Utc::now().timestamp_nanos_opt().unwrap_or_default());
    h.finish()
}

/// What became of a claimed plugin message.
enum Handled {
    /// The dossier moved on with the run, the job completed with it.
    Moved,
    /// The job is obsolete (the dossier moved on or is gone); to complete saying why.
    Obsolete(String),
}

/// Runs the plugin of one claimed `plugin` message and moves the dossier on, completing the job
/// in the move's transaction.
async fn handle(state: &AppState, job: &Job) -> Result<Handled, Failure> {
    let Some(tenant) = state.sites.by_id(job.tenant()) else {
        return Err(Failure::internal(&format!(
            "tenant {} is not served by this node",
            job.tenant().0
        )));
    };
    let site = Site::internal(tenant, Lang::Vi);
    let p = &job.payload;
    let text = |k: &str| {
        p.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (step, pin) = (text("step"), text("plugin"));
    let Ok(code) = text("dossier").parse::<DossierCode>() else {
        tracing::error!(id = job.id(), "a plugin message names no dossier; dropped");
        return Ok(Handled::Obsolete("the message names no dossier".to_owned()));
    };
    let Some(dossier) = dossiers::find(&state.store, job.tenant(), &code).await? else {
        return Ok(Handled::Obsolete(format!(
            "dossier {code} no longer exists"
        )));
    };
    let config = p.get("config").cloned().unwrap_or_else(|| json!({}));
    let install = site
        .tenant
        .manifest
        .plugins
        .iter()
        .find(|i| i.pin == pin)
        .cloned();
    // Granted `random`: a fresh seed; otherwise one fixed by the request. Either is recorded.
    let seed = if install
        .as_ref()
        .is_some_and(|i| i.grants(Capability::Random))
    {
        fresh_seed()
    } else {
        seed(&code.to_string(), &step, job.id())
    };
    let input = input(&site, &dossier, &step, config, job.created_at, seed);
    let run = match &install {
        None => failed_run(
            &pin,
            PluginError::Unusable {
                problem: format!("{pin} is not installed for this tenant (tenant.yaml `plugins:`)"),
            },
        ),
        Some(install) => run_installed(state, &site, install, &input).await,
    };
    let command = match &run.result {
        Ok(o) => Command::PluginDone {
            step: step.clone(),
            outcome: o.transition.clone(),
            output: o.data.clone(),
        },
        Err(e) => Command::PluginFailed {
            step: step.clone(),
            error: e.describe(&pin, Lang::Vi),
        },
    };
    let record =
        json!({ "step": step, "plugin": pin, "install": install, "input": input, "run": run });
    let moved = act_with(
        state,
        &site,
        &code,
        &command,
        &Actor::system(),
        None,
        Utc::now(),
        Extra {
            events: vec![(RUN_EVENT.to_owned(), record)],
            job: Some(job.lease.clone()),
            ..Extra::default()
        },
    )
    .await;
    match moved {
        Ok(_) => Ok(Handled::Moved),
        // The dossier no longer waits for this plugin (moved on by a timer, or an official
        // retried the step meanwhile): the message is obsolete.
        Err(f) if f.code == "not_waiting_for_plugin" || f.code == "closed" => {
            Ok(Handled::Obsolete(format!(
                "dossier {code} no longer waits for {pin} at `{step}`"
            )))
        }
        Err(f) => Err(f),
    }
}

async fn run_installed(
    state: &AppState,
    site: &Site,
    install: &PluginInstall,
    input: &Input,
) -> Run {
    match load(state, site.tenant.id, &install.pin).await {
        Ok(loaded) => {
            state
                .plugins
                .run(&loaded, install, Arc::clone(&site.tenant.reference), input)
                .await
        }
        Err(e) => failed_run(&install.pin, e),
    }
}

fn failed_run(pin: &str, error: PluginError) -> Run {
    Run {
        plugin: pin.to_owned(),
        sha256: String::new(),
        result: Err(error),
        fuel_used: 0,
        duration_us: 0,
        peak_memory: 0,
        logs: vec![],
        logs_dropped: 0,
        http: vec![],
        reference: vec![],
    }
}

/// One pass of the plugin worker: claims the due plugin steps and runs them. Returns how many
/// completed (ran and moved their dossier, or turned out obsolete).
pub async fn run_pending(state: &AppState) -> Result<usize, Failure> {
    let mut done = 0;
    let now = Utc::now();
    for job in jobs::claim(&state.store, TOPIC, worker(), &POLICY, 64, now).await? {
        // A batch worked one by one may outlast a lease: a step whose lease has ended may
        // already be another worker's, so it is not started here.
        if job.locked_until <= Utc::now() {
            continue;
        }
        match handle(state, &job).await {
            Ok(Handled::Moved) => done += 1,
            Ok(Handled::Obsolete(why)) => {
                match jobs::complete(&state.store, &job.lease, Some(&why), Utc::now()).await {
                    Ok(()) => done += 1,
                    Err(e) => {
                        tracing::warn!(id = job.id(), error = %e, "an obsolete plugin step could not be completed")
                    }
                }
            }
            Err(f) => {
                tracing::warn!(id = job.id(), code = f.code, message = %f.message.en, "a plugin step could not be applied");
                let failed = jobs::fail(
                    &state.store,
                    &job.lease,
                    &f.message.en,
                    jobs::Failure::Retry(None),
                    &POLICY,
                    Utc::now(),
                )
                .await;
                // The step stays claimed until its lease ends; the rest of the batch goes on.
                let Ok(failed) = failed.inspect_err(|e| {
                    tracing::warn!(id = job.id(), error = %e, "a failed plugin step could not be recorded");
                }) else {
                    continue;
                };
                if failed == jobs::Failed::Dead {
                    tracing::error!(
                        id = job.id(),
                        "a plugin step was given up; see `motcua jobs list --dead`"
                    );
                }
            }
        }
    }
    Ok(done)
}

/// Runs the plugin worker until the process ends: a pass every `every`, and at once when
/// [`AppState::plugin_wake`] is notified (a move just requested a plugin).
pub async fn run_worker(state: AppState, every: Duration) {
    loop {
        if let Err(f) = run_pending(&state).await {
            tracing::warn!(code = f.code, message = %f.message.en, "plugin worker pass failed");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = state.plugin_wake.notified() => {}
        }
    }
}

/// A recorded plugin run, re-run exactly: the same component, input, grants, HTTP answers and
/// reference data. Returns the recorded run and the new one.
pub async fn replay(
    state: &AppState,
    site: &Site,
    code: &DossierCode,
    step: &str,
) -> Result<(Run, Run), Failure> {
    let not_found = |what: String| Failure::not_found(Msg::new(what.clone(), what));
    let dossier = dossiers::find(&state.store, site.tenant.id, code)
        .await?
        .ok_or_else(|| not_found(format!("no dossier has the code {code}")))?;
    let events = dossiers::history(&state.store, site.tenant.id, &dossier).await?;
    let payload: serde_json::Value = events
        .iter()
        .rev()
        .filter(|e| e.kind == RUN_EVENT)
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
        .find(|p| p.get("step").and_then(|s| s.as_str()) == Some(step))
        .ok_or_else(|| {
            not_found(format!(
                "{code} has no recorded plugin run at step `{step}`"
            ))
        })?;
    let recorded: Run = serde_json::from_value(payload["run"].clone())
        .map_err(|e| Failure::internal(&format!("the recorded run cannot be read: {e}")))?;
    let mut input: Input = serde_json::from_value(payload["input"].clone())
        .map_err(|e| Failure::internal(&format!("the recorded input cannot be read: {e}")))?;
    input.replay = Some(recorded.recorded());
    let pin = payload["plugin"].as_str().unwrap_or_default();
    let install = payload
        .get("install")
        .and_then(|i| serde_json::from_value::<PluginInstall>(i.clone()).ok())
        .or_else(|| {
            site.tenant
                .manifest
                .plugins
                .iter()
                .find(|i| i.pin == pin)
                .cloned()
        })
        .ok_or_else(|| not_found(format!("{pin} is no longer installed")))?;
    let again = run_installed(state, site, &install, &input).await;
    Ok((recorded, again))
}
