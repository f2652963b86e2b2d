//! Complaints and suggestions (PAKN) through HTTP: anyone sends one and gets a tracking code;
//! it is shown only with the contact given; it is routed to the division responsible for its
//! procedure, dossier or division; officials of that division forward it within 5 working days
//! (not later) and answer it; published answers are listed in the host's language; files are
//! held to their limits; and each complaint and answer reaches the national PAKN system (a mock
//! that behaves like one), retried after a 503.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::{SubsecRound, Utc};
use motcua_authz::Role;
use motcua_store::complaints::{self as stored, NewComplaint, Sender};
use motcua_store::jobs::{self, Policy, Which};
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use motcua_web::complaints::exchange::{Exchanger, HttpPakn, run_pending};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::officials::{HCM, tenant};
use crate::onestop::{Clerk, DESK, POLICE, RECORDS, desk_body};

/// Thanh Hóa's portal, in Vietnamese and in English.
const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
/// The Department of Justice of Thanh Hóa.
const JUSTICE: &str = "so-tu-phap";
const PHONE: &str = "0912 345 678";

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn about_procedure() -> Value {
    json!({
        "kind": "complaint",
        "about": "procedure",
        "procedure": RECORDS,
        "name": "Trần Văn Bình",
        "phone": PHONE,
        "text": "Cán bộ hẹn trả phiếu lý lịch tư pháp nhưng đến hạn chưa có.",
    })
}

async fn send(app: &TestApp, host: &str, body: &Value) -> Reply {
    app.post_json(host, "/api/v1/complaints", body, &[]).await
}

/// Sends `body` anonymously on the Vietnamese portal: the complaint as answered.
async fn sent(app: &TestApp, body: &Value) -> Value {
    let r = send(app, VI, body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()
}

/// Sends [`about_procedure`] anonymously on the Vietnamese portal: its tracking code.
async fn sent_code(app: &TestApp) -> String {
    sent(app, &about_procedure()).await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Today in Thanh Hóa's calendar, the day of the codes issued now.
async fn today(app: &TestApp) -> chrono::NaiveDate {
    let t = tenant(app, "thanhhoa").await;
    let site = app.state.sites.by_id(t).unwrap();
    site.calendar.local_date(Utc::now())
}

/// Follows complaint `code` with `contact`, both in the body.
async fn track(app: &TestApp, host: &str, code: &str, contact: &str) -> Reply {
    app.post_json(
        host,
        "/api/v1/complaints/track",
        &json!({ "code": code, "contact": contact }),
        &[],
    )
    .await
}

async fn complaints_are_tracked_with_their_contact_and_answered_by_their_division(
    backend: Backend,
) {
    let app = crate::officials::app(backend).await;
    let c = sent(&app, &about_procedure()).await;
    let code = c["code"].as_str().unwrap().to_owned();
    let today = today(&app).await.format("%y%m%d").to_string();
    assert_eq!(code, format!("PAKN-{today}-0001"), "{c}");
    assert_eq!(c["status"]["code"], "received");
    // The procedure is handled by the Provincial Police.
    assert_eq!(c["division"]["key"], POLICE, "{c}");
    assert!(!c.to_string().contains("0912"), "no contact details: {c}");

    // With the contact given (however it is spaced), the sender sees where it stands.
    let r = track(&app, VI, &code, "0912345678").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"]["code"], "received");
    assert!(!r.body.contains("0912"), "no contact details: {}", r.body);
    // A wrong contact, or none, is told nothing.
    for wrong in ["0912345679", "", "an@example.vn"] {
        let r = track(&app, VI, &code, wrong).await;
        assert_eq!(r.status, 404, "{wrong}: {}", r.body);
    }
    // Another tenant has no such complaint.
    let r = track(&app, HCM, &code, PHONE).await;
    assert_eq!(r.status, 404, "{}", r.body);
    // The contact never goes in an address: a GET carrying it is refused, naming the POST;
    // without it, only the signed-in sender is shown the complaint.
    let r = app
        .get(VI, &format!("/api/v1/complaints/{code}?contact=0912345678"))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "contact_in_query");
    assert!(
        r.body.contains("POST /api/v1/complaints/track"),
        "{}",
        r.body
    );
    let r = app.get(VI, &format!("/api/v1/complaints/{code}")).await;
    assert_eq!(r.status, 404, "{}", r.body);

    // The police see it; the Department of Justice and a desk receiver do not act on it.
    let police = Clerk::new(&app, "pakn-cong-an", &[(Role::Specialist, Some(POLICE))]).await;
    let justice = Clerk::new(&app, "pakn-tu-phap", &[(Role::Specialist, Some(JUSTICE))]).await;
    let receiver = Clerk::new(&app, "pakn-mot-cua", &[(Role::Receiver, Some(DESK))]).await;
    let r = police.get(&app, "/api/v1/onestop/complaints").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert!(rows.iter().any(|x| x["code"] == code.as_str()), "{rows:?}");
    let row = rows.iter().find(|x| x["code"] == code.as_str()).unwrap();
    assert_eq!(row["sender"]["phone"], PHONE, "officials see the contact");
    assert_eq!(row["overdue"], false);
    assert_eq!(row["can"]["answer"], true);
    let path = format!("/api/v1/onestop/complaints/{code}");
    let r = justice.get(&app, &path).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = justice.get(&app, "/api/v1/onestop/complaints").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.json()["rows"].as_array().unwrap().is_empty(),
        "{}",
        r.body
    );
    let answer = json!({ "text": "Phiếu đã được trả ngày 20/11.", "publish": true });
    let r = justice
        .post(&app, &format!("{path}/answer"), answer.clone())
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = receiver.get(&app, "/api/v1/onestop/complaints").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = receiver
        .post(&app, &format!("{path}/answer"), answer.clone())
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Not signed in: 401.
    let r = app.get(STAFF, &path).await;
    assert_eq!(r.status, 401, "{}", r.body);

    // Nothing is published before the answer.
    let r = app.get(EN, "/api/v1/complaints?published=true").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["rows"].as_array().unwrap().is_empty());
    let r = app.get(VI, "/api/v1/complaints").await;
    assert_eq!(r.status, 422, "only published ones are public: {}", r.body);

    // The police answer and publish; answering again is refused.
    let r = police
        .post(&app, &format!("{path}/answer"), answer.clone())
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"]["code"], "answered");
    assert_eq!(v["published"], true);
    assert_eq!(v["answer"]["by"], "Cán bộ pakn-cong-an");
    let r = police.post(&app, &format!("{path}/answer"), answer).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "already_answered");

    // The sender reads the answer; the published list shows it in each host's language, without
    // the sender.
    let r = track(&app, VI, &code, PHONE).await;
    assert_eq!(r.json()["answer"]["text"], "Phiếu đã được trả ngày 20/11.");
    assert!(r.json()["answer"].get("by").is_none(), "{}", r.body);
    for (host, kind) in [(VI, "Phản ánh"), (EN, "Complaint")] {
        let r = app.get(host, "/api/v1/complaints?published=true").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let rows = r.json()["rows"].as_array().unwrap().clone();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["code"], code.as_str());
        assert_eq!(rows[0]["kind"]["label"], kind);
        assert!(
            !r.body.contains("Trần Văn Bình") && !r.body.contains("0912"),
            "{}",
            r.body
        );
    }
    let r = app.get(HCM, "/api/v1/complaints?published=true").await;
    assert!(
        r.json()["rows"].as_array().unwrap().is_empty(),
        "{}",
        r.body
    );
    // The same on the pages.
    let page = app.get(EN, "/feedback/answers").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&code) && page.body.contains("Complaint"),
        "{}",
        page.body
    );
    let page = app.get(VI, "/phan-anh-kien-nghi/tra-loi").await;
    assert!(page.body.contains(&code) && page.body.contains("Phản ánh"));
}

