use super::*;

pub(crate) const VALID: &str = r##"
slug: thanhhoa
kind: province
name: { vi: Ủy ban nhân dân tỉnh Thanh Hóa, en: Thanh Hoa Provincial People's Committee }
short_name: { vi: Thanh Hóa, en: Thanh Hoa }
entity_code: H56
domains:
  name: thanhhoa
  english_name: thanhhoa
  aliases:
    - name: thanhhoa-old
    - host: e-services.thanhhoa.vn
divisions:
  - key: mot-cua
    code: 000.00.01.H56
    name: { vi: Trung tâm Phục vụ hành chính công, en: Public Administration Service Centre }
    one_stop: true
  - key: tu-phap
    code: 000.00.06.H56
    name: { vi: Sở Tư pháp, en: Department of Justice }
branding:
  logo: logo.svg
  primary_color: "#b71c1c"
  accent_color: "#f9a825"
  contact:
    address: { vi: Số 35 Đại lộ Lê Lợi, en: 35 Le Loi Avenue }
    phone: "0237 3852 379"
    email: vpub@thanhhoa.gov.vn
"##;

#[test]
fn a_valid_manifest_is_read_whole() {
    let m = parse_manifest("tenant.yaml", VALID, Some("thanhhoa")).unwrap();
    assert_eq!(m.slug.as_str(), "thanhhoa");
    assert_eq!(m.entity_code.to_string(), "H56");
    assert_eq!(m.entity().to_string(), "000.00.00.H56");
    assert_eq!(m.divisions.len(), 2);
    assert_eq!(m.default_desk().key.as_str(), "mot-cua");
    assert_eq!(
        m.division("tu-phap").unwrap().code.to_string(),
        "000.00.06.H56"
    );
    assert_eq!(
        m.domains.aliases[1],
        Alias::Host {
            host: "e-services.thanhhoa.vn".parse().unwrap(),
            lang: Lang::En
        }
    );
    assert_eq!(m.branding.logo.as_deref(), Some("logo.svg"));
}

#[test]
fn the_slug_must_match_the_directory() {
    let err = parse_manifest("tenants/hanam/tenant.yaml", VALID, Some("hanam")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tenants/hanam/tenant.yaml:2:7: error: the slug `thanhhoa` differs from its directory `hanam`\n  hint: rename the directory or write `slug: hanam`"
    );
}

/// Each `tests/manifests/invalid/<case>.yaml` is refused with exactly the text of `<case>.err`.
/// Set `MOTCUA_BLESS=1` to write the `.err` files from the current output after a deliberate
/// change of wording.
#[test]
fn invalid_manifests_give_their_expected_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manifests/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the invalid manifest cases in {}",
        dir.display()
    );
    let bless = std::env::var_os("MOTCUA_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&case).unwrap();
        let actual = match parse_manifest(&name, &source, None) {
            Ok(_) => "(accepted)".to_owned(),
            Err(err) => err.to_string(),
        };
        let expected_file = case.with_extension("err");
        if bless {
            std::fs::write(&expected_file, format!("{actual}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if expected.trim_end() != actual {
            failures.push(format!(
                "{name}\n--- expected\n{}\n--- actual\n{actual}",
                expected.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
