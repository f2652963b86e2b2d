//! The procedure catalogue and the procedure pages: search that ignores diacritics and case with
//! its ranking, facets, pagination limits, every component of every demo procedure, unknown
//! codes, both languages, and the weight of the pages.

use axum::http::StatusCode;
use motcua_core::dossier::Channel;
use motcua_core::lang::Lang;
use motcua_core::procedure::TimeUnit;
use motcua_tests::{Backend, Reply, TestApp, backend_tests, demo_bundles};

use crate::pages::html_escape;

const VI: &str = "dichvucong.thanhhoa.localhost";
const EN: &str = "e-services.thanhhoa.localhost";
const HCM_VI: &str = "dichvucong.hochiminhcity.localhost";
const HCM_EN: &str = "e-services.hochiminhcity.localhost";

/// The names of the procedures listed in the results, in order.
fn result_names(r: &Reply) -> Vec<String> {
    let Some(start) = r.body.find("<ol class=\"procedures\">") else {
        return Vec::new();
    };
    let list = &r.body[start..start + r.body[start..].find("</ol>").unwrap()];
    list.split("<h3><a href=\"")
        .skip(1)
        .map(|item| {
            let name = &item[item.find("\">").unwrap() + 2..];
            name[..name.find("</a>").unwrap()].to_owned()
        })
        .collect()
}

/// The facet values shown (label and count) under the facet heading `id`.
fn facet(r: &Reply, id: &str) -> Vec<String> {
    let start = r.body.find(&format!("<h3 id=\"{id}\">")).unwrap();
    let block = &r.body[start..start + r.body[start..].find("</ul>").unwrap()];
    block
        .split("<li>")
        .skip(2)
        .map(|li| {
            let text = &li[li.find("\">").unwrap() + 2..li.find("</a>").unwrap()];
            text.replace("<span class=\"count\">", "")
                .replace("</span>", "")
        })
        .collect()
}

