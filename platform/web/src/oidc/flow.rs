//! The two steps of a sign-in on a tenant host: `GET /auth/sign-in` sends the citizen to the
//! provider, `GET /auth/callback` takes them back, signed in.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AuthType, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, LanguageTag, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
    UserInfoError,
};
use serde::Deserialize;

use super::failure::SignInFailure;
use super::provider::error_chain;
use super::transaction::{self, Claim, Purpose, Transaction};
use super::verify::{self, CitizenClaims, CitizenUserInfo, Expected, TokenRefusal, VerifiedClaims};
use super::{CALLBACK_PATH, ClientAuth, RelyingParty};
use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::session::{NewSession, Principal, Sessions};

/// A client of the provider, built from its discovery document.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

#[derive(Debug, Deserialize)]
pub(super) struct SignInQuery {
    /// The local page to come back to.
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /auth/sign-in`: starts a sign-in and redirects to the provider.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let Some(rp) = state.citizen_sign_in.clone() else {
        return SignInFailure::NotEnabled.respond(&state, &site, &headers);
    };
    match start(&state, &rp, &site, &headers, query).await {
        Ok(response) => response,
        Err(failure) => failure.respond(&state, &site, &headers),
    }
}

async fn start(
    state: &AppState,
    rp: &RelyingParty,
    site: &Site,
    headers: &HeaderMap,
    query: SignInQuery,
) -> Result<Response, SignInFailure> {
    begin(
        state,
        rp,
        site,
        headers,
        Purpose::Citizen,
        CALLBACK_PATH,
        safe_return(query.return_to.as_deref()),
    )
    .await
}

/// Starts a sign-in of `purpose` whose callback is `callback_path` on the host of `site`:
/// stores the transaction and answers with the redirect to the provider.
pub(super) async fn begin(
    state: &AppState,
    rp: &RelyingParty,
    site: &Site,
    headers: &HeaderMap,
    purpose: Purpose,
    callback_path: &'static str,
    return_to: String,
) -> Result<Response, SignInFailure> {
    let settings = rp.settings();
    let metadata = rp
        .inner
        .provider
        .metadata()
        .await
        .map_err(SignInFailure::ProviderUnavailable)?;
    let redirect_uri = redirect_uri(state, site, headers, callback_path);
    let client = client(rp, &metadata, &redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .add_ui_locale(LanguageTag::new(site.lang.tag().to_owned()));
    for scope in settings.scopes.iter().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    for acr in &settings.acr_values {
        request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
    }
    let (url, csrf, nonce) = request.url();
    let tx = Transaction {
        purpose,
        tenant: site.tenant.id.0,
        state: csrf.into_secret(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.into_secret(),
        redirect_uri,
        return_to,
    };
    let id = transaction::store(state.cache.as_ref(), &tx)
        .await
        .map_err(|e| SignInFailure::Unavailable(e.to_string()))?;
    let location = HeaderValue::from_str(url.as_str())
        .map_err(|e| SignInFailure::ProviderUnavailable(format!("authorization URL: {e}")))?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (
                header::SET_COOKIE,
                transaction::cookie(&id, state.config.https, callback_path),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}

/// The authorization response, as the provider sends the browser back.
#[derive(Debug, Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// The issuer (RFC 9207), from providers that send it.
    iss: Option<String>,
}

/// `GET /auth/callback`: finishes the sign-in and redirects to the page the citizen came from.
pub(super) async fn callback(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(rp) = state.citizen_sign_in.clone() else {
        return SignInFailure::NotEnabled.respond(&state, &site, &headers);
    };
    match finish(&state, &rp, &site, &headers, query).await {
        Ok(response) => response,
        Err(failure) => failure.respond(&state, &site, &headers),
    }
}

/// What a callback proved: the transaction it finished, the verified ID token's claims (level of
/// assurance checked), and the provider's userinfo when it has the endpoint.
pub(super) struct Verified {
    /// The transaction, spent.
    pub tx: Transaction,
    /// The ID token's claims.
    pub claims: VerifiedClaims,
    /// Userinfo.
    pub userinfo: Option<CitizenUserInfo>,
}

/// Checks a callback of `purpose`: takes its transaction once, checks `state`, the tenant and
/// the issuer, exchanges the code (with the PKCE verifier), verifies the ID token against the
/// provider's keys and the level of assurance, and reads userinfo.
pub(super) async fn verify_callback(
    state: &AppState,
    rp: &RelyingParty,
    site: &Site,
    headers: &HeaderMap,
    query: CallbackQuery,
    purpose: Purpose,
) -> Result<Verified, SignInFailure> {
    let id = transaction::id_from(headers).ok_or(SignInFailure::TransactionMissing)?;
    let tx = match transaction::claim(state.cache.as_ref(), &id)
        .await
        .map_err(|e| SignInFailure::Unavailable(e.to_string()))?
    {
        Claim::Found(tx) => tx,
        Claim::Missing => return Err(SignInFailure::TransactionMissing),
        Claim::Spent => return Err(SignInFailure::Replayed),
    };
    if tx.purpose != purpose {
        return Err(SignInFailure::StateMismatch(format!(
            "a {:?} transaction came to the {purpose:?} callback",
            tx.purpose
        )));
    }
    if tx.tenant != site.tenant.id.0 {
        return Err(SignInFailure::StateMismatch(
            "the callback came to another tenant's host".to_owned(),
        ));
    }
    if query.state.as_deref() != Some(tx.state.as_str()) {
        return Err(SignInFailure::StateMismatch(
            "the state parameter is not the transaction's".to_owned(),
        ));
    }
    if let Some(iss) = &query.iss
        && iss != rp.inner.issuer.as_str()
    {
        return Err(SignInFailure::Rejected(format!(
            "the authorization response names the issuer `{iss}`"
        )));
    }
    if let Some(error) = query.error {
        let description = query.error_description.unwrap_or_default();
        return Err(if error == "access_denied" {
            SignInFailure::Cancelled(description)
        } else {
            SignInFailure::ProviderError(format!("{error}: {description}"))
        });
    }
    let code = query.code.ok_or_else(|| {
        SignInFailure::ProviderError("the authorization response has no code".to_owned())
    })?;

    let settings = rp.settings();
    let mut metadata = rp
        .inner
        .provider
        .metadata()
        .await
        .map_err(SignInFailure::ProviderUnavailable)?;
    let client = client(rp, &metadata, &tx.redirect_uri)?;
    let http = rp.inner.provider.http();
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| SignInFailure::ProviderUnavailable(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(tx.pkce_verifier.clone()))
        .request_async(http)
        .await
        .map_err(|e| match e {
            RequestTokenError::Request(e) => SignInFailure::ProviderUnavailable(error_chain(&e)),
            RequestTokenError::Parse(e, _) => {
                SignInFailure::Rejected(format!("token answer: {}", error_chain(&e)))
            }
            e => SignInFailure::ProviderError(format!("token endpoint: {}", error_chain(&e))),
        })?;
    let raw = token
        .id_token()
        .ok_or_else(|| SignInFailure::Rejected("the token answer has no ID token".to_owned()))?
        .to_string();

    let nonce = Nonce::new(tx.nonce.clone());
    let verify = |metadata: &CoreProviderMetadata| {
        verify::id_token(
            &raw,
            metadata.jwks(),
            &verify::accepted_algs(metadata.id_token_signing_alg_values_supported()),
            &Expected {
                issuer: &rp.inner.issuer,
                client_id: &settings.client_id,
                nonce: &nonce,
                now: Utc::now(),
            },
        )
    };
    let claims = match verify(&metadata) {
        Err(TokenRefusal::UnknownKey) => {
            // The provider may have rotated its keys since the document was cached.
            if let Some(fresh) = rp.inner.provider.refetch_for_keys(&metadata).await {
                metadata = fresh;
            }
            verify(&metadata)
        }
        other => other,
    }
    .map_err(|e| SignInFailure::Rejected(e.to_string()))?;

    let policy = settings.acr_policy();
    let acr = claims.auth_context_ref().map(|a| a.to_string());
    if !policy.accepts(acr.as_deref()) {
        return Err(SignInFailure::AssuranceTooLow {
            got: acr,
            required: policy.lowest(),
        });
    }

    let userinfo = if metadata.userinfo_endpoint().is_some() {
        let client = self::client(rp, &metadata, &tx.redirect_uri)?;
        let request = client
            .user_info(token.access_token().clone(), Some(claims.subject().clone()))
            .map_err(|e| SignInFailure::ProviderUnavailable(e.to_string()))?;
        let info = request
            .request_async::<CitizenClaims, _, CoreGenderClaim>(http)
            .await
            .map_err(|e| match e {
                UserInfoError::Request(e) => {
                    SignInFailure::ProviderUnavailable(format!("userinfo: {}", error_chain(&e)))
                }
                UserInfoError::ClaimsVerification(e) => {
                    SignInFailure::Rejected(format!("userinfo: {}", error_chain(&e)))
                }
                e => SignInFailure::ProviderError(format!("userinfo: {}", error_chain(&e))),
            })?;
        Some(info)
    } else {
        None
    };
    Ok(Verified {
        tx,
        claims,
        userinfo,
    })
}

async fn finish(
    state: &AppState,
    rp: &RelyingParty,
    site: &Site,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<Response, SignInFailure> {
    let Verified {
        tx,
        claims,
        userinfo,
    } = verify_callback(state, rp, site, headers, query, Purpose::Citizen).await?;
    let settings = rp.settings();
    let identity = verify::identity(
        &rp.inner.issuer,
        &claims,
        userinfo.as_ref(),
        &settings.citizen_id_claim,
    );
    tracing::info!(
        tenant = %site.tenant.manifest.slug,
        subject = %identity.subject,
        acr = ?identity.acr,
        has_citizen_id = identity.citizen_id.is_some(),
        "citizen signed in"
    );
    let session = Sessions::create(state, site, Principal::Citizen(identity))
        .await
        .map_err(SignInFailure::Platform)?;
    Ok(signed_in(state, &session, &tx.return_to, CALLBACK_PATH))
}

/// The answer that ends a sign-in: the session's cookie set, the transaction's cookie (of the
/// callback at `callback_path`) removed, and the browser sent to `return_to`.
pub(super) fn signed_in(
    state: &AppState,
    session: &NewSession,
    return_to: &str,
    callback_path: &str,
) -> Response {
    let location = HeaderValue::from_str(return_to).unwrap_or(HeaderValue::from_static("/"));
    let mut response = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response();
    let h = response.headers_mut();
    h.append(header::SET_COOKIE, session.set_cookie.clone());
    h.append(
        header::SET_COOKIE,
        transaction::clear_cookie(state.config.https, callback_path),
    );
    response
}

/// A client of the provider for one redirect URI.
fn client(
    rp: &RelyingParty,
    metadata: &CoreProviderMetadata,
    redirect_uri: &str,
) -> Result<Client, SignInFailure> {
    let settings = rp.settings();
    let redirect = RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| {
        SignInFailure::Platform(Failure::internal(&format!(
            "redirect URI `{redirect_uri}`: {e}"
        )))
    })?;
    Ok(CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(settings.client_secret.0.clone())),
    )
    .set_redirect_uri(redirect)
    .set_auth_type(match settings.client_auth {
        ClientAuth::Basic => AuthType::BasicAuth,
        ClientAuth::Post => AuthType::RequestBody,
    }))
}

/// `<scheme>://<primary host of the site's system and language>[:port]<callback_path>`: the
/// callback on the host the browser is on (the request's host is a primary host: aliases were
/// redirected).
fn redirect_uri(state: &AppState, site: &Site, headers: &HeaderMap, callback_path: &str) -> String {
    let port = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    format!(
        "{}://{}{port}{callback_path}",
        if state.config.https { "https" } else { "http" },
        site.tenant.host_of(site.system, site.lang)
    )
}

/// The page to return to: a local path of this host, never another site (an open redirect) nor
/// a sign-in step itself (everything under `/auth/`: the citizens' and the officials').
pub(super) fn safe_return(requested: Option<&str>) -> String {
    match requested {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path.len() <= 1024
                && !path.bytes().any(|b| b.is_ascii_control() || b == b'\\')
                && !path.starts_with("/auth/") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_return(Some("/lookup?code=1")), "/lookup?code=1");
        for bad in [
            None,
            Some(""),
            Some("https://evil.example/"),
            Some("//evil.example/"),
            Some("/\\evil.example"),
            Some("/a\r\nSet-Cookie: x=1"),
            Some("/auth/callback?code=x"),
            Some("/auth/sign-in"),
            Some("lookup"),
        ] {
            assert_eq!(safe_return(bad), "/", "{bad:?}");
        }
    }
}
