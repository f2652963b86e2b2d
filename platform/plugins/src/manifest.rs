//! `plugin.yaml`: what a plugin is, what it asks for, and the shapes of its configuration and
//! output.
//!
//! ```yaml
//! id: fee-calculator
//! version: 1.0.0
//! api: 1.0
//! name: { vi: Tính phí, lệ phí, en: Fee calculator }
//! capabilities: [log, reference]
//! outcomes: [ok]
//! limits: { fuel: 20000000, memory_mib: 16, timeout_ms: 200 }
//! config_schema: { type: object, required: [table] }
//! output_schema: { type: object }
//! ```

use motcua_core::diagnostic::{Diagnostics, Report, Spanned, parse_yaml};
use motcua_core::lang::Text;
use motcua_core::plugin::{Capability, is_id, is_version};
use serde::{Deserialize, Serialize};

use crate::limits::{Limits, Requested};
use crate::{API_MAJOR, API_MINOR};

/// A validated plugin manifest.
#[derive(Clone, Debug, Serialize)]
pub struct PluginManifest {
    /// The plugin's id (`fee-calculator`).
    pub id: String,
    /// Its version (`1.0.0`).
    pub version: String,
    /// The WIT package version it was built against (`motcua:plugin@<major>.<minor>`).
    pub api: (u32, u32),
    /// Its name.
    pub name: Text,
    /// What it does.
    pub description: Option<Text>,
    /// The capabilities it asks for; a tenant grants some or all of them.
    pub capabilities: Vec<Capability>,
    /// The transitions `run` may return.
    pub outcomes: Vec<String>,
    /// The limits it asks for (the platform's defaults where it asks nothing).
    pub limits: Requested,
    /// JSON Schema of the step's `config`.
    pub config_schema: serde_json::Value,
    /// JSON Schema of the `data` it returns.
    pub output_schema: serde_json::Value,
}

