//! The console's pages on the officials' host, server-rendered, working without JavaScript:
//!
//! - `GET /quan-tri/can-bo?q=`: the officials with their roles, a search form and the form that
//!   adds an official; `POST` adds one and answers with their temporary password, shown once
//!   (never in a URL, never stored by the browser);
//! - `GET /quan-tri/can-bo/{id}`: one official: details, roles per division with their forms,
//!   delegations, and the account actions, each needing a ticked confirmation; `POST` runs one
//!   form (`action=`) through the same functions as the API: accepted, 303 back with a fixed
//!   `?ok=` code (a reset answers with the new password instead); refused, the page as the
//!   official now stands with the refusal above it and what was typed given back;
//! - `GET /quan-tri/nhat-ky?page=`: the audit of accounts and role assignments, paginated.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_authz::{Action, Object, Role};
use motcua_core::lang::Lang;
use motcua_store::officials::Delegation;
use serde::Deserialize;

use super::labels::{self, Labels};
use super::{AuditEntry, DelegationIn, NewOfficial, OfficialView};
use crate::AppState;
use crate::error::Failure;
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use crate::onestop::pages::{Opt, Staff, field, form_pairs, page, respond, see_other};
use crate::session::Session;

/// The section of the staff navigation the console's pages belong to.
const SECTION: &str = "admin";

/// A role as a row shows it.
struct RoleRow {
    role: String,
    role_label: &'static str,
    division: String,
    division_label: String,
    /// When delegated: the period, in words.
    period: Option<String>,
}

/// An official as the list shows them.
struct Row {
    id: i64,
    username: String,
    name: String,
    contact: String,
    status: &'static str,
    disabled: bool,
    roles: Vec<RoleRow>,
}

fn division_label(site: &Site, key: Option<&str>) -> String {
    let l = labels::of(site.lang);
    match key {
        None => l.whole_tenant.to_owned(),
        Some(k) => site
            .tenant
            .manifest
            .divisions
            .iter()
            .find(|d| d.key.as_str() == k)
            .map_or_else(|| k.to_owned(), |d| d.name.get(site.lang).to_owned()),
    }
}

fn when(site: &Site, at: chrono::DateTime<chrono::Utc>) -> String {
    crate::pages::local_time(site, at)
}

fn role_rows(site: &Site, o: &OfficialView) -> Vec<RoleRow> {
    let l = labels::of(site.lang);
    o.roles
        .iter()
        .map(|r| RoleRow {
            role: r.role.as_str().to_owned(),
            role_label: labels::role(site.lang, r.role),
            division: r.division.clone().unwrap_or_default(),
            division_label: division_label(site, r.division.as_deref()),
            period: r.until.map(|u| match r.from {
                Some(f) => format!("{} {} {}", when(site, f), l.until, when(site, u)),
                None => format!("{} {}", l.until, when(site, u)),
            }),
        })
        .collect()
}

fn row(site: &Site, o: &OfficialView) -> Row {
    let contact = [o.email.as_deref(), o.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    Row {
        id: o.id,
        username: o.username.clone(),
        name: o.name.clone(),
        contact,
        status: labels::status(site.lang, o.status),
        disabled: o.status == "disabled",
        roles: role_rows(site, o),
    }
}

fn role_options(lang: Lang, current: Option<&str>, blank: bool) -> Vec<Opt> {
    let mut out = Vec::new();
    if blank {
        out.push(Opt::new("", "—", current));
    }
    out.extend(
        Role::ALL
            .iter()
            .map(|r| Opt::new(r.as_str(), labels::role(lang, *r), current)),
    );
    out
}

fn division_options(site: &Site, current: Option<&str>, whole: bool) -> Vec<Opt> {
    let l = labels::of(site.lang);
    let mut out = Vec::new();
    if whole {
        out.push(Opt::new("", l.whole_tenant, current));
    }
    out.extend(
        site.tenant
            .manifest
            .divisions
            .iter()
            .map(|d| Opt::new(d.key.as_str(), d.name.get(site.lang), current)),
    );
    out
}

/// What was typed in the form that adds an official.
#[derive(Clone, Debug, Default)]
struct CreateForm {
    username: String,
    name: String,
    email: String,
    phone: String,
    role: String,
    division: String,
}

#[derive(Template)]
#[template(path = "onestop/admin_officials.html")]
struct ListTemplate {
    staff: Staff,
    l: &'static Labels,
    q: String,
    rows: Vec<Row>,
    version: i64,
    form: CreateForm,
    roles: Vec<Opt>,
    divisions: Vec<Opt>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "onestop/admin_password.html")]
