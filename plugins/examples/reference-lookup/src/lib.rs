//! `reference-lookup`: asks an allow-listed reference service about a value of the form.
//!
//! The step's `config` gives a URL template and the form field to look up; the plugin sends
//! a `GET` and stores the JSON answer. `200` goes on by `found`, `404` by `not_found`; any
//! other status, or no answer at all, is a business error so that an official checks by hand.

use motcua_plugin_sdk::http::{self, HttpError, Response};
use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step, log};
use serde::Deserialize;
use serde_json::{Value, json};

struct ReferenceLookup;

impl Step for ReferenceLookup {
    fn run(ctx: Context) -> Result<Outcome, BusinessError> {
        let config: Config = ctx.config_as()?;
        let (key, url) = request(&ctx, &config)?;
        let answer = http::get(&url);
        match &answer {
            Ok(r) => log::info(format!("GET {url}: {}", r.status)),
            Err(e) => log::warn(format!("GET {url}: {e}")),
        }
        decide(&key, answer)
    }
}

export_step!(ReferenceLookup);

/// The step's `config` (`config_schema` in plugin.yaml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// `http://host:port/path/{field}`: `{field}` stands for the looked-up value, `{name}` for
    /// the form field `name`; values are percent-encoded.
    url_template: String,
    /// The form field looked up.
    field: String,
}

/// The value looked up and the URL to ask.
fn request(ctx: &Context, config: &Config) -> Result<(String, String), BusinessError> {
    let value = |field: &str| match ctx.form_field(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(BusinessError::missing_field(field)),
    };
    let key = value(&config.field)?;
    let template = &config.url_template;
    if !(template.starts_with("http://") || template.starts_with("https://")) {
        return Err(BusinessError::invalid_config(
            &ctx.step,
            "`url_template` must start with http:// or https://",
        ));
    }
    let mut url = String::with_capacity(template.len() + key.len());
    let mut rest = template.as_str();
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(BusinessError::invalid_config(
                &ctx.step,
                "`url_template` has a `{` without its `}`",
            ));
        };
        let name = &rest[open + 1..open + close];
        let text = if name == "field" {
            key.clone()
        } else {
            value(name)?
        };
        url.push_str(&encode(&text));
        rest = &rest[open + close + 1..];
    }
    url.push_str(rest);
    Ok((key, url))
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// The outcome for the service's `answer` about `key`.
fn decide(key: &str, answer: Result<Response, HttpError>) -> Result<Outcome, BusinessError> {
    let response = answer?;
    match response.status {
        200 => {
            let body: Value = response.json()?;
            Ok(Outcome::to("found")
                .with_data(json!({ "key": key, "status": 200, "answer": body }))
                .tell_official(
                    format!("Dịch vụ tra cứu có thông tin về «{key}»."),
                    format!("The reference service knows `{key}`."),
                ))
        }
        404 => Ok(Outcome::to("not_found")
            .with_data(json!({ "key": key, "status": 404, "answer": null }))
            .tell_official(
                format!("Dịch vụ tra cứu không có thông tin về «{key}»."),
                format!("The reference service does not know `{key}`."),
            )),
        status => Err(BusinessError::new(
            "unexpected-status",
            format!("Dịch vụ tra cứu trả lời mã {status} khi tra «{key}»; cần kiểm tra thủ công."),
            format!("The reference service answered {status} about `{key}`; check by hand."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_template_takes_the_value_and_other_fields_encoded() {
        let ctx = Context {
            form: json!({ "ma_so_thue": "0101234567", "tinh": "Thanh Hóa" }),
            ..Context::default()
        };
        let config = Config {
            url_template: "http://10.0.0.5:8080/doanh-nghiep/{field}?tinh={tinh}".to_owned(),
            field: "ma_so_thue".to_owned(),
        };
        let (key, url) = request(&ctx, &config).unwrap();
        assert_eq!(key, "0101234567");
        assert_eq!(
            url,
            "http://10.0.0.5:8080/doanh-nghiep/0101234567?tinh=Thanh%20H%C3%B3a"
        );
        let broken = Config {
            url_template: "http://x/{field".to_owned(),
            ..config
        };
        assert_eq!(request(&ctx, &broken).unwrap_err().code, "invalid-config");
        let missing = Config {
            url_template: "http://x/{so_giay_phep}".to_owned(),
            ..broken
        };
        assert_eq!(request(&ctx, &missing).unwrap_err().code, "missing-field");
    }

    #[test]
    fn statuses_choose_the_outcome() {
        let found = decide(
            "0101234567",
            Ok(response(200, r#"{ "ten": "Công ty TNHH An Bình" }"#)),
        )
        .unwrap();
        assert_eq!(found.transition, "found");
        assert_eq!(found.data["answer"]["ten"], "Công ty TNHH An Bình");
        let missing = decide("0101234567", Ok(response(404, ""))).unwrap();
        assert_eq!(missing.transition, "not_found");
        assert_eq!(
            decide("x", Ok(response(503, ""))).unwrap_err().code,
            "unexpected-status"
        );
        assert_eq!(
            decide("x", Ok(response(200, "<html>"))).unwrap_err().code,
            "invalid-response"
        );
        assert_eq!(
            decide("x", Err(HttpError::Timeout)).unwrap_err().code,
            "http-timeout"
        );
        assert_eq!(
            decide("x", Err(HttpError::Denied("x".to_owned())))
                .unwrap_err()
                .code,
            "http-denied"
        );
    }
}
