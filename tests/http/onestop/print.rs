//! The printable forms drawn from what is stored: the receipt, the request to supplement and the
//! refusal from the desk's decision, the process control slip from the hand-overs, the ledger
//! from the desk's codes; a form whose event never happened is 404; pages allow their own style
//! sheet only.

use motcua_authz::Role;
use motcua_tests::{Backend, TestApp, backend_tests};
use serde_json::json;

use super::{Clerk, DESK, POLICE, desk_body};

async fn print(app: &TestApp, clerk: &Clerk, path: &str) -> motcua_tests::Reply {
    crate::officials::api(
        app,
        "GET",
        super::STAFF,
        path,
        Some(&clerk.cookie),
        None,
        serde_json::Value::Null,
    )
    .await
}

async fn receive(
    app: &TestApp,
    desk: &Clerk,
    decision: &str,
    docs: &[&str],
    reason: Option<&str>,
) -> String {
    let r = desk
        .post(
            app,
            "/api/v1/onestop/desk",
            desk_body(decision, docs, reason),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

async fn each_form_comes_from_the_history(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan20", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien20", &[(Role::Specialist, Some(POLICE))]).await;

    let accepted = receive(&app, &desk, "accept", &["TK", "GTTT"], None).await;
    let r = print(&app, &desk, &format!("/ho-so/{accepted}/mau-01")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for expected in [
        "Mẫu số 01",
        accepted.as_str(),
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "Lê Thị Hoa",
        "Cán bộ tiepnhan20",
        "<svg",
    ] {
        assert!(r.body.contains(expected), "Form 01 lacks {expected}");
    }
    // The optional document not ticked is not listed as received.
    assert!(!r.body.contains("Giấy tờ chứng minh nơi thường trú"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains("style-src 'sha256-") && !csp.contains("unsafe"),
        "{csp}"
    );
    // No supplement was asked, no refusal made, no apology given.
    for form in ["02", "03", "04"] {
        let r = print(&app, &desk, &format!("/ho-so/{accepted}/mau-{form}")).await;
        assert_eq!(r.status, 404, "Form {form}: {}", r.body);
    }
    // The control slip lists each hand-over: the desk's, then the police's.
    let r = police
        .command(
            &app,
            &accepted,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let slip = print(&app, &police, &format!("/ho-so/{accepted}/mau-05")).await;
    assert_eq!(slip.status, 200, "{}", slip.body);
    assert!(slip.body.contains("Mẫu số 05"));
    assert!(slip.body.contains("Cán bộ tiepnhan20") && slip.body.contains("Cán bộ chuyenvien20"));
    assert!(
        slip.body.contains("Công an tỉnh"),
        "the receiving division is named"
    );

    let incomplete = receive(
        &app,
        &desk,
        "supplement",
        &["TK"],
        Some("Tờ khai thiếu chữ ký."),
    )
    .await;
    let r = print(&app, &desk, &format!("/ho-so/{incomplete}/mau-02")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Mẫu số 02"));
    assert!(
        r.body.contains("GTTT") && r.body.contains("Tờ khai thiếu chữ ký."),
        "every defect is listed"
    );
    assert_eq!(
        print(&app, &desk, &format!("/ho-so/{incomplete}/mau-01"))
            .await
            .status,
        404
    );

    let refused = receive(
        &app,
        &desk,
        "refuse",
        &["TK", "GTTT"],
        Some("Không thuộc thẩm quyền giải quyết của tỉnh.\nNgười yêu cầu không cư trú tại tỉnh."),
    )
    .await;
    let r = print(&app, &desk, &format!("/ho-so/{refused}/mau-03")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Không thuộc thẩm quyền") && r.body.contains("không cư trú tại tỉnh"));

    // The ledger of today lists the three dossiers.
    let r = print(&app, &desk, "/so-theo-doi").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Mẫu số 06") || r.body.contains("Sổ theo dõi"),
        "{}",
        &r.body[..200.min(r.body.len())]
    );
    // Codes may break after their unit's part on paper.
    let ledger = r.body.replace("<wbr>", "");
    for code in [&accepted, &incomplete, &refused] {
        assert!(ledger.contains(code.as_str()), "the ledger lacks {code}");
    }
    // The hand-over columns: the accepted dossier went to the police (handed over), the other
    // two never left the desk.
    assert!(!times_of(&ledger, &accepted)[2].is_empty(), "handed over");
    assert!(times_of(&ledger, &accepted)[3].is_empty(), "no result yet");
    for code in [&incomplete, &refused] {
        assert!(
            times_of(&ledger, code)[2].is_empty(),
            "{code} never left the desk"
        );
    }
    // A certificate to collect at the Centre comes back to the desk: the result column fills.
    let mut body = desk_body("accept", &["TK", "GTTT"], None);
    body["form"]["nhan_ket_qua"] = json!("truc_tiep");
    let r = desk.post(&app, "/api/v1/onestop/desk", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let collected = r.json()["code"].as_str().unwrap().to_owned();
    let head = Clerk::new(&app, "lanhdao20", &[(Role::DivisionHead, Some(POLICE))]).await;
    for (clerk, step, action, inputs) in [
        (&police, "tra-cuu", "du-thong-tin", json!({})),
        (
            &head,
            "duyet-ky",
            "ky",
            json!({ "result": "PLLTP-2026-000777" }),
        ),
    ] {
        let r = clerk
            .command(
                &app,
                &collected,
                json!({ "type": "act", "step": step, "action": action, "inputs": inputs }),
            )
            .await;
        assert_eq!(r.status, 200, "{step}: {}", r.body);
    }
    let ledger = print(&app, &desk, "/so-theo-doi")
        .await
        .body
        .replace("<wbr>", "");
    let times = times_of(&ledger, &collected);
    assert!(!times[2].is_empty() && !times[3].is_empty(), "{times:?}");
    assert!(times[4].is_empty(), "not yet handed to the applicant");

    // Another desk's ledger holds none of them; an unknown desk is 404.
    let other = print(
        &app,
        &desk,
        "/so-theo-doi?don-vi=trung-tam-phvhcc-phuong-hac-thanh",
    )
    .await;
    assert_eq!(
        other.status, 403,
        "the receiver works at the provincial desk only"
    );
    assert_eq!(
        print(&app, &desk, "/so-theo-doi?don-vi=khong-co")
            .await
            .status,
        404
    );
    // A specialist of the police may not print the desk's ledger.
    assert_eq!(print(&app, &police, "/so-theo-doi").await.status, 403);
}

/// The time cells of a dossier's ledger row: received, due, handed over, result back, returned.
fn times_of(ledger: &str, code: &str) -> Vec<String> {
    let row = ledger
        .split("<tr>")
        .find(|r| r.contains(code))
        .unwrap_or_else(|| panic!("the ledger has no row for {code}"));
    row.split(r#"<td class="t">"#)
        .skip(1)
        .map(|cell| {
            cell.split("</td>")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .collect()
}

backend_tests!(each_form_comes_from_the_history);
