use super::*;
use crate::tenant::sample;

const BIRTH: &str = r#"
info:
  code: "1.001193"
  name: { vi: Đăng ký khai sinh, en: Birth registration }
  sector: G15-HT01
  sector_name: { vi: Hộ tịch, en: Civil status }
  agency: { vi: Ủy ban nhân dân cấp xã, en: Commune People's Committee }
  division: tu-phap
  level: 4
  time: { value: 1, unit: working_days }
  channels: [desk, post, online]
  applicants: [citizen]
  steps:
    - { vi: Nộp hồ sơ, en: Submit the dossier }
  cases:
    - key: dung-han
      name: { vi: Đăng ký khai sinh đúng hạn, en: Timely registration }
      documents:
        - code: TK
          name: { vi: Tờ khai đăng ký khai sinh, en: Birth registration declaration }
          form: original
          template: Mẫu TP/HT-2020-KS.1
        - code: GCS
          name: { vi: Giấy chứng sinh, en: Birth certificate from the hospital }
          form: original
  fees:
    - code: LP
      name: { vi: Lệ phí đăng ký khai sinh đúng hạn, en: Fee for timely registration }
      amount: 0
  results:
    - { vi: Giấy khai sinh, en: Birth certificate }
  legal_basis:
    - number: 60/2014/QH13
      title: { vi: Luật Hộ tịch, en: Law on Civil Status }
workflow:
  anything: [goes, here, for, now]
"#;

#[test]
fn a_real_procedure_is_read() {
    let tenant = sample();
    let p = parse_procedure("birth.yaml", BIRTH, &tenant).unwrap();
    assert_eq!(p.code.to_string(), "1.001193");
    assert_eq!(p.local_code(&tenant), "1.001193.000.00.00.H56");
    assert_eq!(p.level, OnlineLevel::Full);
    assert_eq!(p.cases[0].documents[0].quantity, 1);
    assert_eq!(p.desk(&tenant).key.as_str(), "mot-cua");
}

#[test]
fn cross_checks_point_at_the_value() {
    let tenant = sample();
    let source = BIRTH
        .replace("division: tu-phap", "division: tu-phapp")
        .replace("channels: [desk, post, online]", "channels: [desk, post]");
    let err = parse_procedure("birth.yaml", &source, &tenant).unwrap_err();
    assert_eq!(
        err.to_string(),
        "birth.yaml:8:13: error: unknown division `tu-phapp`\n  hint: did you mean `tu-phap`?\n\
         birth.yaml:11:13: error: a level 4 procedure must accept dossiers online\n  hint: add `online` to the channels"
    );
}

#[test]
fn shape_errors_are_exact() {
    let tenant = sample();
    let err = parse_procedure(
        "birth.yaml",
        &BIRTH.replace("level: 4", "level: 5"),
        &tenant,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("birth.yaml:9:10: error: the online level must be 1, 2, 3 or 4, not 5"),
        "{err}"
    );
    let err = parse_procedure(
        "birth.yaml",
        &BIRTH.replace("code: \"1.001193\"", "code: \"1.1193\""),
        &tenant,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("six digits must follow the dot"),
        "{err}"
    );
    let err = parse_procedure(
        "birth.yaml",
        &BIRTH.replace(
            "form: original\n          template",
            "form: origin\n          template",
        ),
        &tenant,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("did you mean `original`?"),
        "{err}"
    );
}

#[test]
fn a_fee_names_cases_of_the_procedure() {
    let tenant = sample();
    let two = BIRTH.replace(
        "      amount: 0\n",
        "      amount: 0\n    - code: BS\n      name: { vi: Bản sao, en: Copy }\n      amount: 8000\n      conditional: true\n    - code: QH\n      name: { vi: Quá hạn, en: Late }\n      amount: 5000\n      cases: [qua-han]\n",
    );
    let err = parse_procedure("birth.yaml", &two, &tenant).unwrap_err();
    assert!(
        err.to_string()
            .contains("the fee `QH` names the case `qua-han`, which is not one of `cases`"),
        "{err}"
    );
    let p = parse_procedure(
        "birth.yaml",
        &two.replace("[qua-han]", "[dung-han]"),
        &tenant,
    )
    .unwrap();
    let due: Vec<&str> = p
        .fees
        .iter()
        .filter(|f| f.certain_in("dung-han"))
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(due, ["LP", "QH"]);
    assert!(p.fees[1].conditional && p.fees[1].applies_to("dung-han"));
    assert!(!p.fees[2].applies_to("another-case"));
}

#[test]
fn procedure_codes_round_trip() {
    for s in ["1.001193", "2.000488"] {
        assert_eq!(s.parse::<ProcedureCode>().unwrap().to_string(), s);
    }
    for s in ["1001193", "1.00119", "12.001193", "a.001193"] {
        assert!(s.parse::<ProcedureCode>().is_err(), "{s}");
    }
}

#[test]
fn template_files_are_checked_where_they_are_named() {
    use crate::tenant::{SourceFile, Template, TenantBundle};

    let tenant_text = crate::tenant::manifest_tests_valid();
    let with_file = BIRTH.replace(
        "          template: Mẫu TP/HT-2020-KS.1\n",
        "          template: Mẫu TP/HT-2020-KS.1\n          template_file: templates/to-khai.pdf\n",
    );
    let bundle = |text: &str| {
        TenantBundle::from_files(
            None,
            tenant_text.to_owned(),
            vec![SourceFile {
                path: "procedures/birth.yaml".into(),
                text: text.to_owned(),
            }],
            Some(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()),
        )
    };
    let file: crate::tenant::TemplateFile = "templates/to-khai.pdf".parse().unwrap();
    let pdf = |bytes: &[u8]| Template {
        file: file.clone(),
        bytes: bytes.to_vec(),
    };
    let unused = Template {
        file: "templates/other.pdf".parse().unwrap(),
        bytes: b"%PDF-1.4".to_vec(),
    };

    let ok = bundle(&with_file)
        .unwrap()
        .with_templates(vec![unused.clone(), pdf(b"%PDF-1.7 form")])
        .unwrap();
    assert_eq!(
        ok.templates,
        Some(vec![pdf(b"%PDF-1.7 form")]),
        "unnamed files are left out"
    );

    let missing = bundle(&with_file)
        .unwrap()
        .with_templates(vec![unused])
        .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "procedures/birth.yaml:23:26: error: the template form `templates/to-khai.pdf` is missing\n  \
         hint: put the file at `templates/to-khai.pdf` in the tenant directory"
    );
    let forged = bundle(&with_file)
        .unwrap()
        .with_templates(vec![pdf(b"<html>")])
        .unwrap_err();
    assert!(
        forged
            .to_string()
            .contains("23:26: error: the template form `templates/to-khai.pdf` is not a PDF file"),
        "{forged}"
    );

    let outside =
        bundle(&with_file.replace("templates/to-khai.pdf", "../tenant.yaml")).unwrap_err();
    assert!(
        outside.to_string().starts_with("procedures/birth.yaml:23:26: error: a template form is a file in the tenant's `templates/` folder"),
        "{outside}"
    );
}
