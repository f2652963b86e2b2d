//! `motcua workflow validate | simulate | schema`: the procedure designer's commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use motcua_core::calendar::WorkingCalendar;
use motcua_core::lang::Lang;
use motcua_core::tenant::TenantManifest;
use motcua_workflow::procedure::{Procedure, load};
use motcua_workflow::simulate::{self, Scenario};

use crate::cli::out;
use crate::tenant_dir::{self, DirError};

/// `motcua workflow ...`
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// Check procedure files: every error with file, line, column and a hint.
    Validate {
        /// Procedure files (tenants/<slug>/procedures/*.yaml).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The tenant directory (default: the one the file is in).
        #[arg(long, value_name = "DIR")]
        tenant: Option<PathBuf>,
    },
    /// Play scenarios through a procedure and print the timeline; fails when an expectation
    /// of a scenario does not hold.
    Simulate {
        /// The procedure file.
        file: PathBuf,
        /// Scenario files.
        #[arg(long = "scenario", value_name = "FILE", required = true)]
        scenarios: Vec<PathBuf>,
        /// The tenant directory (default: the one the file is in).
        #[arg(long, value_name = "DIR")]
        tenant: Option<PathBuf>,
        /// Language of the timeline.
        #[arg(long, default_value = "vi", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Draw a procedure's workflow as SVG (also for a file that does not validate yet: missing
    /// steps are drawn in red).
    Diagram {
        /// The procedure file.
        file: PathBuf,
        /// Write the SVG here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Language of the labels.
        #[arg(long, default_value = "vi", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Print the JSON Schema of procedure files (for editors).
    Schema,
    /// List the published versions of a procedure, with their open dossiers.
    Versions {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// The procedure's national code.
        #[arg(long)]
        procedure: String,
    },
    /// Publish a procedure file of a tenant as its current version (applies the tenant).
    Publish {
        /// The procedure file.
        file: PathBuf,
        /// The tenant directory (default: the one the file is in).
        #[arg(long, value_name = "DIR")]
        tenant: Option<PathBuf>,
    },
    /// Move the open dossiers of one version to another: a plan with counts, then the move.
    Migrate {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// The procedure's national code.
        #[arg(long)]
        procedure: String,
        /// The version the dossiers are on.
        #[arg(long)]
        from: i32,
        /// The version to move them to (default: the current one).
        #[arg(long)]
        to: Option<i32>,
        /// Where an old step goes when the new version does not have it: `old=new` (repeat).
        #[arg(long = "map", value_name = "OLD=NEW")]
        mappings: Vec<String>,
        /// Only show what would move.
        #[arg(long)]
        dry_run: bool,
    },
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        _ => Err("`vi` or `en`".to_owned()),
    }
}

fn tenant_for(file: &Path, tenant: Option<&Path>) -> anyhow::Result<TenantManifest> {
    let dir = match tenant {
        Some(d) => d.to_path_buf(),
        None => tenant_dir::tenant_of(file).with_context(|| {
            format!(
                "{} is not in a tenant directory (tenants/<slug>/procedures/); give --tenant DIR",
                file.display()
            )
        })?,
    };
    match tenant_dir::read_manifest(&dir) {
        Ok(m) => Ok(m),
        Err(DirError::Invalid(d)) => bail!("{d}"),
        Err(DirError::Io(e)) => Err(e),
    }
}

/// Loads a procedure file, printing its problems; `None` when it has any.
fn load_file(file: &Path, tenant: &TenantManifest) -> anyhow::Result<Option<Procedure>> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    match load(&file.display().to_string(), &source, tenant) {
        Ok(p) => Ok(Some(p)),
        Err(d) => {
            eprintln!("{d}");
            eprintln!("{}: {} error(s)", file.display(), d.0.len());
            Ok(None)
        }
    }
}

/// Runs a workflow command.
pub async fn run(config: &crate::config::Config, cmd: WorkflowCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        WorkflowCommand::Versions { tenant, procedure } => {
            crate::versions_cmd::versions(config, &tenant, &procedure).await
        }
        WorkflowCommand::Publish { file, tenant } => {
            crate::versions_cmd::publish(config, &file, tenant.as_deref()).await
        }
        WorkflowCommand::Migrate {
            tenant,
            procedure,
            from,
            to,
            mappings,
            dry_run,
        } => {
            crate::versions_cmd::migrate(config, &tenant, &procedure, from, to, &mappings, dry_run)
                .await
        }
        WorkflowCommand::Validate { files, tenant } => {
            let mut ok = true;
            for file in &files {
                let manifest = tenant_for(file, tenant.as_deref())?;
                match load_file(file, &manifest)? {
                    Some(p) => out(format_args!(
                        "ok: {} — {} ({} steps, version {})",
                        file.display(),
                        p.file.info.name.vi,
                        p.definition.steps.len(),
                        &p.hash[..12]
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
        WorkflowCommand::Simulate {
            file,
            scenarios,
            tenant,
            lang,
        } => {
            let manifest = tenant_for(&file, tenant.as_deref())?;
            let Some(procedure) = load_file(&file, &manifest)? else {
                return Ok(ExitCode::FAILURE);
            };
            let calendar =
                WorkingCalendar::new(&manifest.calendar).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut ok = true;
            for path in &scenarios {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let scenario: Scenario =
                    match motcua_core::diagnostic::parse_yaml(&path.display().to_string(), &text) {
                        Ok(s) => s,
                        Err(d) => {
                            eprintln!("{d}");
                            ok = false;
                            continue;
                        }
                    };
                let outcome = simulate::run(&procedure, &scenario, &calendar, lang);
                out(format_args!("{}", outcome.timeline.trim_end()))?;
                for failure in &outcome.failures {
                    eprintln!("{}: {failure}", path.display());
                }
                if outcome.passed() {
                    out(format_args!("# {}: passed\n", path.display()))?;
                } else {
                    ok = false;
                    out(format_args!(
                        "# {}: FAILED ({} problem(s))\n",
                        path.display(),
                        outcome.failures.len()
                    ))?;
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        WorkflowCommand::Diagram {
            file,
            out: target,
            lang,
        } => {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let parsed: motcua_workflow::schema::ProcedureFile =
                match motcua_core::diagnostic::parse_yaml(&file.display().to_string(), &source) {
                    Ok(p) => p,
                    Err(d) => {
                        eprintln!("{d}");
                        return Ok(ExitCode::FAILURE);
                    }
                };
            let svg = motcua_workflow::diagram::svg_for(&parsed, lang);
            match target {
                Some(path) => {
                    std::fs::write(&path, svg)
                        .with_context(|| format!("writing {}", path.display()))?;
                    out(format_args!("wrote {}", path.display()))?;
                }
                None => out(format_args!("{svg}"))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        WorkflowCommand::Schema => {
            out(format_args!("{}", motcua_workflow::schema::json_schema()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
