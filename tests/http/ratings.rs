//! Satisfaction ratings through HTTP: the owner rates a dossier once its result is returned, on
//! the "my dossiers" page (form, 303, the rating shown instead of the form) and through the JSON
//! API, with the answers to indicators 3 and 4 of the assessment stored beside it; rating before
//! the result, a dossier withdrawn or stopped, another citizen's dossier (404, as if there were
//! none), twice, without the session's token or with a missing answer or an overlong comment is
//! refused, in the host's language; a dossier refused in writing may be rated.

use axum::body::Body;
use chrono::Utc;
use motcua_authz::Role;
use motcua_core::assessment::{AgenciesContacted, DeskContacts};
use motcua_core::dossier::{CitizenId, DossierStatus};
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use motcua_web::host::Site;
use motcua_web::session::{CitizenIdentity, Principal, Sessions};
use serde_json::{Value, json};

use crate::officials::{EN, VI, request, tenant};
use crate::onestop::{Clerk, DESK, POLICE, RECORDS, STAFF, desk_body};

/// The applicant of [`desk_body`]'s dossiers.
pub(crate) const OWNER_ID: &str = "038095001234";
const OTHER_ID: &str = "001099009999";

/// A complete rating through the API, every question answered, `overall` as given.
fn body(overall: &str) -> Value {
    json!({
        "overall": overall,
        "convenience": "satisfied",
        "timeliness": "satisfied",
        "staff_support": "satisfied",
        "desk_contacts": "one",
        "agencies_contacted": "desk_only",
    })
}

/// A citizen signed in on the portal of Thanh Hóa in `lang`.
pub(crate) struct Citizen {
    host: &'static str,
    cookie: String,
    csrf: String,
}

impl Citizen {
    pub(crate) async fn new(app: &TestApp, lang: Lang, subject: &str, id: &str) -> Self {
        let t = tenant(app, "thanhhoa").await;
        let site = Site {
            tenant: app.state.sites.by_id(t).unwrap(),
            lang,
            system: System::Portal,
        };
        let principal = Principal::Citizen(CitizenIdentity {
            issuer: "https://sso.dichvucong.gov.vn".to_owned(),
            subject: subject.to_owned(),
            name: format!("Công dân {subject}"),
            citizen_id: Some(id.to_owned()),
            acr: Some("LoA2".to_owned()),
        });
        let new = Sessions::create(&app.state, &site, principal)
            .await
            .unwrap();
        let cookie = new.set_cookie.to_str().unwrap();
        Self {
            host: lang.pick(VI, EN),
            cookie: cookie.split(';').next().unwrap().to_owned(),
            csrf: new.csrf,
        }
    }

    pub(crate) async fn get(&self, app: &TestApp, path: &str) -> Reply {
        app.send(request(
            "GET",
            self.host,
            path,
            Some(&self.cookie),
            None,
            &[],
            Body::empty(),
        ))
        .await
    }

    pub(crate) async fn post_json(&self, app: &TestApp, path: &str, body: Value) -> Reply {
        app.send(request(
            "POST",
            self.host,
            path,
            Some(&self.cookie),
            Some(&self.csrf),
            &[("content-type", "application/json")],
            Body::from(body.to_string()),
        ))
        .await
    }

    /// Sends the rating form of dossier `code` with `fields` (the session's token first unless
    /// `token` is false).
    async fn form(&self, app: &TestApp, code: &str, token: bool, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = Vec::new();
        if token {
            all.push(("csrf", &self.csrf));
        }
        all.extend_from_slice(fields);
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        let path = match self.host {
            EN => format!("/my-dossiers/{code}/rating"),
            _ => format!("/ho-so-cua-toi/{code}/danh-gia"),
        };
        app.send(request(
            "POST",
            self.host,
            &path,
            Some(&self.cookie),
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::from(body),
        ))
        .await
    }
}

/// The officials who receive, handle and sign Thanh Hóa's judicial record dossiers.
struct Officials {
    desk: Clerk,
    police: Clerk,
    head: Clerk,
}

