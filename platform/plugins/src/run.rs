//! One plugin call: a fresh store from the pre-instantiated template, the limits armed, the
//! outcome checked, and everything needed to replay it recorded.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use motcua_core::json::canonical_json;
use motcua_core::plugin::{Capability, PluginInstall};
use serde::{Deserialize, Serialize};
use wasmtime::component::ResourceTable;
use wasmtime::{Store, Trap, UpdateDeadline};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{Deterministic, HostMonotonicClock, HostWallClock, WasiCtxBuilder};

use crate::bindings::motcua::plugin::types;
use crate::error::PluginError;
use crate::host::{Host, Loaded};
use crate::state::{Env, Exchange, LogLine, Lookup, Meter, State};

/// The step's context, as the plugin receives it (fields left out of a test input are empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Context {
    /// The tenant's slug.
    pub tenant: String,
    /// The procedure's code.
    pub procedure: String,
    /// The procedure version.
    pub procedure_version: u32,
    /// The dossier code.
    pub dossier: String,
    /// The step's key.
    pub step: String,
    /// The national status, by name.
    pub status: String,
    /// The case.
    pub case: String,
    /// `citizen`, `business`, `state_agency` or `other`.
    pub applicant_kind: String,
    /// The e-form data.
    pub form: serde_json::Value,
    /// The step's configuration.
    pub config: serde_json::Value,
    /// Earlier plugin outputs, by step.
    pub plugins: serde_json::Value,
}

/// What a call needs besides the plugin.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Input {
    /// The step's context.
    pub context: Context,
    /// What the `dossier` capability reads.
    #[serde(default)]
    pub dossier: serde_json::Value,
    /// When the step was requested: what the clock reads unless `clock` is granted (in a test
    /// input, now when left out).
    #[serde(default = "Utc::now")]
    pub at: DateTime<Utc>,
    /// The seed of the plugin's randomness.
    #[serde(default)]
    pub seed: u64,
    /// In a replay, the recorded run whose HTTP answers and reference lookups are given back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<Recorded>,
}

/// What a replay gives back instead of asking the world again.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Recorded {
    /// HTTP exchanges.
    pub http: Vec<Exchange>,
    /// Reference lookups; none: read the tables given to the run instead.
    #[serde(default)]
    pub reference: Option<Vec<Lookup>>,
}

/// A message the plugin left for officials or the applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `official` or `applicant`.
    pub to: String,
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

/// What the plugin decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The transition.
    pub transition: String,
    /// The data to store on the dossier.
    pub data: serde_json::Value,
    /// Its messages.
    pub messages: Vec<Message>,
}

/// A finished call: the result and what it cost.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Run {
    /// `id@version`.
    pub plugin: String,
    /// The component's sha256.
    pub sha256: String,
    /// The outcome, or why there is none.
    pub result: Result<Outcome, PluginError>,
    /// Instructions used.
    pub fuel_used: u64,
    /// Wall-clock time, in microseconds.
    pub duration_us: u64,
    /// The highest linear memory size, in bytes.
    pub peak_memory: u64,
    /// What it logged or printed.
    pub logs: Vec<LogLine>,
    /// Log lines dropped over the budget.
    pub logs_dropped: u32,
    /// Its HTTP exchanges.
    pub http: Vec<Exchange>,
    /// Its reference lookups.
    pub reference: Vec<Lookup>,
}

impl Run {
    /// What a replay of this run needs.
    pub fn recorded(&self) -> Recorded {
        Recorded {
            http: self.http.clone(),
            reference: Some(self.reference.clone()),
        }
    }
}

/// A wall clock stopped at the step's instant.
struct Stopped(Duration);

impl HostWallClock for Stopped {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        self.0
    }
}

/// A monotonic clock that advances a microsecond per reading, whatever the real time.
struct Ticking(std::sync::atomic::AtomicU64);

impl HostMonotonicClock for Ticking {
    fn resolution(&self) -> u64 {
        1_000
    }
    fn now(&self) -> u64 {
        self.0
            .fetch_add(1_000, std::sync::atomic::Ordering::Relaxed)
    }
}

