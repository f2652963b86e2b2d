//! The tenant administration console for officials and their roles, on the officials' host:
//! the JSON API under `/api/v1/admin/officials…` ([`api`]) and the pages under `/quan-tri/…`
//! ([`pages`]), both through the functions of this module, so that a page never offers or
//! accepts what the API would refuse.
//!
//! Rules kept here:
//! - listing needs `account:view`; creating, deactivating, reactivating and resetting need
//!   `account:manage`; giving or taking roles (initial roles, delegations included) also needs
//!   `policy:edit`, the permission of the role-assignment API; all for the whole tenant;
//! - a temporary password is generated here, returned once to the administrator who asked, stored
//!   only as its argon2id hash, never logged, and must be changed at the first sign-in;
//! - deactivating and resetting end the official's sessions; so does every change of roles;
//! - every change to an account is audited in `account_changes` (who, when, before, after);
//!   changes of roles are audited by the policy store; the audit page shows both;
//! - a delegation gives a role in a division for a period: stored with its period and a durable
//!   job that removes the assignment at its end ([`run_expiry`]); the decision index grants it
//!   only inside the period, so it stops at the end even if no worker runs.

mod api;
mod labels;
pub(crate) mod pages;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use motcua_authz::{Action, Assignment, AuthzError, Changed, Object, Permission, Role};
use motcua_store::StoreError;
use motcua_store::accounts::{self, Credential, Holder, NewAccount};
use motcua_store::jobs;
use motcua_store::officials::{self, Delegation, NewDelegation};
use motcua_store::policies::{ChangeRecord, Rule};
use serde::Serialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::Failure;
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use crate::session::Session;

/// The console's JSON API, nested under `/api` on every tenant host.
pub(crate) fn api_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/admin/officials" [get, post] => get(api::list).post(api::create),
        "/v1/admin/officials/{id}" [get] => get(api::show),
        "/v1/admin/officials/{id}/deactivate" [post] => post(api::deactivate),
        "/v1/admin/officials/{id}/reactivate" [post] => post(api::reactivate),
        "/v1/admin/officials/{id}/reset" [post] => post(api::reset),
        "/v1/admin/officials/{id}/roles" [post] => post(api::roles),
        "/v1/admin/officials/{id}/delegations" [get, post] =>
            get(api::delegations).post(api::delegate),
        "/v1/admin/delegations/{id}/revoke" [post] => post(api::revoke),
        "/v1/admin/audit" [get] => get(api::audit),
    }
}

/// The console's pages, on the officials' host only (fail closed like every guarded page).
pub(crate) fn page_routes() -> Router<AppState> {
    let (router, _) = crate::guard::guarded_routes! {
        "/quan-tri/can-bo" [get, post] => get(pages::list).post(pages::create),
        "/quan-tri/can-bo/{id}" [get, post] => get(pages::show).post(pages::act),
        "/quan-tri/nhat-ky" [get] => get(pages::audit),
    };
    router
}

tokio::task_local! {
    /// Whether the signed-in official of the current request may open the console.
    static CONSOLE: bool;
    /// Whether they may see the period report somewhere (`report:view` in some division).
    static REPORTS: bool;
}

/// Whether the current request's official may see the period report, for the staff layout's
/// menu (set by [`menu`]; `false` outside it).
pub(crate) fn reports_visible() -> bool {
    REPORTS.try_with(|v| *v).unwrap_or(false)
}

/// Whether the current request's official may open the console, for the staff layout's menu
/// (set by [`menu`]; `false` outside it).
pub(crate) fn console_visible() -> bool {
    CONSOLE.try_with(|v| *v).unwrap_or(false)
}

