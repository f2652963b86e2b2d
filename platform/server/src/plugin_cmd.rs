//! `motcua plugin test | inspect | publish | list | replay`: the plugin developer's commands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Subcommand;
use motcua_core::lang::Lang;
use motcua_core::plugin::{Capability, PluginInstall};
use motcua_core::tenant::TenantManifest;
use motcua_plugins::{Host, Input, Limits, PluginManifest, Run, manifest};
use motcua_store::{Store, TenantId, plugins, tenants};

use crate::cli::{out, ready_store};
use crate::config::Config;

/// `motcua plugin ...`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Run a component once under the production engine configuration and limits, and print
    /// the outcome, fuel used, peak memory, time and logs.
    Test {
        /// The component (`target/wasm32-wasip2/release/<name>.wasm`).
        component: PathBuf,
        /// The step's input: `{ "context": { "form": {...}, "config": {...}, ... } }`.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// The manifest (default: plugin.yaml in the current directory, else beside the
        /// component).
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
        /// Grant a capability (log, dossier, reference, http, clock, random); repeatable.
        #[arg(long = "grant", value_name = "CAPABILITY")]
        grants: Vec<String>,
        /// For `http`: a host (`host` or `host:port`) it may call; repeatable.
        #[arg(long = "allow", value_name = "HOST")]
        allow: Vec<String>,
        /// Reference data for `reference`: a JSON object of tables.
        #[arg(long, value_name = "FILE")]
        reference: Option<PathBuf>,
    },
    /// Show a component's manifest, imports, API version and size, and check that it loads.
    Inspect {
        /// The component.
        component: PathBuf,
        /// The manifest (default as for `test`).
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
    },
    /// Publish a component to a tenant (which then installs it in tenant.yaml).
    Publish {
        /// The component.
        component: PathBuf,
        /// The manifest (default as for `test`).
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
    },
    /// List the plugins published to a tenant, and whether the tenant installs them.
    List {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
    },
    /// Re-run a dossier's recorded plugin step exactly (same component, input, grants, HTTP
    /// answers and reference data) and compare with the recorded run.
    Replay {
        /// The dossier code.
        dossier: String,
        /// The step's key.
        step: String,
    },
}

fn manifest_path(component: &Path, given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p);
    }
    let here = PathBuf::from("plugin.yaml");
    if here.is_file() {
        return Ok(here);
    }
    let beside = component.with_file_name("plugin.yaml");
    if beside.is_file() {
        return Ok(beside);
    }
    bail!(
        "no plugin.yaml in the current directory or beside the component; name it with --manifest"
    )
}

/// Reads a component and its manifest.
fn read(
    component: &Path,
    manifest: Option<PathBuf>,
) -> anyhow::Result<(Vec<u8>, PluginManifest, String)> {
    let path = manifest_path(component, manifest)?;
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let m = manifest::parse(&path.display().to_string(), &text, &Limits::CEILING)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    let wasm =
        std::fs::read(component).with_context(|| format!("reading {}", component.display()))?;
    Ok((wasm, m, text))
}

fn print_run(run: &Run) -> anyhow::Result<()> {
    match &run.result {
        Ok(o) => {
            out(format_args!("outcome: {}", o.transition))?;
            out(format_args!(
                "data: {}",
                serde_json::to_string_pretty(&o.data)?
            ))?;
            for m in &o.messages {
                out(format_args!("message to {}: {} / {}", m.to, m.vi, m.en))?;
            }
        }
        Err(e) => {
            out(format_args!(
                "error ({}): {}",
                e.code(),
                e.describe(&run.plugin, Lang::En)
            ))?;
        }
    }
    out(format_args!(
        "fuel used: {}\npeak memory: {} KiB\ntime: {:.3} ms",
        run.fuel_used,
        run.peak_memory / 1024,
        run.duration_us as f64 / 1000.0
    ))?;
    for l in &run.logs {
        out(format_args!("[{}] {}", l.level, l.message))?;
    }
    if run.logs_dropped > 0 {
        out(format_args!(
            "({} log lines dropped over the budget)",
            run.logs_dropped
        ))?;
    }
    for e in &run.http {
        out(format_args!(
            "http: {} {} -> {}",
            e.method,
            e.url,
            e.status.map_or_else(|| e.body.clone(), |s| s.to_string())
        ))?;
    }
    Ok(())
}

