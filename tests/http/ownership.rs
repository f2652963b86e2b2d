//! Ownership and tenant isolation through HTTP: every route that serves a citizen what they own
//! ([`motcua_web::owned_routes`], portal pages and API) is called with the identifiers of one
//! citizen's dossier (received with a scanned document, awaiting a supplement, an order to pay
//! open, an accountability request), draft and complaint by another citizen of the same tenant,
//! by the same person signed in on another tenant, with that tenant's session on this tenant's
//! host, and by nobody signed in. Each is told nothing: 404 (nobody: the sign-in, 401 or 403;
//! a complaint's tracking page asks anyone for its contact), no answer holds any of the owner's
//! data, and what the others sent changed nothing. The owner is served on every route read, so
//! the walk reaches the handlers with identifiers that exist.

use axum::body::Body;
use axum::http::StatusCode;
use motcua_authz::Role;
use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;
use motcua_store::{accountability, attachments, dossiers, drafts, payments, ratings};
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use motcua_web::guard::OwnedRoute;
use serde_json::json;

use crate::my_dossiers::{BOUNDARY, Citizen, multipart, pdf};
use crate::officials::{form, request, tenant};
use crate::onestop::{Clerk, DESK, RECORDS, STAFF, desk_body};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const HCM_VI: &str = "dichvucong.hochiminhcity.localhost";
const HCM_EN: &str = "e-services.hochiminhcity.localhost";
/// The owner's identity number; the same person's in Hồ Chí Minh City.
const OWNER_ID: &str = "038095001234";
const OTHER_ID: &str = "001099009999";

// The owner's data: none of it may reach anyone else.
const NAME: &str = "Trịnh Ngọc Ánh";
const PHONE: &str = "0915 246 813";
const ADDRESS: &str = "27 Lê Hoàn, phường Hạc Thành";
const EMAIL: &str = "ngocanh.trinh@example.vn";
const SCAN: &str = "to-khai-trinh-ngoc-anh.pdf";
const REASON: &str = "Ảnh căn cước của bà Ánh chụp thiếu mặt sau.";
const REQUEST_TEXT: &str = "Vì sao hồ sơ của tôi phải bổ sung căn cước lần nữa?";
const DRAFT_NAME: &str = "Ánh Nháp Ngọc";
const DRAFT_PHONE: &str = "0977 531 246";
const DRAFT_FILE: &str = "nhap-cua-ngoc-anh.pdf";
const COMPLAINT: &str = "Cán bộ hẹn trả phiếu của tôi ngày 12 mà đến nay chưa có.";
/// The telephone number [`crate::complaints::send_signed_in`] gives with the complaint.
const COMPLAINT_PHONE: &str = "0987 000 222";

/// All of the owner's data above.
const SECRETS: [&str; 13] = [
    OWNER_ID,
    NAME,
    PHONE,
    ADDRESS,
    EMAIL,
    SCAN,
    REASON,
    REQUEST_TEXT,
    DRAFT_NAME,
    DRAFT_PHONE,
    DRAFT_FILE,
    COMPLAINT,
    COMPLAINT_PHONE,
];

/// What the owner has, by the identifiers the routes take.
#[derive(Default)]
struct Owned {
    dossier: String,
    dossier_id: i64,
    /// The number of the supplement request the dossier awaits an answer to.
    supplement: u64,
    /// The sha256 of the scan received with the dossier.
    document: String,
    /// The accountability request opened about it.
    request: i64,
    draft: i64,
    draft_key: String,
    complaint: String,
}

/// Who calls: their session (none: nobody signed in) and the portal hosts they call.
struct Caller {
    label: &'static str,
    cookie: Option<String>,
    csrf: Option<String>,
    vi: &'static str,
    en: &'static str,
}

impl Caller {
    fn signed_in(label: &'static str, c: &Citizen, vi: &'static str, en: &'static str) -> Self {
        Self {
            label,
            cookie: Some(c.cookie.clone()),
            csrf: Some(c.csrf.clone()),
            vi,
            en,
        }
    }

    fn nobody() -> Self {
        Self {
            label: "nobody signed in",
            cookie: None,
            csrf: None,
            vi: VI,
            en: EN,
        }
    }
}

/// Whether `path` is one of the English portal's (the API answers on both hosts). A path whose
/// language is not known fails the walk, to be added here.
fn english(path: &str) -> bool {
    let root = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match root {
        "api" | "ho-so-cua-toi" | "phan-anh-kien-nghi" | "thu-tuc" => false,
        "my-dossiers" | "feedback" | "procedures" => true,
        _ => panic!(
            "{path}: the ownership walk does not know which portal's language this path is in; \
             add `/{root}` to `english` in tests/http/ownership.rs"
        ),
    }
}

