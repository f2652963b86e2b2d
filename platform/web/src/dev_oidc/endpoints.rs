//! The development provider's endpoints: discovery, JWKS, the authorize page (pick a demo
//! citizen), token and userinfo.

use std::collections::BTreeMap;
use std::time::Duration;

use askama::Template;
use axum::Json;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Utc;
use motcua_core::lang::Lang;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{
    AccessToken, Audience, AuthenticationContextClass, AuthorizationCode, ClientId, CsrfToken,
    EndUserName, IdTokenClaims, IssuerUrl, Nonce, PrivateSigningKey, StandardClaims,
    SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use url::Url;

use super::{CLIENT_ID, DevProvider, citizens};
use crate::AppState;
use crate::oidc::{CALLBACK_PATH, CitizenClaims, CitizenIdToken};
use crate::pages::render;

/// How long a code may wait for its exchange.
const CODE_TTL: Duration = Duration::from_secs(60);
/// How long an access token (and so userinfo) is good for.
const ACCESS_TTL: Duration = Duration::from_secs(600);
/// How long an ID token is valid.
const ID_TOKEN_MINUTES: i64 = 5;

fn provider(state: &AppState) -> Option<&DevProvider> {
    state.dev_oidc.as_ref()
}

fn not_enabled() -> Response {
    (StatusCode::NOT_FOUND, "Not Found\n").into_response()
}

/// `GET /dev-oidc/.well-known/openid-configuration`.
pub(super) async fn discovery(State(state): State<AppState>) -> Response {
    let Some(dev) = provider(&state) else {
        return not_enabled();
    };
    let issuer = dev.issuer();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": ["openid", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "acr", "auth_time", dev.inner.citizen_id_claim],
        "acr_values_supported": ["LoA1", "LoA2"],
        "ui_locales_supported": ["vi", "en"],
        "authorization_response_iss_parameter_supported": true,
    }))
    .into_response()
}

/// `GET /dev-oidc/jwks`.
pub(super) async fn jwks(State(state): State<AppState>) -> Response {
    let Some(dev) = provider(&state) else {
        return not_enabled();
    };
    Json(CoreJsonWebKeySet::new(vec![
        dev.inner.key.as_verification_key(),
    ]))
    .into_response()
}

/// An authorization request, as the query of `GET /authorize` or the hidden fields of the page.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(super) struct AuthorizeParams {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    nonce: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
    #[serde(default)]
    acr_values: String,
    #[serde(default)]
    ui_locales: String,
}

