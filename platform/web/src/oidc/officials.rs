//! Officials' sign-in through their tenant's own OpenID provider, when the tenant's manifest
//! configures one (`official_sign_in:`, see docs/tenant-onboarding.md).
//!
//! The same authorization-code flow as citizens' sign-in ([`super::flow`]: PKCE, `state` and
//! `nonce` in a single-use transaction, the ID token verified against the provider's keys, the
//! level of assurance), on any host of the tenant, with its own paths and transaction kind so
//! that a citizen's transaction never finishes an official's sign-in:
//! 1. `GET /auth/officials/sign-in?return=/path` sends the official to the tenant's provider;
//! 2. `GET /auth/officials/callback` verifies the answer, then finds the official: the claim the
//!    manifest names (`account_claim`) must match an **existing** account of the tenant — its
//!    username, or its e-mail address when the claim is `email`. Nobody is created here.
//!    The account must be neither disabled nor locked. The first sign-in links the provider's
//!    subject (`sub`) to the account; every later one must come with the same subject, so a
//!    person at the provider who takes over someone's username gains nothing.
//!
//! The session is an official's session like after a password sign-in (bound to the host,
//! ended by sign-out, a new password, disabling or a role change); the forced password change
//! and the TOTP step do not apply: the password is not used, the provider authenticates.
//!
//! The client secret of each tenant's provider is platform configuration
//! (`official_sign_in.client_secrets.<slug>`), never in the manifest: [`OfficialProviders`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_core::lang::Lang;
use motcua_core::tenant::{OfficialSignIn, TenantManifest};
use motcua_store::accounts::{self, Holder};
use motcua_store::official_subjects::{self, Link};
use serde::Deserialize;

use super::failure::SignInFailure;
use super::flow::{self, CallbackQuery, Verified};
use super::transaction::{self, Purpose};
use super::verify::{CitizenUserInfo, VerifiedClaims};
use super::{ClientAuth, ClientSecret, RelyingParty, Settings};
use crate::AppState;
use crate::accounts::paths;
use crate::client::ClientIp;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, render};
use crate::session::{Principal, Sessions};

/// The path that starts an official's sign-in through the tenant's provider.
pub const OFFICIAL_SIGN_IN_PATH: &str = "/auth/officials/sign-in";

/// The callback of officials' sign-in on every host of a tenant that configures a provider: the
/// redirect URI to register there is `<scheme>://<host>[:port]` followed by this.
pub const OFFICIAL_CALLBACK_PATH: &str = "/auth/officials/callback";

/// Sign-in attempts through the provider allowed per client per minute (as with passwords).
const PER_CLIENT_PER_MINUTE: u32 = crate::accounts::PER_CLIENT_PER_MINUTE;

/// The officials' providers of the tenants: their client secrets, from the platform's
/// configuration by tenant slug, and the relying parties, built at their first use and rebuilt
/// when the tenant's manifest changes them.
#[derive(Clone, Debug, Default)]
pub struct OfficialProviders {
    secrets: Arc<BTreeMap<String, ClientSecret>>,
    parties: Arc<Mutex<HashMap<String, (OfficialSignIn, RelyingParty)>>>,
}

/// A tenant configures a provider for its officials but the platform has no secret for it.
#[derive(Debug, thiserror::Error)]
#[error(
    "tenant `{slug}`: official_sign_in names the provider {issuer} but no client secret is configured for it; set official_sign_in.client_secrets.{key} (environment: MOTCUA__OFFICIAL_SIGN_IN__CLIENT_SECRETS__{env})"
)]
pub struct MissingSecret {
    /// The tenant.
    pub slug: String,
    /// The provider's issuer.
    pub issuer: String,
    /// The configuration key.
    pub key: String,
    /// The environment variable's last part.
    pub env: String,
}

/// The configuration key of a tenant's secret: the slug with `_` for `-` (environment variable
/// names cannot hold dashes).
fn secret_key(slug: &str) -> String {
    slug.replace('-', "_").to_ascii_lowercase()
}

impl OfficialProviders {
    /// The providers with `secrets` by tenant slug (`-` or `_` alike).
    pub fn new(secrets: BTreeMap<String, ClientSecret>) -> Self {
        let secrets = secrets
            .into_iter()
            .map(|(slug, secret)| (secret_key(&slug), secret))
            .collect();
        Self {
            secrets: Arc::new(secrets),
            parties: Arc::default(),
        }
    }

