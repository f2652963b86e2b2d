//! Notifications: what the workflow announces (a step reached, a reminder, an escalation, the
//! result returned) becomes `notification` messages of the outbox, in the transaction of the
//! move; the notification worker delivers them as durable jobs (`motcua_store::jobs`).
//!
//! Each message has one audience. The applicant's go through the configured SMS or e-mail
//! provider ([`gateway`]), with the job's id as the provider's de-duplication reference, so a
//! retried send is sent once; with no provider configured, or no contact given, the message is
//! completed as *not sent* and says why, for operators to see — never reported as sent.
//! Officials' become in-app notifications (`motcua_store::notifications`) of each official the
//! message names (the step's assignee, the officials holding its role in its division, the
//! role a step was escalated to), written in the transaction that completes the job.

pub mod gateway;
pub mod text;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;
use motcua_store::TenantId;
use motcua_store::dossiers::{self, OutboxMessage};
use motcua_store::jobs::{self, Job, Policy};
use motcua_store::notifications::{self as notices, NewNotice};
use motcua_workflow::definition::Definition;
use motcua_workflow::engine::{Decision, Event};
use motcua_workflow::schema::Recipient;
use serde_json::json;

use self::gateway::{Gateway, Outgoing, SendError};
use self::text::{About, Kind};
use crate::AppState;
use crate::error::Failure;

/// The outbox topic of notifications.
pub const TOPIC: &str = "notification";

/// How a completed message that reached nobody begins its outcome (see
/// [`motcua_store::jobs::Which::NotSent`]).
pub use motcua_store::jobs::NOT_SENT;

/// The `notification` messages a decision announces, one per audience of each event: the
/// applicant (by SMS or e-mail) and the officials (in the one-stop system). A dossier closed
/// with its result returned tells the applicant, in the message of the step that returned it
/// when that step notifies the applicant, else in a message of its own.
pub fn announce(
    decision: &Decision,
    def: &Definition,
    code: Option<&DossierCode>,
    procedure: &str,
) -> Vec<OutboxMessage> {
    let closed = decision.events.iter().find_map(|e| match e {
        Event::Closed { outcome, .. } => Some(*outcome),
        _ => None,
    });
    let tasks = decision.state.tasks(def);
    let base = |kind: &str, step: &str, audience: &str| {
        json!({
            "dossier": code.map(ToString::to_string),
            "procedure": procedure,
            "step": step,
            "kind": kind,
            "audience": audience,
            "status": decision.state.status.as_str(),
        })
    };
    let officials = |kind: &str, step: &str, recipients: &[Recipient], roles: Vec<String>| {
        let task = tasks.iter().find(|t| t.step == step);
        let mut roles = roles;
        if recipients.contains(&Recipient::Candidates)
            && let Some(t) = task
        {
            roles.push(t.role.clone());
            roles.extend(t.escalated_to.clone());
        }
        let assignee = recipients
            .contains(&Recipient::Assignee)
            .then(|| task.and_then(|t| t.assignee.clone()))
            .flatten();
        let division = task
            .map(|t| t.division.clone())
            .or_else(|| def.step(step).and_then(|(_, s)| s.division.clone()));
        let mut payload = base(kind, step, "officials");
        payload["recipients"] = json!(recipients);
        payload["assignee"] = json!(assignee);
        payload["roles"] = json!(roles);
        payload["division"] = json!(division);
        OutboxMessage {
            topic: TOPIC.to_owned(),
            payload,
        }
    };
    let mut out = Vec::new();
    let mut applicant_told_of_closing = false;
    for event in &decision.events {
        let (kind, step, recipients) = match event {
            Event::Notified { recipients, step } => ("notified", step, recipients.as_slice()),
            Event::Reminded { recipients, step } => ("reminded", step, recipients.as_slice()),
            Event::Escalated { step, role } => {
                out.push(officials("escalated", step, &[], vec![role.clone()]));
                continue;
            }
            _ => continue,
        };
        if recipients.contains(&Recipient::Applicant) {
            let mut payload = base(kind, step, "applicant");
            if kind == "notified"
                && let Some(outcome) = closed
            {
                payload["kind"] = json!("closed");
                payload["outcome"] = json!(outcome.as_str());
                applicant_told_of_closing = true;
            }
            out.push(OutboxMessage {
                topic: TOPIC.to_owned(),
                payload,
            });
        }
        if recipients
            .iter()
            .any(|r| matches!(r, Recipient::Assignee | Recipient::Candidates))
        {
            out.push(officials(kind, step, recipients, Vec::new()));
        }
    }
    if closed == Some(DossierStatus::Returned) && !applicant_told_of_closing {
        let mut payload = base("closed", "", "applicant");
        payload["outcome"] = json!(DossierStatus::Returned.as_str());
        out.push(OutboxMessage {
            topic: TOPIC.to_owned(),
            payload,
        });
    }
    out
}

