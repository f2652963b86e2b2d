//! "My dossiers" on the portal through HTTP: a signed-in citizen lists their own dossiers of the
//! host's tenant (and nobody else's), reads one with the history that concerns them (no internal
//! events), answers a request to supplement it by upload on the page and through the API (the
//! dossier moves back to handling with the files attached, which officials see; an answer when
//! none is awaited, or twice, is refused with nothing lost), and downloads its result, which
//! nobody else can.

use axum::body::Body;
use chrono::Utc;
use motcua_authz::Role;
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_tests::{Backend, Reply, TestApp, backend_tests, citizen, plain_dossier};
use motcua_web::host::Site;
use motcua_web::session::{CitizenIdentity, Principal, Sessions};
use serde_json::{Value, json};

use crate::officials::{PASSWORD, between, request, sign_in, tenant};
use crate::onestop::{Clerk, DESK, POLICE, RECORDS, STAFF, at, desk_body};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const HCM: &str = "dichvucong.hochiminhcity.localhost";
/// The applicant of [`desk_body`]'s dossiers.
const OWNER_ID: &str = "038095001234";
const OTHER_ID: &str = "001099009999";
pub(super) const BOUNDARY: &str = "----motcua-my-dossiers";

/// A PDF whose bytes differ by `n`.
pub(super) fn pdf(n: u8) -> Vec<u8> {
    let mut b =
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .to_vec();
    b.extend_from_slice(format!("% {n}\n").as_bytes());
    b
}

/// A citizen signed in on the portal of `slug` in `lang`.
#[derive(Debug)]
pub(super) struct Citizen {
    host: &'static str,
    pub(super) cookie: String,
    pub(super) csrf: String,
}

