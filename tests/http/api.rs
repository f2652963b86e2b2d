//! The JSON API: catalogue, submission (idempotent, validated, in the host's language) and the
//! public status lookup (code and progress only).

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::procedure::ProcedureInfo;
use motcua_store::cache::MemoryCache;
use motcua_tests::{Backend, TestApp, backend_tests, demo_bundle, demo_form};
use motcua_web::WebConfig;
use serde_json::{Value, json};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";

fn online_procedure() -> ProcedureInfo {
    demo_bundle("thanhhoa")
        .procedures
        .into_iter()
        .map(|p| p.info)
        .find(|p| p.level.accepts_online())
        .expect("Thanh Hóa has an online procedure")
}

fn submission(procedure: &ProcedureInfo) -> Value {
    json!({
        "procedure": procedure.code.to_string(),
        "applicant": { "name": "Nguyễn Văn An", "id_number": "038095001234", "phone": "0912 345 678" },
        "form": demo_form("thanhhoa", &procedure.code.to_string()),
    })
}

async fn submitting_gives_a_code_and_the_due_date_on_the_tenant_calendar(backend: Backend) {
    let app = TestApp::new(backend).await;
    let p = online_procedure();
    let before = Utc::now();
    let r = app
        .post_json(VI, "/api/v1/dossiers", &submission(&p), &[])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let body = r.json();
    let code = body["code"].as_str().unwrap();
    let desk = p.desk(&demo_bundle("thanhhoa").manifest).code.to_string();
    assert!(code.starts_with(&format!("{desk}-")), "{code}");
    assert!(code.ends_with("-0001"), "{code}");
    assert_eq!(body["status"]["code"], "registered");
    assert_eq!(body["status"]["national_code"], 1);
    assert_eq!(body["status"]["label"], "Mới đăng ký");

    let received: DateTime<Utc> = body["received_at"].as_str().unwrap().parse().unwrap();
    assert!(received >= before);
    let calendar = WorkingCalendar::new(&demo_bundle("thanhhoa").manifest.calendar).unwrap();
    let due: DateTime<Utc> = body["due_at"].as_str().unwrap().parse().unwrap();
    let case_time = p.cases[0].time.unwrap_or(p.time);
    assert_eq!(due, case_time.due(&calendar, received));
    assert!(due > received);

    // The next one counts on.
    let r = app
        .post_json(EN, "/api/v1/dossiers", &submission(&p), &[])
        .await;
    assert!(r.json()["code"].as_str().unwrap().ends_with("-0002"));
    assert_eq!(r.json()["status"]["label"], "Newly registered");
}

