//! The one-stop system's pages, as a browser without JavaScript uses them: the inbox each
//! official sees, the dossier page with exactly the forms the official may send, and sending
//! them (two officials at once included). The reception form is in `desk_page`.

use chrono::{DateTime, Duration, Utc};
use motcua_authz::Role;
use motcua_core::dossier::{Applicant, ApplicantKind, Channel};
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use motcua_workflow::engine::{self, Actor, ActorKind, Command, Context, Inputs, RoleGrant};
use serde_json::json;

use super::{Clerk, DESK, POLICE, RECORDS, STAFF, at, desk_body};
use crate::officials::{between, form};

/// Receives a complete dossier at the desk through the API; its code.
pub(super) async fn received(app: &TestApp, desk: &Clerk, name: &str) -> String {
    let mut body = desk_body("accept", &["TK", "GTTT"], None);
    body["applicant"]["name"] = json!(name);
    let r = desk.post(app, "/api/v1/onestop/desk", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

/// Receives a dossier at `then` and passes it from the desk to the police at once, as the desk
/// would have done then: by now it is long overdue.
async fn received_long_ago(app: &TestApp, desk: &Clerk, then: DateTime<Utc>) -> String {
    let site = app.state.sites.resolve(STAFF).unwrap().site;
    let live = site.procedure(RECORDS).unwrap();
    let def = &live.procedure.definition;
    let info = live.info();
    let form = live
        .procedure
        .form
        .validate(&motcua_tests::demo_form("thanhhoa", RECORDS), then)
        .unwrap();
    let ctx = Context {
        now: then,
        calendar: &site.calendar,
        form: &form,
        channel: Channel::Desk,
        applicant_kind: ApplicantKind::Citizen,
    };
    let start = engine::start(def, "ca-nhan-tu-yeu-cau", info.time, &ctx).unwrap();
    let start = motcua_web::handling::change_from(&start, def, "system", then, None, RECORDS);
    let new = motcua_store::dossiers::NewDossier {
        procedure_code: RECORDS.to_owned(),
        procedure_version: live.version,
        case_key: "ca-nhan-tu-yeu-cau".to_owned(),
        receiving_unit: info.desk(&site.manifest).code,
        channel: Channel::Desk,
        applicant: Applicant {
            kind: ApplicantKind::Citizen,
            name: "Trịnh Văn Quá Hạn".to_owned(),
            id_number: None,
            phone: None,
            email: None,
            address: None,
        },
        form,
        idempotency_key: None,
        received_at: then,
        start,
    };
    let d = motcua_store::dossiers::receive(&app.db.store, site.id, new)
        .await
        .unwrap()
        .dossier()
        .clone();
    let actor = Actor {
        id: motcua_authz::subject(desk.id),
        kind: ActorKind::Official,
        roles: vec![RoleGrant {
            role: "receiver".to_owned(),
            division: DESK.to_owned(),
        }],
    };
    let accept = Command::Act {
        step: "tiep-nhan".to_owned(),
        action: "chuyen".to_owned(),
        inputs: Inputs {
            documents: vec!["TK".to_owned(), "GTTT".to_owned()],
            ..Inputs::default()
        },
    };
    let internal = motcua_web::host::Site::internal(site, motcua_core::lang::Lang::Vi);
    motcua_web::handling::act_recording(
        &app.state,
        &internal,
        &d.code,
        &accept,
        &actor,
        None,
        then,
        Vec::new(),
    )
    .await
    .unwrap();
    d.code.to_string()
}

/// The table row of the page that holds `text`.
fn row<'a>(body: &'a str, text: &str) -> &'a str {
    let at = body
        .find(text)
        .unwrap_or_else(|| panic!("`{text}` in {body}"));
    let start = body[..at].rfind("<tr").unwrap();
    let end = at + body[at..].find("</tr>").unwrap();
    &body[start..end]
}

/// Sends a form of a page with the official's session.
pub(super) async fn send(
    app: &TestApp,
    clerk: &Clerk,
    path: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut all = vec![("csrf", clerk.csrf.as_str())];
    all.extend_from_slice(fields);
    form(app, STAFF, path, Some(&clerk.cookie), &all).await
}

