//! The one-stop pages of accountability requests, on the staff host:
//!
//! - `GET /giai-trinh`: the requests about the official's divisions, most urgent first, overdue
//!   and due-soon ones marked in words (not by colour alone), with a GET filter form whose fields
//!   are the JSON API's query parameters;
//! - `GET /giai-trinh/{id}`: one request with one form per action the official may take;
//! - `POST /giai-trinh/{id}/thao-tac`: a form, run through [`super::run`] like the API. Accepted:
//!   303 back with a fixed `?ok=` code; refused: the page as the request now stands, the refusal
//!   above it, what was typed given back.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::Utc;
use motcua_core::accountability::{Action, Status};
use motcua_store::accountability::Request;
use serde::Deserialize;

use super::super::official::Official;
use super::super::pages::{
    Opt, Staff, WhenPart, field, form_pairs, local_when, page, respond, see_other,
};
use super::super::view::official_names;
use super::{Can, Params, can, load_list, load_one, run};
use crate::AppState;
use crate::accountability::{division_name, local_time, urgency};
use crate::error::Failure;
use crate::guard::Guard;
use crate::host::Site;
use crate::session::Session;

/// The badge of an urgency, in words.
fn urgency_label(urgency: &str) -> Option<&'static str> {
    match urgency {
        "overdue" => Some("Quá hạn"),
        "due_soon" => Some("Sắp đến hạn"),
        _ => None,
    }
}

/// A row of the list.
struct Row {
    id: i64,
    dossier: String,
    division: String,
    applicant: String,
    opened: String,
    status: &'static str,
    /// What is due next, in words, and when.
    due: String,
    urgency: &'static str,
    urgency_label: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "onestop/accountability_list.html")]
struct ListTemplate {
    staff: Staff,
    statuses: Vec<Opt>,
    dues: Vec<Opt>,
    dossier: String,
    any: bool,
    rows: Vec<Row>,
    error: Option<String>,
}

/// What is due next, in words.
fn next_due(site: &Site, r: &Request) -> String {
    match r.status {
        Status::Open => format!("Tiếp nhận trước {}", local_time(site, r.acknowledge_by)),
        Status::Acknowledged => format!("Giải trình trước {}", local_time(site, r.explain_by)),
        Status::Explained => r.explanation.as_ref().map_or_else(String::new, |e| {
            format!("Đã giải trình lúc {}", local_time(site, e.at))
        }),
    }
}