impl AuthorizeParams {
    fn lang(&self) -> Lang {
        match self.ui_locales.split_whitespace().next() {
            Some(tag) if tag.starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }
}

/// The citizen's choice on the authorize page.
#[derive(Debug, Deserialize)]
pub(super) struct Decision {
    #[serde(flatten)]
    params: AuthorizeParams,
    citizen: Option<String>,
    cancel: Option<String>,
}

/// Why an authorization request is refused.
enum Refused {
    /// A bad client or redirect URI: an error page (never redirect there).
    Page(&'static str, &'static str),
    /// Anything else: back to the client with `error` and a description, as OAuth 2.0
    /// prescribes.
    Back(Box<Url>, &'static str, &'static str),
}

impl Refused {
    fn respond(self, dev: &DevProvider, p: &AuthorizeParams) -> Response {
        let lang = p.lang();
        match self {
            Self::Page(vi, en) => error_page(lang, StatusCode::BAD_REQUEST, lang.pick(vi, en)),
            Self::Back(redirect, error, description) => back(
                dev,
                *redirect,
                &p.state,
                &[("error", error), ("error_description", description)],
            ),
        }
    }
}

/// Checks a request and returns where to send the citizen back.
fn check(state: &AppState, p: &AuthorizeParams) -> Result<Url, Refused> {
    if p.client_id != CLIENT_ID {
        return Err(Refused::Page(
            "Ứng dụng không được đăng ký.",
            "Unknown client.",
        ));
    }
    let Some(redirect) = Url::parse(&p.redirect_uri)
        .ok()
        .filter(|u| tenant_callback(state, u))
    else {
        return Err(Refused::Page(
            "Địa chỉ chuyển hướng không phải /auth/callback của một cổng dịch vụ công trên máy chủ này.",
            "The redirect URI is not the /auth/callback of a portal served here.",
        ));
    };
    let problem = if p.response_type != "code" {
        Some((
            "unsupported_response_type",
            "only the code flow is supported",
        ))
    } else if !p.scope.split_whitespace().any(|s| s == "openid") {
        Some(("invalid_scope", "the openid scope is required"))
    } else if p.code_challenge.is_empty() || p.code_challenge_method != "S256" {
        Some(("invalid_request", "PKCE with S256 is required"))
    } else if p.nonce.is_empty() {
        Some(("invalid_request", "a nonce is required"))
    } else {
        None
    };
    match problem {
        Some((error, description)) => Err(Refused::Back(Box::new(redirect), error, description)),
        None => Ok(redirect),
    }
}

/// Whether `url` is the callback of a tenant's primary host on this node.
fn tenant_callback(state: &AppState, url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    matches!(url.scheme(), "http" | "https")
        && url.path() == CALLBACK_PATH
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && state.sites.resolve(&authority).is_some_and(|b| b.primary)
}

/// A redirect back to the relying party with `params`, the state and the issuer.
fn back(dev: &DevProvider, mut redirect: Url, state: &str, params: &[(&str, &str)]) -> Response {
    {
        let mut query = redirect.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
        if !state.is_empty() {
            query.append_pair("state", state);
        }
        query.append_pair("iss", dev.issuer());
    }
    match HeaderValue::from_str(redirect.as_str()) {
        Ok(location) => (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

struct CitizenRow {
    subject: &'static str,
    name: &'static str,
    citizen_id: &'static str,
    acr: &'static str,
}

#[derive(Template)]
#[template(path = "dev_oidc/authorize.html")]
struct AuthorizePage {
    lang: &'static str,
    en: bool,
    params: AuthorizeParams,
    citizens: Vec<CitizenRow>,
    requested_acr: String,
}

#[derive(Template)]
#[template(path = "dev_oidc/error.html")]
struct ErrorPage {
    lang: &'static str,
    en: bool,
    message: &'static str,
}

fn error_page(lang: Lang, status: StatusCode, message: &'static str) -> Response {
    let page = ErrorPage {
        lang: lang.tag(),
        en: lang == Lang::En,
        message,
    };
    (status, render(&page)).into_response()
}

/// `GET /dev-oidc/authorize`: the page to pick a demo citizen.
pub(super) async fn authorize_page(
    State(state): State<AppState>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let Some(dev) = provider(&state) else {
        return not_enabled();
    };
    let redirect = match check(&state, &params) {
        Ok(r) => r,
        Err(refused) => return refused.respond(dev, &params),
    };
    let lang = params.lang();
    let page = AuthorizePage {
        lang: lang.tag(),
        en: lang == Lang::En,
        citizens: citizens::DEMO_CITIZENS
            .iter()
            .map(|c| CitizenRow {
                subject: c.subject,
                name: c.name,
                citizen_id: c.citizen_id,
                acr: c.acr,
            })
            .collect(),
        requested_acr: params.acr_values.clone(),
        params,
    };
    let mut response = render(&page);
    // The choice is posted here and answered with a redirect to the portal's host: allow that
    // one origin as a form target (browsers apply `form-action` to the redirect too).
    let csp = format!(
        "default-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self' {}",
        redirect.origin().ascii_serialization()
    );
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a code stands for until it is exchanged.
#[derive(Debug, Serialize, Deserialize)]
struct Grant {
    redirect_uri: String,
    code_challenge: String,
    nonce: String,
    subject: String,
    auth_time: i64,
}

/// `POST /dev-oidc/authorize`: the citizen chose (or cancelled).
pub(super) async fn authorize_decision(
    State(state): State<AppState>,
    Form(decision): Form<Decision>,
) -> Response {
    let Some(dev) = provider(&state) else {
        return not_enabled();
    };
    let p = &decision.params;
    let redirect = match check(&state, p) {
        Ok(r) => r,
        Err(refused) => return refused.respond(dev, p),
    };
    if decision.cancel.is_some() {
        return back(
            dev,
            redirect,
            &p.state,
            &[
                ("error", "access_denied"),
                ("error_description", "the citizen cancelled"),
            ],
        );
    }
    let Some(citizen) = decision.citizen.as_deref().and_then(citizens::find) else {
        return back(
            dev,
            redirect,
            &p.state,
            &[
                ("error", "invalid_request"),
                ("error_description", "no demo citizen chosen"),
            ],
        );
    };
    let code = CsrfToken::new_random_len(32).into_secret();
    let grant = Grant {
        redirect_uri: p.redirect_uri.clone(),
        code_challenge: p.code_challenge.clone(),
        nonce: p.nonce.clone(),
        subject: citizen.subject.to_owned(),
        auth_time: Utc::now().timestamp(),
    };
    let stored = match serde_json::to_vec(&grant) {
        Ok(bytes) => state
            .cache
            .set(&format!("dev-oidc:code:{code}"), &bytes, CODE_TTL)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = stored {
        tracing::warn!(error = %e, "development provider: cannot store the code");
        return back(
            dev,
            redirect,
            &p.state,
            &[("error", "temporarily_unavailable")],
        );
    }
    back(dev, redirect, &p.state, &[("code", &code)])
}

/// A token request.
#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    code_verifier: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"dev-oidc\""),
        );
    }
    response
}

/// The client credentials of a token request: HTTP Basic (each part form-encoded, as RFC 6749
/// says) or in the body.
fn client_credentials(headers: &HeaderMap, form: &TokenForm) -> Option<(String, String)> {
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let bytes = STANDARD.decode(basic.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (id, secret) = text.split_once(':')?;
        return Some((decode(id)?, decode(secret)?));
    }
    Some((form.client_id.clone()?, form.client_secret.clone()?))
}

/// `POST /dev-oidc/token`: a code for an ID token and an access token.
pub(super) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let Some(dev) = provider(&state) else {
        return not_enabled();
    };
    match client_credentials(&headers, &form) {
        Some((id, secret)) if id == CLIENT_ID && secret == dev.inner.client_secret => {}
        _ => {
            return token_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unknown client or wrong secret",
            );
        }
    }
    if form.grant_type != "authorization_code" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only authorization_code",
        );
    }
    let key = format!("dev-oidc:code:{}", form.code);
    let first_use = state
        .cache
        .incr(&format!("dev-oidc:code-used:{}", form.code), CODE_TTL)
        .await
        .is_ok_and(|n| n == 1);
    let grant: Option<Grant> = match state.cache.get(&key).await {
        Ok(bytes) => bytes.and_then(|b| serde_json::from_slice(&b).ok()),
        Err(e) => {
            tracing::warn!(error = %e, "development provider: cache unavailable");
            return token_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "try again",
            );
        }
    };
    let _ = state.cache.delete(&key).await;
    let Some(grant) = grant.filter(|_| first_use) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "unknown, expired or used code",
        );
    };
    if grant.redirect_uri != form.redirect_uri {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "redirect_uri differs",
        );
    }
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(form.code_verifier.as_bytes()));
    if form.code_verifier.is_empty() || challenge != grant.code_challenge {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "PKCE verification failed",
        );
    }
    let Some(citizen) = citizens::find(&grant.subject) else {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown citizen");
    };
    let access = AccessToken::new(CsrfToken::new_random_len(32).into_secret());
    let id_token = match id_token(dev, citizen, &grant, &access, &form.code) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "development provider: cannot sign an ID token");
            return token_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "signing failed",
            );
        }
    };
    if let Err(e) = state
        .cache
        .set(
            &format!("dev-oidc:access:{}", access.secret()),
            citizen.subject.as_bytes(),
            ACCESS_TTL,
        )
        .await
    {
        tracing::warn!(error = %e, "development provider: cache unavailable");
        return token_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "try again",
        );
    }
    let mut response = Json(json!({
        "access_token": access.secret(),
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL.as_secs(),
        "id_token": id_token,
        "scope": "openid profile",
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn id_token(
    dev: &DevProvider,
    citizen: &citizens::DemoCitizen,
    grant: &Grant,
    access: &AccessToken,
    code: &str,
) -> Result<String, String> {
    let now = Utc::now();
    let issuer = IssuerUrl::new(dev.issuer().to_owned()).map_err(|e| e.to_string())?;
    let mut extra = BTreeMap::new();
    extra.insert(
        dev.inner.citizen_id_claim.clone(),
        json!(citizen.citizen_id),
    );
    let claims = IdTokenClaims::new(
        issuer,
        vec![Audience::new(CLIENT_ID.to_owned())],
        now + chrono::Duration::minutes(ID_TOKEN_MINUTES),
        now,
        StandardClaims::new(SubjectIdentifier::new(citizen.subject.to_owned()))
            .set_name(Some(EndUserName::new(citizen.name.to_owned()).into())),
        CitizenClaims { claims: extra },
    )
    .set_nonce(Some(Nonce::new(grant.nonce.clone())))
    .set_auth_context_ref(Some(AuthenticationContextClass::new(
        citizen.acr.to_owned(),
    )))
    .set_auth_time(chrono::DateTime::from_timestamp(grant.auth_time, 0))
    .set_authorized_party(Some(ClientId::new(CLIENT_ID.to_owned())));
    CitizenIdToken::new(
        claims,
        &dev.inner.key,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        Some(access),
        Some(&AuthorizationCode::new(code.to_owned())),
    )
    .map(|t| t.to_string())
    .map_err(|e| e.to_string())
}

/// `GET|POST /dev-oidc/userinfo`: the citizen of a bearer access token.
pub(super) async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(dev) = provider(&state) else {
        return not_enabled();
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let subject = match state.cache.get(&format!("dev-oidc:access:{token}")).await {
        Ok(Some(bytes)) => String::from_utf8(bytes).ok(),
        _ => None,
    };
    let Some(citizen) = subject.as_deref().and_then(citizens::find) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            )],
        )
            .into_response();
    };
    let mut body = serde_json::Map::new();
    body.insert("sub".into(), json!(citizen.subject));
    body.insert("name".into(), json!(citizen.name));
    body.insert(
        dev.inner.citizen_id_claim.clone(),
        json!(citizen.citizen_id),
    );
    Json(serde_json::Value::Object(body)).into_response()
}

/// `GET /dev-oidc/style.css`.
pub(super) async fn style() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        include_str!("../../static/dev-oidc.css"),
    )
        .into_response()
}
