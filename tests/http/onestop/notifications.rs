//! Notifications: the applicant's through an SMS provider (a mock that behaves like a real one:
//! ids, de-duplication by reference, 429 with `Retry-After`, 500, a hang, 400 for a bad number),
//! retried with backoff and sent once; officials' in the one-stop system, each official's own.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::{SubsecRound, Utc};
use motcua_authz::{Assignment, Role};
use motcua_store::accounts::Holder;
use motcua_store::jobs::{self, Policy, Which};
use motcua_tests::{Backend, TestApp, backend_tests};
use motcua_web::notifications::gateway::{HttpGateway, Outgoing};
use motcua_web::notifications::{self, Notifier, Pass};
use serde_json::{Value, json};

use super::{Clerk, DESK, POLICE, desk_body};
use crate::officials::{PASSWORD, account, api, sign_in, tenant};

const TOKEN: &str = "provider-token";

/// A fault the provider shows on its next request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// 429 with `Retry-After` (seconds).
    TooMany(u64),
    /// 500.
    Down,
    /// Answers only after this long, having sent the message meanwhile (as a slow provider
    /// does).
    Slow(Duration),
}

/// The provider's state: scripted faults, every request, and what it actually sent.
#[derive(Debug, Default)]
struct Provider {
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<Vec<Value>>,
    /// Sent messages by reference: (id, to, text).
    sent: Mutex<BTreeMap<String, (String, String, String)>>,
}

impl Provider {
    fn requests(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    fn sent(&self) -> Vec<(String, String, String)> {
        self.sent.lock().unwrap().values().cloned().collect()
    }
}

fn valid_number(to: &str) -> bool {
    let digits = to.strip_prefix('+').unwrap_or(to);
    (9..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `POST /v1/messages`, as a real SMS provider answers it.
async fn send(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    p.requests.lock().unwrap().push(body.clone());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer provider-token") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid API token" })),
        )
            .into_response();
    }
    let fault = p.faults.lock().unwrap().pop_front();
    match fault {
        Some(Fault::TooMany(secs)) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", secs.to_string())],
                Json(json!({ "error": "rate limit exceeded" })),
            )
                .into_response();
        }
        Some(Fault::Down) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "error": "upstream carrier unavailable" })),
            )
                .into_response();
        }
        Some(Fault::Slow(_)) | None => {}
    }
    let (to, text, reference) = (
        body["to"].as_str().unwrap_or_default().to_owned(),
        body["text"].as_str().unwrap_or_default().to_owned(),
        body["reference"].as_str().unwrap_or_default().to_owned(),
    );
    if !valid_number(&to) || text.is_empty() || reference.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": format!("invalid destination number: {to}") })),
        )
            .into_response();
    }
    let id = {
        let mut sent = p.sent.lock().unwrap();
        let next = format!("msg-{}", sent.len() + 1);
        sent.entry(reference)
            .or_insert_with(|| (next, to, text))
            .0
            .clone()
    };
    if let Some(Fault::Slow(d)) = fault {
        tokio::time::sleep(d).await;
    }
    (StatusCode::OK, Json(json!({ "id": id }))).into_response()
}

/// Starts the mock provider; its state and its URL.
async fn provider() -> (Arc<Provider>, String) {
    let p = Arc::new(Provider::default());
    let router = Router::new()
        .route("/v1/messages", axum::routing::post(send))
        .with_state(Arc::clone(&p));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (p, format!("http://{addr}/v1/messages"))
}

fn policy() -> Policy {
    Policy {
        lease: Duration::from_secs(60),
        max_attempts: 5,
        backoff: Duration::from_secs(30),
        max_backoff: Duration::from_secs(3600),
    }
}

fn notifier(url: &str) -> Notifier {
    let gateway = HttpGateway::new(url, TOKEN, Duration::from_millis(500)).unwrap();
    Notifier::new(Some(Arc::new(gateway)), policy())
}

