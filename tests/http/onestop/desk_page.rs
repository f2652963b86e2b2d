//! The reception form of the one-stop desk as a browser without JavaScript uses it (every field
//! and document of the procedure, problems shown at their inputs, a double submission creating
//! one dossier), and what a visitor not signed in, or a hostile applicant name, gets.

use motcua_authz::Role;
use motcua_tests::{Backend, backend_tests};
use serde_json::Value;

use super::pages::{received, send};
use super::{Clerk, DESK, POLICE, RECORDS, STAFF, at};
use crate::officials::{between, form};

/// The reception form's fields for the demo form of the judicial record procedure.
pub(super) fn typed_form(form: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in form.as_object().unwrap() {
        match value {
            Value::String(s) => out.push((format!("f.{key}"), s.clone())),
            Value::Bool(true) => out.push((format!("f.{key}"), "true".to_owned())),
            Value::Bool(false) | Value::Null => {}
            Value::Number(n) => out.push((format!("f.{key}"), n.to_string())),
            Value::Object(_) => out.push((format!("f.{key}"), value.to_string())),
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
        }
    }
    out
}

async fn the_desk_form_receives_a_dossier(backend: Backend) {
    let app = crate::officials::app(backend).await;
    let desk = Clerk::new(&app, "tiepnhan24", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien24", &[(Role::Specialist, Some(POLICE))]).await;
    assert_eq!(police.get(&app, "/tiep-nhan").await.status, 403);
    let home = desk.get(&app, "/tiep-nhan").await;
    assert_eq!(home.status, 200, "{}", home.body);
    let link = format!("/tiep-nhan/{RECORDS}?case=ca-nhan-tu-yeu-cau");
    assert!(home.body.contains(&link), "{}", home.body);

    let page = desk.get(&app, &link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    let site = app.state.sites.resolve(STAFF).unwrap().site;
    let live = site.procedure(RECORDS).unwrap();
    for f in &live.procedure.form.fields {
        assert!(b.contains(f.label.vi.as_str()), "{} in {b}", f.label.vi);
        if f.columns.is_empty() {
            assert!(
                b.contains(&format!("name=\"f.{}\"", f.key)),
                "{} in {b}",
                f.key
            );
        }
        for c in &f.columns {
            assert!(
                b.contains(&format!("name=\"f.{}.0.{}\"", f.key, c.key)),
                "{}.{} in {b}",
                f.key,
                c.key
            );
        }
    }
    assert!(
        b.contains("Chỉ điền khi đánh dấu “Đã từng bị kết án”"),
        "{b}"
    );
    assert!(
        b.contains("Chỉ điền khi “Hình thức nhận kết quả” là “Nhận qua dịch vụ bưu chính”"),
        "{b}"
    );
    let case = &live.info().cases[0];
    for d in &case.documents {
        assert!(
            b.contains(&format!("name=\"documents\" value=\"{}\"", d.code)),
            "{} in {b}",
            d.code
        );
        assert!(b.contains(d.name.vi.as_str()), "{b}");
    }
    assert!(b.contains("Không bắt buộc"), "{b}");
    let key = between(b, "name=\"idempotency_key\" value=\"", "\"").to_owned();

    let demo = motcua_tests::demo_form("thanhhoa", RECORDS);
    let mut fields = typed_form(&demo);
    let base: Vec<(&str, &str)> = vec![
        ("idempotency_key", &key),
        ("case", "ca-nhan-tu-yeu-cau"),
        ("applicant.kind", "citizen"),
        ("applicant.name", "Lê Văn Thành"),
        ("applicant.id_number", "038096004567"),
        ("channel", "desk"),
        ("documents", "TK"),
    ];
    let action = format!("/tiep-nhan/{RECORDS}");
    // A required field left empty: the form again, with what was typed and the problem at it.
    fields.retain(|(k, _)| k != "f.ho_ten");
    let mut all: Vec<(&str, &str)> = base.clone();
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    all.push(("decision", "accept"));
    let r = send(&app, &desk, &action, &all).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"f-ho_ten-error-1\""), "{}", r.body);
    let born = format!("value=\"{}\"", demo["noi_sinh"].as_str().unwrap());
    assert!(r.body.contains(&born), "{born} in {}", r.body);
    assert!(
        r.body
            .contains("value=\"Ký túc xá Đại học Bách khoa Hà Nội, Hà Nội\""),
        "{}",
        r.body
    );
    assert_eq!(
        between(&r.body, "name=\"idempotency_key\" value=\"", "\""),
        key
    );

    // A required document missing: named at the checklist.
    all.push(("f.ho_ten", "Lê Văn Thành"));
    let r = send(&app, &desk, &action, &all).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("thiếu: GTTT"), "{}", r.body);

    all.push(("documents", "GTTT"));
    let r = send(&app, &desk, &action, &all).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").unwrap().to_owned();
    let code = between(&location, "/ho-so/", "?").to_owned();
    assert_eq!(location, format!("/ho-so/{code}?ok=mau-01"));
    let page = desk.get(&app, &location).await;
    assert!(page.body.contains("Đã tiếp nhận hồ sơ"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("href=\"/ho-so/{code}/mau-01\"")),
        "{}",
        page.body
    );
    let view = desk.dossier(&app, &code).await.json();
    let accepted = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "status_changed" && e["data"]["to"] == "accepted");
    assert!(accepted, "{view}");
    assert_eq!(view["channel"], "desk");
    assert_eq!(view["form"]["ho_ten"], "Lê Văn Thành");
    assert_eq!(view["form"]["qua_trinh_cu_tru"], demo["qua_trinh_cu_tru"]);
    assert_eq!(at(&view), ["tra-cuu"]);
    // Sent twice (a double click): the same dossier.
    let again = send(&app, &desk, &action, &all).await;
    assert_eq!(again.header("location"), Some(location.as_str()));
}

