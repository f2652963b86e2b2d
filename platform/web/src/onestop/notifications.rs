//! An official's notifications in the one-stop system: what the workflow told them (a dossier
//! reached their step, a reminder, an escalation), unread first.
//!
//! `GET /api/v1/onestop/notifications?cursor=&limit=` answers
//! `{"rows": [{"id", "kind", "dossier", "title", "body", "read", "created_at", "read_at"}],
//! "next": "<cursor>" | null, "unread": <count>}` in the host's language;
//! `POST /api/v1/onestop/notifications/{id}/read` marks one read and answers it. An official
//! sees only their own notifications of the host's tenant: another's answer 404, as one that
//! does not exist.

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::Utc;
use motcua_authz::Action;
use motcua_store::notifications::{self, Cursor, Notice};
use serde::Deserialize;
use serde_json::json;

use super::official::Official;
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::i18n::Msg;
use crate::session::Principal;

/// The list's query string.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Params {
    /// Where the previous page ended.
    pub cursor: Option<String>,
    /// Rows per page (1 to 100, default 20).
    pub limit: Option<u64>,
}

/// The signed-in official and their account id; 403 unless they may work on dossiers
/// somewhere (notifications are about dossier work).
fn official(guard: Guard) -> Result<(Official, i64), ApiError> {
    let official = Official::from_guard(guard)?;
    let lang = official.guard.site.lang;
    let Principal::Official { account, .. } = official.guard.principal else {
        return Err(ApiError(
            lang,
            Failure::internal(&"an official without an account"),
        ));
    };
    let manifest = &official.guard.site.tenant.manifest;
    if !official.may_any(
        &[Action::View],
        manifest.divisions.iter().map(|d| d.key.as_str()),
    ) {
        return Err(ApiError(
            lang,
            Failure::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                Msg::new(
                    "Bạn chưa được phân công xử lý hồ sơ ở đơn vị nào.",
                    "You have not been given dossier work in any division.",
                ),
            ),
        ));
    }
    Ok((official, account))
}

fn row(n: &Notice, lang: motcua_core::lang::Lang) -> serde_json::Value {
    json!({
        "id": n.id,
        "kind": n.kind,
        "dossier": n.dossier,
        "title": lang.pick(&n.title.0, &n.title.1),
        "body": lang.pick(&n.body.0, &n.body.1),
        "read": n.read,
        "created_at": n.created_at,
        "read_at": n.read_at,
    })
}

/// `GET /api/v1/onestop/notifications`.
pub(crate) async fn list(
    State(state): State<AppState>,
    guard: Guard,
    Query(params): Query<Params>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (official, account) = official(guard)?;
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    let cursor = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(c.parse::<Cursor>().map_err(|_| {
            fail(Failure::invalid(
                "invalid_cursor",
                Msg::new(
                    format!("\"{c}\" không phải là vị trí trang hợp lệ; hãy dùng giá trị `next` của trang trước."),
                    format!("\"{c}\" is not a valid page position; use the previous page's `next`."),
                ),
            ))
        })?),
    };
    let limit = params.limit.unwrap_or(20);
    let page = notifications::list(&state.store, site.tenant.id, account, cursor, limit)
        .await
        .map_err(|e| fail(e.into()))?;
    Ok(Json(json!({
        "rows": page.rows.iter().map(|n| row(n, site.lang)).collect::<Vec<_>>(),
        "next": page.next.map(|c| c.to_string()),
        "unread": page.unread,
    })))
}

/// `POST /api/v1/onestop/notifications/{id}/read`.
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (official, account) = official(guard)?;
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    let not_found = || {
        fail(Failure::not_found(Msg::new(
            format!("Không có thông báo số {id}."),
            format!("There is no notification {id}."),
        )))
    };
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    let notice = notifications::mark_read(&state.store, site.tenant.id, account, id, Utc::now())
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(not_found)?;
    Ok(Json(row(&notice, site.lang)))
}