/// 1 KiB of bytes from `seed` (splitmix64), cycled as the plugin's randomness.
fn random_bytes(seed: u64) -> Vec<u8> {
    let mut x = seed;
    let mut out = Vec::with_capacity(1024);
    for _ in 0..128 {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

impl Host {
    /// Runs `plugin` for `tenant` with what `install` grants. Never fails: every failure is
    /// classified in the returned [`Run`].
    pub async fn run(
        &self,
        plugin: &Loaded,
        install: &PluginInstall,
        reference: Arc<BTreeMap<String, serde_json::Value>>,
        input: &Input,
    ) -> Run {
        let _slots = self.slots(&input.context.tenant).await;
        let manifest = &plugin.manifest;
        // A grant counts only for what the plugin's manifest asks for.
        let mut install = install.clone();
        install.grants.retain(|c| manifest.requests(*c));
        let install = &install;
        let limits = manifest.limits.resolve(&self.config.ceiling);
        let started = Instant::now();
        let mut run = Run {
            plugin: manifest.pin(),
            sha256: plugin.sha256.clone(),
            result: Err(PluginError::Trapped {
                message: "not run".to_owned(),
            }),
            fuel_used: 0,
            duration_us: 0,
            peak_memory: 0,
            logs: vec![],
            logs_dropped: 0,
            http: vec![],
            reference: vec![],
        };

        let ctx = &input.context;
        let wit_ctx = types::Context {
            tenant: ctx.tenant.clone(),
            procedure: ctx.procedure.clone(),
            procedure_version: ctx.procedure_version,
            dossier: ctx.dossier.clone(),
            step: ctx.step.clone(),
            status: ctx.status.clone(),
            case: ctx.case.clone(),
            applicant_kind: ctx.applicant_kind.clone(),
            form: canonical_json(&ctx.form),
            config: canonical_json(&ctx.config),
            plugins: canonical_json(&ctx.plugins),
        };
        let size = [&wit_ctx.form, &wit_ctx.config, &wit_ctx.plugins]
            .iter()
            .map(|s| s.len() as u64)
            .sum::<u64>();
        if size > limits.input_bytes {
            run.result = Err(PluginError::InputTooLarge {
                size,
                limit: limits.input_bytes,
            });
            return run;
        }

        if let Some(first) = plugin.config_schema.iter_errors(&ctx.config).next() {
            run.result = Err(PluginError::Unusable {
                problem: format!(
                    "the step's `config` breaks the plugin's configuration schema at `{}`: {first}",
                    first.instance_path()
                ),
            });
            return run;
        }

        let log_capacity = usize::try_from(limits.log_bytes).unwrap_or(usize::MAX);
        let stdout = MemoryOutputPipe::new(log_capacity);
        let stderr = MemoryOutputPipe::new(log_capacity);
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(stdout.clone()).stderr(stderr.clone());
        if !install.grants(Capability::Clock) {
            let since_epoch = input
                .at
                .signed_duration_since(DateTime::UNIX_EPOCH)
                .to_std()
                .unwrap_or_default();
            wasi.wall_clock(Stopped(since_epoch))
                .monotonic_clock(Ticking(0.into()));
        }
        let bytes = random_bytes(input.seed);
        wasi.secure_random(Deterministic::new(bytes.clone()))
            .insecure_random(Deterministic::new(bytes))
            .insecure_random_seed(u128::from(input.seed));

        let state = State {
            wasi: wasi.build(),
            table: ResourceTable::new(),
            meter: Meter {
                limit: usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX),
                peak: 0,
                refused: false,
            },
            env: Arc::new(Env {
                install: install.clone(),
                dossier: input.dossier.clone(),
                reference,
                replay: input.replay.as_ref().map(|r| r.http.clone()),
                replay_lookups: input.replay.as_ref().and_then(|r| r.reference.clone()),
            }),
            logs: vec![],
            log_budget: log_capacity,
            logs_dropped: 0,
            exchanges: vec![],
            lookups: vec![],
            http: self.http.clone(),
            deadline: started + limits.timeout(),
            read_environment: false,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.meter);
        let fuel_set = store.set_fuel(limits.fuel).is_ok();
        let timeout = limits.timeout();
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            Ok(if started.elapsed() >= timeout {
                UpdateDeadline::Interrupt
            } else {
                UpdateDeadline::Yield(1)
            })
        });

        let call = async {
            let step = plugin.pre.instantiate_async(&mut store).await?;
            step.call_run(&mut store, &wit_ctx).await
        };
        // A backstop for time spent outside wasm (the epoch stops wasm itself).
        let outcome = tokio::time::timeout(timeout + Duration::from_millis(500), call).await;

        run.fuel_used = if fuel_set {
            limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0))
        } else {
            0
        };
        run.duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let data = store.data_mut();
        run.peak_memory = data.meter.peak as u64;
        for (level, pipe) in [("stdout", &stdout), ("stderr", &stderr)] {
            let text = String::from_utf8_lossy(&pipe.contents()).trim().to_owned();
            if !text.is_empty() {
                data.keep_log(level, text);
            }
        }
        run.logs = std::mem::take(&mut data.logs);
        run.logs_dropped = data.logs_dropped;
        run.http = std::mem::take(&mut data.exchanges);
        run.reference = std::mem::take(&mut data.lookups);
        let refused_memory = data.meter.refused;
        let read_environment = data.read_environment;

        run.result = match outcome {
            Err(_) => Err(PluginError::TimedOut {
                timeout_ms: limits.timeout_ms,
            }),
            Ok(Err(trap)) => Err(classify(&trap, &run.logs, refused_memory, &limits)),
            Ok(Ok(Err(e))) => Err(PluginError::Business {
                code: e.code,
                vi: e.vi,
                en: e.en,
            }),
            Ok(Ok(Ok(o))) => check_outcome(o, plugin, &limits),
        };
        // The environment is read (empty) by Rust's panic and allocation-failure handlers; a
        // plugin that read it and returned normally is refused, whatever it returned.
        let returned = matches!(
            run.result,
            Ok(_)
                | Err(PluginError::Business { .. }
                    | PluginError::InvalidOutput { .. }
                    | PluginError::OutputTooLarge { .. })
        );
        if read_environment && returned {
            run.result = Err(PluginError::Denied {
                capability: "environment".to_owned(),
            });
        }
        run
    }
}