fn given(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// `GET /giai-trinh`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "accountability");
    let outcome = async {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let parsed = Query::<Params>::try_from_uri(&uri).map(|q| q.0);
        let params = parsed.as_ref().cloned().unwrap_or_default();
        let status = given(params.status.as_ref());
        let due = given(params.due.as_ref());
        let mut statuses = vec![Opt::new("", "Tất cả", None)];
        statuses.extend(
            Status::ALL
                .iter()
                .map(|s| Opt::new(s.as_str(), s.label(site.lang), status)),
        );
        let dues = vec![
            Opt::new("", "Mọi thời hạn", None),
            Opt::new("overdue", "Quá hạn", due),
            Opt::new("soon", "Sắp đến hạn (trong 1 ngày làm việc)", due),
        ];
        let mut template = ListTemplate {
            staff: staff.clone(),
            statuses,
            dues,
            dossier: params.dossier.clone().unwrap_or_default(),
            any: status.is_some() || due.is_some() || given(params.dossier.as_ref()).is_some(),
            rows: Vec::new(),
            error: None,
        };
        let now = Utc::now();
        let loaded = match parsed {
            Ok(p) => load_list(&state, &official, &p, now).await,
            // Still ask the guard, so that a malformed query is answered like any other.
            Err(_) => load_list(&state, &official, &Params::default(), now)
                .await
                .and_then(|_| {
                    Err(Failure::invalid(
                        "invalid_filter",
                        crate::i18n::Msg::new("Bộ lọc không hợp lệ.", "The filter is not valid."),
                    ))
                }),
        };
        match loaded {
            Ok(requests) => {
                template.rows = requests
                    .iter()
                    .map(|r| {
                        let urgency = urgency(&site, r, now);
                        Row {
                            id: r.id,
                            dossier: r.dossier_code.clone(),
                            division: division_name(&site, &r.division),
                            applicant: r.applicant_name.clone(),
                            opened: local_time(&site, r.opened_at),
                            status: r.status.label(site.lang),
                            due: next_due(&site, r),
                            urgency,
                            urgency_label: urgency_label(urgency),
                        }
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
    text: String,
    reason: String,
    due_date: String,
    due_time: String,
}

#[derive(Template)]
#[template(path = "onestop/accountability.html")]
struct RequestTemplate {
    staff: Staff,
    id: i64,
    version: i64,
    dossier: String,
    status: &'static str,
    urgency: &'static str,
    urgency_label: Option<&'static str>,
    facts: Vec<(&'static str, String)>,
    text: String,
    extension: Option<String>,
    explanation: Option<(String, String)>,
    can: Can,
    /// The latest date an extension may set (`YYYY-MM-DD`), for the date picker.
    extend_max: String,
    retained: Retained,
    ok: Option<&'static str>,
    error: Option<String>,
}

/// The name of step `key` of the request's dossier, in its procedure version; the key itself
/// when it cannot be found (the step is shown either way).
async fn step_name(state: &AppState, site: &Site, r: &Request, key: &str) -> String {
    let Ok(code) = r.dossier_code.parse() else {
        return key.to_owned();
    };
    let Ok(Some(d)) = motcua_store::dossiers::find(&state.store, site.tenant.id, &code).await
    else {
        return key.to_owned();
    };
    crate::handling::procedure_at(state, site, &d.procedure_code, d.procedure_version)
        .await
        .ok()
        .and_then(|p| {
            p.definition
                .step(key)
                .map(|(_, s)| s.name.get(site.lang).to_owned())
        })
        .unwrap_or_else(|| key.to_owned())
}

/// The request page for `official`, with `ok` or `error` above it and `retained` back in its
/// form, answered with `status`.
async fn render(
    state: &AppState,
    official: &Official,
    staff: Staff,
    r: &Request,
    notice: (Option<&'static str>, Option<String>),
    retained: Retained,
    status: StatusCode,
) -> Result<Response, Failure> {
    let site = &official.guard.site;
    let names = official_names(state, site.tenant.id).await?;
    let name = |who: &str| names.get(who).cloned().unwrap_or_else(|| who.to_owned());
    let now = Utc::now();
    let urgency = urgency(site, r, now);
    let mut facts = vec![
        ("Người yêu cầu", r.applicant_name.clone()),
        ("Gửi lúc", local_time(site, r.opened_at)),
        (
            "Đơn vị được yêu cầu giải trình",
            division_name(site, &r.division),
        ),
    ];
    if let Some(o) = &r.official {
        facts.push(("Cán bộ được nêu", name(o)));
    }
    if let Some(s) = &r.step {
        facts.push(("Bước xử lý", step_name(state, site, r, s).await));
    }
    if let Some(e) = r.event_seq {
        facts.push(("Sự kiện trong quá trình xử lý", format!("số {e}")));
    }
    facts.push(("Hạn tiếp nhận", local_time(site, r.acknowledge_by)));
    if let Some((at, by)) = &r.acknowledged {
        facts.push((
            "Đã tiếp nhận",
            format!("{} — {}", local_time(site, *at), name(by)),
        ));
    }
    facts.push(("Hạn giải trình", local_time(site, r.explain_by)));
    let can = can(official, r, now);
    let tz = site.tenant.calendar.time_zone();
    let template = RequestTemplate {
        staff,
        id: r.id,
        version: r.version,
        dossier: r.dossier_code.clone(),
        status: r.status.label(site.lang),
        urgency,
        urgency_label: urgency_label(urgency),
        facts,
        text: r.text.clone(),
        extension: r.extension.as_ref().map(|e| {
            format!(
                "Gia hạn từ {} đến {} ({}, {}). Lý do: {}",
                local_time(site, e.from),
                local_time(site, r.explain_by),
                name(&e.by),
                local_time(site, e.at),
                e.reason
            )
        }),
        explanation: r.explanation.as_ref().map(|e| {
            (
                format!("{} — {}", local_time(site, e.at), name(&e.by)),
                e.text.clone(),
            )
        }),
        extend_max: can
            .extend_until
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        can,
        retained,
        ok: notice.0,
        error: notice.1,
    };
    Ok(page(status, &template))
}

/// The query of the request page.
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    ok: Option<String>,
}

fn flash(code: &str) -> Option<&'static str> {
    match code {
        "acknowledge" => Some("Đã tiếp nhận yêu cầu giải trình."),
        "explain" => {
            Some("Đã ghi nhận nội dung giải trình; người yêu cầu xem được trên Cổng Dịch vụ công.")
        }
        "extend" => Some("Đã gia hạn thời hạn giải trình."),
        _ => None,
    }
}

/// `GET /giai-trinh/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "accountability");
    let outcome = async {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let r = load_one(&state, &official, &id).await?;
        let ok = Query::<PageQuery>::try_from_uri(&uri)
            .ok()
            .and_then(|q| q.0.ok)
            .as_deref()
            .and_then(flash);
        render(
            &state,
            &official,
            staff.clone(),
            &r,
            (ok, None),
            Retained::default(),
            StatusCode::OK,
        )
        .await
    }
    .await;
    respond(&site, staff, outcome)
}

/// The form as an action, or what is wrong with it in words.
fn parse(
    site: &Site,
    pairs: &[(String, String)],
) -> Result<(i64, Action, &'static str), &'static str> {
    let get = |name| field(pairs, name).unwrap_or_default();
    let version = get("expected_version")
        .parse()
        .map_err(|_| "Biểu mẫu thiếu phiên bản của yêu cầu; hãy tải lại trang và thử lại.")?;
    let (action, ok) = match get("type") {
        "acknowledge" => (Action::Acknowledge, "acknowledge"),
        "explain" => (
            Action::Explain {
                text: get("text").to_owned(),
            },
            "explain",
        ),
        "extend" => {
            let due = local_when(site, get("due_date"), get("due_time")).map_err(|p| match p {
                WhenPart::Date => "Hãy chọn ngày hết hạn giải trình mới.",
                WhenPart::Time => "Giờ hết hạn giải trình mới không hợp lệ (giờ:phút).",
                WhenPart::Instant => "Thời điểm hết hạn giải trình mới không hợp lệ.",
            })?;
            (
                Action::Extend {
                    due,
                    reason: get("reason").to_owned(),
                },
                "extend",
            )
        }
        _ => return Err("Thao tác không hợp lệ."),
    };
    Ok((version, action, ok))
}

/// `POST /giai-trinh/{id}/thao-tac`.
pub(crate) async fn act(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "accountability");
    let outcome = async {
        let official = Official::from_guard(guard).map_err(|e| e.1)?;
        let r = load_one(&state, &official, &id).await?;
        let pairs = form_pairs(&body);
        let get = |name| field(&pairs, name).unwrap_or_default().to_owned();
        let retained = Retained {
            kind: get("type"),
            text: get("text"),
            reason: get("reason"),
            due_date: get("due_date"),
            due_time: get("due_time"),
        };
        let (status, message) = match parse(&site, &pairs) {
            Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message.to_owned()),
            Ok((version, action, ok)) => match run(&state, &official, &r, version, action).await {
                Ok(_) => return Ok(see_other(&format!("/giai-trinh/{}?ok={ok}", r.id))),
                Err(f) if f.status.is_server_error() => return Err(f),
                Err(f) if f.status == StatusCode::CONFLICT => (
                    f.status,
                    format!(
                        "{} Trang dưới đây là yêu cầu như hiện nay; hãy xem lại trước khi thao tác.",
                        f.message.get(site.lang)
                    ),
                ),
                Err(f) => (f.status, f.message.get(site.lang).to_owned()),
            },
        };
        let fresh = load_one(&state, &official, &id).await?;
        render(
            &state,
            &official,
            staff.clone(),
            &fresh,
            (None, Some(message)),
            retained,
            status,
        )
        .await
    }
    .await;
    respond(&site, staff, outcome)
}

/// The sentence of the dossier's timeline for an accountability event (`None`: not one).
pub(crate) fn sentence(site: &Site, kind: &str, d: &serde_json::Value) -> Option<String> {
    let time = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.parse::<chrono::DateTime<Utc>>().ok())
            .map_or_else(String::new, |t| local_time(site, t))
    };
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let n = &d["request"];
    Some(match kind {
        "accountability_opened" => format!(
            "Người nộp gửi yêu cầu giải trình #{n} về việc giải quyết của {}: “{}”. Hạn tiếp nhận {}, hạn giải trình {}.",
            division_name(site, d["division"].as_str().unwrap_or_default()),
            text(&d["text"]),
            time(&d["acknowledge_by"]),
            time(&d["explain_by"]),
        ),
        "accountability_acknowledged" => format!(
            "Tiếp nhận yêu cầu giải trình #{n}; hạn giải trình {}.",
            time(&d["explain_by"])
        ),
        "accountability_extended" => format!(
            "Gia hạn giải trình yêu cầu #{n} từ {} đến {}. Lý do: {}.",
            time(&d["from"]),
            time(&d["to"]),
            text(&d["reason"])
        ),
        "accountability_explained" => {
            format!("Giải trình yêu cầu #{n}: {}", text(&d["text"]))
        }
        _ => return None,
    })
}
