//! The way messages reach applicants: an SMS or e-mail provider behind [`Gateway`], and its HTTP
//! client [`HttpGateway`].
//!
//! The provider's API, as the client speaks it: `POST <url>` with `Authorization: Bearer
//! <token>` and `{"to": ..., "text": ..., "reference": ...}`, where `reference` is the job's id,
//! the same on every retry of one message, so that the provider sends a retried message once and
//! answers with the id of the first send. A 2xx answer carries `{"id": ...}`. What is worth
//! trying again: 429 (after its `Retry-After`), 5xx, a timeout or a broken connection. Any
//! other 4xx is the provider refusing the message itself: trying again cannot help.

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;

/// A message for one applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outgoing {
    /// A telephone number or an e-mail address.
    pub to: String,
    /// The text.
    pub text: String,
    /// The same for every attempt of one message: the provider's de-duplication key.
    pub reference: String,
}

/// A message the provider accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The provider's id for it.
    pub id: String,
}

/// Why a message was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again (after `after`, when the provider said how long to wait).
    #[error("{reason}")]
    Retry {
        /// What happened.
        reason: String,
        /// The wait the provider asked for.
        after: Option<Duration>,
    },
    /// The provider refused the message itself.
    #[error("{reason}")]
    Permanent {
        /// The provider's reason.
        reason: String,
    },
}

/// Something that delivers messages to applicants.
pub trait Gateway: Send + Sync + std::fmt::Debug {
    /// Sends one message.
    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Sent, SendError>>;
}

/// An SMS or e-mail provider reached over HTTP.
#[derive(Clone)]
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl std::fmt::Debug for HttpGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGateway")
            .field("url", &self.url)
            .field("token", &"***")
            .finish_non_exhaustive()
    }
}

/// The longest provider reason kept (it goes to the job's record).
const MAX_REASON: usize = 500;

impl HttpGateway {
    /// A client of the provider at `url`, authenticating with `token`, giving up on an answer
    /// after `timeout`.
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

    async fn post(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(message)
            .send()
            .await
            .map_err(|e| SendError::Retry {
                reason: if e.is_timeout() {
                    "the provider did not answer in time".to_owned()
                } else {
                    format!("the provider could not be reached: {e}")
                },
                after: None,
            })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.text().await.map_err(|e| SendError::Retry {
            reason: if e.is_timeout() {
                "the provider did not finish its answer in time".to_owned()
            } else {
                format!("the provider's answer was cut: {e}")
            },
            after: None,
        })?;
        if status.is_success() {
            let id = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .ok_or_else(|| SendError::Retry {
                    reason: format!("the provider accepted the message without an id: {body}"),
                    after: None,
                })?;
            return Ok(Sent { id });
        }
        let reason = format!("the provider answered {status}: {}", reason_of(&body));
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::Retry {
                reason,
                after: retry_after,
            })
        } else {
            Err(SendError::Permanent { reason })
        }
    }
}

/// The provider's reason from its answer: its `error` or `message` field, or the text itself.
fn reason_of(body: &str) -> String {
    let text = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            ["error", "message", "reason"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_owned))
        })
        .unwrap_or_else(|| body.trim().to_owned());
    text.chars().take(MAX_REASON).collect()
}

impl Gateway for HttpGateway {
    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Sent, SendError>> {
        Box::pin(self.post(message))
    }
}
