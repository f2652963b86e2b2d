//! `GET /` on the staff host: the official's inbox, with tabs for its scopes, a filter form that
//! works without JavaScript (a GET form whose fields are the JSON API's query parameters), and a
//! link to the next page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_store::inbox::InboxPage;

use super::super::inbox::{self, Params};
use super::super::official::Official;
use super::super::view;
use super::{Opt, Staff, channel_label, local_time, page, respond};
use crate::AppState;
use crate::error::Failure;
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::Session;

/// A tab of the inbox.
struct Tab {
    label: &'static str,
    href: String,
    current: bool,
}

/// A row of the inbox.
struct Row {
    code: String,
    procedure: String,
    applicant: String,
    step: String,
    division: String,
    received: String,
    due: String,
    /// `overdue`, `due_soon` or `on_track`.
    urgency: &'static str,
    /// The marker in words (not by colour alone).
    urgency_label: Option<&'static str>,
    assignee: String,
}

/// The filter form's fields and their current values.
struct Filters {
    scope: String,
    procedures: Vec<Opt>,
    statuses: Vec<Opt>,
    channels: Vec<Opt>,
    dues: Vec<Opt>,
    sorts: Vec<Opt>,
    q: String,
    /// Whether any filter is set (to offer clearing them).
    any: bool,
}

#[derive(Template)]
#[template(path = "onestop/inbox.html")]
struct InboxTemplate {
    staff: Staff,
    tabs: Vec<Tab>,
    filters: Filters,
    rows: Vec<Row>,
    next: Option<String>,
    error: Option<String>,
    empty: &'static str,
}

const SCOPES: [(&str, &str); 3] = [
    ("available", "Cần xử lý"),
    ("mine", "Tôi đang xử lý"),
    ("divisions", "Toàn đơn vị"),
];

fn given(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// `/` with `params` as its query.
fn href(params: &Params) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    let parts = [
        ("scope", &params.scope),
        ("procedure", &params.procedure),
        ("status", &params.status),
        ("channel", &params.channel),
        ("due", &params.due),
        ("q", &params.q),
        ("sort", &params.sort),
        ("cursor", &params.cursor),
    ];
    for (name, value) in parts {
        if let Some(v) = given(value.as_ref()) {
            q.append_pair(name, v);
        }
    }
    if let Some(limit) = params.limit {
        q.append_pair("limit", &limit.to_string());
    }
    let q = q.finish();
    if q.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{q}")
    }
}

fn filters(site: &Site, params: &Params) -> Filters {
    let lang = site.lang;
    let current = |v: &Option<String>| given(v.as_ref()).map(str::to_owned);
    let (procedure, status, channel, due, sort) = (
        current(&params.procedure),
        current(&params.status),
        current(&params.channel),
        current(&params.due),
        current(&params.sort),
    );
    let all = |label: &str| Opt::new("", label, None);
    let mut procedures = vec![all("Tất cả thủ tục")];
    procedures.extend(site.tenant.procedures.iter().map(|p| {
        let code = p.info().code.to_string();
        Opt::new(&code, p.info().name.get(lang), procedure.as_deref())
    }));
    let mut statuses = vec![all("Tất cả trạng thái")];
    statuses.extend(
        DossierStatus::ALL
            .iter()
            .filter(|s| !s.is_closed())
            .map(|s| Opt::new(s.as_str(), s.label(lang), status.as_deref())),
    );
    let mut channels = vec![all("Tất cả kênh")];
    channels.extend(
        [
            Channel::Desk,
            Channel::Post,
            Channel::Online,
            Channel::NationalPortal,
        ]
        .into_iter()
        .map(|c| Opt::new(c.as_str(), channel_label(c), channel.as_deref())),
    );
    let dues = vec![
        all("Mọi thời hạn"),
        Opt::new("overdue", "Quá hạn", due.as_deref()),
        Opt::new(
            "soon",
            "Sắp đến hạn (trong 1 ngày làm việc)",
            due.as_deref(),
        ),
    ];
    let sorts = vec![
        Opt::new("due", "Hạn gần nhất trước", sort.as_deref().or(Some("due"))),
        Opt::new("newest", "Mới tiếp nhận trước", sort.as_deref()),
        Opt::new("oldest", "Tiếp nhận lâu nhất trước", sort.as_deref()),
    ];
    Filters {
        scope: current(&params.scope).unwrap_or_else(|| "available".to_owned()),
        any: procedure.is_some()
            || status.is_some()
            || channel.is_some()
            || due.is_some()
            || given(params.q.as_ref()).is_some(),
        procedures,
        statuses,
        channels,
        dues,
        sorts,
        q: params.q.clone().unwrap_or_default(),
    }
}