/// Middleware of the officials' host: decides once per request whether the menu offers the
/// console (the official holds `account:view` for the whole tenant) and the period report
/// (`report:view` anywhere).
pub(crate) async fn menu(
    State(state): State<AppState>,
    site: Option<Site>,
    session: Option<Session>,
    req: Request,
    next: Next,
) -> Response {
    let reports = match (&site, session.as_ref().map(|s| &s.principal)) {
        (
            Some(site),
            Some(crate::session::Principal::Official {
                tenant, account, ..
            }),
        ) if *tenant == site.tenant.id => !matches!(
            state.authz.visible(
                site.tenant.id,
                &motcua_authz::subject(*account),
                Permission::new(Object::Report, Action::View),
            ),
            motcua_authz::Visible::Divisions(d) if d.is_empty()
        ),
        _ => false,
    };
    let visible = match (&site, session.as_ref().map(|s| &s.principal)) {
        (
            Some(site),
            Some(crate::session::Principal::Official {
                tenant, account, ..
            }),
        ) => {
            *tenant == site.tenant.id
                && state.authz.decide(
                    site.tenant.id,
                    &motcua_authz::subject(*account),
                    None,
                    Permission::new(Object::Account, Action::View),
                )
        }
        _ => false,
    };
    CONSOLE
        .scope(visible, REPORTS.scope(reports, next.run(req)))
        .await
}

fn bad(vi: impl Into<String>, en: impl Into<String>) -> Failure {
    Failure::new(StatusCode::BAD_REQUEST, "invalid_input", Msg::new(vi, en))
}

fn refused(guard: &Guard, object: Object, action: Action) -> Result<(), Failure> {
    guard.require(object, action, None).map_err(|e| e.1)
}

/// The failure of a policy change, as the role-assignment API words it.
pub(crate) fn policy_failure(e: AuthzError) -> Failure {
    match e {
        AuthzError::Assignment(motcua_authz::AssignmentError::UnknownDivision(d)) => bad(
            format!("Đơn vị không có phòng ban `{d}`."),
            format!("The tenant has no division `{d}`."),
        ),
        AuthzError::Store(StoreError::Conflict(_)) => Failure::new(
            StatusCode::CONFLICT,
            "policy_changed",
            Msg::new(
                "Phân quyền vừa được người khác thay đổi. Hãy tải lại rồi thực hiện lại.",
                "The roles were changed by someone else meanwhile. Reload and try again.",
            ),
        ),
        AuthzError::Store(e) => Failure::from(e),
        other => {
            tracing::error!(error = %other, "authorization failure");
            Failure::from(StoreError::Corrupt(other.to_string()))
        }
    }
}

/// A role an official holds, as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct HeldRole {
    /// The role.
    pub role: Role,
    /// The division's key; `None` for the whole tenant.
    pub division: Option<String>,
    /// The delegation that gives it for a period, if it is one.
    pub delegation: Option<i64>,
    /// When a delegated role starts.
    pub from: Option<DateTime<Utc>>,
    /// When a delegated role ends.
    pub until: Option<DateTime<Utc>>,
}

/// An official as the console shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct OfficialView {
    /// The account's id.
    pub id: i64,
    /// The sign-in name.
    pub username: String,
    /// The full name.
    pub name: String,
    /// The e-mail address.
    pub email: Option<String>,
    /// The telephone number.
    pub phone: Option<String>,
    /// `active` or `disabled`.
    pub status: &'static str,
    /// Whether the password must be changed at the next sign-in.
    pub must_change_password: bool,
    /// Whether a TOTP second factor is enrolled.
    pub totp: bool,
    /// The roles, by division (the whole tenant first).
    pub roles: Vec<HeldRole>,
}

fn view(c: &Credential, phone: Option<String>, roles: Vec<HeldRole>) -> OfficialView {
    OfficialView {
        id: c.id,
        username: c.username.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        phone,
        status: if c.disabled { "disabled" } else { "active" },
        must_change_password: c.must_change_password,
        totp: c.totp_secret.is_some(),
        roles,
    }
}

fn held(assignments: &[Assignment], open: &[Delegation], account: i64) -> Vec<HeldRole> {
    let mut roles: Vec<HeldRole> = assignments
        .iter()
        .filter(|a| a.account == account)
        .map(|a| {
            let d = open.iter().find(|d| {
                d.account_id == a.account
                    && d.role == a.role.as_str()
                    && Some(&d.division) == a.division.as_ref()
            });
            HeldRole {
                role: a.role,
                division: a.division.clone(),
                delegation: d.map(|d| d.id),
                from: d.map(|d| d.starts_at),
                until: d.map(|d| d.ends_at),
            }
        })
        .collect();
    roles.sort_by(|a, b| (&a.division, a.role).cmp(&(&b.division, b.role)));
    roles
}

