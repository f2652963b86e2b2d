//! `motcua jobs list | replay`: what operators do with the durable jobs (plugin steps and
//! notifications): see what waits, what was given up and what could not be sent, and bring a
//! dead job back once its cause is fixed.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::bail;
use chrono::Utc;
use clap::Subcommand;
use motcua_store::jobs::{self, Stored, Which};
use motcua_store::{TenantId, tenants};

use crate::cli::{out, ready_store};
use crate::config::Config;

/// `motcua jobs ...`
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs, oldest first: those waiting or being worked (default), the dead ones, or the
    /// messages completed without being sent.
    List {
        /// Jobs given up after their last attempt (or refused for good), waiting for an
        /// operator.
        #[arg(long, conflicts_with = "not_sent")]
        dead: bool,
        /// Messages completed without reaching anyone, with why (no provider configured, no
        /// contact given).
        #[arg(long)]
        not_sent: bool,
        /// Only this tenant's jobs (its slug).
        #[arg(long, value_name = "SLUG")]
        tenant: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// Bring a dead job back: due now, with a fresh count of attempts.
    Replay {
        /// The job's id (the first column of `motcua jobs list --dead`).
        id: i64,
    },
}

/// Runs a `jobs` command.
pub async fn run(config: &Config, cmd: JobsCommand) -> anyhow::Result<ExitCode> {
    let store = ready_store(config).await?;
    let slugs: HashMap<TenantId, String> = tenants::load_all(&store)
        .await?
        .into_iter()
        .map(|t| (t.id, t.bundle.manifest.slug.to_string()))
        .collect();
    let slug = |id: TenantId| {
        slugs
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("tenant#{}", id.0))
    };
    match cmd {
        JobsCommand::List {
            dead,
            not_sent,
            tenant,
            limit,
        } => {
            let tenant = match tenant {
                None => None,
                Some(s) => match slugs.iter().find(|(_, v)| **v == s) {
                    Some((id, _)) => Some(*id),
                    None => bail!("there is no tenant `{s}` (see `motcua tenant list`)"),
                },
            };
            let which = if dead {
                Which::Dead
            } else if not_sent {
                Which::NotSent
            } else {
                Which::Live
            };
            let rows = jobs::list(&store, tenant, which, limit).await?;
            for job in &rows {
                out(format_args!("{}", line(job, &slug(job.tenant))))?;
            }
            out(format_args!("{} job(s)", rows.len()))?;
            Ok(ExitCode::SUCCESS)
        }
        JobsCommand::Replay { id } => {
            let job = jobs::replay(&store, id, Utc::now()).await?;
            out(format_args!(
                "job {id} replayed: due now ({} of {}, {})",
                job.topic,
                slug(job.tenant),
                dossier_of(&job)
            ))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn dossier_of(job: &Stored) -> String {
    job.payload
        .get("dossier")
        .and_then(|d| d.as_str())
        .unwrap_or("-")
        .to_owned()
}

/// One job as a line: id, tenant, topic, dossier, attempts, where it stands, and what it last
/// said (its error or outcome).
fn line(job: &Stored, tenant: &str) -> String {
    let now = Utc::now();
    let stands = if let Some(at) = job.dead_at {
        format!("dead since {}", at.to_rfc3339())
    } else if let Some(at) = job.done_at {
        format!("completed {}", at.to_rfc3339())
    } else if let (Some(by), Some(until)) = (&job.locked_by, job.locked_until)
        && until > now
    {
        format!("running on {by} until {}", until.to_rfc3339())
    } else if job.run_after > now {
        format!("retry at {}", job.run_after.to_rfc3339())
    } else {
        "due".to_owned()
    };
    let said = job
        .outcome
        .as_deref()
        .or(job.last_error.as_deref())
        .unwrap_or("");
    format!(
        "{}\t{tenant}\t{}\t{}\t{} attempt(s)\t{stands}\t{said}",
        job.id,
        job.topic,
        dossier_of(job),
        job.attempts
    )
}