impl Citizen {
    pub(super) async fn new(
        app: &TestApp,
        slug: &str,
        lang: Lang,
        subject: &str,
        id: &str,
    ) -> Self {
        let t = tenant(app, slug).await;
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
            host: match (slug, lang) {
                ("hochiminhcity", _) => HCM,
                (_, Lang::Vi) => VI,
                (_, Lang::En) => EN,
            },
            cookie: cookie.split(';').next().unwrap().to_owned(),
            csrf: new.csrf,
        }
    }

    pub(super) async fn get(&self, app: &TestApp, path: &str) -> Reply {
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

    pub(super) async fn post_json(&self, app: &TestApp, path: &str, body: Value) -> Reply {
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

    /// Uploads `bytes` as `name` for the judicial record procedure: the upload's id.
    pub(super) async fn upload(&self, app: &TestApp, name: &str, bytes: Vec<u8>) -> String {
        let r = app
            .send(request(
                "POST",
                self.host,
                &format!("/api/v1/uploads?procedure={RECORDS}&name={name}"),
                Some(&self.cookie),
                Some(&self.csrf),
                &[],
                Body::from(bytes),
            ))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["id"].as_str().unwrap().to_owned()
    }

    /// Sends the supplement form of dossier `code`: `fields` (the session's token first unless
    /// `token` is false), then `files` `(input, name, bytes)`.
    async fn supplement_form(
        &self,
        app: &TestApp,
        code: &str,
        token: bool,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let mut all: Vec<(&str, &str)> = Vec::new();
        if token {
            all.push(("csrf", &self.csrf));
        }
        all.extend_from_slice(fields);
        let path = match self.host {
            EN => format!("/my-dossiers/{code}/supplement"),
            _ => format!("/ho-so-cua-toi/{code}/bo-sung"),
        };
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        app.send(request(
            "POST",
            self.host,
            &path,
            Some(&self.cookie),
            None,
            &[("content-type", &content_type)],
            Body::from(multipart(&all, files)),
        ))
        .await
    }
}

/// A `multipart/form-data` body: the fields in order, then the files `(input, name, bytes)`.
pub(super) fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Receives a dossier of `id_number` at the desk with `decision` (`supplement`: the identity
/// card missing, and why): its code.
async fn received(app: &TestApp, desk: &Clerk, id_number: &str, decision: &str) -> String {
    let (documents, reason): (&[&str], _) = match decision {
        "supplement" => (
            &["TK"],
            Some("Ảnh chụp căn cước bị mờ, cần chụp lại rõ nét."),
        ),
        _ => (&["TK", "GTTT"], None),
    };
    let mut body = desk_body(decision, documents, reason);
    body["applicant"]["id_number"] = json!(id_number);
    let r = desk.post(app, "/api/v1/onestop/desk", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

/// A dossier of the owner in Hồ Chí Minh City: its code.
async fn elsewhere(app: &TestApp) -> String {
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse(OWNER_ID);
    let hcm = tenant(app, "hochiminhcity").await;
    let new = plain_dossier("1.001193", "000.00.01.H29", Utc::now(), None, applicant);
    motcua_store::dossiers::receive(&app.db.store, hcm, new)
        .await
        .unwrap()
        .dossier()
        .code
        .to_string()
}

fn private(r: &Reply) {
    assert_eq!(
        r.header("cache-control"),
        Some("private, no-store"),
        "{r:?}"
    );
}

async fn the_list_shows_only_the_citizens_own_dossiers_of_this_tenant(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan90", &[(Role::Receiver, Some(DESK))]).await;
    let accepted = received(&app, &desk, OWNER_ID, "accept").await;
    let waiting = received(&app, &desk, OWNER_ID, "supplement").await;
    let theirs = received(&app, &desk, OTHER_ID, "accept").await;
    let other_tenant = elsewhere(&app).await;

    let owner = Citizen::new(&app, "thanhhoa", Lang::Vi, "hoa", OWNER_ID).await;
    let r = owner.get(&app, "/ho-so-cua-toi").await;
    assert_eq!(r.status, 200, "{}", r.body);
    private(&r);
    assert!(
        r.body
            .contains("<h1 id=\"my-dossiers-title\">Hồ sơ của tôi</h1>")
    );
    assert!(r.body.contains("2 hồ sơ"), "{}", r.body);
    let (first, second) = (
        r.body.find(&waiting).expect("the waiting dossier"),
        r.body.find(&accepted).expect("the accepted dossier"),
    );
    assert!(first < second, "newest first: {}", r.body);
    assert!(!r.body.contains(&theirs), "another citizen's: {}", r.body);
    assert!(!r.body.contains(&other_tenant), "another tenant's");
    assert!(r.body.contains("Chờ bạn bổ sung hồ sơ"), "{}", r.body);
    // Down to the division handling it.
    assert!(r.body.contains("Công an tỉnh Thanh Hóa"), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("href=\"/ho-so-cua-toi/{accepted}\"")),
        "{}",
        r.body
    );
    // The header offers the list to the signed-in citizen.
    assert!(
        r.body
            .contains("<a class=\"sign-in\" href=\"/ho-so-cua-toi\">Hồ sơ của tôi</a>"),
        "{}",
        r.body
    );
    let home = owner.get(&app, "/").await;
    assert!(
        home.body.contains("href=\"/ho-so-cua-toi\""),
        "{}",
        home.body
    );

    // In English on the English host; the other language's path leads to this host's.
    let en = Citizen::new(&app, "thanhhoa", Lang::En, "hoa", OWNER_ID).await;
    let r = en.get(&app, "/my-dossiers").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("My dossiers"), "{}", r.body);
    assert!(r.body.contains("Waiting for your supplement"), "{}", r.body);
    assert!(r.body.contains("Thanh Hoa Provincial Police"), "{}", r.body);
    assert!(r.body.contains("2 dossiers"), "{}", r.body);
    let r = en.get(&app, "/ho-so-cua-toi").await;
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/my-dossiers"));

    // The other citizen sees theirs only; the owner in Hồ Chí Minh City, that one only.
    let other = Citizen::new(&app, "thanhhoa", Lang::Vi, "an", OTHER_ID).await;
    let r = other.get(&app, "/ho-so-cua-toi").await;
    assert!(r.body.contains(&theirs) && !r.body.contains(&accepted));
    let there = Citizen::new(&app, "hochiminhcity", Lang::Vi, "hoa", OWNER_ID).await;
    let r = there.get(&app, "/ho-so-cua-toi").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&other_tenant) && !r.body.contains(&accepted));

    // Nobody signed in: the citizens' sign-in, coming back here. An official: told why not.
    let r = app.get(VI, "/ho-so-cua-toi?page=2").await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some("/auth/sign-in?return=%2Fho-so-cua-toi%3Fpage%3D2")
    );
    let (cookie, _) = sign_in(&app, VI, "tiepnhan90", PASSWORD).await;
    let r = app
        .send(request(
            "GET",
            VI,
            "/ho-so-cua-toi",
            Some(&cookie),
            None,
            &[],
            Body::empty(),
        ))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("Chỉ người nộp hồ sơ"), "{}", r.body);
    assert!(!r.body.contains(&accepted));
}

