//! `motcua workflow versions | publish | migrate`: published versions of a procedure, and moving
//! live dossiers from one version to another with a dry run first.

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use motcua_core::calendar::WorkingCalendar;
use motcua_store::dossiers::{self, MoveError};
use motcua_store::procedures;
use motcua_store::tenants::{self, StoredTenant};
use motcua_workflow::engine::{Decision, DossierState};
use motcua_workflow::migration;
use motcua_workflow::procedure::{Procedure, load};

use crate::cli::{out, ready_store};
use crate::config::Config;

async fn tenant(store: &motcua_store::Store, slug: &str) -> anyhow::Result<StoredTenant> {
    tenants::load(store, slug)
        .await?
        .with_context(|| format!("no tenant `{slug}` in the database (apply it first: motcua tenant apply tenants/{slug})"))
}

fn compile(t: &StoredTenant, code: &str, version: i32, source: &str) -> anyhow::Result<Procedure> {
    load(&format!("{code} v{version}"), source, &t.bundle.manifest)
        .map_err(|d| anyhow::anyhow!("version {version} of {code} does not load:\n{d}"))
}

/// `motcua workflow versions`
pub(crate) async fn versions(config: &Config, slug: &str, code: &str) -> anyhow::Result<ExitCode> {
    let store = ready_store(config).await?;
    let t = tenant(&store, slug).await?;
    let current = t
        .published
        .iter()
        .find(|p| p.code == code)
        .map(|p| p.version);
    let all = procedures::versions(&store, t.id, code).await?;
    if all.is_empty() {
        bail!("procedure {code} of {slug} has no published version");
    }
    for v in all {
        let open = dossiers::open_on_version(&store, t.id, code, v.version)
            .await?
            .len();
        out(format_args!(
            "{}{:>3}  {}  {}  {}  {open} open dossier(s)",
            if Some(v.version) == current { "*" } else { " " },
            v.version,
            &v.sha256[..12],
            v.published_at.format("%Y-%m-%d %H:%M"),
            v.published_by,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `motcua workflow migrate`
pub(crate) async fn migrate(
    config: &Config,
    slug: &str,
    code: &str,
    from: i32,
    to: Option<i32>,
    mappings: &[String],
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let store = ready_store(config).await?;
    let t = tenant(&store, slug).await?;
    let to = match to {
        Some(v) => v,
        None => t
            .published
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.version)
            .with_context(|| format!("procedure {code} has no current version"))?,
    };
    if from == to {
        bail!("the dossiers are already on version {to}");
    }
    let get = |v| procedures::version(&store, t.id, code, v);
    let old_src = get(from)
        .await?
        .with_context(|| format!("no version {from} of {code}"))?;
    let new_src = get(to)
        .await?
        .with_context(|| format!("no version {to} of {code}"))?;
    let old = compile(&t, code, from, &old_src.source)?;
    let new = compile(&t, code, to, &new_src.source)?;
    let explicit: Vec<(String, String)> = mappings
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
                .with_context(|| format!("`{m}` is not old=new"))
        })
        .collect::<anyhow::Result<_>>()?;
    let plan = migration::plan(&old.definition, &new.definition, &explicit)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let open = dossiers::open_on_version(&store, t.id, code, from).await?;
    let states: Vec<DossierState> = open
        .iter()
        .map(|d| {
            serde_json::from_value(d.state.clone())
                .with_context(|| format!("dossier {} has an unreadable state", d.code))
        })
        .collect::<anyhow::Result<_>>()?;
    out(format_args!(
        "{code}: version {from} → {to}, {} open dossier(s)",
        open.len()
    ))?;
    for (old_step, new_step, n) in plan.dry_run(&states) {
        out(format_args!("  {old_step} → {new_step}: {n}"))?;
    }
    if dry_run {
        out(format_args!("  (dry run: nothing moved)"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let calendar =
        WorkingCalendar::new(&t.bundle.manifest.calendar).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut moved, mut changed_meanwhile) = (0, 0);
    for d in &open {
        let now = Utc::now();
        let result = dossiers::move_dossier(&store, t.id, &d.code, |stored| {
            if stored.procedure_version != from {
                return Err(format!(
                    "dossier {} moved to version {} meanwhile",
                    d.code, stored.procedure_version
                ));
            }
            let state: DossierState =
                serde_json::from_value(stored.state.clone()).map_err(|e| e.to_string())?;
            let (state, event) = plan
                .apply(&state, &new.definition, (from, to), &calendar, now)
                .map_err(|e| e.to_string())?;
            let mut change = motcua_web::handling::change_from(
                &Decision {
                    events: vec![event],
                    state,
                },
                &new.definition,
                "migration",
                now,
                Some(&d.code),
                code,
            );
            change.procedure_version = Some(to);
            Ok(change)
        })
        .await;
        match result {
            Ok(_) => moved += 1,
            Err(MoveError::Conflict) => changed_meanwhile += 1,
            Err(MoveError::Refused(reason)) => {
                changed_meanwhile += 1;
                eprintln!("{}: not moved: {reason}", d.code);
            }
            Err(MoveError::NotFound) => {}
            Err(MoveError::Store(e)) => return Err(e.into()),
        }
    }
    out(format_args!(
        "  moved {moved} dossier(s); {changed_meanwhile} changed meanwhile (run again to move them)"
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `motcua workflow publish`: publishes a procedure file of an applied tenant as its current
/// version (the file must be valid; the tenant's other procedures are untouched).
pub(crate) async fn publish(
    config: &Config,
    file: &std::path::Path,
    tenant_dir: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let dir = match tenant_dir {
        Some(d) => d.to_path_buf(),
        None => crate::tenant_dir::tenant_of(file).with_context(|| {
            format!(
                "{} is not in a tenant directory; give --tenant DIR",
                file.display()
            )
        })?,
    };
    let bundle = match crate::tenant_dir::read(&dir) {
        Ok(b) => b,
        Err(crate::tenant_dir::DirError::Invalid(d)) => bail!("{d}"),
        Err(crate::tenant_dir::DirError::Io(e)) => return Err(e),
    };
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let source = bundle
        .procedures
        .iter()
        .find(|p| p.file.path.ends_with(name))
        .with_context(|| format!("{} is not a procedure of {}", file.display(), dir.display()))?;
    let store = ready_store(config).await?;
    // Applying the tenant publishes exactly the procedures whose text changed.
    let plan = tenants::apply(&store, &bundle).await?;
    out(format_args!("{plan}"))?;
    let code = source.info.code.to_string();
    let t = tenant(&store, bundle.manifest.slug.as_str()).await?;
    if let Some(p) = t.published.iter().find(|p| p.code == code) {
        out(format_args!(
            "{code}: current version {} ({})",
            p.version,
            &p.sha256[..12]
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
