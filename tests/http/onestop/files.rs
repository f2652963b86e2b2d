//! Files on the one-stop pages: the desk's scans of each document received (stored, attached
//! with the receipt, downloadable), scans refused by type or size (named at their document,
//! everything else kept, nothing stored), the CSRF token of a multipart form, and the result
//! documents attached when the result is returned (through the page and through the API).

use motcua_authz::Role;
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use super::desk_page::typed_form;
use super::pages::received;
use super::{Clerk, DESK, POLICE, RECORDS, STAFF};
use crate::officials::{between, request};

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const BOUNDARY: &str = "----motcua-onestop-files";

/// A PDF whose bytes differ by `n`.
pub(super) fn pdf(n: u8) -> Vec<u8> {
    let mut b = PDF.to_vec();
    b.extend_from_slice(format!("% {n}\n").as_bytes());
    b
}

/// A `multipart/form-data` body: the fields in order, then the files `(input, file name, bytes)`.
pub(super) fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a multipart body to a staff page with the official's cookie (the CSRF token, if any,
/// is among the body's fields).
pub(super) async fn send_multipart(
    app: &TestApp,
    clerk: &Clerk,
    path: &str,
    body: Vec<u8>,
) -> Reply {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    app.send(request(
        "POST",
        STAFF,
        path,
        Some(&clerk.cookie),
        None,
        &[("content-type", &content_type)],
        axum::body::Body::from(body),
    ))
    .await
}

/// Files kept in the app's blob store.
fn stored_files(app: &TestApp) -> usize {
    let mut found = 0;
    let mut todo = vec![app.blobs_dir.path().to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                found += 1;
            }
        }
    }
    found
}

async fn rows<E: EntityTrait>(app: &TestApp, _: E) -> usize {
    E::find().all(app.db.store.platform()).await.unwrap().len()
}

