//! One submitted value, checked against its field's type and limits and normalised to what the
//! dossier stores. Tables are walked elsewhere; this is every other type.
//!
//! Decisions, documented for designers and for the browser that mirrors them:
//! - Empty is absent: `null`, a blank string, `[]` and `{}` count as not filled in.
//! - Text is trimmed; lengths count Unicode characters; control characters are refused (a NUL
//!   cannot be stored, a line break has no place on one line), except line breaks and tabs in a
//!   `textarea`, whose `\r\n` become `\n` so lengths agree with the browser's.
//! - number: a JSON number or a numeric string (`.` for decimals, no thousands separators).
//! - money: a whole number of đồng, not negative: a JSON integer or a string of digits only
//!   (no `.` or `,` separators: `1.000` means one thousand to some and one to others).
//! - date: a real calendar date written exactly `YYYY-MM-DD`.
//! - boolean: `true`/`false` (or those words as strings); an unticked box may be left out and
//!   is stored as `false`.
//! - citizen_id: 12 digits; spaces, dots and dashes between them are dropped.
//! - file: a reference to an uploaded attachment,
//!   `{ "sha256": 64 hex, "name": …, "size": bytes, "content_type"?: … }`; whether that
//!   attachment was really uploaded by this applicant is for the caller to check.

use chrono::NaiveDate;
use motcua_core::dossier::CitizenId;
use motcua_core::tenant::{Email, Phone};
use serde_json::{Map, Value};

use super::compiled::{CompiledField, defaults};
use super::error::{self, Problem};
use crate::schema::FieldType;

/// The normalised value of a non-table field: `Ok(None)` when it is empty.
pub(super) fn normalise(
    field: &CompiledField,
    raw: Option<&Value>,
) -> Result<Option<Value>, Problem> {
    let raw = match raw {
        Some(v) if !is_empty(v) => v,
        _ if field.kind == FieldType::Boolean => return Ok(Some(Value::Bool(false))),
        _ => return Ok(None),
    };
    let label = &field.label;
    let value = match field.kind {
        FieldType::Text | FieldType::Address => Value::String(text(field, raw, false)?),
        FieldType::Textarea => Value::String(text(field, raw, true)?),
        FieldType::Number => number(field, raw)?,
        FieldType::Money => money(field, raw)?,
        FieldType::Date => date(field, raw)?,
        FieldType::Choice => choice(field, raw)?,
        FieldType::Boolean => match raw {
            Value::Bool(b) => Value::Bool(*b),
            Value::String(s) if s.trim() == "true" => Value::Bool(true),
            Value::String(s) if s.trim() == "false" => Value::Bool(false),
            _ => return Err(error::invalid_value(label)),
        },
        FieldType::CitizenId => {
            let digits: String = string(raw)
                .ok_or_else(error::invalid_citizen_id)?
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-'))
                .collect();
            let id = CitizenId::parse(&digits).ok_or_else(error::invalid_citizen_id)?;
            Value::String(id.as_str().to_owned())
        }
        FieldType::Phone => {
            let s = string(raw).ok_or_else(|| error::invalid_phone(label))?;
            let short = s.chars().count() <= defaults::PHONE_MAX_LENGTH as usize;
            match s.parse::<Phone>() {
                Ok(_) if short => Value::String(s.to_owned()),
                _ => return Err(error::invalid_phone(label)),
            }
        }
        FieldType::Email => {
            let s = string(raw)
                .filter(|s| !s.chars().any(char::is_control))
                .ok_or_else(|| error::invalid_email(label))?;
            s.parse::<Email>()
                .map_err(|_| error::invalid_email(label))?;
            Value::String(s.to_owned())
        }
        FieldType::File => file(field, raw)?,
        FieldType::Table => return Err(error::invalid_value(label)),
    };
    Ok(Some(value))
}

/// Whether a value counts as not filled in.
pub(super) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// A trimmed string, or `None` for anything else.
fn string(raw: &Value) -> Option<&str> {
    raw.as_str().map(str::trim)
}

fn text(field: &CompiledField, raw: &Value, multiline: bool) -> Result<String, Problem> {
    let label = &field.label;
    let mut s = string(raw)
        .ok_or_else(|| error::invalid_value(label))?
        .to_owned();
    if multiline {
        s = s.replace("\r\n", "\n");
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(error::invalid_characters(label));
    }
    let length = s.chars().count();
    if let Some(min) = field.min_length
        && length < min as usize
    {
        return Err(error::too_short(label, min));
    }
    if let Some(max) = field.max_length
        && length > max as usize
    {
        return Err(error::too_long(label, max));
    }
    Ok(s)
}