/// The tenant's officials whose username, name, e-mail or telephone contains `q` (all when
/// empty), with their roles, and the policy version the roles were read at.
pub(crate) async fn list(
    state: &AppState,
    guard: &Guard,
    q: &str,
) -> Result<(Vec<OfficialView>, i64), Failure> {
    refused(guard, Object::Account, Action::View)?;
    let tenant = guard.site.tenant.id;
    let all = accounts::list(&state.store, Holder::Official(tenant)).await?;
    let phones = officials::phones(&state.store, tenant).await?;
    let assignments = state.authz.assignments(tenant).map_err(policy_failure)?;
    let open = officials::windows(&state.store, tenant).await?;
    let version = state.authz.version(tenant).unwrap_or(0);
    let q = q.trim().to_lowercase();
    let found = all
        .iter()
        .filter(|c| {
            let phone = phones.get(&c.id).map_or("", String::as_str);
            q.is_empty()
                || c.username.contains(&q)
                || c.name.to_lowercase().contains(&q)
                || c.email
                    .as_deref()
                    .is_some_and(|e| e.to_lowercase().contains(&q))
                || phone.contains(&q)
        })
        .map(|c| {
            view(
                c,
                phones.get(&c.id).cloned(),
                held(&assignments, &open, c.id),
            )
        })
        .collect();
    Ok((found, version))
}

fn no_such_official(id: i64) -> Failure {
    Failure::not_found(Msg::new(
        format!("Không có cán bộ số {id} của đơn vị."),
        format!("The tenant has no official {id}."),
    ))
}

async fn credential(state: &AppState, guard: &Guard, id: i64) -> Result<Credential, Failure> {
    accounts::get(&state.store, Holder::Official(guard.site.tenant.id), id)
        .await?
        .ok_or_else(|| no_such_official(id))
}

/// One official with their delegations (ended ones included) and the policy version.
pub(crate) async fn one(
    state: &AppState,
    guard: &Guard,
    id: i64,
) -> Result<(OfficialView, Vec<Delegation>, i64), Failure> {
    refused(guard, Object::Account, Action::View)?;
    let tenant = guard.site.tenant.id;
    let c = credential(state, guard, id).await?;
    let phone = officials::phones(&state.store, tenant).await?.remove(&c.id);
    let delegations = officials::delegations_of(&state.store, tenant, id).await?;
    let open: Vec<Delegation> = delegations
        .iter()
        .filter(|d| d.ended_at.is_none())
        .cloned()
        .collect();
    let assignments = state.authz.assignments_of(tenant, id);
    let version = state.authz.version(tenant).unwrap_or(0);
    Ok((
        view(&c, phone, held(&assignments, &open, id)),
        delegations,
        version,
    ))
}

/// What an administrator gives to create an official.
#[derive(Clone, Debug, Default)]
pub(crate) struct NewOfficial {
    /// The sign-in name.
    pub username: String,
    /// The full name.
    pub name: String,
    /// The e-mail address, if any.
    pub email: Option<String>,
    /// The telephone number, if any.
    pub phone: Option<String>,
    /// Roles to give at once: role name and division key (`None`: the whole tenant).
    pub roles: Vec<(String, Option<String>)>,
    /// The policy version the roles were chosen on, when roles are given.
    pub expected_version: Option<i64>,
}

/// A created official and their temporary password (shown once, never stored in clear).
pub(crate) struct Created {
    /// The official.
    pub official: OfficialView,
    /// The password to hand over; it must be changed at the first sign-in.
    pub temporary_password: String,
}

impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Created")
            .field("official", &self.official)
            .finish_non_exhaustive()
    }
}

fn check_email(email: &str) -> Result<(), Failure> {
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(bad(
            format!("Địa chỉ thư điện tử `{email}` không hợp lệ."),
            format!("The e-mail address `{email}` is not valid."),
        ))
    }
}

fn check_phone(phone: &str) -> Result<(), Failure> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let ok = (8..=15).contains(&digits)
        && phone.len() <= 20
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(bad(
            format!("Số điện thoại `{phone}` không hợp lệ (8 đến 15 chữ số)."),
            format!("The telephone number `{phone}` is not valid (8 to 15 digits)."),
        ))
    }
}

