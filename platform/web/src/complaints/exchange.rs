//! Sharing complaints with the national PAKN system (Hệ thống tiếp nhận, trả lời phản ánh,
//! kiến nghị): each complaint received and each answer writes a `pakn` message of the outbox in
//! the transaction that stores it (`motcua_store::complaints`); this worker delivers them as
//! durable jobs (`motcua_store::jobs`): retried with the job table's backoff after a 5xx, a 429
//! or a timeout, dead-lettered at once on any other 4xx (the national system refusing the
//! message itself), for operators to replay.
//!
//! The national system is behind [`PaknExchange`]; [`HttpPakn`] speaks to it over HTTP. No
//! official specification is available here, so the message is an **assumption**, shaped like
//! the national portal's other services (DOMAIN.md, "Exchange with the national portal"):
//! `POST <url>` with `Authorization: Bearer <token>` and
//!
//! ```json
//! { "service": "pakn", "event": "received" | "answered",
//!   "reference": "<tenant slug>/<tracking code>/<event>",
//!   "agency_code": "<the tenant's entity code>", "code": "PAKN-YYMMDD-NNNN",
//!   "kind": "phan_anh" | "kien_nghi", "about": "procedure" | "division" | "dossier",
//!   "procedure_code" | "agency_unit_code" | "dossier_code": "...",
//!   "handling_unit_code": "<the entity code of the division holding it>",
//!   "sender": { "name", "phone", "email", "address" }, "content": "...",
//!   "received_at": "yyyyMMddHHmmss", "answer_due": "yyyyMMddHHmmss",
//!   "answer": { "content", "answered_at": "yyyyMMddHHmmss", "public": true } }
//! ```
//!
//! with times in Vietnam time; a 2xx answer with `"error_code": "00"` is success (its `id` is
//! recorded), any other `error_code` a refusal. `reference` is the same on every retry of one
//! message, so the national side can recognise a retried message.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use motcua_store::complaints::{self, Complaint};
use motcua_store::jobs::{self, Job, Policy};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::Failure;
use crate::notifications::gateway::SendError;
use crate::notifications::{NOT_SENT, Pass, worker_id};
use crate::sites::TenantSite;

/// A message accepted by the national system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The national system's id for it.
    pub id: String,
}

/// Something that delivers messages to the national PAKN system.
pub trait PaknExchange: Send + Sync + std::fmt::Debug {
    /// Sends one message.
    fn send<'a>(&'a self, message: &'a Value) -> BoxFuture<'a, Result<Accepted, SendError>>;
}

/// The national PAKN system reached over HTTP.
#[derive(Clone)]
pub struct HttpPakn {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl std::fmt::Debug for HttpPakn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpPakn")
            .field("url", &self.url)
            .field("token", &"***")
            .finish_non_exhaustive()
    }
}

/// The longest reason kept from an answer (it goes to the job's record).
const MAX_REASON: usize = 500;

impl HttpPakn {
    /// A client of the national system at `url`, authenticating with `token`, giving up on an
    /// answer after `timeout`.
    pub fn new(url: &str, token: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()?;
        Ok(Self {
            client,
            url: url.to_owned(),
            token: token.to_owned(),
        })
    }

    async fn post(&self, message: &Value) -> Result<Accepted, SendError> {
        let retry = |reason: String| SendError::Retry {
            reason,
            after: None,
        };
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(message)
            .send()
            .await
            .map_err(|e| {
                retry(if e.is_timeout() {
                    "the national PAKN system did not answer in time".to_owned()
                } else {
                    format!("the national PAKN system could not be reached: {e}")
                })
            })?;
        let status = response.status();
        let after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .text()
            .await
            .map_err(|e| retry(format!("the national PAKN system's answer was cut: {e}")))?;
        let parsed = serde_json::from_str::<Value>(&body).ok();
        let said = |key: &str| {
            parsed
                .as_ref()
                .and_then(|v| v.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let reason = || {
            said("message")
                .or_else(|| said("error"))
                .unwrap_or_else(|| body.trim().to_owned())
                .chars()
                .take(MAX_REASON)
                .collect::<String>()
        };
        if status.is_success() {
            return match said("error_code").as_deref() {
                Some("00") => Ok(Accepted {
                    id: said("id").unwrap_or_default(),
                }),
                Some(code) => Err(SendError::Permanent {
                    reason: format!(
                        "the national PAKN system refused the message ({code}): {}",
                        reason()
                    ),
                }),
                None => Err(retry(format!(
                    "the national PAKN system answered without an error_code: {}",
                    reason()
                ))),
            };
        }
        let reason = format!("the national PAKN system answered {status}: {}", reason());
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::Retry { reason, after })
        } else {
            Err(SendError::Permanent { reason })
        }
    }
}

impl PaknExchange for HttpPakn {
    fn send<'a>(&'a self, message: &'a Value) -> BoxFuture<'a, Result<Accepted, SendError>> {
        Box::pin(self.post(message))
    }
}

/// The national exchange's worker of one node.
#[derive(Clone, Debug)]
pub struct Exchanger {
    /// The national system; `None` when not configured (messages are completed as not sent).
    pub client: Option<Arc<dyn PaknExchange>>,
    /// Leases, attempts and backoff.
    pub policy: Policy,
    /// This worker's id, recorded on the messages it claims.
    pub worker: String,
}

impl Exchanger {
    /// A worker with a fresh id.
    pub fn new(client: Option<Arc<dyn PaknExchange>>, policy: Policy) -> Self {
        Self {
            client,
            policy,
            worker: worker_id("pakn"),
        }
    }
}

