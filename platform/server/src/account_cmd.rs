//! `motcua account ...` (a tenant's officials) and `motcua operator ...` (platform operators),
//! and the demo accounts of the embedded demo.
//!
//! A password set here is either read from standard input (`--password-stdin`, one line) or
//! generated and printed once; either way the account must change it at its first sign-in, so
//! that nobody but its holder knows the password in use.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use motcua_core::tenant::TenantManifest;
use motcua_store::accounts::{self, Holder, NewAccount};
use motcua_store::{Store, StoreError, tenants};
use motcua_web::accounts::{password, valid_username};

use crate::cli::{out, ready_store};
use crate::config::Config;

/// `motcua account ...`: officials of a tenant.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an official; the password must be changed at the first sign-in.
    Create {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        new: NewArgs,
    },
    /// List a tenant's officials.
    List {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
    },
    /// Set a new password (to be changed at the next sign-in), remove two-step verification,
    /// unlock the account and end its sessions.
    ResetPassword {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        who: PasswordArgs,
    },
    /// Stop an official from signing in, ending their sessions.
    Disable {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// The username.
        username: String,
    },
    /// Let a disabled official sign in again.
    Enable {
        /// The tenant's slug.
        #[arg(long)]
        tenant: String,
        /// The username.
        username: String,
    },
}

/// `motcua operator ...`: platform operators.
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create an operator; the password must be changed at the first sign-in.
    Create {
        #[command(flatten)]
        new: NewArgs,
    },
    /// List the operators.
    List,
    /// Set a new password (to be changed at the next sign-in), remove two-step verification,
    /// unlock and end the sessions.
    ResetPassword {
        #[command(flatten)]
        who: PasswordArgs,
    },
    /// Stop an operator from signing in, ending their sessions.
    Disable {
        /// The username.
        username: String,
    },
    /// Let a disabled operator sign in again.
    Enable {
        /// The username.
        username: String,
    },
}

/// The account to create.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The username: 3 to 64 lowercase letters, digits, `.`, `_`, `-`.
    pub username: String,
    /// The full name (default: the username).
    #[arg(long)]
    pub name: Option<String>,
    /// An e-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Whose password to set.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// The username.
    pub username: String,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// The password to set: read or generated (then printed once).
fn initial_password(from_stdin: bool, username: &str) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        if let Err(problem) = password::check(&pw, username) {
            bail!("{}", problem.message().en);
        }
        Ok((pw, false))
    } else {
        Ok((
            password::generate().map_err(|e| anyhow::anyhow!("generating a password: {e}"))?,
            true,
        ))
    }
}

async fn tenant_holder(store: &Store, slug: &str) -> anyhow::Result<Holder> {
    let Some(t) = tenants::load(store, slug).await? else {
        bail!("no tenant `{slug}` in the database (see `motcua tenant list`)");
    };
    Ok(Holder::Official(t.id))
}

async fn find(store: &Store, holder: Holder, username: &str) -> anyhow::Result<i64> {
    match accounts::by_username(store, holder, username).await? {
        Some(c) => Ok(c.id),
        None => bail!("no account `{username}`"),
    }
}

async fn create(store: &Store, holder: Holder, new: NewArgs) -> anyhow::Result<()> {
    let username = accounts::normalize(&new.username);
    if !valid_username(&username) {
        bail!(
            "the username `{}` is not valid: use 3 to 64 lowercase letters, digits, `.`, `_` or `-`",
            new.username
        );
    }
    let (pw, generated) = initial_password(new.password_stdin, &username)?;
    let hash = password::hash_blocking(pw.clone()).await?;
    let id = match accounts::create(
        store,
        holder,
        &NewAccount {
            name: new.name.unwrap_or_else(|| username.clone()),
            username: username.clone(),
            email: new.email,
            password_hash: hash,
            must_change_password: true,
        },
    )
    .await
    {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => bail!("the username `{username}` is taken"),
        Err(e) => return Err(e.into()),
    };
    out(format_args!("created {username} (id {id})"))?;
    if generated {
        out(format_args!(
            "password (shown once; to be changed at the first sign-in): {pw}"
        ))?;
    }
    Ok(())
}