/// The built-in plugins (`plugins/examples/`) shipped with the platform: a tenant that installs
/// one of them (same id and version) and has not published its own gets it published.
pub async fn publish_builtins(
    store: &Store,
    tenant: TenantId,
    m: &TenantManifest,
) -> anyhow::Result<()> {
    for install in &m.plugins {
        // The hostile examples exist for the host's tests, never for tenants.
        let Some(example) =
            motcua_plugin_examples::get(install.id()).filter(|e| !e.name.starts_with("hostile-"))
        else {
            continue;
        };
        let builtin = manifest::parse(example.name, example.manifest, &Limits::CEILING)
            .map_err(|d| anyhow::anyhow!("{d}"))?;
        if builtin.version != install.version()
            || plugins::get(store, tenant, install.id(), install.version())
                .await?
                .is_some()
        {
            continue;
        }
        plugins::publish(
            store,
            tenant,
            &builtin.id,
            &builtin.version,
            example.manifest,
            example.wasm,
            "platform",
        )
        .await?;
        tracing::info!(tenant = %m.slug, plugin = %install.pin, "published the built-in plugin");
    }
    Ok(())
}

/// [`publish_builtins`] for the stored tenant with `m`'s slug.
pub async fn publish_builtins_for(store: &Store, m: &TenantManifest) -> anyhow::Result<()> {
    let (id, _) = tenant_id(store, m.slug.as_str()).await?;
    publish_builtins(store, id, m).await
}

async fn tenant_id(store: &Store, slug: &str) -> anyhow::Result<(TenantId, TenantManifest)> {
    let t = tenants::load(store, slug).await?.with_context(|| {
        format!("no tenant `{slug}` in the database (see `motcua tenant list`)")
    })?;
    Ok((t.id, t.bundle.manifest))
}