impl Officials {
    async fn new(app: &TestApp, n: u32) -> Self {
        Self {
            desk: Clerk::new(
                app,
                &format!("tiepnhan{n}"),
                &[(Role::Receiver, Some(DESK))],
            )
            .await,
            police: Clerk::new(
                app,
                &format!("chuyenvien{n}"),
                &[(Role::Specialist, Some(POLICE))],
            )
            .await,
            head: Clerk::new(
                app,
                &format!("lanhdao{n}"),
                &[(Role::DivisionHead, Some(POLICE))],
            )
            .await,
        }
    }

    /// Receives a dossier of the owner at the desk: its code.
    async fn receive(&self, app: &TestApp) -> String {
        let r = self
            .desk
            .post(
                app,
                "/api/v1/onestop/desk",
                desk_body("accept", &["TK", "GTTT"], None),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["code"].as_str().unwrap().to_owned()
    }

    /// Handles dossier `code` to its signed result, returned to the applicant.
    async fn finish(&self, app: &TestApp, code: &str) {
        let r = self
            .police
            .command(
                app,
                code,
                json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = app
            .send(request(
                "POST",
                STAFF,
                &format!("/api/v1/uploads?procedure={RECORDS}&name=phieu-ltp.pdf"),
                Some(&self.head.cookie),
                Some(&self.head.csrf),
                &[],
                Body::from(
                    format!("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n% {code}\n"),
                ),
            ))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let upload = r.json()["id"].as_str().unwrap().to_owned();
        let r = self
            .head
            .command(
                app,
                code,
                json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                        "inputs": { "result": "PLLTP-2026-000777" }, "attachments": [upload] }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

async fn a_dossier_is_rated_once_by_its_owner_after_the_result(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let officials = Officials::new(&app, 71).await;
    let code = officials.receive(&app).await;
    let owner = Citizen::new(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let page = format!("/ho-so-cua-toi/{code}");
    let api = format!("/api/v1/dossiers/{code}/rating");
    let answers = [
        ("overall", "very_satisfied"),
        ("convenience", "satisfied"),
        ("timeliness", "very_satisfied"),
        ("staff_support", "not_satisfied"),
        ("desk_contacts", "none"),
        ("agencies_contacted", "more"),
        ("comment", "Cán bộ hướng dẫn chưa rõ ràng."),
    ];

    // Still handled: no form, and rating is refused on the page and through the API.
    let r = owner.get(&app, &page).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("id=\"rating\""), "{}", r.body);
    let r = owner.form(&app, &code, true, &answers).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("đang được giải quyết"), "{}", r.body);
    let r = owner.post_json(&app, &api, body("satisfied")).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "not_finished");
    assert_eq!(owner.get(&app, &api).await.json()["may_rate"], false);

    officials.finish(&app, &code).await;

    // The result is returned: the page offers the form.
    let r = owner.get(&app, &page).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for shown in [
        "id=\"rating\"",
        "Đánh giá mức độ hài lòng",
        &format!("action=\"/ho-so-cua-toi/{code}/danh-gia\""),
        "name=\"overall\" value=\"very_satisfied\"",
        "name=\"staff_support\" value=\"not_satisfied\"",
        "Sự hướng dẫn, hỗ trợ của cán bộ",
        "<legend>Số lần bạn phải liên hệ với Bộ phận một cửa để hoàn thiện hồ sơ</legend>",
        "id=\"rating-desk_contacts-one\" name=\"desk_contacts\" value=\"one\"",
        "<label for=\"rating-agencies_contacted-desk_only\">Chỉ Bộ phận một cửa</label>",
        "name=\"csrf\"",
    ] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    assert_eq!(owner.get(&app, &api).await.json()["may_rate"], true);

    // Another citizen: not found, as if there were no such dossier; nothing stored.
    let other = Citizen::new(&app, Lang::Vi, "an", OTHER_ID).await;
    let r = other.form(&app, &code, true, &answers).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(!r.body.contains("không phải của bạn"), "{}", r.body);
    let r = other.post_json(&app, &api, body("satisfied")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "not_found");
    assert_eq!(other.get(&app, &api).await.status, 404);
    // Without the session's token, or with an answer missing: refused.
    let r = owner.form(&app, &code, false, &answers).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = owner.form(&app, &code, true, &answers[1..]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Mức độ hài lòng chung"), "{}", r.body);
    let r = owner.form(&app, &code, true, &answers[..5]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Cơ quan, đơn vị bạn phải liên hệ trong quá trình giải quyết hồ sơ"),
        "{}",
        r.body
    );
    assert_eq!(owner.get(&app, &api).await.json()["rating"], Value::Null);

    // The owner rates: back to the page, which thanks them and shows the rating, no form.
    let r = owner.form(&app, &code, true, &answers).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/ho-so-cua-toi/{code}?ok=rated").as_str())
    );
    let r = owner.get(&app, &format!("{page}?ok=rated")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for shown in [
        "Cảm ơn bạn đã đánh giá",
        "Bạn đã đánh giá lúc",
        "Rất hài lòng",
        "Không hài lòng",
        "Không lần nào",
        "Bộ phận một cửa và cơ quan, đơn vị khác",
        "Cán bộ hướng dẫn chưa rõ ràng.",
    ] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    assert!(!r.body.contains("class=\"account-form rating-form\""));

    // Twice: refused, on the page and through the API; the first rating stands.
    let r = owner
        .form(
            &app,
            &code,
            true,
            &[
                ("overall", "not_satisfied"),
                ("convenience", "not_satisfied"),
                ("timeliness", "not_satisfied"),
                ("staff_support", "not_satisfied"),
                ("desk_contacts", "more"),
                ("agencies_contacted", "more"),
            ],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("mỗi hồ sơ được đánh giá một lần"),
        "{}",
        r.body
    );
    let r = owner.post_json(&app, &api, body("not_satisfied")).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "already_rated");

    // In English on the English host.
    let en = Citizen::new(&app, Lang::En, "hoa", OWNER_ID).await;
    let r = en.get(&app, &format!("/my-dossiers/{code}")).await;
    assert!(r.body.contains("You rated it at"), "{}", r.body);
    assert!(r.body.contains("Very satisfied"), "{}", r.body);
    let shown = en.get(&app, &api).await.json();
    assert_eq!(shown["may_rate"], false, "{shown}");
    assert_eq!(shown["rating"]["overall"]["code"], "very_satisfied");
    assert_eq!(shown["rating"]["overall"]["label"], "Very satisfied");
    assert_eq!(shown["rating"]["staff_support"]["code"], "not_satisfied");
    assert_eq!(shown["rating"]["desk_contacts"]["code"], "none");
    assert_eq!(shown["rating"]["desk_contacts"]["label"], "Not at all");
    assert_eq!(shown["rating"]["agencies_contacted"]["code"], "more");
    let r = en.post_json(&app, &api, body("satisfied")).await;
    assert_eq!(r.status, 409);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a dossier is rated once"),
        "{}",
        r.body
    );
}

async fn the_api_rates_a_finished_dossier_and_checks_the_answers(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let officials = Officials::new(&app, 72).await;
    let code = officials.receive(&app).await;
    officials.finish(&app, &code).await;
    let owner = Citizen::new(&app, Lang::En, "hoa", OWNER_ID).await;
    let api = format!("/api/v1/dossiers/{code}/rating");

    let mut bad = body("satisfied");
    bad["convenience"] = json!("great");
    let r = owner.post_json(&app, &api, bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "answer_required");
    // The assessment's questions are asked too, with their answers named.
    for (field, value, shown) in [
        (
            "desk_contacts",
            json!("twice"),
            "Not at all; Once; More than once",
        ),
        ("desk_contacts", Value::Null, "contact the one-stop desk"),
        ("agencies_contacted", json!("one"), "Only the one-stop desk"),
    ] {
        let mut bad = body("satisfied");
        bad[field] = value;
        let r = owner.post_json(&app, &api, bad).await;
        assert_eq!(r.status, 422, "{field}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "answer_required");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains(shown),
            "{}",
            r.body
        );
    }
    let mut long = body("satisfied");
    long["comment"] = json!("x".repeat(2001));
    let r = owner.post_json(&app, &api, long).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "comment_too_long");

