//! The embedded demo's development provider (`/dev-oidc/` on the node): citizens sign in through
//! the same relying-party flow as with the national portal, on pages that say loudly that this is
//! not the national portal; and the provider keeps the rules a real one must.

use std::collections::HashMap;

use axum::http::StatusCode;
use base64::Engine;
use motcua_tests::oidc::{Browser, SignInApp};
use motcua_tests::{Backend, backend_tests};
use motcua_web::dev_oidc::DevProvider;
use motcua_web::oidc::{RelyingParty, Settings};
use serde_json::Value;

const TH: &str = "dichvucong.thanhhoa.localhost";
const HCM_EN: &str = "e-services.hochiminhcity.localhost";
const BANNER: &str = "DEVELOPMENT SIGN-IN — not the national portal";

/// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn demo(backend: Backend) -> (SignInApp, Settings) {
    let mut settings = None;
    let app = SignInApp::start(backend, |addr| {
        let dev = DevProvider::new(DevProvider::issuer_for(addr), "citizen_id").unwrap();
        let s = dev.relying_party_settings(
            vec!["LoA2".into()],
            ["LoA1", "LoA2", "LoA3", "LoA4"].map(String::from).to_vec(),
            vec!["openid".into(), "profile".into()],
        );
        settings = Some(s.clone());
        (Some(RelyingParty::new(s).unwrap()), Some(dev))
    })
    .await;
    (app, settings.unwrap())
}