fn number(field: &CompiledField, raw: &Value) -> Result<Value, Problem> {
    let label = &field.label;
    let (x, value) = match raw {
        Value::Number(n) if n.is_f64() => (n.as_f64(), n.as_f64().map_or(Value::Null, as_json)),
        Value::Number(n) => (n.as_f64(), raw.clone()),
        Value::String(s) => {
            let s = s.trim();
            let plain = s
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
            let x = s.parse::<f64>().ok().filter(|x| plain && x.is_finite());
            (x, x.map_or(Value::Null, as_json))
        }
        _ => (None, Value::Null),
    };
    let x = x.ok_or_else(|| error::not_a_number(label))?;
    in_range(field, x)?;
    Ok(value)
}

fn money(field: &CompiledField, raw: &Value) -> Result<Value, Problem> {
    let label = &field.label;
    // Above 2^53 a JSON number is no longer exact in the browser.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let amount = match raw {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|x| x.fract() == 0.0 && (0.0..=EXACT).contains(x))
                .map(|x| x as u64)
        }),
        Value::String(s) => {
            let s = s.trim();
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse::<u64>().ok())
                .flatten()
        }
        _ => None,
    };
    let amount = amount.ok_or_else(|| error::not_an_amount(label))?;
    in_range(field, amount as f64)?;
    Ok(Value::from(amount))
}

fn in_range(field: &CompiledField, x: f64) -> Result<(), Problem> {
    let below = field.min.is_some_and(|min| x < min);
    let above = field.max.is_some_and(|max| x > max);
    if below || above {
        return Err(error::out_of_range(&field.label, field.min, field.max));
    }
    Ok(())
}

/// A number as JSON: an integer when it is one and exact, otherwise a float.
fn as_json(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

fn date(field: &CompiledField, raw: &Value) -> Result<Value, Problem> {
    let invalid = || error::invalid_date(&field.label);
    let s = string(raw).ok_or_else(invalid)?;
    let b = s.as_bytes();
    // chrono alone would accept `2026-3-2` and signed or longer years.
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
        return Err(invalid());
    }
    Ok(Value::String(s.to_owned()))
}

fn choice(field: &CompiledField, raw: &Value) -> Result<Value, Problem> {
    let label = &field.label;
    let option = |v: &Value| -> Result<String, Problem> {
        let s = v
            .as_str()
            .ok_or_else(|| error::not_an_option(label))?
            .trim();
        field
            .options
            .iter()
            .any(|o| o.value == s)
            .then(|| s.to_owned())
            .ok_or_else(|| error::not_an_option(label))
    };
    if !field.multiple {
        return option(raw).map(Value::String);
    }
    let items = raw.as_array().ok_or_else(|| error::invalid_value(label))?;
    let mut chosen = Vec::new();
    for item in items {
        chosen.push(option(item)?);
    }
    // Stored in the order of the options, each once, whatever order the browser sent.
    Ok(Value::Array(
        field
            .options
            .iter()
            .filter(|o| chosen.contains(&o.value))
            .map(|o| Value::String(o.value.clone()))
            .collect(),
    ))
}

fn file(field: &CompiledField, raw: &Value) -> Result<Value, Problem> {
    let label = &field.label;
    let invalid = || error::invalid_file(label);
    let object = raw.as_object().ok_or_else(invalid)?;
    let known = ["sha256", "name", "size", "content_type"];
    if object.keys().any(|k| !known.contains(&k.as_str())) {
        return Err(invalid());
    }
    let sha256 = object
        .get("sha256")
        .and_then(Value::as_str)
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(invalid)?
        .to_ascii_lowercase();
    let plain = |s: &&str| {
        !s.is_empty()
            && s.chars().count() <= defaults::FILE_NAME_MAX_LENGTH as usize
            && !s.chars().any(|c| c.is_control())
    };
    let name = object
        .get("name")
        .and_then(string)
        .filter(plain)
        .filter(|s| !s.contains(['/', '\\']))
        .ok_or_else(invalid)?;
    let size = object
        .get("size")
        .and_then(Value::as_u64)
        .filter(|s| *s > 0)
        .ok_or_else(invalid)?;
    let content_type = match object.get("content_type") {
        None | Some(Value::Null) => None,
        Some(v) => Some(string(v).filter(plain).ok_or_else(invalid)?),
    };
    if !field.accept.is_empty() {
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        if !field.accept.contains(&extension) {
            return Err(error::file_type(label, &field.accept));
        }
    }
    let max_mb = field.max_size_mb.unwrap_or(defaults::MAX_SIZE_MB);
    if size > u64::from(max_mb) * 1024 * 1024 {
        return Err(error::file_too_large(label, max_mb));
    }
    let mut out = Map::new();
    out.insert("sha256".to_owned(), Value::String(sha256));
    out.insert("name".to_owned(), Value::String(name.to_owned()));
    out.insert("size".to_owned(), Value::from(size));
    if let Some(t) = content_type {
        out.insert("content_type".to_owned(), Value::String(t.to_owned()));
    }
    Ok(Value::Object(out))
}