async fn reset(store: &Store, holder: Holder, who: PasswordArgs) -> anyhow::Result<()> {
    let id = find(store, holder, &who.username).await?;
    let (pw, generated) = initial_password(who.password_stdin, &who.username)?;
    let hash = password::hash_blocking(pw.clone()).await?;
    accounts::set_password(store, holder, id, &hash, true).await?;
    // A reset is how an official who lost their authenticator gets back in: the second factor
    // goes too, to be enrolled again.
    accounts::set_totp(store, holder, id, None).await?;
    out(format_args!(
        "password of {} reset, two-step verification removed; its sessions have ended",
        who.username
    ))?;
    if generated {
        out(format_args!(
            "password (shown once; to be changed at the next sign-in): {pw}"
        ))?;
    }
    Ok(())
}

async fn list(store: &Store, holder: Holder) -> anyhow::Result<()> {
    for c in accounts::list(store, holder).await? {
        let mut flags = Vec::new();
        if c.disabled {
            flags.push("disabled");
        }
        if c.locked_at(chrono::Utc::now()) {
            flags.push("locked");
        }
        if c.must_change_password {
            flags.push("must-change-password");
        }
        if c.totp_secret.is_some() {
            flags.push("totp");
        }
        out(format_args!(
            "{}\t{}\t{}\t{}",
            c.id,
            c.username,
            c.name,
            flags.join(",")
        ))?;
    }
    Ok(())
}

async fn set_disabled(
    store: &Store,
    holder: Holder,
    username: &str,
    disabled: bool,
) -> anyhow::Result<()> {
    let id = find(store, holder, username).await?;
    accounts::set_disabled(store, holder, id, disabled).await?;
    out(format_args!(
        "{username} {}",
        if disabled {
            "disabled; its sessions have ended"
        } else {
            "enabled"
        }
    ))
}

