//! Online payment of a level-4 procedure's fees through the sandbox gateway, as a browser and the
//! gateway use it: the receipt offers "Pay online" to the dossier's owner, the gateway's signed
//! callback (IPN) settles the payment, the return page shows where it stands (paid, failed,
//! cancelled, waiting for the callback) with another attempt after a failure; a callback with a
//! forged signature, another amount or for another tenant is refused with nothing changed, a
//! repeated one changes nothing; nobody but the owner starts or sees a payment; a level-3
//! procedure offers none.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_store::payments::{self, Payment, PaymentStatus};
use motcua_store::{TenantId, tenants};
use motcua_tests::{Backend, Reply, TestApp, backend_tests, citizen, plain_dossier};
use motcua_web::host::Site;
use motcua_web::payments::{Payments, signing};
use motcua_web::session::{CitizenIdentity, Principal, Sessions};

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const HCM: &str = "dichvucong.hochiminhcity.localhost";
/// Phiếu lý lịch tư pháp: level 4, fees 200,000 đồng and, for each certificate beyond two,
/// 5,000 đồng (conditional: not charged online).
const RECORDS: &str = "2.000488";
/// Đăng ký cấp giấy chứng nhận lần đầu: level 3, with fees.
const LAND: &str = "1.012795";
const SECRET: &str = "the sandbox secret of the payment tests";
const OWNER_ID: &str = "038095001234";
const OTHER_ID: &str = "001099009999";

/// The demo tenants with the sandbox gateway.
async fn app(backend: Backend) -> TestApp {
    let mut app = TestApp::new(backend).await;
    app.state.payments = Some(Payments::sandbox(SECRET));
    app.router = motcua_web::app(app.state.clone());
    app
}

