use crate::procedure::load;
use crate::testing::{PERMIT, permit, tenant};

/// Each `tests/procedures/invalid/<case>.yaml` is refused with exactly the text of `<case>.err`
/// (`MOTCUA_BLESS=1` rewrites the `.err` files after a deliberate change of wording).
#[test]
fn invalid_procedures_give_their_expected_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/procedures/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15);
    let bless = std::env::var_os("MOTCUA_BLESS").is_some();
    let tenant = tenant();
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&case).unwrap();
        assert_ne!(source, PERMIT, "{name} must differ from the valid fixture");
        let actual = match load(&name, &source, &tenant) {
            Ok(_) => "(accepted)".to_owned(),
            Err(d) => d.to_string(),
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

#[test]
fn the_fixture_is_valid_and_hashed() {
    let p = permit();
    assert_eq!(p.definition.steps.len(), 14);
    assert_eq!(p.hash.len(), 64);
    assert_eq!(p.hash, crate::procedure::source_hash(PERMIT));
}
