//! `GET /api/v1/procedures` and `GET /api/v1/procedures/{code}`: the tenant's public catalogue.

use crate::sites::Live;
use axum::Json;
use axum::extract::Path;
use serde_json::{Value, json};

use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;

fn summary(site: &Site, live: &Live) -> Value {
    let m = &site.tenant.manifest;
    let p = live.info();
    let division = m.division(p.division.as_str());
    json!({
        "code": p.code,
        "local_code": p.local_code(m),
        "name": p.name,
        "sector": { "code": p.sector, "name": p.sector_name },
        "level": p.level.number(),
        "version": live.version,
        "online": p.level.accepts_online(),
        "time": p.time,
        "division": division.map(|d| json!({ "key": d.key, "code": d.code, "name": d.name })),
    })
}

pub(super) async fn list(site: Site) -> Json<Value> {
    let procedures: Vec<Value> = site
        .tenant
        .procedures
        .iter()
        .map(|p| summary(&site, p))
        .collect();
    Json(json!({ "tenant": site.tenant.manifest.slug, "procedures": procedures }))
}

pub(super) async fn show(site: Site, Path(code): Path<String>) -> Result<Json<Value>, ApiError> {
    let p = site.tenant.procedure(&code).ok_or_else(|| {
        ApiError(
            site.lang,
            Failure::not_found(Msg::new(
                format!("Không có thủ tục mã {code}."),
                format!("There is no procedure with code {code}."),
            )),
        )
    })?;
    let mut body = summary(&site, p);
    body["info"] = serde_json::to_value(p.info()).unwrap_or(Value::Null);
    body["form"] = serde_json::to_value(&p.procedure.file.form).unwrap_or(Value::Null);
    // Where each template form is downloaded, on this host.
    body["template_forms"] = p
        .info()
        .cases
        .iter()
        .flat_map(|c| c.documents.iter().map(move |d| (c, d)))
        .filter_map(|(c, d)| {
            let file = d.template_file.as_ref()?;
            Some(json!({
                "case": c.key,
                "document": d.code,
                "file": file.file_name(),
                "format": file.format_name(),
                "href": crate::catalogue::template_path(site.lang, &p.info().code.to_string(), file.file_name()),
            }))
        })
        .collect();
    Ok(Json(body))
}