async fn tenant(app: &TestApp, slug: &str) -> TenantId {
    tenants::load(&app.db.store, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A citizen signed in on the portal of Thanh Hóa in `lang`.
struct Citizen {
    cookie: String,
    csrf: String,
    host: &'static str,
    lang: Lang,
}

async fn signed_in(app: &TestApp, lang: Lang, subject: &str, id: &str) -> Citizen {
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
    Citizen {
        cookie: new
            .set_cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned(),
        csrf: new.csrf,
        host: lang.pick(VI, EN),
        lang,
    }
}

/// A dossier of `procedure` in Thanh Hóa whose applicant is `OWNER_ID`: its code and id.
async fn dossier(app: &TestApp, procedure: &str) -> (String, i64) {
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse(OWNER_ID);
    let th = tenant(app, "thanhhoa").await;
    let new = plain_dossier(procedure, "000.00.01.H56", Utc::now(), None, applicant);
    let received = motcua_store::dossiers::receive(&app.db.store, th, new)
        .await
        .unwrap();
    let d = received.dossier();
    (d.code.to_string(), d.id)
}

fn receipt(lang: Lang, code: &str) -> String {
    lang.pick(
        format!("/ho-so-cua-toi/{code}/bien-nhan"),
        format!("/my-dossiers/{code}/receipt"),
    )
}

fn payment(lang: Lang, code: &str) -> String {
    lang.pick(
        format!("/ho-so-cua-toi/{code}/thanh-toan"),
        format!("/my-dossiers/{code}/payment"),
    )
}

async fn get(app: &TestApp, who: Option<&Citizen>, host: &str, path: &str) -> Reply {
    let mut r = Request::get(path).header("host", host);
    if let Some(c) = who {
        r = r.header("cookie", &c.cookie);
    }
    app.send(r.body(Body::empty()).unwrap()).await
}

async fn post_form(
    app: &TestApp,
    host: &str,
    cookie: Option<&str>,
    path: &str,
    fields: &[(String, String)],
) -> Reply {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut r = Request::post(path)
        .header("host", host)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    app.send(r.body(Body::from(body)).unwrap()).await
}

/// "Pay online": the gateway's page address.
async fn start(app: &TestApp, who: &Citizen, code: &str) -> String {
    let r = post_form(
        app,
        who.host,
        Some(&who.cookie),
        &payment(who.lang, code),
        &[("csrf".to_owned(), who.csrf.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.header("location").unwrap().to_owned();
    assert!(to.starts_with("/sandbox-payment/pay?"), "{to}");
    to
}

fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The payer's `choice` on the sandbox's page at `page`: the return address's path and query, and
/// its signed fields.
async fn choose(
    app: &TestApp,
    who: &Citizen,
    page: &str,
    choice: &str,
) -> (String, BTreeMap<String, String>) {
    let shown = get(app, None, who.host, page).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("200.000 đồng"), "{}", shown.body);
    let mut fields = query_of(page);
    fields.push(("choice".to_owned(), choice.to_owned()));
    let r = post_form(app, who.host, None, "/sandbox-payment/pay", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = url::Url::parse(r.header("location").unwrap()).unwrap();
    assert_eq!(back.host_str(), Some(who.host));
    let path = format!("{}?{}", back.path(), back.query().unwrap_or_default());
    (path, query_of(back.as_str()).into_iter().collect())
}

async fn stored(app: &TestApp, dossier_id: i64) -> Vec<Payment> {
    payments::of_dossier(&app.db.store, tenant(app, "thanhhoa").await, dossier_id)
        .await
        .unwrap()
}

/// A callback of `order` signed with the tenant's key.
fn callback(order: &str, amount: &str, result: &str) -> Vec<(String, String)> {
    let mut fields: BTreeMap<String, String> = [
        ("tenant", "thanhhoa"),
        ("order", order),
        ("amount", amount),
        ("result", result),
        ("reference", "SBXTEST"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let sig = signing::sign(&signing::tenant_key(SECRET, "thanhhoa"), &fields);
    fields.insert(signing::SIGNATURE.to_owned(), sig);
    fields.into_iter().collect()
}

async fn ipn(app: &TestApp, host: &str, fields: &[(String, String)]) -> Reply {
    post_form(app, host, None, "/payments/ipn", fields).await
}

async fn paying_online_marks_the_dossier_paid_by_the_callback(backend: Backend) {
    let app = app(backend).await;
    // Received at the desk, so that officials handle it as any other.
    let clerk = crate::onestop::Clerk::new(
        &app,
        "tiepnhan.thanhtoan",
        &[(motcua_authz::Role::Receiver, Some(crate::onestop::DESK))],
    )
    .await;
    let mut body = crate::onestop::desk_body("accept", &["TK", "GTTT"], None);
    body["applicant"]["id_number"] = serde_json::json!(OWNER_ID);
    let r = clerk.post(&app, "/api/v1/onestop/desk", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.json()["code"].as_str().unwrap().to_owned();
    let id = motcua_store::dossiers::find(
        &app.db.store,
        tenant(&app, "thanhhoa").await,
        &code.parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let r = get(&app, Some(&owner), VI, &receipt(Lang::Vi, &code)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Thanh toán trực tuyến"), "{}", r.body);
    assert!(r.body.contains("200.000 đồng"), "{}", r.body);
    assert!(!r.body.contains("nộp trực tiếp"), "{}", r.body);

    let page = start(&app, &owner, &code).await;
    // The gateway's page refuses its request altered.
    let altered = page.replace("amount=200000", "amount=1000");
    assert_ne!(altered, page);
    assert_eq!(
        get(&app, None, VI, &altered).await.status,
        StatusCode::BAD_REQUEST
    );
    let pending = stored(&app, id).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].status, PaymentStatus::Pending);
    assert_eq!(pending[0].amount, 200_000);

    let (back, fields) = choose(&app, &owner, &page, "pay").await;
    assert_eq!(fields["result"], "paid");
    let paid = stored(&app, id).await;
    assert_eq!(paid[0].status, PaymentStatus::Paid);
    assert_eq!(paid[0].provider, "sandbox");
    assert_eq!(
        paid[0].provider_ref.as_deref(),
        Some(fields["reference"].as_str())
    );
    assert!(
        paid[0]
            .callback
            .as_deref()
            .unwrap()
            .contains(&fields["signature"])
    );
    let r = get(&app, Some(&owner), VI, &back).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã thanh toán"), "{}", r.body);
    assert!(r.body.contains("payment-paid"), "{}", r.body);
    assert!(!r.body.contains("pay-online"), "{}", r.body);
    let r = get(&app, Some(&owner), VI, &receipt(Lang::Vi, &code)).await;
    assert!(r.body.contains("Đã thanh toán: 200.000 đồng"), "{}", r.body);
    assert!(!r.body.contains("pay-online"), "{}", r.body);
    // In English, on the English host.
    let en = signed_in(&app, Lang::En, "hoa", OWNER_ID).await;
    let r = get(&app, Some(&en), EN, &payment(Lang::En, &code)).await;
    assert!(r.body.contains(">Paid<"), "{}", r.body);
    assert!(r.body.contains("200,000 VND"), "{}", r.body);
    // Officials see it in the one-stop dossier view.
    let r = clerk.dossier(&app, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["payments"][0]["status"], "paid", "{}", r.body);
    assert_eq!(r.json()["payments"][0]["amount"], 200_000);
    // Paying again is not offered: the page is shown instead.
    let r = post_form(
        &app,
        VI,
        Some(&owner.cookie),
        &payment(Lang::Vi, &code),
        &[("csrf".to_owned(), owner.csrf.clone())],
    )
    .await;
    assert_eq!(
        r.header("location"),
        Some(payment(Lang::Vi, &code).as_str())
    );
    assert_eq!(stored(&app, id).await.len(), 1);
}

async fn a_declined_payment_fails_and_a_retry_pays(backend: Backend) {
    let app = app(backend).await;
    let (code, id) = dossier(&app, RECORDS).await;
    let owner = signed_in(&app, Lang::En, "hoa", OWNER_ID).await;
    let page = start(&app, &owner, &code).await;
    let (back, _) = choose(&app, &owner, &page, "decline").await;
    let r = get(&app, Some(&owner), EN, &back).await;
    assert!(
        r.body.contains("The payment did not go through"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Try again"), "{}", r.body);
    assert_eq!(stored(&app, id).await[0].status, PaymentStatus::Failed);

    let page = start(&app, &owner, &code).await;
    let (back, _) = choose(&app, &owner, &page, "cancel").await;
    let r = get(&app, Some(&owner), EN, &back).await;
    assert!(r.body.contains("You cancelled the payment"), "{}", r.body);
    assert!(r.body.contains("Try again"), "{}", r.body);

    let page = start(&app, &owner, &code).await;
    let (back, _) = choose(&app, &owner, &page, "pay").await;
    let r = get(&app, Some(&owner), EN, &back).await;
    assert!(r.body.contains(">Paid<"), "{}", r.body);
    let all: Vec<PaymentStatus> = stored(&app, id).await.iter().map(|p| p.status).collect();
    assert_eq!(
        all,
        [
            PaymentStatus::Paid,
            PaymentStatus::Cancelled,
            PaymentStatus::Failed
        ]
    );
}

async fn forged_mismatched_and_repeated_callbacks_change_nothing(backend: Backend) {
    let app = app(backend).await;
    let (code, id) = dossier(&app, RECORDS).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;

    // The sandbox's forged callback is refused: still waiting, and the page says so.
    let page = start(&app, &owner, &code).await;
    let order = query_of(&page)
        .into_iter()
        .find(|(k, _)| k == "order")
        .unwrap()
        .1;
    let (back, _) = choose(&app, &owner, &page, "forged").await;
    let r = get(&app, Some(&owner), VI, &back).await;
    assert!(
        r.body.contains("Đang chờ xác nhận thanh toán"),
        "{}",
        r.body
    );
    assert!(r.body.contains("đã ghi nhận giao dịch"), "{}", r.body);
    let before = stored(&app, id).await;
    assert_eq!(before[0].status, PaymentStatus::Pending);
    assert_eq!(before[0].provider_ref, None);

    // Sent to the platform directly: an altered field, another amount, another tenant's host.
    let mut altered = callback(&order, "200000", "paid");
    for (k, v) in &mut altered {
        if k == "reference" {
            *v = "SBXALTERED".to_owned();
        }
    }
    assert_eq!(ipn(&app, VI, &altered).await.status, StatusCode::FORBIDDEN);
    let r = ipn(&app, VI, &callback(&order, "1000", "paid")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["error"], "amount_mismatch");
    let r = ipn(&app, HCM, &callback(&order, "200000", "paid")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = ipn(&app, VI, &callback("MC0-0-UNKNOWN", "200000", "paid")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(stored(&app, id).await, before);

    // A correctly signed callback for the first order is what settles it.
    let r = ipn(&app, VI, &callback(&order, "200000", "cancelled")).await;
    assert_eq!(r.json()["changed"], true, "{}", r.body);

    // The sandbox's callback for another amount is refused too: the order stays open, and
    // while it is open "pay online" leads to the payment's page, not to a second order.
    let page = start(&app, &owner, &code).await;
    let second = query_of(&page)
        .into_iter()
        .find(|(k, _)| k == "order")
        .unwrap()
        .1;
    choose(&app, &owner, &page, "wrong-amount").await;
    let now = stored(&app, id).await;
    assert_eq!(now.len(), 2);
    assert_eq!(now[0].status, PaymentStatus::Pending);
    let r = post_form(
        &app,
        owner.host,
        Some(&owner.cookie),
        &payment(owner.lang, &code),
        &[("csrf".to_owned(), owner.csrf.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(payment(owner.lang, &code).as_str())
    );
    assert_eq!(stored(&app, id).await.len(), 2, "no second open order");
    let r = ipn(&app, VI, &callback(&second, "200000", "cancelled")).await;
    assert_eq!(r.json()["changed"], true, "{}", r.body);

    // Sent twice, the callback settles the payment once; a replay or a later, different
    // callback changes nothing.
    let page = start(&app, &owner, &code).await;
    let (_, fields) = choose(&app, &owner, &page, "duplicate").await;
    let paid = stored(&app, id).await;
    assert_eq!(paid[0].status, PaymentStatus::Paid);
    let replay: Vec<(String, String)> = fields.clone().into_iter().collect();
    let r = ipn(&app, VI, &replay).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["changed"], false);
    let r = ipn(&app, VI, &callback(&fields["order"], "200000", "declined")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["changed"], false);
    assert_eq!(r.json()["status"], "paid");
    assert_eq!(stored(&app, id).await, paid);

    // A paid callback arriving after the gateway said cancelled: the money was taken, and the
    // record says so.
    let r = ipn(&app, VI, &callback(&order, "200000", "paid")).await;
    assert_eq!(r.json()["changed"], true, "{}", r.body);
    assert_eq!(r.json()["status"], "paid", "{}", r.body);
}

async fn a_callback_after_the_return_settles_the_payment_then(backend: Backend) {
    let app = app(backend).await;
    let (code, id) = dossier(&app, RECORDS).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let page = start(&app, &owner, &code).await;
    let (back, fields) = choose(&app, &owner, &page, "late").await;
    let r = get(&app, Some(&owner), VI, &back).await;
    assert!(
        r.body.contains("Đang chờ xác nhận thanh toán"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("pay-online"), "{}", r.body);
    assert_eq!(stored(&app, id).await[0].status, PaymentStatus::Pending);
    let deliver = [
        ("tenant".to_owned(), "thanhhoa".to_owned()),
        ("order".to_owned(), fields["order"].clone()),
    ];
    let r = post_form(&app, VI, None, "/sandbox-payment/deliver", &deliver).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["changed"], true);
    let r = get(&app, Some(&owner), VI, &back).await;
    assert!(r.body.contains("Đã thanh toán"), "{}", r.body);
    assert_eq!(stored(&app, id).await[0].status, PaymentStatus::Paid);
}

async fn only_the_owner_starts_or_sees_a_payment(backend: Backend) {
    let app = app(backend).await;
    let (code, id) = dossier(&app, RECORDS).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let page = start(&app, &owner, &code).await;
    choose(&app, &owner, &page, "pay").await;
    let other = signed_in(&app, Lang::Vi, "an", OTHER_ID).await;
    let r = get(&app, Some(&other), VI, &payment(Lang::Vi, &code)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains("200.000"), "{}", r.body);
    let r = post_form(
        &app,
        VI,
        Some(&other.cookie),
        &payment(Lang::Vi, &code),
        &[("csrf".to_owned(), other.csrf.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = get(&app, Some(&other), VI, &receipt(Lang::Vi, &code)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Nobody signed in is sent to sign in.
    let r = get(&app, None, VI, &payment(Lang::Vi, &code)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").unwrap().starts_with("/auth/sign-in"));
    // Without the session's token, the owner's own request is refused.
    let r = post_form(
        &app,
        VI,
        Some(&owner.cookie),
        &payment(Lang::Vi, &code),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(stored(&app, id).await.len(), 1);
}

async fn a_level_3_procedure_offers_no_online_payment(backend: Backend) {
    let app = app(backend).await;
    let (code, id) = dossier(&app, LAND).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let r = get(&app, Some(&owner), VI, &receipt(Lang::Vi, &code)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("pay-online"), "{}", r.body);
    assert!(r.body.contains("nộp trực tiếp"), "{}", r.body);
    let r = post_form(
        &app,
        VI,
        Some(&owner.cookie),
        &payment(Lang::Vi, &code),
        &[("csrf".to_owned(), owner.csrf.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        get(&app, Some(&owner), VI, &payment(Lang::Vi, &code))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(stored(&app, id).await.is_empty());

    // Without a gateway, a level-4 procedure's fees are paid in person, and the sandbox is absent.
    let plain = TestApp::new(backend).await;
    let (code, _) = dossier(&plain, RECORDS).await;
    let owner = signed_in(&plain, Lang::Vi, "hoa", OWNER_ID).await;
    let r = get(&plain, Some(&owner), VI, &receipt(Lang::Vi, &code)).await;
    assert!(!r.body.contains("pay-online"), "{}", r.body);
    assert!(r.body.contains("nộp trực tiếp"), "{}", r.body);
    assert_eq!(
        get(&plain, None, VI, "/sandbox-payment/pay").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A dossier of `procedure` in Thanh Hóa whose applicant is `OWNER_ID`, pinned to `version` of
/// the procedure, in case `case`: its code and id.
async fn dossier_on(app: &TestApp, procedure: &str, version: i32, case: &str) -> (String, i64) {
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse(OWNER_ID);
    let th = tenant(app, "thanhhoa").await;
    let mut new = plain_dossier(procedure, "000.00.01.H56", Utc::now(), None, applicant);
    new.procedure_version = version;
    new.case_key = case.to_owned();
    let received = motcua_store::dossiers::receive(&app.db.store, th, new)
        .await
        .unwrap();
    let d = received.dossier();
    (d.code.to_string(), d.id)
}

/// "Pay online" as sent: the raw reply.
async fn press_pay(app: &TestApp, who: &Citizen, code: &str) -> Reply {
    post_form(
        app,
        who.host,
        Some(&who.cookie),
        &payment(who.lang, code),
        &[("csrf".to_owned(), who.csrf.clone())],
    )
    .await
}

async fn two_clicks_at_once_open_one_order(backend: Backend) {
    let app = app(backend).await;
    let th = tenant(&app, "thanhhoa").await;
    let (code, id) = dossier(&app, RECORDS).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;

    // Both clicks: one goes to the gateway, the other to the first order's page.
    let (a, b) = tokio::join!(
        press_pay(&app, &owner, &code),
        press_pay(&app, &owner, &code)
    );
    let mut to: Vec<String> = [a, b]
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            r.header("location").unwrap().to_owned()
        })
        .collect();
    to.sort();
    assert!(to[1].starts_with("/sandbox-payment/pay?"), "{to:?}");
    assert_eq!(to[0], payment(Lang::Vi, &code));
    let open = stored(&app, id).await;
    assert_eq!(open.len(), 1, "{open:?}");

    // However the two checks interleave, storage keeps one open order per dossier: the later
    // insert creates nothing, and its click is shown the open order.
    let second = payments::create(
        &app.db.store,
        th,
        payments::NewPayment {
            dossier_id: id,
            order_id: "MC-RACE-2".to_owned(),
            amount: 200_000,
            provider: "sandbox".to_owned(),
            at: Utc::now(),
        },
    )
    .await
    .unwrap();
    assert_eq!(second, None);
    assert_eq!(stored(&app, id).await, open);
    // Once it is settled, another order may open.
    let r = ipn(
        &app,
        VI,
        &callback(&open[0].order_id, "200000", "cancelled"),
    )
    .await;
    assert_eq!(r.json()["changed"], true, "{}", r.body);
    let r = press_pay(&app, &owner, &code).await;
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("/sandbox-payment/pay?")
    );
    assert_eq!(stored(&app, id).await.len(), 2);
}

fn order_of(page: &str) -> String {
    query_of(page)
        .into_iter()
        .find(|(k, _)| k == "order")
        .unwrap()
        .1
}

async fn orders_left_open_are_settled_or_expired_as_the_gateway_says(backend: Backend) {
    let app = app(backend).await;
    let th = tenant(&app, "thanhhoa").await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    // Abandoned at the gateway's page.
    let (abandoned, abandoned_id) = dossier(&app, RECORDS).await;
    let page = start(&app, &owner, &abandoned).await;
    let abandoned_order = order_of(&page);
    // Paid at the gateway, whose callback never arrives.
    let (lost, lost_id) = dossier(&app, RECORDS).await;
    let page = start(&app, &owner, &lost).await;
    let (_, lost_fields) = choose(&app, &owner, &page, "late").await;

    // Within the window, nothing is closed.
    let now = Utc::now();
    assert_eq!(
        motcua_web::payments::expiry::close_open_orders(&app.state, now)
            .await
            .unwrap(),
        (0, 0)
    );
    assert_eq!(
        stored(&app, abandoned_id).await[0].status,
        PaymentStatus::Pending
    );
    // Past it: the gateway is asked; the paid one is settled paid, the other expires, once.
    let later = now + motcua_web::payments::OPEN_WINDOW + chrono::Duration::minutes(1);
    assert_eq!(
        motcua_web::payments::expiry::close_open_orders(&app.state, later)
            .await
            .unwrap(),
        (1, 1)
    );
    assert_eq!(
        motcua_web::payments::expiry::close_open_orders(&app.state, later)
            .await
            .unwrap(),
        (0, 0)
    );
    let paid = stored(&app, lost_id).await;
    assert_eq!(paid[0].status, PaymentStatus::Paid);
    let r = get(&app, Some(&owner), VI, &payment(Lang::Vi, &lost)).await;
    assert!(r.body.contains("Đã thanh toán"), "{}", r.body);
    // Its callback, when it comes at last, changes nothing.
    let deliver = [
        ("tenant".to_owned(), "thanhhoa".to_owned()),
        ("order".to_owned(), lost_fields["order"].clone()),
    ];
    let r = post_form(&app, VI, None, "/sandbox-payment/deliver", &deliver).await;
    assert_eq!(r.json()["changed"], false, "{}", r.body);
    assert_eq!(r.json()["status"], "paid", "{}", r.body);

    let expired = stored(&app, abandoned_id).await;
    assert_eq!(expired[0].status, PaymentStatus::Expired);
    let r = get(&app, Some(&owner), VI, &payment(Lang::Vi, &abandoned)).await;
    assert!(r.body.contains("Giao dịch đã hết hạn"), "{}", r.body);
    assert!(r.body.contains("Thanh toán lại"), "{}", r.body);
    let en = signed_in(&app, Lang::En, "hoa", OWNER_ID).await;
    let r = get(&app, Some(&en), EN, &payment(Lang::En, &abandoned)).await;
    assert!(r.body.contains("The transaction expired"), "{}", r.body);
    // A paid callback for the expired order still settles it: the money was taken.
    let r = ipn(&app, VI, &callback(&abandoned_order, "200000", "paid")).await;
    assert_eq!(r.json()["changed"], true, "{}", r.body);
    assert_eq!(r.json()["status"], "paid", "{}", r.body);

    // An order the gateway does not know, left open past the window, is expired when the
    // owner presses "pay online" again, and a new order starts.
    let (third, third_id) = dossier(&app, RECORDS).await;
    payments::create(
        &app.db.store,
        th,
        payments::NewPayment {
            dossier_id: third_id,
            order_id: "MC-UNKNOWN-OLD".to_owned(),
            amount: 200_000,
            provider: "sandbox".to_owned(),
            at: Utc::now() - chrono::Duration::minutes(20),
        },
    )
    .await
    .unwrap()
    .expect("the first order");
    start(&app, &owner, &third).await;
    let all: Vec<PaymentStatus> = stored(&app, third_id)
        .await
        .iter()
        .map(|p| p.status)
        .collect();
    assert_eq!(all, [PaymentStatus::Pending, PaymentStatus::Expired]);
}

/// Thanh Hóa with version 2 of the judicial record procedure published: the fee raised to
/// 300,000 đồng and a 10,000 đồng line for the case `ca-nhan-tu-yeu-cau` only.
async fn publish_version_2(app: &TestApp) {
    let bundle = motcua_tests::demo_bundle("thanhhoa");
    let files = bundle
        .procedures
        .iter()
        .map(|p| {
            let mut file = p.file.clone();
            if p.info.code.to_string() == RECORDS {
                let old = "      amount: 200000\n";
                assert!(file.text.contains(old));
                file.text = file.text.replace(
                    old,
                    "      amount: 300000\n",
                ).replace(
                    "  fees:\n",
                    "  fees:\n    - code: PHI-CN\n      name: { vi: Phí theo trường hợp cá nhân, en: Fee of the personal case }\n      amount: 10000\n      cases: [ca-nhan-tu-yeu-cau]\n",
                );
            }
            file
        })
        .collect();
    let changed = motcua_core::tenant::TenantBundle::from_files(
        Some("thanhhoa"),
        bundle.manifest_file.text.clone(),
        files,
        bundle.logo.as_ref().map(|l| l.bytes.clone()),
    )
    .unwrap();
    let plan = tenants::apply(&app.db.store, &changed).await.unwrap();
    assert!(plan.to_string().contains("publish version 2"), "{plan}");
    let clashes = app
        .state
        .sites
        .replace(tenants::load_all(&app.db.store).await.unwrap());
    assert!(clashes.is_empty(), "{clashes:?}");
}

async fn the_fee_is_the_dossiers_version_and_case_without_conditional_lines(backend: Backend) {
    let app = app(backend).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    // The conditional line is not charged, and both pages say so.
    let (code, id) = dossier_on(&app, RECORDS, 1, "ca-nhan-tu-yeu-cau").await;
    for path in [receipt(Lang::Vi, &code), payment(Lang::Vi, &code)] {
        let r = get(&app, Some(&owner), VI, &path).await;
        assert!(r.body.contains("200.000 đồng"), "{}", r.body);
        assert!(r.body.contains("payment-left-out"), "{}", r.body);
        assert!(
            r.body
                .contains("Phí cấp thêm Phiếu từ Phiếu thứ 3 trở đi: 5.000 đồng"),
            "{}",
            r.body
        );
    }
    let en = signed_in(&app, Lang::En, "hoa", OWNER_ID).await;
    let r = get(&app, Some(&en), EN, &payment(Lang::En, &code)).await;
    assert!(r.body.contains("not charged online"), "{}", r.body);

    publish_version_2(&app).await;
    // Pinned to version 1, the dossier's receipt lists version 1's fees...
    let r = get(&app, Some(&owner), VI, &receipt(Lang::Vi, &code)).await;
    assert!(r.body.contains("200.000 đồng"), "{}", r.body);
    assert!(!r.body.contains("300.000 đồng"), "{}", r.body);
    // ... and it pays version 1's fee, not the current one.
    let page = start(&app, &owner, &code).await;
    assert!(page.contains("amount=200000"), "{page}");
    assert_eq!(stored(&app, id).await[0].amount, 200_000);
    // On version 2: the new fee, with the line of its case...
    let (code, id) = dossier_on(&app, RECORDS, 2, "ca-nhan-tu-yeu-cau").await;
    let r = get(&app, Some(&owner), VI, &receipt(Lang::Vi, &code)).await;
    assert!(r.body.contains("310.000 đồng"), "{}", r.body);
    start(&app, &owner, &code).await;
    assert_eq!(stored(&app, id).await[0].amount, 310_000);
    // ... and without it in another case.
    let (code, id) = dossier_on(&app, RECORDS, 2, "mac-dinh").await;
    start(&app, &owner, &code).await;
    assert_eq!(stored(&app, id).await[0].amount, 300_000);
}

/// Moves dossier `code` to `status`, closed.
async fn close_as(app: &TestApp, code: &str, status: motcua_core::dossier::DossierStatus) {
    let th = tenant(app, "thanhhoa").await;
    motcua_store::dossiers::move_dossier(&app.db.store, th, &code.parse().unwrap(), |d| {
        Ok::<_, String>(motcua_store::dossiers::Change {
            state: d.state.clone(),
            status,
            due_at: d.due_at,
            closed_at: Some(Utc::now()),
            events: Vec::new(),
            outbox: Vec::new(),
            procedure_version: None,
            next_timer_at: None,
            tasks: Vec::new(),
            attach: Vec::new(),
            job: None,
        })
    })
    .await
    .unwrap();
}

async fn closed_dossiers_are_not_paid(backend: Backend) {
    use motcua_core::dossier::DossierStatus;
    let app = app(backend).await;
    let owner = signed_in(&app, Lang::Vi, "hoa", OWNER_ID).await;
    let en = signed_in(&app, Lang::En, "hoa", OWNER_ID).await;
    for (status, vi, english) in [
        (
            DossierStatus::Withdrawn,
            "Hồ sơ đã được rút",
            "The dossier was withdrawn",
        ),
        (
            DossierStatus::NotAccepted,
            "Hồ sơ không được tiếp nhận",
            "The dossier was not accepted",
        ),
        (
            DossierStatus::Stopped,
            "Việc giải quyết hồ sơ đã dừng",
            "Handling of the dossier was stopped",
        ),
    ] {
        let (code, id) = dossier(&app, RECORDS).await;
        close_as(&app, &code, status).await;
        let r = press_pay(&app, &owner, &code).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{status:?}: {}", r.body);
        assert!(r.body.contains(vi), "{}", r.body);
        let r = press_pay(&app, &en, &code).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body.contains(english), "{}", r.body);
        assert!(stored(&app, id).await.is_empty(), "{status:?}");
        for path in [receipt(Lang::Vi, &code), payment(Lang::Vi, &code)] {
            let r = get(&app, Some(&owner), VI, &path).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(r.body.contains(vi), "{}", r.body);
            assert!(!r.body.contains("pay-online"), "{}", r.body);
        }
    }
    // A dossier handled to its result can still be paid; a paid one leads to its page, with
    // no second order.
    let (code, id) = dossier(&app, RECORDS).await;
    close_as(&app, &code, DossierStatus::Processed).await;
    let page = start(&app, &owner, &code).await;
    choose(&app, &owner, &page, "pay").await;
    let r = press_pay(&app, &owner, &code).await;
    assert_eq!(
        r.header("location"),
        Some(payment(Lang::Vi, &code).as_str())
    );
    let r = get(&app, Some(&owner), VI, &payment(Lang::Vi, &code)).await;
    assert!(r.body.contains("Đã thanh toán"), "{}", r.body);
    assert!(!r.body.contains("pay-online"), "{}", r.body);
    assert_eq!(stored(&app, id).await.len(), 1);
}

backend_tests!(
    two_clicks_at_once_open_one_order,
    orders_left_open_are_settled_or_expired_as_the_gateway_says,
    the_fee_is_the_dossiers_version_and_case_without_conditional_lines,
    closed_dossiers_are_not_paid,
    paying_online_marks_the_dossier_paid_by_the_callback,
    a_declined_payment_fails_and_a_retry_pays,
    forged_mismatched_and_repeated_callbacks_change_nothing,
    a_callback_after_the_return_settles_the_payment_then,
    only_the_owner_starts_or_sees_a_payment,
    a_level_3_procedure_offers_no_online_payment,
);
