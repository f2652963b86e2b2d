//! Attachments through HTTP: uploads held to the procedure's limits (size while reading, type
//! from the content), raw or multipart, and downloads of a dossier's documents for the officials
//! who may view it and the citizen who owns it, and for nobody else.

mod callers;
mod requests;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use motcua_store::attachments::{Attach, DocumentKind};
use motcua_store::dossiers::{self, Dossier};
use motcua_tests::{Backend, TestApp, backend_tests, citizen, plain_dossier};

use callers::{citizen_session, official, tenant};
use requests::{get, stored_files, upload_form, upload_raw, uploads_in_database};

pub(super) const VI: &str = "dichvucong.thanhhoa.localhost";
const HCM: &str = "dichvucong.hochiminhcity.localhost";
/// Phiếu lý lịch tư pháp: handled by `cong-an-tinh`, received at `trung-tam-phvhcc`, with the
/// platform's default limits (10 MB; pdf, jpeg, png).
pub(super) const PROCEDURE: &str = "2.000488";
const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const CITIZEN_ID: &str = "038095001234";

async fn uploads_within_the_limits_are_stored_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anonymous = app
        .send(
            Request::post(format!("/api/v1/uploads?procedure={PROCEDURE}"))
                .header("host", VI)
                .body(Body::from(PDF))
                .unwrap(),
        )
        .await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );

    let me = citizen_session(&app, "hoa", CITIZEN_ID).await;
    let r = upload_raw(
        &app,
        &me,
        &format!("procedure={PROCEDURE}&name=%C4%91%C6%A1n.pdf"),
        PDF.to_vec(),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let raw = r.json();
    assert!(raw["id"].as_str().unwrap().starts_with("up_"));
    assert_eq!(
        raw["sha256"],
        motcua_store::blobs::ContentHash::of(PDF).to_string()
    );
    assert_eq!(raw["size"], PDF.len());
    assert_eq!(raw["content_type"], "application/pdf");
    assert_eq!(raw["file_name"], "đơn.pdf");

    let r = upload_form(&app, &me, "C:\\giay to\\ban sao.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let form = r.json();
    assert_eq!(form["file_name"], "ban sao.pdf");
    assert_eq!(form["sha256"], raw["sha256"]);
    assert_ne!(form["id"], raw["id"]);
    assert_eq!(
        stored_files(&app).len(),
        1,
        "the same content is stored once"
    );
    assert_eq!(uploads_in_database(&app).await, 2);

    let r = upload_raw(&app, &me, "procedure=9.999999", PDF.to_vec(), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "unknown_procedure");
}

async fn oversized_and_disguised_files_are_refused_and_nothing_is_kept(backend: Backend) {
    let app = TestApp::new(backend).await;
    let me = citizen_session(&app, "hoa", CITIZEN_ID).await;
    let limit = 10 * 1024 * 1024;
    let mut big = PDF.to_vec();
    big.resize(limit + 1, b' ');
    // Announced too large: refused before reading.
    let announced = (limit + 1).to_string();
    let r = upload_raw(
        &app,
        &me,
        &format!("procedure={PROCEDURE}"),
        big.clone(),
        &[("content-length", &announced)],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "file_too_large");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10MB"),
        "{}",
        r.body
    );
    // Not announced, and arriving in pieces: refused while reading, the staged part dropped.
    let pieces: Vec<Result<bytes::Bytes, std::io::Error>> = big
        .chunks(64 * 1024)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let streamed = Body::from_stream(futures_util::stream::iter(pieces));
    let r = upload_raw(&app, &me, &format!("procedure={PROCEDURE}"), streamed, &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    // A program named like a PDF, sent as one.
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    program.extend_from_slice(&[0u8; 200]);
    let r = upload_raw(
        &app,
        &me,
        &format!("procedure={PROCEDURE}&name=don.pdf"),
        program.clone(),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    let error = r.json()["error"].clone();
    assert_eq!(error["code"], "unsupported_file_type");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("pdf, jpeg, png"),
        "{error}"
    );
    let r = upload_form(&app, &me, "don.pdf", &program).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
    assert_eq!(uploads_in_database(&app).await, 0);
}

/// A dossier of Thanh Hóa for the citizen [`CITIZEN_ID`], with `upload` (of `by`) attached.
async fn dossier_with(app: &TestApp, upload: &str, by: &str) -> Dossier {
    let t = tenant(app, "thanhhoa").await;
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse(CITIZEN_ID);
    let mut new = plain_dossier(PROCEDURE, "000.00.01.H56", Utc::now(), None, applicant);
    new.start.attach = vec![Attach {
        upload: upload.parse().unwrap(),
        kind: DocumentKind::Required("TK".to_owned()),
        by: by.to_owned(),
    }];
    dossiers::receive(&app.db.store, t, new)
        .await
        .unwrap()
        .dossier()
        .clone()
}

async fn documents_reach_those_who_may_view_the_dossier_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    let owner = citizen_session(&app, "hoa", CITIZEN_ID).await;
    let r = upload_raw(
        &app,
        &owner,
        &format!("procedure={PROCEDURE}&name=%C4%91%C6%A1n.pdf"),
        PDF.to_vec(),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let up = r.json();
    let d = dossier_with(&app, up["id"].as_str().unwrap(), "citizen:hoa").await;
    let path = format!(
        "/api/v1/dossiers/{}/documents/{}",
        d.code,
        up["sha256"].as_str().unwrap()
    );

    // The receiving desk's officer downloads it, as an attachment that is never sniffed.
    let desk = official(
        &app,
        "tiepnhan",
        Some((motcua_authz::Role::Receiver, "trung-tam-phvhcc")),
    )
    .await;
    let r = app.send(get(VI, &path, Some(&desk), None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body.as_bytes(), PDF);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let disposition = r.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%C4%91%C6%A1n.pdf"),
        "{disposition}"
    );
    let listed = app
        .send(get(
            VI,
            &format!("/api/v1/dossiers/{}/documents", d.code),
            Some(&desk),
            None,
        ))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.json()["documents"][0]["code"], "TK");
    assert_eq!(listed.json()["documents"][0]["file_name"], "đơn.pdf");

    // The owner downloads it; another citizen learns nothing.
    let r = app.send(get(VI, &path, Some(&owner), None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stranger = citizen_session(&app, "an", "001099009999").await;
    let r = app.send(get(VI, &path, Some(&stranger), None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Officials without `dossier:view` where the dossier is handled are refused.
    let elsewhere = official(
        &app,
        "xaydung",
        Some((motcua_authz::Role::Specialist, "so-xay-dung")),
    )
    .await;
    let r = app.send(get(VI, &path, Some(&elsewhere), None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let nobody = official(&app, "chuaphanquyen", None).await;
    let r = app.send(get(VI, &path, Some(&nobody), None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(!r.body.contains("%PDF"));

    // Another tenant, even with every right there, finds nothing.
    let hcm = "mc_hcmview89abcdef0123456789abcdef0123456789ab";
    app.api_token("hochiminhcity", hcm, &["dossier:view"]).await;
    let r = app.send(get(HCM, &path, None, Some(hcm))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains(&d.code.to_string()), "{}", r.body);
    // A token of the tenant with the right: the document, but only one it has.
    let token = "mc_thview89abcdef0123456789abcdef0123456789abc";
    app.api_token("thanhhoa", token, &["dossier:view"]).await;
    let r = app.send(get(VI, &path, None, Some(token))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let other = motcua_store::blobs::ContentHash::of(b"not attached");
    let r = app
        .send(get(
            VI,
            &format!("/api/v1/dossiers/{}/documents/{other}", d.code),
            None,
            Some(token),
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

backend_tests!(
    uploads_within_the_limits_are_stored_once,
    oversized_and_disguised_files_are_refused_and_nothing_is_kept,
    documents_reach_those_who_may_view_the_dossier_only,
);