struct PasswordTemplate {
    staff: Staff,
    l: &'static Labels,
    title: &'static str,
    id: i64,
    username: String,
    name: String,
    password: String,
}

/// `?q=`
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Search {
    q: Option<String>,
}

async fn list_page(
    state: &AppState,
    guard: &Guard,
    staff: Staff,
    q: &str,
    form: CreateForm,
    error: Option<&Failure>,
) -> Result<Response, Failure> {
    let site = &guard.site;
    let (officials, version) = super::list(state, guard, q).await?;
    let template = ListTemplate {
        staff,
        l: labels::of(site.lang),
        q: q.to_owned(),
        rows: officials.iter().map(|o| row(site, o)).collect(),
        version,
        roles: role_options(site.lang, Some(form.role.as_str()), true),
        divisions: division_options(site, Some(form.division.as_str()), true),
        form,
        error: error.map(|f| f.message.get(site.lang).to_owned()),
    };
    Ok(page(error.map_or(StatusCode::OK, |f| f.status), &template))
}

/// `GET /quan-tri/can-bo`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Query(q): Query<Search>,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, SECTION);
    let q = q.q.unwrap_or_default();
    let outcome = list_page(
        &state,
        &guard,
        staff.clone(),
        &q,
        CreateForm::default(),
        None,
    )
    .await;
    respond(&site, staff, outcome)
}

/// `POST /quan-tri/can-bo`: adds an official.
pub(crate) async fn create(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    body: Bytes,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, SECTION);
    let outcome = async {
        guard
            .require(Object::Account, Action::Manage, None)
            .map_err(|e| e.1)?;
        let pairs = form_pairs(&body);
        let get = |name: &str| field(&pairs, name).unwrap_or("").to_owned();
        let form = CreateForm {
            username: get("username"),
            name: get("name"),
            email: get("email"),
            phone: get("phone"),
            role: get("role"),
            division: get("division"),
        };
        let given = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        let roles = match given(&form.role) {
            Some(r) => vec![(r, given(&form.division))],
            None => Vec::new(),
        };
        let new = NewOfficial {
            username: form.username.clone(),
            name: form.name.clone(),
            email: given(&form.email),
            phone: given(&form.phone),
            roles,
            expected_version: field(&pairs, "version").and_then(|v| v.parse().ok()),
        };
        match super::create(&state, &guard, new).await {
            Ok(created) => Ok(page(
                StatusCode::OK,
                &PasswordTemplate {
                    staff: staff.clone(),
                    l: labels::of(site.lang),
                    title: labels::of(site.lang).created_title,
                    id: created.official.id,
                    username: created.official.username,
                    name: created.official.name,
                    password: created.temporary_password,
                },
            )),
            Err(f) if f.status.is_client_error() && f.status != StatusCode::FORBIDDEN => {
                list_page(&state, &guard, staff.clone(), "", form, Some(&f)).await
            }
            Err(f) => Err(f),
        }
    }
    .await;
    respond(&site, staff, outcome)
}

/// A delegation as the official's page shows it.
struct DelegationRow {
    id: i64,
    role_label: &'static str,
    division_label: String,
    period: String,
    reason: String,
    open: bool,
}

/// What was typed in the official's forms.
#[derive(Clone, Debug, Default)]
struct Retained {
    role: String,
    division: String,
    from: String,
    to: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "onestop/admin_official.html")]
struct OfficialTemplate {
    staff: Staff,
    l: &'static Labels,
    o: Row,
    email: String,
    phone: String,
    totp: bool,
    must_change: bool,
    version: i64,
    delegations: Vec<DelegationRow>,
    roles: Vec<Opt>,
    divisions: Vec<Opt>,
    delegate_roles: Vec<Opt>,
    delegate_divisions: Vec<Opt>,
    retained: Retained,
    /// Whether this is the administrator's own account (no deactivation offered).
    own: bool,
    ok: Option<&'static str>,
    error: Option<String>,
}

/// `?ok=`
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Ok_ {
    ok: Option<String>,
}