fn parse_role(role: &str) -> Result<Role, Failure> {
    role.parse::<Role>().map_err(|_| {
        let known = Role::ALL
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        bad(
            format!("Không có vai trò `{role}` (các vai trò: {known})."),
            format!("There is no role `{role}` (roles: {known})."),
        )
    })
}

fn check_division(site: &Site, division: &str) -> Result<(), Failure> {
    if site
        .tenant
        .manifest
        .divisions
        .iter()
        .any(|d| d.key.as_str() == division)
    {
        Ok(())
    } else {
        Err(bad(
            format!("Đơn vị không có phòng ban `{division}`."),
            format!("The tenant has no division `{division}`."),
        ))
    }
}

fn assignment(
    site: &Site,
    account: i64,
    role: &str,
    division: Option<&str>,
) -> Result<Assignment, Failure> {
    let role = parse_role(role)?;
    if let Some(d) = division {
        check_division(site, d)?;
    }
    Ok(Assignment {
        account,
        role,
        division: division.map(str::to_owned),
    })
}

async fn end_sessions(state: &AppState, guard: &Guard, account: i64) -> Result<(), Failure> {
    let tenant = guard.site.tenant.id;
    accounts::bump_session_epoch(&state.store, tenant, account).await?;
    state.sessions.forget(Holder::Official(tenant), account);
    Ok(())
}

async fn temporary_password() -> Result<(String, String), Failure> {
    let password = crate::accounts::password::generate().map_err(|e| Failure::internal(&e))?;
    let hash = crate::accounts::password::hash_blocking(password.clone())
        .await
        .map_err(|e| Failure::internal(&e))?;
    Ok((password, hash))
}

/// Creates an official with a temporary password and, optionally, roles.
pub(crate) async fn create(
    state: &AppState,
    guard: &Guard,
    new: NewOfficial,
) -> Result<Created, Failure> {
    refused(guard, Object::Account, Action::Manage)?;
    if !new.roles.is_empty() {
        refused(guard, Object::Policy, Action::Edit)?;
    }
    let tenant = guard.site.tenant.id;
    let username = accounts::normalize(&new.username);
    if !crate::accounts::valid_username(&username) {
        return Err(bad(
            "Tên đăng nhập phải dài 3 đến 64 ký tự, gồm chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang, bắt đầu bằng chữ hoặc số.",
            "The username must be 3 to 64 characters: lowercase letters without accents, digits, dots, underscores or hyphens, starting with a letter or digit.",
        ));
    }
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(bad(
            "Hãy nhập họ và tên (tối đa 200 ký tự).",
            "Enter the full name (at most 200 characters).",
        ));
    }
    let email = new
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(e) = email {
        check_email(e)?;
    }
    let phone = new
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(p) = phone {
        check_phone(p)?;
    }
    // Roles are checked before the account exists, so that a bad one creates nothing.
    let mut roles = Vec::new();
    for (role, division) in &new.roles {
        roles.push(assignment(&guard.site, 0, role, division.as_deref())?);
    }
    if let Some(expected) = new.expected_version
        && !roles.is_empty()
        && state.authz.version(tenant) != Some(expected)
    {
        return Err(policy_failure(AuthzError::Store(StoreError::Conflict(
            String::new(),
        ))));
    }
    let (password, hash) = temporary_password().await?;
    let id = accounts::create(
        &state.store,
        Holder::Official(tenant),
        &NewAccount {
            username: username.clone(),
            name: name.clone(),
            email: email.map(str::to_owned),
            password_hash: hash,
            must_change_password: true,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => Failure::new(
            StatusCode::CONFLICT,
            "username_taken",
            Msg::new(
                format!("Tên đăng nhập `{username}` đã có người dùng."),
                format!("The username `{username}` is taken."),
            ),
        ),
        other => other.into(),
    })?;
    if let Some(p) = phone {
        officials::set_phone(&state.store, tenant, id, Some(p)).await?;
    }
    let actor = guard.actor();
    officials::record(
        &state.store,
        tenant,
        id,
        &actor,
        "created",
        &Value::Null,
        &json!({
            "username": username,
            "name": name,
            "email": email,
            "phone": phone,
            "status": "active",
            "must_change_password": true,
        }),
    )
    .await?;
    if !roles.is_empty() {
        for r in &mut roles {
            r.account = id;
        }
        state
            .authz
            .change(
                tenant,
                &actor,
                "initial roles of a new official",
                &roles,
                &[],
                new.expected_version,
            )
            .await
            .map_err(policy_failure)?;
    }
    let (official, _, _) = one(state, guard, id).await?;
    Ok(Created {
        official,
        temporary_password: password,
    })
}

