//! Online submission on the citizen portal, as a browser without JavaScript uses it: sign-in
//! first, the e-form refused with messages in the page's language, drafts saved, resumed and
//! private to their owner, the submission creating one dossier with its documents however often
//! it is sent, and the receipt shown to its owner only.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_core::lang::Lang;
use motcua_core::tenant::System;
use motcua_store::accounts::{self, Holder, NewAccount};
use motcua_store::{TenantId, attachments, drafts, tenants};
use motcua_tests::{Backend, Reply, TestApp, backend_tests};
use motcua_web::host::Site;
use motcua_web::session::{CitizenIdentity, Principal, Sessions};
use serde_json::Value;

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
/// Phiếu lý lịch tư pháp (level 4, online), with the default limits (10 MB; pdf, jpeg, png).
const RECORDS: &str = "2.000488";
const BOUNDARY: &str = "----motcua-apply";
const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A citizen signed in on the portal of Thanh Hóa in `lang`.
struct Citizen {
    cookie: String,
    csrf: String,
    host: &'static str,
}

async fn tenant(app: &TestApp, slug: &str) -> TenantId {
    tenants::load(&app.db.store, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn session(app: &TestApp, lang: Lang, principal: Principal) -> Citizen {
    let t = tenant(app, "thanhhoa").await;
    let site = Site {
        tenant: app.state.sites.by_id(t).unwrap(),
        lang,
        system: System::Portal,
    };
    let new = Sessions::create(&app.state, &site, principal)
        .await
        .unwrap();
    let cookie = new
        .set_cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    Citizen {
        cookie,
        csrf: new.csrf,
        host: lang.pick(VI, EN),
    }
}

async fn citizen(app: &TestApp, lang: Lang, subject: &str, id: &str) -> Citizen {
    session(
        app,
        lang,
        Principal::Citizen(CitizenIdentity {
            issuer: "https://sso.dichvucong.gov.vn".to_owned(),
            subject: subject.to_owned(),
            name: format!("Công dân {subject}"),
            citizen_id: Some(id.to_owned()),
            acr: Some("LoA2".to_owned()),
        }),
    )
    .await
}

fn apply_path(lang: Lang) -> String {
    lang.pick(
        format!("/thu-tuc/{RECORDS}/nop-ho-so"),
        format!("/procedures/{RECORDS}/apply"),
    )
}

fn review_path(lang: Lang) -> String {
    format!("{}{}", apply_path(lang), lang.pick("/xem-lai", "/review"))
}

async fn get(app: &TestApp, who: Option<&Citizen>, host: &str, path: &str) -> Reply {
    let mut r = Request::get(path).header("host", host);
    if let Some(c) = who {
        r = r.header("cookie", &c.cookie);
    }
    app.send(r.body(Body::empty()).unwrap()).await
}

/// The submission form sent as a browser sends it: the CSRF token first, then the fields, then
/// the files `(input, file name, bytes)`.
async fn post_form(
    app: &TestApp,
    who: &Citizen,
    lang: Lang,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Reply {
    let mut body = Vec::new();
    let csrf = [("csrf", who.csrf.as_str())];
    for (k, v) in csrf.iter().chain(fields) {
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
    app.send(
        Request::post(apply_path(lang))
            .header("host", who.host)
            .header("cookie", &who.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// "Nộp hồ sơ" on the review page.
async fn submit(app: &TestApp, who: &Citizen, lang: Lang, key: &str) -> Reply {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &who.csrf)
        .append_pair("key", key)
        .finish();
    app.send(
        Request::post(review_path(lang))
            .header("host", who.host)
            .header("cookie", &who.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// The demo scenario's form as the inputs that type it.
fn typed_form(form: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in form.as_object().unwrap() {
        match value {
            Value::String(s) => out.push((format!("f.{key}"), s.clone())),
            Value::Bool(true) => out.push((format!("f.{key}"), "true".to_owned())),
            Value::Number(n) => out.push((format!("f.{key}"), n.to_string())),
            // A file: supplied by the document uploaded with it.
            Value::Object(_) => {}
            Value::Array(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    for (column, cell) in row.as_object().unwrap() {
                        out.push((
                            format!("f.{key}.{i}.{column}"),
                            cell.as_str().unwrap().to_owned(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).unwrap_or_else(|| panic!("`{start}` in {s}")) + start.len();
    let len = s[from..].find(end).unwrap();
    &s[from..from + len]
}

async fn visitors_sign_in_first_and_officials_are_sent_to_the_desk(backend: Backend) {
    let app = TestApp::new(backend).await;
    for lang in [Lang::Vi, Lang::En] {
        let host = lang.pick(VI, EN);
        let path = apply_path(lang);
        let r = get(&app, None, host, &path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let back: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
        assert_eq!(
            r.header("location"),
            Some(format!("/auth/sign-in?return={}", back.replace('+', "%20")).as_str())
        );
        // The other language's path leads to this host's.
        let other = apply_path(lang.pick(Lang::En, Lang::Vi));
        let r = get(&app, None, host, &other).await;
        assert_eq!(r.header("location"), Some(path.as_str()), "{}", r.body);
    }
    let r = get(
        &app,
        None,
        VI,
        "/ho-so-cua-toi/000.00.01.H56-260101-0001/bien-nhan",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let th = tenant(&app, "thanhhoa").await;
    let account = accounts::create(
        &app.db.store,
        Holder::Official(th),
        &NewAccount {
            username: "tiepnhan.apply".to_owned(),
            name: "Cán bộ tiếp nhận".to_owned(),
            email: None,
            password_hash: motcua_web::accounts::password::hash("một mật khẩu đủ dài 2026")
                .unwrap(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let official = session(
        &app,
        Lang::Vi,
        Principal::Official {
            tenant: th,
            account,
            username: "tiepnhan.apply".to_owned(),
            name: "Cán bộ tiếp nhận".to_owned(),
        },
    )
    .await;
    let r = get(&app, Some(&official), VI, &apply_path(Lang::Vi)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        r.body
            .contains("Cán bộ tiếp nhận hồ sơ tại trang Tiếp nhận"),
        "{}",
        r.body
    );
    let r = get(&app, Some(&official), VI, "/thu-tuc/9.999999/nop-ho-so").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

async fn invalid_forms_come_back_with_messages_in_the_page_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let vi = citizen(&app, Lang::Vi, "hoa", "038095001234").await;
    let page = get(&app, Some(&vi), VI, &apply_path(Lang::Vi)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(
        b.contains("Công dân hoa") && b.contains("038095001234"),
        "{b}"
    );
    assert!(b.contains("name=\"f.ho_ten\""), "{b}");
    assert!(b.contains("maxlength=\"100\" required"), "{b}");
    assert!(b.contains("name=\"doc.TK\" type=\"file\""), "{b}");
    assert!(b.contains("enctype=\"multipart/form-data\""), "{b}");
    assert!(
        b.contains("Chỉ điền khi đánh dấu “Đã từng bị kết án”"),
        "{b}"
    );
    // Both cases offered: the documents follow the chosen one.
    assert!(b.contains("value=\"uy-quyen\""), "{b}");
    assert!(!b.contains("name=\"doc.UQ\""), "{b}");
    let r = post_form(
        &app,
        &vi,
        Lang::Vi,
        &[("case", "uy-quyen"), ("action", "case")],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("name=\"doc.UQ\""), "{}", r.body);

    let r = post_form(
        &app,
        &vi,
        Lang::Vi,
        &[
            ("case", "ca-nhan-tu-yeu-cau"),
            ("applicant.email", "không phải thư"),
            ("action", "continue"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let b = &r.body;
    assert!(b.contains("Hồ sơ chưa hợp lệ"), "{b}");
    assert!(b.contains("href=\"#f-ho_ten\""), "{b}");
    assert!(b.contains("id=\"f-ho_ten-error-1\""), "{b}");
    assert!(b.contains("aria-describedby=\"f-ho_ten-error-1\""), "{b}");
    assert!(b.contains("aria-invalid=\"true\""), "{b}");
    assert!(b.contains("Địa chỉ thư điện tử không hợp lệ."), "{b}");
    assert!(b.contains("Cần đính kèm giấy tờ này."), "{b}");
    assert!(b.contains("value=\"không phải thư\""), "{b}");

    let en = citizen(&app, Lang::En, "binh", "038095005678").await;
    let r = post_form(&app, &en, Lang::En, &[("action", "continue")], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let b = &r.body;
    assert!(b.contains("The application is not complete yet"), "{b}");
    assert!(b.contains("Attach this document."), "{b}");
    assert!(
        b.contains("Please enter Full name") || b.contains("Full name:"),
        "{b}"
    );
    assert!(!b.contains("Cần đính kèm"), "{b}");
    assert!(
        b.contains("Fill in only when “Has been convicted” is ticked."),
        "{b}"
    );
    assert!(
        b.contains("Taken from the file attached for document GTTT"),
        "{b}"
    );
}

async fn drafts_are_saved_resumed_and_kept_from_others(backend: Backend) {
    let app = TestApp::new(backend).await;
    let hoa = citizen(&app, Lang::Vi, "hoa", "038095001234").await;
    let r = post_form(
        &app,
        &hoa,
        Lang::Vi,
        &[
            ("case", "ca-nhan-tu-yeu-cau"),
            ("applicant.phone", "0912 345 678"),
            ("f.ho_ten", "Lê Thị Hoa Nháp"),
            ("action", "save"),
        ],
        &[("doc.TK", "to-khai.pdf", PDF)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = format!("{}?saved=1", apply_path(Lang::Vi));
    assert_eq!(r.header("location"), Some(saved.as_str()));
    let page = get(&app, Some(&hoa), VI, &saved).await;
    let b = &page.body;
    assert!(b.contains("Đã lưu nháp"), "{b}");
    assert!(b.contains("value=\"Lê Thị Hoa Nháp\""), "{b}");
    assert!(b.contains("value=\"0912 345 678\""), "{b}");
    assert!(b.contains("to-khai.pdf"), "{b}");
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    // Coming back later: the draft resumes.
    let page = get(&app, Some(&hoa), VI, &apply_path(Lang::Vi)).await;
    assert!(
        page.body.contains("Đang tiếp tục bản nháp"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"Lê Thị Hoa Nháp\""),
        "{}",
        page.body
    );

    // Another citizen: a blank form.
    let other = citizen(&app, Lang::Vi, "lan", "038095009999").await;
    let page = get(&app, Some(&other), VI, &apply_path(Lang::Vi)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Lê Thị Hoa Nháp"), "{}", page.body);
    assert!(!page.body.contains("to-khai.pdf"), "{}", page.body);
    // Another tenant: nothing, even for the same owner.
    let th = tenant(&app, "thanhhoa").await;
    let hcm = tenant(&app, "hochiminhcity").await;
    let owner = "citizen:hoa";
    assert!(
        drafts::find(&app.db.store, th, owner, RECORDS)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        drafts::find(&app.db.store, hcm, owner, RECORDS)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        drafts::list(&app.db.store, hcm, owner)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        drafts::list(&app.db.store, th, owner).await.unwrap().len(),
        1
    );

    // A file over the procedure's limit: 413 in the page's language, the draft kept.
    let huge = vec![b'%'; 11 << 20];
    let mut big = PDF.to_vec();
    big.extend_from_slice(&huge);
    let r = post_form(
        &app,
        &hoa,
        Lang::Vi,
        &[
            ("case", "ca-nhan-tu-yeu-cau"),
            ("f.ho_ten", "Lê Thị Hoa Nháp"),
            ("action", "save"),
        ],
        &[("doc.GTTT", "can-cuoc.pdf", &big)],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("Tệp “can-cuoc.pdf”"), "{}", r.body);
    assert!(r.body.contains("to-khai.pdf"), "{}", r.body);
    let page = get(&app, Some(&hoa), VI, &apply_path(Lang::Vi)).await;
    assert!(
        page.body.contains("value=\"Lê Thị Hoa Nháp\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("to-khai.pdf"), "{}", page.body);
}

async fn a_submission_makes_one_dossier_with_its_documents_and_a_receipt(backend: Backend) {
    let app = TestApp::new(backend).await;
    let lang = Lang::Vi;
    let hoa = citizen(&app, lang, "hoa", "038095001234").await;
    let demo = motcua_tests::demo_form("thanhhoa", RECORDS);
    let typed = typed_form(&demo);
    let mut fields: Vec<(&str, &str)> = vec![
        ("case", "ca-nhan-tu-yeu-cau"),
        ("applicant.email", "hoa@example.vn"),
    ];
    fields.extend(typed.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    fields.push(("action", "continue"));
    let r = post_form(
        &app,
        &hoa,
        lang,
        &fields,
        &[
            ("doc.TK", "to-khai.pdf", PDF),
            ("doc.GTTT", "can-cuoc.pdf", b"%PDF-1.4\n% 2\n%%EOF\n"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some(review_path(lang).as_str()));
    let review = get(&app, Some(&hoa), VI, &review_path(lang)).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let b = &review.body;
    assert!(b.contains("Xem lại hồ sơ trước khi nộp"), "{b}");
    assert!(
        b.contains("to-khai.pdf") && b.contains("can-cuoc.pdf"),
        "{b}"
    );
    assert!(b.contains(demo["ho_ten"].as_str().unwrap()), "{b}");
    assert!(b.contains("hoa@example.vn"), "{b}");
    let key = between(b, "name=\"key\" value=\"", "\"").to_owned();

    let r = submit(&app, &hoa, lang, &key).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.header("location").unwrap().to_owned();
    let code = between(&location, "/ho-so-cua-toi/", "/bien-nhan").to_owned();
    // A double click: the same dossier.
    let again = submit(&app, &hoa, lang, &key).await;
    assert_eq!(again.header("location"), Some(location.as_str()));

    let t = tenant(&app, "thanhhoa").await;
    let d = motcua_store::dossiers::find(&app.db.store, t, &code.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.channel, motcua_core::dossier::Channel::Online);
    assert_eq!(d.applicant.name, "Công dân hoa");
    assert_eq!(
        d.applicant.id_number.as_ref().unwrap().as_str(),
        "038095001234"
    );
    assert_eq!(d.form["ho_ten"], demo["ho_ten"]);
    let docs = attachments::documents(&app.db.store, t, d.id)
        .await
        .unwrap();
    let mut names: Vec<_> = docs.iter().map(|d| d.file_name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["can-cuoc.pdf", "to-khai.pdf"]);
    assert!(
        drafts::find(&app.db.store, t, "citizen:hoa", RECORDS)
            .await
            .unwrap()
            .is_none()
    );

    let receipt = get(&app, Some(&hoa), VI, &location).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    let b = &receipt.body;
    assert!(b.contains(&code), "{b}");
    assert!(b.contains("Ngày hẹn trả kết quả"), "{b}");
    assert!(
        b.contains("<svg")
            && b.contains("aria-label=\"QR: http://dichvucong.thanhhoa.localhost/lookup?code="),
        "{b}"
    );
    assert!(b.contains("nộp trực tiếp tại"), "{b}");
    assert!(
        b.contains(&format!("href=\"/ho-so-cua-toi/{code}\"")),
        "{b}"
    );
    // In English, on the English host.
    let en = citizen(&app, Lang::En, "hoa", "038095001234").await;
    let receipt = get(&app, Some(&en), EN, &format!("/my-dossiers/{code}/receipt")).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    assert!(receipt.body.contains("Result due"), "{}", receipt.body);
    assert!(receipt.body.contains("pay in person"), "{}", receipt.body);
    // Another citizen: as if there were no such dossier.
    let other = citizen(&app, lang, "lan", "038095009999").await;
    let r = get(&app, Some(&other), VI, &location).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains("to-khai.pdf"), "{}", r.body);
}

/// The confirmation form of deleting a draft, sent as a browser sends it (`csrf` the session's
/// token, or none).
async fn delete_draft(app: &TestApp, who: &Citizen, path: &str, csrf: Option<&str>) -> Reply {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    if let Some(t) = csrf {
        body.append_pair("csrf", t);
    }
    app.send(
        Request::post(path)
            .header("host", who.host)
            .header("cookie", &who.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.finish()))
            .unwrap(),
    )
    .await
}

async fn the_drafts_list_resumes_and_deletes_only_the_owners_drafts(backend: Backend) {
    let app = TestApp::new(backend).await;
    let th = tenant(&app, "thanhhoa").await;
    let hoa = citizen(&app, Lang::Vi, "hoa", "038095001234").await;
    let r = post_form(
        &app,
        &hoa,
        Lang::Vi,
        &[
            ("case", "ca-nhan-tu-yeu-cau"),
            ("f.ho_ten", "Lê Thị Hoa Nháp"),
            ("action", "save"),
        ],
        &[("doc.TK", "to-khai.pdf", PDF)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let draft = drafts::list(&app.db.store, th, "citizen:hoa")
        .await
        .unwrap()
        .remove(0);
    let upload: attachments::UploadId = draft.content.documents["TK"].upload.parse().unwrap();
    assert!(
        attachments::upload(&app.db.store, th, &upload)
            .await
            .unwrap()
            .is_some()
    );

    // "My dossiers" leads to the drafts, which lead back into the form.
    let mine = get(&app, Some(&hoa), VI, "/ho-so-cua-toi").await;
    assert!(
        mine.body.contains("href=\"/ho-so-cua-toi/dang-soan\""),
        "{}",
        mine.body
    );
    let list = get(&app, Some(&hoa), VI, "/ho-so-cua-toi/dang-soan").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.header("cache-control"), Some("private, no-store"));
    assert!(list.body.contains("Hồ sơ đang soạn"), "{}", list.body);
    assert!(
        list.body.contains("Cấp Phiếu lý lịch tư pháp"),
        "{}",
        list.body
    );
    assert!(
        list.body
            .contains(&format!("href=\"{}\"", apply_path(Lang::Vi))),
        "{}",
        list.body
    );
    let delete = format!("/ho-so-cua-toi/dang-soan/{}/xoa", draft.id);
    assert!(list.body.contains(&format!("href=\"{delete}\"")));
    // The same on the English host, in English.
    let hoa_en = citizen(&app, Lang::En, "hoa", "038095001234").await;
    let list = get(&app, Some(&hoa_en), EN, "/my-dossiers/drafts").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Drafts"), "{}", list.body);
    assert!(
        list.body
            .contains(&format!("href=\"{}\"", apply_path(Lang::En)))
    );
    let r = get(&app, Some(&hoa_en), EN, "/ho-so-cua-toi/dang-soan").await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(r.header("location"), Some("/my-dossiers/drafts"));

    // Signed out: sign in first, and come back.
    let r = get(&app, None, VI, "/ho-so-cua-toi/dang-soan").await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(
        r.header("location")
            .is_some_and(|l| l.contains("return=%2Fho-so-cua-toi%2Fdang-soan")),
        "{:?}",
        r.header("location")
    );

    // Another citizen sees none of it and can delete nothing of it.
    let lan = citizen(&app, Lang::Vi, "lan", "038095009999").await;
    let list = get(&app, Some(&lan), VI, "/ho-so-cua-toi/dang-soan").await;
    assert!(list.body.contains("Bạn không có hồ sơ đang soạn nào."));
    assert!(!list.body.contains(&delete));
    let r = get(&app, Some(&lan), VI, &delete).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = delete_draft(&app, &lan, &delete, Some(&lan.csrf)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        drafts::list(&app.db.store, th, "citizen:hoa")
            .await
            .unwrap()
            .len(),
        1
    );

    // The owner is asked to confirm; without the session's token nothing is deleted.
    let confirm = get(&app, Some(&hoa), VI, &delete).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("Xóa bản nháp?"), "{}", confirm.body);
    assert!(confirm.body.contains(&format!("action=\"{delete}\"")));
    assert!(confirm.body.contains(&hoa.csrf));
    let r = delete_draft(&app, &hoa, &delete, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = delete_draft(&app, &hoa, &delete, Some(&hoa.csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some("/ho-so-cua-toi/dang-soan?deleted=1")
    );
    let list = get(&app, Some(&hoa), VI, "/ho-so-cua-toi/dang-soan?deleted=1").await;
    assert!(list.body.contains("Đã xóa bản nháp"), "{}", list.body);
    assert!(list.body.contains("Bạn không có hồ sơ đang soạn nào."));
    // The draft and its upload are gone; the form starts blank.
    assert!(
        drafts::list(&app.db.store, th, "citizen:hoa")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        attachments::upload(&app.db.store, th, &upload)
            .await
            .unwrap()
            .is_none()
    );
    let page = get(&app, Some(&hoa), VI, &apply_path(Lang::Vi)).await;
    assert!(!page.body.contains("Lê Thị Hoa Nháp"), "{}", page.body);
    // Deleting it again: not found.
    let r = delete_draft(&app, &hoa, &delete, Some(&hoa.csrf)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

backend_tests!(
    the_drafts_list_resumes_and_deletes_only_the_owners_drafts,
    visitors_sign_in_first_and_officials_are_sent_to_the_desk,
    invalid_forms_come_back_with_messages_in_the_page_language,
    drafts_are_saved_resumed_and_kept_from_others,
    a_submission_makes_one_dossier_with_its_documents_and_a_receipt,
);