async fn official_page(
    state: &AppState,
    guard: &Guard,
    staff: Staff,
    id: i64,
    ok: Option<&str>,
    retained: Retained,
    error: Option<&Failure>,
) -> Result<Response, Failure> {
    let site = &guard.site;
    let (o, delegations, version) = super::one(state, guard, id).await?;
    let now = chrono::Utc::now();
    let template = OfficialTemplate {
        staff,
        l: labels::of(site.lang),
        email: o.email.clone().unwrap_or_default(),
        phone: o.phone.clone().unwrap_or_default(),
        totp: o.totp,
        must_change: o.must_change_password,
        version,
        delegations: delegations
            .iter()
            .rev()
            .map(|d: &Delegation| DelegationRow {
                id: d.id,
                role_label: d
                    .role
                    .parse::<Role>()
                    .map_or("?", |r| labels::role(site.lang, r)),
                division_label: division_label(site, Some(&d.division)),
                period: format!(
                    "{} {} {}",
                    when(site, d.starts_at),
                    labels::of(site.lang).until,
                    when(site, d.ends_at)
                ),
                reason: d.reason.clone(),
                open: d.ended_at.is_none() && d.ends_at > now,
            })
            .collect(),
        roles: role_options(site.lang, Some(retained.role.as_str()), false),
        divisions: division_options(site, Some(retained.division.as_str()), true),
        delegate_roles: role_options(site.lang, Some(retained.role.as_str()), false),
        delegate_divisions: division_options(site, Some(retained.division.as_str()), false),
        retained,
        own: guard.actor() == motcua_authz::subject(id),
        ok: ok.and_then(|c| labels::flash(site.lang, c)),
        error: error.map(|f| f.message.get(site.lang).to_owned()),
        o: row(site, &o),
    };
    Ok(page(error.map_or(StatusCode::OK, |f| f.status), &template))
}

/// `GET /quan-tri/can-bo/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<Ok_>,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, SECTION);
    let outcome = official_page(
        &state,
        &guard,
        staff.clone(),
        id,
        q.ok.as_deref(),
        Retained::default(),
        None,
    )
    .await;
    respond(&site, staff, outcome)
}

fn unconfirmed() -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "not_confirmed",
        Msg::new(
            "Hãy đánh dấu ô xác nhận rồi thực hiện lại.",
            "Tick the confirmation box and try again.",
        ),
    )
}

/// `POST /quan-tri/can-bo/{id}`: one of the official's forms.
pub(crate) async fn act(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, SECTION);
    let outcome = async {
        // Nothing is read or said before the caller is known to administer accounts.
        guard
            .require(Object::Account, Action::View, None)
            .map_err(|e| e.1)?;
        let pairs = form_pairs(&body);
        let get = |name: &str| field(&pairs, name).unwrap_or("").to_owned();
        let retained = Retained {
            role: get("role"),
            division: get("division"),
            from: get("from"),
            to: get("to"),
            reason: get("reason"),
        };
        let division = Some(retained.division.clone()).filter(|d| !d.is_empty());
        let version = field(&pairs, "version").and_then(|v| v.parse::<i64>().ok());
        let confirmed = field(&pairs, "confirm") == Some("yes");
        let back = |code: &str| Ok(see_other(&format!("/quan-tri/can-bo/{id}?ok={code}")));
        let done: Result<Response, Failure> = match field(&pairs, "action").unwrap_or("") {
            "add_role" => super::change_roles(
                &state,
                &guard,
                id,
                &[(retained.role.clone(), division)],
                &[],
                version,
                "",
            )
            .await
            .and_then(|_| back("role_added")),
            "remove_role" => super::change_roles(
                &state,
                &guard,
                id,
                &[],
                &[(retained.role.clone(), division)],
                version,
                "",
            )
            .await
            .and_then(|_| back("role_removed")),
            "delegate" => super::delegate(
                &state,
                &guard,
                id,
                &DelegationIn {
                    role: retained.role.clone(),
                    division: retained.division.clone(),
                    from: retained.from.clone(),
                    to: retained.to.clone(),
                    reason: retained.reason.clone(),
                },
            )
            .await
            .and_then(|_| back("delegated")),
            "revoke" => {
                let delegation = field(&pairs, "delegation")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0);
                // The delegation must be this official's.
                match super::one(&state, &guard, id).await {
                    Ok((_, ds, _)) if ds.iter().any(|d| d.id == delegation) => {
                        super::revoke(&state, &guard, delegation)
                            .await
                            .and_then(|_| back("revoked"))
                    }
                    Ok(_) => Err(Failure::not_found(Msg::new(
                        format!("Cán bộ không có ủy quyền số {delegation}."),
                        format!("The official has no delegation {delegation}."),
                    ))),
                    Err(f) => Err(f),
                }
            }
            "deactivate" if confirmed => super::set_active(&state, &guard, id, false)
                .await
                .and_then(|_| back("deactivated")),
            "reactivate" if confirmed => super::set_active(&state, &guard, id, true)
                .await
                .and_then(|_| back("reactivated")),
            "reset" if confirmed => match super::reset(&state, &guard, id).await {
                Ok(password) => {
                    let (o, _, _) = super::one(&state, &guard, id).await?;
                    Ok(page(
                        StatusCode::OK,
                        &PasswordTemplate {
                            staff: staff.clone(),
                            l: labels::of(site.lang),
                            title: labels::of(site.lang).reset_title,
                            id,
                            username: o.username,
                            name: o.name,
                            password,
                        },
                    ))
                }
                Err(f) => Err(f),
            },
            "deactivate" | "reactivate" | "reset" => {
                // Asked of the guard like the action itself, so a refusal wins over this.
                guard
                    .require(Object::Account, Action::Manage, None)
                    .map_err(|e| e.1)?;
                Err(unconfirmed())
            }
            other => Err(Failure::new(
                StatusCode::BAD_REQUEST,
                "unknown_action",
                Msg::new(
                    format!("Không có thao tác `{other}`."),
                    format!("There is no action `{other}`."),
                ),
            )),
        };
        match done {
            Ok(r) => Ok(r),
            Err(f)
                if f.status.is_client_error()
                    && f.status != StatusCode::FORBIDDEN
                    && f.status != StatusCode::NOT_FOUND =>
            {
                official_page(&state, &guard, staff.clone(), id, None, retained, Some(&f)).await
            }
            Err(f) => Err(f),
        }
    }
    .await;
    respond(&site, staff, outcome)
}

