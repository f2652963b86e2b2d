//! The one-stop pages of complaints, on the staff host (Vietnamese, without JavaScript):
//!
//! - `GET /phan-anh`: the complaints of the official's divisions, the answer due soonest first,
//!   overdue ones marked in words (not by colour alone), with a GET filter form whose fields are
//!   the JSON API's query parameters;
//! - `GET /phan-anh/{code}`: one complaint, with the forms to forward, answer and close it when
//!   the official may (closing asks nothing but the button: it is recorded with who and when);
//! - `POST /phan-anh/{code}/thao-tac`: a form, run through [`super::run`] like the API.
//!   Accepted: 303 back with a fixed `?ok=` code; refused: the page as the complaint now stands,
//!   the refusal above it, what was typed given back.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::Utc;
use motcua_store::complaints::{self, Complaint};
use serde::Deserialize;

use super::{Act, Can, Params, can, load_list, load_one, official_names, run};
use crate::AppState;
use crate::complaints::{
    division_name, kind_label, local_time, overdue, status_label, subject_label,
};
use crate::error::Failure;
use crate::guard::Guard;
use crate::onestop::pages::{Opt, Staff, field, form_pairs, page, respond, see_other};
use crate::session::Session;

/// A row of the list.
struct Row {
    code: String,
    kind: &'static str,
    subject: String,
    sender: String,
    division: String,
    received: String,
    status: &'static str,
    answer_by: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "onestop/complaints_list.html")]
struct ListTemplate {
    staff: Staff,
    statuses: Vec<Opt>,
    overdue_only: bool,
    any: bool,
    rows: Vec<Row>,
    error: Option<String>,
}

/// `GET /phan-anh`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "complaints");
    let outcome = async {
        let parsed = Query::<Params>::try_from_uri(&uri).map(|q| q.0);
        let params = parsed.as_ref().cloned().unwrap_or_default();
        let status = params.status.as_deref().filter(|s| !s.is_empty());
        let statuses = vec![
            Opt::new("", "Tất cả", status),
            Opt::new("open", "Chưa trả lời", status),
            Opt::new("received", "Mới tiếp nhận", status),
            Opt::new("forwarded", "Được chuyển đến", status),
            Opt::new("answered", "Đã trả lời", status),
            Opt::new("closed", status_label("closed", site.lang), status),
        ];
        let overdue_only = params.overdue.unwrap_or(false);
        let mut template = ListTemplate {
            staff: staff.clone(),
            statuses,
            overdue_only,
            any: status.is_some() || overdue_only,
            rows: Vec::new(),
            error: None,
        };
        let now = Utc::now();
        let loaded = match parsed {
            Ok(p) => load_list(&state, &guard, &p, now).await,
            // Still ask the guard, so that a malformed query is answered like any other.
            Err(_) => load_list(&state, &guard, &Params::default(), now)
                .await
                .and_then(|_| {
                    Err(Failure::invalid(
                        "invalid_filter",
                        crate::i18n::Msg::new("Bộ lọc không hợp lệ.", "The filter is not valid."),
                    ))
                }),
        };
        match loaded {
            Ok(rows) => {
                template.rows = rows
                    .iter()
                    .map(|c| Row {
                        code: c.code.clone(),
                        kind: kind_label(&c.kind, site.lang),
                        subject: subject_label(&site, c),
                        sender: c.sender.name.clone(),
                        division: division_name(&site, &c.division),
                        received: local_time(&site, c.received_at),
                        status: status_label(&c.status, site.lang),
                        answer_by: local_time(&site, c.answer_by),
                        overdue: overdue(c, now),
                    })
                    .collect();
                Ok(page(StatusCode::OK, &template))
            }
            Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
                template.error = Some(f.message.get(site.lang).to_owned());
                Ok(page(f.status, &template))
            }
            Err(f) => Err(f),
        }
    }
    .await;
    respond(&site, staff, outcome)
}

/// What an official typed in a form that was refused.
#[derive(Clone, Debug, Default)]
struct Retained {
    kind: String,
    division: String,
    reason: String,
    text: String,
    publish: bool,
}