async fn a_retried_submission_returns_the_same_dossier(backend: Backend) {
    let app = TestApp::new(backend).await;
    let p = online_procedure();
    let key = [("idempotency-key", "4d7b1c0e-retry")];
    let first = app
        .post_json(VI, "/api/v1/dossiers", &submission(&p), &key)
        .await;
    let again = app
        .post_json(VI, "/api/v1/dossiers", &submission(&p), &key)
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.json()["code"], again.json()["code"]);
    let too_long = "k".repeat(201);
    let r = app
        .post_json(
            VI,
            "/api/v1/dossiers",
            &submission(&p),
            &[("idempotency-key", too_long.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "invalid_idempotency_key");
}

async fn bad_submissions_get_clear_errors_in_the_host_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let p = online_procedure();

    let mut unknown = submission(&p);
    unknown["procedure"] = json!("9.999999");
    let r = app.post_json(VI, "/api/v1/dossiers", &unknown, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json(),
        json!({"error": {"code": "unknown_procedure", "message": "Không có thủ tục mã 9.999999."}})
    );
    let r = app.post_json(EN, "/api/v1/dossiers", &unknown, &[]).await;
    assert_eq!(
        r.json()["error"]["message"],
        "There is no procedure with code 9.999999."
    );

    let mut bad_id = submission(&p);
    bad_id["applicant"]["id_number"] = json!("12345");
    let r = app.post_json(EN, "/api/v1/dossiers", &bad_id, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["code"], "invalid_body");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("12 digits"),
        "{}",
        r.body
    );

    // The e-form's own rules, every problem at once, in the host's language.
    let mut empty_form = submission(&p);
    empty_form["form"] = json!({ "khong_co": 1 });
    let r = app
        .post_json(EN, "/api/v1/dossiers", &empty_form, &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json();
    assert_eq!(body["error"]["code"], "invalid_form");
    let fields = body["error"]["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["field"] == "khong_co" && f["code"] == "unknown_field"),
        "{fields:?}"
    );
    assert!(
        fields.iter().any(
            |f| f["code"] == "required" && f["message"].as_str().unwrap().starts_with("Please")
        ),
        "{fields:?}"
    );
    let r = app
        .post_json(VI, "/api/v1/dossiers", &empty_form, &[])
        .await;
    assert!(
        r.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().starts_with("Vui lòng"))
    );

    let mut no_name = submission(&p);
    no_name["applicant"]["name"] = json!("   ");
    let r = app.post_json(VI, "/api/v1/dossiers", &no_name, &[]).await;
    assert_eq!(r.json()["error"]["code"], "applicant_name_required");

    let mut bad_case = submission(&p);
    bad_case["case"] = json!("khong-co");
    let r = app.post_json(VI, "/api/v1/dossiers", &bad_case, &[]).await;
    assert_eq!(r.json()["error"]["code"], "unknown_case");

    let mut extra = submission(&p);
    extra["surprise"] = json!(true);
    let r = app.post_json(VI, "/api/v1/dossiers", &extra, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused"
    );

    let r = app
        .send(
            axum::http::Request::post("/api/v1/dossiers")
                .header("host", VI)
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{\"procedure\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "malformed_json");

    let huge = json!({ "procedure": p.code.to_string(), "applicant": {"name": "A"}, "form": {"x": "y".repeat(2 * 1024 * 1024)} });
    let r = app.post_json(VI, "/api/v1/dossiers", &huge, &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");

    // A procedure of another tenant is unknown here.
    let moj = demo_bundle("botuphap").procedures[0].info.code.to_string();
    if demo_bundle("thanhhoa").procedure(&moj).is_none() {
        let mut other = submission(&p);
        other["procedure"] = json!(moj);
        let r = app.post_json(VI, "/api/v1/dossiers", &other, &[]).await;
        assert_eq!(r.json()["error"]["code"], "unknown_procedure");
    }

    // Nothing above created a dossier.
    let r = app
        .post_json(VI, "/api/v1/dossiers", &submission(&p), &[])
        .await;
    assert!(r.json()["code"].as_str().unwrap().ends_with("-0001"));

    let r = app.get(VI, "/api/v1/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

/// Re-applies Thanh Hóa with the text of procedure `code` edited by `edit`.
async fn edit_procedure(app: &TestApp, code: &str, edit: impl Fn(&str) -> String) {
    let bundle = demo_bundle("thanhhoa");
    let files = bundle
        .procedures
        .iter()
        .map(|s| {
            let mut file = s.file.clone();
            if s.info.code.to_string() == code {
                file.text = edit(&file.text);
            }
            file
        })
        .collect();
    let changed = motcua_core::tenant::TenantBundle::from_files(
        None,
        bundle.manifest_file.text.clone(),
        files,
        bundle.logo.as_ref().map(|l| l.bytes.clone()),
    )
    .unwrap();
    motcua_store::tenants::apply(&app.state.store, &changed)
        .await
        .unwrap();
    app.state.sites.replace(
        motcua_store::tenants::load_all(&app.state.store)
            .await
            .unwrap(),
    );
}

async fn procedures_not_offered_online_refuse_online_dossiers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let p = online_procedure();
    let code = p.code.to_string();
    // Offered online, but only through the national portal: the tenant's own portal refuses.
    edit_procedure(&app, &code, |text| {
        text.replacen("online, national_portal]", "national_portal]", 1)
    })
    .await;
    let r = app
        .post_json(EN, "/api/v1/dossiers", &submission(&p), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "channel_not_offered");
    assert!(
        r.body.contains("national public service portal"),
        "{}",
        r.body
    );

    // Turn Thanh Hóa's online procedure into a level 2 one (forms only) and re-apply.
    edit_procedure(&app, &code, |text| {
        text.replacen(&format!("level: {}", p.level.number()), "level: 2", 1)
    })
    .await;
    let r = app
        .post_json(EN, "/api/v1/dossiers", &submission(&p), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "procedure_not_online");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("one-stop desk")
    );
}

async fn the_public_lookup_shows_progress_and_nothing_personal(backend: Backend) {
    let app = TestApp::new(backend).await;
    let p = online_procedure();
    let code = app
        .post_json(VI, "/api/v1/dossiers", &submission(&p), &[])
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();

    let r = app
        .get(EN, &format!("/api/v1/dossiers/{code}/status"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["code"], code.as_str());
    assert_eq!(body["status"]["label"], "Newly registered");
    assert_eq!(
        body["procedure"]["name"],
        p.name.get(motcua_core::lang::Lang::En)
    );
    for personal in ["Nguyễn", "038095001234", "0912", "applicant", "form"] {
        assert!(
            !r.body.contains(personal),
            "the lookup leaks {personal}: {}",
            r.body
        );
    }

    // Another tenant's host does not know the code.
    let r = app
        .get(
            "dichvucong.hochiminhcity.localhost",
            &format!("/api/v1/dossiers/{code}/status"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");

    let r = app
        .get(VI, "/api/v1/dossiers/000.00.01.H56-261399-0001/status")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["code"], "invalid_dossier_code");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("không phải là mã hồ sơ")
    );
}

async fn the_public_lookup_is_rate_limited(backend: Backend) {
    let config = WebConfig {
        lookup_per_minute: 3,
        ..WebConfig::default()
    };
    let app = TestApp::with(backend, Arc::new(MemoryCache::default()), config).await;
    for _ in 0..3 {
        let r = app
            .get(VI, "/api/v1/dossiers/000.00.01.H56-260302-0001/status")
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = app
        .get(VI, "/api/v1/dossiers/000.00.01.H56-260302-0001/status")
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(r.json()["error"]["code"], "rate_limited");
    let r = app.get(VI, "/lookup?code=000.00.01.H56-260302-0001").await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the page shares the limit"
    );
}

async fn submissions_are_rate_limited(backend: Backend) {
    let config = WebConfig {
        submit_per_minute: 2,
        ..WebConfig::default()
    };
    let app = TestApp::with(backend, Arc::new(MemoryCache::default()), config).await;
    let good = submission(&online_procedure());
    let r = app.post_json(VI, "/api/v1/dossiers", &good, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Refused submissions count too: the limit is on attempts.
    let mut unknown = good.clone();
    unknown["procedure"] = json!("9.999999");
    let r = app.post_json(VI, "/api/v1/dossiers", &unknown, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.post_json(VI, "/api/v1/dossiers", &good, &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(r.json()["error"]["code"], "rate_limited");
    // Looking up is counted apart.
    let r = app
        .get(VI, "/api/v1/dossiers/000.00.01.H56-260302-0001/status")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn the_catalogue_lists_the_tenant_procedures(backend: Backend) {
    let app = TestApp::new(backend).await;
    let bundle = demo_bundle("botuphap");
    let r = app
        .get("e-services.moj.localhost", "/api/v1/procedures")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.json()["procedures"].as_array().unwrap().clone();
    assert_eq!(list.len(), bundle.procedures.len());
    let first = &bundle.procedures[0].info;
    let r = app
        .get(
            "e-services.moj.localhost",
            &format!("/api/v1/procedures/{}", first.code),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["info"]["name"]["vi"], first.name.vi.as_str());
    assert_eq!(
        r.json()["local_code"],
        format!("{}.000.00.00.G15", first.code)
    );
}

backend_tests!(
    submitting_gives_a_code_and_the_due_date_on_the_tenant_calendar,
    a_retried_submission_returns_the_same_dossier,
    bad_submissions_get_clear_errors_in_the_host_language,
    procedures_not_offered_online_refuse_online_dossiers,
    the_public_lookup_shows_progress_and_nothing_personal,
    the_public_lookup_is_rate_limited,
    submissions_are_rate_limited,
    the_catalogue_lists_the_tenant_procedures,
);
