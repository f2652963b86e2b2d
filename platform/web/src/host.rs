//! Every tenant request starts here: the `Host` header names the tenant and the language.
//!
//! `dichvucong.*` hosts speak Vietnamese, `e-services.*` English; aliases redirect (308, method
//! and body kept) to the primary host of their language; an unknown host gets a bare 404 that
//! names no tenant, so probing hosts reveals nothing about who is served here.

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::lang::Lang;
use motcua_core::tenant::System;

use crate::AppState;
use crate::error::Failure;
use crate::i18n::{Msg, labels};
use crate::sites::TenantSite;

/// The tenant, language and system of the request.
#[derive(Clone, Debug)]
pub struct Site {
    /// The tenant.
    pub tenant: Arc<TenantSite>,
    /// The language of the host.
    pub lang: Lang,
    /// The system the host serves: the public portal or the officials' one-stop system.
    pub system: System,
}

impl Site {
    /// The tenant as the platform's own workers (timers, plugins, commands) act on it: the
    /// one-stop system, messages in `lang`.
    pub fn internal(tenant: Arc<TenantSite>, lang: Lang) -> Self {
        Self {
            tenant,
            lang,
            system: System::OneStop,
        }
    }
}

impl From<crate::sites::Binding> for Site {
    fn from(b: crate::sites::Binding) -> Self {
        Self {
            tenant: b.site,
            lang: b.lang,
            system: b.system,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Site {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<Site>()
            .cloned()
            .ok_or_else(unknown_host)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Site {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Site>().cloned())
    }
}

fn unknown_host() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        "Not Found\n",
    )
        .into_response()
}

/// The host a request was sent to: the `Host` header, or the authority of an HTTP/2 request.
fn request_host(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
}

/// Resolves the tenant of the request or answers without involving any handler.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(host) = request_host(&req) else {
        return unknown_host();
    };
    let Some(binding) = state.sites.resolve(host) else {
        return unknown_host();
    };
    if !binding.primary {
        let port = host
            .rsplit_once(':')
            .map(|(_, p)| p)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
        let target = format!(
            "{}://{}{}{}",
            if state.config.https { "https" } else { "http" },
            binding.site.host_of(binding.system, binding.lang),
            port.map(|p| format!(":{p}")).unwrap_or_default(),
            req.uri().path_and_query().map_or("/", |pq| pq.as_str()),
        );
        return Redirect::permanent(&target).into_response();
    }
    if binding.site.suspended {
        let failure = Failure {
            retry_after: None,
            ..Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "tenant_suspended",
                Msg::new(labels(Lang::Vi).suspended, labels(Lang::En).suspended),
            )
        };
        return if req.uri().path().starts_with("/api/") {
            failure.json(binding.lang)
        } else {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                failure.message.get(binding.lang).to_owned(),
            )
                .into_response()
        };
    }
    req.extensions_mut().insert(Site {
        tenant: binding.site,
        lang: binding.lang,
        system: binding.system,
    });
    next.run(req).await
}
