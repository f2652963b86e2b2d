//! HTTP calls to hosts the tenant allow-lists (capability `http`).
//!
//! The host makes the call, within the plugin's deadline; a host that is not on the tenant's
//! allow-list answers [`HttpError::Denied`] without any traffic.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::BusinessError;
use crate::bindings::motcua::plugin::http as wit;

/// A request to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, `PUT`, ...
    pub method: String,
    /// An absolute `https://` or `http://` URL; an https certificate must chain to an authority
    /// the platform trusts. Redirects are not followed: a 3xx is the answer.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Sets a JSON body and its `content-type`.
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        // Serializing plain data to a vector does not fail; an empty body would be refused by
        // the service, which is the right place for such a bug to show.
        let body = serde_json::to_vec(value).unwrap_or_default();
        self.header("content-type", "application/json").body(body)
    }
}

/// The answer to a [`Request`], whatever its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status (`200`, `404`, ...).
    pub status: u16,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON into `T`.
    ///
    /// # Errors
    ///
    /// `invalid-response` when the body is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, BusinessError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            BusinessError::new(
                "invalid-response",
                format!(
                    "Dịch vụ trả lời (mã {}) không đúng dạng JSON mong đợi: {e}.",
                    self.status
                ),
                format!(
                    "The service answered (status {}) with JSON of an unexpected shape: {e}.",
                    self.status
                ),
            )
        })
    }
}

/// Why a request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The host is not on the tenant's allow-list.
    Denied(String),
    /// No answer within the plugin's deadline.
    Timeout,
    /// Connection refused, bad URL, response too large, ...
    Failed(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Denied(why) => write!(f, "request denied: {why}"),
            Self::Timeout => f.write_str("no answer within the deadline"),
            Self::Failed(why) => write!(f, "request failed: {why}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<HttpError> for BusinessError {
    fn from(err: HttpError) -> Self {
        match err {
            HttpError::Denied(why) => BusinessError::new(
                "http-denied",
                format!("Đơn vị chưa cho phép gọi dịch vụ này: {why}."),
                format!("The tenant does not allow calls to this service: {why}."),
            ),
            HttpError::Timeout => BusinessError::new(
                "http-timeout",
                "Dịch vụ không trả lời kịp thời hạn.",
                "The service did not answer in time.",
            ),
            HttpError::Failed(why) => BusinessError::new(
                "http-failed",
                format!("Không gọi được dịch vụ: {why}."),
                format!("The service could not be called: {why}."),
            ),
        }
    }
}

/// Sends `request` and waits for the answer.
///
/// # Errors
///
/// [`HttpError`] when there is no answer; any status, 4xx and 5xx included, is a [`Response`].
pub fn fetch(request: Request) -> Result<Response, HttpError> {
    let raw = wit::Request {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
    };
    match wit::fetch(&raw) {
        Ok(r) => Ok(Response {
            status: r.status,
            headers: r.headers,
            body: r.body,
        }),
        Err(wit::Error::Denied(why)) => Err(HttpError::Denied(why)),
        Err(wit::Error::Timeout) => Err(HttpError::Timeout),
        Err(wit::Error::Failed(why)) => Err(HttpError::Failed(why)),
    }
}

/// Sends a `GET` to `url`.
///
/// # Errors
///
/// As [`fetch`].
pub fn get(url: &str) -> Result<Response, HttpError> {
    fetch(Request::get(url))
}
