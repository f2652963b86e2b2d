//! Online submission on the citizen portal (Art. 16.2.c): a signed-in citizen fills in a
//! procedure's e-form ([`crate::eform`]) and attaches the case's documents, saves a draft or
//! goes on to a review, submits, and gets a receipt with the dossier's code, due date and the QR
//! code of its public lookup.
//!
//! Paths follow the host's language, as the catalogue's do: `/thu-tuc/{code}/nop-ho-so` (and
//! `/xem-lai`) and `/ho-so-cua-toi/{code}/bien-nhan` on the Vietnamese host,
//! `/procedures/{code}/apply` (and `/review`) and `/my-dossiers/{code}/receipt` on the English
//! one.
//!
//! Rules kept here:
//! - only a citizen signed in through the national portal, whose sign-in gives their identity
//!   number, applies; a visitor is sent to sign in and back, an official is told that citizens
//!   apply here; the applicant's name and identity number are the sign-in's, never typed;
//! - everything works without JavaScript: the browser checks what HTML can (required, lengths,
//!   types, the 12 digits of an identity number), the server checks everything again with the
//!   validator the JSON API uses and shows each problem at its input, in the page's language;
//! - every POST saves the citizen's draft ([`motcua_store::drafts`]) first, so nothing typed or
//!   uploaded is lost to a refusal; the files are the citizen's uploads, held to the procedure's
//!   limits as they arrive ([`crate::api::store_part`]), attached when the dossier is received,
//!   in its transaction;
//! - the submission goes through [`crate::api::check_submission`] and [`handling`] with the
//!   draft's key as idempotency key: a double click or a replay gives the same dossier.

mod form;
mod labels;
mod receipt;
mod review;
mod sent;

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use motcua_core::dossier::Channel;
use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;

use crate::AppState;
use crate::catalogue::apply_path;
use crate::error::Failure;
use crate::guard::OwnedRoute;
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, render, urlencode};
use crate::session::{CitizenIdentity, Principal, Session};
use crate::sites::Live;
pub(crate) use labels::{ApplyLabels, apply_labels, money};

/// The largest body of the submission form: its fields and files, each file held to its
/// procedure's limit as it arrives.
const FORM_WITH_FILES: usize =
    motcua_workflow::attachments::MAX_FILE_SIZE as usize + crate::api::MULTIPART_OVERHEAD;

/// The online submission's routes, on the portal, and those of them that name what a citizen
/// owns (the form and the review are the signed-in citizen's own draft of a procedure).
pub(crate) fn routes() -> (Router<AppState>, &'static [OwnedRoute]) {
    let limit = || axum::extract::DefaultBodyLimit::max(FORM_WITH_FILES);
    let (owned, table) = crate::guard::owned_routes! { "";
        "/ho-so-cua-toi/{code}/bien-nhan" [get] => get(receipt::show),
        "/my-dossiers/{code}/receipt" [get] => get(receipt::show),
    };
    let router = Router::new()
        .route(
            "/thu-tuc/{code}/nop-ho-so",
            get(form::show).post(form::save).layer(limit()),
        )
        .route(
            "/procedures/{code}/apply",
            get(form::show).post(form::save).layer(limit()),
        )
        .route(
            "/thu-tuc/{code}/nop-ho-so/xem-lai",
            get(review::show).post(review::submit),
        )
        .route(
            "/procedures/{code}/apply/review",
            get(review::show).post(review::submit),
        )
        .merge(owned);
    (router, table)
}

/// The review page of a procedure's submission in `lang`.
pub(crate) fn review_path(lang: Lang, code: &str) -> String {
    format!(
        "{}{}",
        apply_path(lang, code),
        lang.pick("/xem-lai", "/review")
    )
}

/// The receipt of dossier `code` in `lang`.
pub(crate) fn receipt_path(lang: Lang, code: &str) -> String {
    format!(
        "{}{}",
        dossier_path(lang, code),
        lang.pick("/bien-nhan", "/receipt")
    )
}

/// The citizen's page of dossier `code` in `lang`.
pub(crate) fn dossier_path(lang: Lang, code: &str) -> String {
    format!("{}/{code}", lang.pick("/ho-so-cua-toi", "/my-dossiers"))
}

/// Whether `path` is written in `lang` (`/thu-tuc`, `/ho-so-cua-toi` are Vietnamese).
fn path_lang(path: &str) -> Lang {
    if path.starts_with("/thu-tuc") || path.starts_with("/ho-so-cua-toi") {
        Lang::Vi
    } else {
        Lang::En
    }
}

/// A path of the other language on this host: the same page in this host's language.
pub(crate) fn other_language(
    site: &Site,
    path: &str,
    same: impl FnOnce(Lang) -> String,
) -> Option<Response> {
    (path_lang(path) != site.lang).then(|| Redirect::to(&same(site.lang)).into_response())
}

/// The page context of a page whose path in each language `path_of` gives: the language switch
/// leads to the same page on the other host.
pub(crate) fn page_ctx(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    path_of: impl Fn(Lang) -> String,
) -> PageCtx {
    let mut page = PageCtx::new(state, site, headers, &path_of(site.lang));
    let other = site.lang.pick(Lang::En, Lang::Vi);
    page.other_url = PageCtx::new(state, site, headers, &path_of(other)).other_url;
    page
}