    let r = owner
        .post_json(&app, &api, json!({ "overall": "satisfied", "convenience": "very_satisfied", "timeliness": "not_satisfied", "staff_support": "satisfied", "comment": "  ", "desk_contacts": " more ", "agencies_contacted": "none" }))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let given = r.json();
    assert_eq!(given["dossier"], code.as_str());
    assert_eq!(given["overall"]["code"], "satisfied");
    assert_eq!(given["timeliness"]["label"], "Not satisfied");
    assert_eq!(given["comment"], Value::Null, "a blank comment is none");
    assert_eq!(given["desk_contacts"]["code"], "more");
    assert_eq!(
        given["agencies_contacted"]["label"],
        "None (applied and received the result online or by post)"
    );

    // Stored for the dossier's tenant, procedure and division; nothing reached by anyone else.
    let t = tenant(&app, "thanhhoa").await;
    let dossier = motcua_store::dossiers::find(&app.db.store, t, &code.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let stored = motcua_store::ratings::of_dossier(&app.db.store, t, dossier.id)
        .await
        .unwrap()
        .expect("the rating");
    assert_eq!(stored.procedure_code, RECORDS);
    assert_eq!(stored.division, POLICE);
    assert_eq!(stored.desk_contacts, Some(DeskContacts::More));
    assert_eq!(stored.agencies_contacted, Some(AgenciesContacted::None));
    // What the assessment's reports score them (indicators 3 and 4).
    assert_eq!(
        (
            stored.desk_contacts.map(DeskContacts::score),
            stored.agencies_contacted.map(AgenciesContacted::score)
        ),
        (Some(0), Some(2))
    );
    let hcm = tenant(&app, "hochiminhcity").await;
    assert_eq!(
        motcua_store::ratings::of_dossier(&app.db.store, hcm, dossier.id)
            .await
            .unwrap(),
        None
    );
    // Nobody signed in: 401.
    assert_eq!(app.get(EN, &api).await.status, 401);
}

/// A dossier of the owner that ended as `status`, stored as it stands: its code.
async fn ended(app: &TestApp, status: DossierStatus) -> String {
    let t = tenant(app, "thanhhoa").await;
    let mut applicant = motcua_tests::citizen("Lê Thị Hoa");
    applicant.id_number = CitizenId::parse(OWNER_ID);
    let now = Utc::now();
    let mut new = motcua_tests::plain_dossier(RECORDS, "000.00.01.H56", now, None, applicant);
    new.start.status = status;
    new.start.closed_at = Some(now);
    motcua_store::dossiers::receive(&app.db.store, t, new)
        .await
        .unwrap()
        .dossier()
        .code
        .to_string()
}

async fn only_a_dossier_answered_by_the_agency_is_rated(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let owner = Citizen::new(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let en = Citizen::new(&app, Lang::En, "hoa", OWNER_ID).await;
    // Withdrawn by the applicant, or its handling stopped: closed, but no answer to rate.
    for status in [DossierStatus::Withdrawn, DossierStatus::Stopped] {
        let code = ended(&app, status).await;
        let api = format!("/api/v1/dossiers/{code}/rating");
        let r = owner.get(&app, &format!("/ho-so-cua-toi/{code}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.body.contains("id=\"rating\""), "{status:?}: {}", r.body);
        assert_eq!(owner.get(&app, &api).await.json()["may_rate"], false);
        let r = owner.post_json(&app, &api, body("satisfied")).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "no_result");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("không có kết quả để đánh giá"),
            "{}",
            r.body
        );
        let r = en.post_json(&app, &api, body("satisfied")).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("has no result to rate"),
            "{}",
            r.body
        );
    }

    // Refused at the desk with its reasons in writing (Form 03): that is the agency's answer,
    // and the applicant may rate how it was reached.
    let desk = Clerk::new(&app, "tiepnhan73", &[(Role::Receiver, Some(DESK))]).await;
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
    let code = r.json()["code"].as_str().unwrap().to_owned();
    let r = owner.get(&app, &format!("/ho-so-cua-toi/{code}")).await;
    assert!(r.body.contains("id=\"rating\""), "{}", r.body);
    let api = format!("/api/v1/dossiers/{code}/rating");
    assert_eq!(owner.get(&app, &api).await.json()["may_rate"], true);
    let r = owner.post_json(&app, &api, body("not_satisfied")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["desk_contacts"]["code"], "one");
}

backend_tests!(
    a_dossier_is_rated_once_by_its_owner_after_the_result,
    the_api_rates_a_finished_dossier_and_checks_the_answers,
    only_a_dossier_answered_by_the_agency_is_rated,
);