    /// The client secret of tenant `slug`'s provider.
    pub fn secret(&self, slug: &str) -> Option<&ClientSecret> {
        self.secrets.get(&secret_key(slug))
    }

    /// Refuses a tenant whose manifest names a provider the platform has no secret for (checked
    /// at start-up, so that the mistake is found before an official meets it).
    pub fn check<'a>(
        &self,
        manifests: impl IntoIterator<Item = &'a TenantManifest>,
    ) -> Result<(), MissingSecret> {
        for m in manifests {
            if let Some(o) = &m.official_sign_in
                && self.secret(m.slug.as_str()).is_none()
            {
                let key = secret_key(m.slug.as_str());
                return Err(MissingSecret {
                    slug: m.slug.to_string(),
                    issuer: o.issuer.clone(),
                    env: key.to_ascii_uppercase(),
                    key,
                });
            }
        }
        Ok(())
    }

    /// The relying party of `slug`'s provider as `config` describes it.
    fn party(&self, slug: &str, config: &OfficialSignIn) -> Result<RelyingParty, OfficialFailure> {
        let mut parties = self
            .parties
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((seen, rp)) = parties.get(slug)
            && seen == config
        {
            return Ok(rp.clone());
        }
        let secret = self
            .secret(slug)
            .ok_or_else(|| OfficialFailure::NoSecret(slug.to_owned()))?;
        let rp = RelyingParty::new(Settings {
            issuer: config.issuer.clone(),
            client_id: config.client_id.clone(),
            client_secret: secret.clone(),
            client_auth: ClientAuth::Basic,
            acr_values: config.acr_values.clone(),
            acr_order: Vec::new(),
            citizen_id_claim: String::new(),
            scopes: ["openid", "profile", "email"].map(String::from).to_vec(),
        })
        .map_err(|e| OfficialFailure::Flow(SignInFailure::ProviderUnavailable(e.to_string())))?;
        parties.insert(slug.to_owned(), (config.clone(), rp.clone()));
        Ok(rp)
    }
}

/// Whether the tenant of `site` has turned password sign-in off for its officials.
pub(crate) fn passwords_off(site: &Site) -> bool {
    site.tenant
        .manifest
        .official_sign_in
        .as_ref()
        .is_some_and(|o| !o.password_sign_in)
}

/// The refusal of a password sign-in where the tenant turned passwords off.
pub(crate) fn passwords_off_failure(site: &Site) -> Failure {
    let name = |lang| provider_name(site, lang);
    Failure::new(
        StatusCode::FORBIDDEN,
        "password_sign_in_off",
        Msg::new(
            format!(
                "Cán bộ của đơn vị này đăng nhập bằng tài khoản {}, không dùng mật khẩu.",
                name(Lang::Vi)
            ),
            format!(
                "Officials of this agency sign in with their {} account, not with a password.",
                name(Lang::En)
            ),
        ),
    )
}

/// The provider's name in `lang`, as the manifest gives it.
fn provider_name(site: &Site, lang: Lang) -> String {
    site.tenant
        .manifest
        .official_sign_in
        .as_ref()
        .map(|o| o.name.get(lang).to_owned())
        .unwrap_or_default()
}

/// The sign-in button of the officials' sign-in page, when the tenant has a provider.
#[derive(Clone, Debug)]
pub struct ProviderButton {
    /// "Đăng nhập bằng tài khoản <provider>" | "Sign in with <provider>".
    pub label: String,
    /// Where it leads (the return path kept).
    pub url: String,
    /// Whether the password form is shown beside it.
    pub password_sign_in: bool,
}