/// An audit entry as the page shows it.
struct AuditRow {
    when: String,
    who: String,
    what: String,
    official: Option<(i64, String)>,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "onestop/admin_audit.html")]
struct AuditTemplate {
    staff: Staff,
    l: &'static Labels,
    rows: Vec<AuditRow>,
    page: u64,
    previous: Option<u64>,
    next: Option<u64>,
}

/// `?page=`
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    page: Option<String>,
}

fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::Array(items) if items.is_empty() => "—".to_owned(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("; "),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// `GET /quan-tri/nhat-ky`.
pub(crate) async fn audit(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Query(q): Query<PageQuery>,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, SECTION);
    let outcome = async {
        let page_no = match q.page.as_deref().map(str::trim) {
            None | Some("") => 1,
            Some(p) => p.parse::<u64>().unwrap_or(0),
        };
        let (entries, more) = super::audit(&state, &guard, page_no).await?;
        let names: std::collections::HashMap<i64, String> = super::list(&state, &guard, "")
            .await?
            .0
            .into_iter()
            .map(|o| (o.id, o.username))
            .collect();
        let rows = entries
            .iter()
            .map(|e: &AuditEntry| AuditRow {
                when: when(&site, e.at),
                who: e.actor_name.clone().unwrap_or_else(|| e.actor.clone()),
                what: match e.kind {
                    "account" => labels::action(site.lang, &e.action),
                    _ if e.action.is_empty() => match site.lang {
                        Lang::Vi => "Phân quyền".to_owned(),
                        Lang::En => "Roles".to_owned(),
                    },
                    _ => match site.lang {
                        Lang::Vi => format!("Phân quyền: {}", e.action),
                        Lang::En => format!("Roles: {}", e.action),
                    },
                },
                official: e
                    .account
                    .map(|a| (a, names.get(&a).cloned().unwrap_or_else(|| format!("#{a}")))),
                before: shown(&e.before),
                after: shown(&e.after),
            })
            .collect();
        Ok(page(
            StatusCode::OK,
            &AuditTemplate {
                staff: staff.clone(),
                l: labels::of(site.lang),
                rows,
                page: page_no,
                previous: (page_no > 1).then(|| page_no - 1),
                next: more.then_some(page_no + 1),
            },
        ))
    }
    .await;
    respond(&site, staff, outcome)
}
