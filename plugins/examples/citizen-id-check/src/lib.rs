//! `citizen-id-check`: is the citizen ID number in the form a plausible one?
//!
//! A citizen ID number (số định danh cá nhân, Circular 59/2021/TT-BCA) has 12 digits:
//! 3 for the province where the birth was registered, 1 for gender and century of birth,
//! 2 for the year of birth within the century, and 6 random ones. Without access to the
//! national population database this is all a plugin can check; it catches typing errors
//! and numbers that belong to someone else of another age or gender.

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step};
use serde::Deserialize;
use serde_json::{Value, json};

mod provinces;

struct CitizenIdCheck;

impl Step for CitizenIdCheck {
    fn run(ctx: Context) -> Result<Outcome, BusinessError> {
        let config: Config = ctx.config_as()?;
        check(&ctx, &config)
    }
}

export_step!(CitizenIdCheck);

/// The step's `config` (`config_schema` in plugin.yaml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// The form field holding the number.
    field: String,
    /// The form's date-of-birth field (`YYYY-MM-DD`), if it has one.
    #[serde(default)]
    birth_date: Option<String>,
}

/// What the number says about its holder.
#[derive(Debug, PartialEq, Eq)]
struct Decoded {
    province: Option<&'static str>,
    female: bool,
    birth_year: u32,
}

/// A reason the number is not valid.
struct Reason {
    code: &'static str,
    vi: String,
    en: String,
}

fn check(ctx: &Context, config: &Config) -> Result<Outcome, BusinessError> {
    let birth_year = match &config.birth_date {
        None => None,
        Some(field) => match ctx.form_str(field) {
            None => None,
            Some(date) => Some(year_of(date).ok_or_else(|| {
                BusinessError::new(
                    "invalid-field",
                    format!("Trường «{field}» không phải ngày hợp lệ (YYYY-MM-DD): «{date}»."),
                    format!("The field `{field}` is not a valid date (YYYY-MM-DD): `{date}`."),
                )
            })?),
        },
    };
    let number: String = ctx
        .form_str(&config.field)
        .unwrap_or("")
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let (decoded, reasons) = examine(&number, birth_year);
    let data = json!({
        "valid": reasons.is_empty(),
        "province": decoded
            .as_ref()
            .and_then(|d| d.province)
            .map(|name| json!({ "code": &number[..3], "name": name })),
        "gender": decoded.as_ref().map(|d| if d.female { "female" } else { "male" }),
        "birth_year": decoded.as_ref().map(|d| d.birth_year),
        "reasons": reasons
            .iter()
            .map(|r| json!({ "code": r.code, "vi": r.vi, "en": r.en }))
            .collect::<Vec<Value>>(),
    });
    if reasons.is_empty() {
        return Ok(Outcome::to("valid").with_data(data));
    }
    let join = |pick: fn(&Reason) -> &str| reasons.iter().map(pick).collect::<Vec<_>>().join(" ");
    Ok(Outcome::to("invalid")
        .with_data(data)
        .tell_official(join(|r| &r.vi), join(|r| &r.en)))
}

