//! Cross-site request forgery: a state-changing request made with the session cookie must come
//! from the host itself and carry the session's CSRF token.
//!
//! - `Origin` (or, without it, `Referer`), when the browser sends one, must name the request's
//!   own host (and https when the platform is served over https);
//! - the token comes in the `X-CSRF-Token` header (scripts) or the `csrf` field of a URL-encoded
//!   form (pages without JavaScript), and is compared in constant time. A `multipart/form-data`
//!   form (pages that carry files) must send the `csrf` field as its first part: only that part
//!   is read here, and the body goes on streaming to the handler, files never held in memory.
//!   Other bodies (JSON) must use the header.
//!
//! `SameSite=Lax` already keeps the cookie off most cross-site requests; these checks hold where
//! it does not (old browsers, same-site sibling hosts).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use subtle::ConstantTimeEq;

use super::Session;
use crate::AppState;
use crate::error::Failure;
use crate::i18n::Msg;

/// The header scripts send the token in.
pub const HEADER: &str = "x-csrf-token";
/// The form field pages send the token in.
pub const FIELD: &str = "csrf";

/// Whether a request method changes state (and so needs the checks).
pub(crate) fn state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn refused() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "csrf_failed",
        Msg::new(
            "Yêu cầu bị từ chối vì thiếu mã bảo vệ hợp lệ của phiên làm việc. Vui lòng tải lại trang và thử lại.",
            "The request was refused because it does not carry the valid security token of your session. Please reload the page and try again.",
        ),
    )
}

/// 403: a state-changing request sent from another site.
pub(crate) fn cross_site() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        Msg::new(
            "Yêu cầu được gửi từ một trang khác nên đã bị từ chối.",
            "The request was sent from another site and was refused.",
        ),
    )
}

/// `host` and port of the request, lowercased, the port made explicit.
fn own_authority(headers: &HeaderMap, https: bool) -> Option<(String, u16)> {
    let host = headers
        .get(header::HOST)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        (format!("[{inside}]"), after.strip_prefix(':'))
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name.to_owned(), Some(port)),
            None => (host.clone(), None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None if https => 443,
        None => 80,
    };
    Some((name, port))
}

/// Whether `Origin`/`Referer`, if present, name this host.
pub(crate) fn same_origin(headers: &HeaderMap, https: bool) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER));
    let Some(claimed) = claimed else {
        return true;
    };
    let Some(url) = claimed.to_str().ok().and_then(|s| url::Url::parse(s).ok()) else {
        // Includes `Origin: null` (sandboxed frames, some redirects): not provably this host.
        return false;
    };
    if https && url.scheme() != "https" {
        return false;
    }
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    own_authority(headers, url.scheme() == "https")
        .is_some_and(|(own, own_port)| own == host.to_ascii_lowercase() && own_port == port)
}

fn matches(expected: &str, given: &str) -> bool {
    bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The most of a multipart body read to find its first part, the `csrf` field.
const MULTIPART_PEEK: usize = 16 << 10;

/// The first part of the multipart body that starts with `head`: `Some(Some(token))` when it is
/// the complete `csrf` field, `Some(None)` when it is another part, `None` when `head` does not
/// hold the whole of it yet.
async fn first_part(headers: &HeaderMap, head: &[u8]) -> Option<Option<String>> {
    use axum::extract::FromRequest;
    let head = &head[..head.len().min(MULTIPART_PEEK)];
    let mut req = Request::new(Body::from(head.to_vec()));
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        req.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
    }
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .ok()?;
    let part = form.next_field().await.ok()??;
    if part.name() != Some(FIELD) {
        return Some(None);
    }
    part.text().await.ok().map(Some)
}

/// Checks the `csrf` field of a multipart body, read from its first part; gives the request
/// back with its whole body (what was read, then the rest as it arrives).
async fn check_multipart(expected: &str, req: Request) -> Result<Request, (HeaderMap, Failure)> {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    let mut ended = false;
    let token = loop {
        if !head.is_empty()
            && let Some(found) = first_part(&parts.headers, &head).await
        {
            break found;
        }
        if ended || head.len() >= MULTIPART_PEEK {
            break None;
        }
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return Err((parts.headers, refused())),
            None => ended = true,
        }
    };
    if !token.is_some_and(|t| matches(expected, &t)) {
        return Err((parts.headers, refused()));
    }
    let head =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(head)) },
        );
    Ok(Request::from_parts(
        parts,
        Body::from_stream(head.chain(stream)),
    ))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
}

/// Checks a state-changing request made with `session`'s cookie; gives the request back (its
/// body re-attached when it was read for the form field) or the failure to answer with.
pub(super) async fn check(
    state: &AppState,
    session: &Session,
    req: Request,
) -> Result<Request, (HeaderMap, Failure)> {
    if !same_origin(req.headers(), state.config.https) {
        return Err((req.headers().clone(), cross_site()));
    }
    let Some(expected) = session.csrf.as_deref() else {
        return Ok(req);
    };
    if let Some(given) = req.headers().get(HEADER) {
        let ok = given.to_str().is_ok_and(|g| matches(expected, g));
        return if ok {
            Ok(req)
        } else {
            Err((req.headers().clone(), refused()))
        };
    }
    if crate::api::is_multipart(req.headers()) {
        return check_multipart(expected, req).await;
    }
    if !is_form(req.headers()) {
        return Err((req.headers().clone(), refused()));
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, state.config.max_body_bytes).await else {
        return Err((parts.headers, refused()));
    };
    let ok = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FIELD)
        .is_some_and(|(_, v)| matches(expected, &v));
    if ok {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err((parts.headers, refused()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_must_be_the_request_host() {
        let host = "dichvucong.thanhhoa.localhost:8080";
        assert!(same_origin(&headers(&[("host", host)]), false), "none sent");
        assert!(same_origin(
            &headers(&[
                ("host", host),
                ("origin", "http://dichvucong.thanhhoa.localhost:8080")
            ]),
            false
        ));
        assert!(same_origin(
            &headers(&[
                ("host", host),
                (
                    "referer",
                    "http://DichVuCong.ThanhHoa.localhost:8080/dang-nhap?x=1"
                )
            ]),
            false
        ));
        for bad in [
            "http://e-services.thanhhoa.localhost:8080",
            "http://dichvucong.thanhhoa.localhost:8081",
            "http://dichvucong.thanhhoa.localhost",
            "http://evil.example",
            "null",
        ] {
            assert!(
                !same_origin(&headers(&[("host", host), ("origin", bad)]), false),
                "{bad}"
            );
        }
        let h = headers(&[
            ("host", "dichvucong.thanhhoa.gov.vn"),
            ("origin", "https://dichvucong.thanhhoa.gov.vn"),
        ]);
        assert!(same_origin(&h, true));
        let h = headers(&[
            ("host", "dichvucong.thanhhoa.gov.vn"),
            ("origin", "http://dichvucong.thanhhoa.gov.vn"),
        ]);
        assert!(!same_origin(&h, true), "plain http under https");
    }
}