/// Names what stopped the plugin.
fn classify(
    err: &wasmtime::Error,
    logs: &[LogLine],
    refused_memory: bool,
    limits: &crate::Limits,
) -> PluginError {
    if let Some(denied) = err.downcast_ref::<crate::state::Denied>() {
        return PluginError::Denied {
            capability: denied.0.clone(),
        };
    }
    let panic = logs
        .iter()
        .filter(|l| l.level == "stderr")
        .find_map(|l| panic_message(&l.message));
    match err.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => PluginError::BudgetExceeded { fuel: limits.fuel },
        Some(Trap::Interrupt) => PluginError::TimedOut {
            timeout_ms: limits.timeout_ms,
        },
        Some(Trap::StackOverflow) => PluginError::StackOverflow,
        _ if refused_memory => PluginError::MemoryLimit {
            limit_bytes: limits.memory_bytes,
        },
        _ if panic.is_some() => PluginError::Panicked {
            message: panic.unwrap_or_default(),
        },
        Some(trap) => PluginError::Trapped {
            message: trap.to_string(),
        },
        None => PluginError::Trapped {
            message: format!("{err:#}"),
        },
    }
}

/// The message of a Rust panic printed on stderr:
/// `thread '<unnamed>' panicked at src/lib.rs:9:5:\nthe message\nnote: ...`.
fn panic_message(stderr: &str) -> Option<String> {
    let (_, after) = stderr.split_once("panicked at ")?;
    let (_, rest) = after.split_once('\n')?;
    let message: Vec<&str> = rest
        .lines()
        .take_while(|l| !l.starts_with("note: "))
        .collect();
    Some(message.join("\n").trim().to_owned())
}

/// Checks the outcome against the manifest: size, declared transition, output schema.
fn check_outcome(
    o: types::Outcome,
    plugin: &Loaded,
    limits: &crate::Limits,
) -> Result<Outcome, PluginError> {
    let size = (o.transition.len()
        + o.data.len()
        + o.messages
            .iter()
            .map(|m| m.vi.len() + m.en.len())
            .sum::<usize>()) as u64;
    if size > limits.output_bytes {
        return Err(PluginError::OutputTooLarge {
            size,
            limit: limits.output_bytes,
        });
    }
    let manifest = &plugin.manifest;
    if !manifest.outcomes.contains(&o.transition) {
        return Err(PluginError::InvalidOutput {
            problem: format!(
                "the transition `{}` is not one of its outcomes ({})",
                o.transition,
                manifest.outcomes.join(", ")
            ),
        });
    }
    let data: serde_json::Value =
        serde_json::from_str(&o.data).map_err(|e| PluginError::InvalidOutput {
            problem: format!("`data` is not JSON: {e}"),
        })?;
    if !data.is_object() {
        return Err(PluginError::InvalidOutput {
            problem: "`data` is not a JSON object".to_owned(),
        });
    }
    if let Some(first) = plugin.output_schema.iter_errors(&data).next() {
        return Err(PluginError::InvalidOutput {
            problem: format!(
                "`data` breaks the output schema at `{}`: {first}",
                first.instance_path()
            ),
        });
    }
    Ok(Outcome {
        transition: o.transition,
        data,
        messages: o
            .messages
            .into_iter()
            .map(|m| Message {
                to: match m.to {
                    types::Audience::Official => "official",
                    types::Audience::Applicant => "applicant",
                }
                .to_owned(),
                vi: m.vi,
                en: m.en,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read_from_stderr() {
        let stderr = "\nthread '<unnamed>' panicked at src/lib.rs:9:5:\nfee table is corrupt\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            panic_message(stderr).as_deref(),
            Some("fee table is corrupt")
        );
        assert_eq!(panic_message("nothing"), None);
    }

    #[test]
    fn randomness_follows_the_seed() {
        assert_eq!(random_bytes(7), random_bytes(7));
        assert_ne!(random_bytes(7), random_bytes(8));
    }
}