/// Thanh Hóa's staff host.
const STAFF: &str = "motcua.thanhhoa.localhost";

async fn complaints_are_routed_by_what_they_are_about(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "pakn-tiepnhan", &[(Role::Receiver, Some(DESK))]).await;
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let dossier = r.json()["code"].as_str().unwrap().to_owned();

    // About a dossier: the division whose step it waits at now (its open task).
    let waiting: Vec<String> = {
        use motcua_store::entity::dossier_task;
        use sea_orm::{ColumnTrait, QueryFilter};
        dossier_task::Entity::find()
            .filter(dossier_task::Column::Code.eq(dossier.as_str()))
            .all(app.state.store.platform())
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.division)
            .collect()
    };
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let mut body = about_procedure();
    body["about"] = json!("dossier");
    body["dossier"] = json!(dossier);
    body["kind"] = json!("suggestion");
    let c = sent(&app, &body).await;
    assert_eq!(c["subject"]["kind"], "dossier");
    assert_eq!(c["subject"]["code"], dossier.as_str());
    assert_eq!(c["kind"]["label"], "Kiến nghị");
    assert_eq!(c["division"]["key"], waiting[0].as_str(), "{c}");

    // About a division: that division.
    let mut body = about_procedure();
    body["about"] = json!("division");
    body["division"] = json!(JUSTICE);
    let c = sent(&app, &body).await;
    assert_eq!(c["division"]["key"], JUSTICE);

    // A dossier this tenant does not have, or nothing chosen, is refused with every problem.
    let mut body = about_procedure();
    body["about"] = json!("dossier");
    body["dossier"] = json!("000.00.01.H56-260101-9999");
    let r = send(&app, VI, &body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["dossier"]);
    let r = send(&app, EN, &json!({ "kind": "x", "text": "" })).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        ["kind", "about", "name", "phone", "text"],
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Enter your full name"),
        "English: {}",
        r.body
    );
    // Another tenant's dossier is not this tenant's.
    let r = send(&app, HCM, &{
        let mut b = about_procedure();
        b["about"] = json!("dossier");
        b["dossier"] = json!(dossier);
        b
    })
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
}

