//! The public portal's procedure catalogue (Art. 16.2.a): search, facets by sector, agency and
//! online level, and the page of each procedure with every component, in the host's language,
//! server-rendered and working without JavaScript.
//!
//! Paths follow the host's language: `/thu-tuc` and `/thu-tuc/{code}` on the Vietnamese host,
//! `/procedures` and `/procedures/{code}` on the English one; a path of the other language
//! redirects to this host's, so the language switch always leads to the same page. The search
//! index is folded once per published procedure set ([`index::Index`], kept in
//! [`crate::sites::TenantSite`]).

pub mod index;
mod labels;
mod template_forms;

pub(crate) use template_forms::template_path;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use motcua_core::dossier::Channel;
use motcua_core::lang::Lang;
use motcua_core::procedure::{ProcedureInfo, ProcessingTime, TimeUnit};

use crate::AppState;
use crate::host::Site;
use crate::i18n::labels;
use crate::pages::{PageCtx, render, urlencode};
pub(crate) use labels::{
    CatalogueLabels, applicant, catalogue_labels, channel, copies, document_form, money,
};

/// Results per catalogue page.
pub const PAGE_SIZE: usize = 20;

/// The catalogue's path in `lang`.
pub fn catalogue_path(lang: Lang) -> &'static str {
    lang.pick("/thu-tuc", "/procedures")
}

/// The path of a procedure's page in `lang`.
pub fn procedure_path(lang: Lang, code: &str) -> String {
    format!("{}/{code}", catalogue_path(lang))
}

/// The path of a procedure's online submission in `lang`.
pub fn apply_path(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Vi => format!("/thu-tuc/{code}/nop-ho-so"),
        Lang::En => format!("/procedures/{code}/apply"),
    }
}

/// The catalogue's routes, on the portal.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/thu-tuc", get(catalogue_vi))
        .route("/procedures", get(catalogue_en))
        .route("/thu-tuc/{code}", get(procedure_vi))
        .route("/procedures/{code}", get(procedure_en))
        .route("/thu-tuc/{code}/mau/{file}", get(template_forms::download))
        .route(
            "/procedures/{code}/templates/{file}",
            get(template_forms::download),
        )
}

/// The catalogue's search box, on the catalogue and on the home page.
pub(crate) struct SearchBox {
    /// The catalogue's path.
    pub(crate) action: &'static str,
    /// The query typed.
    pub(crate) q: String,
    /// The filters kept when searching again.
    pub(crate) hidden: Vec<(&'static str, String)>,
    /// The labels.
    pub(crate) l: &'static CatalogueLabels,
}

impl SearchBox {
    /// An empty search box in `lang`, for the home page.
    pub(crate) fn new(lang: Lang) -> Self {
        Self {
            action: catalogue_path(lang),
            q: String::new(),
            hidden: Vec::new(),
            l: catalogue_labels(lang),
        }
    }
}

/// `GET /thu-tuc`.
async fn catalogue_vi(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    catalogue(Lang::Vi, state, site, headers, query).await
}

/// `GET /procedures`.
async fn catalogue_en(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    catalogue(Lang::En, state, site, headers, query).await
}

/// `GET /thu-tuc/{code}`.
async fn procedure_vi(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    code: Path<String>,
) -> Response {
    procedure(Lang::Vi, state, site, headers, code).await
}

/// `GET /procedures/{code}`.
async fn procedure_en(
    state: State<AppState>,
    site: Site,
    headers: HeaderMap,
    code: Path<String>,
) -> Response {
    procedure(Lang::En, state, site, headers, code).await
}

/// The page context, with the language switch leading to `other_path` on the other host.
fn page_ctx(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    path: &str,
    other_path: &str,
) -> PageCtx {
    let mut page = PageCtx::new(state, site, headers, path);
    page.other_url = PageCtx::new(state, site, headers, other_path).other_url;
    page
}

fn other(lang: Lang) -> Lang {
    lang.pick(Lang::En, Lang::Vi)
}

/// A path of the other language on this host: the same page in this host's language.
fn redirect_to_host_language(path: String, query: Option<&str>) -> Response {
    let target = match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path,
    };
    Redirect::permanent(&target).into_response()
}

/// The search and the filters of a catalogue request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filters {
    q: String,
    sector: String,
    agency: String,
    level: Option<u8>,
    page: usize,
}

/// Why a catalogue request was refused.
#[derive(Debug, thiserror::Error)]
enum BadFilter {
    #[error("the online level must be 1, 2, 3 or 4")]
    Level(String),
    #[error("the page must be a number from 1")]
    Page(String),
}

