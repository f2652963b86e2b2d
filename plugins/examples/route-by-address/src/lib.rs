//! `route-by-address`: which level handles the dossier, by where the applicant lives.
//!
//! The step's `config` names the form's address field and a reference table of
//! administrative units. The plugin tries the address's units from the most specific one
//! (ward or commune code, then district, then province; or, for an address written as text,
//! each comma-separated part) and goes by the outcome of the first the table knows. Without
//! a match it takes `default`, or fails so that an official routes the dossier by hand.

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step, log, reference};
use serde::Deserialize;
use serde_json::{Value, json};

struct RouteByAddress;

impl Step for RouteByAddress {
    fn run(ctx: Context) -> Result<Outcome, BusinessError> {
        let config: Config = ctx.config_as()?;
        let outcome = route(&ctx, &config, |key| reference::lookup(&config.table, key));
        if let Ok(o) = &outcome {
            log::info(format!(
                "routed to `{}` by {}",
                o.transition, o.data["matched"]
            ));
        }
        outcome
    }
}

export_step!(RouteByAddress);

/// The step's `config` (`config_schema` in plugin.yaml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// The form's address field.
    field: String,
    /// The reference table of administrative units.
    table: String,
    /// Where to go when the table knows none of the address's units.
    #[serde(default)]
    default: Option<Route>,
}

/// The outcomes this plugin returns (`outcomes` in plugin.yaml).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Route {
    /// Handled by the commune or ward (cấp xã).
    Commune,
    /// Handled at district level, where a province still has one for this procedure.
    District,
    /// Handled by the province (cấp tỉnh).
    Province,
    /// An official decides.
    Manual,
}

impl Route {
    fn as_str(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::District => "district",
            Self::Province => "province",
            Self::Manual => "manual",
        }
    }

    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Self::Commune => ("chuyển cấp xã giải quyết", "handled by the commune"),
            Self::District => ("chuyển cấp huyện giải quyết", "handled at district level"),
            Self::Province => ("chuyển cấp tỉnh giải quyết", "handled by the province"),
            Self::Manual => ("cần cán bộ phân công", "an official assigns it"),
        }
    }
}