/// Runs `motcua account ...`.
pub async fn run_account(config: &Config, cmd: AccountCommand) -> anyhow::Result<ExitCode> {
    let store = ready_store(config).await?;
    match cmd {
        AccountCommand::Create { tenant, new } => {
            create(&store, tenant_holder(&store, &tenant).await?, new).await?;
        }
        AccountCommand::List { tenant } => {
            list(&store, tenant_holder(&store, &tenant).await?).await?;
        }
        AccountCommand::ResetPassword { tenant, who } => {
            reset(&store, tenant_holder(&store, &tenant).await?, who).await?;
        }
        AccountCommand::Disable { tenant, username } => {
            let holder = tenant_holder(&store, &tenant).await?;
            set_disabled(&store, holder, &username, true).await?;
        }
        AccountCommand::Enable { tenant, username } => {
            let holder = tenant_holder(&store, &tenant).await?;
            set_disabled(&store, holder, &username, false).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `motcua operator ...`.
pub async fn run_operator(config: &Config, cmd: OperatorCommand) -> anyhow::Result<ExitCode> {
    let store = ready_store(config).await?;
    let holder = Holder::Operator;
    match cmd {
        OperatorCommand::Create { new } => create(&store, holder, new).await?,
        OperatorCommand::List => list(&store, holder).await?,
        OperatorCommand::ResetPassword { who } => reset(&store, holder, who).await?,
        OperatorCommand::Disable { username } => {
            set_disabled(&store, holder, &username, true).await?;
        }
        OperatorCommand::Enable { username } => {
            set_disabled(&store, holder, &username, false).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The password of every demo account. Public on purpose: demo accounts exist only in the
/// embedded development demo, never in production mode.
pub const DEMO_PASSWORD: &str = "demo-motcua-2026";

/// The demo officials of each demo tenant: username and name.
pub const DEMO_OFFICIALS: [(&str, &str); 3] = [
    ("demo.tiepnhan", "Cán bộ tiếp nhận (tài khoản demo)"),
    ("demo.chuyenvien", "Chuyên viên xử lý (tài khoản demo)"),
    ("demo.lanhdao", "Lãnh đạo phê duyệt (tài khoản demo)"),
];

/// The demo operator.
pub const DEMO_OPERATOR: (&str, &str) = ("demo.vanhanh", "Quản trị vận hành (tài khoản demo)");

async fn ensure(
    store: &Store,
    holder: Holder,
    username: &str,
    name: &str,
    hash: &str,
) -> anyhow::Result<bool> {
    if accounts::by_username(store, holder, username)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    match accounts::create(
        store,
        holder,
        &NewAccount {
            username: username.to_owned(),
            name: name.to_owned(),
            email: None,
            password_hash: hash.to_owned(),
            must_change_password: false,
        },
    )
    .await
    {
        // Another node of the same demo created it meanwhile.
        Ok(_) | Err(StoreError::Conflict(_)) => Ok(true),
        Err(e) => Err(e.into()),
    }
}

/// Creates the demo accounts that are missing: [`DEMO_OFFICIALS`] in each tenant of `manifests`
/// and [`DEMO_OPERATOR`], all with [`DEMO_PASSWORD`]. The caller makes sure this is the
/// development demo; accounts that exist are left as they are.
pub async fn ensure_demo_accounts(
    store: &Store,
    manifests: &[TenantManifest],
) -> anyhow::Result<()> {
    let hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let mut created = 0;
    for m in manifests {
        let Some(t) = tenants::load(store, m.slug.as_str()).await? else {
            continue;
        };
        for (username, name) in DEMO_OFFICIALS {
            created +=
                u32::from(ensure(store, Holder::Official(t.id), username, name, &hash).await?);
        }
    }
    let (username, name) = DEMO_OPERATOR;
    created += u32::from(ensure(store, Holder::Operator, username, name, &hash).await?);
    let officials: Vec<&str> = DEMO_OFFICIALS.iter().map(|(u, _)| *u).collect();
    tracing::warn!(
        created,
        officials = %officials.join(", "),
        operator = DEMO_OPERATOR.0,
        password = DEMO_PASSWORD,
        "DEMO ACCOUNTS with a published password are enabled (development mode only); sign in at /dang-nhap or /sign-in"
    );
    Ok(())
}

/// Gives the demo officials of each tenant of `manifests` their roles, where they lack them:
/// `demo.tiepnhan` receives at every one-stop desk, `demo.chuyenvien` handles in every other
/// division, `demo.lanhdao` heads every other division and holds every administrative role for
/// the whole tenant (so that one demo account shows everything). Development mode only.
pub async fn ensure_demo_roles(
    store: &Store,
    authz: &motcua_authz::Authz,
    manifests: &[TenantManifest],
) -> anyhow::Result<()> {
    use motcua_authz::{Assignment, Role};
    for m in manifests {
        let Some(t) = tenants::load(store, m.slug.as_str()).await? else {
            continue;
        };
        let mut add = Vec::new();
        let give = |username: &str, role: Role, division: Option<String>, add: &mut Vec<_>| {
            add.push((username.to_owned(), role, division));
        };
        for d in &m.divisions {
            let key = Some(d.key.to_string());
            if d.one_stop {
                give("demo.tiepnhan", Role::Receiver, key, &mut add);
            } else {
                give("demo.chuyenvien", Role::Specialist, key.clone(), &mut add);
                give("demo.lanhdao", Role::DivisionHead, key, &mut add);
            }
        }
        for role in [
            Role::AgencyLeader,
            Role::TenantAdmin,
            Role::Designer,
            Role::PluginDeveloper,
            Role::ReportViewer,
        ] {
            give("demo.lanhdao", role, None, &mut add);
        }
        let mut assignments = Vec::new();
        for (username, role, division) in add {
            let Some(account) =
                accounts::by_username(store, Holder::Official(t.id), &username).await?
            else {
                continue;
            };
            assignments.push(Assignment {
                account: account.id,
                role,
                division,
            });
        }
        authz
            .change(t.id, "demo", "demo roles", &assignments, &[], None)
            .await?;
    }
    Ok(())
}
