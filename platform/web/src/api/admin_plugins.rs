//! The plugin administration API: publish a plugin component with its manifest to the tenant of
//! the host (`plugin:publish`), and list what is published (`plugin:view`).
//!
//! `PUT /api/v1/admin/plugins/{id}/{version}` takes JSON `{ "manifest": "<plugin.yaml text>",
//! "component": "<the .wasm, base64>" }`. The component is checked before it is stored: it must
//! compile, export the step, import only what its manifest asks for, in an API version the
//! platform speaks. Published versions are immutable: the same bytes again answer 200, other
//! bytes under a published version 409.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use motcua_core::lang::Lang;
use motcua_plugins::manifest;
use motcua_store::plugins::{self, PublishError, Published};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use motcua_authz::{Action, Object};

/// The largest upload: a component of the platform's largest size, in base64, with its manifest.
pub(super) const MAX_UPLOAD_BYTES: usize = 24 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Upload {
    manifest: String,
    component: String,
}

fn unusable(code: &'static str, vi: String, en: String) -> Failure {
    Failure::invalid(code, Msg::new(vi, en))
}

/// `PUT /api/v1/admin/plugins/{id}/{version}`
pub(super) async fn publish(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
    Path((id, version)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    guard.require(Object::Plugin, Action::Publish, None)?;
    let fail = |f: Failure| ApiError(site.lang, f);
    let upload: Upload = serde_json::from_slice(&body).map_err(|e| {
        fail(unusable(
            "invalid_upload",
            format!("Nội dung gửi lên phải là JSON {{\"manifest\", \"component\"}}: {e}"),
            format!("The body must be JSON {{\"manifest\", \"component\"}}: {e}"),
        ))
    })?;
    let wasm = base64::engine::general_purpose::STANDARD
        .decode(upload.component.trim())
        .map_err(|e| {
            fail(unusable(
                "invalid_upload",
                format!("`component` phải là tệp .wasm mã hóa base64: {e}"),
                format!("`component` must be the .wasm file in base64: {e}"),
            ))
        })?;
    let m = manifest::parse("plugin.yaml", &upload.manifest, &state.plugins.ceiling()).map_err(
        |d| {
            let mut f = unusable(
                "invalid_manifest",
                format!("Tệp plugin.yaml có {} lỗi.", d.0.len()),
                format!("plugin.yaml has {} problem(s).", d.0.len()),
            );
            f.details = Some(Box::new(crate::error::Details::Problems(d.0)));
            fail(f)
        },
    )?;
    if m.id != id || m.version != version {
        return Err(fail(unusable(
            "manifest_mismatch",
            format!(
                "plugin.yaml khai báo {}, không phải {id}@{version}.",
                m.pin()
            ),
            format!("plugin.yaml declares {}, not {id}@{version}.", m.pin()),
        )));
    }
    let pin = m.pin();
    state.plugins.load(m, &wasm).map_err(|e| {
        fail(unusable(
            "invalid_component",
            e.describe(&pin, Lang::Vi),
            e.describe(&pin, Lang::En),
        ))
    })?;
    let by = guard.actor();
    match plugins::publish(
        &state.store,
        site.tenant.id,
        &id,
        &version,
        &upload.manifest,
        &wasm,
        &by,
    )
    .await
    {
        Ok(published) => {
            let installed = site.tenant.manifest.plugins.iter().any(|i| i.pin == pin);
            let status = if published == Published::New {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((
                status,
                Json(json!({
                    "plugin": pin,
                    "new": published == Published::New,
                    "installed": installed,
                })),
            ))
        }
        Err(PublishError::VersionTaken { existing, .. }) => Err(fail(Failure::new(
            StatusCode::CONFLICT,
            "version_taken",
            Msg::new(
                format!(
                    "{pin} đã được phát hành với nội dung khác (sha256 {existing}); hãy phát hành phiên bản mới."
                ),
                format!(
                    "{pin} is already published with other content (sha256 {existing}); publish a new version."
                ),
            ),
        ))),
        Err(PublishError::Store(e)) => Err(fail(e.into())),
    }
}

/// `GET /api/v1/admin/plugins`: what the tenant has published, and what it installs.
pub(super) async fn list(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Plugin, Action::View, None)?;
    let published = plugins::list(&state.store, site.tenant.id)
        .await
        .map_err(|e| ApiError(site.lang, e.into()))?;
    let items: Vec<Value> = published
        .iter()
        .map(|p| {
            let pin = format!("{}@{}", p.id, p.version);
            let install = site.tenant.manifest.plugins.iter().find(|i| i.pin == pin);
            json!({
                "plugin": pin,
                "sha256": p.sha256,
                "size": p.component.len(),
                "published_at": p.published_at,
                "published_by": p.published_by,
                "installed": install.is_some(),
                "grants": install.map(|i| i.grants.clone()).unwrap_or_default(),
            })
        })
        .collect();
    Ok(Json(json!({ "plugins": items })))
}