async fn search_ignores_diacritics_and_case_and_ranks_the_name_first(backend: Backend) {
    let app = TestApp::new(backend).await;
    for q in [
        "dang+ky+khai+sinh",
        "%C4%90%C4%83ng+k%C3%BD+khai+sinh",
        "DANG%20KY%20KHAI%20SINH",
        // Decomposed, as some keyboards send it: "Đăng ký" with combining marks.
        "%C4%90a%CC%86ng+ky%CC%81+khai+sinh",
    ] {
        let r = app.get(HCM_VI, &format!("/thu-tuc?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        assert_eq!(
            result_names(&r).first().map(String::as_str),
            Some("Đăng ký khai sinh"),
            "{q}"
        );
    }
    let en = app.get(HCM_EN, "/procedures?q=BIRTH+registration").await;
    assert_eq!(result_names(&en)[0], "Birth registration");

    // Both names starting "Đăng ký" hold the phrase: ties by name; a procedure whose documents
    // only mention the words comes after them.
    let r = app.get(VI, "/thu-tuc?q=dang+ky").await;
    let names = result_names(&r);
    assert_eq!(
        names[..2],
        [
            "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
            "Đăng ký thành lập hộ kinh doanh"
        ]
    );
    // Word order matters for the phrase, not for finding.
    let r = app.get(VI, "/thu-tuc?q=ho+kinh+doanh").await;
    assert_eq!(result_names(&r)[0], "Đăng ký thành lập hộ kinh doanh");
    let r = app.get(VI, "/thu-tuc?q=kinh+doanh+ho").await;
    assert_eq!(result_names(&r)[0], "Đăng ký thành lập hộ kinh doanh");
    // Word prefixes, the code, the sector and the agency.
    let ly_lich = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam";
    for q in ["ly+li", "cong+an+tinh", "Ly+lich+tu+phap"] {
        let r = app.get(VI, &format!("/thu-tuc?q={q}")).await;
        assert_eq!(result_names(&r)[0], ly_lich, "{q}");
    }
    for q in ["2.000488", "000488.000.00.00"] {
        let r = app.get(VI, &format!("/thu-tuc?q={q}")).await;
        assert_eq!(result_names(&r), [ly_lich], "{q}");
    }
    // A match in the name ranks above a match in the documents only.
    let r = app.get(HCM_VI, "/thu-tuc?q=ban+sao").await;
    let names = result_names(&r);
    assert!(
        names[0].starts_with("Chứng thực bản sao từ bản chính"),
        "{names:?}"
    );
    assert!(
        names.len() > 1,
        "other procedures ask for copies: {names:?}"
    );
}

async fn empty_results_say_so_and_offer_to_clear_the_filters(backend: Backend) {
    let app = TestApp::new(backend).await;
    let r = app.get(VI, "/thu-tuc?q=xyzzy&level=3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(result_names(&r).is_empty());
    assert!(r.body.contains("Tìm thấy 0 thủ tục."));
    assert!(
        r.body
            .contains("Không có thủ tục nào phù hợp với từ khóa và bộ lọc đã chọn.")
    );
    assert!(r.body.contains(
        "<a class=\"clear\" href=\"/thu-tuc\">Xóa từ khóa và bộ lọc để xem tất cả thủ tục</a>"
    ));
    // The search box keeps the query and the filters.
    assert!(r.body.contains("value=\"xyzzy\""));
    assert!(
        r.body
            .contains("<input type=\"hidden\" name=\"level\" value=\"3\">")
    );
    let r = app.get(EN, "/procedures?q=xyzzy").await;
    assert!(r.body.contains("0 procedures found."));
    assert!(
        r.body
            .contains("No procedure matches the search and the filters chosen.")
    );
    assert!(
        r.body
            .contains("href=\"/procedures\">Clear the search and the filters")
    );
    // Nothing typed and nothing chosen: no clearing to offer.
    let r = app.get(VI, "/thu-tuc").await;
    assert!(!r.body.contains("class=\"clear\""));
    assert_eq!(result_names(&r).len(), 3);
}

async fn facets_count_and_filter_by_sector_agency_and_level(backend: Backend) {
    let app = TestApp::new(backend).await;
    let r = app.get(VI, "/thu-tuc").await;
    assert_eq!(
        facet(&r, "facet-level"),
        [
            "Mức 3 — dịch vụ công trực tuyến một phần (1)",
            "Mức 4 — dịch vụ công trực tuyến toàn trình (2)"
        ]
    );
    assert_eq!(facet(&r, "facet-sector").len(), 3);
    assert!(facet(&r, "facet-sector").contains(&"Lý lịch tư pháp (1)".to_owned()));
    assert!(r.body.contains("href=\"/thu-tuc?level=4\""));
    assert!(r.body.contains("href=\"/thu-tuc?sector=G15-LL01\""));

    // A level chosen: its results, the other levels still offered with their counts, the other
    // facets counting within the level.
    let r = app.get(VI, "/thu-tuc?level=4").await;
    assert_eq!(result_names(&r).len(), 2);
    assert!(
        r.body
            .contains("<a href=\"/thu-tuc?level=4\" aria-current=\"true\">")
    );
    assert_eq!(facet(&r, "facet-level").len(), 2);
    assert_eq!(facet(&r, "facet-sector").len(), 2);
    // `&` escaped in the attribute, whichever way the template engine writes it.
    assert!(
        r.body
            .contains("href=\"/thu-tuc?sector=G15-LL01&amp;level=4\"")
            || r.body
                .contains("href=\"/thu-tuc?sector=G15-LL01&#38;level=4\"")
    );

    let r = app.get(VI, "/thu-tuc?sector=G15-LL01").await;
    assert_eq!(result_names(&r).len(), 1);
    assert!(result_names(&r)[0].starts_with("Cấp Phiếu lý lịch tư pháp"));
    let r = app
        .get(VI, "/thu-tuc?agency=cong-an-tinh-phong-ho-so-nghiep-vu")
        .await;
    assert!(result_names(&r)[0].starts_with("Cấp Phiếu lý lịch tư pháp"));
    assert_eq!(result_names(&r).len(), 1);
    let r = app.get(EN, "/procedures?sector=G15-LL01&level=3").await;
    assert!(result_names(&r).is_empty());
    assert!(r.body.contains("0 procedures found."));
    // The agency facet in English, keyed alike in both languages.
    let r = app.get(EN, "/procedures").await;
    assert!(
        facet(&r, "facet-agency").contains(&"Provincial Police (Records Division) (1)".to_owned())
    );
    assert!(
        r.body
            .contains("href=\"/procedures?agency=cong-an-tinh-phong-ho-so-nghiep-vu\"")
    );
    // Bad values get a clear error in the page's language.
    let r = app.get(VI, "/thu-tuc?level=9").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Mức độ trực tuyến “9” không hợp lệ"));
    let r = app.get(EN, "/procedures?page=zero").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("The page number “zero” is not valid"));
    let r = app.get(EN, "/procedures?page=2").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("There is no page 2"));
    assert!(
        !r.body.contains("class=\"pagination\""),
        "one page needs no pages"
    );
}

