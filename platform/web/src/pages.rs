//! The tenant's pages: home (name, procedures, lookup box) and the public lookup, in the
//! language of the host, working without JavaScript.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_core::lang::Lang;
use motcua_core::procedure::TimeUnit;
use serde::Deserialize;

use crate::AppState;
use crate::client::ClientIp;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::{Labels, labels};
use crate::sites::Live;

/// What every page's layout shows.
pub(crate) struct PageCtx {
    pub(crate) lang: &'static str,
    pub(crate) other_lang: &'static str,
    pub(crate) other_url: String,
    pub(crate) labels: &'static Labels,
    pub(crate) tenant_name: String,
    pub(crate) short_name: String,
    pub(crate) entity_code: String,
    pub(crate) has_logo: bool,
    pub(crate) address: String,
    pub(crate) phone: String,
    pub(crate) phone_link: String,
    pub(crate) email: String,
    /// The sign-in link, back to this page, when citizens can sign in (and are not signed in).
    pub(crate) sign_in: Option<String>,
    /// The link to a signed-in citizen's own dossiers.
    pub(crate) my_dossiers: Option<crate::my_dossiers::HeaderLink>,
}

impl PageCtx {
    pub(crate) fn new(
        state: &AppState,
        site: &Site,
        headers: &HeaderMap,
        path_and_query: &str,
    ) -> Self {
        let m = &site.tenant.manifest;
        let other = match site.lang {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        };
        let port = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.rsplit_once(':'))
            .map(|(_, p)| p)
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        let phone = m.branding.contact.phone.to_string();
        let my_dossiers = crate::my_dossiers::header_link(site.lang);
        Self {
            lang: site.lang.tag(),
            other_lang: other.tag(),
            other_url: format!(
                "{}://{}{port}{path_and_query}",
                if state.config.https { "https" } else { "http" },
                site.tenant.host(other)
            ),
            labels: labels(site.lang),
            tenant_name: m.name.get(site.lang).to_owned(),
            short_name: m.short_name.get(site.lang).to_owned(),
            entity_code: m.entity_code.to_string(),
            has_logo: site.tenant.logo.is_some(),
            address: m.branding.contact.address.get(site.lang).to_owned(),
            phone_link: phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
            phone,
            email: m.branding.contact.email.to_string(),
            my_dossiers,
            sign_in: state
                .citizen_sign_in
                .as_ref()
                .filter(|_| my_dossiers.is_none())
                .map(|_| {
                    format!(
                        "{}?return={}",
                        crate::oidc::SIGN_IN_PATH,
                        urlencode(path_and_query)
                    )
                }),
        }
    }
}

/// A procedure as the home page lists it.
struct ProcedureRow {
    name: String,
    /// Its page in the catalogue.
    href: String,
    code: String,
    sector: String,
    level: &'static str,
    time: String,
}

fn row(site: &Site, live: &Live) -> ProcedureRow {
    let l = labels(site.lang);
    let p = live.info();
    let unit = match p.time.unit {
        TimeUnit::WorkingDays => l.working_days,
        TimeUnit::WorkingHours => l.working_hours,
        TimeUnit::Days => l.days,
    };
    ProcedureRow {
        name: p.name.get(site.lang).to_owned(),
        href: crate::catalogue::procedure_path(site.lang, &p.code.to_string()),
        code: p.local_code(&site.tenant.manifest),
        sector: p.sector_name.get(site.lang).to_owned(),
        level: l.online_level[usize::from(p.level.number() - 1)],
        time: format!("{} {unit}", p.time.value),
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    procedures: Vec<ProcedureRow>,
    code: String,
    /// The catalogue's search box.
    search: crate::catalogue::SearchBox,
}

pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            let failure = Failure::internal(&e);
            (failure.status, failure.message.vi).into_response()
        }
    }
}

pub(crate) async fn home(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
) -> Response {
    render(&HomePage {
        page: PageCtx::new(&state, &site, &headers, "/"),
        procedures: site
            .tenant
            .procedures
            .iter()
            .map(|p| row(&site, p))
            .collect(),
        code: String::new(),
        search: crate::catalogue::SearchBox::new(site.lang),
    })
}

#[derive(Deserialize)]
pub(crate) struct LookupQuery {
    #[serde(default)]
    code: String,
}