/// `route`'s path with the owner's identifiers. A parameter the walk cannot fill fails it: a
/// new owned route must be given the owner's object here.
fn concrete(route: &OwnedRoute, owned: &Owned) -> String {
    let path = route.full_path();
    let complaint = ["/phan-anh-kien-nghi/", "/feedback/", "/api/v1/complaints/"]
        .iter()
        .any(|p| path.starts_with(p));
    let draft = path.contains("/dang-soan/") || path.contains("/drafts/");
    path.split('/')
        .map(|segment| match segment {
            "{code}" if complaint => owned.complaint.clone(),
            "{code}" => owned.dossier.clone(),
            "{id}" if draft => owned.draft.to_string(),
            "{id}" if path.contains("/accountability/") => owned.request.to_string(),
            "{sha256}" => owned.document.clone(),
            p if p.starts_with('{') => panic!(
                "{} {path}: the ownership walk does not know what {p} is; give it the owner's \
                 in `concrete` (tests/http/ownership.rs)",
                route.method
            ),
            p => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The body a caller sends with `route`: for a change, one that would be taken from the owner.
fn body_of(route: &OwnedRoute, caller: &Caller, owned: &Owned, upload: &str) -> (String, Vec<u8>) {
    let csrf = caller.csrf.clone().unwrap_or_default();
    if route.method == "get" {
        return (String::new(), Vec::new());
    }
    let last = route.path.rsplit('/').next().unwrap_or("");
    if route.prefix == "/api" {
        let body = match last {
            "supplement" => json!({ "request": owned.supplement,
                                    "documents": [{ "document": "GTTT", "upload": upload }] }),
            "rating" => json!({ "overall": "satisfied", "convenience": "satisfied",
                                "timeliness": "satisfied", "staff_support": "satisfied",
                                "desk_contacts": "one", "agencies_contacted": "desk_only" }),
            "accountability" => json!({ "event": 1, "text": "Yêu cầu của người khác." }),
            _ => json!({}),
        };
        return ("application/json".to_owned(), body.to_string().into_bytes());
    }
    if matches!(last, "bo-sung" | "supplement") {
        let request = owned.supplement.to_string();
        let card = pdf(31);
        let body = multipart(
            &[("csrf", &csrf), ("request", &request)],
            &[("doc.GTTT", "cccd-nguoi-khac.pdf", &card)],
        );
        return (format!("multipart/form-data; boundary={BOUNDARY}"), body);
    }
    let mut fields = vec![("csrf", csrf.as_str())];
    if matches!(last, "danh-gia" | "rating") {
        fields.extend([
            ("overall", "satisfied"),
            ("convenience", "satisfied"),
            ("timeliness", "satisfied"),
            ("staff_support", "satisfied"),
            ("desk_contacts", "one"),
            ("agencies_contacted", "desk_only"),
        ]);
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    (
        "application/x-www-form-urlencoded".to_owned(),
        body.into_bytes(),
    )
}

/// `route` called by `caller` with the owner's identifiers.
async fn call(
    app: &TestApp,
    caller: &Caller,
    route: &OwnedRoute,
    owned: &Owned,
    upload: &str,
) -> Reply {
    let path = concrete(route, owned);
    let host = if english(&path) { caller.en } else { caller.vi };
    let (content_type, body) = body_of(route, caller, owned, upload);
    let headers: Vec<(&str, &str)> = if content_type.is_empty() {
        Vec::new()
    } else {
        vec![("content-type", content_type.as_str())]
    };
    app.send(request(
        &route.method.to_uppercase(),
        host,
        &path,
        caller.cookie.as_deref(),
        caller.csrf.as_deref(),
        &headers,
        Body::from(body),
    ))
    .await
}

/// A complaint's tracking page asks anyone for the contact given with it (its sender, signed
/// in, sees it at once).
fn asks_anyone(route: &OwnedRoute) -> bool {
    route.method == "get"
        && route.prefix.is_empty()
        && (route.path.starts_with("/phan-anh-kien-nghi/") || route.path.starts_with("/feedback/"))
}

/// Fails when `r` holds any of the owner's data.
fn tells_nothing(r: &Reply, what: &str) {
    let location = r.header("location").unwrap_or_default();
    for secret in SECRETS {
        assert!(
            !r.body.contains(secret) && !location.contains(secret),
            "{what} gave away `{secret}`: {} {location}\n{}",
            r.status,
            r.body
        );
    }
}

/// The desk receives the owner's dossier with the declaration's scan and asks for their
/// identity card: its code.
async fn received(app: &TestApp, desk: &Clerk) -> String {
    let r = app
        .send(request(
            "POST",
            STAFF,
            &format!("/api/v1/uploads?procedure={RECORDS}&name={SCAN}"),
            Some(&desk.cookie),
            Some(&desk.csrf),
            &[],
            Body::from(pdf(30)),
        ))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let scan = r.json()["id"].as_str().unwrap().to_owned();
    let mut body = desk_body("supplement", &["TK"], Some(REASON));
    body["applicant"] = json!({ "name": NAME, "id_number": OWNER_ID, "phone": PHONE,
                                "address": ADDRESS });
    for (field, value) in [
        ("ho_ten", NAME),
        ("so_dinh_danh", OWNER_ID),
        ("dien_thoai", PHONE),
        ("email", EMAIL),
        ("noi_thuong_tru", ADDRESS),
    ] {
        body["form"][field] = json!(value);
    }
    body["attachments"] = json!([{ "upload": scan, "document": "TK" }]);
    let r = desk.post(app, "/api/v1/onestop/desk", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

/// The owner's objects: the dossier received at the desk, what they did with it on the portal,
/// a draft and a complaint.
async fn owned_by(app: &TestApp, owner: &Citizen, desk: &Clerk) -> Owned {
    let dossier = received(app, desk).await;
    let th = tenant(app, "thanhhoa").await;
    let dossier_id = dossiers::find(&app.db.store, th, &dossier.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = owner
        .get(app, &format!("/api/v1/dossiers/{dossier}/supplement"))
        .await;
    assert_eq!(r.json()["waiting"], true, "{}", r.body);
    let supplement = r.json()["request"].as_u64().unwrap();
    let r = owner
        .get(app, &format!("/api/v1/dossiers/{dossier}/documents"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["documents"][0]["file_name"], SCAN, "{}", r.body);
    let document = r.json()["documents"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    // Event 1, the reception, is the desk's to explain.
    let r = owner
        .post_json(
            app,
            &format!("/api/v1/dossiers/{dossier}/accountability"),
            json!({ "event": 1, "text": REQUEST_TEXT }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let request_id = r.json()["id"].as_i64().unwrap();
    // An order to pay the fees, open at the gateway.
    let pay = format!("/ho-so-cua-toi/{dossier}/thanh-toan");
    let r = form(app, VI, &pay, Some(&owner.cookie), &[("csrf", &owner.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("/sandbox-payment/pay?")
    );
    // A draft of another application, saved with a file.
    let draft_pdf = pdf(32);
    let r = app
        .send(request(
            "POST",
            VI,
            &format!("/thu-tuc/{RECORDS}/nop-ho-so"),
            Some(&owner.cookie),
            None,
            &[(
                "content-type",
                &format!("multipart/form-data; boundary={BOUNDARY}"),
            )],
            Body::from(multipart(
                &[
                    ("csrf", &owner.csrf),
                    ("case", "ca-nhan-tu-yeu-cau"),
                    ("applicant.phone", DRAFT_PHONE),
                    ("f.ho_ten", DRAFT_NAME),
                    ("action", "save"),
                ],
                &[("doc.TK", DRAFT_FILE, &draft_pdf)],
            )),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = drafts::list(&app.db.store, th, "citizen:hoa")
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
    let complaint =
        crate::complaints::send_signed_in(app, &owner.cookie, &owner.csrf, COMPLAINT).await;
    Owned {
        dossier,
        dossier_id,
        supplement,
        document,
        request: request_id,
        draft: saved[0].id,
        draft_key: saved[0].key.clone(),
        complaint,
    }
}

async fn no_one_but_the_owner_gets_anything_of_theirs(backend: Backend) {
    let mut app = crate::officials::app(backend).await;
    // The sandbox gateway, so that the payment pages serve the owner.
    app.state.payments = Some(motcua_web::payments::Payments::sandbox(
        "the sandbox secret of the ownership tests",
    ));
    app.router = motcua_web::app(app.state.clone());
    let desk = Clerk::new(&app, "tiepnhan71", &[(Role::Receiver, Some(DESK))]).await;
    let owner = Citizen::new(&app, "thanhhoa", Lang::Vi, "hoa", OWNER_ID).await;
    let owned = owned_by(&app, &owner, &desk).await;
    let other = Citizen::new(&app, "thanhhoa", Lang::Vi, "an", OTHER_ID).await;
    // The other citizen's own file, which would answer the owner's supplement request.
    let upload = other.upload(&app, "cccd-nguoi-khac.pdf", pdf(33)).await;
    // The same person, signed in on Hồ Chí Minh City's portal.
    let elsewhere = Citizen::new(&app, "hochiminhcity", Lang::Vi, "hoa", OWNER_ID).await;

    let routes = motcua_web::owned_routes();
    assert!(routes.len() >= 30, "{routes:?}");
    let me = Caller::signed_in("the owner", &owner, VI, EN);
    let mut served = String::new();
    for route in routes.iter().filter(|r| r.method == "get") {
        let r = call(&app, &me, route, &owned, &upload).await;
        assert!(
            r.status.is_success(),
            "the owner is refused GET {}: {} {}",
            route.full_path(),
            r.status,
            r.body
        );
        if asks_anyone(route) {
            assert!(r.body.contains(COMPLAINT), "{}", r.body);
        }
        served.push_str(&r.body);
    }
    // What the owner is shown, anyone else's answer holding it would be caught giving it away.
    for shown in [SCAN, REASON, REQUEST_TEXT, COMPLAINT] {
        assert!(served.contains(shown), "the owner is not shown `{shown}`");
    }

    let strangers = [
        Caller::signed_in("another citizen", &other, VI, EN),
        Caller::signed_in("the owner on another tenant", &elsewhere, HCM_VI, HCM_EN),
    ];
    let anonymous = [
        Caller::nobody(),
        Caller::signed_in("another tenant's session here", &elsewhere, VI, EN),
    ];
    let sign_in = motcua_web::oidc::SIGN_IN_PATH;
    for route in &routes {
        let what = |c: &Caller| {
            format!(
                "{} {} as {}",
                route.method.to_uppercase(),
                route.full_path(),
                c.label
            )
        };
        for caller in &strangers {
            let r = call(&app, caller, route, &owned, &upload).await;
            let expected = if asks_anyone(route) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(r.status, expected, "{}: {}", what(caller), r.body);
            tells_nothing(&r, &what(caller));
        }
        for caller in &anonymous {
            let r = call(&app, caller, route, &owned, &upload).await;
            let to_sign_in = r.status == StatusCode::SEE_OTHER
                && r.header("location")
                    .is_some_and(|l| l.starts_with(&format!("{sign_in}?")));
            let refused = matches!(
                r.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            );
            let asked = asks_anyone(route) && r.status == StatusCode::OK;
            assert!(
                to_sign_in || refused || asked,
                "{}: {} {:?}\n{}",
                what(caller),
                r.status,
                r.header("location"),
                r.body
            );
            tells_nothing(&r, &what(caller));
        }
    }

    // The lists are the caller's own; the owner's draft, by its key, is not another's to submit.
    for path in ["/ho-so-cua-toi", "/ho-so-cua-toi/dang-soan"] {
        let r = other.get(&app, path).await;
        assert_eq!(r.status, 200, "{}", r.body);
        tells_nothing(&r, path);
        assert!(!r.body.contains(&owned.dossier), "{}", r.body);
    }
    let review = format!("/thu-tuc/{RECORDS}/nop-ho-so/xem-lai");
    let r = other.get(&app, &review).await;
    tells_nothing(&r, &review);
    let fields = [("csrf", other.csrf.as_str()), ("key", &owned.draft_key)];
    let r = form(&app, VI, &review, Some(&other.cookie), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/thu-tuc/{RECORDS}/nop-ho-so").as_str())
    );

    // Nothing the others sent was taken: the dossier still awaits its supplement with the one
    // scan, one request and one order; no rating; the draft is there.
    let th = tenant(&app, "thanhhoa").await;
    let d = dossiers::find(&app.db.store, th, &owned.dossier.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, DossierStatus::SupplementRequested);
    let documents = attachments::documents(&app.db.store, th, owned.dossier_id)
        .await
        .unwrap();
    assert_eq!(documents.len(), 1, "{documents:?}");
    let requests = accountability::of_dossier(&app.db.store, th, owned.dossier_id)
        .await
        .unwrap();
    assert_eq!(requests.len(), 1);
    let orders = payments::of_dossier(&app.db.store, th, owned.dossier_id)
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert!(
        ratings::of_dossier(&app.db.store, th, owned.dossier_id)
            .await
            .unwrap()
            .is_none()
    );
    let kept = drafts::list(&app.db.store, th, "citizen:hoa")
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].key, owned.draft_key);
    // And the owner is still served the request, as they were before the walk.
    let r = owner
        .get(
            &app,
            &format!("/api/v1/dossiers/{}/supplement", owned.dossier),
        )
        .await;
    assert_eq!(r.json()["waiting"], true, "{}", r.body);
}

backend_tests!(no_one_but_the_owner_gets_anything_of_theirs);

#[test]
#[should_panic(expected = "does not know what {number} is")]
fn a_parameter_the_walk_cannot_fill_fails_it() {
    let route = OwnedRoute {
        method: "get",
        prefix: "/api",
        path: "/v1/dossiers/{code}/letters/{number}",
    };
    concrete(&route, &Owned::default());
}