/// An entry of the table: the outcome's name, or an object that also names the unit.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Entry {
    Route(Route),
    Unit {
        outcome: Route,
        #[serde(default)]
        name: Option<Name>,
        #[serde(default)]
        division: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
struct Name {
    vi: String,
    en: String,
}

const ENTRY_VI: &str =
    "cần tên một kết quả (commune, district, province, manual) hoặc { outcome, name, division }";
const ENTRY_EN: &str =
    "expected an outcome (commune, district, province, manual) or { outcome, name, division }";

/// Routes the dossier of `ctx`; `lookup` reads one entry of the configured table.
fn route(
    ctx: &Context,
    config: &Config,
    mut lookup: impl FnMut(&str) -> Option<Value>,
) -> Result<Outcome, BusinessError> {
    let address = ctx
        .form_field(&config.field)
        .ok_or_else(|| BusinessError::missing_field(&config.field))?;
    let table = &config.table;
    for key in keys(address) {
        let Some(found) = lookup(&key) else { continue };
        let entry: Entry = serde_json::from_value(found).map_err(|_| {
            BusinessError::new(
                "invalid-route-table",
                format!("Mục «{key}» của bảng «{table}» không hợp lệ: {ENTRY_VI}."),
                format!("The entry `{key}` of the table `{table}` is invalid: {ENTRY_EN}."),
            )
        })?;
        let (to, name, division) = match entry {
            Entry::Route(to) => (to, None, None),
            Entry::Unit {
                outcome,
                name,
                division,
            } => (outcome, name, division),
        };
        let (vi, en) = to.describe();
        let (unit_vi, unit_en) = name
            .as_ref()
            .map_or((key.as_str(), key.as_str()), |n| (&n.vi, &n.en));
        return Ok(Outcome::to(to.as_str())
            .with_data(json!({
                "matched": key,
                "unit": name.as_ref().map(|n| json!({ "vi": n.vi, "en": n.en })),
                "division": division,
            }))
            .tell_official(
                format!("Địa chỉ thuộc «{unit_vi}»: {vi}."),
                format!("The address is in “{unit_en}”: {en}."),
            ));
    }
    let to = config.default.ok_or_else(|| {
        BusinessError::new(
            "unknown-address",
            format!("Bảng «{table}» không có đơn vị hành chính nào của địa chỉ trong trường «{}».", config.field),
            format!("The table `{table}` knows none of the administrative units of the address in `{}`.", config.field),
        )
    })?;
    let (vi, en) = to.describe();
    Ok(Outcome::to(to.as_str())
        .with_data(json!({ "matched": null, "unit": null, "division": null }))
        .tell_official(
            format!("Không xác định được đơn vị hành chính của địa chỉ: {vi}."),
            format!("The address's administrative unit is unknown: {en}."),
        ))
}

/// The keys to try, most specific first.
///
/// - An object: its `ward_code`, `commune_code`, `district_code` and `province_code`.
/// - Text that is only digits: itself (a unit code).
/// - Other text: each comma-separated part, lowercase with single spaces
///   (`"12 Lê Lợi, Phường Hạc Thành, Thanh Hóa"` tries `12 lê lợi`, `phường hạc thành`,
///   `thanh hóa`).
fn keys(address: &Value) -> Vec<String> {
    match address {
        Value::Object(unit) => [
            "ward_code",
            "commune_code",
            "district_code",
            "province_code",
        ]
        .iter()
        .filter_map(|k| match unit.get(*k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .collect(),
        Value::String(text) if text.trim().bytes().all(|b| b.is_ascii_digit()) => {
            vec![text.trim().to_owned()]
        }
        Value::String(text) => text
            .split(',')
            .map(|part| {
                part.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .filter(|part| !part.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(key: &str) -> Option<Value> {
        match key {
            "phường hạc thành" => Some(json!({
                "outcome": "commune",
                "name": { "vi": "Phường Hạc Thành", "en": "Hạc Thành ward" },
                "division": "ubnd-phuong-hac-thanh",
            })),
            "thanh hóa" | "38" => Some(json!("province")),
            "phường lỗi" => Some(json!({ "outcome": "nowhere" })),
            _ => None,
        }
    }

    fn context(address: Value) -> Context {
        let mut form = serde_json::Map::new();
        form.insert("dia_chi".to_owned(), address);
        Context {
            form: Value::Object(form),
            ..Context::default()
        }
    }

    fn config(default: Option<Route>) -> Config {
        Config {
            field: "dia_chi".to_owned(),
            table: "dia-ban".to_owned(),
            default,
        }
    }

    #[test]
    fn the_most_specific_known_unit_wins() {
        let ctx = context(json!("Số 12 Lê Lợi,  Phường  Hạc Thành , tỉnh Thanh Hóa"));
        let outcome = route(&ctx, &config(None), table).unwrap();
        assert_eq!(outcome.transition, "commune");
        assert_eq!(outcome.data["matched"], "phường hạc thành");
        assert_eq!(outcome.data["division"], "ubnd-phuong-hac-thanh");
        assert_eq!(
            outcome.messages[0].vi,
            "Địa chỉ thuộc «Phường Hạc Thành»: chuyển cấp xã giải quyết."
        );
        let ctx = context(json!("Xã Nga Sơn, Thanh Hóa"));
        assert_eq!(
            route(&ctx, &config(None), table).unwrap().transition,
            "province"
        );
        let ctx = context(json!({ "ward_code": "99999", "province_code": 38 }));
        assert_eq!(
            route(&ctx, &config(None), table).unwrap().transition,
            "province"
        );
    }

    #[test]
    fn unknown_addresses_take_the_default_or_fail() {
        let ctx = context(json!("Quận 1, Thành phố Hồ Chí Minh"));
        let outcome = route(&ctx, &config(Some(Route::Manual)), table).unwrap();
        assert_eq!(outcome.transition, "manual");
        assert_eq!(outcome.data["matched"], Value::Null);
        let err = route(&ctx, &config(None), table).unwrap_err();
        assert_eq!(err.code, "unknown-address");
        assert!(
            err.vi.contains("«dia-ban»") && err.vi.contains("«dia_chi»"),
            "{}",
            err.vi
        );
    }

    #[test]
    fn bad_entries_and_missing_fields_are_business_errors() {
        let err = route(&context(json!("Phường Lỗi")), &config(None), table).unwrap_err();
        assert_eq!(err.code, "invalid-route-table");
        let err = route(&Context::default(), &config(None), table).unwrap_err();
        assert_eq!(err.code, "missing-field");
    }
}