impl PluginManifest {
    /// `id@version`.
    pub fn pin(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// Whether it asks for `capability`.
    pub fn requests(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Spanned<String>,
    version: Spanned<String>,
    api: Spanned<serde_json::Value>,
    name: Text,
    #[serde(default)]
    description: Option<Text>,
    #[serde(default)]
    capabilities: Vec<Capability>,
    outcomes: Spanned<Vec<String>>,
    #[serde(default)]
    limits: Option<Spanned<Requested>>,
    #[serde(default = "any_object")]
    config_schema: serde_json::Value,
    #[serde(default = "any_object")]
    output_schema: serde_json::Value,
}

fn any_object() -> serde_json::Value {
    serde_json::json!({ "type": "object" })
}

/// Parses and checks `plugin.yaml` against the platform's ceilings.
pub fn parse(file: &str, source: &str, ceiling: &Limits) -> Result<PluginManifest, Diagnostics> {
    let raw: Raw = parse_yaml(file, source)?;
    let mut report = Report::new(file);
    if !is_id(&raw.id.value) {
        report.value(
            &raw.id,
            format!("`{}` is not a plugin id", raw.id.value),
            Some("use lowercase letters, digits and `-`, e.g. `fee-calculator`".to_owned()),
        );
    }
    if !is_version(&raw.version.value) {
        report.value(
            &raw.version,
            format!("`{}` is not a version", raw.version.value),
            Some("write `<major>.<minor>.<patch>`, e.g. `1.0.0`".to_owned()),
        );
    }
    let api = parse_api(&raw.api.value);
    match api {
        None => report.value(
            &raw.api,
            "`api` is the WIT package version the plugin was built against".to_owned(),
            Some(format!("write `api: {API_MAJOR}.{API_MINOR}`")),
        ),
        Some((major, minor)) if major != API_MAJOR || minor > API_MINOR => report.value(
            &raw.api,
            format!(
                "the plugin needs API {major}.{minor}; this platform speaks motcua:plugin {API_MAJOR}.0 to {API_MAJOR}.{API_MINOR}"
            ),
            Some(format!(
                "rebuild it against motcua:plugin@{API_MAJOR}.{API_MINOR}.0 (plugins/wit)"
            )),
        ),
        Some(_) => {}
    }
    if raw.outcomes.value.is_empty() {
        report.value(
            &raw.outcomes,
            "a plugin names at least one outcome".to_owned(),
            Some("e.g. `outcomes: [ok]`".to_owned()),
        );
    }
    for outcome in &raw.outcomes.value {
        let mut bytes = outcome.bytes();
        let ident = outcome.len() <= 64
            && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
            && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ident {
            report.value(
                &raw.outcomes,
                format!("the outcome `{outcome}` is not a name workflows can map"),
                Some(
                    "use lowercase letters, digits and `_`, starting with a letter (`not_found`)"
                        .to_owned(),
                ),
            );
        }
    }
    let limits = match raw.limits {
        Some(spanned) => {
            if let Err(problem) = spanned.value.within(ceiling) {
                report.value(&spanned, problem, None);
            }
            spanned.value
        }
        None => Requested::default(),
    };
    for (key, schema) in [
        ("config_schema", &raw.config_schema),
        ("output_schema", &raw.output_schema),
    ] {
        if let Err(err) = jsonschema::validator_for(schema) {
            report.value(
                &raw.id,
                format!("`{key}` is not a valid JSON Schema: {err}"),
                None,
            );
        }
    }
    let mut capabilities = raw.capabilities;
    capabilities.sort_unstable();
    capabilities.dedup();
    report.finish(PluginManifest {
        id: raw.id.value,
        version: raw.version.value,
        api: api.unwrap_or((0, 0)),
        name: raw.name,
        description: raw.description,
        capabilities,
        outcomes: raw.outcomes.value,
        limits,
        config_schema: raw.config_schema,
        output_schema: raw.output_schema,
    })
}

/// `1.0`, `"1.0"`, `1.0.0` or `motcua:plugin@1.0.0`.
fn parse_api(value: &serde_json::Value) -> Option<(u32, u32)> {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let text = text.strip_prefix("motcua:plugin@").unwrap_or(&text);
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    match parts.next() {
        None => Some((major, minor)),
        Some(patch) if patch.parse::<u32>().is_ok() && parts.next().is_none() => {
            Some((major, minor))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "id: fee-calculator\nversion: 1.0.0\napi: 1.0\nname: { vi: Tính phí, en: Fees }\ncapabilities: [reference, log]\noutcomes: [ok]\nlimits: { fuel: 1000000 }\nconfig_schema: { type: object, required: [table] }\n";

    #[test]
    fn a_good_manifest() {
        let m = parse("plugin.yaml", GOOD, &Limits::CEILING).unwrap();
        assert_eq!(m.pin(), "fee-calculator@1.0.0");
        assert_eq!(m.api, (1, 0));
        assert_eq!(m.capabilities, [Capability::Log, Capability::Reference]);
        assert_eq!(m.limits.fuel, Some(1_000_000));
    }

    #[test]
    fn problems_point_at_their_values() {
        let bad = GOOD
            .replace("version: 1.0.0", "version: one")
            .replace("api: 1.0", "api: 2.1")
            .replace("fuel: 1000000", "fuel: 999999999999");
        let err = parse("plugin.yaml", &bad, &Limits::CEILING)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("plugin.yaml:2:10: error: `one` is not a version"),
            "{err}"
        );
        assert!(
            err.contains("plugin.yaml:3:6: error: the plugin needs API 2.1"),
            "{err}"
        );
        assert!(
            err.contains("fuel 999999999999 is above the platform's ceiling"),
            "{err}"
        );
        let err = parse(
            "plugin.yaml",
            &GOOD.replace("[reference, log]", "[files]"),
            &Limits::CEILING,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown value `files`"), "{err}");
    }

    #[test]
    fn api_versions() {
        for (text, want) in [
            ("1", Some((1, 0))),
            ("1.2", Some((1, 2))),
            ("motcua:plugin@1.0.0", Some((1, 0))),
            ("x", None),
            ("1.0.0.0", None),
        ] {
            assert_eq!(
                parse_api(&serde_json::Value::String(text.to_owned())),
                want,
                "{text}"
            );
        }
    }
}