async fn every_procedure_page_shows_every_component(backend: Backend) {
    let app = TestApp::new(backend).await;
    for bundle in demo_bundles() {
        let m = &bundle.manifest;
        for (prefix, lang) in [("dichvucong", Lang::Vi), ("e-services", Lang::En)] {
            let name = lang.pick(m.domains.name.as_str(), m.domains.english_name.as_str());
            let host = format!("{prefix}.{name}.localhost");
            for source in &bundle.procedures {
                let p = &source.info;
                let code = p.code.to_string();
                let path = format!("{}/{code}", lang.pick("/thu-tuc", "/procedures"));
                let r = app.get(&host, &path).await;
                assert_eq!(r.status, StatusCode::OK, "{host}{path}");
                let has = |text: &str, what: &str| {
                    assert!(
                        r.body.contains(&html_escape(text)),
                        "{what} {text:?} on {host}{path}"
                    );
                };
                assert!(r.body.contains(&format!("<html lang=\"{}\">", lang.tag())));
                assert!(
                    r.body
                        .contains(&format!("<h1>{}</h1>", html_escape(p.name.get(lang)))),
                    "the name on {host}{path}"
                );
                has(&code, "the code");
                has(&p.local_code(m), "the local code");
                has(p.sector_name.get(lang), "the sector");
                has(p.agency.get(lang), "the agency");
                has(p.desk(m).name.get(lang), "the desk");
                has(
                    lang.pick(
                        ["Mức 1", "Mức 2", "Mức 3", "Mức 4"],
                        ["Level 1", "Level 2", "Level 3", "Level 4"],
                    )[usize::from(p.level.number() - 1)],
                    "the online level",
                );
                for step in &p.steps {
                    has(step.get(lang), "a step");
                }
                for case in &p.cases {
                    has(case.name.get(lang), "a case");
                    let time = case.time.unwrap_or(p.time);
                    let unit = match (time.unit, lang) {
                        (TimeUnit::WorkingDays, Lang::Vi) => "ngày làm việc",
                        (TimeUnit::WorkingDays, Lang::En) => "working days",
                        (TimeUnit::WorkingHours, Lang::Vi) => "giờ làm việc",
                        (TimeUnit::WorkingHours, Lang::En) => "working hours",
                        (TimeUnit::Days, Lang::Vi) => "ngày",
                        (TimeUnit::Days, Lang::En) => "days",
                    };
                    has(&format!("{} {unit}", time.value), "a case's time");
                    for d in &case.documents {
                        has(d.name.get(lang), "a document");
                        let copies = match lang {
                            Lang::Vi => format!("{} bản", d.quantity),
                            Lang::En if d.quantity == 1 => "1 copy".to_owned(),
                            Lang::En => format!("{} copies", d.quantity),
                        };
                        has(&copies, "the copies");
                        if let Some(t) = &d.template {
                            has(t, "a template form");
                        }
                        if let Some(f) = &d.template_file {
                            let href = match lang {
                                Lang::Vi => format!("/thu-tuc/{code}/mau/{}", f.file_name()),
                                Lang::En => {
                                    format!("/procedures/{code}/templates/{}", f.file_name())
                                }
                            };
                            assert!(
                                r.body.contains(&format!("<a href=\"{href}\" download>")),
                                "a template's link on {host}{path}"
                            );
                            let file = app.get(&host, &href).await;
                            assert_eq!(file.status, StatusCode::OK, "{host}{href}");
                        }
                    }
                    if case.documents.iter().any(|d| d.optional) {
                        has(lang.pick("không bắt buộc", "optional"), "optional");
                    }
                }
                for fee in &p.fees {
                    has(fee.name.get(lang), "a fee");
                    if let Some(note) = &fee.note {
                        has(note.get(lang), "a fee's note");
                    }
                }
                for e in &p.eligibility {
                    has(e.get(lang), "a condition");
                }
                for result in &p.results {
                    has(result.get(lang), "a result");
                }
                for law in &p.legal_basis {
                    has(&law.number, "a law's number");
                    has(law.title.get(lang), "a law's title");
                }
                for c in &p.channels {
                    let label = match c {
                        Channel::Desk => lang.pick("Trực tiếp", "In person"),
                        Channel::Post => lang.pick("bưu chính", "By post"),
                        Channel::Online => lang.pick(
                            "Trực tuyến trên Cổng Dịch vụ công này",
                            "Online on this public service portal",
                        ),
                        Channel::NationalPortal => lang.pick(
                            "Cổng Dịch vụ công quốc gia",
                            "National Public Service Portal",
                        ),
                    };
                    has(label, "a channel");
                }
                let apply = match lang {
                    Lang::Vi => format!(
                        "<a class=\"cta\" href=\"/thu-tuc/{code}/nop-ho-so\">Nộp hồ sơ trực tuyến</a>"
                    ),
                    Lang::En => format!(
                        "<a class=\"cta\" href=\"/procedures/{code}/apply\">Apply online</a>"
                    ),
                };
                assert_eq!(
                    r.body.contains(&apply),
                    p.level.accepts_online() && p.channels.contains(&Channel::Online),
                    "the call to apply online on {host}{path}"
                );
                // The language switch leads to the same procedure in the other language.
                let other = match lang {
                    Lang::Vi => format!(
                        "http://e-services.{}.localhost/procedures/{code}",
                        m.domains.english_name
                    ),
                    Lang::En => format!(
                        "http://dichvucong.{}.localhost/thu-tuc/{code}",
                        m.domains.name
                    ),
                };
                assert!(
                    r.body
                        .contains(&format!("class=\"lang-switch\" href=\"{other}\"")),
                    "language switch on {host}{path}"
                );
                assert!(!r.body.contains("<script"), "no JavaScript needed");
            }
        }
    }
}