/// A page that says why the visitor cannot go on: a title, a sentence, and a way on.
#[derive(Template)]
#[template(path = "apply/notice.html")]
struct Notice {
    page: PageCtx,
    title: String,
    message: String,
    link: Option<(String, String)>,
}

/// `failure` as a page in the host's language, with a link on when there is one.
pub(crate) fn notice(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    failure: &Failure,
    link: Option<(String, String)>,
) -> Response {
    let lang = site.lang;
    let title = match failure.status {
        StatusCode::NOT_FOUND => lang.pick("Không tìm thấy", "Not found"),
        StatusCode::FORBIDDEN => lang.pick("Không thực hiện được", "Not available to you"),
        StatusCode::PAYLOAD_TOO_LARGE => lang.pick("Tệp quá lớn", "File too large"),
        StatusCode::TOO_MANY_REQUESTS => lang.pick("Quá nhiều yêu cầu", "Too many requests"),
        s if s.is_server_error() => lang.pick("Hệ thống gặp lỗi", "Something went wrong"),
        _ => lang.pick("Không thực hiện được", "This cannot be done"),
    };
    let page = Notice {
        page: PageCtx::new(state, site, headers, "/"),
        title: title.to_owned(),
        message: failure.message.get(lang).to_owned(),
        link,
    };
    let response = (failure.status, render(&page)).into_response();
    failure.with_headers(response)
}

/// The procedure `code` of the host's tenant, if citizens can submit it on this portal.
fn procedure<'s>(site: &'s Site, code: &str) -> Result<&'s Live, Failure> {
    let live = site.tenant.procedure(code).ok_or_else(|| {
        Failure::not_found(Msg::new(
            format!("Không có thủ tục mã {code}."),
            format!("There is no procedure with code {code}."),
        ))
    })?;
    if !accepts_online(live.info()) {
        let name = &live.info().name;
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "procedure_not_online",
            Msg::new(
                format!(
                    "Thủ tục “{}” chưa nhận hồ sơ nộp trực tuyến trên Cổng này; vui lòng nộp tại Bộ phận Một cửa hoặc qua Cổng Dịch vụ công quốc gia.",
                    name.get(Lang::Vi)
                ),
                format!(
                    "“{}” does not accept online dossiers on this portal; please apply at the one-stop desk or through the national public service portal.",
                    name.get(Lang::En)
                ),
            ),
        ));
    }
    Ok(live)
}

/// Whether citizens can submit `p` on this portal.
fn accepts_online(p: &ProcedureInfo) -> bool {
    p.level.accepts_online() && p.channels.contains(&Channel::Online)
}

/// Who applies: the signed-in citizen and their identity number.
pub(crate) struct Applicant<'s> {
    identity: &'s CitizenIdentity,
    pub(crate) citizen_id: &'s str,
}

impl Applicant<'_> {
    /// Their drafts' and uploads' owner, as [`crate::api`] names uploaders.
    fn owner(&self) -> String {
        format!("citizen:{}", self.identity.subject)
    }
}

/// The signed-in citizen; otherwise the answer (boxed: it is the rare path): a visitor signs in
/// and comes back to `back`, anyone else is told who applies here.
pub(crate) fn applicant<'s>(
    state: &AppState,
    site: &Site,
    headers: &HeaderMap,
    session: Option<&'s Session>,
    back: &str,
) -> Result<Applicant<'s>, Box<Response>> {
    let principal = session.map(|s| &s.principal);
    match principal {
        Some(Principal::Citizen(c)) => match c.citizen_id.as_deref() {
            Some(id) => Ok(Applicant {
                identity: c,
                citizen_id: id,
            }),
            None => Err(Box::new(notice(
                state,
                site,
                headers,
                &Failure::new(
                    StatusCode::FORBIDDEN,
                    "citizen_id_missing",
                    Msg::new(
                        "Tài khoản đăng nhập của bạn không cho biết số định danh cá nhân, nên chưa nộp hồ sơ trực tuyến được. Vui lòng đăng nhập bằng tài khoản định danh điện tử.",
                        "Your sign-in did not give your citizen identity number, so you cannot apply online yet. Please sign in with your electronic identity account.",
                    ),
                ),
                None,
            ))),
        },
        Some(Principal::Official { .. } | Principal::Operator { .. } | Principal::Token { .. }) => {
            Err(Box::new(notice(
                state,
                site,
                headers,
                &Failure::new(
                    StatusCode::FORBIDDEN,
                    "citizens_only",
                    Msg::new(
                        "Trang này dành cho công dân và tổ chức nộp hồ sơ trực tuyến, đăng nhập qua Cổng Dịch vụ công quốc gia. Cán bộ tiếp nhận hồ sơ tại trang Tiếp nhận của Hệ thống một cửa điện tử.",
                        "Citizens and businesses apply here, signed in through the national public service portal. Officials receive dossiers on the reception page of the one-stop system.",
                    ),
                ),
                None,
            )))
        }
        None => Err(Box::new(
            Redirect::to(&format!(
                "{}?return={}",
                crate::oidc::SIGN_IN_PATH,
                urlencode(back)
            ))
            .into_response(),
        )),
    }
}
