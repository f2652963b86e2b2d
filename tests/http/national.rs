//! Dossiers forwarded by the national public service portal through HTTP: every demo procedure
//! lands at its first step with the channel `national_portal`; a forward repeated, or sent twice
//! at once, gives one dossier; each refusal has its national error code and stores nothing; every
//! message is logged with the sha256 of its payload; the inbox and the ledger show the channel.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_authz::Role;
use motcua_core::dossier::Channel;
use motcua_store::attachments::{self, DocumentKind};
use motcua_store::dossiers::{self, Dossier};
use motcua_store::{TenantId, national};
use motcua_tests::{Backend, Reply, TestApp, backend_tests, demo_bundle, demo_form};
use motcua_workflow::schema::StepKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Digest;

use crate::officials::tenant;
use crate::onestop::{Clerk, DESK, POLICE, RECORDS};

const PATH: &str = "/api/v1/integration/national-portal/dossiers";
const THANHHOA: &str = "dichvucong.thanhhoa.localhost";
const PORTAL: &str = "mc_national0123456789abcdef0123456789abcdef01";
const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn host_of(slug: &str) -> String {
    let manifest = demo_bundle(slug).manifest;
    format!("dichvucong.{}.localhost", manifest.domains.name)
}

fn post(host: &str, path: &str, bearer: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut r = Request::post(path)
        .header("host", host)
        .header("content-type", "application/json");
    if let Some(t) = bearer {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    r.body(Body::from(body)).unwrap()
}

async fn forward(app: &TestApp, host: &str, token: Option<&str>, body: &Value) -> Reply {
    app.send(post(host, PATH, token, body.to_string().into_bytes()))
        .await
}

/// Uploads a PDF with `token` for `procedure`; its id.
async fn upload(app: &TestApp, host: &str, token: &str, procedure: &str) -> String {
    let r = app
        .send(
            Request::post(format!(
                "/api/v1/uploads?procedure={procedure}&name=to-khai.pdf"
            ))
            .header("host", host)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(PDF))
            .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// A forward of `procedure` of `slug` as the national portal sends it.
fn push(slug: &str, national_code: &str, procedure: &str, files: &[(&str, &str)]) -> Value {
    json!({
        "MaHoSo": national_code,
        "MaTTHC": procedure,
        "TenTTHC": "(tên thủ tục tại Cổng DVC quốc gia)",
        "KenhThucHien": "2",
        "ChuHoSo": "Nguyễn Thị Mai",
        "SoGiayToChuHoSo": "038095001234",
        "LoaiDoiTuong": "1",
        "SoDienThoai": "0912345678",
        "DiaChi": "Phường Hạc Thành, Thanh Hóa",
        "TrichYeuHoSo": "Hồ sơ chuyển từ Cổng Dịch vụ công quốc gia",
        "NgayNopHoSo": "20260310083000",
        "TrangThaiHoSo": "1",
        "ThanhToanTrucTuyen": "0",
        "DuLieuToKhai": demo_form(slug, procedure),
        "TaiLieuNop": files.iter().map(|(id, doc)| json!({ "TepDinhKemId": id, "MaThanhPhanHoSo": doc, "TenTepDinhKem": "to-khai.pdf" })).collect::<Vec<_>>(),
        "DanhSachLePhi": [],
    })
}

async fn find(app: &TestApp, t: TenantId, code: &str) -> Dossier {
    dossiers::find(&app.db.store, t, &code.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
}

async fn dossier_count(app: &TestApp) -> usize {
    motcua_store::entity::dossier::Entity::find()
        .all(app.db.store.platform())
        .await
        .unwrap()
        .len()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

async fn every_demo_procedure_lands_at_its_first_step(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut forwarded = 0;
    for (n, site) in app.state.sites.all().iter().enumerate() {
        let slug = site.manifest.slug.to_string();
        let host = host_of(&slug);
        let token = format!("mc_portal{n}0123456789abcdef0123456789abcdef01");
        app.api_token(&slug, &token, &["national-portal"]).await;
        let bundle = demo_bundle(&slug);
        for (i, source) in bundle.procedures.iter().enumerate() {
            let code = source.info.code.to_string();
            let live = site.procedure(&code).expect("the procedure is published");
            let first_case = &source.info.cases[0];
            let document = first_case.documents[0].code.to_string();
            let id = upload(&app, &host, &token, &code).await;
            // The portal names procedures by their national or their local code.
            let named = if i % 2 == 0 {
                format!("{code}.{}", site.manifest.default_desk().code)
            } else {
                code.clone()
            };
            let national_code = format!("G22.99-{slug}-{i:04}");
            let mut body = push(&slug, &national_code, &code, &[(&id, &document)]);
            body["MaTTHC"] = json!(named);
            let r = forward(&app, &host, Some(&token), &body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{slug} {code}: {}", r.body);
            let reply = r.json();
            assert_eq!(reply["error_code"], "00", "{}", r.body);
            assert_eq!(reply["data"]["MaHoSo"], national_code.as_str());
            let local = reply["data"]["MaHoSoDiaPhuong"]
                .as_str()
                .unwrap()
                .to_owned();

            let d = find(&app, site.id, &local).await;
            assert_eq!(d.channel, Channel::NationalPortal, "{code}");
            assert_eq!(d.procedure_code, code);
            assert_eq!(d.applicant.name, "Nguyễn Thị Mai");
            assert_eq!(
                reply["data"]["TrangThaiHoSo"],
                d.status.national_code().to_string()
            );
            // In the inbox at the workflow's first step; a decision at the start (the
            // registration of security interests) sends online dossiers, forwarded ones
            // included, along its first route.
            let def = &live.procedure.definition;
            let start = &def.steps[def.start];
            let first = match start.kind {
                StepKind::Decision => &def.steps[start.routes[0].1].key,
                _ => &start.key,
            };
            let tasks = motcua_store::entity::dossier_task::Entity::find()
                .filter(motcua_store::entity::dossier_task::Column::DossierId.eq(d.id))
                .all(app.db.store.platform())
                .await
                .unwrap();
            assert!(
                !tasks.is_empty() && tasks.iter().all(|t| &t.step == first),
                "{code}: {tasks:?}"
            );
            assert!(tasks.iter().all(|t| t.channel == "national_portal"));
            // The file came with it, as the document it was declared to be.
            let documents = attachments::documents(&app.db.store, site.id, d.id)
                .await
                .unwrap();
            assert_eq!(documents.len(), 1, "{code}");
            assert_eq!(documents[0].kind, DocumentKind::Required(document));
            assert_eq!(
                national::find_forwarded(&app.db.store, site.id, &national_code)
                    .await
                    .unwrap()
                    .map(|f| f.id),
                Some(d.id)
            );
            forwarded += 1;
        }
    }
    assert_eq!(forwarded, 9, "every demo procedure of every demo tenant");
}

async fn repeated_and_concurrent_forwards_give_one_dossier(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.api_token("thanhhoa", PORTAL, &["national-portal"])
        .await;
    let t = tenant(&app, "thanhhoa").await;
    let id = upload(&app, THANHHOA, PORTAL, RECORDS).await;
    let body = push("thanhhoa", "G22.99-260310-0001", RECORDS, &[(&id, "TK")]);

    let first = forward(&app, THANHHOA, Some(PORTAL), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.header("idempotent-replayed"), Some("false"));
    let again = forward(&app, THANHHOA, Some(PORTAL), &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["error_code"], "00");
    assert_eq!(again.json()["code"], "replayed");
    assert_eq!(
        again.json()["data"]["MaHoSoDiaPhuong"],
        first.json()["data"]["MaHoSoDiaPhuong"]
    );
    assert_eq!(dossier_count(&app).await, 1);

    // Two forwards of another dossier at once, each with its own file: one dossier, and the
    // loser's file is not attached to it (it stays an upload until it expires).
    let a = upload(&app, THANHHOA, PORTAL, RECORDS).await;
    let b = upload(&app, THANHHOA, PORTAL, RECORDS).await;
    let one = push("thanhhoa", "G22.99-260310-0002", RECORDS, &[(&a, "TK")]);
    let two = push("thanhhoa", "G22.99-260310-0002", RECORDS, &[(&b, "TK")]);
    let (r1, r2) = tokio::join!(
        forward(&app, THANHHOA, Some(PORTAL), &one),
        forward(&app, THANHHOA, Some(PORTAL), &two)
    );
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CREATED],
        "{} / {}",
        r1.body,
        r2.body
    );
    let local = r1.json()["data"]["MaHoSoDiaPhuong"].clone();
    assert_eq!(local, r2.json()["data"]["MaHoSoDiaPhuong"]);
    assert_eq!(dossier_count(&app).await, 2);
    let d = find(&app, t, local.as_str().unwrap()).await;
    assert_eq!(
        attachments::documents(&app.db.store, t, d.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut left = 0;
    for u in [&a, &b] {
        if attachments::upload(&app.db.store, t, &u.parse().unwrap())
            .await
            .unwrap()
            .is_some()
        {
            left += 1;
        }
    }
    assert_eq!(left, 1, "the winner's file was attached, the loser's kept");

    // The same national code for another procedure is a conflict, and creates nothing.
    let mut other = push("thanhhoa", "G22.99-260310-0001", "2.000720", &[]);
    other["LoaiDoiTuong"] = json!("1");
    let r = forward(&app, THANHHOA, Some(PORTAL), &other).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["error_code"], "09");
    assert_eq!(dossier_count(&app).await, 2);
}

/// Sends `body` and checks the answer's status and national error code; the reply.
async fn refused(
    app: &TestApp,
    token: Option<&str>,
    body: Vec<u8>,
    status: StatusCode,
    error_code: &str,
) -> Value {
    let r = app.send(post(THANHHOA, PATH, token, body)).await;
    assert_eq!(r.status, status, "{}", r.body);
    let reply = r.json();
    assert_eq!(reply["error_code"], error_code, "{}", r.body);
    assert!(
        !reply["message"].as_str().unwrap_or_default().is_empty(),
        "{}",
        r.body
    );
    reply
}

async fn refusals_have_their_national_codes_and_store_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.api_token("thanhhoa", PORTAL, &["national-portal"])
        .await;
    let viewer = "mc_viewer0123456789abcdef0123456789abcdef0123";
    app.api_token("thanhhoa", viewer, &["dossier:view", "procedure:view"])
        .await;
    let hcm = "mc_hcmportal23456789abcdef0123456789abcdef01";
    app.api_token("hochiminhcity", hcm, &["national-portal"])
        .await;
    let t = tenant(&app, "thanhhoa").await;
    let id = upload(&app, THANHHOA, PORTAL, RECORDS).await;
    let code = "G22.99-260310-0042";
    let good = push("thanhhoa", code, RECORDS, &[(&id, "TK")]);
    let bytes = |v: &Value| v.to_string().into_bytes();

    // Who is asking.
    let r = refused(&app, None, bytes(&good), StatusCode::UNAUTHORIZED, "01").await;
    assert!(
        r["message"].as_str().unwrap().contains("mã truy cập"),
        "{r}"
    );
    let wrong = "mc_wrong0123456789abcdef0123456789abcdef01234";
    let r = refused(
        &app,
        Some(wrong),
        bytes(&good),
        StatusCode::UNAUTHORIZED,
        "01",
    )
    .await;
    assert_eq!(r["code"], "invalid_token");
    refused(
        &app,
        Some(hcm),
        bytes(&good),
        StatusCode::UNAUTHORIZED,
        "01",
    )
    .await;
    let r = refused(
        &app,
        Some(viewer),
        bytes(&good),
        StatusCode::FORBIDDEN,
        "02",
    )
    .await;
    assert!(
        r["message"].as_str().unwrap().contains("national-portal"),
        "{r}"
    );

    // What is sent.
    refused(
        &app,
        Some(PORTAL),
        b"{not json".to_vec(),
        StatusCode::BAD_REQUEST,
        "03",
    )
    .await;
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("ChuHoSo");
    let r = refused(
        &app,
        Some(PORTAL),
        bytes(&missing),
        StatusCode::BAD_REQUEST,
        "03",
    )
    .await;
    assert!(r["message"].as_str().unwrap().contains("ChuHoSo"), "{r}");
    let mut bad_date = good.clone();
    bad_date["NgayNopHoSo"] = json!("10/03/2026 08:30");
    let r = refused(
        &app,
        Some(PORTAL),
        bytes(&bad_date),
        StatusCode::UNPROCESSABLE_ENTITY,
        "04",
    )
    .await;
    assert!(
        r["message"].as_str().unwrap().contains("yyyyMMddHHmmss"),
        "{r}"
    );
    let mut unknown = good.clone();
    unknown["MaTTHC"] = json!("9.999999");
    let r = refused(
        &app,
        Some(PORTAL),
        bytes(&unknown),
        StatusCode::UNPROCESSABLE_ENTITY,
        "05",
    )
    .await;
    assert_eq!(r["message"], "Không có thủ tục mã 9.999999.");
    let mut elsewhere = good.clone();
    elsewhere["MaTTHC"] = json!(format!("{RECORDS}.000.00.00.H29"));
    refused(
        &app,
        Some(PORTAL),
        bytes(&elsewhere),
        StatusCode::UNPROCESSABLE_ENTITY,
        "05",
    )
    .await;
    let mut empty_form = good.clone();
    empty_form["DuLieuToKhai"] = json!({});
    let r = refused(
        &app,
        Some(PORTAL),
        bytes(&empty_form),
        StatusCode::UNPROCESSABLE_ENTITY,
        "07",
    )
    .await;
    assert!(!r["fields"].as_array().unwrap().is_empty(), "{r}");
    let mut not_a_document = good.clone();
    not_a_document["TaiLieuNop"][0]["MaThanhPhanHoSo"] = json!("KHONG-CO");
    refused(
        &app,
        Some(PORTAL),
        bytes(&not_a_document),
        StatusCode::UNPROCESSABLE_ENTITY,
        "08",
    )
    .await;
    let mut no_upload = good.clone();
    no_upload["TaiLieuNop"][0]["TepDinhKemId"] = json!("up_0123456789abcdefghijkl");
    refused(
        &app,
        Some(PORTAL),
        bytes(&no_upload),
        StatusCode::UNPROCESSABLE_ENTITY,
        "08",
    )
    .await;
    // An upload made for another procedure, or by someone else, is not this forward's.
    let business = upload(&app, THANHHOA, PORTAL, "2.000720").await;
    let mut other_procedure = good.clone();
    other_procedure["TaiLieuNop"][0]["TepDinhKemId"] = json!(business);
    refused(
        &app,
        Some(PORTAL),
        bytes(&other_procedure),
        StatusCode::UNPROCESSABLE_ENTITY,
        "08",
    )
    .await;

    // Nothing was stored, the upload is still there, and each refused message that named the
    // dossier is in the log (the unauthenticated ones are not: nobody vouches for them).
    assert_eq!(dossier_count(&app).await, 0);
    assert!(
        attachments::upload(&app.db.store, t, &id.parse().unwrap())
            .await
            .unwrap()
            .is_some()
    );
    let log = national::exchanges_naming(&app.db.store, t, code)
        .await
        .unwrap();
    let codes: Vec<&str> = log.iter().map(|e| e.entry.error_code.as_str()).collect();
    assert_eq!(codes, ["03", "04", "05", "05", "07", "08", "08", "08"]);
    assert!(log.iter().all(|e| e.entry.dossier_id.is_none()));
    assert_eq!(log[2].entry.payload_sha256, sha256(&bytes(&unknown)));

    // Corrected, the same forward with the same file is received.
    let r = forward(&app, THANHHOA, Some(PORTAL), &good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = find(
        &app,
        t,
        r.json()["data"]["MaHoSoDiaPhuong"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        attachments::documents(&app.db.store, t, d.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn the_exchange_log_holds_each_message_with_its_hash(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.api_token("thanhhoa", PORTAL, &["national-portal"])
        .await;
    let body = push("thanhhoa", "G22.99-260310-0100", RECORDS, &[]);
    let sent = body.to_string().into_bytes();
    let first = app
        .send(post(THANHHOA, PATH, Some(PORTAL), sent.clone()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // The repeat is another message, byte for byte different.
    let mut again = body.clone();
    again["TrichYeuHoSo"] = json!("Gửi lại");
    let resent = again.to_string().into_bytes();
    let second = app
        .send(post(THANHHOA, PATH, Some(PORTAL), resent.clone()))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let local = first.json()["data"]["MaHoSoDiaPhuong"]
        .as_str()
        .unwrap()
        .to_owned();

    let desk = Clerk::new(&app, "tiepnhan", &[(Role::Receiver, Some(DESK))]).await;
    let r = desk
        .get(&app, &format!("/api/v1/onestop/dossiers/{local}/exchange"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let log = r.json();
    assert_eq!(log["national_code"], "G22.99-260310-0100");
    assert_eq!(log["channel"], "national_portal");
    let entries = log["exchanges"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    for (entry, (bytes, outcome)) in entries
        .iter()
        .zip([(&sent, "created"), (&resent, "replayed")])
    {
        assert_eq!(entry["direction"], "in");
        assert_eq!(entry["error_code"], "00");
        assert_eq!(entry["outcome"], outcome);
        assert_eq!(entry["payload_sha256"], sha256(bytes));
        assert_eq!(entry["payload"], String::from_utf8_lossy(bytes).as_ref());
        assert!(entry["caller"].as_str().unwrap().starts_with("token:"));
    }

    // The forward is in the dossier's history, as received from the portal.
    let view = desk.dossier(&app, &local).await;
    assert!(view.body.contains("forwarded"), "{}", view.body);

    // Someone who may not view the dossier cannot read its log either.
    let police = Clerk::new(&app, "congan", &[(Role::Specialist, Some(POLICE))]).await;
    let stranger = Clerk::new(&app, "khach", &[]).await;
    let r = stranger
        .get(&app, &format!("/api/v1/onestop/dossiers/{local}/exchange"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = police
        .get(
            &app,
            "/api/v1/onestop/dossiers/000.00.01.H56-260101-9999/exchange",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

async fn the_inbox_and_the_ledger_show_the_national_channel(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.api_token("thanhhoa", PORTAL, &["national-portal"])
        .await;
    let r = forward(
        &app,
        THANHHOA,
        Some(PORTAL),
        &push("thanhhoa", "G22.99-260310-0200", RECORDS, &[]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let local = r.json()["data"]["MaHoSoDiaPhuong"]
        .as_str()
        .unwrap()
        .to_owned();
    let desk = Clerk::new(&app, "tiepnhan", &[(Role::Receiver, Some(DESK))]).await;

    let codes_in = |r: &Reply| -> Vec<(String, String)> {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["rows"]
            .as_array()
            .expect("the inbox's rows")
            .iter()
            .map(|i| {
                (
                    i["code"].as_str().unwrap_or_default().to_owned(),
                    i["channel"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let national = codes_in(
        &desk
            .get(&app, "/api/v1/onestop/inbox?channel=national_portal")
            .await,
    );
    assert_eq!(national, [(local.clone(), "national_portal".to_owned())]);
    let online = codes_in(&desk.get(&app, "/api/v1/onestop/inbox?channel=online").await);
    assert!(online.is_empty(), "{online:?}");

    let ledger = desk.get(&app, "/so-theo-doi").await;
    assert_eq!(ledger.status, StatusCode::OK, "{}", ledger.body);
    let ledger = ledger.body.replace("<wbr>", "");
    let row = ledger
        .split("<tr>")
        .find(|r| r.contains(&local))
        .unwrap_or_else(|| panic!("the ledger has no row for {local}"));
    assert!(
        row.contains("Cổng Dịch vụ công quốc gia"),
        "the ledger names the channel: {row}"
    );
}

async fn administrators_issue_the_portal_token(backend: Backend) {
    let app = TestApp::new(backend).await;
    crate::officials::administrator(&app, "quantri").await;
    let (cookie, csrf) =
        crate::officials::sign_in(&app, THANHHOA, "quantri", crate::officials::PASSWORD).await;
    let create = |scopes: Value| {
        crate::officials::api(
            &app,
            "POST",
            THANHHOA,
            "/api/v1/admin/tokens",
            Some(&cookie),
            Some(&csrf),
            json!({ "name": "Cổng Dịch vụ công quốc gia", "scopes": scopes }),
        )
    };
    let r = create(json!(["national-portal"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["scopes"], json!(["national-portal"]));
    let r = create(json!(["national-portals"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("national-portal"), "{}", r.body);

    // The token forwards dossiers, and does nothing else.
    let r = forward(
        &app,
        THANHHOA,
        Some(&secret),
        &push("thanhhoa", "G22.99-260310-0300", RECORDS, &[]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .send(
            Request::get("/api/v1/admin/tokens")
                .header("host", THANHHOA)
                .header("authorization", format!("Bearer {secret}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

async fn a_procedure_not_offered_there_is_refused(backend: Backend) {
    // The workflow crate's test tenant offers its construction permit at the desk and on its own
    // portal only.
    let app = TestApp::serving(
        backend,
        std::sync::Arc::new(motcua_store::cache::MemoryCache::default()),
        motcua_web::WebConfig::default(),
        vec![motcua_tests::permit_tenant(None)],
    )
    .await;
    app.api_token("thu-nghiem", PORTAL, &["national-portal"])
        .await;
    let mut body = push("thanhhoa", "G22.99-260310-0900", RECORDS, &[]);
    body["MaTTHC"] = json!("1.009994.000.00.01.H99");
    let r = forward(&app, "dichvucong.thunghiem.localhost", Some(PORTAL), &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error_code"], "06");
    assert_eq!(r.json()["code"], "not_on_national_portal");
    assert_eq!(dossier_count(&app).await, 0);
}

backend_tests!(
    every_demo_procedure_lands_at_its_first_step,
    repeated_and_concurrent_forwards_give_one_dossier,
    refusals_have_their_national_codes_and_store_nothing,
    the_exchange_log_holds_each_message_with_its_hash,
    the_inbox_and_the_ledger_show_the_national_channel,
    administrators_issue_the_portal_token,
    a_procedure_not_offered_there_is_refused,
);