async fn fees_amounts_and_the_catalogue_links_read_in_each_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    let r = app.get(VI, "/thu-tuc/2.000488").await;
    assert!(r.body.contains("200.000 đồng"));
    assert!(r.body.contains("Bản chính"));
    assert!(r.body.contains(
        "Mẫu đơn, tờ khai: <a href=\"/thu-tuc/2.000488/mau/to-khai-ly-lich-tu-phap-mau-03.pdf\" download>Mẫu số 03/2013/TT-LLTP</a> (PDF)"
    ));
    assert!(
        r.body.contains("href=\"/thu-tuc?sector=G15-LL01\""),
        "the sector leads to the catalogue"
    );
    let r = app.get(EN, "/procedures/2.000488").await;
    assert!(r.body.contains("200,000 VND"));
    assert!(r.body.contains(
        "Template form: <a href=\"/procedures/2.000488/templates/to-khai-ly-lich-tu-phap-mau-03.pdf\" download>Mẫu số 03/2013/TT-LLTP</a> (PDF)"
    ));
    assert!(r.body.contains("2 copies"));
    // The catalogue links to each procedure, and the switch keeps the search.
    let r = app.get(VI, "/thu-tuc?q=ly+lich").await;
    assert!(r.body.contains("<h3><a href=\"/thu-tuc/2.000488\">"));
    assert!(r.body.contains("href=\"/thu-tuc/2.000488/nop-ho-so\""));
    assert!(r.body.contains(
        "class=\"lang-switch\" href=\"http://e-services.thanhhoa.localhost/procedures?q=ly%20lich\""
    ));
    // A path of the other language goes to this host's.
    let r = app.get(VI, "/procedures?q=ly+lich").await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.header("location"), Some("/thu-tuc?q=ly+lich"));
    let r = app.get(EN, "/thu-tuc/2.000488").await;
    assert_eq!(r.header("location"), Some("/procedures/2.000488"));
    // The home page searches the catalogue and links to the procedures.
    let r = app.get(VI, "/").await;
    assert!(
        r.body
            .contains("<form class=\"search\" action=\"/thu-tuc\" method=\"get\"")
    );
    assert!(r.body.contains("<label for=\"q\">Tìm thủ tục</label>"));
    assert!(r.body.contains("<h3><a href=\"/thu-tuc/2.000488\">"));
    let r = app.get(EN, "/").await;
    assert!(
        r.body
            .contains("<form class=\"search\" action=\"/procedures\" method=\"get\"")
    );
    assert!(
        r.body
            .contains("<a href=\"/procedures\">See every procedure</a>")
    );
}