async fn misdirected_complaints_are_forwarded_within_five_working_days(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let police = Clerk::new(&app, "pakn-cong-an2", &[(Role::Specialist, Some(POLICE))]).await;
    let justice = Clerk::new(
        &app,
        "pakn-tu-phap2",
        &[(Role::DivisionHead, Some(JUSTICE))],
    )
    .await;
    let code = sent_code(&app).await;
    let path = format!("/api/v1/onestop/complaints/{code}");

    // A stale version is refused with the complaint as it stands.
    let r = police
        .post(
            &app,
            &format!("{path}/forward"),
            json!({ "division": JUSTICE, "reason": "x", "expected_version": 0 }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["complaint"]["version"], 1);
    // No reason, an unknown or the same division: refused.
    for (body, error) in [
        (json!({ "division": JUSTICE }), "text_required"),
        (
            json!({ "division": "khong-co", "reason": "x" }),
            "unknown_division",
        ),
        (
            json!({ "division": POLICE, "reason": "x" }),
            "same_division",
        ),
    ] {
        let r = police.post(&app, &format!("{path}/forward"), body).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], error);
    }
    let reason = "Nội dung thuộc thẩm quyền của Sở Tư pháp.";
    let r = police
        .post(
            &app,
            &format!("{path}/forward"),
            json!({ "division": JUSTICE, "reason": reason, "expected_version": 1 }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"]["code"], "forwarded");
    assert_eq!(v["division"]["key"], JUSTICE);
    // The Department of Justice has a forward window of its own, from the forwarding: 5 working
    // days, never shorter than 5 calendar days (even from a Sunday: Monday to Friday).
    let time = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<chrono::DateTime<Utc>>()
            .unwrap()
    };
    let forwarded_at = time(&v["forwards"][0]["at"]);
    assert!(
        time(&v["forward_by"]) >= forwarded_at + chrono::Duration::days(5),
        "{v}"
    );
    assert_eq!(v["forwards"][0]["from"]["key"], POLICE);
    assert_eq!(v["forwards"][0]["reason"], reason);
    // Now it is the Department of Justice's: the police no longer see it.
    let r = police.get(&app, &path).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = justice.get(&app, &path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The sender sees where it went (the divisions, not the officials).
    let r = track(&app, VI, &code, PHONE).await;
    assert_eq!(r.json()["status"]["code"], "forwarded");
    assert_eq!(r.json()["forwards"][0]["to"], "Sở Tư pháp");
    assert!(r.json()["forwards"][0].get("by").is_none());

    // A complaint received four days ago and forwarded now: the window of the division it went
    // to ends after the one it had at the police.
    let recent = receive_at(&app, Utc::now() - chrono::Duration::days(4), POLICE).await;
    let recent_path = format!("/api/v1/onestop/complaints/{}", recent.code);
    let r = police
        .post(
            &app,
            &format!("{recent_path}/forward"),
            json!({ "division": JUSTICE, "reason": reason }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.json();
    let moved_at = time(&after["forwards"][0]["at"]);
    assert!(time(&after["forward_by"]) >= recent.forward_by, "{after}");
    assert!(
        time(&after["forward_by"]) >= moved_at + chrono::Duration::days(5),
        "{after}"
    );
    let r = justice.get(&app, &recent_path).await;
    assert_eq!(r.json()["can"]["forward"], true, "{}", r.body);

    // A complaint received long ago can no longer be forwarded, and says until when it could:
    // received on Friday 24 April 2026 at 10:00, its 5 working days skip Monday 27 April (in
    // lieu of Hùng Kings' day), Thursday 30 April and Friday 1 May, ending on Wednesday 6 May.
    let received = chrono::DateTime::parse_from_rfc3339("2026-04-24T10:00:00+07:00")
        .unwrap()
        .to_utc();
    let old = receive_at(&app, received, JUSTICE).await;
    assert_eq!(
        old.forward_by,
        chrono::DateTime::parse_from_rfc3339("2026-05-06T10:00:00+07:00").unwrap()
    );
    let old_path = format!("/api/v1/onestop/complaints/{}", old.code);
    let r = justice.get(&app, &old_path).await;
    assert_eq!(r.json()["can"]["forward"], false, "{}", r.body);
    assert_eq!(
        r.json()["overdue"],
        true,
        "ten working days have passed: {}",
        r.body
    );
    let r = justice
        .post(
            &app,
            &format!("{old_path}/forward"),
            json!({ "division": POLICE, "reason": "Không thuộc thẩm quyền." }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "forward_too_late");
    assert!(r.body.contains("06/05/2026 10:00"), "{}", r.body);
    // Overdue ones are listed as such.
    let r = justice
        .get(&app, "/api/v1/onestop/complaints?overdue=true")
        .await;
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["code"], old.code.as_str());
}

/// Stores a complaint about division `division`, received at `received`, as the portal's intake
/// would (its due times from the tenant's calendar).
async fn receive_at(
    app: &TestApp,
    received: chrono::DateTime<Utc>,
    division: &str,
) -> stored::Complaint {
    let t = tenant(app, "thanhhoa").await;
    let site = app.state.sites.by_id(t).unwrap();
    stored::receive(
        &app.state.store,
        t,
        NewComplaint {
            kind: "complaint".to_owned(),
            subject_kind: "division".to_owned(),
            subject: division.to_owned(),
            dossier_id: None,
            sender: Sender {
                name: "Lê Thị Cúc".to_owned(),
                phone: Some("0987654321".to_owned()),
                ..Sender::default()
            },
            text: "Phản ánh cũ".to_owned(),
            division: division.to_owned(),
            received_at: received,
            day: site.calendar.local_date(received),
            forward_by: motcua_web::complaints::forward_window(&site.calendar, received),
            answer_by: motcua_web::complaints::ANSWER.due(&site.calendar, received),
            attachments: Vec::new(),
        },
    )
    .await
    .unwrap()
}

/// A multipart body of the complaint form with one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----motcua-pakn-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const FORM: &[(&str, &str)] = &[
    ("kind", "complaint"),
    ("about", "division"),
    ("division", JUSTICE),
    ("name", "Phạm Thu Hà"),
    ("email", "ha@example.vn"),
    ("text", "Bản sao giấy tờ bị thất lạc."),
];

/// The complaint form sent to `path` on the Vietnamese portal as `multipart/form-data`, with
/// the session `cookie` when given.
fn form_request(
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Request<Body> {
    let (content_type, body) = multipart(fields, file);
    let mut req = Request::post(path)
        .header("host", VI)
        .header("content-type", content_type);
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.body(Body::from(body)).unwrap()
}

/// Sends the complaint form anonymously to `path`.
async fn post_form(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    app.send(form_request(path, None, fields, file)).await
}

/// The tracking code of the page a sent form leads to.
fn code_of(location: &str) -> &str {
    location
        .trim_start_matches("/phan-anh-kien-nghi/")
        .trim_end_matches("?sent=1")
}

async fn stored_rows(app: &TestApp) -> (u64, u64, u64) {
    use motcua_store::entity::{attachment_upload, complaint, complaint_attachment};
    let db = app.state.store.platform();
    (
        complaint::Entity::find().count(db).await.unwrap(),
        complaint_attachment::Entity::find()
            .count(db)
            .await
            .unwrap(),
        attachment_upload::Entity::find().count(db).await.unwrap(),
    )
}

async fn files_are_held_to_their_limits_on_the_form_and_the_api(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let t = tenant(&app, "thanhhoa").await;
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(PDF))
    };
    // Too large: 413, and nothing is stored, neither the complaint nor the file; the form comes
    // back with what was typed and why the file was refused.
    let big = [PDF, &vec![b' '; 6 << 20]].concat();
    for path in ["/api/v1/complaints", "/phan-anh-kien-nghi"] {
        let r = post_form(&app, path, FORM, Some(("to.pdf", &big))).await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{path}: {}",
            &r.body[..r.body.len().min(300)]
        );
        assert_eq!(stored_rows(&app).await, (0, 0, 0), "{path}");
    }
    let r = post_form(&app, "/phan-anh-kien-nghi", FORM, Some(("to.pdf", &big))).await;
    for kept in [
        "Phạm Thu Hà",
        "ha@example.vn",
        "Bản sao giấy tờ bị thất lạc.",
    ] {
        assert!(r.body.contains(kept), "{kept} kept: {}", r.body);
    }
    assert!(
        r.body.contains("Tệp “to.pdf”") && r.body.contains("5 MB"),
        "{}",
        r.body
    );
    // A type that is not accepted: 415, nothing stored; the form keeps what was typed.
    for path in ["/api/v1/complaints", "/phan-anh-kien-nghi"] {
        let r = post_form(&app, path, FORM, Some(("a.txt", b"plain text, not a scan"))).await;
        assert_eq!(
            r.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path}: {}",
            r.body
        );
        assert_eq!(stored_rows(&app).await, (0, 0, 0), "{path}");
        if path.starts_with("/phan") {
            assert!(
                r.body.contains("Bản sao giấy tờ bị thất lạc.") && r.body.contains("a.txt"),
                "{}",
                r.body
            );
        }
    }
    // A file within the limits with text that is refused: nothing of it is kept, not even the
    // file's bytes.
    for path in ["/api/v1/complaints", "/phan-anh-kien-nghi"] {
        let r = post_form(&app, path, &FORM[..5], Some(("ban-sao.pdf", PDF))).await;
        assert_eq!(r.status, 422, "{path}: {}", r.body);
        assert_eq!(stored_rows(&app).await, (0, 0, 0), "{path}");
        assert_eq!(
            app.state
                .blobs
                .size(t, &sha.parse().unwrap())
                .await
                .unwrap(),
            None,
            "{path}: the file of a refused complaint is not stored"
        );
    }

    // Within the limits: the file goes with the complaint (no upload is left behind).
    let r = post_form(&app, "/api/v1/complaints", FORM, Some(("ban-sao.pdf", PDF))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["attachments"][0]["file_name"], "ban-sao.pdf");
    assert_eq!(
        r.json()["attachments"][0]["content_type"],
        "application/pdf"
    );
    assert_eq!(stored_rows(&app).await, (1, 1, 0));
    // The attachment sweep keeps a complaint's file.
    motcua_store::attachments::sweep(&app.state.store, &app.state.blobs, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        app.state
            .blobs
            .size(t, &sha.parse().unwrap())
            .await
            .unwrap(),
        Some(PDF.len() as u64),
        "the sweep must keep the complaint's file"
    );
    // The officials of the division it went to open the file; another division may not.
    let code = r.json()["code"].as_str().unwrap().to_owned();
    let justice = Clerk::new(&app, "pakn-tep-tp", &[(Role::Specialist, Some(JUSTICE))]).await;
    let police = Clerk::new(&app, "pakn-tep-ca", &[(Role::Specialist, Some(POLICE))]).await;
    let href = format!("/api/v1/onestop/complaints/{code}/files/{sha}");
    let shown = justice
        .get(&app, &format!("/api/v1/onestop/complaints/{code}"))
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.json()["attachments"][0]["href"], href.as_str());
    let file = justice.get(&app, &href).await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(file.body.as_bytes(), PDF);
    assert!(
        file.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment") && d.contains("ban-sao.pdf"))
    );
    assert_eq!(police.get(&app, &href).await.status, 403);
    let other = format!("/api/v1/onestop/complaints/{code}/files/{}", "0".repeat(64));
    assert_eq!(justice.get(&app, &other).await.status, 404);
    // The public answer never names the file's address.
    assert!(!r.body.contains("/files/"), "{}", r.body);

    // The page: 303 to the tracking page of the new code, which asks for the contact first.
    let r = post_form(&app, "/phan-anh-kien-nghi", FORM, None).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.header("location").unwrap().to_owned();
    assert!(
        to.starts_with("/phan-anh-kien-nghi/PAKN-") && to.ends_with("?sent=1"),
        "{to}"
    );
    let page = app.get(VI, &to).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Đã nhận phản ánh, kiến nghị"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Bản sao giấy tờ"),
        "nothing before the contact"
    );
    let code = code_of(&to);
    // Its contact form sends the code and the contact in the body, to the tracking path (as the
    // form page's does); nothing asks for them in an address.
    assert!(
        page.body
            .contains(r#"method="post" action="/phan-anh-kien-nghi/theo-doi""#)
            && page
                .body
                .contains(&format!(r#"name="code" value="{code}""#)),
        "{}",
        page.body
    );
    let form_page = app.get(VI, "/phan-anh-kien-nghi").await;
    assert!(
        form_page
            .body
            .contains(r#"method="post" action="/phan-anh-kien-nghi/theo-doi""#)
            && !form_page.body.contains(r#"method="get""#),
        "{}",
        form_page.body
    );
    let r = app
        .send(
            Request::post("/phan-anh-kien-nghi/theo-doi")
                .header("host", VI)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "code={}&contact=HA%40example.vn",
                    code.to_lowercase()
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Bản sao giấy tờ bị thất lạc."),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("ha@example.vn"),
        "the contact is not shown"
    );
    // A form with problems comes back with them and what was typed.
    let r = post_form(&app, "/phan-anh-kien-nghi", &FORM[..5], None).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Hãy nhập nội dung phản ánh, kiến nghị."),
        "{}",
        r.body
    );
    assert!(r.body.contains("Phạm Thu Hà"), "kept: {}", r.body);
    // The English path on the Vietnamese host leads to the Vietnamese page.
    let r = app.get(VI, "/feedback/answers").await;
    assert_eq!(r.status, 308, "{}", r.body);
    assert_eq!(r.header("location"), Some("/phan-anh-kien-nghi/tra-loi"));
}

/// A fault the national system shows on its next request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// 503.
    Unavailable,
    /// 400: the message itself is refused.
    Refused,
}

/// The national PAKN system's state: scripted faults and what it accepted, by reference.
#[derive(Debug, Default)]
struct National {
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<Vec<Value>>,
    accepted: Mutex<Vec<(String, Value)>>,
}

/// `POST /pakn`, as the national system answers it: a bearer token, an `error_code`, one
/// record per reference however often it is sent.
async fn receive(
    State(n): State<Arc<National>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    n.requests.lock().unwrap().push(body.clone());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer pakn-token") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error_code": "01", "message": "invalid token" })),
        )
            .into_response();
    }
    match n.faults.lock().unwrap().pop_front() {
        Some(Fault::Unavailable) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "message": "maintenance" })),
            )
                .into_response();
        }
        Some(Fault::Refused) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error_code": "12", "message": "missing content" })),
            )
                .into_response();
        }
        None => {}
    }
    let reference = body["reference"].as_str().unwrap_or_default().to_owned();
    if reference.is_empty() || body["content"].as_str().unwrap_or_default().is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error_code": "12", "message": "missing fields" })),
        )
            .into_response();
    }
    let mut accepted = n.accepted.lock().unwrap();
    let id = match accepted.iter().position(|(r, _)| *r == reference) {
        Some(i) => i + 1,
        None => {
            accepted.push((reference, body));
            accepted.len()
        }
    };
    Json(json!({ "error_code": "00", "id": format!("QG-{id}") })).into_response()
}

