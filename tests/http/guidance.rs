//! Guidance through HTTP (Art. 16.2.đ) on Ho Chi Minh City's demo: a citizen asks about the
//! birth registration and the question stays private until an official of the ward that handles
//! the procedure answers and publishes it, on the host of the question's language only; officials
//! without the right, and another tenant's officials, get nothing; the assistant answers from the
//! procedures' information and the published answers, and says plainly when it does not know.

use motcua_authz::{Assignment, Role};
use motcua_core::lang::Lang;
use motcua_store::accounts::Holder;
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use serde_json::{Value, json};

use crate::officials::{PASSWORD, account, api, form, sign_in, tenant};

/// Ho Chi Minh City's portal, in Vietnamese and in English, and its one-stop system.
const VI: &str = "dichvucong.hochiminhcity.localhost";
const EN: &str = "e-services.hochiminhcity.localhost";
const STAFF: &str = "motcua.hochiminhcity.localhost";
/// Thanh Hóa's one-stop system.
const TH_STAFF: &str = "motcua.thanhhoa.localhost";
/// The birth registration, handled by the Sai Gon ward.
const BIRTH: &str = "1.001193";
const WARD: &str = "ubnd-phuong-sai-gon";
/// The ward's one-stop desk.
const DESK: &str = "trung-tam-phvhcc-phuong-sai-gon";

/// A session cookie and its CSRF token.
struct Caller {
    cookie: String,
    csrf: String,
}

/// A citizen signed in through the national portal on Ho Chi Minh City's portal in `lang`.
async fn citizen(app: &TestApp, lang: Lang, name: &str) -> Caller {
    // A subject of its own per run: the rate limit's counters live in Redis on PostgreSQL.
    let subject = format!(
        "guidance-{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap()
    );
    let (cookie, csrf) = app
        .citizen_session("hochiminhcity", lang, &subject, name, "079095001234")
        .await;
    Caller { cookie, csrf }
}

/// An official of tenant `slug` with `roles`, signed in on `host`.
async fn official(
    app: &TestApp,
    slug: &str,
    host: &str,
    username: &str,
    roles: &[(Role, Option<&str>)],
) -> Caller {
    let t = tenant(app, slug).await;
    let id = account(app, Holder::Official(t), username, false).await;
    let add: Vec<Assignment> = roles
        .iter()
        .map(|(role, division)| Assignment {
            account: id,
            role: *role,
            division: division.map(str::to_owned),
        })
        .collect();
    if !add.is_empty() {
        app.state
            .authz
            .change(t, "test", "", &add, &[], None)
            .await
            .expect("roles assigned");
    }
    let (cookie, csrf) = sign_in(app, host, username, PASSWORD).await;
    Caller { cookie, csrf }
}

/// An official of Ho Chi Minh City with `roles`, signed in on its one-stop system.
async fn hcm_official(app: &TestApp, username: &str, roles: &[(Role, Option<&str>)]) -> Caller {
    official(app, "hochiminhcity", STAFF, username, roles).await
}

impl Caller {
    async fn get(&self, app: &TestApp, host: &str, path: &str) -> Reply {
        api(
            app,
            "GET",
            host,
            path,
            Some(&self.cookie),
            None,
            Value::Null,
        )
        .await
    }

    /// Sends a form to `path` on `host` with the session's CSRF token first, then `fields`.
    async fn form(&self, app: &TestApp, host: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        form(app, host, path, Some(&self.cookie), &all).await
    }

    /// Answers question `id` with `text` and publishes it through the answer form of its page on
    /// Ho Chi Minh City's staff host, written on `version` (the form's field left out when
    /// `None`).
    async fn publish_on_page(
        &self,
        app: &TestApp,
        id: i64,
        text: &str,
        version: Option<&str>,
    ) -> Reply {
        let mut fields = vec![("text", text), ("publish", "1")];
        fields.extend(version.map(|v| ("version", v)));
        self.form(app, STAFF, &format!("/hoi-dap/{id}"), &fields)
            .await
    }

    /// Answers question `id` through the API on `host` with `body`.
    async fn answer(&self, app: &TestApp, host: &str, id: i64, body: Value) -> Reply {
        self.post(app, host, &answer_api(id), body).await
    }

