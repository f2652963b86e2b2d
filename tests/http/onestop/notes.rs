//! Officials' comments and ad-hoc consultations of a dossier: written through the API and the
//! dossier page, shown in time order, kept in the hash-chained history without moving the
//! workflow, answered only by the consulted division (once), overdue past their date, and out
//! of reach of other divisions and other tenants.

use chrono::{Duration, Utc};
use motcua_authz::Role;
use motcua_store::history::NewEvent;
use motcua_tests::{Backend, backend_tests};
use serde_json::{Value, json};

use super::pages::{received, send};
use super::{Clerk, DESK, POLICE};
use crate::officials::between;

/// Home Affairs: never on the judicial record procedure's way, consulted here.
const HOME_AFFAIRS: &str = "so-noi-vu";
/// Construction: neither on the way nor consulted.
const CONSTRUCTION: &str = "so-xay-dung";

/// Sends a command as an official who may not open the dossier (and so never saw a version).
async fn blind(app: &motcua_tests::TestApp, clerk: &Clerk, code: &str, command: Value) -> u16 {
    let body = json!({ "expected_version": 1, "command": command });
    let path = format!("/api/v1/onestop/dossiers/{code}/commands");
    clerk.post(app, &path, body).await.status.as_u16()
}

fn kinds(view: &Value) -> Vec<String> {
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn comments_are_kept_in_the_history_without_moving_the_dossier(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan71", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien71", &[(Role::Specialist, Some(POLICE))]).await;
    let stranger = Clerk::new(
        &app,
        "chuyenvien72",
        &[(Role::Specialist, Some(CONSTRUCTION))],
    )
    .await;
    let code = received(&app, &desk, "Vũ Thị Ý Kiến").await;
    let before = police.dossier(&app, &code).await.json();

    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "comment", "text": "  Đã đối chiếu CCCD, khớp.  ", "step": "tra-cuu" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.json();
    // The workflow did not move.
    for key in ["version", "status", "due_at", "steps"] {
        assert_eq!(after[key], before[key], "{key}");
    }
    assert_eq!(
        after["comments"][0]["data"]["text"],
        "Đã đối chiếu CCCD, khớp."
    );
    assert_eq!(after["comments"][0]["data"]["step"], "tra-cuu");
    assert_eq!(after["comments"][0]["actor_name"], "Cán bộ chuyenvien71");

    // The desk answers; the comments read in time order, the last event of the history.
    let r = desk
        .command(
            &app,
            &code,
            json!({ "type": "comment", "text": "Người nộp hỏi tiến độ." }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let view = r.json();
    let texts: Vec<&str> = view["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["data"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["Đã đối chiếu CCCD, khớp.", "Người nộp hỏi tiến độ."]
    );
    assert_eq!(kinds(&view).last().unwrap(), "comment");

    // Empty, about a step the workflow lacks, on a stale version: refused, nothing written.
    let r = police
        .command(&app, &code, json!({ "type": "comment", "text": "   " }))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "text_required");
    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "comment", "text": "x", "step": "khong-co" }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let stale = json!({ "expected_version": 0, "command": { "type": "comment", "text": "cũ" } });
    let r = police
        .post(
            &app,
            &format!("/api/v1/onestop/dossiers/{code}/commands"),
            stale,
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["dossier"]["comments"].as_array().unwrap().len(), 2);
    // Another division sees nothing of it; another tenant's host knows no such dossier.
    let comment = json!({ "type": "comment", "text": "x" });
    assert_eq!(blind(&app, &stranger, &code, comment).await, 403);
    let hcm = crate::officials::api(
        &app,
        "POST",
        "motcua.hochiminhcity.localhost",
        &format!("/api/v1/onestop/dossiers/{code}/commands"),
        Some(&police.cookie),
        Some(&police.csrf),
        json!({ "expected_version": 1, "command": { "type": "comment", "text": "x" } }),
    )
    .await;
    assert_eq!(hcm.status, 401, "{}", hcm.body);

    // The page shows them and takes a new one through its form.
    let page = police.get(&app, &format!("/ho-so/{code}")).await;
    assert!(page.body.contains("Trao đổi nội bộ"), "{}", page.body);
    assert!(
        page.body.contains("Người nộp hỏi tiến độ."),
        "{}",
        page.body
    );
    let version = between(&page.body, "name=\"expected_version\" value=\"", "\"").to_owned();
    let path = format!("/ho-so/{code}/thao-tac");
    let r = send(
        &app,
        &police,
        &path,
        &[
            ("expected_version", &version),
            ("type", "comment"),
            ("text", "Chờ kết quả xác minh."),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location").unwrap(),
        format!("/ho-so/{code}?ok=comment")
    );
    let r = send(
        &app,
        &police,
        &path,
        &[
            ("expected_version", &version),
            ("type", "comment"),
            ("text", ""),
        ],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Cần ghi nội dung ý kiến."), "{}", r.body);
    // Without the session's token: refused.
    let r = crate::officials::form(
        &app,
        super::STAFF,
        &path,
        Some(&police.cookie),
        &[
            ("expected_version", &version),
            ("type", "comment"),
            ("text", "x"),
        ],
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let view = police.dossier(&app, &code).await.json();
    assert_eq!(view["comments"].as_array().unwrap().len(), 3);
    let audit = motcua_store::audit::verify(&app.db.store, None)
        .await
        .unwrap();
    assert!(audit.intact(), "{audit:?}");
}

async fn a_consulted_division_answers_once_and_late_ones_show(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan73", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien73", &[(Role::Specialist, Some(POLICE))]).await;
    let consulted = Clerk::new(
        &app,
        "chuyenvien74",
        &[(Role::Specialist, Some(HOME_AFFAIRS))],
    )
    .await;
    let stranger = Clerk::new(
        &app,
        "chuyenvien75",
        &[(Role::Specialist, Some(CONSTRUCTION))],
    )
    .await;
    let code = received(&app, &desk, "Ngô Văn Hỏi").await;

    // Before being consulted, Home Affairs may not even open the dossier.
    assert_eq!(consulted.dossier(&app, &code).await.status, 403);
    // Who cannot act on the procedure cannot consult.
    let ask = json!({ "type": "consult", "division": HOME_AFFAIRS,
                      "question": "Xác nhận hộ tịch của người nộp?", "working_days": 3 });
    assert_eq!(blind(&app, &stranger, &code, ask.clone()).await, 403);
    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "consult", "question": "?", "working_days": 3 }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "consulted_required");
    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "consult", "division": "khong-co", "question": "?", "working_days": 3 }),
        )
        .await;
    assert_eq!(r.json()["error"]["code"], "unknown_division", "{}", r.body);
    let before = police.dossier(&app, &code).await.json();
    let r = police.command(&app, &code, ask).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let view = r.json();
    assert_eq!(view["version"], before["version"]);
    let c = &view["consultations"][0];
    assert_eq!(c["division"], HOME_AFFAIRS);
    assert_eq!(c["overdue"], false);
    assert!(c["answer"].is_null());
    // Three working days on the tenant's calendar.
    let site = app.state.sites.resolve(super::STAFF).unwrap().site;
    let asked: chrono::DateTime<Utc> = c["asked_at"].as_str().unwrap().parse().unwrap();
    let due = site
        .calendar
        .add(asked, motcua_core::calendar::WorkingDuration::Days(3));
    let reply_by: chrono::DateTime<Utc> = c["reply_by"].as_str().unwrap().parse().unwrap();
    assert_eq!(reply_by, due);
    let id = c["id"].as_i64().unwrap();
    // The asking side may not answer for Home Affairs.
    assert_eq!(c["can_answer"], false);
    let answer =
        |text: &str| json!({ "type": "answer_consultation", "consultation": id, "answer": text });
    assert_eq!(police.command(&app, &code, answer("Có")).await.status, 403);

    // Home Affairs now opens the dossier, sees the open consultation on its page, and answers.
    let page = consulted.get(&app, &format!("/ho-so/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Xác nhận hộ tịch của người nộp?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Chờ trả lời"), "{}", page.body);
    assert!(page.body.contains("name=\"answer\""), "{}", page.body);
    let version = between(&page.body, "name=\"expected_version\" value=\"", "\"").to_owned();
    let id_text = id.to_string();
    let r = send(
        &app,
        &consulted,
        &format!("/ho-so/{code}/thao-tac"),
        &[
            ("expected_version", &version),
            ("type", "answer"),
            ("consultation", &id_text),
            ("answer", "Đã xác nhận, không có vướng mắc."),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Once only; and the division not consulted still sees nothing.
    let r = consulted.command(&app, &code, answer("Lần hai")).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "already_answered");
    assert_eq!(stranger.dossier(&app, &code).await.status, 403);
    let view = police.dossier(&app, &code).await.json();
    let c = &view["consultations"][0];
    assert_eq!(c["answer"], "Đã xác nhận, không có vướng mắc.");
    assert_eq!(c["answered_by"], format!("account:{}", consulted.id));
    let k = kinds(&view);
    assert!(k.contains(&"consultation_requested".to_owned()), "{k:?}");
    assert!(k.contains(&"consultation_answered".to_owned()), "{k:?}");

    // An outside agency's answer is recorded by the asking side; past its date it is overdue.
    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "consult", "agency": "Tòa án nhân dân tỉnh Thanh Hóa",
                    "question": "Có bản án nào với người nộp?", "working_days": 1 }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let outside = r.json()["consultations"][1].clone();
    assert_eq!(outside["can_answer"], true, "{outside}");
    let reply_by: chrono::DateTime<Utc> = outside["reply_by"].as_str().unwrap().parse().unwrap();
    assert!(reply_by > Utc::now());
    assert_eq!(outside["overdue"], false);
    // One asked ten days ago for one working day is overdue, on the view and the page.
    let t = crate::officials::tenant(&app, "thanhhoa").await;
    let then = Utc::now() - Duration::days(10);
    let asked = NewEvent {
        at: then,
        actor: format!("account:{}", police.id),
        kind: "consultation_requested".to_owned(),
        payload: json!({ "agency": "Cục Hồ sơ nghiệp vụ", "question": "Tra cứu án tích?",
                         "working_days": 1, "reply_by": then + Duration::days(1) }),
    };
    motcua_store::dossiers::annotate(&app.db.store, t, &code.parse().unwrap(), |_, _| {
        Ok::<_, ()>(vec![asked])
    })
    .await
    .unwrap();
    let view = police.dossier(&app, &code).await.json();
    let overdue: Vec<bool> = view["consultations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["overdue"].as_bool().unwrap())
        .collect();
    assert_eq!(overdue, [false, false, true], "{view}");
    let page = police.get(&app, &format!("/ho-so/{code}")).await;
    assert!(page.body.contains("Quá hạn trả lời"), "{}", page.body);
    let audit = motcua_store::audit::verify(&app.db.store, None)
        .await
        .unwrap();
    assert!(audit.intact(), "{audit:?}");
}

backend_tests!(
    comments_are_kept_in_the_history_without_moving_the_dossier,
    a_consulted_division_answers_once_and_late_ones_show,
);