/// Deactivates (`active == false`) or reactivates an official; deactivating ends their
/// sessions. An administrator cannot deactivate their own account.
pub(crate) async fn set_active(
    state: &AppState,
    guard: &Guard,
    id: i64,
    active: bool,
) -> Result<OfficialView, Failure> {
    refused(guard, Object::Account, Action::Manage)?;
    let tenant = guard.site.tenant.id;
    let c = credential(state, guard, id).await?;
    if !active && guard.actor() == motcua_authz::subject(id) {
        return Err(bad(
            "Bạn không thể tự khóa tài khoản của mình.",
            "You cannot deactivate your own account.",
        ));
    }
    if c.disabled != active {
        // Already so: nothing to change or to audit.
        return Ok(one(state, guard, id).await?.0);
    }
    accounts::set_disabled(&state.store, Holder::Official(tenant), id, !active).await?;
    state.sessions.forget(Holder::Official(tenant), id);
    let status = |disabled: bool| if disabled { "disabled" } else { "active" };
    officials::record(
        &state.store,
        tenant,
        id,
        &guard.actor(),
        if active { "reactivated" } else { "deactivated" },
        &json!({ "status": status(c.disabled) }),
        &json!({ "status": status(!active) }),
    )
    .await?;
    Ok(one(state, guard, id).await?.0)
}

/// Gives an official a new temporary password, removes their second factor and ends their
/// sessions; returns the password (shown once).
pub(crate) async fn reset(state: &AppState, guard: &Guard, id: i64) -> Result<String, Failure> {
    refused(guard, Object::Account, Action::Manage)?;
    let tenant = guard.site.tenant.id;
    let holder = Holder::Official(tenant);
    let c = credential(state, guard, id).await?;
    let (password, hash) = temporary_password().await?;
    accounts::set_totp(&state.store, holder, id, None).await?;
    accounts::set_password(&state.store, holder, id, &hash, true).await?;
    state.sessions.forget(holder, id);
    officials::record(
        &state.store,
        tenant,
        id,
        &guard.actor(),
        "reset",
        &json!({ "totp": c.totp_secret.is_some(), "must_change_password": c.must_change_password }),
        &json!({ "totp": false, "must_change_password": true }),
    )
    .await?;
    Ok(password)
}

/// Adds and removes roles of one official in one audited change made on `expected` (409 when the
/// policy moved since), and ends their sessions.
pub(crate) async fn change_roles(
    state: &AppState,
    guard: &Guard,
    id: i64,
    add: &[(String, Option<String>)],
    remove: &[(String, Option<String>)],
    expected: Option<i64>,
    reason: &str,
) -> Result<Changed, Failure> {
    refused(guard, Object::Policy, Action::Edit)?;
    let tenant = guard.site.tenant.id;
    credential(state, guard, id).await?;
    let read = |list: &[(String, Option<String>)]| -> Result<Vec<Assignment>, Failure> {
        list.iter()
            .map(|(r, d)| assignment(&guard.site, id, r, d.as_deref()))
            .collect()
    };
    let (add, remove) = (read(add)?, read(remove)?);
    // A delegated role is ended through its delegation, so that its record stays true.
    let open = officials::windows(&state.store, tenant).await?;
    if let Some(d) = open.iter().find(|d| {
        d.account_id == id
            && add.iter().chain(&remove).any(|a| {
                a.role.as_str() == d.role && a.division.as_deref() == Some(d.division.as_str())
            })
    }) {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "delegated_role",
            Msg::new(
                format!(
                    "Vai trò {} tại {} đang được ủy quyền có thời hạn (số {}); hãy thu hồi ủy quyền đó trước.",
                    d.role, d.division, d.id
                ),
                format!(
                    "The role {} in {} is delegated for a period (delegation {}); revoke that delegation first.",
                    d.role, d.division, d.id
                ),
            ),
        ));
    }
    let changed = state
        .authz
        .change(tenant, &guard.actor(), reason, &add, &remove, expected)
        .await
        .map_err(policy_failure)?;
    if !changed.accounts().is_empty() {
        end_sessions(state, guard, id).await?;
    }
    Ok(changed)
}