/// Decodes `number` and lists what is wrong with it, given the holder's year of birth.
fn examine(number: &str, birth_year: Option<u32>) -> (Option<Decoded>, Vec<Reason>) {
    if number.is_empty() {
        return (
            None,
            vec![reason(
                "missing",
                "Chưa có số định danh cá nhân.".to_owned(),
                "The citizen ID number is missing.".to_owned(),
            )],
        );
    }
    if number.len() != 12 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return (
            None,
            vec![reason(
                "not-12-digits",
                format!("Số định danh cá nhân phải gồm đúng 12 chữ số; «{number}» không đúng."),
                format!("A citizen ID number has exactly 12 digits; `{number}` does not."),
            )],
        );
    }
    let mut reasons = Vec::new();
    let code = &number[..3];
    let province = provinces::name(code);
    if province.is_none() {
        reasons.push(reason(
            "unknown-province",
            format!("Mã tỉnh «{code}» (3 chữ số đầu) không thuộc danh sách mã tỉnh đã cấp."),
            format!("The province code `{code}` (the first 3 digits) was never issued."),
        ));
    }
    let digit = u32::from(number.as_bytes()[3] - b'0');
    let yy: u32 = number[4..6].parse().unwrap_or_default();
    // 0/1: born 1900–1999, male/female; 2/3: 2000–2099; 4/5: 2100–2199; and so on.
    let century = 1900 + 100 * (digit / 2);
    let decoded = Decoded {
        province,
        female: digit % 2 == 1,
        birth_year: birth_year.unwrap_or(century + yy),
    };
    if let Some(year) = birth_year {
        if year / 100 * 100 != century {
            reasons.push(reason(
                "century-mismatch",
                format!(
                    "Chữ số thứ tư ({digit}) chỉ người sinh trong các năm {century}–{}, nhưng năm sinh khai là {year}.",
                    century + 99
                ),
                format!(
                    "The fourth digit ({digit}) is for people born in {century}–{}, but the stated year of birth is {year}.",
                    century + 99
                ),
            ));
        } else if year % 100 != yy {
            reasons.push(reason(
                "year-mismatch",
                format!("Chữ số thứ năm và sáu ({yy:02}) phải là hai số cuối của năm sinh {year}."),
                format!("The fifth and sixth digits ({yy:02}) must be the last two of the year of birth {year}."),
            ));
        }
    }
    (Some(decoded), reasons)
}

fn reason(code: &'static str, vi: String, en: String) -> Reason {
    Reason { code, vi, en }
}

/// The year of a `YYYY-MM-DD` date.
fn year_of(date: &str) -> Option<u32> {
    let (year, rest) = date.split_once('-')?;
    (year.len() == 4 && rest.len() == 5)
        .then(|| year.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(number: &str, birth: Option<&str>) -> Outcome {
        let ctx = Context {
            form: json!({ "so_dinh_danh": number, "ngay_sinh": birth }),
            ..Context::default()
        };
        let config = Config {
            field: "so_dinh_danh".to_owned(),
            birth_date: Some("ngay_sinh".to_owned()),
        };
        check(&ctx, &config).unwrap()
    }

    fn codes(outcome: &Outcome) -> Vec<&str> {
        outcome.data["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn a_consistent_number_is_valid() {
        let outcome = run("038 090 012345", Some("1990-05-17"));
        assert_eq!(outcome.transition, "valid");
        assert_eq!(
            outcome.data["province"],
            json!({ "code": "038", "name": "Thanh Hóa" })
        );
        assert_eq!(outcome.data["gender"], "male");
        assert_eq!(outcome.data["birth_year"], 1990);
        let outcome = run("079305000123", None);
        assert_eq!(outcome.transition, "valid");
        assert_eq!(
            (
                outcome.data["gender"].as_str(),
                outcome.data["birth_year"].as_u64()
            ),
            (Some("female"), Some(2005))
        );
    }

    #[test]
    fn each_problem_has_its_reason() {
        assert_eq!(codes(&run("", None)), ["missing"]);
        assert_eq!(codes(&run("03819001234", None)), ["not-12-digits"]);
        assert_eq!(codes(&run("03819001234x", None)), ["not-12-digits"]);
        assert_eq!(codes(&run("097190012345", None)), ["unknown-province"]);
        assert_eq!(
            codes(&run("038290012345", Some("1990-05-17"))),
            ["century-mismatch"]
        );
        assert_eq!(
            codes(&run("038091012345", Some("1990-05-17"))),
            ["year-mismatch"]
        );
        let outcome = run("003090012345", Some("2004-01-01"));
        assert_eq!(outcome.transition, "invalid");
        assert_eq!(codes(&outcome), ["unknown-province", "century-mismatch"]);
        assert!(
            outcome.messages[0].vi.contains("1900–1999"),
            "{}",
            outcome.messages[0].vi
        );
    }

    #[test]
    fn a_malformed_birth_date_is_a_business_error() {
        let ctx = Context {
            form: json!({ "so_dinh_danh": "038190012345", "ngay_sinh": "17/05/1990" }),
            ..Context::default()
        };
        let config = Config {
            field: "so_dinh_danh".to_owned(),
            birth_date: Some("ngay_sinh".to_owned()),
        };
        assert_eq!(check(&ctx, &config).unwrap_err().code, "invalid-field");
    }
}