    /// Neither answering question `id` nor opening its page on `host` is let through: both
    /// get `status`.
    async fn assert_kept_from(&self, app: &TestApp, host: &str, id: i64, status: u16) {
        let r = self
            .answer(app, host, id, json!({ "text": "Trả lời", "publish": true }))
            .await;
        assert_eq!(r.status, status, "{}", r.body);
        let r = self.get(app, host, &format!("/hoi-dap/{id}")).await;
        assert_eq!(r.status, status, "{}", r.body);
    }

    async fn post(&self, app: &TestApp, host: &str, path: &str, body: Value) -> Reply {
        api(
            app,
            "POST",
            host,
            path,
            Some(&self.cookie),
            Some(&self.csrf),
            body,
        )
        .await
    }
}

fn questions_api() -> String {
    format!("/api/v1/procedures/{BIRTH}/questions")
}

fn answer_api(id: i64) -> String {
    format!("/api/v1/onestop/questions/{id}/answer")
}

async fn questions_are_public_only_once_answered_and_published(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let asker = citizen(&app, Lang::Vi, "Nguyễn Văn An").await;
    let question = "Cha mẹ ở khác phường thì đăng ký khai sinh cho con ở đâu?";
    let second = "Có cần mang sổ hộ khẩu khi đăng ký khai sinh không?";

    // Nobody signed in: the API says so, the page offers to sign in and come back.
    let r = api(
        &app,
        "POST",
        VI,
        &questions_api(),
        None,
        None,
        json!({ "text": question }),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let page = app.get(VI, &format!("/thu-tuc/{BIRTH}/hoi-dap")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("/auth/sign-in?return=%2Fthu-tuc%2F1.001193%2Fhoi-dap"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("name=\"text\""), "no form signed out");
    let r = form(
        &app,
        VI,
        &format!("/thu-tuc/{BIRTH}/hoi-dap"),
        None,
        &[("text", question)],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.header("location")
            .is_some_and(|l| l.starts_with("/auth/sign-in?return=")),
        "{:?}",
        r.header("location")
    );

    // The citizen asks through the API and through the page's form.
    let r = asker
        .post(&app, VI, &questions_api(), json!({ "text": question }))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let asked = r.json();
    assert_eq!(asked["published"], false);
    assert!(asked["answer"].is_null());
    let id = asked["id"].as_i64().unwrap();
    let page = asker
        .get(&app, VI, &format!("/thu-tuc/{BIRTH}/hoi-dap"))
        .await;
    assert!(page.body.contains("name=\"csrf\""), "{}", page.body);
    let r = asker
        .form(
            &app,
            VI,
            &format!("/thu-tuc/{BIRTH}/hoi-dap"),
            &[("text", second)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/thu-tuc/{BIRTH}/hoi-dap?sent=1").as_str())
    );
    // Empty, too long and forged requests are refused.
    for (text, code) in [
        ("   ".to_owned(), "question_required"),
        ("x".repeat(2001), "text_too_long"),
    ] {
        let r = asker
            .post(&app, VI, &questions_api(), json!({ "text": text }))
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], code);
    }
    let r = form(
        &app,
        VI,
        &format!("/thu-tuc/{BIRTH}/hoi-dap"),
        Some(&asker.cookie),
        &[("text", second)],
    )
    .await;
    assert_eq!(r.status, 403, "no CSRF token: {}", r.body);
    let r = asker
        .post(
            &app,
            VI,
            "/api/v1/procedures/9.999999/questions",
            json!({ "text": question }),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Not public yet.
    let public = app.get(VI, &questions_api()).await;
    assert_eq!(public.status, 200, "{}", public.body);
    assert_eq!(public.json()["questions"], json!([]));
    let procedure_page = app.get(VI, &format!("/thu-tuc/{BIRTH}")).await;
    assert!(procedure_page.body.contains("Hỏi đáp"));
    assert!(!procedure_page.body.contains(question));

    // Officials without the right: none at all, and the desk's receiver (who sees the desk's
    // feedback, not the ward's).
    let nobody = hcm_official(&app, "khongquyen", &[]).await;
    let r = nobody.get(&app, STAFF, "/api/v1/onestop/questions").await;
    assert_eq!(r.status, 403, "{}", r.body);
    let receiver = hcm_official(&app, "tiepnhan.hoidap", &[(Role::Receiver, Some(DESK))]).await;
    let r = receiver.get(&app, STAFF, "/api/v1/onestop/questions").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["rows"], json!([]));
    receiver.assert_kept_from(&app, STAFF, id, 403).await;

    // Another tenant's official: the question does not exist for them.
    let other = official(
        &app,
        "thanhhoa",
        TH_STAFF,
        "chuyenvien.hoidap",
        &[(Role::Specialist, None)],
    )
    .await;
    other.assert_kept_from(&app, TH_STAFF, id, 404).await;

    // The ward's specialist sees both, unanswered, answers without publishing: still private.
    let specialist =
        hcm_official(&app, "chuyenvien.hoidap", &[(Role::Specialist, Some(WARD))]).await;
    let r = specialist
        .get(&app, STAFF, "/api/v1/onestop/questions")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["id"], id, "the one waiting longest first");
    assert_eq!(rows[0]["asker"], "Nguyễn Văn An");
    assert_eq!(rows[0]["division"]["key"], WARD);
    assert_eq!(rows[0]["can_answer"], true);
    let list = specialist.get(&app, STAFF, "/hoi-dap").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains(question), "{}", list.body);
    let r = specialist
        .answer(&app, STAFF, id, json!({ "text": "  ", "publish": true }))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "answer_required");
    let draft = "Đăng ký tại Ủy ban nhân dân phường nơi cư trú của cha hoặc mẹ.";
    let r = specialist
        .answer(&app, STAFF, id, json!({ "text": draft, "publish": false }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["published"], false);
    assert_eq!(
        app.get(VI, &questions_api()).await.json()["questions"],
        json!([])
    );

    // Answered again and published through the page's form: on the Vietnamese portal only.
    let answer = "Cha mẹ đăng ký khai sinh cho con tại Ủy ban nhân dân phường nơi cư trú của người cha hoặc người mẹ.";
    // Written on the question as it was after the first answer.
    let r = specialist
        .publish_on_page(&app, id, answer, Some("1"))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/hoi-dap/{id}?ok=1").as_str())
    );
    let shown = specialist
        .get(&app, STAFF, &format!("/hoi-dap/{id}?ok=1"))
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("Đã ghi nhận câu trả lời"));
    // Every answer is recorded, with who gave it.
    assert!(shown.body.contains(draft), "{}", shown.body);
    assert!(shown.body.contains("Cán bộ chuyenvien.hoidap"));
    let r = specialist
        .get(&app, STAFF, "/api/v1/onestop/questions?status=answered")
        .await;
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["published"], true);
    assert_eq!(rows[0]["answer"]["text"], answer);
    assert_eq!(rows[0]["answer"]["by"]["name"], "Cán bộ chuyenvien.hoidap");

    let public = app.get(VI, &questions_api()).await.json();
    let listed = public["questions"].as_array().unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the unanswered one stays private: {public}"
    );
    assert_eq!(listed[0]["question"], question);
    assert_eq!(listed[0]["answer"]["text"], answer);
    assert!(listed[0].get("asker").is_none(), "who asked is not public");
    let procedure_page = app.get(VI, &format!("/thu-tuc/{BIRTH}")).await;
    assert!(
        procedure_page.body.contains(question),
        "{}",
        procedure_page.body
    );
    assert!(procedure_page.body.contains(answer));
    assert!(!procedure_page.body.contains(second));
    let qa_page = app.get(VI, &format!("/thu-tuc/{BIRTH}/hoi-dap")).await;
    assert!(qa_page.body.contains(answer));
    // The English portal: not a question asked in English.
    let english = app.get(EN, &format!("/procedures/{BIRTH}")).await;
    assert_eq!(english.status, 200);
    assert!(english.body.contains("Questions and answers"));
    assert!(!english.body.contains(question));
    assert_eq!(
        app.get(EN, &questions_api()).await.json()["questions"],
        json!([])
    );
    // The other language's path leads to this host's.
    let r = app.get(EN, &format!("/thu-tuc/{BIRTH}/hoi-dap")).await;
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some(format!("/procedures/{BIRTH}/questions").as_str())
    );

    // The assistant quotes the published answer to a similar question.
    let r = app
        .get(
            VI,
            "/api/v1/assistant?q=cha%20me%20o%20khac%20phuong%20dang%20ky%20khai%20sinh%20o%20dau",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let reply = r.json();
    assert_eq!(reply["known"], true, "{reply}");
    assert_eq!(reply["questions"][0]["id"], id, "{reply}");
    assert_eq!(reply["questions"][0]["answer"], answer);
}