/// Reads a date (`YYYY-MM-DD`, the start of that day in the tenant's time zone, or with `end`
/// the start of the next day) or an instant (RFC 3339).
fn instant(site: &Site, text: &str, end: bool) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if end { day.succ_opt()? } else { day };
        return site
            .tenant
            .calendar
            .time_zone()
            .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
            .earliest()
            .map(|t| t.with_timezone(&Utc));
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// What an administrator gives to delegate a role.
#[derive(Clone, Debug, Default)]
pub(crate) struct DelegationIn {
    /// The role's name.
    pub role: String,
    /// The division's key.
    pub division: String,
    /// The first day (or instant).
    pub from: String,
    /// The last day (inclusive), or the instant it ends.
    pub to: String,
    /// Why.
    pub reason: String,
}

/// Gives an official a role in a division for a period.
pub(crate) async fn delegate(
    state: &AppState,
    guard: &Guard,
    id: i64,
    input: &DelegationIn,
) -> Result<Delegation, Failure> {
    refused(guard, Object::Account, Action::Manage)?;
    refused(guard, Object::Policy, Action::Edit)?;
    let tenant = guard.site.tenant.id;
    credential(state, guard, id).await?;
    let division = input.division.trim();
    let a = assignment(&guard.site, id, input.role.trim(), Some(division))?;
    let wrong_date = |text: &str| {
        bad(
            format!("Ngày `{text}` không hợp lệ (dạng NNNN-TT-NN)."),
            format!("The date `{text}` is not valid (use YYYY-MM-DD)."),
        )
    };
    let starts_at =
        instant(&guard.site, &input.from, false).ok_or_else(|| wrong_date(&input.from))?;
    let ends_at = instant(&guard.site, &input.to, true).ok_or_else(|| wrong_date(&input.to))?;
    if ends_at <= starts_at {
        return Err(bad(
            "Ngày kết thúc phải sau ngày bắt đầu.",
            "The end must come after the start.",
        ));
    }
    if ends_at <= Utc::now() {
        return Err(bad(
            "Thời hạn ủy quyền đã qua.",
            "The period of the delegation is already over.",
        ));
    }
    if state.authz.assignments_of(tenant, id).contains(&a) {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "role_held",
            Msg::new(
                "Cán bộ đã có vai trò này tại phòng ban này.",
                "The official already holds this role in this division.",
            ),
        ));
    }
    let delegation = officials::delegate(
        &state.store,
        tenant,
        &guard.actor(),
        &NewDelegation {
            account: id,
            role: a.role.as_str().to_owned(),
            division: division.to_owned(),
            starts_at,
            ends_at,
            reason: input.reason.trim().to_owned(),
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => Failure::new(
            StatusCode::CONFLICT,
            "already_delegated",
            Msg::new(
                "Cán bộ đã được ủy quyền vai trò này tại phòng ban này.",
                "The official already has a delegation of this role in this division.",
            ),
        ),
        other => other.into(),
    })?;
    let reason = format!("delegation {} until {}", delegation.id, delegation.ends_at);
    if let Err(e) = state
        .authz
        .change(tenant, &guard.actor(), &reason, &[a], &[], None)
        .await
    {
        // The assignment may have been stored before the failure: end the delegation as its
        // end does, assignment first, so that a role is never left without its period. If that
        // fails too, the delegation stays open and its job ends it when the period is over.
        if let Err(f) = end_delegation(
            state,
            tenant,
            &delegation,
            &guard.actor(),
            "delegation_revoked",
            None,
        )
        .await
        {
            tracing::warn!(
                delegation = delegation.id,
                code = f.code,
                "a failed delegation could not be ended at once"
            );
        }
        return Err(policy_failure(e));
    }
    end_sessions(state, guard, id).await?;
    Ok(delegation)
}