async fn national() -> (Arc<National>, String) {
    let n = Arc::new(National::default());
    let router = Router::new()
        .route("/pakn", axum::routing::post(receive))
        .with_state(Arc::clone(&n));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (n, format!("http://{addr}/pakn"))
}

async fn complaints_and_answers_reach_the_national_system(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (national, url) = national().await;
    let policy = Policy {
        lease: Duration::from_secs(60),
        max_attempts: 5,
        backoff: Duration::from_secs(30),
        max_backoff: Duration::from_secs(3600),
    };
    let client = HttpPakn::new(&url, "pakn-token", Duration::from_secs(2)).unwrap();
    let worker = Exchanger::new(Some(Arc::new(client)), policy);
    let code = sent_code(&app).await;

    // The message was written with the complaint.
    let live = jobs::list(&app.state.store, None, Which::Live, 10)
        .await
        .unwrap();
    let job = live
        .iter()
        .find(|j| j.topic == "pakn")
        .expect("a pakn message");
    assert_eq!(job.payload["code"], code.as_str());
    assert_eq!(job.payload["event"], "received");

    // The national system is down: tried again after the backoff, not before.
    national
        .faults
        .lock()
        .unwrap()
        .push_back(Fault::Unavailable);
    let t0 = Utc::now().trunc_subsecs(6);
    let pass = run_pending(&app.state, &worker, t0).await.unwrap();
    assert_eq!((pass.completed, pass.retrying), (0, 1), "{pass:?}");
    let waiting = jobs::get(&app.state.store, job.id).await.unwrap().unwrap();
    assert!(
        waiting.last_error.as_deref().unwrap().contains("503"),
        "{waiting:?}"
    );
    assert!(
        waiting.run_after >= t0 + chrono::Duration::seconds(15),
        "{waiting:?}"
    );
    let pass = run_pending(&app.state, &worker, t0 + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        pass.completed + pass.retrying,
        0,
        "not before the backoff: {pass:?}"
    );
    let later = t0 + chrono::Duration::seconds(3600);
    let pass = run_pending(&app.state, &worker, later).await.unwrap();
    assert_eq!(pass.completed, 1, "{pass:?}");
    let done = jobs::get(&app.state.store, job.id).await.unwrap().unwrap();
    assert_eq!(
        done.outcome.as_deref(),
        Some("sent: national PAKN id QG-1"),
        "{done:?}"
    );
    assert_eq!(national.requests.lock().unwrap().len(), 2);
    {
        let accepted = national.accepted.lock().unwrap();
        let (reference, m) = &accepted[0];
        assert_eq!(reference, &format!("thanhhoa/{code}/received"));
        assert_eq!(m["code"], code.as_str());
        assert_eq!(m["kind"], "phan_anh");
        assert_eq!(m["procedure_code"], RECORDS);
        assert_eq!(m["handling_unit_code"], "000.00.25.H56");
        assert_eq!(m["sender"]["phone"], PHONE);
        assert_eq!(
            m["received_at"].as_str().unwrap().len(),
            14,
            "yyyyMMddHHmmss"
        );
    }

    // The answer is shared too; a refusal of the message itself is dead-lettered at once.
    let police = Clerk::new(&app, "pakn-cong-an3", &[(Role::Specialist, Some(POLICE))]).await;
    answered_privately(&app, &police, &code, "Đã trả phiếu.").await;
    let pass = run_pending(&app.state, &worker, later).await.unwrap();
    assert_eq!(pass.completed, 1, "{pass:?}");
    {
        let accepted = national.accepted.lock().unwrap();
        let (reference, m) = &accepted[1];
        assert_eq!(reference, &format!("thanhhoa/{code}/answered"));
        assert_eq!(m["answer"]["content"], "Đã trả phiếu.");
        assert_eq!(m["answer"]["public"], false);
    }
    let mut body = about_procedure();
    body["text"] = json!("Một phản ánh khác.");
    sent(&app, &body).await;
    national.faults.lock().unwrap().push_back(Fault::Refused);
    let pass = run_pending(&app.state, &worker, later).await.unwrap();
    assert_eq!(pass.dead, 1, "{pass:?}");
    let dead = jobs::list(&app.state.store, None, Which::Dead, 10)
        .await
        .unwrap();
    assert!(
        dead[0].last_error.as_deref().unwrap().contains("400"),
        "{dead:?}"
    );

    // Without the national system configured, messages are recorded as not sent.
    sent(&app, &about_procedure()).await;
    let unconfigured = Exchanger::new(None, policy);
    let pass = run_pending(&app.state, &unconfigured, later).await.unwrap();
    assert_eq!(pass.completed, 1, "{pass:?}");
    let not_sent = jobs::list(&app.state.store, None, Which::NotSent, 10)
        .await
        .unwrap();
    assert!(not_sent.iter().any(|j| j.topic == "pakn"), "{not_sent:?}");
}