/// The assistant's JSON answer to `q` on `host`.
async fn ask(app: &TestApp, host: &str, q: &str) -> Value {
    let path = format!(
        "/api/v1/assistant?q={}",
        url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    );
    let r = app.get(host, &path).await;
    assert_eq!(r.status, 200, "{q}: {}", r.body);
    r.json()
}

/// The lines of the first procedure's first quoted part.
fn first_part(reply: &Value) -> (String, String) {
    let part = &reply["procedures"][0]["sections"][0];
    let items: Vec<&str> = part["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no part quoted: {reply}"))
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    (part["topic"].as_str().unwrap().to_owned(), items.join("\n"))
}

async fn the_assistant_answers_from_the_procedures_or_says_it_does_not_know(backend: Backend) {
    let app = crate::officials::app(backend).await;

    // The fees of the birth registration, asked without accents: timely registration is free.
    let reply = ask(&app, VI, "dang ky khai sinh het bao nhieu tien").await;
    assert_eq!(reply["known"], true, "{reply}");
    assert_eq!(reply["lang"], "vi");
    assert_eq!(reply["topics"], json!(["fees"]));
    assert_eq!(reply["procedures"][0]["code"], BIRTH, "{reply}");
    assert_eq!(reply["procedures"][0]["href"], format!("/thu-tuc/{BIRTH}"));
    assert_eq!(reply["procedures"].as_array().unwrap().len(), 1, "{reply}");
    let (topic, lines) = first_part(&reply);
    assert_eq!(topic, "fees");
    assert!(
        lines.contains("Lệ phí đăng ký khai sinh đúng hạn: Miễn phí"),
        "{lines}"
    );
    assert!(lines.contains("8.000 đồng"), "{lines}");
    let text = reply["answer"].as_str().unwrap();
    assert!(text.contains("Miễn phí"), "{text}");
    assert!(text.contains("Đăng ký khai sinh"), "{text}");
    assert_eq!(reply["sources"][0]["href"], format!("/thu-tuc/{BIRTH}"));

    // The page says the same, citing the procedure with a link.
    let page = app
        .get(
            VI,
            "/tro-ly?q=%C4%90%C4%83ng+k%C3%BD+khai+sinh+h%E1%BA%BFt+bao+nhi%C3%AAu+ti%E1%BB%81n",
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/thu-tuc/{BIRTH}\"")));
    assert!(page.body.contains("Phí, lệ phí"));
    assert!(page.body.contains("Miễn phí"));

    // Other parts, by their own words.
    let (topic, lines) = first_part(&ask(&app, VI, "Đăng ký khai sinh mất bao lâu?").await);
    assert_eq!(topic, "time");
    assert!(lines.contains("1 ngày làm việc"), "{lines}");
    let (topic, lines) = first_part(&ask(&app, VI, "can giay to gi de dang ky khai sinh").await);
    assert_eq!(topic, "documents");
    assert!(lines.contains("Tờ khai đăng ký khai sinh"), "{lines}");
    let reply = ask(&app, VI, "chứng thực bản sao phí bao nhiêu").await;
    assert_eq!(reply["procedures"][0]["code"], "2.000815", "{reply}");

    // Nothing matches well enough: it says it does not know, cites nothing.
    for q in ["thoi tiet ngay mai", "giá vàng hôm nay", "phí bao nhiêu"] {
        let reply = ask(&app, VI, q).await;
        assert_eq!(reply["known"], false, "{q}: {reply}");
        assert_eq!(reply["procedures"], json!([]), "{q}");
        let text = reply["answer"].as_str().unwrap();
        assert!(text.contains("không biết"), "{q}: {text}");
    }
    let page = app.get(VI, "/tro-ly?q=thoi+tiet+ngay+mai").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("trợ lý không biết câu trả lời"));
    assert!(page.body.contains("/thu-tuc?q=thoi%20tiet%20ngay%20mai"));

    // The English portal answers in English.
    let reply = ask(&app, EN, "How much does birth registration cost?").await;
    assert_eq!(reply["lang"], "en");
    assert_eq!(
        reply["procedures"][0]["name"], "Birth registration",
        "{reply}"
    );
    assert_eq!(
        reply["procedures"][0]["href"],
        format!("/procedures/{BIRTH}")
    );
    let (topic, lines) = first_part(&reply);
    assert_eq!(topic, "fees");
    assert!(
        lines.contains("Charge for timely birth registration: Free"),
        "{lines}"
    );
    assert!(reply["answer"].as_str().unwrap().contains("Free"));
    // Asked in Vietnamese on the English host: found all the same, answered in English.
    let reply = ask(&app, EN, "dang ky khai sinh het bao nhieu tien").await;
    assert_eq!(
        reply["procedures"][0]["name"], "Birth registration",
        "{reply}"
    );
    let (_, lines) = first_part(&reply);
    assert!(lines.contains("Free"), "{lines}");
    let reply = ask(&app, EN, "what is the weather tomorrow").await;
    assert_eq!(reply["known"], false, "{reply}");
    assert!(reply["answer"].as_str().unwrap().contains("does not know"));
    let page = app
        .get(EN, "/assistant?q=birth+registration+documents")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Documents to supply"), "{}", page.body);
    assert!(page.body.contains("Birth registration declaration"));

    // The catalogue leads to the assistant; a question is required, and not too long.
    let catalogue = app.get(VI, "/thu-tuc").await;
    assert!(catalogue.body.contains("href=\"/tro-ly\""));
    let r = app.get(VI, "/api/v1/assistant?q=%20").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "question_required");
    let r = app
        .get(VI, &format!("/api/v1/assistant?q={}", "a".repeat(501)))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
}