/// The dossier version a page's forms carry.
fn version(page: &str) -> String {
    between(page, "name=\"expected_version\" value=\"", "\"").to_owned()
}

async fn the_inbox_shows_each_official_their_work(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan20", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien20", &[(Role::Specialist, Some(POLICE))]).await;
    let justice = Clerk::new(
        &app,
        "chuyenvien21",
        &[(Role::Specialist, Some("so-tu-phap"))],
    )
    .await;
    let fresh = received(&app, &desk, "Lê Thị Hoa").await;
    let late = received_long_ago(&app, &desk, Utc::now() - Duration::days(40)).await;

    let r = police.get(&app, "/").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("Hệ thống một cửa") && r.body.contains("Cán bộ chuyenvien20"));
    let mine = row(&r.body, &fresh);
    assert!(mine.contains(&format!("href=\"/ho-so/{fresh}\"")), "{mine}");
    assert!(
        mine.contains("Lê Thị Hoa") && mine.contains("Tra cứu Cơ sở dữ liệu lý lịch tư pháp"),
        "{mine}"
    );
    assert!(
        mine.contains("Chưa có người nhận") && !mine.contains("Quá hạn"),
        "{mine}"
    );
    // Times in Vietnam's zone.
    let view = police.dossier(&app, &fresh).await.json();
    let received_at: DateTime<Utc> = view["received_at"].as_str().unwrap().parse().unwrap();
    let local = received_at.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    assert!(
        mine.contains(&local.format("%d/%m/%Y %H:%M").to_string()),
        "{mine}"
    );
    // Past its due time: marked in words, not only by colour.
    assert!(
        row(&r.body, &late).contains("Quá hạn"),
        "{}",
        row(&r.body, &late)
    );

    let r = police.get(&app, "/?due=overdue").await;
    assert!(
        r.body.contains(&late) && !r.body.contains(&fresh),
        "{}",
        r.body
    );
    let r = police.get(&app, "/?scope=mine").await;
    assert!(!r.body.contains(&fresh), "{}", r.body);
    let r = police.get(&app, "/?due=someday").await;
    assert_eq!(r.status, 422, "{}", r.body);

    // Claimed: the row names the official as "Tôi".
    let r = police
        .command(&app, &fresh, json!({ "type": "claim", "step": "tra-cuu" }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = police.get(&app, "/?scope=mine").await;
    assert!(row(&r.body, &fresh).contains("Tôi"), "{}", r.body);

    // Another division's specialist sees neither.
    let r = justice.get(&app, "/").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        !r.body.contains(&fresh) && !r.body.contains(&late),
        "{}",
        r.body
    );
    assert!(r.body.contains("Không có hồ sơ nào phù hợp"), "{}", r.body);
}

