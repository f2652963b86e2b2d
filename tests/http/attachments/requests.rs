//! The requests of the attachment tests: uploads raw and as forms, downloads, and what was
//! kept.

use axum::body::Body;
use axum::http::Request;
use motcua_tests::{Reply, TestApp};

use super::{PROCEDURE, VI};

/// `POST /api/v1/uploads?...` with a raw body.
pub(super) async fn upload_raw(
    app: &TestApp,
    who: &(String, String),
    query: &str,
    body: impl Into<Body>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut r = Request::post(format!("/api/v1/uploads?{query}"))
        .header("host", VI)
        .header("cookie", &who.0)
        .header("x-csrf-token", &who.1)
        .header("content-type", "application/pdf");
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    app.send(r.body(body.into()).unwrap()).await
}

/// `POST /api/v1/uploads?procedure=...` as a browser form sends a file.
pub(super) async fn upload_form(
    app: &TestApp,
    who: &(String, String),
    file_name: &str,
    bytes: &[u8],
) -> Reply {
    let boundary = "----motcua-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nxin chào\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.send(
        Request::post(format!("/api/v1/uploads?procedure={PROCEDURE}"))
            .header("host", VI)
            .header("cookie", &who.0)
            .header("x-csrf-token", &who.1)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Every file kept under the app's blob directory.
pub(super) fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![app.blobs_dir.path().to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p)
            } else {
                found.push(p)
            }
        }
    }
    found
}

/// How many uploads the database holds, all tenants together.
pub(super) async fn uploads_in_database(app: &TestApp) -> usize {
    use sea_orm::EntityTrait;
    motcua_store::entity::attachment_upload::Entity::find()
        .all(app.db.store.platform())
        .await
        .unwrap()
        .len()
}

/// `GET path` on `host` with a session or an API token.
pub(super) fn get(
    host: &str,
    path: &str,
    who: Option<&(String, String)>,
    bearer: Option<&str>,
) -> Request<Body> {
    let mut r = Request::get(path).header("host", host);
    if let Some((cookie, _)) = who {
        r = r.header("cookie", cookie);
    }
    if let Some(t) = bearer {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    r.body(Body::empty()).unwrap()
}