/// The `version` the answer form of `page` carries.
fn form_version(page: &str) -> String {
    let at = page
        .find("name=\"version\" value=\"")
        .expect("the answer form carries the version it was read at");
    let rest = &page[at + "name=\"version\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn of_two_officials_answering_at_once_the_later_is_shown_the_other_answer(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let asker = citizen(&app, Lang::Vi, "Trần Thị Bình").await;
    let r = asker
        .post(
            &app,
            VI,
            &questions_api(),
            json!({ "text": "Khai sinh cho con ở nước ngoài về thì làm ở đâu?" }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let roles = [(Role::Specialist, Some(WARD))];
    let first = hcm_official(&app, "hoidap.mot", &roles).await;
    let second = hcm_official(&app, "hoidap.hai", &roles).await;

    // Both open the question before either answers.
    let path = format!("/hoi-dap/{id}");
    let read_first = first.get(&app, STAFF, &path).await;
    let read_second = second.get(&app, STAFF, &path).await;
    assert_eq!(read_first.status, 200, "{}", read_first.body);
    assert_eq!(form_version(&read_first.body), "0");
    let version = form_version(&read_second.body);
    assert_eq!(version, "0");

    let theirs = "Đăng ký tại Ủy ban nhân dân phường nơi cư trú của cha hoặc mẹ.";
    let r = first.publish_on_page(&app, id, theirs, Some("0")).await;
    assert_eq!(r.status, 303, "{}", r.body);

    // The later answer, written on the version both read: refused, with the other answer shown
    // in both languages and the typed text kept.
    let mine =
        "Làm tại phường nơi cư trú; mang theo giấy chứng sinh do nước ngoài cấp đã hợp pháp hóa.";
    let r = second.publish_on_page(&app, id, mine, Some(&version)).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("vừa trả lời câu hỏi này"), "{}", r.body);
    assert!(r.body.contains("Another official answered this question"));
    assert!(r.body.contains(theirs), "the other answer is shown");
    assert!(r.body.contains("Cán bộ hoidap.mot"), "{}", r.body);
    assert!(
        r.body.contains(&format!(">{mine}</textarea>")),
        "the typed text is kept: {}",
        r.body
    );
    assert_eq!(
        form_version(&r.body),
        "1",
        "now written on the version shown"
    );
    // Nothing of it was recorded; the public answer is the first official's.
    let public = app.get(VI, &questions_api()).await.json();
    let published: Vec<&Value> = public["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| &q["answer"]["text"])
        .collect();
    assert_eq!(published, [&json!(theirs)], "{public}");

    // A form without the version it was read at cannot replace an answer unseen either.
    let r = second.publish_on_page(&app, id, mine, None).await;
    assert_eq!(r.status, 409, "{}", r.body);

    // The API says the same with a stable code.
    let r = second
        .answer(
            &app,
            STAFF,
            id,
            json!({ "text": mine, "publish": true, "version": 0 }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "answered_meanwhile");

    // Sent again knowingly, on the version it was shown: recorded.
    let r = second.publish_on_page(&app, id, mine, Some("1")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = second
        .get(&app, STAFF, "/api/v1/onestop/questions?status=answered")
        .await;
    let row = &r.json()["rows"][0];
    assert_eq!(row["answer"]["text"], mine);
    assert_eq!(row["version"], 2);
}

backend_tests!(
    of_two_officials_answering_at_once_the_later_is_shown_the_other_answer,
    questions_are_public_only_once_answered_and_published,
    the_assistant_answers_from_the_procedures_or_says_it_does_not_know,
);