async fn officials_forward_and_answer_on_the_staff_pages(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let police = Clerk::new(&app, "pakn-cong-an4", &[(Role::Specialist, Some(POLICE))]).await;
    let justice = Clerk::new(&app, "pakn-tu-phap4", &[(Role::Specialist, Some(JUSTICE))]).await;
    let code = sent_code(&app).await;
    let list = police.get(&app, "/phan-anh").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains(&code), "{}", list.body);
    let page = justice.get(&app, &format!("/phan-anh/{code}")).await;
    assert_eq!(page.status, 403, "{}", page.body);
    // A stale form is refused with the complaint as it stands and what was typed kept.
    let r = staff_act(
        &app,
        &police,
        &code,
        &[
            ("expected_version", "7"),
            ("type", "answer"),
            ("text", "Trả lời cũ"),
        ],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("Trả lời cũ"), "{}", r.body);
    let r = staff_act(
        &app,
        &police,
        &code,
        &[
            ("expected_version", "1"),
            ("type", "forward"),
            ("division", JUSTICE),
            ("reason", "Thuộc thẩm quyền Sở Tư pháp."),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/phan-anh/{code}?ok=forward").as_str())
    );
    let r = staff_act(
        &app,
        &justice,
        &code,
        &[
            ("expected_version", "2"),
            ("type", "answer"),
            ("text", "Sở Tư pháp trả lời."),
            ("publish", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = justice
        .get(&app, &format!("/phan-anh/{code}?ok=answer"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Đã ghi nhận nội dung trả lời"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Sở Tư pháp trả lời.") && page.body.contains("đã công khai"));
}

/// `clerk` answers complaint `code` with `text` through the API, without publishing it.
async fn answered_privately(app: &TestApp, clerk: &Clerk, code: &str, text: &str) {
    let path = format!("/api/v1/onestop/complaints/{code}/answer");
    let r = clerk
        .post(app, &path, json!({ "text": text, "publish": false }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Sends the action form of complaint `code`'s staff page as `clerk`, its CSRF token first.
async fn staff_act(app: &TestApp, clerk: &Clerk, code: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf", clerk.csrf.as_str())];
    all.extend_from_slice(fields);
    let action = format!("/phan-anh/{code}/thao-tac");
    crate::officials::form(app, STAFF, &action, Some(&clerk.cookie), &all).await
}

/// A citizen signed in on Thanh Hóa's Vietnamese portal: cookie and CSRF token.
async fn citizen(app: &TestApp) -> (String, String) {
    citizen_as(
        app,
        motcua_core::lang::Lang::Vi,
        "cd-pakn-1",
        "038095009999",
    )
    .await
}

/// Citizen `subject` (identity number `number`) signed in on Thanh Hóa's portal in `lang`:
/// cookie and CSRF token.
async fn citizen_as(
    app: &TestApp,
    lang: motcua_core::lang::Lang,
    subject: &str,
    number: &str,
) -> (String, String) {
    app.citizen_session("thanhhoa", lang, subject, "Đỗ Minh Khoa", number)
        .await
}

async fn signed_in_citizens_send_with_their_session_and_codes_never_repeat(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (cookie, csrf) = citizen(&app).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form_request("/phan-anh-kien-nghi", Some(&cookie), &fields, None)
    };
    let fields = |csrf: Option<&str>| {
        let mut f: Vec<(&'static str, String)> = csrf
            .map(|c| vec![("csrf", c.to_owned())])
            .unwrap_or_default();
        f.extend([
            ("kind", "suggestion".to_owned()),
            ("about", "procedure".to_owned()),
            ("procedure", RECORDS.to_owned()),
            ("phone", "0987 000 111".to_owned()),
            ("text", "Đề nghị cho nhận kết quả qua bưu điện.".to_owned()),
        ]);
        f
    };
    // With the session's cookie, the form must carry its CSRF token (first).
    let r = app.send(post(fields(None))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("mã bảo vệ"), "{}", r.body);
    let r = app.send(post(fields(Some("not-the-token")))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = app.send(post(fields(Some(&csrf)))).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.header("location").unwrap().to_owned();
    // The citizen who sent it sees it at once (the name taken from the sign-in); anyone else is
    // asked for the contact.
    let page = crate::officials::api(&app, "GET", VI, &to, Some(&cookie), None, Value::Null).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Đề nghị cho nhận kết quả qua bưu điện."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("0987"), "{}", page.body);
    let page = app.get(VI, &to).await;
    assert!(
        !page.body.contains("Đề nghị cho nhận kết quả"),
        "{}",
        page.body
    );
    let code = code_of(&to);
    let police = Clerk::new(&app, "pakn-cong-an5", &[(Role::Specialist, Some(POLICE))]).await;
    let v = police
        .get(&app, &format!("/api/v1/onestop/complaints/{code}"))
        .await
        .json();
    assert_eq!(v["sender"]["name"], "Đỗ Minh Khoa");
    assert_eq!(v["sender"]["signed_in"], true);

    // Sent at the same time, complaints get codes of their own, one after the other.
    let body = about_procedure();
    let sends = (0..6).map(|_| send(&app, VI, &body));
    let replies = futures_util::future::join_all(sends).await;
    let mut codes: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["code"].as_str().unwrap().to_owned()
        })
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 6, "{codes:?}");
    let last: Vec<u32> = codes
        .iter()
        .map(|c| c.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(last, [2, 3, 4, 5, 6, 7], "{codes:?}");
}

/// Sends a complaint on the Vietnamese form as the citizen of `cookie` and `csrf`: its code.
pub(super) async fn send_signed_in(app: &TestApp, cookie: &str, csrf: &str, text: &str) -> String {
    let fields = [
        ("csrf", csrf),
        ("kind", "complaint"),
        ("about", "procedure"),
        ("procedure", RECORDS),
        ("phone", "0987 000 222"),
        ("text", text),
    ];
    let r = app
        .send(form_request(
            "/phan-anh-kien-nghi",
            Some(cookie),
            &fields,
            None,
        ))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    code_of(r.header("location").unwrap()).to_owned()
}

async fn signed_in_citizens_find_their_complaints_on_my_dossiers(backend: Backend) {
    use motcua_core::lang::Lang;
    let app = crate::officials::app(backend).await;
    let (cookie, csrf) = citizen(&app).await;
    let (other_cookie, other_csrf) = citizen_as(&app, Lang::Vi, "cd-pakn-2", "038095008888").await;
    let mine = send_signed_in(&app, &cookie, &csrf, "Chậm trả phiếu lý lịch tư pháp.").await;
    let theirs = send_signed_in(&app, &other_cookie, &other_csrf, "Phản ánh của người khác.").await;
    let anonymous = sent_code(&app).await;
    let get = |host: &'static str, path: String, cookie: Option<String>| {
        let app = &app;
        async move {
            crate::officials::api(
                app,
                "GET",
                host,
                &path,
                cookie.as_deref(),
                None,
                Value::Null,
            )
            .await
        }
    };

    // "My dossiers" lists the citizen's own complaint, with its code leading to its tracking
    // page, what it is about, where it stands and its answer's due time; no one else's.
    let page = get(VI, "/ho-so-cua-toi".to_owned(), Some(cookie.clone())).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Phản ánh, kiến nghị của tôi")
            && page
                .body
                .contains(&format!(r#"href="/phan-anh-kien-nghi/{mine}""#))
            && page.body.contains(RECORDS)
            && page.body.contains("Đã tiếp nhận, đang xử lý")
            && page.body.contains("Hạn trả lời"),
        "{}",
        page.body
    );
    for other in [&theirs, &anonymous] {
        assert!(
            !page.body.contains(other.as_str()),
            "{other}: {}",
            page.body
        );
    }
    // Its tracking page shows it to them without the contact; the API too; to no one else.
    let track = get(
        VI,
        format!("/phan-anh-kien-nghi/{mine}"),
        Some(cookie.clone()),
    )
    .await;
    assert!(
        track.body.contains("Chậm trả phiếu lý lịch tư pháp."),
        "{}",
        track.body
    );
    let r = get(
        VI,
        format!("/api/v1/complaints/{mine}"),
        Some(cookie.clone()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["code"], mine.as_str());
    for (path, who) in [
        (
            format!("/api/v1/complaints/{mine}"),
            Some(other_cookie.clone()),
        ),
        (format!("/api/v1/complaints/{mine}"), None),
        (
            format!("/api/v1/complaints/{anonymous}"),
            Some(cookie.clone()),
        ),
    ] {
        let r = get(VI, path.clone(), who).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
    }
    let track = get(
        VI,
        format!("/phan-anh-kien-nghi/{mine}"),
        Some(other_cookie.clone()),
    )
    .await;
    assert!(
        !track.body.contains("Chậm trả phiếu lý lịch tư pháp."),
        "{}",
        track.body
    );

    // Answered, the list shows the answer; in English on the English host.
    let police = Clerk::new(&app, "pakn-cong-an6", &[(Role::Specialist, Some(POLICE))]).await;
    answered_privately(&app, &police, &mine, "Phiếu đã được gửi qua bưu điện.").await;
    let page = get(VI, "/ho-so-cua-toi".to_owned(), Some(cookie.clone())).await;
    assert!(
        page.body.contains("Đã trả lời") && page.body.contains("Phiếu đã được gửi qua bưu điện."),
        "{}",
        page.body
    );
    let (en_cookie, _) = citizen_as(&app, Lang::En, "cd-pakn-1", "038095009999").await;
    let page = get(EN, "/my-dossiers".to_owned(), Some(en_cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("My complaints and suggestions")
            && page.body.contains(&format!(r#"href="/feedback/{mine}""#))
            && page.body.contains("Answered")
            && !page.body.contains(theirs.as_str()),
        "{}",
        page.body
    );
}

async fn officials_close_complaints_who_may_answer_them(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let police = Clerk::new(&app, "pakn-cong-an7", &[(Role::Specialist, Some(POLICE))]).await;
    let justice = Clerk::new(&app, "pakn-tu-phap7", &[(Role::Specialist, Some(JUSTICE))]).await;
    let receiver = Clerk::new(&app, "pakn-mot-cua7", &[(Role::Receiver, Some(DESK))]).await;
    let code = sent_code(&app).await;
    let path = format!("/api/v1/onestop/complaints/{code}");
    let r = police.get(&app, &path).await;
    assert_eq!(r.json()["can"]["close"], true, "{}", r.body);
    assert_eq!(r.json()["closed"], Value::Null, "{}", r.body);
    // Only who may answer it may close it.
    for who in [&justice, &receiver] {
        let r = who.post(&app, &format!("{path}/close"), json!({})).await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    // A stale version is refused; then the police close it (without a body too), and who and
    // when are recorded.
    let r = police
        .post(
            &app,
            &format!("{path}/close"),
            json!({ "expected_version": 0 }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = police
        .post(&app, &format!("{path}/close"), Value::Null)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"]["code"], "closed");
    assert_eq!(v["closed"]["by"], "Cán bộ pakn-cong-an7");
    assert!(v["closed"]["at"].is_string(), "{v}");
    assert_eq!(v["can"]["answer"], false);
    assert_eq!(v["can"]["close"], false);
    // A closed complaint is answered, forwarded or closed no more.
    for (action, body) in [
        ("answer", json!({ "text": "Muộn.", "publish": false })),
        ("forward", json!({ "division": JUSTICE, "reason": "x" })),
        ("close", json!({})),
    ] {
        let r = police.post(&app, &format!("{path}/{action}"), body).await;
        assert_eq!(r.status, 409, "{action}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "already_closed", "{action}");
    }
    let r = crate::officials::api(
        &app,
        "POST",
        EN,
        "/api/v1/complaints/track",
        None,
        None,
        json!({ "code": code, "contact": PHONE }),
    )
    .await;
    assert_eq!(r.json()["status"]["label"], "Closed", "{}", r.body);
    assert!(r.json()["closed_at"].is_string(), "{}", r.body);
    // Listed as closed.
    let r = police
        .get(&app, "/api/v1/onestop/complaints?status=closed")
        .await;
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");

    // On the staff page: an answered complaint is closed with the button.
    let code = sent_code(&app).await;
    answered_privately(&app, &police, &code, "Đã trả phiếu.").await;
    let page = police.get(&app, &format!("/phan-anh/{code}")).await;
    assert!(
        page.body.contains(r#"name="type" value="close""#)
            && !page.body.contains(r#"name="type" value="answer""#),
        "{}",
        page.body
    );
    let r = staff_act(
        &app,
        &police,
        &code,
        &[("expected_version", "2"), ("type", "close")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/phan-anh/{code}?ok=close").as_str())
    );
    let page = police
        .get(&app, &format!("/phan-anh/{code}?ok=close"))
        .await;
    assert!(
        page.body.contains("Đã kết thúc xử lý phản ánh, kiến nghị.")
            && page.body.contains("Cán bộ pakn-cong-an7")
            && !page.body.contains(r#"name="type" value="close""#),
        "{}",
        page.body
    );
    // Closing it again from a page still open elsewhere: refused, said on the page.
    let r = staff_act(
        &app,
        &police,
        &code,
        &[("expected_version", "3"), ("type", "close")],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("đã kết thúc xử lý"), "{}", r.body);
}

async fn the_day_counter_grows_past_9999(backend: Backend) {
    use motcua_store::entity::code_counter;
    use sea_orm::ActiveValue::Set;
    let app = crate::officials::app(backend).await;
    let t = tenant(&app, "thanhhoa").await;
    let day = today(&app).await;
    // 9,999 complaints were received today.
    code_counter::Entity::insert(code_counter::ActiveModel {
        tenant_id: Set(t.0),
        unit_code: Set("PAKN".to_owned()),
        day: Set(day),
        last_seq: Set(9999),
    })
    .exec_without_returning(app.state.store.platform())
    .await
    .unwrap();
    let c = sent(&app, &about_procedure()).await;
    let code = c["code"].as_str().unwrap().to_owned();
    assert_eq!(code, format!("PAKN-{}-10000", day.format("%y%m%d")), "{c}");
    let next = sent(&app, &about_procedure()).await;
    assert_eq!(
        next["code"].as_str().unwrap(),
        format!("PAKN-{}-10001", day.format("%y%m%d"))
    );
    // The longer code is followed and handled like any other.
    let r = track(&app, VI, &code.to_lowercase(), PHONE).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["code"], code.as_str());
    let police = Clerk::new(&app, "pakn-cong-an8", &[(Role::Specialist, Some(POLICE))]).await;
    let r = police
        .get(&app, &format!("/api/v1/onestop/complaints/{code}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = police.get(&app, &format!("/phan-anh/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

backend_tests!(
    signed_in_citizens_find_their_complaints_on_my_dossiers,
    officials_close_complaints_who_may_answer_them,
    the_day_counter_grows_past_9999,
    signed_in_citizens_send_with_their_session_and_codes_never_repeat,
    officials_forward_and_answer_on_the_staff_pages,
    complaints_are_tracked_with_their_contact_and_answered_by_their_division,
    complaints_are_routed_by_what_they_are_about,
    misdirected_complaints_are_forwarded_within_five_working_days,
    files_are_held_to_their_limits_on_the_form_and_the_api,
    complaints_and_answers_reach_the_national_system,
);
