//! Where the step runs and what it works on, with the JSON already parsed.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::BusinessError;
use crate::bindings::motcua::plugin::types as wit;

/// Where the step runs and what it works on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    /// The tenant's slug (`thanhhoa`).
    pub tenant: String,
    /// The procedure's code in the national database (`1.001234`).
    pub procedure: String,
    /// The published version of the procedure the dossier is pinned to.
    pub procedure_version: u32,
    /// The dossier code (`000.00.06.H56-261127-0001`).
    pub dossier: String,
    /// The step's key in the workflow (`tinh-phi`).
    pub step: String,
    /// The dossier's national status, by name (`received`, `in_progress`, ...).
    pub status: String,
    /// The case (trường hợp) the applicant chose.
    pub case: String,
    /// The applicant's kind (`citizen`, `business`, ...).
    pub applicant_kind: String,
    /// The e-form data, as submitted and validated: an object keyed by field.
    pub form: Value,
    /// The step's `config` from the procedure file, checked against the manifest's
    /// `config_schema` before every run.
    pub config: Value,
    /// What earlier plugin steps stored, by step key with `_` for `-`.
    pub plugins: Value,
}

impl Context {
    /// The configuration as `T`.
    ///
    /// # Errors
    ///
    /// `invalid-config` naming the step and what does not fit.
    pub fn config_as<T: DeserializeOwned>(&self) -> Result<T, BusinessError> {
        T::deserialize(&self.config).map_err(|e| BusinessError::invalid_config(&self.step, e))
    }

    /// The form field `key`, unless it is absent or `null`.
    pub fn form_field(&self, key: &str) -> Option<&Value> {
        self.form.get(key).filter(|v| !v.is_null())
    }

    /// The form field `key` when it is a string.
    pub fn form_str(&self, key: &str) -> Option<&str> {
        self.form_field(key).and_then(Value::as_str)
    }

    /// The form field `key` when it is a number.
    pub fn form_number(&self, key: &str) -> Option<f64> {
        self.form_field(key).and_then(Value::as_f64)
    }

    /// The rows of the table field `key` (each an object keyed by column).
    pub fn form_rows(&self, key: &str) -> Option<&[Value]> {
        self.form_field(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
    }

    /// What the earlier plugin step `step` stored (`tinh-phi` is looked up as `tinh_phi`).
    pub fn plugin_output(&self, step: &str) -> Option<&Value> {
        self.plugins.get(step.replace('-', "_"))
    }

    pub(crate) fn from_raw(raw: wit::Context) -> Result<Self, BusinessError> {
        let parse = |what: &str, text: &str| {
            serde_json::from_str(text).map_err(|e| {
                BusinessError::new(
                    "invalid-context",
                    format!("Nền tảng gửi dữ liệu «{what}» không phải JSON hợp lệ: {e}."),
                    format!("The platform sent `{what}` that is not valid JSON: {e}."),
                )
            })
        };
        Ok(Self {
            form: parse("form", &raw.form)?,
            config: parse("config", &raw.config)?,
            plugins: parse("plugins", &raw.plugins)?,
            tenant: raw.tenant,
            procedure: raw.procedure,
            procedure_version: raw.procedure_version,
            dossier: raw.dossier,
            step: raw.step,
            status: raw.status,
            case: raw.case,
            applicant_kind: raw.applicant_kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Config {
        #[expect(dead_code, reason = "only its presence is tested")]
        table: String,
    }

    #[test]
    fn config_errors_name_the_step() {
        let ctx = Context {
            step: "tinh-phi".to_owned(),
            config: json!({ "tabel": "x" }),
            ..Context::default()
        };
        let err = ctx.config_as::<Config>().unwrap_err();
        assert_eq!(err.code, "invalid-config");
        assert!(err.vi.contains("«tinh-phi»"), "{}", err.vi);
        assert!(err.en.contains("unknown field `tabel`"), "{}", err.en);
    }

    #[test]
    fn form_helpers() {
        let ctx = Context {
            form: json!({ "ten": "An", "so": 3, "rong": null, "bang": [{ "a": 1 }] }),
            plugins: json!({ "tinh_phi": { "amount": 2000 } }),
            ..Context::default()
        };
        assert_eq!(ctx.form_str("ten"), Some("An"));
        assert_eq!(ctx.form_str("so"), None);
        assert_eq!(ctx.form_number("so"), Some(3.0));
        assert_eq!(ctx.form_field("rong"), None);
        assert_eq!(ctx.form_rows("bang").map(<[Value]>::len), Some(1));
        assert_eq!(
            ctx.plugin_output("tinh-phi"),
            Some(&json!({ "amount": 2000 }))
        );
    }
}
