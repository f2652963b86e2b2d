//! Moving a dossier through the one-stop system: each official sees exactly the actions they
//! may take, the dossier goes division by division to its result, two officials acting at once
//! give one success and one conflict with the fresh dossier, and the guard refuses strangers.

use motcua_authz::Role;
use motcua_tests::{Backend, TestApp, backend_tests};
use serde_json::json;

use super::{Clerk, DESK, POLICE, actions_at, at, desk_body};

/// Receives a complete dossier at the desk; its code.
async fn received(app: &TestApp, desk: &Clerk) -> String {
    let r = desk
        .post(
            app,
            "/api/v1/onestop/desk",
            desk_body("accept", &["TK", "GTTT"], None),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

async fn a_dossier_goes_division_by_division_to_its_result(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan10", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien10", &[(Role::Specialist, Some(POLICE))]).await;
    let head = Clerk::new(&app, "lanhdao10", &[(Role::DivisionHead, Some(POLICE))]).await;
    let code = received(&app, &desk).await;

    // The specialist sees the step's two actions, with what each needs, and may claim it.
    let view = specialist.dossier(&app, &code).await.json();
    assert_eq!(
        actions_at(&view, "tra-cuu"),
        ["du-thong-tin", "can-xac-minh"]
    );
    assert_eq!(
        view["steps"][0]["actions"][1]["requires"],
        json!(["reason"])
    );
    assert_eq!(view["steps"][0]["can_claim"], true);
    // The head of the division may reassign, but is not the step's role.
    let view = head.dossier(&app, &code).await.json();
    assert_eq!(actions_at(&view, "tra-cuu"), Vec::<String>::new());
    assert_eq!(view["steps"][0]["can_reassign"], true);

    let r = specialist
        .command(&app, &code, json!({ "type": "claim", "step": "tra-cuu" }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["steps"][0]["assignee"],
        format!("account:{}", specialist.id)
    );
    assert_eq!(r.json()["steps"][0]["can_release"], true);
    // A missing input is refused with the engine's reason.
    let r = specialist
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "can-xac-minh" }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "missing_input");
    let r = specialist
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(at(&r.json()), ["duyet-ky"]);

    // Signing needs the result; the demo applicant chose the electronic certificate, so the
    // dossier is returned at once.
    let view = head.dossier(&app, &code).await.json();
    assert_eq!(actions_at(&view, "duyet-ky"), ["ky", "tra-lai"]);
    let r = head
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                    "inputs": { "result": "PLLTP-2026-000123" } }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let view = r.json();
    assert_eq!(view["status"]["code"], "returned", "{view}");
    assert!(view["closed_at"].is_string());
    let actors: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "action_taken")
        .map(|e| e["actor_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        actors,
        [
            "Cán bộ tiepnhan10",
            "Cán bộ chuyenvien10",
            "Cán bộ lanhdao10"
        ]
    );

    // The history is hash-chained from the dossier's code.
    let mut prev = motcua_store::history::genesis(&code);
    for e in view["history"].as_array().unwrap() {
        let stored = motcua_store::history::event_hash(
            &prev,
            i32::try_from(e["seq"].as_i64().unwrap()).unwrap(),
            e["at"].as_str().unwrap().parse().unwrap(),
            e["actor"].as_str().unwrap(),
            e["kind"].as_str().unwrap(),
            &motcua_store::history::canonical_json(&e["data"]),
        );
        assert_eq!(e["hash"], stored);
        prev = stored;
    }
}

async fn of_two_officials_acting_at_once_one_wins(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan11", &[(Role::Receiver, Some(DESK))]).await;
    let a = Clerk::new(&app, "chuyenvien11", &[(Role::Specialist, Some(POLICE))]).await;
    let b = Clerk::new(&app, "chuyenvien12", &[(Role::Specialist, Some(POLICE))]).await;
    let code = received(&app, &desk).await;
    let seen = a.dossier(&app, &code).await.json()["version"]
        .as_u64()
        .unwrap();
    let path = format!("/api/v1/onestop/dossiers/{code}/commands");
    let claim =
        json!({ "expected_version": seen, "command": { "type": "claim", "step": "tra-cuu" } });
    let (ra, rb) = tokio::join!(
        a.post(&app, &path, claim.clone()),
        b.post(&app, &path, claim)
    );
    let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", ra.body, rb.body);
    let winner = if ra.status == 200 { &a } else { &b };
    let lost = if ra.status == 200 { &rb } else { &ra };
    assert_eq!(
        lost.json()["error"]["code"],
        "stale_version",
        "{}",
        lost.body
    );
    // The loser gets the dossier as it now stands: claimed by the winner.
    assert_eq!(
        lost.json()["dossier"]["steps"][0]["assignee"],
        format!("account:{}", winner.id)
    );
    assert!(lost.json()["dossier"]["version"].as_u64().unwrap() > seen);
}

async fn the_guard_and_the_workflow_both_decide(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan12", &[(Role::Receiver, Some(DESK))]).await;
    let code = received(&app, &desk).await;

    // No role at all: nothing of the dossier is shown.
    let nobody = Clerk::new(&app, "nguoila", &[]).await;
    let r = nobody.dossier(&app, &code).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A specialist of a division the procedure never passes through: the same.
    let elsewhere = Clerk::new(
        &app,
        "chuyenvien13",
        &[(Role::Specialist, Some("so-tu-phap"))],
    )
    .await;
    assert_eq!(elsewhere.dossier(&app, &code).await.status, 403);
    // A receiver cannot act at the police's step: the guard refuses before the engine is asked.
    let r = desk
        .command(&app, &code, json!({ "type": "claim", "step": "tra-cuu" }))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // An agency leader may view and approve everywhere, but is not the step's role.
    let leader = Clerk::new(&app, "lanhdaocoquan", &[(Role::AgencyLeader, None)]).await;
    let r = leader
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "wrong_role", "{}", r.body);
    // Another tenant's host knows no such dossier.
    let hcm = crate::officials::api(
        &app,
        "GET",
        "motcua.hochiminhcity.localhost",
        &format!("/api/v1/onestop/dossiers/{code}"),
        Some(&desk.cookie),
        None,
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(hcm.status, 401, "{}", hcm.body);
    // A code that does not exist, and one that is not a code.
    assert_eq!(
        desk.dossier(&app, "000.00.01.H56-260101-9999").await.status,
        404
    );
    assert_eq!(desk.dossier(&app, "not-a-code").await.status, 404);
    // The stop needs an approver and a reason.
    let r = leader
        .command(&app, &code, json!({ "type": "stop", "reason": "" }))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = leader
        .command(
            &app,
            &code,
            json!({ "type": "stop", "reason": "Người yêu cầu đã qua đời." }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"]["code"], "stopped");
}

backend_tests!(
    a_dossier_goes_division_by_division_to_its_result,
    of_two_officials_acting_at_once_one_wins,
    the_guard_and_the_workflow_both_decide,
);