fn pairs(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Posts the authorize page's form: the request's parameters and the button pressed.
async fn choose(
    browser: &Browser,
    authorize: &str,
    button: (&str, &str),
) -> motcua_tests::oidc::Page {
    let mut form = pairs(authorize);
    form.push((button.0.to_owned(), button.1.to_owned()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let action = authorize.split('?').next().unwrap();
    browser.post(action, &form).await
}

async fn start(app: &SignInApp, browser: &Browser, host: &str, path: &str) -> String {
    let r = browser.get(&app.url(host, path)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location.unwrap()
}

async fn the_demo_signs_citizens_in_through_the_development_provider(backend: Backend) {
    let (app, settings) = demo(backend).await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, TH, "/auth/sign-in?return=/lookup").await;
    let issuer = format!("http://localhost:{}/dev-oidc", app.addr.port());
    assert_eq!(settings.issuer, issuer);
    assert!(
        authorize.starts_with(&format!("{issuer}/authorize?")),
        "{authorize}"
    );

    let page = browser.get(&authorize).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        BANNER,
        "ĐĂNG NHẬP THỬ NGHIỆM — không phải Cổng Dịch vụ công quốc gia",
        "Chọn một công dân mẫu",
        "Nguyễn Văn An",
        "038095001234",
        "Lê Hoàng Cường",
        "LoA1",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains(&format!(
            "form-action 'self' http://{TH}:{}",
            app.addr.port()
        )),
        "the form may redirect to the portal: {csp}"
    );

    let r = choose(&browser, &authorize, ("citizen", "dev-citizen-2")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let callback = r.location.unwrap();
    assert!(
        callback.starts_with(&app.url(TH, "/auth/callback?code=")),
        "{callback}"
    );
    let back = browser.get(&callback).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(
        back.location.as_deref(),
        Some(app.url(TH, "/lookup").as_str())
    );
    let citizen = app.citizen(&browser, TH).await.expect("signed in");
    assert_eq!(citizen.issuer, issuer);
    assert_eq!(citizen.subject, "dev-citizen-2");
    assert_eq!(citizen.name, "Trần Thị Bình");
    assert_eq!(citizen.citizen_id.as_deref(), Some("079190000123"));
    assert_eq!(citizen.acr.as_deref(), Some("LoA2"));
}

async fn demo_citizens_below_the_level_or_who_cancel_are_not_signed_in(backend: Backend) {
    let (app, _) = demo(backend).await;
    let browser = Browser::new(app.addr);
    let authorize = start(&app, &browser, HCM_EN, "/auth/sign-in").await;
    let page = browser.get(&authorize).await;
    assert!(page.body.contains("Choose a demo citizen") && page.body.contains(BANNER));
    let r = choose(&browser, &authorize, ("citizen", "dev-citizen-3")).await;
    let back = browser.get(&r.location.unwrap()).await;
    assert_eq!(back.status, StatusCode::FORBIDDEN, "{}", back.body);
    assert!(
        back.body
            .contains("does not have the level of assurance this portal requires (LoA2)")
    );
    assert!(app.citizen(&browser, HCM_EN).await.is_none());

    let authorize = start(&app, &browser, HCM_EN, "/auth/sign-in").await;
    let r = choose(&browser, &authorize, ("cancel", "1")).await;
    let back = browser.get(&r.location.unwrap()).await;
    assert_eq!(back.status, StatusCode::FORBIDDEN);
    assert!(back.body.contains("You cancelled the sign-in"));
    assert!(app.citizen(&browser, HCM_EN).await.is_none());
}

async fn the_development_provider_keeps_the_rules_of_a_provider(backend: Backend) {
    let (app, settings) = demo(backend).await;
    let browser = Browser::new(app.addr);
    let issuer = settings.issuer.clone();
    let discovery: Value = serde_json::from_str(
        &browser
            .get(&format!("{issuer}/.well-known/openid-configuration"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"][0],
        "ES256"
    );
    let jwks: Value =
        serde_json::from_str(&browser.get(&format!("{issuer}/jwks")).await.body).unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "EC");
    assert_eq!(jwks["keys"][0]["crv"], "P-256");

    let callback = app.url(TH, "/auth/callback");
    let authorize = |redirect: &str, challenge: &str| {
        let mut url = url::Url::parse(&format!("{issuer}/authorize")).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", &settings.client_id)
            .append_pair("redirect_uri", redirect)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid profile")
            .append_pair("state", "s")
            .append_pair("nonce", "n")
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        url.to_string()
    };

    // A redirect URI that is not a tenant's callback gets a page, never a redirect.
    for bad in [
        "http://elsewhere.localhost/auth/callback",
        &app.url(TH, "/lookup"),
    ] {
        let r = browser.get(&authorize(bad, CHALLENGE)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.location.is_none() && r.body.contains(BANNER));
    }
    // No PKCE: back to the portal with an error.
    let r = browser.get(&authorize(&callback, "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let q: HashMap<_, _> = pairs(&r.location.unwrap()).into_iter().collect();
    assert_eq!(q["error"], "invalid_request");
    assert_eq!(q["iss"], issuer);

    let code = |r: motcua_tests::oidc::Page| -> String {
        let q: HashMap<_, _> = pairs(&r.location.unwrap()).into_iter().collect();
        q["code"].clone()
    };
    let token = format!("{issuer}/token");
    let exchange = |code: String, verifier: &'static str, secret: String| {
        let token = token.clone();
        let callback = callback.clone();
        let client_id = settings.client_id.clone();
        async move {
            let r = reqwest::Client::new()
                .post(&token)
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", &callback),
                    ("code_verifier", verifier),
                    ("client_id", &client_id),
                    ("client_secret", &secret),
                ])
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let secret = settings.client_secret.0.clone();

    let first = code(
        choose(
            &browser,
            &authorize(&callback, CHALLENGE),
            ("citizen", "dev-citizen-1"),
        )
        .await,
    );
    let (status, body) = exchange(first.clone(), VERIFIER, "wrong".into()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (status, body) = exchange(first.clone(), VERIFIER, secret.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id_token = body["id_token"].as_str().unwrap();
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["sub"], "dev-citizen-1");
    assert_eq!(payload["nonce"], "n");
    assert_eq!(payload["acr"], "LoA2");
    assert_eq!(payload["aud"], serde_json::json!([settings.client_id]));
    let info: Value = reqwest::Client::new()
        .get(format!("{issuer}/userinfo"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["citizen_id"], "038095001234");
    assert_eq!(info["name"], "Nguyễn Văn An");
    let (status, body) = exchange(first, VERIFIER, secret.clone()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "a code is good once"
    );

    let second = code(
        choose(
            &browser,
            &authorize(&callback, CHALLENGE),
            ("citizen", "dev-citizen-1"),
        )
        .await,
    );
    let (status, body) = exchange(
        second,
        "not-the-verifier-of-this-code-not-the-verifier",
        secret,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "PKCE"
    );
}

backend_tests!(
    the_demo_signs_citizens_in_through_the_development_provider,
    demo_citizens_below_the_level_or_who_cancel_are_not_signed_in,
    the_development_provider_keeps_the_rules_of_a_provider,
);
