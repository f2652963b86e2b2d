//! The signed-in citizen's drafts on "my dossiers": `GET /ho-so-cua-toi/dang-soan`
//! (`/my-dossiers/drafts`) lists what they saved on a submission form and have not sent, the last
//! saved first, each with a link back into the form ([`crate::apply`], which reopens the draft)
//! and a way to delete it: `GET .../{id}/xoa` (`.../{id}/delete`) asks to confirm, `POST` there
//! deletes the draft and its uploads ([`drafts::discard`]) and comes back to the list.
//!
//! Only the owner's drafts are read or deleted (by tenant and `citizen:<subject>`, in the store):
//! another's id is 404 like one that does not exist. Signed out, the citizens' sign-in comes back
//! here; the pages carry personal data and are never stored.

use askama::Template;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::lang::Lang;
use motcua_store::drafts::{self, Draft};

use super::supplement::owner_of;
use super::{list_path, refused, visitor};
use crate::AppState;
use crate::apply::page_ctx;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, local_time, no_store, render};
use crate::session::Session;

/// The drafts' list in `lang`.
pub(crate) fn drafts_path(lang: Lang) -> String {
    format!("{}{}", list_path(lang), lang.pick("/dang-soan", "/drafts"))
}

/// Where draft `id` is deleted, in `lang`.
fn delete_path(lang: Lang, id: i64) -> String {
    format!("{}/{id}{}", drafts_path(lang), lang.pick("/xoa", "/delete"))
}

/// The words of the pages.
struct Words {
    title: &'static str,
    intro: &'static str,
    empty: &'static str,
    saved: &'static str,
    files: &'static str,
    resume: &'static str,
    delete: &'static str,
    deleted: &'static str,
    back: &'static str,
    confirm_title: &'static str,
    confirm: &'static str,
    confirm_button: &'static str,
    keep: &'static str,
}

const VI: Words = Words {
    title: "Hồ sơ đang soạn",
    intro: "Các hồ sơ bạn đã lưu nháp trên mẫu nộp hồ sơ trực tuyến nhưng chưa gửi, mới lưu nhất trước.",
    empty: "Bạn không có hồ sơ đang soạn nào.",
    saved: "Lưu lần cuối",
    files: "Tệp đã tải lên",
    resume: "Tiếp tục soạn",
    delete: "Xóa bản nháp",
    deleted: "Đã xóa bản nháp và các tệp đã tải lên của nó.",
    back: "Về danh sách hồ sơ của tôi",
    confirm_title: "Xóa bản nháp?",
    confirm: "Bản nháp hồ sơ và các tệp đã tải lên cho nó sẽ bị xóa, không khôi phục được.",
    confirm_button: "Xóa bản nháp",
    keep: "Không xóa, quay lại",
};

const EN: Words = Words {
    title: "Drafts",
    intro: "The dossiers you saved on an online submission form and have not sent, the last saved first.",
    empty: "You have no drafts.",
    saved: "Last saved",
    files: "Files uploaded",
    resume: "Continue",
    delete: "Delete the draft",
    deleted: "The draft and the files uploaded for it were deleted.",
    back: "Back to my dossiers",
    confirm_title: "Delete the draft?",
    confirm: "The draft and the files uploaded for it will be deleted; this cannot be undone.",
    confirm_button: "Delete the draft",
    keep: "Keep it and go back",
};

fn words(lang: Lang) -> &'static Words {
    lang.pick(&VI, &EN)
}

/// A draft as the pages show it.
struct Row {
    procedure: String,
    code: String,
    saved: String,
    files: usize,
    resume: String,
    delete: String,
}

fn row(site: &Site, d: &Draft) -> Row {
    let code = &d.content.procedure_code;
    Row {
        procedure: site
            .tenant
            .procedure(code)
            .map_or_else(|| code.clone(), |p| p.info().name.get(site.lang).to_owned()),
        code: code.clone(),
        saved: local_time(site, d.updated_at),
        files: d.content.documents.len(),
        resume: crate::catalogue::apply_path(site.lang, code),
        delete: delete_path(site.lang, d.id),
    }
}

