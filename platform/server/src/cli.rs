//! The command line: `motcua serve | migrate | tenant ... | calendar ...`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, Utc};
use clap::{Args, Parser, Subcommand};
use motcua_core::calendar::{WorkingCalendar, WorkingDuration};
use motcua_core::tenant::TenantBundle;
use motcua_store::{Store, StoreOptions, tenants};

use crate::config::{self, Config, Mode};
use crate::tenant_dir::{self, DirError};

/// Mộtcửa: public service portals and one-stop systems for Vietnam's provinces and ministries.
#[derive(Debug, Parser)]
#[command(name = "motcua", version, about)]
pub struct Cli {
    /// Configuration file (default: ./motcua.yaml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve every tenant's sites (with no configuration: the demo tenants on SQLite).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Directory for local data (default ./data).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Check, apply, list and export tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Deadlines and days off on a tenant's working calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Check, simulate and describe procedure files.
    #[command(subcommand)]
    Workflow(crate::workflow_cmd::WorkflowCommand),
    /// Test, inspect, publish and replay plugins.
    #[command(subcommand)]
    Plugin(crate::plugin_cmd::PluginCommand),
    /// Create and manage a tenant's officials' accounts.
    #[command(subcommand)]
    Account(crate::account_cmd::AccountCommand),
    /// Create and manage platform operators' accounts.
    #[command(subcommand)]
    Operator(crate::account_cmd::OperatorCommand),
    /// Prove that no dossier history was altered.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// See the durable jobs (plugin steps, notifications) and replay dead ones.
    #[command(subcommand)]
    Jobs(crate::jobs_cmd::JobsCommand),
}

/// `motcua audit ...`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every dossier's hash-chained history; exits with 1 and names the first broken link
    /// of each altered history.
    Verify {
        /// Only this tenant's dossiers (its slug).
        #[arg(long, value_name = "SLUG")]
        tenant: Option<String>,
    },
}

/// `motcua tenant ...`
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Check tenant directories without touching the database.
    Validate {
        /// Tenant directories (each holding tenant.yaml).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// Show what changes, then create or update tenants from their directories.
    Apply {
        /// Tenant directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Only show what would change.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a stored tenant back as a directory.
    Export {
        /// The tenant's slug.
        slug: String,
        /// Where to write it (default ./export/<slug>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// List stored tenants with their hosts.
    List,
}

/// `motcua calendar ...`
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// When a dossier received at a time is due.
    Due {
        #[command(flatten)]
        tenant: TenantArg,
        /// When the dossier is received (RFC 3339, e.g. 2026-02-12T14:00:00+07:00).
        #[arg(long, value_name = "TIME")]
        from: String,
        /// Processing time in working days.
        #[arg(
            long,
            value_name = "N",
            conflicts_with = "working_hours",
            required_unless_present = "working_hours"
        )]
        working_days: Option<u32>,
        /// Processing time in working hours.
        #[arg(long, value_name = "N")]
        working_hours: Option<u32>,
    },
    /// The days off of a year: public holidays, compensatory days, declared days; and the
    /// swapped working days.
    Holidays {
        #[command(flatten)]
        tenant: TenantArg,
        /// The year.
        #[arg(long)]
        year: i32,
    },
}

/// Which tenant's calendar.
#[derive(Debug, Args)]
pub struct TenantArg {
    /// The tenant's slug (read from the database, or from the tenants directory if not applied).
    #[arg(long, value_name = "SLUG")]
    pub tenant: String,
}