#[derive(Template)]
#[template(path = "onestop/complaint.html")]
struct ComplaintTemplate {
    staff: Staff,
    code: String,
    version: i64,
    title: String,
    status: &'static str,
    overdue: bool,
    facts: Vec<(&'static str, String)>,
    text: String,
    files: Vec<(String, String)>,
    forwards: Vec<String>,
    answer: Option<(String, String)>,
    /// When and by whom it was closed.
    closed: Option<String>,
    /// The close form's words.
    close: CloseWords,
    can: Can,
    /// Where it may be forwarded: every other division.
    divisions: Vec<Opt>,
    retained: Retained,
    ok: Option<&'static str>,
    error: Option<String>,
}

/// The words of the close form, in the host's language.
struct CloseWords {
    title: &'static str,
    hint: &'static str,
    button: &'static str,
    closed: &'static str,
}

fn close_words(lang: motcua_core::lang::Lang) -> CloseWords {
    CloseWords {
        title: lang.pick("Kết thúc xử lý", "Close"),
        hint: lang.pick(
            "Kết thúc khi đã trả lời xong, hoặc khi không cần xử lý tiếp (trùng lặp, người gửi rút lại). Sau khi kết thúc, không thể trả lời hay chuyển phản ánh, kiến nghị này nữa.",
            "Close it once answered, or when nothing more is to be done (a duplicate, withdrawn by its sender). A closed complaint can no longer be answered or forwarded.",
        ),
        button: lang.pick("Kết thúc xử lý", "Close the complaint"),
        closed: lang.pick("Đã kết thúc xử lý", "Closed"),
    }
}

/// The complaint page, with `ok` or `error` above it and `retained` back in its forms,
/// answered with `status`.
async fn render(
    state: &AppState,
    guard: &Guard,
    staff: Staff,
    c: &Complaint,
    notice: (Option<&'static str>, Option<String>),
    retained: Retained,
    status: StatusCode,
) -> Result<Response, Failure> {
    let site = &guard.site;
    let tenant = site.tenant.id;
    let (forwards, files) = complaints::details(&state.store, tenant, c.id).await?;
    let names = official_names(state, tenant).await?;
    let name = |who: &str| names.get(who).cloned().unwrap_or_else(|| who.to_owned());
    let now = Utc::now();
    let contact = [c.sender.phone.as_deref(), c.sender.email.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let mut facts = vec![
        ("Nội dung liên quan đến", subject_label(site, c)),
        ("Người gửi", c.sender.name.clone()),
        ("Liên hệ", contact),
    ];
    if let Some(a) = &c.sender.address {
        facts.push(("Địa chỉ", a.clone()));
    }
    facts.extend([
        ("Tiếp nhận lúc", local_time(site, c.received_at)),
        ("Đơn vị đang xử lý", division_name(site, &c.division)),
        (
            "Hạn chuyển đơn vị có thẩm quyền",
            local_time(site, c.forward_by),
        ),
        ("Hạn trả lời", local_time(site, c.answer_by)),
    ]);
    let can = can(guard, c, now);
    let chosen = Some(retained.division.as_str()).filter(|d| !d.is_empty());
    let divisions = site
        .tenant
        .manifest
        .divisions
        .iter()
        .filter(|d| d.key.as_str() != c.division)
        .map(|d| Opt::new(d.key.as_str(), d.name.get(site.lang), chosen))
        .collect();
    let template = ComplaintTemplate {
        staff,
        code: c.code.clone(),
        version: c.version,
        title: format!("{} {}", kind_label(&c.kind, site.lang), c.code),
        status: status_label(&c.status, site.lang),
        overdue: overdue(c, now),
        facts,
        text: c.text.clone(),
        files: files
            .iter()
            .map(|f| {
                (
                    format!("{} ({} KB)", f.file_name, (f.size + 1023) / 1024),
                    super::file_href(&c.code, &f.sha256),
                )
            })
            .collect(),
        forwards: forwards
            .iter()
            .map(|f| {
                format!(
                    "{}: {} → {} ({}). Lý do: {}",
                    local_time(site, f.at),
                    division_name(site, &f.from),
                    division_name(site, &f.to),
                    name(&f.by),
                    f.reason
                )
            })
            .collect(),
        answer: c.answer.as_ref().map(|a| {
            (
                format!(
                    "{} — {}{}",
                    local_time(site, a.at),
                    name(&a.by),
                    if c.published {
                        " (đã công khai)"
                    } else {
                        ""
                    }
                ),
                a.text.clone(),
            )
        }),
        closed: c
            .closed
            .as_ref()
            .map(|k| format!("{} — {}", local_time(site, k.at), name(&k.by))),
        close: close_words(site.lang),
        can,
        divisions,
        retained,
        ok: notice.0,
        error: notice.1,
    };
    Ok(page(status, &template))
}

/// The query of the complaint page.
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    ok: Option<String>,
}

fn flash(code: &str, lang: motcua_core::lang::Lang) -> Option<&'static str> {
    match code {
        "forward" => Some("Đã chuyển phản ánh, kiến nghị đến đơn vị có thẩm quyền."),
        "answer" => Some(
            "Đã ghi nhận nội dung trả lời; người gửi xem được bằng mã số trên Cổng Dịch vụ công.",
        ),
        "close" => Some(lang.pick(
            "Đã kết thúc xử lý phản ánh, kiến nghị.",
            "The complaint is closed.",
        )),
        _ => None,
    }
}

/// A page of complaint `code` in the staff layout: `page` runs on the complaint once the caller
/// may see it (404 or 403 otherwise), and a failure is answered with the staff error page.
async fn on_complaint(
    state: &AppState,
    guard: &Guard,
    session: &Session,
    code: &str,
    page: impl AsyncFnOnce(Complaint, Staff) -> Result<Response, Failure>,
) -> Response {
    let staff = Staff::new(&guard.site, session, "complaints");
    let outcome = match load_one(state, guard, code).await {
        Ok(c) => page(c, staff.clone()).await,
        Err(f) => Err(f),
    };
    respond(&guard.site, staff, outcome)
}

/// `GET /phan-anh/{code}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(code): Path<String>,
    uri: Uri,
) -> Response {
    on_complaint(&state, &guard, &session, &code, async |c, staff| {
        let ok = Query::<PageQuery>::try_from_uri(&uri)
            .ok()
            .and_then(|q| q.0.ok)
            .as_deref()
            .and_then(|ok| flash(ok, guard.site.lang));
        render(
            &state,
            &guard,
            staff,
            &c,
            (ok, None),
            Retained::default(),
            StatusCode::OK,
        )
        .await
    })
    .await
}