impl BadFilter {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Level(v), Lang::Vi) => {
                format!("Mức độ trực tuyến “{v}” không hợp lệ: chọn mức 1, 2, 3 hoặc 4.")
            }
            (Self::Level(v), Lang::En) => {
                format!("The online level “{v}” is not valid: choose level 1, 2, 3 or 4.")
            }
            (Self::Page(v), Lang::Vi) => {
                format!("Số trang “{v}” không hợp lệ: số trang là một số từ 1 trở lên.")
            }
            (Self::Page(v), Lang::En) => {
                format!("The page number “{v}” is not valid: pages are numbered from 1.")
            }
        }
    }
}

impl Filters {
    /// Reads `q`, `sector`, `agency`, `level` and `page` from a query string (others ignored).
    fn parse(query: &str) -> (Self, Option<BadFilter>) {
        let mut f = Self {
            page: 1,
            ..Self::default()
        };
        let mut bad = None;
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let v = v.trim();
            match &*k {
                "q" => f.q = v.chars().take(200).collect(),
                "sector" => f.sector = v.to_owned(),
                "agency" => f.agency = v.to_owned(),
                "level" if v.is_empty() => f.level = None,
                "level" => match v.parse::<u8>() {
                    Ok(n @ 1..=4) => f.level = Some(n),
                    _ => bad = Some(BadFilter::Level(v.chars().take(20).collect())),
                },
                "page" if v.is_empty() => f.page = 1,
                "page" => match v.parse::<usize>() {
                    Ok(n) if n >= 1 => f.page = n,
                    _ => bad = Some(BadFilter::Page(v.chars().take(20).collect())),
                },
                _ => {}
            }
        }
        (f, bad)
    }

    fn is_empty(&self) -> bool {
        self.q.is_empty()
            && self.sector.is_empty()
            && self.agency.is_empty()
            && self.level.is_none()
    }

    /// The query string of these filters (`?q=...`), empty when there is none.
    fn query(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", urlencode(&self.q)));
        }
        if !self.sector.is_empty() {
            parts.push(format!("sector={}", urlencode(&self.sector)));
        }
        if !self.agency.is_empty() {
            parts.push(format!("agency={}", urlencode(&self.agency)));
        }
        if let Some(level) = self.level {
            parts.push(format!("level={level}"));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The link to these filters in `lang`.
    fn href(&self, lang: Lang) -> String {
        format!("{}{}", catalogue_path(lang), self.query())
    }

    /// These filters changed by `change`, back on the first page.
    fn with(&self, change: impl FnOnce(&mut Self)) -> Self {
        let mut f = self.clone();
        f.page = 1;
        change(&mut f);
        f
    }

    /// Whether `e` passes the filters, leaving out the facet `skip`.
    fn passes(&self, e: &index::Entry, skip: Option<Facet>) -> bool {
        (skip == Some(Facet::Sector) || self.sector.is_empty() || e.sector == self.sector)
            && (skip == Some(Facet::Agency) || self.agency.is_empty() || e.agency == self.agency)
            && (skip == Some(Facet::Level) || self.level.is_none_or(|l| e.level == l))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Facet {
    Sector,
    Agency,
    Level,
}

/// One value of a facet.
struct FacetValue {
    label: String,
    count: usize,
    href: String,
    selected: bool,
}

/// A facet: its values with their counts, and the link that clears it.
struct FacetView {
    id: &'static str,
    title: &'static str,
    all_href: String,
    all_selected: bool,
    values: Vec<FacetValue>,
}

/// A procedure in the results.
struct Hit {
    name: String,
    href: String,
    code: String,
    sector: String,
    agency: String,
    level: &'static str,
    time: String,
    apply: Option<String>,
}

/// A link of the pagination.
struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "catalogue/catalogue.html")]
struct CataloguePage {
    page: PageCtx,
    l: &'static CatalogueLabels,
    search: SearchBox,
    error: Option<String>,
    found: String,
    facets: Vec<FacetView>,
    hits: Vec<Hit>,
    filtered: bool,
    clear_href: &'static str,
    pages: Vec<PageLink>,
    page_of: String,
    previous: Option<String>,
    next: Option<String>,
    /// The guidance assistant's link.
    assistant: crate::guidance::AssistantLink,
}

/// The number of the last page of `total` results, `size` a page (1 when there is none).
fn last_page(total: usize, size: usize) -> usize {
    total.div_ceil(size).max(1)
}