/// A time as the national systems write it: `yyyyMMddHHmmss` in the tenant's time zone.
fn national_time(site: &TenantSite, at: DateTime<Utc>) -> String {
    at.with_timezone(&site.calendar.time_zone())
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// The message about `c` for `event` (see the module's notes for the mapping).
pub fn message(site: &TenantSite, c: &Complaint, event: &str) -> Value {
    let m = &site.manifest;
    let unit = |key: &str| m.division(key).map(|d| d.code.to_string());
    let kind = if c.kind == "suggestion" {
        "kien_nghi"
    } else {
        "phan_anh"
    };
    let mut v = json!({
        "service": "pakn",
        "event": event,
        "reference": format!("{}/{}/{event}", m.slug, c.code),
        "agency_code": m.entity_code.to_string(),
        "code": c.code,
        "kind": kind,
        "about": c.subject_kind,
        "handling_unit_code": unit(&c.division),
        "sender": {
            "name": c.sender.name,
            "phone": c.sender.phone,
            "email": c.sender.email,
            "address": c.sender.address,
        },
        "content": c.text,
        "received_at": national_time(site, c.received_at),
        "answer_due": national_time(site, c.answer_by),
    });
    match c.subject_kind.as_str() {
        "procedure" => v["procedure_code"] = json!(c.subject),
        "division" => v["agency_unit_code"] = json!(unit(&c.subject)),
        _ => v["dossier_code"] = json!(c.subject),
    }
    if event == "answered"
        && let Some(a) = &c.answer
    {
        v["answer"] = json!({
            "content": a.text,
            "answered_at": national_time(site, a.at),
            "public": c.published,
        });
    }
    v
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

impl From<motcua_store::StoreError> for Attempt {
    fn from(e: motcua_store::StoreError) -> Self {
        Self::retry(e.to_string())
    }
}

/// One pass: claims the due `pakn` messages and delivers each.
pub async fn run_pending(
    state: &AppState,
    exchanger: &Exchanger,
    now: DateTime<Utc>,
) -> Result<Pass, Failure> {
    let mut pass = Pass::default();
    let claimed = jobs::claim(
        &state.store,
        complaints::TOPIC,
        &exchanger.worker,
        &exchanger.policy,
        64,
        now,
    )
    .await?;
    let started = std::time::Instant::now();
    for job in claimed {
        // A message whose lease ended during the batch may be another worker's already.
        let elapsed = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
        if job.locked_until <= now + elapsed {
            pass.lost += 1;
            continue;
        }
        match deliver(state, exchanger, &job, now).await {
            Ok(true) => pass.completed += 1,
            Ok(false) => pass.lost += 1,
            Err(a) => {
                tracing::warn!(job = job.id(), attempts = job.attempts, error = %a.error, "a PAKN message could not be delivered");
                match jobs::fail(
                    &state.store,
                    &job.lease,
                    &a.error,
                    a.failure,
                    &exchanger.policy,
                    now,
                )
                .await
                {
                    Ok(jobs::Failed::RetryAt(_)) => pass.retrying += 1,
                    Ok(jobs::Failed::Dead) => {
                        tracing::error!(job = job.id(), error = %a.error, "a PAKN message was given up; see `motcua jobs list --dead`");
                        pass.dead += 1;
                    }
                    Ok(jobs::Failed::LeaseLost) => pass.lost += 1,
                    Err(e) => {
                        tracing::warn!(job = job.id(), error = %e, "a failed PAKN message could not be recorded");
                    }
                }
            }
        }
    }
    Ok(pass)
}

/// Runs the worker until the process ends: a pass every `every`.
pub async fn run_worker(state: AppState, exchanger: Exchanger, every: Duration) {
    if exchanger.client.is_none() {
        tracing::warn!(
            "the national PAKN system is not configured (pakn.url): complaints are recorded as not shared"
        );
    }
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match run_pending(&state, &exchanger, Utc::now()).await {
            Ok(p) if p == Pass::default() => {}
            Ok(p) => tracing::info!(
                completed = p.completed,
                retrying = p.retrying,
                dead = p.dead,
                lost = p.lost,
                "PAKN messages delivered"
            ),
            Err(f) => {
                tracing::warn!(code = f.code, message = %f.message.en, "PAKN worker pass failed")
            }
        }
    }
}

/// Delivers one message. `Ok(false)`: the worker no longer held it, nothing was recorded.
async fn deliver(
    state: &AppState,
    exchanger: &Exchanger,
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
    let event = p.get("event").and_then(Value::as_str).unwrap_or("received");
    let id = p
        .get("complaint")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let outcome = match complaints::find_id(&state.store, job.tenant(), id).await? {
        None => format!("{NOT_SENT}complaint {id} no longer exists"),
        Some(c) => match &exchanger.client {
            None => format!("{NOT_SENT}the national PAKN system is not configured (pakn.url)"),
            Some(client) => match client.send(&message(&site, &c, event)).await {
                Ok(a) => format!("sent: national PAKN id {}", a.id),
                Err(SendError::Retry { reason, after }) => {
                    return Err(Attempt {
                        error: reason,
                        failure: jobs::Failure::Retry(after),
                    });
                }
                Err(SendError::Permanent { reason }) => {
                    return Err(Attempt {
                        error: reason,
                        failure: jobs::Failure::Permanent,
                    });
                }
            },
        },
    };
    match jobs::complete(&state.store, &job.lease, Some(&outcome), now).await {
        Ok(()) => Ok(true),
        Err(motcua_store::StoreError::Conflict(why)) => {
            tracing::warn!(
                job = job.id(),
                why,
                "a PAKN message was taken over by another worker"
            );
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}