/// The notification worker of one node.
#[derive(Clone, Debug)]
pub struct Notifier {
    /// The applicants' SMS or e-mail provider; `None` when none is configured.
    pub gateway: Option<Arc<dyn Gateway>>,
    /// Leases, attempts and backoff.
    pub policy: Policy,
    /// This worker's id, recorded on the messages it claims.
    pub worker: String,
}

impl Notifier {
    /// A worker with a fresh id (host, process, random).
    pub fn new(gateway: Option<Arc<dyn Gateway>>, policy: Policy) -> Self {
        Self {
            gateway,
            policy,
            worker: worker_id("notify"),
        }
    }
}

/// A worker id unique to this process: `<what>@<host>/<pid>/<random>`.
pub fn worker_id(what: &str) -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".to_owned());
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    format!(
        "{what}@{host}/{}/{}",
        std::process::id(),
        u32::from_le_bytes(bytes)
    )
}

/// What one pass of the worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages completed (sent, written, or recorded as not sent).
    pub completed: usize,
    /// Messages that failed and will be tried again.
    pub retrying: usize,
    /// Messages given up (dead-lettered).
    pub dead: usize,
    /// Messages another worker took meanwhile (this worker's lease had ended).
    pub lost: usize,
}

/// Why an attempt did not complete.
struct Attempt {
    error: String,
    failure: jobs::Failure,
}

impl Attempt {
    fn retry(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            failure: jobs::Failure::Retry(None),
        }
    }
}

impl From<Failure> for Attempt {
    fn from(f: Failure) -> Self {
        Self::retry(f.message.en)
    }
}

impl From<motcua_store::StoreError> for Attempt {
    fn from(e: motcua_store::StoreError) -> Self {
        Self::retry(e.to_string())
    }
}

/// One pass: claims the due notification messages and delivers each.
pub async fn run_pending(
    state: &AppState,
    notifier: &Notifier,
    now: DateTime<Utc>,
) -> Result<Pass, Failure> {
    let mut pass = Pass::default();
    let claimed = jobs::claim(
        &state.store,
        TOPIC,
        &notifier.worker,
        &notifier.policy,
        64,
        now,
    )
    .await?;
    let started = std::time::Instant::now();
    for job in claimed {
        // A batch worked one by one may outlast a lease: a message whose lease has ended may
        // already be another worker's, so it is not started here.
        let elapsed = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
        if job.locked_until <= now + elapsed {
            pass.lost += 1;
            continue;
        }
        match deliver(state, notifier, &job, now).await {
            Ok(true) => pass.completed += 1,
            Ok(false) => pass.lost += 1,
            Err(a) => {
                tracing::warn!(job = job.id(), attempts = job.attempts, error = %a.error, "a notification could not be delivered");
                let failed = jobs::fail(
                    &state.store,
                    &job.lease,
                    &a.error,
                    a.failure,
                    &notifier.policy,
                    now,
                )
                .await;
                // The message stays claimed until its lease ends; the rest of the batch goes on.
                let Ok(failed) = failed.inspect_err(|e| {
                    tracing::warn!(job = job.id(), error = %e, "a failed notification could not be recorded");
                }) else {
                    continue;
                };
                match failed {
                    jobs::Failed::RetryAt(_) => pass.retrying += 1,
                    jobs::Failed::Dead => {
                        tracing::error!(job = job.id(), error = %a.error, "a notification was given up; see `motcua jobs list --dead`");
                        pass.dead += 1;
                    }
                    jobs::Failed::LeaseLost => pass.lost += 1,
                }
            }
        }
    }
    Ok(pass)
}

/// Runs the notification worker until the process ends: a pass every `every`.
pub async fn run_worker(state: AppState, notifier: Notifier, every: Duration) {
    if notifier.gateway.is_none() {
        tracing::warn!(
            "no SMS or e-mail provider is configured (notifications.provider_url): applicants' notifications are recorded as not sent"
        );
    }
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match run_pending(&state, &notifier, Utc::now()).await {
            Ok(p) if p == Pass::default() => {}
            Ok(p) => tracing::info!(
                completed = p.completed,
                retrying = p.retrying,
                dead = p.dead,
                lost = p.lost,
                "notifications delivered"
            ),
            Err(f) => {
                tracing::warn!(code = f.code, message = %f.message.en, "notification worker pass failed")
            }
        }
    }
}

fn field<'a>(p: &'a serde_json::Value, key: &str) -> &'a str {
    p.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// Delivers one message. `Ok(false)`: the worker no longer held it, nothing was recorded.