#[derive(Template)]
#[template(path = "my_dossiers/drafts.html")]
struct ListPage {
    page: PageCtx,
    w: &'static Words,
    back: &'static str,
    deleted: bool,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "my_dossiers/draft_delete.html")]
struct ConfirmPage {
    page: PageCtx,
    w: &'static Words,
    list: String,
    csrf: String,
    draft: Row,
}

/// `GET /ho-so-cua-toi/dang-soan` (`/my-dossiers/drafts`).
pub(super) async fn list(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> Response {
    let here = drafts_path(site.lang);
    if let Some(r) = super::host_language(&site, super::path_lang(uri.path()), here.clone()) {
        return r;
    }
    let (citizen, _) = match visitor(&state, &site, &headers, session.as_ref(), &here) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let found = match drafts::list(&state.store, site.tenant.id, &owner_of(citizen)).await {
        Ok(f) => f,
        Err(e) => return refused(&state, &site, &headers, e.into()),
    };
    let view = ListPage {
        page: page_ctx(&state, &site, &headers, drafts_path),
        w: words(site.lang),
        back: list_path(site.lang),
        deleted: query.as_deref() == Some("deleted=1"),
        rows: found.iter().map(|d| row(&site, d)).collect(),
    };
    no_store((StatusCode::OK, render(&view)).into_response())
}

fn not_found(id: &str) -> Failure {
    Failure::not_found(Msg::new(
        format!("Không có bản nháp số {id} trong hồ sơ đang soạn của bạn."),
        format!("There is no draft number {id} among your drafts."),
    ))
}

/// `GET /ho-so-cua-toi/dang-soan/{id}/xoa` (`/my-dossiers/drafts/{id}/delete`): the question
/// whether to delete it.
pub(super) async fn confirm(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Response {
    let number = id.parse::<i64>().ok();
    let here = delete_path(site.lang, number.unwrap_or_default());
    if let Some(r) = super::host_language(&site, super::path_lang(uri.path()), here.clone()) {
        return r;
    }
    let (citizen, _) = match visitor(&state, &site, &headers, session.as_ref(), &here) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let Some(number) = number else {
        return refused(&state, &site, &headers, not_found(&id));
    };
    let draft = match drafts::get(&state.store, site.tenant.id, &owner_of(citizen), number).await {
        Ok(Some(d)) => d,
        Ok(None) => return refused(&state, &site, &headers, not_found(&id)),
        Err(e) => return refused(&state, &site, &headers, e.into()),
    };
    let view = ConfirmPage {
        page: page_ctx(&state, &site, &headers, |lang| delete_path(lang, draft.id)),
        w: words(site.lang),
        list: drafts_path(site.lang),
        csrf: session
            .as_ref()
            .and_then(|s| s.csrf.clone())
            .unwrap_or_default(),
        draft: row(&site, &draft),
    };
    no_store((StatusCode::OK, render(&view)).into_response())
}

/// `POST /ho-so-cua-toi/dang-soan/{id}/xoa` (`/my-dossiers/drafts/{id}/delete`): deletes the
/// draft and its uploads, then 303 to the list.
pub(super) async fn delete(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(id): Path<String>,
) -> Response {
    let list = drafts_path(site.lang);
    let (citizen, _) = match visitor(&state, &site, &headers, session.as_ref(), &list) {
        Ok(v) => v,
        Err(response) => return *response,
    };
    let Ok(number) = id.parse::<i64>() else {
        return refused(&state, &site, &headers, not_found(&id));
    };
    match drafts::discard(&state.store, site.tenant.id, &owner_of(citizen), number).await {
        Ok(true) => Redirect::to(&format!("{list}?deleted=1")).into_response(),
        Ok(false) => refused(&state, &site, &headers, not_found(&id)),
        Err(e) => refused(&state, &site, &headers, e.into()),
    }
}