/// Runs a command.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut flags = Vec::new();
    if let Command::Serve { bind, data_dir } = &cli.command {
        if let Some(b) = bind {
            flags.push(("http.bind", b.clone()));
        }
        if let Some(d) = data_dir {
            flags.push(("data_dir", d.display().to_string()));
        }
    }
    let loaded = config::load(&config::Sources {
        file: cli.config.as_deref(),
        env: std::env::vars().collect(),
        flags,
    })?;
    let config = loaded.config;
    config.check()?;
    crate::logging::init(&config);
    for key in &loaded.unknown {
        tracing::warn!(key = %key, "unknown configuration key ignored");
    }

    match cli.command {
        Command::Serve { .. } => crate::serve::run(config).await.map(|()| ExitCode::SUCCESS),
        Command::Migrate => {
            let store = open_store(&config).await?;
            store.migrate().await?;
            out(format_args!("database schema up to date"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tenant(cmd) => tenant(&config, cmd).await,
        Command::Calendar(cmd) => calendar(&config, cmd).await,
        Command::Workflow(cmd) => crate::workflow_cmd::run(&config, cmd).await,
        Command::Plugin(cmd) => crate::plugin_cmd::run(&config, cmd).await,
        Command::Account(cmd) => crate::account_cmd::run_account(&config, cmd).await,
        Command::Operator(cmd) => crate::account_cmd::run_operator(&config, cmd).await,
        Command::Audit(AuditCommand::Verify { tenant }) => audit_verify(&config, tenant).await,
        Command::Jobs(cmd) => crate::jobs_cmd::run(&config, cmd).await,
    }
}

async fn audit_verify(config: &Config, tenant: Option<String>) -> anyhow::Result<ExitCode> {
    let store = ready_store(config).await?;
    let id = match &tenant {
        None => None,
        Some(slug) => match tenants::load(&store, slug).await? {
            Some(t) => Some(t.id),
            None => bail!("there is no tenant `{slug}`"),
        },
    };
    let report = motcua_store::audit::verify(&store, id).await?;
    for broken in &report.broken {
        out(format_args!(
            "BROKEN\t{}\t{}\t{broken}",
            broken.dossier, broken.seq
        ))?;
    }
    out(format_args!(
        "{} dossier(s), {} event(s) checked{}: {}",
        report.dossiers,
        report.events,
        tenant.map(|t| format!(" in {t}")).unwrap_or_default(),
        if report.intact() {
            "every history is intact".to_owned()
        } else {
            format!("{} altered history(ies)", report.broken.len())
        }
    ))?;
    Ok(if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub(crate) fn out(args: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    writeln!(std::io::stdout().lock(), "{args}").context("writing to standard output")
}

/// Connects to the configured database (creating the data directory for SQLite).
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(config.data_dir()).with_context(|| {
            format!(
                "creating the data directory {}",
                config.data_dir().display()
            )
        })?;
    }
    let mut options = StoreOptions::new(url);
    options.max_connections = config.database.max_connections;
    options.schema = config.database.schema.clone();
    Store::connect(&options)
        .await
        .context("connecting to the database (check database.url)")
}

/// Connects and makes sure the schema is current: migrated in development, checked in production
/// (where `motcua migrate` runs as its own step before new nodes start).
pub async fn ready_store(config: &Config) -> anyhow::Result<Store> {
    let store = open_store(config).await?;
    if config.mode == Mode::Development {
        store.migrate().await?;
    } else {
        let pending = store.pending_migrations().await?;
        if !pending.is_empty() {
            bail!(
                "the database schema is behind ({} pending migration(s): {}); run `motcua migrate` first",
                pending.len(),
                pending.join(", ")
            );
        }
    }
    Ok(store)
}

fn read_dir_or_report(dir: &Path) -> anyhow::Result<Option<TenantBundle>> {
    match tenant_dir::read(dir) {
        Ok(bundle) => Ok(Some(bundle)),
        Err(DirError::Invalid(diagnostics)) => {
            let mut err = std::io::stderr().lock();
            writeln!(err, "{diagnostics}")?;
            writeln!(err, "{}: {} error(s)", dir.display(), diagnostics.0.len())?;
            Ok(None)
        }
        Err(DirError::Io(e)) => Err(e),
    }
}

async fn tenant(config: &Config, cmd: TenantCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TenantCommand::Validate { dirs } => {
            let mut ok = true;
            for dir in &dirs {
                match read_dir_or_report(dir)? {
                    Some(b) => out(format_args!(
                        "ok: {} — {} ({} divisions, {} procedures)",
                        b.manifest.slug,
                        b.manifest.name.vi,
                        b.manifest.divisions.len(),
                        b.procedures.len()
                    ))?,
                    None => ok = false,
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        TenantCommand::Apply { dirs, dry_run } => {
            let mut bundles = Vec::new();
            for dir in &dirs {
                if let Some(b) = read_dir_or_report(dir)? {
                    bundles.push(b);
                }
            }
            if bundles.len() != dirs.len() {
                return Ok(ExitCode::FAILURE);
            }
            let store = ready_store(config).await?;
            for bundle in &bundles {
                let plan = if dry_run {
                    tenants::plan(&store, bundle).await?
                } else {
                    let plan = tenants::apply(&store, bundle).await?;
                    crate::plugin_cmd::publish_builtins_for(&store, &bundle.manifest).await?;
                    plan
                };
                out(format_args!("{plan}"))?;
                if dry_run && !plan.is_empty() {
                    out(format_args!("  (dry run: nothing changed)"))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        TenantCommand::Export { slug, out: dir } => {
            let store = ready_store(config).await?;
            let Some(stored) = tenants::load_with_templates(&store, &slug).await? else {
                bail!("no tenant `{slug}` in the database (see `motcua tenant list`)");
            };
            let dir = dir.unwrap_or_else(|| PathBuf::from("export").join(&slug));
            tenant_dir::write(&stored.bundle, &dir)?;
            out(format_args!("exported {slug} to {}", dir.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        TenantCommand::List => {
            let store = ready_store(config).await?;
            let suffix = config.domain_suffix()?;
            for t in tenants::load_all(&store).await? {
                let m = &t.bundle.manifest;
                let hosts: Vec<String> = m
                    .domains
                    .hosts(&suffix)
                    .into_iter()
                    .filter(|h| h.primary)
                    .map(|h| h.host)
                    .collect();
                out(format_args!(
                    "{}\t{}\t{:?}\t{}\t{}",
                    m.slug,
                    m.entity_code,
                    t.status,
                    m.name.vi,
                    hosts.join(" ")
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The calendar of a tenant: from the database when applied there, else from its directory.
async fn tenant_calendar(config: &Config, slug: &str) -> anyhow::Result<WorkingCalendar> {
    let dir = config.tenants_dir().join(slug);
    let db_has_it = if config.database.url.is_some() || config.data_dir().join("motcua.db").exists()
    {
        let store = ready_store(config).await?;
        tenants::load(&store, slug).await?
    } else {
        None
    };
    let manifest = match db_has_it {
        Some(t) => t.bundle.manifest,
        None if dir.join(motcua_core::tenant::MANIFEST_FILE).is_file() => {
            match tenant_dir::read(&dir) {
                Ok(b) => b.manifest,
                Err(DirError::Invalid(d)) => bail!("{d}"),
                Err(DirError::Io(e)) => return Err(e),
            }
        }
        None => bail!(
            "no tenant `{slug}` in the database or in {}",
            config.tenants_dir().display()
        ),
    };
    WorkingCalendar::new(&manifest.calendar).map_err(|e| anyhow::anyhow!("tenant {slug}: {e}"))
}

async fn calendar(config: &Config, cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Due {
            tenant,
            from,
            working_days,
            working_hours,
        } => {
            let cal = tenant_calendar(config, &tenant.tenant).await?;
            let received: DateTime<Utc> = DateTime::parse_from_rfc3339(&from)
                .with_context(|| {
                    format!(
                        "--from `{from}` is not an RFC 3339 time such as 2026-02-12T14:00:00+07:00"
                    )
                })?
                .with_timezone(&Utc);
            let (duration, what) = match (working_days, working_hours) {
                (Some(d), _) => (WorkingDuration::Days(d), format!("{d} working day(s)")),
                (None, Some(h)) => (WorkingDuration::Hours(h), format!("{h} working hour(s)")),
                (None, None) => bail!("give --working-days or --working-hours"),
            };
            let start = cal.intake_start(received);
            let due = cal.add(start, duration);
            out(format_args!(
                "received:    {}",
                received.with_timezone(&cal.time_zone()).to_rfc3339()
            ))?;
            if start != received {
                out(format_args!(
                    "counts from: {}",
                    start.with_timezone(&cal.time_zone()).to_rfc3339()
                ))?;
            }
            out(format_args!(
                "due:         {} ({what})",
                due.with_timezone(&cal.time_zone()).to_rfc3339()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Holidays { tenant, year } => {
            let cal = tenant_calendar(config, &tenant.tenant).await?;
            for day in cal.days_off(year).map_err(|e| anyhow::anyhow!("{e}"))? {
                out(format_args!(
                    "{}  {}  {} / {}",
                    day.date,
                    day.date.weekday(),
                    day.reason.name_vi(),
                    day.reason.name_en()
                ))?;
            }
            for day in cal.declared_working_days(year) {
                out(format_args!(
                    "{}  {}  working day (swapped) / ngày làm bù",
                    day.date,
                    day.date.weekday()
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