/// Receives a dossier at the desk for an applicant with `phone`; its code.
async fn received(app: &TestApp, desk: &Clerk, phone: &str) -> String {
    let mut body = desk_body("accept", &["TK", "GTTT"], None);
    body["applicant"]["phone"] = json!(phone);
    let r = desk.post(app, "/api/v1/onestop/desk", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["code"].as_str().unwrap().to_owned()
}

async fn applicants_messages_are_retried_and_sent_once(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (provider, url) = provider().await;
    let desk = Clerk::new(&app, "tiepnhan30", &[(Role::Receiver, Some(DESK))]).await;
    let code = received(&app, &desk, "0912345678").await;
    let worker = notifier(&url);
    let t0 = Utc::now().trunc_subsecs(6);

    // The provider is rate-limiting: the message waits as long as it is told.
    provider.faults.lock().unwrap().extend([
        Fault::TooMany(600),
        Fault::Down,
        Fault::Slow(Duration::from_secs(2)),
    ]);
    let pass = notifications::run_pending(&app.state, &worker, t0)
        .await
        .unwrap();
    // The officials' message of the same move is not held up by the provider.
    assert_eq!((pass.completed, pass.retrying), (1, 1), "{pass:?}");
    let live = jobs::list(&app.state.store, None, Which::Live, 10)
        .await
        .unwrap();
    let job = live
        .iter()
        .find(|j| j.topic == "notification")
        .expect("the applicant's message waits");
    assert!(
        job.run_after >= t0 + chrono::Duration::seconds(600),
        "{job:?}"
    );
    assert!(
        job.last_error.as_deref().unwrap().contains("429"),
        "{job:?}"
    );
    let id = job.id;
    assert_eq!(
        notifications::run_pending(&app.state, &worker, t0 + chrono::Duration::seconds(599))
            .await
            .unwrap(),
        Pass::default(),
        "not before the provider said"
    );
    assert_eq!(provider.requests(), 1);

    // 500: tried again after the backoff (60 s for a second attempt, less up to half).
    let t1 = t0 + chrono::Duration::seconds(600);
    let pass = notifications::run_pending(&app.state, &worker, t1)
        .await
        .unwrap();
    assert_eq!(pass.retrying, 1);
    let job = jobs::get(&app.state.store, id).await.unwrap().unwrap();
    assert!(
        job.last_error.as_deref().unwrap().contains("500"),
        "{job:?}"
    );
    assert!(job.run_after > t1 && job.run_after <= t1 + chrono::Duration::seconds(60));

    // A provider slower than the client's timeout: counted as failed, though it sent it.
    let t2 = job.run_after;
    let pass = notifications::run_pending(&app.state, &worker, t2)
        .await
        .unwrap();
    assert_eq!(pass.retrying, 1);
    let job = jobs::get(&app.state.store, id).await.unwrap().unwrap();
    assert!(
        job.last_error.as_deref().unwrap().contains("in time"),
        "{job:?}"
    );
    assert_eq!(provider.sent().len(), 1);

    // The retry names the same reference: the provider answers with the first send's id and
    // the applicant receives one message.
    let pass = notifications::run_pending(&app.state, &worker, job.run_after)
        .await
        .unwrap();
    assert_eq!(pass.completed, 1);
    let sent = provider.sent();
    assert_eq!(sent.len(), 1, "sent once: {sent:?}");
    let (msg_id, to, text) = &sent[0];
    assert_eq!(to, "0912345678");
    assert!(text.contains(&code), "{text}");
    assert!(text.contains("Cấp Phiếu lý lịch tư pháp"), "{text}");
    assert!(text.contains("judicial record certificate"), "{text}");
    let job = jobs::get(&app.state.store, id).await.unwrap().unwrap();
    assert_eq!(job.attempts, 4);
    assert!(job.done_at.is_some());
    assert_eq!(
        job.outcome.as_deref(),
        Some(format!("sent: provider message {msg_id}").as_str())
    );
    let requests = provider.requests();
    assert_eq!(requests, 4);
    assert_eq!(
        notifications::run_pending(
            &app.state,
            &worker,
            job.run_after + chrono::Duration::days(1)
        )
        .await
        .unwrap(),
        Pass::default(),
        "nothing is left to send"
    );
    assert_eq!(provider.requests(), requests);
}

async fn a_node_killed_after_sending_does_not_send_twice(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (provider, url) = provider().await;
    let desk = Clerk::new(&app, "tiepnhan31", &[(Role::Receiver, Some(DESK))]).await;
    received(&app, &desk, "+84912345678").await;
    let t0 = Utc::now().trunc_subsecs(6);

    // Node A claims the applicant's message, sends it, and dies before completing it.
    let a = notifier(&url);
    let claimed = jobs::claim(
        &app.state.store,
        "notification",
        &a.worker,
        &a.policy,
        10,
        t0,
    )
    .await
    .unwrap();
    let job = claimed
        .iter()
        .find(|j| j.payload["audience"] == "applicant")
        .expect("the applicant's message");
    let first = a
        .gateway
        .as_ref()
        .unwrap()
        .send(&Outgoing {
            to: "+84912345678".into(),
            text: "Hồ sơ ...".into(),
            reference: format!("motcua-job-{}", job.id()),
        })
        .await
        .unwrap();

    // Node B finds nothing while A's lease runs, then takes it over and completes it: the
    // provider recognises the reference and sends nothing more.
    let b = notifier(&url);
    assert_eq!(
        notifications::run_pending(&app.state, &b, t0 + chrono::Duration::seconds(30))
            .await
            .unwrap(),
        Pass::default()
    );
    let pass = notifications::run_pending(&app.state, &b, t0 + chrono::Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(pass.completed, 2, "{pass:?}");
    // B sent once more, under A's reference, and the provider delivered one message.
    assert_eq!(provider.requests(), 2);
    assert_eq!(provider.sent().len(), 1);
    let done = jobs::get(&app.state.store, job.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.attempts, 2);
    assert_eq!(done.locked_by.as_deref(), Some(b.worker.as_str()));
    assert_eq!(
        done.outcome.as_deref(),
        Some(format!("sent: provider message {}", first.id).as_str())
    );
    // A's late completion is refused.
    assert!(matches!(
        jobs::complete(&app.state.store, &job.lease, None, Utc::now()).await,
        Err(motcua_store::StoreError::Conflict(_))
    ));
}

async fn a_refused_number_is_dead_lettered_and_no_provider_is_said(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let (provider, url) = provider().await;
    let desk = Clerk::new(&app, "tiepnhan32", &[(Role::Receiver, Some(DESK))]).await;
    let code = received(&app, &desk, "12").await;
    let t0 = Utc::now().trunc_subsecs(6);

    // 400: the provider refuses the number itself; no retry helps.
    let pass = notifications::run_pending(&app.state, &notifier(&url), t0)
        .await
        .unwrap();
    assert_eq!((pass.completed, pass.dead), (1, 1), "{pass:?}");
    let dead = jobs::list(&app.state.store, None, Which::Dead, 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].payload["dossier"], code.as_str());
    assert_eq!(dead[0].attempts, 1);
    assert!(
        dead[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("invalid destination number: 12"),
        "{dead:?}"
    );
    assert!(provider.sent().is_empty());

    // Replayed (say the number was corrected) without a provider configured: recorded as not
    // sent, with why; never as sent.
    jobs::replay(&app.state.store, dead[0].id, t0)
        .await
        .unwrap();
    let offline = Notifier::new(None, policy());
    let pass = notifications::run_pending(&app.state, &offline, t0)
        .await
        .unwrap();
    assert_eq!(pass.completed, 1);
    let unsent: Vec<_> = jobs::list(&app.state.store, None, Which::NotSent, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.payload["audience"] == "applicant")
        .collect();
    assert_eq!(unsent.len(), 1);
    assert!(
        unsent[0]
            .outcome
            .as_deref()
            .unwrap()
            .contains("no SMS or e-mail provider is configured"),
        "{unsent:?}"
    );
    assert_eq!(provider.requests(), 1);
}

/// `GET /api/v1/onestop/notifications` as `clerk`.
async fn notices(app: &TestApp, clerk: &Clerk) -> Value {
    let r = clerk.get(app, "/api/v1/onestop/notifications").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn officials_read_their_notifications_and_no_one_elses(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan33", &[(Role::Receiver, Some(DESK))]).await;
    let specialist = Clerk::new(&app, "chuyenvien33", &[(Role::Specialist, Some(POLICE))]).await;
    let colleague = Clerk::new(&app, "chuyenvien34", &[(Role::Specialist, Some(POLICE))]).await;
    let head = Clerk::new(&app, "lanhdao33", &[(Role::DivisionHead, Some(POLICE))]).await;
    let code = received(&app, &desk, "0912345678").await;
    let worker = Notifier::new(None, policy());
    notifications::run_pending(&app.state, &worker, Utc::now())
        .await
        .unwrap();

    // Accepting the dossier told the police's specialists (the step's candidates).
    let mine = notices(&app, &specialist).await;
    assert_eq!(mine["unread"], 1, "{mine}");
    let row = &mine["rows"][0];
    assert_eq!(row["kind"], "notified");
    assert_eq!(row["dossier"], code.as_str());
    assert_eq!(row["read"], false);
    let body = row["body"].as_str().unwrap();
    assert!(
        body.contains(&code) && body.contains("lý lịch tư pháp"),
        "{body}"
    );
    assert!(
        body.contains("Tra cứu Cơ sở dữ liệu lý lịch tư pháp"),
        "{body}"
    );
    assert_eq!(notices(&app, &colleague).await["unread"], 1);
    assert_eq!(notices(&app, &desk).await["rows"], json!([]));
    assert_eq!(notices(&app, &head).await["rows"], json!([]));

    // Marked read: it stays, after the unread ones.
    let id = row["id"].as_i64().unwrap();
    let r = specialist
        .post(
            &app,
            &format!("/api/v1/onestop/notifications/{id}/read"),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["read"], true);
    let mine = notices(&app, &specialist).await;
    assert_eq!(
        (mine["unread"].clone(), mine["rows"][0]["read"].clone()),
        (json!(0), json!(true))
    );
    // Another official's: not found, and left unread.
    let r = colleague
        .post(
            &app,
            &format!("/api/v1/onestop/notifications/{id}/read"),
            Value::Null,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let theirs = notices(&app, &colleague).await;
    assert_eq!(theirs["unread"], 1);
    assert_ne!(theirs["rows"][0]["id"], id);
    // A bad cursor is explained.
    let r = specialist
        .get(&app, "/api/v1/onestop/notifications?cursor=nope")
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("next"),
        "{}",
        r.body
    );

    // Another tenant's official sees none of them and cannot mark them.
    let hcm = tenant(&app, "hochiminhcity").await;
    let stranger = account(&app, Holder::Official(hcm), "chuyenvien35", false).await;
    app.state
        .authz
        .change(
            hcm,
            "test",
            "",
            &[Assignment {
                account: stranger,
                role: Role::Specialist,
                division: None,
            }],
            &[],
            None,
        )
        .await
        .unwrap();
    let host = "motcua.hochiminhcity.localhost";
    let (cookie, csrf) = sign_in(&app, host, "chuyenvien35", PASSWORD).await;
    let r = api(
        &app,
        "GET",
        host,
        "/api/v1/onestop/notifications",
        Some(&cookie),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["rows"], json!([]));
    let r = api(
        &app,
        "POST",
        host,
        &format!("/api/v1/onestop/notifications/{id}/read"),
        Some(&cookie),
        Some(&csrf),
        Value::Null,
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // And a Thanh Hóa session does not open the list on another tenant's host.
    let r = api(
        &app,
        "GET",
        host,
        "/api/v1/onestop/notifications",
        Some(&specialist.cookie),
        None,
        Value::Null,
    )
    .await;
    assert_ne!(r.status, 200, "{}", r.body);

    // Moving on tells the next step's candidates: the head of the police division.
    let r = specialist
        .command(
            &app,
            &code,
            json!({ "type": "act", "step": "tra-cuu", "action": "du-thong-tin" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    notifications::run_pending(&app.state, &worker, Utc::now())
        .await
        .unwrap();
    let heads = notices(&app, &head).await;
    assert_eq!(heads["unread"], 1, "{heads}");
    assert!(
        heads["rows"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Lãnh đạo duyệt, ký Phiếu lý lịch tư pháp")
    );
}

backend_tests!(
    applicants_messages_are_retried_and_sent_once,
    a_node_killed_after_sending_does_not_send_twice,
    a_refused_number_is_dead_lettered_and_no_provider_is_said,
    officials_read_their_notifications_and_no_one_elses,
);