struct LookupResult {
    code: String,
    procedure: String,
    stage: String,
    status: &'static str,
    received_at: String,
    due_at: String,
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    page: PageCtx,
    code: String,
    message: Option<String>,
    result: Option<LookupResult>,
    /// The applicant's accountability requests, when the applicant is signed in.
    accountability: Option<crate::accountability::lookup::Section>,
}

/// `at` in the tenant's time zone, `dd/mm/yyyy HH:MM`.
pub(crate) fn local_time(site: &Site, at: DateTime<Utc>) -> String {
    at.with_timezone(&site.tenant.calendar.time_zone())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub(crate) async fn lookup(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    session: Option<crate::session::Session>,
    Query(q): Query<LookupQuery>,
) -> Response {
    let code = q.code.trim().to_owned();
    let path = format!("/lookup?code={}", urlencode(&code));
    let mut page = LookupPage {
        page: PageCtx::new(&state, &site, &headers, &path),
        code: code.clone(),
        message: None,
        result: None,
        accountability: None,
    };
    if code.is_empty() {
        return render(&page);
    }
    let status = match crate::api::lookup(&state, &site, &client, &code).await {
        Ok(Some(d)) => {
            page.result = Some(LookupResult {
                code: d.code.to_string(),
                procedure: site.tenant.procedure(&d.procedure_code).map_or_else(
                    || d.procedure_code.clone(),
                    |p| p.info().name.get(site.lang).to_owned(),
                ),
                stage: crate::api::stage(&state, &site, &d).await.join(", "),
                status: d.status.label(site.lang),
                received_at: local_time(&site, d.received_at),
                due_at: local_time(&site, d.due_at),
            });
            page.accountability =
                crate::accountability::lookup::section(&state, &site, session.as_ref(), &d).await;
            if page.accountability.is_some() {
                // The applicant's own requests: personal, not for shared caches.
                let mut response = (StatusCode::OK, render(&page)).into_response();
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                );
                return response;
            }
            StatusCode::OK
        }
        Ok(None) => {
            page.message = Some(site.lang.pick(
                format!(
                    "Không tìm thấy hồ sơ mã {code}. Vui lòng kiểm tra lại mã trên giấy tiếp nhận."
                ),
                format!("No dossier has the code {code}. Please check the code on your receipt."),
            ));
            StatusCode::NOT_FOUND
        }
        Err(failure) => {
            page.message = Some(failure.message.get(site.lang).to_owned());
            let response = (failure.status, render(&page)).into_response();
            return failure.with_headers(response);
        }
    };
    (status, render(&page)).into_response()
}

/// Percent-encodes a query value: every byte but RFC 3986's unreserved characters.
pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    title: &'static str,
    message: String,
}

/// The page for a path that does not exist on a tenant host.
pub(crate) async fn not_found(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
) -> Response {
    let l = labels(site.lang);
    let page = ErrorPage {
        page: PageCtx::new(&state, &site, &headers, "/"),
        title: l.not_found_title,
        message: site
            .lang
            .pick(
                "Trang bạn tìm không có trên cổng này.",
                "The page you are looking for is not on this portal.",
            )
            .to_owned(),
    };
    (StatusCode::NOT_FOUND, render(&page)).into_response()
}

/// `/branding.css`: the tenant's colours as CSS variables (a stylesheet, not inline styles, so
/// that the content security policy can forbid inline styles).
pub(crate) async fn branding_css(site: Site) -> Response {
    let b = &site.tenant.manifest.branding;
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        format!(
            ":root {{ --primary: {}; --accent: {}; }}\n",
            b.primary_color, b.accent_color
        ),
    )
        .into_response()
}

/// `/logo`: the tenant's logo.
pub(crate) async fn logo(site: Site) -> Response {
    match &site.tenant.logo {
        Some(logo) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(logo.content_type()),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
                // An SVG is a document: never let it run scripts when opened directly.
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                    ),
                ),
            ],
            logo.bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `/static/site.css`.
pub(crate) async fn site_css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../static/site.css"),
    )
        .into_response()
}

/// Marks a page or answer with personal data (or a form carrying the session's token) as not to
/// be stored by any cache.
pub(crate) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    response
}