/// Runs a plugin command.
pub async fn run(config: &Config, cmd: PluginCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PluginCommand::Test {
            component,
            input,
            manifest,
            grants,
            allow,
            reference,
        } => {
            let (wasm, m, _) = read(&component, manifest)?;
            let mut granted = Vec::new();
            for g in &grants {
                granted.push(Capability::from_name(g).with_context(|| {
                    format!(
                        "`{g}` is not a capability (log, dossier, reference, http, clock, random)"
                    )
                })?);
            }
            let text = std::fs::read_to_string(&input)
                .with_context(|| format!("reading {}", input.display()))?;
            let input: Input = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a step input", input.display()))?;
            let tables: BTreeMap<String, serde_json::Value> = match reference {
                Some(p) => serde_json::from_str(
                    &std::fs::read_to_string(&p)
                        .with_context(|| format!("reading {}", p.display()))?,
                )
                .with_context(|| {
                    format!("{}: reference data is a JSON object of tables", p.display())
                })?,
                None => BTreeMap::new(),
            };
            // The node's settings: https to a service under the platform's private CA works
            // here as in production.
            let host = config.plugins.host()?;
            let pin = m.pin();
            let loaded = host.load(m, &wasm)?;
            let install = PluginInstall {
                pin,
                grants: granted,
                http_allow: allow,
            };
            let run = host.run(&loaded, &install, Arc::new(tables), &input).await;
            print_run(&run)?;
            Ok(if run.result.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        PluginCommand::Inspect {
            component,
            manifest,
        } => {
            let (wasm, m, _) = read(&component, manifest)?;
            let limits = m.limits.resolve(&Limits::CEILING);
            out(format_args!("{} — {}", m.pin(), m.name.vi))?;
            out(format_args!("api: motcua:plugin@{}.{}", m.api.0, m.api.1))?;
            let caps: Vec<&str> = m.capabilities.iter().map(|c| c.as_str()).collect();
            out(format_args!("capabilities: {}", caps.join(", ")))?;
            out(format_args!("outcomes: {}", m.outcomes.join(", ")))?;
            out(format_args!(
                "limits: fuel {}, timeout {} ms, memory {} MiB, input {} KiB, output {} KiB, logs {} KiB",
                limits.fuel,
                limits.timeout_ms,
                limits.memory_bytes / (1024 * 1024),
                limits.input_bytes / 1024,
                limits.output_bytes / 1024,
                limits.log_bytes / 1024
            ))?;
            out(format_args!("size: {} bytes", wasm.len()))?;
            let host = Host::shared()?;
            match host.load(m, &wasm) {
                Ok(loaded) => {
                    out(format_args!("sha256: {}", loaded.sha256))?;
                    out(format_args!("imports:"))?;
                    for i in &loaded.imports {
                        out(format_args!("  {i}"))?;
                    }
                    out(format_args!("loads: yes"))?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    out(format_args!("loads: no — {e}"))?;
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        PluginCommand::Publish {
            component,
            manifest,
            tenant,
        } => {
            let (wasm, m, text) = read(&component, manifest)?;
            Host::shared()?.load(m.clone(), &wasm)?;
            let store = ready_store(config).await?;
            let (id, tm) = tenant_id(&store, &tenant).await?;
            let published =
                plugins::publish(&store, id, &m.id, &m.version, &text, &wasm, "cli").await?;
            out(format_args!(
                "{} {} for {tenant}",
                if published == plugins::Published::New {
                    "published"
                } else {
                    "already published:"
                },
                m.pin()
            ))?;
            if !tm.plugins.iter().any(|i| i.pin == m.pin()) {
                out(format_args!(
                    "  hint: {tenant} does not install it yet; add `- {{ use: {}, grant: [{}] }}` under `plugins:` in tenant.yaml",
                    m.pin(),
                    m.capabilities
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PluginCommand::List { tenant } => {
            let store = ready_store(config).await?;
            let (id, tm) = tenant_id(&store, &tenant).await?;
            for p in plugins::list(&store, id).await? {
                let pin = format!("{}@{}", p.id, p.version);
                let installed = tm.plugins.iter().find(|i| i.pin == pin).map_or_else(
                    || "not installed".to_owned(),
                    |i| {
                        format!(
                            "installed, grants [{}]",
                            i.grants
                                .iter()
                                .map(|c| c.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                );
                out(format_args!(
                    "{pin}\t{}\t{} bytes\t{}\t{installed}",
                    p.sha256,
                    p.component.len(),
                    p.published_at
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PluginCommand::Replay { dossier, step } => replay(config, &dossier, &step).await,
    }
}

async fn replay(config: &Config, dossier: &str, step: &str) -> anyhow::Result<ExitCode> {
    let code: motcua_core::codes::DossierCode = dossier
        .parse()
        .map_err(|e| anyhow::anyhow!("`{dossier}` is not a dossier code: {e}"))?;
    let state = crate::serve::state(config).await?;
    for site in state.sites.all() {
        if motcua_store::dossiers::find(&state.store, site.id, &code)
            .await?
            .is_none()
        {
            continue;
        }
        let site = motcua_web::host::Site::internal(site, Lang::En);
        let (recorded, again) = motcua_web::plugins::replay(&state, &site, &code, step)
            .await
            .map_err(|f| anyhow::anyhow!("{}", f.message.en))?;
        out(format_args!("recorded run:"))?;
        print_run(&recorded)?;
        out(format_args!("\nreplayed run:"))?;
        print_run(&again)?;
        let same = recorded.result == again.result && recorded.fuel_used == again.fuel_used;
        out(format_args!(
            "\n{}",
            if same {
                "identical: same result, same fuel"
            } else {
                "DIFFERENT: the replay does not reproduce the recorded run"
            }
        ))?;
        return Ok(if same {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    bail!("no tenant has a dossier {code}")
}
