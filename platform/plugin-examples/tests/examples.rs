//! Every embedded example is a component with a manifest of the shape the host reads, and the
//! procedures that use `fee-calculator` have configurations its schema accepts.

use std::path::Path;

use motcua_plugin_examples::{ALL, EXAMPLES_DIR, WIT_DIR, get};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    id: String,
    version: String,
    api: Value,
    name: Text,
    description: Text,
    capabilities: Vec<String>,
    outcomes: Vec<String>,
    #[serde(default)]
    limits: Option<Limits>,
    config_schema: Option<Value>,
    output_schema: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Text {
    vi: String,
    en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Limits {
    fuel: Option<u64>,
    memory_mib: Option<u64>,
    timeout_ms: Option<u64>,
}

const CAPABILITIES: [&str; 6] = ["log", "dossier", "reference", "http", "clock", "random"];

fn manifest(name: &str) -> Manifest {
    let example = get(name).unwrap_or_else(|| panic!("no example {name}"));
    serde_saphyr::from_str(example.manifest).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_example_is_a_component_with_a_sound_manifest() {
    assert!(ALL.len() >= 13, "{}", ALL.len());
    for example in ALL {
        let name = example.name;
        assert_eq!(
            &example.wasm[..8],
            b"\0asm\x0d\0\x01\0",
            "{name} is not a component"
        );
        let m = manifest(name);
        assert_eq!(m.id, name);
        assert_eq!(m.version, "1.0.0", "{name}");
        assert_eq!(m.api.as_f64(), Some(1.0), "{name}");
        for text in [&m.name, &m.description] {
            assert!(!text.vi.is_empty() && !text.en.is_empty(), "{name}");
        }
        for capability in &m.capabilities {
            assert!(
                CAPABILITIES.contains(&capability.as_str()),
                "{name}: {capability}"
            );
        }
        assert!(!m.outcomes.is_empty(), "{name}");
        if let Some(limits) = &m.limits {
            assert!(limits.fuel.is_none_or(|f| f <= 2_000_000_000), "{name}");
            assert!(limits.memory_mib.is_none_or(|m| m <= 128), "{name}");
            assert!(limits.timeout_ms.is_none_or(|t| t <= 10_000), "{name}");
        }
        for schema in [&m.config_schema, &m.output_schema].into_iter().flatten() {
            jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn the_ungranted_capability_example_does_not_ask_for_http() {
    assert_eq!(
        manifest("hostile-ungranted-capability").capabilities,
        ["log"]
    );
}

#[test]
fn the_procedures_configure_fee_calculator_as_its_schema_says() {
    let schema = manifest("fee-calculator").config_schema.unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let repo = Path::new(EXAMPLES_DIR).join("../..");
    for (procedure, table) in [
        (
            "tenants/hochiminhcity/procedures/chung-thuc-ban-sao-tu-ban-chinh.yaml",
            "phi-chung-thuc-ban-sao",
        ),
        (
            "tenants/thanhhoa/procedures/dang-ky-cap-giay-chung-nhan-lan-dau.yaml",
            "phi-tham-dinh-cap-gcn-thanh-hoa",
        ),
    ] {
        let source = std::fs::read_to_string(repo.join(procedure)).unwrap();
        let procedure: Value = serde_saphyr::from_str(&source).unwrap();
        let step = &procedure["workflow"]["steps"]["tinh-phi"];
        assert_eq!(step["plugin"], "fee-calculator@1.0.0");
        let config = &step["config"];
        assert!(validator.is_valid(config), "{config}");
        assert_eq!(config["table"], table);
        let path = Path::new(EXAMPLES_DIR).join(format!("fee-calculator/tables/{table}.json"));
        let table: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(table["schedules"].is_array());
    }
    assert!(!validator.is_valid(&serde_json::json!({ "table": "t", "rows": "a", "area": "b" })));
}

#[test]
fn the_wit_package_is_where_it_says() {
    assert!(Path::new(WIT_DIR).join("step.wit").is_file());
}