/// Ends a delegation before its period is over. Returns the official's id.
pub(crate) async fn revoke(
    state: &AppState,
    guard: &Guard,
    delegation: i64,
) -> Result<i64, Failure> {
    refused(guard, Object::Account, Action::Manage)?;
    refused(guard, Object::Policy, Action::Edit)?;
    let tenant = guard.site.tenant.id;
    let d = officials::delegation(&state.store, tenant, delegation)
        .await?
        .ok_or_else(|| {
            Failure::not_found(Msg::new(
                format!("Không có ủy quyền số {delegation}."),
                format!("There is no delegation {delegation}."),
            ))
        })?;
    if d.ended_at.is_some() {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "delegation_ended",
            Msg::new(
                "Ủy quyền này đã kết thúc.",
                "This delegation has already ended.",
            ),
        ));
    }
    end_delegation(
        state,
        tenant,
        &d,
        &guard.actor(),
        "delegation_revoked",
        None,
    )
    .await?;
    Ok(d.account_id)
}

/// Ends `d`: removes its assignment (the index then no longer grants it), marks it ended with
/// its audit record (completing the job of `lease`, when given) and ends the official's
/// sessions. Safe to repeat: each step is a no-op once done.
async fn end_delegation(
    state: &AppState,
    tenant: motcua_store::TenantId,
    d: &Delegation,
    actor: &str,
    action: &str,
    lease: Option<&jobs::Lease>,
) -> Result<(), Failure> {
    // The assignment goes first: a delegation marked ended while its assignment stays would
    // leave a role without a period.
    let role = parse_role(&d.role)?;
    let remove = Assignment {
        account: d.account_id,
        role,
        division: Some(d.division.clone()),
    };
    let reason = format!("end of delegation {}", d.id);
    state
        .authz
        .change(tenant, actor, &reason, &[], &[remove], None)
        .await
        .map_err(policy_failure)?;
    officials::end(&state.store, tenant, d.id, actor, action, lease).await?;
    accounts::bump_session_epoch(&state.store, tenant, d.account_id).await?;
    state
        .sessions
        .forget(Holder::Official(tenant), d.account_id);
    Ok(())
}

/// This process's delegation worker id in job claims (unique across nodes, like the others).
fn worker() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| crate::notifications::worker_id("delegations"))
}

/// How the expiry jobs are worked.
const EXPIRY_POLICY: jobs::Policy = jobs::Policy {
    lease: std::time::Duration::from_secs(60),
    max_attempts: 20,
    backoff: std::time::Duration::from_secs(10),
    max_backoff: std::time::Duration::from_secs(600),
};

/// One pass of the delegation worker: ends the delegations whose period is over at `now`.
/// Returns how many jobs it completed.
pub async fn run_expiry(state: &AppState, now: DateTime<Utc>) -> Result<usize, Failure> {
    let worker = worker();
    let claimed = jobs::claim(
        &state.store,
        officials::DELEGATION_END,
        worker,
        &EXPIRY_POLICY,
        64,
        now,
    )
    .await?;
    let mut done = 0;
    for job in claimed {
        let tenant = job.tenant();
        let outcome = async {
            let id = job.payload["delegation"].as_i64().ok_or_else(|| {
                Failure::internal(&StoreError::Corrupt(format!(
                    "delegation job {} names no delegation",
                    job.id()
                )))
            })?;
            match officials::delegation(&state.store, tenant, id).await? {
                Some(d) if d.ended_at.is_none() => {
                    end_delegation(
                        state,
                        tenant,
                        &d,
                        "system:delegation-expiry",
                        "delegation_expired",
                        Some(&job.lease),
                    )
                    .await
                }
                // Revoked before its end (or gone): nothing left to do.
                _ => officials::end(
                    &state.store,
                    tenant,
                    id,
                    "system:delegation-expiry",
                    "delegation_expired",
                    Some(&job.lease),
                )
                .await
                .map(drop)
                .map_err(Failure::from),
            }
        }
        .await;
        match outcome {
            Ok(()) => done += 1,
            Err(f) => {
                tracing::warn!(job = job.id(), error = %f.message.en, "a delegation could not be ended");
                if let Err(e) = jobs::fail(
                    &state.store,
                    &job.lease,
                    &f.message.en,
                    jobs::Failure::Retry(None),
                    &EXPIRY_POLICY,
                    now,
                )
                .await
                {
                    tracing::warn!(job = job.id(), error = %e, "a failed delegation job could not be recorded");
                }
            }
        }
    }
    Ok(done)
}