/// The button for `site`, keeping `return_to`.
pub fn button(site: &Site, return_to: &str) -> Option<ProviderButton> {
    let o = site.tenant.manifest.official_sign_in.as_ref()?;
    let name = o.name.get(site.lang);
    let label = match site.lang {
        Lang::Vi => format!("Đăng nhập bằng tài khoản {name}"),
        Lang::En => format!("Sign in with {name}"),
    };
    let url = if return_to == "/" {
        OFFICIAL_SIGN_IN_PATH.to_owned()
    } else {
        format!(
            "{OFFICIAL_SIGN_IN_PATH}?return={}",
            crate::pages::urlencode(return_to)
        )
    };
    Some(ProviderButton {
        label,
        url,
        password_sign_in: o.password_sign_in,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct StartQuery {
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /auth/officials/sign-in`: sends the official to the tenant's provider.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let started = async {
        let config = site
            .tenant
            .manifest
            .official_sign_in
            .as_ref()
            .ok_or(OfficialFailure::NotEnabled)?;
        state
            .rate_limit("sign-in", &client, PER_CLIENT_PER_MINUTE)
            .await
            .map_err(OfficialFailure::Platform)?;
        let rp = state
            .official_sign_in
            .party(site.tenant.manifest.slug.as_str(), config)?;
        flow::begin(
            &state,
            &rp,
            &site,
            &headers,
            Purpose::Official,
            OFFICIAL_CALLBACK_PATH,
            flow::safe_return(query.return_to.as_deref()),
        )
        .await
        .map_err(OfficialFailure::Flow)
    };
    match started.await {
        Ok(response) => response,
        Err(failure) => failure.respond(&state, &site, &headers),
    }
}

/// `GET /auth/officials/callback`: finishes the sign-in and opens the official's session.
pub(super) async fn callback(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    match finish(&state, &site, &headers, query).await {
        Ok(response) => response,
        Err(failure) => failure.respond(&state, &site, &headers),
    }
}

async fn finish(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<Response, OfficialFailure> {
    let config = site
        .tenant
        .manifest
        .official_sign_in
        .as_ref()
        .ok_or(OfficialFailure::NotEnabled)?;
    let slug = site.tenant.manifest.slug.as_str();
    let rp = state.official_sign_in.party(slug, config)?;
    let Verified {
        tx,
        claims,
        userinfo,
    } = flow::verify_callback(state, &rp, site, headers, query, Purpose::Official)
        .await
        .map_err(OfficialFailure::Flow)?;
    let subject = claims.subject().to_string();
    let tenant = site.tenant.id;
    let holder = Holder::Official(tenant);

    let Some(name) = claim(&claims, userinfo.as_ref(), &config.account_claim) else {
        return Err(OfficialFailure::ClaimMissing {
            claim: config.account_claim.clone(),
            subject,
        });
    };
    let found = if config.account_claim == "email" {
        match official_subjects::by_email(&state.store, tenant, &name)
            .await
            .map_err(|e| OfficialFailure::Platform(e.into()))?
            .as_slice()
        {
            [] => None,
            [id] => accounts::get(&state.store, holder, *id)
                .await
                .map_err(|e| OfficialFailure::Platform(e.into()))?,
            _ => return Err(OfficialFailure::Ambiguous { name, subject }),
        }
    } else if accounts::normalize(&name).is_empty() {
        None
    } else {
        accounts::by_username(&state.store, holder, &name)
            .await
            .map_err(|e| OfficialFailure::Platform(e.into()))?
    };
    let Some(account) = found else {
        return Err(OfficialFailure::UnknownOfficial { name, subject });
    };
    if account.disabled {
        return Err(OfficialFailure::Disabled {
            account: account.id,
        });
    }
    if account.locked_at(chrono::Utc::now()) {
        return Err(OfficialFailure::Locked {
            account: account.id,
        });
    }
    match official_subjects::link(&state.store, tenant, account.id, &subject)
        .await
        .map_err(|e| OfficialFailure::Platform(e.into()))?
    {
        Link::Linked => tracing::info!(
            tenant = %slug,
            account = account.id,
            subject = %subject,
            "official's account linked to their subject at the tenant's provider"
        ),
        Link::Same => {}
        Link::Other(linked) => {
            return Err(OfficialFailure::SubjectMismatch {
                account: account.id,
                linked,
                subject,
            });
        }
        Link::TakenByAnother => {
            return Err(OfficialFailure::SubjectMismatch {
                account: account.id,
                linked: "(linked to another account)".to_owned(),
                subject,
            });
        }
        Link::NoAccount => return Err(OfficialFailure::UnknownOfficial { name, subject }),
    }

    accounts::record_success(&state.store, holder, account.id)
        .await
        .map_err(|e| OfficialFailure::Platform(e.into()))?;
    let principal = Principal::Official {
        tenant,
        account: account.id,
        username: account.username.clone(),
        name: account.name.clone(),
    };
    let session = Sessions::create_by_provider(state, site, principal)
        .await
        .map_err(OfficialFailure::Platform)?;
    tracing::info!(
        tenant = %slug,
        account = account.id,
        username = %account.username,
        method = "openid",
        acr = ?claims.auth_context_ref().map(|a| a.to_string()),
        "official signed in"
    );
    Ok(flow::signed_in(
        state,
        &session,
        &tx.return_to,
        OFFICIAL_CALLBACK_PATH,
    ))
}

/// The value of claim `name`, from userinfo (which the provider may fill more than the ID
/// token) or else the ID token; text only. An e-mail address counts only where the provider
/// says it verified it (`email_verified`): one a user may type in names nobody.
fn claim(
    claims: &VerifiedClaims,
    userinfo: Option<&CitizenUserInfo>,
    name: &str,
) -> Option<String> {
    let from_userinfo = userinfo.and_then(|u| {
        let standard = u.standard_claims();
        match name {
            "preferred_username" => standard.preferred_username().map(|v| v.to_string()),
            "email" => standard
                .email()
                .filter(|_| standard.email_verified() == Some(true))
                .map(|v| v.to_string()),
            _ => None,
        }
        .or_else(|| text(u.additional_claims().claims.get(name)))
    });
    let from_token = || {
        match name {
            "preferred_username" => claims.preferred_username().map(|v| v.to_string()),
            "email" => claims
                .email()
                .filter(|_| claims.email_verified() == Some(true))
                .map(|v| v.to_string()),
            _ => None,
        }
        .or_else(|| text(claims.additional_claims().claims.get(name)))
    };
    from_userinfo
        .or_else(from_token)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn text(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Why an official's sign-in through the provider did not complete.
#[derive(Debug)]
pub enum OfficialFailure {
    /// The tenant has no provider for its officials.
    NotEnabled,
    /// The platform has no client secret for the tenant's provider (caught at start-up; here
    /// only if the manifest changed since).
    NoSecret(String),
    /// The flow failed: provider unreachable or in error, cancelled, forged or replayed state,
    /// an ID token that does not verify, a level of assurance too low.
    Flow(SignInFailure),
    /// The provider did not send the claim that names the official.
    ClaimMissing {
        /// The claim.
        claim: String,
        /// Who the provider says signed in.
        subject: String,
    },
    /// No account of the tenant matches.
    UnknownOfficial {
        /// The claim's value.
        name: String,
        /// The provider's subject.
        subject: String,
    },
    /// Several accounts have the e-mail address.
    Ambiguous {
        /// The claim's value.
        name: String,
        /// The provider's subject.
        subject: String,
    },
    /// The account is disabled.
    Disabled {
        /// The account.
        account: i64,
    },
    /// The account is locked after failed password attempts.
    Locked {
        /// The account.
        account: i64,
    },
    /// The account is linked to another subject than the one that signed in.
    SubjectMismatch {
        /// The account.
        account: i64,
        /// The subject linked to it.
        linked: String,
        /// The subject that signed in.
        subject: String,
    },
    /// The platform failed (already logged where it was made).
    Platform(Failure),
}

impl OfficialFailure {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotEnabled => StatusCode::NOT_FOUND,
            Self::NoSecret(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Flow(f) => f.status(),
            Self::ClaimMissing { .. } => StatusCode::BAD_GATEWAY,
            Self::UnknownOfficial { .. }
            | Self::Ambiguous { .. }
            | Self::Disabled { .. }
            | Self::Locked { .. }
            | Self::SubjectMismatch { .. } => StatusCode::FORBIDDEN,
            Self::Platform(f) => f.status,
        }
    }

    /// The stable code, shown on the page.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotEnabled => "official_sign_in_not_enabled",
            Self::NoSecret(_) => "official_sign_in_not_configured",
            Self::Flow(f) => f.code(),
            Self::ClaimMissing { .. } => "official_claim_missing",
            Self::UnknownOfficial { .. } => "official_unknown",
            Self::Ambiguous { .. } => "official_ambiguous",
            Self::Disabled { .. } => "official_disabled",
            Self::Locked { .. } => "official_locked",
            Self::SubjectMismatch { .. } => "official_subject_mismatch",
            Self::Platform(f) => f.code,
        }
    }

    /// What to tell the official; `provider` names the tenant's provider in each language.
    pub fn message(&self, provider: &Msg) -> Msg {
        let (vi, en) = (&provider.vi, &provider.en);
        match self {
            Self::NotEnabled => Msg::new(
                "Đơn vị này chưa cấu hình đăng nhập cho cán bộ qua hệ thống định danh riêng. Vui lòng đăng nhập bằng tên đăng nhập và mật khẩu.",
                "This agency has not set up officials' sign-in through its own identity provider. Please sign in with your username and password.",
            ),
            Self::NoSecret(_) => Msg::new(
                format!(
                    "Đăng nhập bằng tài khoản {vi} chưa được cấu hình đầy đủ trên nền tảng. Vui lòng báo quản trị vận hành."
                ),
                format!(
                    "Sign-in with {en} is not fully configured on the platform. Please tell the platform operators."
                ),
            ),
            Self::Flow(f) => flow_message(f, vi, en),
            Self::ClaimMissing { .. } => Msg::new(
                format!(
                    "Hệ thống {vi} không cho biết tên tài khoản cán bộ của bạn, nên chưa thể đăng nhập. Vui lòng báo quản trị viên của đơn vị."
                ),
                format!(
                    "{en} did not say which official account is yours, so you cannot be signed in. Please tell your agency's administrator."
                ),
            ),
            Self::UnknownOfficial { .. } => Msg::new(
                format!(
                    "Tài khoản {vi} của bạn không ứng với tài khoản cán bộ nào của đơn vị. Vui lòng đề nghị quản trị viên của đơn vị tạo tài khoản cho bạn."
                ),
                format!(
                    "Your {en} account matches no official's account of this agency. Please ask your agency's administrator to create one for you."
                ),
            ),
            Self::Ambiguous { .. } => Msg::new(
                "Địa chỉ thư điện tử của bạn ứng với nhiều tài khoản cán bộ, nên chưa thể xác định tài khoản để đăng nhập. Vui lòng báo quản trị viên của đơn vị.",
                "Your e-mail address matches several officials' accounts, so the account to sign in to cannot be told. Please tell your agency's administrator.",
            ),
            Self::Disabled { .. } => Msg::new(
                "Tài khoản cán bộ của bạn đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên của đơn vị.",
                "Your official's account is disabled. Please contact your agency's administrator.",
            ),
            Self::Locked { .. } => Msg::new(
                "Tài khoản cán bộ của bạn đang tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 15 phút.",
                "Your official's account is temporarily locked after repeated wrong passwords. Please try again in 15 minutes.",
            ),
            Self::SubjectMismatch { .. } => Msg::new(
                format!(
                    "Tài khoản cán bộ này đã gắn với một tài khoản {vi} khác. Vui lòng đăng nhập bằng đúng tài khoản của bạn, hoặc báo quản trị viên của đơn vị."
                ),
                format!(
                    "This official's account is linked to another {en} account. Please sign in with your own account, or tell your agency's administrator."
                ),
            ),
            Self::Platform(f) => f.message.clone(),
        }
    }

    /// Logs the cause, once: `warn` for what an operator or administrator must look at (a
    /// subject mismatch may be an attack), `info` for the rest.
    fn log(&self, slug: &str) {
        let code = self.code();
        match self {
            Self::NotEnabled => tracing::info!(
                code,
                tenant = slug,
                "officials' provider sign-in requested but not configured"
            ),
            Self::NoSecret(_) => tracing::warn!(
                code,
                tenant = slug,
                "officials' provider sign-in without a client secret configured"
            ),
            Self::Flow(f) => f.log(),
            Self::ClaimMissing { claim, subject } => {
                tracing::warn!(code, tenant = slug, claim = %claim, subject = %subject, "official sign-in refused: the provider sent no account claim")
            }
            Self::UnknownOfficial { name, subject } => {
                tracing::info!(code, tenant = slug, name = %name, subject = %subject, "official sign-in refused: no such account")
            }
            Self::Ambiguous { name, subject } => {
                tracing::warn!(code, tenant = slug, name = %name, subject = %subject, "official sign-in refused: several accounts have this e-mail address")
            }
            Self::Disabled { account } => tracing::info!(
                code,
                tenant = slug,
                account,
                "official sign-in refused: account disabled"
            ),
            Self::Locked { account } => tracing::info!(
                code,
                tenant = slug,
                account,
                "official sign-in refused: account locked"
            ),
            Self::SubjectMismatch {
                account,
                linked,
                subject,
            } => {
                tracing::warn!(code, tenant = slug, account, linked = %linked, subject = %subject, "official sign-in refused: the provider's subject is not the one linked to the account")
            }
            Self::Platform(_) => {}
        }
    }

    /// Logs the failure and answers with its page in the host's language; the transaction
    /// cookie is removed, so that a retry starts afresh.
    pub(crate) fn respond(self, state: &AppState, site: &Site, headers: &HeaderMap) -> Response {
        self.log(site.tenant.manifest.slug.as_str());
        let lang = site.lang;
        let provider = Msg::new(provider_name(site, Lang::Vi), provider_name(site, Lang::En));
        let page = FailurePage {
            page: PageCtx::new(state, site, headers, paths(other(lang)).sign_in),
            title: lang.pick("Đăng nhập không thành công", "Sign-in failed"),
            message: self.message(&provider).get(lang).to_owned(),
            retry: Some(lang.pick("Quay lại trang đăng nhập", "Back to the sign-in page")),
            retry_url: paths(lang).sign_in,
            code_label: lang.pick("Mã lỗi", "Error code"),
            code: self.code(),
        };
        let mut response = (self.status(), render(&page)).into_response();
        let h = response.headers_mut();
        h.append(
            header::SET_COOKIE,
            transaction::clear_cookie(state.config.https, OFFICIAL_CALLBACK_PATH),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match &self {
            Self::Flow(SignInFailure::ProviderUnavailable(_) | SignInFailure::Unavailable(_)) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            Self::Platform(f) => return f.with_headers(response),
            _ => {}
        }
        response
    }
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    }
}

/// The flow's failures in an official's words, naming the tenant's provider.
fn flow_message(f: &SignInFailure, vi: &str, en: &str) -> Msg {
    match f {
        SignInFailure::ProviderUnavailable(_) => Msg::new(
            format!("Hiện không kết nối được với hệ thống {vi}. Vui lòng thử lại sau ít phút."),
            format!("{en} cannot be reached right now. Please try again in a few minutes."),
        ),
        SignInFailure::Cancelled(_) => Msg::new(
            format!("Bạn đã huỷ đăng nhập tại hệ thống {vi}."),
            format!("You cancelled the sign-in at {en}."),
        ),
        SignInFailure::ProviderError(_) => Msg::new(
            format!("Hệ thống {vi} báo lỗi. Vui lòng đăng nhập lại sau ít phút."),
            format!("{en} reported an error. Please sign in again in a few minutes."),
        ),
        SignInFailure::Rejected(_) => Msg::new(
            format!(
                "Không xác minh được thông tin đăng nhập nhận từ hệ thống {vi}. Vui lòng đăng nhập lại; nếu lỗi còn tiếp diễn, hãy báo quản trị viên của đơn vị."
            ),
            format!(
                "The sign-in received from {en} could not be verified. Please sign in again; if this keeps happening, tell your agency's administrator."
            ),
        ),
        SignInFailure::AssuranceTooLow { required, .. } => Msg::new(
            format!(
                "Lần đăng nhập tại hệ thống {vi} chưa đạt mức độ xác thực mà đơn vị yêu cầu ({required}). Vui lòng đăng nhập lại với phương thức xác thực mạnh hơn."
            ),
            format!(
                "Your sign-in at {en} does not have the level of assurance this agency requires ({required}). Please sign in again with a stronger method."
            ),
        ),
        // The rest (expired, replayed or forged transactions, an unavailable cache) say the
        // same to officials as to citizens.
        other => other.message(),
    }
}

#[derive(Template)]
#[template(path = "sign_in_failed.html")]
struct FailurePage {
    page: PageCtx,
    title: &'static str,
    message: String,
    retry: Option<&'static str>,
    retry_url: &'static str,
    code_label: &'static str,
    code: &'static str,
}

#[cfg(test)]
mod tests {
    use super::super::flow::safe_return;
    use super::{ClientSecret, OfficialProviders, secret_key};

    #[test]
    fn secrets_are_found_by_slug_with_dashes_or_underscores() {
        let providers = OfficialProviders::new(
            [("ha-noi".to_owned(), ClientSecret("s".to_owned()))]
                .into_iter()
                .collect(),
        );
        assert!(providers.secret("ha-noi").is_some());
        assert!(providers.secret("ha_noi").is_some());
        assert!(providers.secret("thanhhoa").is_none());
        assert_eq!(secret_key("Ha-Noi"), "ha_noi");
    }

    #[test]
    fn only_local_pages_are_returned_to() {
        assert_eq!(safe_return(Some("/ho-so/H56.1")), "/ho-so/H56.1");
        for bad in [
            None,
            Some("https://evil.example/"),
            Some("//evil.example"),
            Some("/auth/officials/callback?code=x"),
            Some("/a\r\nb"),
        ] {
            assert_eq!(safe_return(bad), "/", "{bad:?}");
        }
    }
}