async fn unknown_procedures_get_the_portal_404_in_the_host_language(backend: Backend) {
    let app = TestApp::new(backend).await;
    for path in [
        "/thu-tuc/9.999999",
        "/thu-tuc/khong-co",
        "/thu-tuc/1.001193",
    ] {
        // 1.001193 is a procedure of another tenant: not this one's.
        let r = app.get(VI, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("<html lang=\"vi\">"));
        assert!(r.body.contains("Trang bạn tìm không có trên cổng này."));
    }
    let r = app.get(EN, "/procedures/9.999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body
            .contains("The page you are looking for is not on this portal.")
    );
    // A code of the other language's path, unknown: no redirect built from the request's text.
    let r = app.get(EN, "/thu-tuc/%0D%0Aevil").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The bytes of a page and of the stylesheets it links: what a first visit downloads (the
/// tenant's logo aside).
async fn page_weight(app: &TestApp, host: &str, path: &str) -> usize {
    let r = app.get(host, path).await;
    assert_eq!(r.status, StatusCode::OK, "{host}{path}");
    let mut total = r.body.len();
    let mut sheets = 0;
    for tag in r.body.split("<link ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        if !tag.contains("rel=\"stylesheet\"") {
            continue;
        }
        let href = tag.split("href=\"").nth(1).unwrap();
        let href = &href[..href.find('"').unwrap()];
        let css = app.get(host, href).await;
        assert_eq!(css.status, StatusCode::OK, "{href}");
        total += css.body.len();
        sheets += 1;
    }
    assert!(sheets >= 2, "the page links its stylesheets");
    total
}

async fn home_catalogue_and_procedure_pages_weigh_under_100_kb(backend: Backend) {
    const LIMIT: usize = 100 * 1024;
    let app = TestApp::new(backend).await;
    for bundle in demo_bundles() {
        let m = &bundle.manifest;
        for (host, catalogue, page) in [
            (
                format!("dichvucong.{}.localhost", m.domains.name),
                "/thu-tuc",
                "/thu-tuc/",
            ),
            (
                format!("e-services.{}.localhost", m.domains.english_name),
                "/procedures",
                "/procedures/",
            ),
        ] {
            let mut paths = vec![
                "/".to_owned(),
                catalogue.to_owned(),
                format!("{catalogue}?q=dang+ky"),
            ];
            for p in &bundle.procedures {
                paths.push(format!("{page}{}", p.info.code));
            }
            for path in paths {
                let bytes = page_weight(&app, &host, &path).await;
                assert!(bytes < LIMIT, "{host}{path} weighs {bytes} bytes");
                assert!(
                    bytes > 2000,
                    "{host}{path} was measured whole: {bytes} bytes"
                );
            }
        }
    }
}

/// HCMC's birth registration declaration, as shipped in the tenant directory.
const BIRTH: &str = "1.001193";
const BIRTH_FORM: &str = "to-khai-dang-ky-khai-sinh.pdf";

async fn template_forms_download_from_the_procedure_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    let file = std::fs::read(
        motcua_tests::repo_root().join(format!("tenants/hochiminhcity/templates/{BIRTH_FORM}")),
    )
    .unwrap();
    for (host, page, link, label) in [
        (
            HCM_VI,
            format!("/thu-tuc/{BIRTH}"),
            format!("/thu-tuc/{BIRTH}/mau/{BIRTH_FORM}"),
            "Mẫu đơn, tờ khai: <a href=",
        ),
        (
            HCM_EN,
            format!("/procedures/{BIRTH}"),
            format!("/procedures/{BIRTH}/templates/{BIRTH_FORM}"),
            "Template form: <a href=",
        ),
    ] {
        let r = app.get(host, &page).await;
        assert!(r.body.contains(label), "{host}{page}");
        assert!(
            r.body.contains(&format!(
                "<a href=\"{link}\" download>Tờ khai đăng ký khai sinh (Thông tư 04/2020/TT-BTP)</a> (PDF)"
            )),
            "the link on {host}{page}"
        );
        let r = app.get(host, &link).await;
        assert_eq!(r.status, StatusCode::OK, "{host}{link}");
        assert_eq!(r.header("content-type"), Some("application/pdf"));
        assert_eq!(
            r.header("content-disposition"),
            Some(&*format!(
                "attachment; filename=\"{BIRTH_FORM}\"; filename*=UTF-8''{BIRTH_FORM}"
            ))
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("content-length"), Some(&*file.len().to_string()));
        assert_eq!(
            r.body,
            String::from_utf8_lossy(&file),
            "the file as shipped"
        );
        // Revalidated by its content hash.
        let etag = r.header("etag").expect("an ETag").to_owned();
        let again = app
            .send(
                axum::http::Request::get(&link)
                    .header("host", host)
                    .header("if-none-match", &etag)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
    }
    // Listed by the API, with where to download it.
    let r = app
        .get(HCM_EN, &format!("/api/v1/procedures/{BIRTH}"))
        .await;
    assert_eq!(
        r.json()["template_forms"],
        serde_json::json!([{
            "case": "dung-han", "document": "TK", "file": BIRTH_FORM, "format": "PDF",
            "href": format!("/procedures/{BIRTH}/templates/{BIRTH_FORM}"),
        }])
    );
    // Only files the procedure names, of this tenant: nothing else is reachable.
    for (host, path) in [
        (HCM_VI, format!("/thu-tuc/{BIRTH}/mau/other.pdf")),
        (HCM_VI, format!("/thu-tuc/{BIRTH}/mau/..%2Ftenant.yaml")),
        (HCM_VI, format!("/thu-tuc/{BIRTH}/mau/%2E%2E%2Flogo.svg")),
        (HCM_VI, format!("/thu-tuc/1.000000/mau/{BIRTH_FORM}")),
        // Thanh Hóa's own procedures name no such file.
        (VI, format!("/thu-tuc/1.001193/mau/{BIRTH_FORM}")),
        // Nor does Ho Chi Minh City's procedure list name Thanh Hóa's files.
        (
            HCM_VI,
            "/thu-tuc/2.000488/mau/to-khai-ly-lich-tu-phap-mau-04.pdf".to_owned(),
        ),
    ] {
        let r = app.get(host, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{host}{path}");
        assert!(!r.body.starts_with("%PDF"), "{host}{path}");
    }
    let r = app
        .get(
            VI,
            "/thu-tuc/2.000488/mau/to-khai-ly-lich-tu-phap-mau-04.pdf",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "Thanh Hóa's own form");
    assert!(r.body.starts_with("%PDF-"));
}

backend_tests!(
    template_forms_download_from_the_procedure_page,
    search_ignores_diacritics_and_case_and_ranks_the_name_first,
    empty_results_say_so_and_offer_to_clear_the_filters,
    facets_count_and_filter_by_sector_agency_and_level,
    every_procedure_page_shows_every_component,
    fees_amounts_and_the_catalogue_links_read_in_each_language,
    unknown_procedures_get_the_portal_404_in_the_host_language,
    home_catalogue_and_procedure_pages_weigh_under_100_kb,
);