/// Runs the delegation worker until the process ends: a pass every `every`.
pub async fn run_expiry_worker(state: AppState, every: std::time::Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match run_expiry(&state, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(delegations = n, "delegations ended"),
            Err(f) => {
                tracing::warn!(code = f.code, message = %f.message.en, "delegation worker pass failed")
            }
        }
    }
}

/// The console's audit: account changes and role changes, newest first.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`account:12`, ...).
    pub actor: String,
    /// The actor's username, when an official of the tenant.
    pub actor_name: Option<String>,
    /// `account` or `roles`.
    pub kind: &'static str,
    /// What (`created`, `deactivated`, ... for accounts; the reason given for roles).
    pub action: String,
    /// The official concerned, when one.
    pub account: Option<i64>,
    /// Before.
    pub before: Value,
    /// After.
    pub after: Value,
}

/// Entries per audit page.
pub(crate) const AUDIT_PAGE: u64 = 20;
/// The furthest page the audit shows.
pub(crate) const AUDIT_MAX_PAGE: u64 = 500;

fn rules_json(rules: &[Rule]) -> Value {
    Value::Array(
        rules
            .iter()
            .map(|r| Value::String(r.values.join(", ")))
            .collect(),
    )
}

/// Page `page` (from 1) of the audit, and whether there is a next one.
pub(crate) async fn audit(
    state: &AppState,
    guard: &Guard,
    page: u64,
) -> Result<(Vec<AuditEntry>, bool), Failure> {
    refused(guard, Object::Account, Action::View)?;
    refused(guard, Object::Policy, Action::View)?;
    if page == 0 || page > AUDIT_MAX_PAGE {
        return Err(bad(
            format!("Trang phải từ 1 đến {AUDIT_MAX_PAGE}."),
            format!("The page must be from 1 to {AUDIT_MAX_PAGE}."),
        ));
    }
    let tenant = guard.site.tenant.id;
    let wanted = page * AUDIT_PAGE + 1;
    let names: std::collections::HashMap<String, String> =
        accounts::list(&state.store, Holder::Official(tenant))
            .await?
            .into_iter()
            .map(|c| (motcua_authz::subject(c.id), c.username))
            .collect();
    let mut entries: Vec<AuditEntry> = officials::changes(&state.store, tenant, wanted, 0)
        .await?
        .into_iter()
        .map(|c| AuditEntry {
            at: c.changed_at,
            actor_name: names.get(&c.actor).cloned(),
            actor: c.actor,
            kind: "account",
            action: c.action,
            account: Some(c.account),
            before: c.before,
            after: c.after,
        })
        .collect();
    let roles: Vec<ChangeRecord> = state
        .authz
        .history(tenant, wanted)
        .await
        .map_err(policy_failure)?;
    entries.extend(roles.into_iter().map(|r| {
        let account = r
            .added
            .iter()
            .chain(&r.removed)
            .find_map(|rule| rule.values.first()?.strip_prefix("account:")?.parse().ok());
        AuditEntry {
            at: r.changed_at,
            actor_name: names.get(&r.actor).cloned(),
            actor: r.actor,
            kind: "roles",
            action: r.reason,
            account,
            before: rules_json(&r.before),
            after: rules_json(&r.after),
        }
    }));
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    let skip = usize::try_from((page - 1) * AUDIT_PAGE).unwrap_or(usize::MAX);
    let size = usize::try_from(AUDIT_PAGE).unwrap_or(20);
    let more = entries.len() > skip + size;
    Ok((entries.into_iter().skip(skip).take(size).collect(), more))
}
