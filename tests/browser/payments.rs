//! Online payment in a real browser on the Vietnamese host: the owner of a level-4 dossier opens
//! its receipt, presses "Thanh toán trực tuyến", pays on the sandbox gateway's page and comes back
//! to the payment page, which shows it paid, as the receipt then does; the fee line due only in
//! some cases is named as not charged online; axe-core on the receipt, the gateway's page and the
//! payment page.

use chrono::Utc;
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_tests::browser::{Browser, LiveApp, Viewport};
use motcua_tests::{Backend, TestApp, citizen, plain_dossier};
use motcua_web::host::Site;
use motcua_web::payments::Payments;
use motcua_web::session::{CitizenIdentity, Principal, Sessions};

const VI: &str = "dichvucong.thanhhoa.localhost";
/// Phiếu lý lịch tư pháp: level 4, fees 200,000 đồng, and 5,000 đồng per certificate beyond two
/// (conditional: not charged online).
const RECORDS: &str = "2.000488";
const OWNER_ID: &str = "038095001234";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_pays_a_dossier_online_at_the_sandbox_gateway() {
    let mut app = TestApp::new(Backend::Sqlite).await;
    app.state.payments = Some(Payments::sandbox("the sandbox secret of the browser test"));
    app.router = motcua_web::app(app.state.clone());
    let th = motcua_store::tenants::load(&app.db.store, "thanhhoa")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut applicant = citizen("Lê Thị Hoa");
    applicant.id_number = motcua_core::dossier::CitizenId::parse(OWNER_ID);
    let new = plain_dossier(RECORDS, "000.00.01.H56", Utc::now(), None, applicant);
    let code = motcua_store::dossiers::receive(&app.db.store, th, new)
        .await
        .unwrap()
        .dossier()
        .code
        .to_string();
    let site = Site {
        tenant: app.state.sites.by_id(th).unwrap(),
        lang: Lang::Vi,
        system: System::Portal,
    };
    let session = Sessions::create(
        &app.state,
        &site,
        Principal::Citizen(CitizenIdentity {
            issuer: "https://sso.dichvucong.gov.vn".to_owned(),
            subject: "hoa".to_owned(),
            name: "Lê Thị Hoa".to_owned(),
            citizen_id: Some(OWNER_ID.to_owned()),
            acr: Some("LoA2".to_owned()),
        }),
    )
    .await
    .unwrap();
    let (name, value) = session
        .set_cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .unwrap();
    let live = LiveApp::serve(app).await;
    let mut browser = Browser::open(Viewport::DESKTOP).await;
    browser.goto(&live.url(VI, "/")).await;
    // The session as the sign-in would leave it (WebDriver refuses cookies for `.localhost`
    // subdomains, the page's script does not).
    browser
        .script(&format!(
            "document.cookie = {}; return true;",
            serde_json::to_string(&format!("{name}={value}; path=/")).unwrap()
        ))
        .await;

    let receipt = format!("/ho-so-cua-toi/{code}/bien-nhan");
    browser.goto(&live.url(VI, &receipt)).await;
    assert!(
        browser
            .text(".payment-amount")
            .await
            .contains("200.000 đồng")
    );
    assert!(
        browser
            .text(".payment-left-out")
            .await
            .contains("Phí cấp thêm Phiếu từ Phiếu thứ 3 trở đi: 5.000 đồng")
    );
    browser.assert_accessible().await;
    browser.click("button.pay-online").await;
    browser
        .wait_for_path_where("the sandbox gateway", |p| {
            p.starts_with("/sandbox-payment/pay?")
        })
        .await;
    assert!(browser.text(".amount").await.contains("200.000 đồng"));
    browser.assert_accessible().await;
    browser.assert_no_console_errors().await;

    browser.click("button[name=choice][value=pay]").await;
    let payment = format!("/ho-so-cua-toi/{code}/thanh-toan");
    browser
        .wait_for_path_where("the payment page", |p| p.starts_with(&payment))
        .await;
    assert_eq!(browser.text(".payment-headline").await, "Đã thanh toán");
    browser.assert_accessible().await;
    browser.assert_no_console_errors().await;

    browser.goto(&live.url(VI, &receipt)).await;
    assert!(
        browser
            .text(".payment-paid")
            .await
            .contains("Đã thanh toán: 200.000 đồng")
    );
    browser.set_viewport(Viewport::PHONE).await;
    browser.assert_no_horizontal_scroll().await;
}