async fn a_dossier_page_is_the_owners_and_omits_internal_events(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan91", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien91", &[(Role::Specialist, Some(POLICE))]).await;
    let code = received(&app, &desk, OWNER_ID, "accept").await;
    let r = police
        .command(&app, &code, json!({ "type": "claim", "step": "tra-cuu" }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "comment", "text": "Ghi chú nội bộ: đối chiếu hồ sơ lưu trữ." }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let owner = Citizen::new(&app, "thanhhoa", Lang::Vi, "hoa", OWNER_ID).await;
    let r = owner.get(&app, &format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    private(&r);
    for shown in [
        &format!("Hồ sơ {code}"),
        "Đã tiếp nhận",
        "Tra cứu Cơ sở dữ liệu lý lịch tư pháp",
        "Công an tỉnh Thanh Hóa",
        "Hồ sơ được tiếp nhận vào hệ thống",
        "Bộ phận Một cửa kiểm tra thành phần hồ sơ",
        "Hồ sơ được chuyển đến Công an tỉnh Thanh Hóa",
        "Quá trình giải quyết",
    ] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    // Internal: who claimed it, officials' names and comments, the handing over itself.
    for hidden in [
        "Cán bộ chuyenvien91",
        "Cán bộ tiepnhan91",
        "Ghi chú nội bộ",
        "Nhận xử lý",
        "account:",
        "Tiếp nhận, chuyển Công an tỉnh",
    ] {
        assert!(!r.body.contains(hidden), "{hidden}: {}", r.body);
    }
    // The same in English.
    let en = Citizen::new(&app, "thanhhoa", Lang::En, "hoa", OWNER_ID).await;
    let r = en.get(&app, &format!("/my-dossiers/{code}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("The dossier was received"), "{}", r.body);
    assert!(
        r.body
            .contains("The dossier went to Thanh Hoa Provincial Police"),
        "{}",
        r.body
    );

    // Another citizen, another tenant's code or none: the same "not found", so that whose a
    // dossier is is never told.
    let other = Citizen::new(&app, "thanhhoa", Lang::Vi, "an", OTHER_ID).await;
    let r = other.get(&app, &format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        r.body
            .contains(&format!("Không tìm thấy hồ sơ mã {code} của bạn.")),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Quá trình giải quyết"));
    let other_tenant = elsewhere(&app).await;
    let r = owner
        .get(&app, &format!("/ho-so-cua-toi/{other_tenant}"))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body.contains("Không tìm thấy hồ sơ"), "{}", r.body);
    let r = en.get(&app, &format!("/my-dossiers/{other_tenant}")).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        r.body.contains("You have no dossier with the code"),
        "{}",
        r.body
    );
    assert_eq!(owner.get(&app, "/ho-so-cua-toi/abc").await.status, 404);
    let r = app.get(VI, &format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(r.status, 303);
}

/// The desk's view of dossier `code`.
async fn seen_by(clerk: &Clerk, app: &TestApp, code: &str) -> Value {
    let r = clerk.dossier(app, code).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn a_supplement_request_is_answered_on_the_page(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan92", &[(Role::Receiver, Some(DESK))]).await;
    let code = received(&app, &desk, OWNER_ID, "supplement").await;
    let owner = Citizen::new(&app, "thanhhoa", Lang::Vi, "hoa", OWNER_ID).await;

    let page = owner.get(&app, &format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "Bổ sung hồ sơ",
        "enctype=\"multipart/form-data\"",
        &format!("action=\"/ho-so-cua-toi/{code}/bo-sung\""),
        "name=\"doc.GTTT\"",
        "Bản chụp Căn cước công dân",
        "Ảnh chụp căn cước bị mờ",
        "Tạm dừng tính thời gian",
        "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    let request_no = between(&page.body, "name=\"request\" value=\"", "\"").to_owned();

    // Without the session's token: refused before anything is stored.
    let card = pdf(1);
    let r = owner
        .supplement_form(
            &app,
            &code,
            false,
            &[("request", &request_no)],
            &[("doc.GTTT", "cccd.pdf", &card)],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A program named like a PDF: refused by the procedure's rules, said on the page; the good
    // file beside it is kept, and nothing moved.
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    program.extend_from_slice(&[0u8; 200]);
    let other_paper = pdf(2);
    let r = owner
        .supplement_form(
            &app,
            &code,
            true,
            &[("request", &request_no)],
            &[
                ("doc.GTTT", "cccd.pdf", &program),
                ("other", "giay-xac-nhan.pdf", &other_paper),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Loại tệp này không được chấp nhận"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Đã tải lên: giay-xac-nhan.pdf"),
        "{}",
        r.body
    );
    let kept = between(&r.body, "name=\"kept\" value=\"", "\"").to_owned();
    assert!(kept.starts_with("other|up_"), "{kept}");
    assert_eq!(
        seen_by(&desk, &app, &code).await["status"]["code"],
        "supplement_requested"
    );
    // The document asked for is required.
    let r = owner
        .supplement_form(
            &app,
            &code,
            true,
            &[("request", &request_no), ("kept", &kept)],
            &[],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Còn thiếu giấy tờ"), "{}", r.body);

    // The card now, with the paper kept: the dossier goes back to the desk with both attached.
    let r = owner
        .supplement_form(
            &app,
            &code,
            true,
            &[("request", &request_no), ("kept", &kept)],
            &[("doc.GTTT", "cccd.pdf", &card)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location").unwrap(),
        format!("/ho-so-cua-toi/{code}?ok=supplemented")
    );
    let page = owner
        .get(&app, &format!("/ho-so-cua-toi/{code}?ok=supplemented"))
        .await;
    assert!(page.body.contains("Đã nhận hồ sơ bổ sung của bạn"));
    assert!(page.body.contains("Bạn đã bổ sung hồ sơ."), "{}", page.body);
    assert!(!page.body.contains("name=\"doc.GTTT\""), "the form is gone");
    assert!(page.body.contains("cccd.pdf") && page.body.contains("giay-xac-nhan.pdf"));
    let view = seen_by(&desk, &app, &code).await;
    assert_ne!(view["status"]["code"], "supplement_requested", "{view}");
    assert_eq!(at(&view), ["tiep-nhan"], "{view}");
    let documents = view["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2, "{view}");
    assert_eq!(documents[0]["kind"], "document");
    assert_eq!(documents[0]["code"], "GTTT");
    assert_eq!(documents[0]["attached_by"], "citizen:hoa");
    assert_eq!(documents[1]["kind"], "supplement");
    let download = desk.get(&app, documents[0]["href"].as_str().unwrap()).await;
    assert_eq!(download.body.as_bytes(), card.as_slice());
    let supplemented: Vec<&Value> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "supplemented")
        .collect();
    assert_eq!(supplemented.len(), 1, "{view}");
    assert_eq!(supplemented[0]["data"]["documents"][0], "GTTT");

    // The same form again: already supplemented, said clearly; nothing attached twice.
    let r = owner
        .supplement_form(
            &app,
            &code,
            true,
            &[("request", &request_no)],
            &[("doc.GTTT", "cccd-2.pdf", &pdf(3))],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("Hồ sơ đã được bổ sung lúc"), "{}", r.body);
    assert_eq!(
        seen_by(&desk, &app, &code).await["documents"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A dossier that was never asked: refused too.
    let accepted = received(&app, &desk, OWNER_ID, "accept").await;
    let r = owner
        .supplement_form(&app, &accepted, true, &[], &[("other", "x.pdf", &pdf(4))])
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("không ở trạng thái chờ bổ sung"),
        "{}",
        r.body
    );
    // Another citizen cannot answer for the owner: to them there is no such dossier.
    let other = Citizen::new(&app, "thanhhoa", Lang::Vi, "an", OTHER_ID).await;
    let r = other
        .supplement_form(&app, &code, true, &[], &[("other", "x.pdf", &pdf(5))])
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
}

async fn a_supplement_request_is_answered_through_the_api(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan93", &[(Role::Receiver, Some(DESK))]).await;
    let code = received(&app, &desk, OWNER_ID, "supplement").await;
    let owner = Citizen::new(&app, "thanhhoa", Lang::En, "hoa", OWNER_ID).await;
    let path = format!("/api/v1/dossiers/{code}/supplement");

    let r = owner.get(&app, &path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let asked = r.json();
    assert_eq!(asked["waiting"], true, "{asked}");
    assert_eq!(asked["documents"][0]["code"], "GTTT", "{asked}");
    assert!(
        asked["reason"]
            .as_str()
            .unwrap()
            .contains("Ảnh chụp căn cước bị mờ")
    );
    let request_no = asked["request"].as_u64().unwrap();

    let card = owner.upload(&app, "cccd.pdf", pdf(11)).await;
    let rival = owner.upload(&app, "cccd-khac.pdf", pdf(12)).await;
    let r = owner
        .post_json(&app, &path, json!({ "documents": [{ "upload": card }] }))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "documents_missing");
    let r = owner
        .post_json(
            &app,
            &path,
            json!({ "request": request_no + 1, "documents": [{ "document": "GTTT", "upload": card }] }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "supplement_request_changed");
    // Someone else's upload is no one's to attach.
    let stranger = Citizen::new(&app, "thanhhoa", Lang::Vi, "an", OTHER_ID).await;
    let theirs = stranger.upload(&app, "cua-nguoi-khac.pdf", pdf(13)).await;
    let r = owner
        .post_json(
            &app,
            &path,
            json!({ "documents": [{ "document": "GTTT", "upload": theirs }] }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "upload_not_found");

    // Two answers at once: exactly one is taken, the other told it came second; the dossier
    // holds the winner's file only, and the loser's upload is still theirs.
    let answer = |upload: &str| {
        owner.post_json(
            &app,
            &path,
            json!({ "request": request_no, "documents": [{ "document": "GTTT", "upload": upload }] }),
        )
    };
    let (a, b) = tokio::join!(answer(&card), answer(&rival));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    let (won, lost) = if a.status == 200 { (a, b) } else { (b, a) };
    assert_eq!(
        lost.json()["error"]["code"],
        "already_supplemented",
        "{}",
        lost.body
    );
    let body = won.json();
    assert_ne!(body["status"]["code"], "supplement_requested", "{body}");
    assert_eq!(body["documents"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["documents"][0]["code"], "GTTT");
    let view = seen_by(&desk, &app, &code).await;
    assert_eq!(view["documents"].as_array().unwrap().len(), 1, "{view}");
    let count = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "supplemented")
        .count();
    assert_eq!(count, 1, "{view}");
    let t = tenant(&app, "thanhhoa").await;
    let loser = if body["documents"][0]["file_name"] == "cccd.pdf" {
        &rival
    } else {
        &card
    };
    let kept = motcua_store::attachments::upload(&app.db.store, t, &loser.parse().unwrap())
        .await
        .unwrap();
    assert!(kept.is_some(), "the second answer's file is not lost");
    let r = owner.get(&app, &path).await;
    assert_eq!(r.json()["waiting"], false, "{}", r.body);

    // An official, or nobody: refused.
    let (cookie, csrf) = sign_in(&app, EN, "tiepnhan93", PASSWORD).await;
    let r = app
        .send(request(
            "POST",
            EN,
            &path,
            Some(&cookie),
            Some(&csrf),
            &[("content-type", "application/json")],
            Body::from(json!({ "documents": [] }).to_string()),
        ))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "citizens_only");
    let r = app.get(EN, &path).await;
    assert_eq!(r.status, 401, "{}", r.body);
}

async fn the_result_is_downloaded_by_its_owner_only(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan94", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien94", &[(Role::Specialist, Some(POLICE))]).await;
    let head = Clerk::new(&app, "lanhdao94", &[(Role::DivisionHead, Some(POLICE))]).await;
    let code = received(&app, &desk, OWNER_ID, "accept").await;
    // The search's working paper is the officials', not the applicant's.
    let note = pdf(22);
    let r = app
        .send(request(
            "POST",
            STAFF,
            &format!("/api/v1/uploads?procedure={RECORDS}&name=ket-qua-tra-cuu.pdf"),
            Some(&police.cookie),
            Some(&police.csrf),
            &[],
            Body::from(note.clone()),
        ))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let working = r.json()["id"].as_str().unwrap().to_owned();
    let r = police
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin",
                    "attachments": [working] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let note_href = {
        use sha2::Digest;
        format!(
            "/api/v1/dossiers/{code}/documents/{}",
            hex::encode(sha2::Sha256::digest(&note))
        )
    };
    let r = police.get(&app, &note_href).await;
    assert_eq!(
        r.status, 200,
        "the officials read their working paper: {}",
        r.body
    );
    let certificate = pdf(21);
    let r = app
        .send(request(
            "POST",
            STAFF,
            &format!("/api/v1/uploads?procedure={RECORDS}&name=phieu-ltp.pdf"),
            Some(&head.cookie),
            Some(&head.csrf),
            &[],
            Body::from(certificate.clone()),
        ))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let upload = r.json()["id"].as_str().unwrap().to_owned();
    let r = head
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "duyet-ky", "action": "ky",
                    "inputs": { "result": "PLLTP-2026-000999" }, "attachments": [upload] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let owner = Citizen::new(&app, "thanhhoa", Lang::Vi, "hoa", OWNER_ID).await;
    let page = owner.get(&app, &format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Kết quả giải quyết điện tử"),
        "{}",
        page.body
    );
    assert!(page.body.contains("PLLTP-2026-000999"), "{}", page.body);
    assert!(page.body.contains("Đã trả kết quả"), "{}", page.body);
    let href = between(
        &page.body,
        "<section class=\"card\" id=\"result\"",
        "</section>",
    );
    let href = between(href, "href=\"", "\"").to_owned();
    assert!(href.starts_with(&format!("/api/v1/dossiers/{code}/documents/")));
    let download = owner.get(&app, &href).await;
    assert_eq!(download.status, 200, "{}", download.body);
    assert_eq!(download.body.as_bytes(), certificate.as_slice());
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .contains("phieu-ltp.pdf")
    );
    let en = Citizen::new(&app, "thanhhoa", Lang::En, "hoa", OWNER_ID).await;
    let page = en.get(&app, &format!("/my-dossiers/{code}")).await;
    assert!(page.body.contains("Electronic result"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"{href}\"")));

    // The working paper is neither listed to the owner nor downloaded by them.
    let listed = owner
        .get(&app, &format!("/api/v1/dossiers/{code}/documents"))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let kinds: Vec<String> = listed.json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains(&"result".to_owned()), "{kinds:?}");
    assert!(!kinds.contains(&"handling".to_owned()), "{kinds:?}");
    assert_eq!(owner.get(&app, &note_href).await.status, 404);
    assert!(!page.body.contains("ket-qua-tra-cuu.pdf"), "{}", page.body);

    // Nobody else gets it: another citizen, nobody signed in, the owner in another tenant.
    let other = Citizen::new(&app, "thanhhoa", Lang::Vi, "an", OTHER_ID).await;
    assert_eq!(other.get(&app, &href).await.status, 404);
    assert_ne!(app.get(VI, &href).await.status, 200);
    let there = Citizen::new(&app, "hochiminhcity", Lang::Vi, "hoa", OWNER_ID).await;
    assert_eq!(there.get(&app, &href).await.status, 404);
}

backend_tests!(
    the_list_shows_only_the_citizens_own_dossiers_of_this_tenant,
    a_dossier_page_is_the_owners_and_omits_internal_events,
    a_supplement_request_is_answered_on_the_page,
    a_supplement_request_is_answered_through_the_api,
    the_result_is_downloaded_by_its_owner_only,
);
