//! The procedure administration API, for procedure designers' tools: check a procedure file,
//! upload and publish it, list its versions, draw its workflow.
//!
//! Every route needs a signed-in official or an API token of the host's tenant (401 otherwise)
//! with the permission it names: checking a file needs `procedure:edit`, publishing
//! `procedure:publish`, listing versions `procedure:view`, the diagram `workflow:view` (403
//! otherwise). Bodies are the YAML text of a procedure file.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use motcua_core::diagnostic::Diagnostics;
use motcua_core::lang::Lang;
use motcua_core::tenant::{SourceFile, TenantBundle};
use motcua_store::{procedures, tenants};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use motcua_authz::{Action, Object};

fn invalid(site: &Site, diagnostics: Diagnostics) -> ApiError {
    let mut failure = Failure::invalid(
        "invalid_procedure",
        Msg::new(
            format!("Tệp thủ tục có {} lỗi.", diagnostics.0.len()),
            format!("The procedure file has {} problem(s).", diagnostics.0.len()),
        ),
    );
    failure.details = Some(Box::new(crate::error::Details::Problems(diagnostics.0)));
    ApiError(site.lang, failure)
}

fn text(body: &[u8], site: &Site) -> Result<String, ApiError> {
    String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError(
            site.lang,
            Failure::invalid(
                "not_utf8",
                Msg::new(
                    "Tệp phải được mã hóa UTF-8.",
                    "The file must be UTF-8 text.",
                ),
            ),
        )
    })
}

/// `POST /api/v1/admin/procedures/check`: every problem of a procedure file, with positions.
pub(super) async fn check(
    site: Site,
    guard: Guard,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Procedure, Action::Edit, None)?;
    let source = text(&body, &site)?;
    let p = motcua_workflow::procedure::load("procedure.yaml", &source, &site.tenant.manifest)
        .map_err(|d| invalid(&site, d))?;
    Ok(Json(json!({
        "ok": true,
        "code": p.file.info.code,
        "steps": p.definition.steps.len(),
        "sha256": p.hash,
    })))
}

/// `PUT /api/v1/admin/procedures/{code}`: validates the file and publishes it as the current
/// version of the procedure (a new version, or an earlier one again when its text is identical).
pub(super) async fn publish(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Procedure, Action::Publish, None)?;
    let fail = |f: Failure| ApiError(site.lang, f);
    let source = text(&body, &site)?;
    let procedure =
        motcua_workflow::procedure::load(&format!("{code}.yaml"), &source, &site.tenant.manifest)
            .map_err(|d| invalid(&site, d))?;
    if procedure.file.info.code.to_string() != code {
        return Err(fail(Failure::invalid(
            "code_mismatch",
            Msg::new(
                format!(
                    "Mã thủ tục trong tệp là {}, không phải {code}.",
                    procedure.file.info.code
                ),
                format!(
                    "The file's procedure code is {}, not {code}.",
                    procedure.file.info.code
                ),
            ),
        )));
    }
    let stored = tenants::load_with_templates(&state.store, site.tenant.manifest.slug.as_str())
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail(Failure::internal(&"the tenant of this host is not stored")))?;
    let bundle = stored.bundle;
    let path = bundle.procedure(&code).map_or_else(
        || format!("procedures/{code}.yaml"),
        |p| p.file.path.clone(),
    );
    let mut files: Vec<SourceFile> = bundle
        .procedures
        .iter()
        .filter(|p| p.info.code.to_string() != code)
        .map(|p| p.file.clone())
        .collect();
    files.push(SourceFile { path, text: source });
    let updated = TenantBundle::from_files(
        None,
        bundle.manifest_file.text.clone(),
        files,
        bundle.logo.map(|l| l.bytes),
    )
    .and_then(|b| b.with_templates(bundle.templates.unwrap_or_default()))
    .map_err(|d| invalid(&site, d))?;
    tenants::apply(&state.store, &updated)
        .await
        .map_err(|e| fail(e.into()))?;
    let all = tenants::load_all(&state.store)
        .await
        .map_err(|e| fail(e.into()))?;
    state.sites.replace(all);
    let current = procedures::versions(&state.store, site.tenant.id, &code)
        .await
        .map_err(|e| fail(e.into()))?
        .into_iter()
        .find(|v| v.sha256 == procedure.hash)
        .ok_or_else(|| fail(Failure::internal(&"the published version is missing")))?;
    Ok(Json(
        json!({ "code": code, "version": current.version, "sha256": current.sha256 }),
    ))
}

/// `GET /api/v1/admin/procedures/{code}/versions`
pub(super) async fn versions(
    State(state): State<AppState>,
    site: Site,
    guard: Guard,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    guard.require(Object::Procedure, Action::View, None)?;
    let current = site.tenant.procedure(&code).map(|p| p.version);
    let list: Vec<Value> = procedures::versions(&state.store, site.tenant.id, &code)
        .await
        .map_err(|e| ApiError(site.lang, e.into()))?
        .into_iter()
        .map(|v| {
            json!({
                "version": v.version,
                "sha256": v.sha256,
                "published_at": v.published_at,
                "published_by": v.published_by,
                "current": Some(v.version) == current,
            })
        })
        .collect();
    if list.is_empty() {
        return Err(ApiError(
            site.lang,
            Failure::not_found(Msg::new(
                format!("Không có thủ tục mã {code}."),
                format!("There is no procedure with code {code}."),
            )),
        ));
    }
    Ok(Json(json!({ "code": code, "versions": list })))
}

#[derive(Debug, Deserialize)]
pub(super) struct DiagramQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /api/v1/admin/procedures/{code}/diagram.svg`: the current version's workflow.
pub(super) async fn diagram(
    site: Site,
    guard: Guard,
    Path(code): Path<String>,
    Query(q): Query<DiagramQuery>,
) -> Result<Response, ApiError> {
    guard.require(Object::Workflow, Action::View, None)?;
    let live = site.tenant.procedure(&code).ok_or_else(|| {
        ApiError(
            site.lang,
            Failure::not_found(Msg::new(
                format!("Không có thủ tục mã {code}."),
                format!("There is no procedure with code {code}."),
            )),
        )
    })?;
    let lang = match q.lang.as_deref() {
        Some("en") => Lang::En,
        Some("vi") => Lang::Vi,
        _ => site.lang,
    };
    let svg = motcua_workflow::diagram::svg_for(&live.procedure.file, lang);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ),
        ],
        svg,
    )
        .into_response())
}
