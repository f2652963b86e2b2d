//! `documents-check`: is every required document attached?
//!
//! The step's `config` lists the form's file fields that must be filled in, each with the
//! document's name in both languages, optionally only in some cases (trường hợp) or only when
//! a yes/no field of the form is ticked. Outcome `complete` or `incomplete`; the data lists
//! what is missing so that a supplement request (Mẫu 02) can quote it.

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};
use serde::Deserialize;
use serde_json::{Value, json};

struct DocumentsCheck;

impl Step for DocumentsCheck {
    fn run(ctx: Context) -> Result<Outcome, BusinessError> {
        let config: Config = ctx.config_as()?;
        Ok(check(&ctx, &config))
    }
}

export_step!(DocumentsCheck);

/// The step's `config` (`config_schema` in plugin.yaml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    documents: Vec<Document>,
}

/// One required document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    /// The form's file field.
    field: String,
    label: Label,
    /// Required only in these cases; absent: in every case.
    #[serde(default)]
    cases: Option<Vec<String>>,
    /// Required only when this yes/no form field is ticked.
    #[serde(default)]
    when: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    vi: String,
    en: String,
}

fn check(ctx: &Context, config: &Config) -> Outcome {
    let required: Vec<&Document> = config
        .documents
        .iter()
        .filter(|d| {
            d.cases
                .as_ref()
                .is_none_or(|cases| cases.contains(&ctx.case))
        })
        .filter(|d| d.when.as_ref().is_none_or(|w| is_ticked(ctx.form_field(w))))
        .collect();
    let missing: Vec<&Document> = required
        .iter()
        .copied()
        .filter(|d| !is_attached(ctx.form_field(&d.field)))
        .collect();
    let data = json!({
        "required": required.len(),
        "missing": missing
            .iter()
            .map(|d| json!({ "field": d.field, "label": { "vi": d.label.vi, "en": d.label.en } }))
            .collect::<Vec<_>>(),
    });
    if missing.is_empty() {
        return Outcome::to("complete").with_data(data).tell_official(
            format!("Hồ sơ có đủ {} giấy tờ bắt buộc.", required.len()),
            format!("The dossier has all {} required documents.", required.len()),
        );
    }
    let list = |pick: fn(&Label) -> &str| {
        missing
            .iter()
            .map(|d| pick(&d.label))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (vi, en) = (list(|l| &l.vi), list(|l| &l.en));
    Outcome::to("incomplete")
        .with_data(data)
        .tell_official(
            format!("Hồ sơ thiếu {} giấy tờ: {vi}.", missing.len()),
            format!("The dossier lacks {} documents: {en}.", missing.len()),
        )
        .tell_applicant(
            format!("Hồ sơ của bạn còn thiếu: {vi}."),
            format!("Your dossier still lacks: {en}."),
        )
}

/// A file field holds `{ "sha256", "name", "size", ... }`, or a list of them; the platform
/// stores an empty field as absent.
fn is_attached(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Object(file)) => file
            .get("sha256")
            .and_then(Value::as_str)
            .is_some_and(|h| !h.is_empty()),
        Some(Value::Array(files)) => files.iter().any(|f| is_attached(Some(f))),
        _ => false,
    }
}

fn is_ticked(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Value {
        json!({ "sha256": "ab".repeat(32), "name": "don.pdf", "size": 1024 })
    }

    fn config() -> Config {
        serde_json::from_value(json!({ "documents": [
            { "field": "don_dang_ky", "label": { "vi": "Đơn đăng ký (Mẫu 04/ĐK)", "en": "Application (Form 04/ĐK)" } },
            { "field": "giay_to_tai_san", "when": "dang_ky_tai_san",
              "label": { "vi": "Giấy tờ về quyền sở hữu tài sản", "en": "Papers on ownership of the asset" } },
            { "field": "trich_do", "cases": ["chi-dang-ky"],
              "label": { "vi": "Mảnh trích đo bản đồ địa chính", "en": "Cadastral survey extract" } },
        ] }))
        .unwrap()
    }

    fn context(case: &str, form: Value) -> Context {
        Context {
            case: case.to_owned(),
            form,
            ..Context::default()
        }
    }

    #[test]
    fn complete_when_every_required_file_is_there() {
        let ctx = context(
            "dang-ky-va-cap-giay-chung-nhan",
            json!({ "don_dang_ky": file(), "dang_ky_tai_san": false }),
        );
        let outcome = check(&ctx, &config());
        assert_eq!(outcome.transition, "complete");
        assert_eq!(outcome.data, json!({ "required": 1, "missing": [] }));
    }

    #[test]
    fn incomplete_lists_what_is_missing_in_both_languages() {
        let ctx = context(
            "chi-dang-ky",
            json!({ "don_dang_ky": {}, "dang_ky_tai_san": true, "giay_to_tai_san": [file()] }),
        );
        let outcome = check(&ctx, &config());
        assert_eq!(outcome.transition, "incomplete");
        assert_eq!(outcome.data["required"], 3);
        let missing = outcome.data["missing"].as_array().unwrap();
        let fields: Vec<_> = missing
            .iter()
            .map(|m| m["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["don_dang_ky", "trich_do"]);
        assert_eq!(
            outcome.messages[1].vi,
            "Hồ sơ của bạn còn thiếu: Đơn đăng ký (Mẫu 04/ĐK); Mảnh trích đo bản đồ địa chính."
        );
        assert_eq!(
            outcome.messages[1].en,
            "Your dossier still lacks: Application (Form 04/ĐK); Cadastral survey extract."
        );
    }
}
