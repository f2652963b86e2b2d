//! Receiving at the desk: complete → Form 01, incomplete → Form 02 listing every defect, not
//! eligible → Form 03 with reasons; idempotent; only desk officials.

use motcua_authz::Role;
use motcua_tests::{Backend, backend_tests};
use serde_json::json;

use super::{Clerk, DESK, POLICE, at, desk_body};

async fn a_complete_dossier_gets_a_receipt_and_goes_to_the_police(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan01", &[(Role::Receiver, Some(DESK))]).await;
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let answer = r.json();
    assert_eq!(answer["form"], "01");
    // Accepted at the desk, then in processing at the police's step.
    assert_eq!(answer["status"]["code"], "processing");
    let code = answer["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("000."), "{code}");
    assert_eq!(answer["form_url"], format!("/ho-so/{code}/mau-01"));

    let view = desk.dossier(&app, &code).await;
    assert_eq!(view.status, 200, "{}", view.body);
    let view = view.json();
    assert_eq!(at(&view), ["tra-cuu"]);
    assert_eq!(view["channel"], "desk");
    let kinds: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    let checked = kinds
        .iter()
        .position(|k| *k == "documents_checked")
        .unwrap();
    let acted = kinds.iter().position(|k| *k == "action_taken").unwrap();
    assert!(checked < acted, "{kinds:?}");
    assert!(
        view["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "status_changed" && e["data"]["to"] == "accepted"),
        "{}",
        view["history"]
    );
    let entry = &view["history"][checked];
    assert_eq!(entry["actor"], format!("account:{}", desk.id));
    assert_eq!(entry["actor_name"], "Cán bộ tiepnhan01");
    assert_eq!(entry["data"]["received"], json!(["TK", "GTTT"]));
    // The receiver sees the dossier but has nothing to do at the police's step.
    assert_eq!(view["steps"][0]["division"], POLICE);
    assert_eq!(view["steps"][0]["actions"], json!([]));
    assert_eq!(view["steps"][0]["can_claim"], false);
}

async fn incomplete_and_ineligible_dossiers_get_forms_02_and_03(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan02", &[(Role::Receiver, Some(DESK))]).await;
    // A complete-dossier receipt is refused while a required document is missing.
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK"], None),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "documents_missing");
    assert!(r.body.contains("GTTT"), "{}", r.body);

    // A supplement request lists every defect: the missing document and what the official adds.
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("supplement", &["TK"], Some("Tờ khai chưa ghi nơi sinh.")),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["form"], "02");
    assert_eq!(r.json()["status"]["code"], "supplement_requested");
    let code = r.json()["code"].as_str().unwrap().to_owned();
    let view = desk.dossier(&app, &code).await.json();
    assert_eq!(at(&view), ["cho-bo-sung"]);
    assert!(view["clock_paused_since"].is_string(), "{view}");
    let taken = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "action_taken")
        .unwrap();
    let reason = taken["data"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("GTTT") && reason.contains("nơi sinh"),
        "{reason}"
    );

    // Nothing to list: a supplement request needs a defect.
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("supplement", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.json()["error"]["code"], "defects_required", "{}", r.body);

    // A refusal needs its reasons and closes the dossier as not accepted.
    let r = desk
        .post(&app, "/api/v1/onestop/desk", desk_body("refuse", &[], None))
        .await;
    assert_eq!(r.json()["error"]["code"], "reason_required", "{}", r.body);
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body(
                "refuse",
                &["TK", "GTTT"],
                Some("Người yêu cầu không cư trú tại tỉnh."),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["form"], "03");
    assert_eq!(r.json()["status"]["code"], "not_accepted");
    let view = desk
        .dossier(&app, r.json()["code"].as_str().unwrap())
        .await
        .json();
    assert!(view["closed_at"].is_string(), "{view}");
    assert_eq!(view["steps"], json!([]));

    // A document that is not on the case's list is named.
    let r = desk
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT", "XYZ"], None),
        )
        .await;
    assert_eq!(r.json()["error"]["code"], "unknown_document", "{}", r.body);
}

async fn a_retried_desk_submission_never_creates_a_second_dossier(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan03", &[(Role::Receiver, Some(DESK))]).await;
    let send = || async {
        let body = desk_body("accept", &["TK", "GTTT"], None);
        let req = crate::officials::request(
            "POST",
            super::STAFF,
            "/api/v1/onestop/desk",
            Some(&desk.cookie),
            Some(&desk.csrf),
            &[
                ("content-type", "application/json"),
                ("idempotency-key", "quay-3-lan-1"),
            ],
            axum::body::Body::from(body.to_string()),
        );
        app.send(req).await
    };
    let first = send().await;
    let again = send().await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.json()["code"], again.json()["code"]);
}

async fn only_desk_officials_receive(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let police = Clerk::new(&app, "chuyenvien01", &[(Role::Specialist, Some(POLICE))]).await;
    let r = police
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Refused before the body is read: a malformed body gets the same answer.
    let r = police
        .post(&app, "/api/v1/onestop/desk", json!({ "nonsense": true }))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A receiver of another desk than the procedure's is refused too.
    let other = Clerk::new(
        &app,
        "tiepnhan04",
        &[(Role::Receiver, Some("trung-tam-phvhcc-phuong-hac-thanh"))],
    )
    .await;
    let r = other
        .post(
            &app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
}

backend_tests!(
    a_complete_dossier_gets_a_receipt_and_goes_to_the_police,
    incomplete_and_ineligible_dossiers_get_forms_02_and_03,
    a_retried_desk_submission_never_creates_a_second_dossier,
    only_desk_officials_receive,
);