/// The reception form's fields for a complete dossier, after the CSRF token and the key.
fn desk_fields(clerk: &Clerk, key: &str) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = [
        ("csrf", clerk.csrf.as_str()),
        ("idempotency_key", key),
        ("case", "ca-nhan-tu-yeu-cau"),
        ("applicant.kind", "citizen"),
        ("applicant.name", "Đỗ Thị Quét"),
        ("applicant.id_number", "038096007788"),
        ("channel", "desk"),
        ("documents", "TK"),
        ("documents", "GTTT"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    all.extend(typed_form(&motcua_tests::demo_form("thanhhoa", RECORDS)));
    all.push(("decision".to_owned(), "accept".to_owned()));
    all
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn desk_key(app: &TestApp, desk: &Clerk) -> String {
    let page = desk
        .get(
            app,
            &format!("/tiep-nhan/{RECORDS}?case=ca-nhan-tu-yeu-cau"),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("name=\"scan.TK\""), "{}", page.body);
    between(&page.body, "name=\"idempotency_key\" value=\"", "\"").to_owned()
}

async fn the_desk_attaches_scans_that_officials_download(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan61", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien61", &[(Role::Specialist, Some(POLICE))]).await;
    let key = desk_key(&app, &desk).await;
    let fields = desk_fields(&desk, &key);
    let (tk, gttt) = (pdf(1), pdf(2));
    let body = multipart(
        &borrowed(&fields),
        &[
            ("scan.TK", "tờ khai.pdf", &tk),
            ("scan.GTTT", "cccd.pdf", &gttt),
            // A file input left empty.
            ("scan.GTTT", "", b""),
        ],
    );
    let r = send_multipart(&app, &desk, &format!("/tiep-nhan/{RECORDS}"), body).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").unwrap().to_owned();
    let code = between(&location, "/ho-so/", "?").to_owned();
    assert_eq!(
        rows(&app, motcua_store::entity::attachment_upload::Entity).await,
        0
    );

    // The police see both scans, as documents of the dossier, and download them.
    let view = police.dossier(&app, &code).await.json();
    let documents = view["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2, "{view}");
    assert_eq!(documents[0]["kind"], "document");
    assert_eq!(documents[0]["code"], "TK");
    assert_eq!(documents[0]["file_name"], "tờ khai.pdf");
    assert_eq!(documents[1]["code"], "GTTT");
    assert_eq!(documents[0]["attached_by"], format!("account:{}", desk.id));
    let href = documents[0]["href"].as_str().unwrap();
    let download = police.get(&app, href).await;
    assert_eq!(download.status, 200, "{}", download.body);
    assert_eq!(download.body.as_bytes(), tk.as_slice());
    let page = police.get(&app, &format!("/ho-so/{code}")).await;
    assert!(page.body.contains("Tài liệu của hồ sơ"), "{}", page.body);
    assert!(
        page.body.contains(&format!("href=\"{href}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Thành phần hồ sơ GTTT"), "{}", page.body);
    // Nobody of another division downloads them.
    let stranger = Clerk::new(
        &app,
        "chuyenvien62",
        &[(Role::Specialist, Some("so-xay-dung"))],
    )
    .await;
    assert_eq!(stranger.get(&app, href).await.status, 403);
    let audit = motcua_store::audit::verify(&app.db.store, None)
        .await
        .unwrap();
    assert!(audit.intact(), "{audit:?}");
}

async fn refused_scans_are_named_and_nothing_else_is_lost(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan63", &[(Role::Receiver, Some(DESK))]).await;
    let key = desk_key(&app, &desk).await;
    let fields = desk_fields(&desk, &key);
    let path = format!("/tiep-nhan/{RECORDS}");

    // A program named like a PDF.
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    program.extend_from_slice(&[0u8; 200]);
    let body = multipart(&borrowed(&fields), &[("scan.TK", "don.pdf", &program)]);
    let r = send_multipart(&app, &desk, &path, body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Loại tệp này không được chấp nhận"),
        "{}",
        r.body
    );
    assert!(r.body.contains("pdf, jpeg, png"), "{}", r.body);
    assert!(r.body.contains("value=\"Đỗ Thị Quét\""), "{}", r.body);
    assert!(r.body.contains("value=\"038096007788\""), "{}", r.body);
    assert_eq!(
        between(&r.body, "name=\"idempotency_key\" value=\"", "\""),
        key
    );
    // Too large for the procedure (10 MB).
    let mut big = pdf(3);
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let body = multipart(&borrowed(&fields), &[("scan.GTTT", "lon.pdf", &big)]);
    let r = send_multipart(&app, &desk, &path, body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("vượt quá dung lượng tối đa 10MB"),
        "{}",
        r.body
    );
    // Nothing was received, uploaded or written.
    assert_eq!(rows(&app, motcua_store::entity::dossier::Entity).await, 0);
    assert_eq!(
        rows(&app, motcua_store::entity::attachment_upload::Entity).await,
        0
    );
    assert_eq!(stored_files(&app), 0);

    // A good scan beside a bad one: the good one is kept and shown, and sent again by id.
    let good = pdf(4);
    let body = multipart(
        &borrowed(&fields),
        &[
            ("scan.TK", "to-khai.pdf", &good),
            ("scan.GTTT", "don.pdf", &program),
        ],
    );
    let r = send_multipart(&app, &desk, &path, body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Đã tải lên: to-khai.pdf"), "{}", r.body);
    let kept = between(&r.body, "name=\"kept_scan\" value=\"", "\"").to_owned();
    assert!(kept.starts_with("TK|up_"), "{kept}");
    assert_eq!(
        rows(&app, motcua_store::entity::attachment_upload::Entity).await,
        1
    );
    let mut again = fields.clone();
    again.push(("kept_scan".to_owned(), kept));
    let r = send_multipart(&app, &desk, &path, multipart(&borrowed(&again), &[])).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let code = between(r.header("location").unwrap(), "/ho-so/", "?").to_owned();
    let view = desk.dossier(&app, &code).await.json();
    assert_eq!(view["documents"][0]["file_name"], "to-khai.pdf", "{view}");
    assert_eq!(
        rows(&app, motcua_store::entity::attachment_upload::Entity).await,
        0
    );
}

async fn multipart_forms_carry_the_session_token_first(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan64", &[(Role::Receiver, Some(DESK))]).await;
    let key = desk_key(&app, &desk).await;
    let path = format!("/tiep-nhan/{RECORDS}");
    let fields = desk_fields(&desk, &key);
    let scan = pdf(5);
    let without: Vec<(String, String)> = fields.iter().skip(1).cloned().collect();
    let mut wrong = fields.clone();
    wrong[0].1 = "not-the-token".to_owned();
    let mut late = without.clone();
    late.push(("csrf".to_owned(), desk.csrf.clone()));
    for (what, f) in [
        ("missing", without),
        ("wrong", wrong),
        ("after the form", late),
    ] {
        let body = multipart(&borrowed(&f), &[("scan.TK", "tk.pdf", &scan)]);
        let r = send_multipart(&app, &desk, &path, body).await;
        assert_eq!(r.status, 403, "{what}: {}", r.body);
        assert!(r.body.contains("mã bảo vệ"), "{what}: {}", r.body);
    }
    assert_eq!(rows(&app, motcua_store::entity::dossier::Entity).await, 0);
    assert_eq!(
        rows(&app, motcua_store::entity::attachment_upload::Entity).await,
        0
    );
    assert_eq!(stored_files(&app), 0);
}

/// Takes the police search step of `code` through the API.
async fn searched(app: &TestApp, specialist: &Clerk, code: &str) {
    let r = specialist
        .command(
            app,
            code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn returning_the_result_attaches_its_documents(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan65", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien65", &[(Role::Specialist, Some(POLICE))]).await;
    let head = Clerk::new(&app, "lanhdao65", &[(Role::DivisionHead, Some(POLICE))]).await;

    // Through the page: the signing form takes the result's files.
    let code = received(&app, &desk, "Phan Văn Kết").await;
    searched(&app, &specialist, &code).await;
    let page = head.get(&app, &format!("/ho-so/{code}")).await;
    assert!(page.body.contains("name=\"result_files\""), "{}", page.body);
    let version = between(&page.body, "name=\"expected_version\" value=\"", "\"").to_owned();
    let certificate = pdf(6);
    let fields = [
        ("csrf", head.csrf.as_str()),
        ("expected_version", version.as_str()),
        ("type", "act"),
        ("step", "duyet-ky"),
        ("action", "ky"),
        ("result", "PLLTP-2026-000777"),
    ];
    let body = multipart(&fields, &[("result_files", "phieu-ltp.pdf", &certificate)]);
    let r = send_multipart(&app, &head, &format!("/ho-so/{code}/thao-tac"), body).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let view = head.dossier(&app, &code).await.json();
    assert_eq!(view["status"]["code"], "returned", "{view}");
    let result: Vec<&Value> = view["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "result")
        .collect();
    assert_eq!(result.len(), 1, "{view}");
    assert_eq!(result[0]["file_name"], "phieu-ltp.pdf");
    let notified = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "notified" && e["data"]["recipients"] == json!(["applicant"]));
    assert!(notified, "{view}");
    let download = desk.get(&app, result[0]["href"].as_str().unwrap()).await;
    assert_eq!(download.body.as_bytes(), certificate.as_slice());

    // Through the API: an upload of the head's, attached with the command; someone else's
    // upload is refused and the dossier does not move.
    let code = received(&app, &desk, "Phan Thị Kết").await;
    searched(&app, &specialist, &code).await;
    let upload = |clerk: &Clerk, bytes: Vec<u8>| {
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let body = multipart(&[], &[("file", "ket-qua.pdf", &bytes)]);
        let req = request(
            "POST",
            STAFF,
            &format!("/api/v1/uploads?procedure={RECORDS}"),
            Some(&clerk.cookie),
            Some(&clerk.csrf),
            &[("content-type", &content_type)],
            axum::body::Body::from(body),
        );
        app.send(req)
    };
    let theirs = upload(&specialist, pdf(7)).await;
    assert_eq!(theirs.status, 201, "{}", theirs.body);
    let theirs = theirs.json()["id"].as_str().unwrap().to_owned();
    let sign = |id: &str| {
        json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                "inputs": { "result": "PLLTP-2026-000778" }, "attachments": [id] })
    };
    let r = head.command(&app, &code, sign(&theirs)).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "upload_not_found");
    assert_eq!(
        head.dossier(&app, &code).await.json()["status"]["code"],
        "processing"
    );
    let mine = upload(&head, pdf(8)).await;
    let mine = mine.json()["id"].as_str().unwrap().to_owned();
    let r = head.command(&app, &code, sign(&mine)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["documents"][0]["kind"], "result", "{}", r.body);
    // Attached once: the same upload again is gone.
    assert_eq!(
        motcua_store::attachments::upload(
            &app.db.store,
            crate::officials::tenant(&app, "thanhhoa").await,
            &mine.parse().unwrap()
        )
        .await
        .unwrap(),
        None
    );
}

backend_tests!(
    the_desk_attaches_scans_that_officials_download,
    refused_scans_are_named_and_nothing_else_is_lost,
    multipart_forms_carry_the_session_token_first,
    returning_the_result_attaches_its_documents,
);