/// `POST /phan-anh/{code}/thao-tac`.
pub(crate) async fn act(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let lang = guard.site.lang;
    on_complaint(&state, &guard, &session, &code, async |c, staff| {
        let pairs = form_pairs(&body);
        let get = |name| field(&pairs, name).unwrap_or_default().to_owned();
        let retained = Retained {
            kind: get("type"),
            division: get("division"),
            reason: get("reason"),
            text: get("text"),
            publish: get("publish") == "yes",
        };
        let version = get("expected_version").parse::<i64>().ok();
        let parsed = match retained.kind.as_str() {
            "forward" => Some((
                Act::Forward {
                    division: retained.division.clone(),
                    reason: retained.reason.clone(),
                },
                "forward",
            )),
            "answer" => Some((
                Act::Answer {
                    text: retained.text.clone(),
                    publish: retained.publish,
                },
                "answer",
            )),
            "close" => Some((Act::Close, "close")),
            _ => None,
        };
        let (status, message) = match (parsed, version) {
            (Some((act, ok)), Some(v)) => match run(&state, &guard, &c, Some(v), act).await {
                Ok(_) => return Ok(see_other(&format!("/phan-anh/{}?ok={ok}", c.code))),
                Err(f) if f.status.is_server_error() => return Err(f),
                Err(f) if f.status == StatusCode::CONFLICT => (
                    f.status,
                    format!(
                        "{} Trang dưới đây là phản ánh, kiến nghị như hiện nay; hãy xem lại trước khi thao tác.",
                        f.message.get(lang)
                    ),
                ),
                Err(f) => (f.status, f.message.get(lang).to_owned()),
            },
            _ => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.".to_owned(),
            ),
        };
        let fresh = load_one(&state, &guard, &code).await?;
        render(
            &state,
            &guard,
            staff,
            &fresh,
            (None, Some(message)),
            retained,
            status,
        )
        .await
    })
    .await
}