async fn deliver(
    state: &AppState,
    notifier: &Notifier,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<bool, Attempt> {
    let p = &job.payload;
    let Some(site) = state.sites.by_id(job.tenant()) else {
        return Err(Attempt::retry(format!(
            "tenant {} is not served by this node",
            job.tenant().0
        )));
    };
    let kind = match field(p, "kind") {
        "reminded" => Kind::Reminded,
        "escalated" => Kind::Escalated,
        "closed" => Kind::Closed(
            DossierStatus::parse(field(p, "outcome")).unwrap_or(DossierStatus::Returned),
        ),
        _ => Kind::Notified,
    };
    let code = field(p, "dossier");
    let live = site.procedure(field(p, "procedure"));
    let name = |lang: Lang| live.map_or(field(p, "procedure"), |l| l.info().name.get(lang));
    let step = |lang: Lang| {
        live.and_then(|l| l.procedure.definition.step(field(p, "step")))
            .map_or(field(p, "step"), |(_, s)| s.name.get(lang))
    };
    let about = About {
        dossier: code,
        procedure: (name(Lang::Vi), name(Lang::En)),
        step: (step(Lang::Vi), step(Lang::En)),
    };
    let outcome = match field(p, "audience") {
        "applicant" => {
            to_applicant(state, notifier, job, code, text::applicant(kind, &about)).await?
        }
        _ => {
            let accounts = officials_of(state, job.tenant(), p)?;
            if !accounts.is_empty() {
                let role = p
                    .get("roles")
                    .and_then(|r| r.get(0))
                    .and_then(|r| r.as_str());
                let (title, body) = text::official(kind, &about, role);
                let list: Vec<NewNotice> = accounts
                    .iter()
                    .map(|a| NewNotice {
                        account: *a,
                        kind: kind.as_str().to_owned(),
                        dossier: Some(code.to_owned()).filter(|c| !c.is_empty()),
                        title: (title.vi.clone(), title.en.clone()),
                        body: (body.vi.clone(), body.en.clone()),
                    })
                    .collect();
                return settled(
                    notices::deliver(&state.store, &job.lease, &list, now).await,
                    job,
                );
            }
            format!(
                "{NOT_SENT}no official to tell (the step has no assignee, or nobody holds the role {} in division {})",
                p.get("roles").map(ToString::to_string).unwrap_or_default(),
                field(p, "division")
            )
        }
    };
    settled(
        jobs::complete(&state.store, &job.lease, Some(&outcome), now).await,
        job,
    )
}

/// What a completion means for the pass: `Ok(false)` when the worker had lost the message to
/// another (nothing was written).
fn settled(completed: Result<(), motcua_store::StoreError>, job: &Job) -> Result<bool, Attempt> {
    match completed {
        Ok(()) => Ok(true),
        Err(motcua_store::StoreError::Conflict(why)) => {
            tracing::warn!(
                job = job.id(),
                why,
                "a notification was taken over by another worker; this attempt is rolled back"
            );
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends the applicant's message; returns the outcome to record.
async fn to_applicant(
    state: &AppState,
    notifier: &Notifier,
    job: &Job,
    code: &str,
    message: String,
) -> Result<String, Attempt> {
    let Ok(code) = code.parse::<DossierCode>() else {
        return Ok(format!("{NOT_SENT}the message names no dossier"));
    };
    let Some(dossier) = dossiers::find(&state.store, job.tenant(), &code).await? else {
        return Ok(format!("{NOT_SENT}dossier {code} no longer exists"));
    };
    let contact = [&dossier.applicant.phone, &dossier.applicant.email]
        .into_iter()
        .flatten()
        .map(|c| c.trim())
        .find(|c| !c.is_empty());
    let Some(to) = contact else {
        return Ok(format!(
            "{NOT_SENT}the applicant gave no telephone number or e-mail address"
        ));
    };
    let Some(gateway) = &notifier.gateway else {
        return Ok(format!(
            "{NOT_SENT}no SMS or e-mail provider is configured (notifications.provider_url)"
        ));
    };
    let outgoing = Outgoing {
        to: to.to_owned(),
        text: message,
        reference: format!("motcua-job-{}", job.id()),
    };
    match gateway.send(&outgoing).await {
        Ok(sent) => Ok(format!("sent: provider message {}", sent.id)),
        Err(SendError::Retry { reason, after }) => Err(Attempt {
            error: reason,
            failure: jobs::Failure::Retry(after),
        }),
        Err(SendError::Permanent { reason }) => Err(Attempt {
            error: reason,
            failure: jobs::Failure::Permanent,
        }),
    }
}

/// The accounts an officials' message names: its assignee, and the holders of its roles in its
/// division (a tenant-wide assignment counts in every division).
fn officials_of(
    state: &AppState,
    tenant: TenantId,
    p: &serde_json::Value,
) -> Result<BTreeSet<i64>, Attempt> {
    let mut accounts = BTreeSet::new();
    if let Some(id) = field(p, "assignee")
        .strip_prefix("account:")
        .and_then(|a| a.parse().ok())
    {
        accounts.insert(id);
    }
    let roles: Vec<&str> = p
        .get("roles")
        .and_then(|r| r.as_array())
        .map(|r| r.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let division = field(p, "division");
    if !roles.is_empty() {
        let all = state
            .authz
            .assignments_in_force(tenant, chrono::Utc::now())
            .map_err(|e| Attempt::retry(format!("the role assignments cannot be read: {e}")))?;
        for a in all {
            let here = a.division.as_deref().is_none_or(|d| d == division);
            if here && roles.contains(&a.role.as_str()) {
                accounts.insert(a.account);
            }
        }
    }
    Ok(accounts)
}