async fn the_dossier_page_offers_exactly_the_allowed_actions(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan22", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien22", &[(Role::Specialist, Some(POLICE))]).await;
    let head = Clerk::new(&app, "lanhdao22", &[(Role::DivisionHead, Some(POLICE))]).await;
    let code = received(&app, &desk, "Lê Thị Hoa").await;
    let path = format!("/ho-so/{code}");

    let page = police.get(&app, &path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    for offered in [
        "value=\"du-thong-tin\"",
        "value=\"can-xac-minh\"",
        "value=\"claim\"",
    ] {
        assert!(b.contains(offered), "{offered} in {b}");
    }
    for refused in [
        "value=\"ky\"",
        "value=\"release\"",
        "value=\"reassign\"",
        "value=\"stop\"",
        "value=\"withdraw\"",
    ] {
        assert!(!b.contains(refused), "{refused} in {b}");
    }
    // The action that needs a reason asks for it.
    assert!(b.contains("id=\"tra-cuu--can-xac-minh-reason\""), "{b}");
    assert!(!b.contains("id=\"tra-cuu--du-thong-tin-reason\""), "{b}");
    // The e-form under its labels, choices by their options' labels, dates as Vietnam writes them.
    assert!(
        b.contains("<dt>Giới tính</dt>") && b.contains("<dd>Nam</dd>"),
        "{b}"
    );
    assert!(
        b.contains("Phiếu lý lịch tư pháp điện tử (Cổng Dịch vụ công, VNeID)"),
        "{b}"
    );
    assert!(b.contains("18/05/1996"), "{b}");
    // The history in words, with the official's name; the forms that apply.
    assert!(
        b.contains("Kiểm tra thành phần hồ sơ tại Bộ phận Một cửa"),
        "{b}"
    );
    assert!(b.contains("Cán bộ tiepnhan22"), "{b}");
    assert!(b.contains("Tiếp nhận, chuyển Công an tỉnh (Mẫu 01)"), "{b}");
    assert!(b.contains(&format!("href=\"/ho-so/{code}/mau-01\"")), "{b}");
    assert!(b.contains(&format!("href=\"/ho-so/{code}/mau-05\"")), "{b}");
    assert!(
        !b.contains(&format!("href=\"/ho-so/{code}/mau-03\"")),
        "{b}"
    );

    // The head of the division may hand the step to the specialist, and act nowhere.
    let b = head.get(&app, &path).await.body;
    assert!(
        b.contains("value=\"reassign\"")
            && b.contains(&format!("value=\"{}\">Cán bộ chuyenvien22", police.id)),
        "{b}"
    );
    assert!(
        !b.contains("value=\"du-thong-tin\"") && !b.contains("value=\"claim\""),
        "{b}"
    );
    // The desk records the applicant's withdrawal, and has nothing to do at the police's step.
    let b = desk.get(&app, &path).await.body;
    assert!(
        b.contains("value=\"withdraw\"") && !b.contains("value=\"claim\""),
        "{b}"
    );
    assert!(
        !b.contains("value=\"stop\"") && !b.contains("value=\"supplement\""),
        "{b}"
    );
}

async fn the_forms_of_the_dossier_page_move_it(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan23", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien23", &[(Role::Specialist, Some(POLICE))]).await;
    let code = received(&app, &desk, "Lê Thị Hoa").await;
    let path = format!("/ho-so/{code}");
    let act = format!("/ho-so/{code}/thao-tac");
    let seen = version(&police.get(&app, &path).await.body);

    let r = send(
        &app,
        &police,
        &act,
        &[
            ("expected_version", &seen),
            ("type", "claim"),
            ("step", "tra-cuu"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("{path}?ok=claim").as_str())
    );
    let page = police.get(&app, &format!("{path}?ok=claim")).await;
    assert!(
        page.body.contains("Bạn đã nhận xử lý bước này.")
            && page.body.contains("value=\"release\""),
        "{}",
        page.body
    );
    let now = version(&page.body);

    // The engine's refusal, in Vietnamese, on the page.
    let r = send(
        &app,
        &police,
        &act,
        &[
            ("expected_version", &now),
            ("type", "act"),
            ("step", "tra-cuu"),
            ("action", "can-xac-minh"),
        ],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("role=\"alert\""), "{}", r.body);
    // Sent on the version seen before the claim: the conflict, the dossier as it stands, and
    // what was typed kept.
    let r = send(
        &app,
        &police,
        &act,
        &[
            ("expected_version", &seen),
            ("type", "act"),
            ("step", "tra-cuu"),
            ("action", "can-xac-minh"),
            ("reason", "Cần xác minh nơi cư trú cũ."),
        ],
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("Hồ sơ vừa được người khác xử lý"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(">Cần xác minh nơi cư trú cũ.</textarea>"),
        "{}",
        r.body
    );
    assert_eq!(version(&r.body), now);

    let r = send(
        &app,
        &police,
        &act,
        &[
            ("expected_version", &now),
            ("type", "act"),
            ("step", "tra-cuu"),
            ("action", "du-thong-tin"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let view = police.dossier(&app, &code).await.json();
    assert_eq!(at(&view), ["duyet-ky"]);
    assert_eq!(view["status"]["code"], "processing");
}

backend_tests!(
    the_inbox_shows_each_official_their_work,
    the_dossier_page_offers_exactly_the_allowed_actions,
    the_forms_of_the_dossier_page_move_it,
);
