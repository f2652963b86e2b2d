//! `GET /ho-so-cua-toi` (`/my-dossiers`): the signed-in citizen's dossiers of the host's tenant,
//! newest first, [`PAGE_SIZE`] a page (`?page=2`), each with where it stands now.

use askama::Template;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_core::dossier::DossierStatus;
use motcua_store::dossiers;

use super::labels::{MyDossiersLabels, labels};
use super::{dossier_path, list_path, refused, visitor};
use crate::AppState;
use crate::host::Site;
use crate::pages::{PageCtx, local_time, render};

/// Dossiers a page.
pub(crate) const PAGE_SIZE: u64 = 20;

/// A dossier as the list shows it.
struct Row {
    code: String,
    href: String,
    procedure: String,
    status: &'static str,
    waiting_for_you: bool,
    overdue: bool,
    steps: String,
    divisions: String,
    received_at: String,
    due_at: String,
    closed_at: Option<String>,
}

#[derive(Template)]
#[template(path = "my_dossiers/list.html")]
struct ListPage {
    page: PageCtx,
    l: &'static MyDossiersLabels,
    name: String,
    found: String,
    rows: Vec<Row>,
    page_of: String,
    previous: Option<String>,
    next: Option<String>,
    /// The complaints the citizen sent while signed in (included from `complaints/mine.html`).
    complaints: crate::complaints::mine::Mine,
    /// The link to the citizen's unsent drafts: where, and its text.
    drafts: (String, &'static str),
}

/// The furthest page asked for: far past anyone's dossiers, and an offset any database takes.
const MAX_PAGE: u64 = 100_000;

/// The page asked for by `?page=` (the first for anything else, [`MAX_PAGE`] at most).
fn page_number(query: Option<&str>) -> u64 {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .filter(|n| *n >= 1)
        .map_or(1, |n| n.min(MAX_PAGE))
}

/// The link to page `n` in the host's language.
fn page_href(site: &Site, n: u64) -> String {
    match n {
        1 => list_path(site.lang).to_owned(),
        n => format!("{}?page={n}", list_path(site.lang)),
    }
}

/// `GET /ho-so-cua-toi` (`/my-dossiers`).
pub(super) async fn page(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<crate::session::Session>,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> Response {
    let number = page_number(query.as_deref());
    let here = page_href(&site, number);
    if let Some(r) = super::host_language(&site, super::path_lang(uri.path()), here.clone()) {
        return r;
    }
    let (citizen, citizen_id) = match visitor(&state, &site, &headers, session.as_ref(), &here) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let offset = (number - 1).saturating_mul(PAGE_SIZE);
    let (total, found) =
        match dossiers::of_applicant(&state.store, site.tenant.id, citizen_id, offset, PAGE_SIZE)
            .await
        {
            Ok(f) => f,
            Err(e) => return refused(&state, &site, &headers, e.into()),
        };
    let complaints = match crate::complaints::mine::mine(&state, &site, citizen).await {
        Ok(c) => c,
        Err(f) => return refused(&state, &site, &headers, f),
    };
    let lang = site.lang;
    let now = Utc::now();
    let mut rows = Vec::with_capacity(found.len());
    for d in &found {
        let standing = match crate::handling::procedure_at(
            &state,
            &site,
            &d.procedure_code,
            d.procedure_version,
        )
        .await
        {
            Ok(p) => Some(super::standing(&site, &p, d, now)),
            Err(f) => {
                // Logged where it failed; the row still says what the dossier row itself holds.
                tracing::warn!(dossier = %d.code, code = f.code, "a dossier's procedure version cannot be read");
                None
            }
        };
        let code = d.code.to_string();
        rows.push(Row {
            href: dossier_path(lang, &code),
            code,
            procedure: super::procedure_name(&site, d),
            status: d.status.label(lang),
            waiting_for_you: d.status == DossierStatus::SupplementRequested,
            overdue: standing.as_ref().is_some_and(|s| s.overdue),
            steps: standing
                .as_ref()
                .map(|s| s.steps.join(", "))
                .unwrap_or_default(),
            divisions: standing
                .as_ref()
                .map(|s| s.divisions.join(", "))
                .unwrap_or_default(),
            received_at: local_time(&site, d.received_at),
            due_at: local_time(&site, d.due_at),
            closed_at: d.closed_at.map(|at| local_time(&site, at)),
        });
    }
    let last = total.div_ceil(PAGE_SIZE).max(1);
    let other = lang.pick(motcua_core::lang::Lang::En, motcua_core::lang::Lang::Vi);
    let mut page = PageCtx::new(&state, &site, &headers, &here);
    page.other_url = PageCtx::new(&state, &site, &headers, list_path(other)).other_url;
    let view = ListPage {
        page,
        l: labels(lang),
        name: citizen.name.clone(),
        found: lang.pick(
            format!("{total} hồ sơ"),
            format!("{total} dossier{}", if total == 1 { "" } else { "s" }),
        ),
        rows,
        page_of: lang.pick(
            format!("Trang {number}/{last}"),
            format!("Page {number} of {last}"),
        ),
        previous: (number > 1).then(|| page_href(&site, (number - 1).min(last))),
        next: (number < last).then(|| page_href(&site, number + 1)),
        complaints,
        drafts: (
            super::drafts::drafts_path(lang),
            lang.pick("Hồ sơ đang soạn (chưa gửi)", "Drafts (not sent)"),
        ),
    };
    crate::pages::no_store((StatusCode::OK, render(&view)).into_response())
}

#[cfg(test)]
mod tests {
    use super::page_number;

    #[test]
    fn the_page_asked_for_is_read_leniently() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("page=3")), 3);
        assert_eq!(page_number(Some("x=1&page=2")), 2);
        for bad in ["page=0", "page=-1", "page=abc", "page="] {
            assert_eq!(page_number(Some(bad)), 1, "{bad}");
        }
        // Past any offset PostgreSQL's bigint takes once multiplied by the page size.
        assert_eq!(
            page_number(Some("page=18446744073709551615")),
            super::MAX_PAGE
        );
    }
}