async fn rows(
    state: &AppState,
    official: &Official,
    page: &InboxPage,
    now: DateTime<Utc>,
) -> Result<Vec<Row>, Failure> {
    let site = &official.guard.site;
    let lang = site.lang;
    let tenant = &site.tenant;
    let me = official.actor.id.as_str();
    let others = page
        .rows
        .iter()
        .any(|r| r.task.assignee.as_deref().is_some_and(|a| a != me));
    let names = if others {
        view::official_names(state, tenant.id).await?
    } else {
        Default::default()
    };
    Ok(page
        .rows
        .iter()
        .map(|r| {
            let d = &r.dossier;
            let live = tenant.procedure(&d.procedure_code);
            let urgency = inbox::urgency(tenant, d.due_at, now);
            Row {
                code: d.code.to_string(),
                procedure: live.map_or_else(
                    || d.procedure_code.clone(),
                    |p| p.info().name.get(lang).to_owned(),
                ),
                applicant: d.applicant_name.clone(),
                step: live
                    .and_then(|p| p.procedure.definition.step(&r.task.step))
                    .map_or_else(|| r.task.step.clone(), |(_, s)| s.name.get(lang).to_owned()),
                division: tenant
                    .manifest
                    .division(&r.task.division)
                    .map_or_else(|| r.task.division.clone(), |x| x.name.get(lang).to_owned()),
                received: local_time(site, d.received_at),
                due: local_time(site, d.due_at),
                urgency,
                urgency_label: match urgency {
                    "overdue" => Some("Quá hạn"),
                    "due_soon" => Some("Sắp đến hạn"),
                    _ => None,
                },
                assignee: match r.task.assignee.as_deref() {
                    None => "Chưa có người nhận".to_owned(),
                    Some(a) if a == me => "Tôi".to_owned(),
                    Some(a) => names.get(a).cloned().unwrap_or_else(|| a.to_owned()),
                },
            }
        })
        .collect())
}

/// `GET /`.
pub(crate) async fn inbox(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "inbox");
    respond(&site, staff.clone(), show(&state, guard, staff, &uri).await)
}

async fn show(
    state: &AppState,
    guard: Guard,
    staff: Staff,
    uri: &Uri,
) -> Result<Response, Failure> {
    let official = Official::from_guard(guard).map_err(|e| e.1)?;
    let site = official.guard.site.clone();
    let params = Query::<Params>::try_from_uri(uri).map(|q| q.0);
    let (params, parsed) = match params {
        Ok(p) => (p, true),
        Err(_) => (Params::default(), false),
    };
    let tabs = SCOPES
        .iter()
        .map(|(scope, label)| Tab {
            label,
            current: given(params.scope.as_ref()).unwrap_or("available") == *scope,
            href: href(&Params {
                scope: Some((*scope).to_owned()),
                cursor: None,
                ..params.clone()
            }),
        })
        .collect();
    let mut template = InboxTemplate {
        staff,
        tabs,
        filters: filters(&site, &params),
        rows: Vec::new(),
        next: None,
        error: None,
        empty: match given(params.scope.as_ref()) {
            Some("mine") => "Bạn chưa nhận xử lý hồ sơ nào phù hợp.",
            Some("divisions") => "Đơn vị không có hồ sơ nào phù hợp đang chờ xử lý.",
            _ => "Không có hồ sơ nào phù hợp đang chờ bạn xử lý.",
        },
    };
    let loaded = if parsed {
        inbox::load(state, &official, &params).await
    } else {
        // Still ask the guard, so that a malformed query is answered like any other.
        inbox::load(state, &official, &Params::default())
            .await
            .and_then(|_| {
                Err(Failure::invalid(
                    "invalid_filter",
                    Msg::new("Bộ lọc không hợp lệ.", "The filter is not valid."),
                ))
            })
    };
    match loaded {
        Ok((found, now)) => {
            template.rows = rows(state, &official, &found, now).await?;
            template.next = found.next.as_ref().map(|c| {
                href(&Params {
                    cursor: Some(c.to_string()),
                    ..params.clone()
                })
            });
            Ok(page(StatusCode::OK, &template))
        }
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            template.error = Some(f.message.get(site.lang).to_owned());
            Ok(page(f.status, &template))
        }
        Err(f) => Err(f),
    }
}