async fn visitors_sign_in_first_and_names_are_escaped(backend: Backend) {
    let app = crate::officials::app(backend).await;
    for path in ["/", "/ho-so/000.00.01.H56-260101-0001", "/tiep-nhan"] {
        let r = crate::officials::api(&app, "GET", STAFF, path, None, None, Value::Null).await;
        assert!(r.status.is_redirection(), "{path}: {} {}", r.status, r.body);
        let to = r.header("location").unwrap();
        assert_eq!(
            to,
            format!(
                "/dang-nhap?return={}",
                url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
            )
        );
    }
    let r = form(
        &app,
        STAFF,
        "/ho-so/000.00.01.H56-260101-0001/thao-tac",
        None,
        &[("type", "claim")],
    )
    .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    // Signed in without any role: a page that says so, not JSON.
    let nobody = Clerk::new(&app, "nguoila2", &[]).await;
    let r = nobody.get(&app, "/").await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.header("content-type").unwrap().starts_with("text/html"),
        "{}",
        r.body
    );

    let desk = Clerk::new(&app, "tiepnhan25", &[(Role::Receiver, Some(DESK))]).await;
    let police = Clerk::new(&app, "chuyenvien25", &[(Role::Specialist, Some(POLICE))]).await;
    let code = received(&app, &desk, "<script>alert(1)</script> Hoa").await;
    for path in ["/".to_owned(), format!("/ho-so/{code}")] {
        let b = police.get(&app, &path).await.body;
        assert!(b.contains(&code), "{b}");
        assert!(!b.contains("<script>alert(1)</script>"), "{b}");
        assert!(
            b.contains("&#60;script&#62;alert(1)") || b.contains("&lt;script&gt;alert(1)"),
            "{b}"
        );
    }
}

backend_tests!(
    the_desk_form_receives_a_dossier,
    visitors_sign_in_first_and_names_are_escaped,
);