/// Where page `page` (from 1) starts among the results.
fn page_start(page: usize, size: usize) -> usize {
    (page - 1) * size
}

/// `time` in words: `10 ngày làm việc`.
pub(crate) fn time_text(lang: Lang, time: ProcessingTime) -> String {
    let l = labels(lang);
    let unit = match time.unit {
        TimeUnit::WorkingDays => l.working_days,
        TimeUnit::WorkingHours => l.working_hours,
        TimeUnit::Days => l.days,
    };
    format!("{} {unit}", time.value)
}

fn level_text(lang: Lang, level: u8) -> &'static str {
    labels(lang).online_level[usize::from(level.clamp(1, 4) - 1)]
}

/// Whether citizens can submit a procedure on this portal.
fn accepts_online(p: &ProcedureInfo) -> bool {
    p.level.accepts_online() && p.channels.contains(&Channel::Online)
}

async fn catalogue(
    lang: Lang,
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if lang != site.lang {
        return redirect_to_host_language(catalogue_path(site.lang).to_owned(), query.as_deref());
    }
    let (filters, bad) = Filters::parse(query.as_deref().unwrap_or_default());
    let tenant = &site.tenant;
    let l = catalogue_labels(lang);
    let hits = tenant.catalogue.search(lang, &filters.q);

    let mut results: Vec<_> = hits
        .iter()
        .filter(|(e, _)| filters.passes(e, None))
        .collect();
    results.sort_by(|(a, ra), (b, rb)| {
        ra.cmp(rb)
            .then_with(|| a.folded(lang).name_key.cmp(&b.folded(lang).name_key))
            .then_with(|| a.position.cmp(&b.position))
    });

    let facet = |which: Facet,
                 key: &dyn Fn(&index::Entry) -> String,
                 label: &dyn Fn(&ProcedureInfo) -> String,
                 selected: &str,
                 set: &dyn Fn(&mut Filters, &str)| {
        let mut values: Vec<FacetValue> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for (e, _) in hits.iter().filter(|(e, _)| filters.passes(e, Some(which))) {
            let e: &index::Entry = e;
            let k = key(e);
            match keys.iter().position(|x| *x == k) {
                Some(i) => values[i].count += 1,
                None => {
                    let info = tenant.procedures[e.position].info();
                    values.push(FacetValue {
                        label: label(info),
                        count: 1,
                        href: filters.with(|f| set(f, &k)).href(lang),
                        selected: k == selected,
                    });
                    keys.push(k);
                }
            }
        }
        values.sort_by(|a, b| {
            motcua_core::text::fold(&a.label).cmp(&motcua_core::text::fold(&b.label))
        });
        values
    };
    let sectors = facet(
        Facet::Sector,
        &|e| e.sector.clone(),
        &|p| p.sector_name.get(lang).to_owned(),
        &filters.sector,
        &|f, k| f.sector = k.to_owned(),
    );
    let agencies = facet(
        Facet::Agency,
        &|e| e.agency.clone(),
        &|p| p.agency.get(lang).to_owned(),
        &filters.agency,
        &|f, k| f.agency = k.to_owned(),
    );
    let mut levels = facet(
        Facet::Level,
        &|e| e.level.to_string(),
        &|p| level_text(lang, p.level.number()).to_owned(),
        &filters.level.map(|n| n.to_string()).unwrap_or_default(),
        &|f, k| f.level = k.parse().ok(),
    );
    levels.sort_by(|a, b| a.label.cmp(&b.label));
    let facets = vec![
        FacetView {
            id: "facet-sector",
            title: l.sector,
            all_href: filters.with(|f| f.sector.clear()).href(lang),
            all_selected: filters.sector.is_empty(),
            values: sectors,
        },
        FacetView {
            id: "facet-agency",
            title: l.agency,
            all_href: filters.with(|f| f.agency.clear()).href(lang),
            all_selected: filters.agency.is_empty(),
            values: agencies,
        },
        FacetView {
            id: "facet-level",
            title: l.online_level,
            all_href: filters.with(|f| f.level = None).href(lang),
            all_selected: filters.level.is_none(),
            values: levels,
        },
    ];

    let total = results.len();
    let last_page = last_page(total, PAGE_SIZE);
    let mut error = bad.as_ref().map(|b| b.message(lang));
    let mut status = if bad.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let current = if filters.page > last_page {
        if error.is_none() {
            error = Some(lang.pick(
                format!(
                    "Không có trang {}: kết quả chỉ có {last_page} trang.",
                    filters.page
                ),
                format!(
                    "There is no page {}: the results have {last_page} page(s).",
                    filters.page
                ),
            ));
            status = StatusCode::NOT_FOUND;
        }
        1
    } else {
        filters.page
    };
    let hits_view: Vec<Hit> = results
        .iter()
        .skip(page_start(current, PAGE_SIZE))
        .take(PAGE_SIZE)
        .map(|(e, _)| {
            let p = tenant.procedures[e.position].info();
            let code = p.code.to_string();
            Hit {
                name: p.name.get(lang).to_owned(),
                href: procedure_path(lang, &code),
                sector: p.sector_name.get(lang).to_owned(),
                agency: p.agency.get(lang).to_owned(),
                level: level_text(lang, p.level.number()),
                time: time_text(lang, p.time),
                apply: accepts_online(p).then(|| apply_path(lang, &code)),
                code,
            }
        })
        .collect();
    let at = |n: usize| {
        let mut f = filters.clone();
        f.page = n;
        f.href(lang)
    };
    let pages = if last_page > 1 {
        (1..=last_page)
            .map(|n| PageLink {
                number: n,
                href: at(n),
                current: n == current,
            })
            .collect()
    } else {
        Vec::new()
    };

    let mut shown = filters.clone();
    shown.page = current;
    let path = shown.href(lang);
    let other_path = shown.href(other(lang));
    let view = CataloguePage {
        page: page_ctx(&state, &site, &headers, &path, &other_path),
        l,
        search: SearchBox {
            q: filters.q.clone(),
            hidden: [
                ("sector", filters.sector.clone()),
                ("agency", filters.agency.clone()),
                (
                    "level",
                    filters.level.map(|n| n.to_string()).unwrap_or_default(),
                ),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect(),
            ..SearchBox::new(lang)
        },
        error,
        found: labels::found(lang, total),
        facets,
        hits: hits_view,
        filtered: !filters.is_empty(),
        clear_href: catalogue_path(lang),
        page_of: labels::page_of(lang, current, last_page),
        previous: (current > 1).then(|| at(current - 1)),
        next: (current < last_page).then(|| at(current + 1)),
        pages,
        assistant: crate::guidance::AssistantLink::new(lang),
    };
    (status, render(&view)).into_response()
}

/// A required document as the procedure page shows it.
struct DocumentView {
    name: String,
    form: &'static str,
    copies: String,
    optional: bool,
    template: Option<String>,
    /// Where its template form is downloaded, and the file's format, when the procedure ships
    /// one.
    template_link: Option<(String, &'static str)>,
}

/// A case of the procedure page.
struct CaseView {
    name: String,
    time: String,
    documents: Vec<DocumentView>,
}

/// A fee of the procedure page.
struct FeeView {
    name: String,
    amount: String,
    note: Option<String>,
}

/// A legal document of the procedure page.
struct LawView {
    number: String,
    title: String,
}

#[derive(Template)]
#[template(path = "catalogue/procedure.html")]
struct ProcedurePage {
    page: PageCtx,
    l: &'static CatalogueLabels,
    catalogue: &'static str,
    name: String,
    code: String,
    local_code: String,
    sector: String,
    sector_href: String,
    agency: String,
    division: String,
    desk: String,
    level: &'static str,
    time: String,
    channels: Vec<&'static str>,
    applicants: Vec<&'static str>,
    apply: Option<String>,
    steps: Vec<String>,
    cases: Vec<CaseView>,
    fees: Vec<FeeView>,
    eligibility: Vec<String>,
    results: Vec<String>,
    legal_basis: Vec<LawView>,
    /// The procedure's published questions and answers.
    qa: crate::guidance::QaSection,
}

async fn procedure(
    lang: Lang,
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let Some(live) = site.tenant.procedure(&code) else {
        return crate::pages::not_found(State(state), site, headers).await;
    };
    let p = live.info();
    if lang != site.lang {
        // The code is the procedure's own, never the request's text, in the redirect.
        return redirect_to_host_language(procedure_path(site.lang, &p.code.to_string()), None);
    }
    let m = &site.tenant.manifest;
    let code = p.code.to_string();
    let path = procedure_path(lang, &code);
    let other_path = procedure_path(other(lang), &code);
    let qa = crate::guidance::qa_section(&state, &site, &code).await;
    let view = ProcedurePage {
        page: page_ctx(&state, &site, &headers, &path, &other_path),
        l: catalogue_labels(lang),
        catalogue: catalogue_path(lang),
        name: p.name.get(lang).to_owned(),
        local_code: p.local_code(m),
        sector: p.sector_name.get(lang).to_owned(),
        sector_href: Filters {
            sector: p.sector.to_string(),
            page: 1,
            ..Filters::default()
        }
        .href(lang),
        agency: p.agency.get(lang).to_owned(),
        division: m
            .division(p.division.as_str())
            .map(|d| d.name.get(lang).to_owned())
            .unwrap_or_default(),
        desk: p.desk(m).name.get(lang).to_owned(),
        level: level_text(lang, p.level.number()),
        time: time_text(lang, p.time),
        channels: p
            .channels
            .iter()
            .map(|c| labels::channel(lang, *c))
            .collect(),
        applicants: p
            .applicants
            .iter()
            .map(|a| labels::applicant(lang, *a))
            .collect(),
        apply: accepts_online(p).then(|| apply_path(lang, &code)),
        steps: p.steps.iter().map(|s| s.get(lang).to_owned()).collect(),
        cases: p
            .cases
            .iter()
            .map(|c| CaseView {
                name: c.name.get(lang).to_owned(),
                time: time_text(lang, c.time.unwrap_or(p.time)),
                documents: c
                    .documents
                    .iter()
                    .map(|d| DocumentView {
                        name: d.name.get(lang).to_owned(),
                        form: labels::document_form(lang, d.form),
                        copies: labels::copies(lang, d.quantity),
                        optional: d.optional,
                        template: d.template.clone().or_else(|| {
                            d.template_file
                                .as_ref()
                                .map(|_| d.name.get(lang).to_owned())
                        }),
                        template_link: d.template_file.as_ref().map(|f| {
                            (
                                template_forms::template_path(lang, &code, f.file_name()),
                                f.format_name(),
                            )
                        }),
                    })
                    .collect(),
            })
            .collect(),
        fees: p
            .fees
            .iter()
            .map(|f| FeeView {
                name: f.name.get(lang).to_owned(),
                amount: if f.amount == 0 {
                    catalogue_labels(lang).free.to_owned()
                } else {
                    labels::money(lang, f.amount)
                },
                note: f.note.as_ref().map(|n| n.get(lang).to_owned()),
            })
            .collect(),
        eligibility: p
            .eligibility
            .iter()
            .map(|e| e.get(lang).to_owned())
            .collect(),
        results: p.results.iter().map(|r| r.get(lang).to_owned()).collect(),
        legal_basis: p
            .legal_basis
            .iter()
            .map(|b| LawView {
                number: b.number.clone(),
                title: b.title.get(lang).to_owned(),
            })
            .collect(),
        qa,
        code,
    };
    render(&view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_through_their_query() {
        let (f, bad) =
            Filters::parse("q=%C4%91%C4%83ng+k%C3%BD&sector=G15-LL01&level=3&page=2&x=1");
        assert!(bad.is_none());
        assert_eq!(f.q, "đăng ký");
        assert_eq!(f.level, Some(3));
        assert_eq!(f.page, 2);
        assert_eq!(Filters::parse(&f.query()[1..]).0, f);
        assert_eq!(
            f.href(Lang::En),
            "/procedures?q=%C4%91%C4%83ng%20k%C3%BD&sector=G15-LL01&level=3&page=2"
        );
        assert_eq!(Filters::parse("").0.href(Lang::Vi), "/thu-tuc");
    }

    #[test]
    fn results_are_cut_into_pages() {
        assert_eq!(last_page(0, PAGE_SIZE), 1);
        assert_eq!(last_page(20, 20), 1);
        assert_eq!(last_page(21, 20), 2);
        assert_eq!(last_page(45, 20), 3);
        assert_eq!(page_start(1, 20), 0);
        assert_eq!(page_start(3, 20), 40);
    }

    #[test]
    fn bad_levels_and_pages_are_refused_in_both_languages() {
        let (_, bad) = Filters::parse("level=7");
        let bad = bad.unwrap();
        assert!(
            bad.message(Lang::Vi)
                .contains("Mức độ trực tuyến “7” không hợp lệ")
        );
        assert!(
            bad.message(Lang::En)
                .contains("online level “7” is not valid")
        );
        let (_, bad) = Filters::parse("page=0");
        assert!(bad.unwrap().message(Lang::En).contains("page number “0”"));
        let (_, bad) = Filters::parse("page=abc");
        assert!(bad.unwrap().message(Lang::Vi).contains("Số trang “abc”"));
    }
}
