//! From the form and a fee table to the amount due: one line per row of the configured table
//! field (or one line for the whole form), each priced by the applicant's schedule.

use motcua_plugin_sdk::{BusinessError, Context, Outcome};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::table::{Schedule, Table};

/// The step's `config` (`config_schema` in plugin.yaml).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// The reference table holding the fee table.
    pub(crate) table: String,
    /// The form's table field charged one line per row.
    #[serde(default)]
    rows: Option<String>,
    /// The same as `rows`, for tables measured by area (land parcels).
    #[serde(default)]
    area: Option<String>,
    /// What selects the schedule: `applicant_kind`, `case` or a form field.
    #[serde(default)]
    by: Option<String>,
    /// Override the table's `quantity`, `times` and `label` columns.
    #[serde(default)]
    quantity: Option<String>,
    #[serde(default)]
    times: Option<String>,
    #[serde(default)]
    label: Option<String>,
}

/// Prices the form of `ctx` with `table` (the JSON the reference lookup returned, if any).
pub(crate) fn compute(
    ctx: &Context,
    config: &Config,
    table: Option<Value>,
) -> Result<Outcome, BusinessError> {
    let name = &config.table;
    let rows_field = match (&config.rows, &config.area) {
        (Some(_), Some(_)) => {
            return Err(BusinessError::invalid_config(
                &ctx.step,
                "`rows` and `area` name the same thing; give one",
            ));
        }
        (rows, area) => rows.as_ref().or(area.as_ref()),
    };
    let table = table.ok_or_else(|| {
        BusinessError::new(
            "no-fee-table",
            format!("Dữ liệu tham chiếu của đơn vị không có bảng phí «{name}»."),
            format!("The tenant's reference data has no fee table `{name}`."),
        )
    })?;
    let table: Table = serde_json::from_value(table)
        .map_err(|e| e.to_string())
        .and_then(|t: Table| t.check().map(|()| t))
        .map_err(|why| {
            BusinessError::new(
                "invalid-fee-table",
                format!("Bảng phí «{name}» không đúng định dạng: {why}."),
                format!("The fee table `{name}` is malformed: {why}."),
            )
        })?;
    let selector = match config.by.as_deref() {
        None => None,
        Some("applicant_kind") => Some(ctx.applicant_kind.as_str()),
        Some("case") => Some(ctx.case.as_str()),
        Some(field) => Some(
            ctx.form_str(field)
                .ok_or_else(|| BusinessError::missing_field(field))?,
        ),
    };
    let schedule = table.schedule(selector).ok_or_else(|| {
        let by = config.by.as_deref().unwrap_or("-");
        let value = selector.unwrap_or("");
        BusinessError::new(
            "no-fee-schedule",
            format!("Bảng phí «{name}» không có biểu mức cho «{by}» = «{value}»."),
            format!("The fee table `{name}` has no schedule for `{by}` = `{value}`."),
        )
    })?;
    let rows: &[Value] = match rows_field {
        Some(field) => ctx
            .form_rows(field)
            .ok_or_else(|| BusinessError::missing_field(field))?,
        None => std::slice::from_ref(&ctx.form),
    };
    let columns = Columns {
        rows: rows_field.map_or("", String::as_str),
        quantity: config.quantity.as_ref().or(table.quantity.as_ref()),
        times: config.times.as_ref().or(table.times.as_ref()),
        label: config.label.as_ref().or(table.label.as_ref()),
    };
    let mut lines = Vec::with_capacity(rows.len());
    let mut total: u64 = 0;
    for (i, row) in rows.iter().enumerate() {
        let line = price_row(&table, name, schedule, &columns, i + 1, row)?;
        total = total.saturating_add(line.amount);
        lines.push(line);
    }
    let currency = &table.currency;
    let currency_vi = if currency == "VND" {
        "đồng"
    } else {
        currency
    };
    let mut data = json!({
        "amount": total,
        "currency": currency,
        "table": name,
        "lines": lines.iter().map(Line::to_json).collect::<Vec<_>>(),
    });
    if let Some(s) = &schedule.name {
        data["schedule"] = json!({ "vi": s.vi, "en": s.en });
    }
    let (vi, en) = (money(total, '.'), money(total, ','));
    Ok(Outcome::to("ok")
        .with_data(data)
        .tell_official(
            format!(
                "{}: {vi} {currency_vi} ({} dòng).",
                table.name.vi,
                lines.len()
            ),
            format!(
                "{}: {en} {currency} ({} lines).",
                table.name.en,
                lines.len()
            ),
        )
        .tell_applicant(
            format!("{}: {vi} {currency_vi}.", table.name.vi),
            format!("{}: {en} {currency}.", table.name.en),
        ))
}

struct Columns<'a> {
    rows: &'a str,
    quantity: Option<&'a String>,
    times: Option<&'a String>,
    label: Option<&'a String>,
}

struct Line {
    row: usize,
    label: Option<String>,
    quantity: f64,
    times: u64,
    unit_amount: u64,
    amount: u64,
}

impl Line {
    fn to_json(&self) -> Value {
        json!({
            "row": self.row,
            "label": self.label,
            "quantity": whole(self.quantity).map_or_else(|| json!(self.quantity), |q| json!(q)),
            "times": self.times,
            "unit_amount": self.unit_amount,
            "amount": self.amount,
        })
    }
}

fn price_row(
    table: &Table,
    name: &str,
    schedule: &Schedule,
    columns: &Columns<'_>,
    n: usize,
    row: &Value,
) -> Result<Line, BusinessError> {
    let number = |column: &str| {
        let value = row.get(column).and_then(|v| match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        value
            .filter(|q| q.is_finite() && *q >= 0.0)
            .ok_or_else(|| bad_cell(columns.rows, n, column))
    };
    let quantity = columns.quantity.map_or(Ok(1.0), |c| number(c))?;
    let times = match columns.times {
        None => 1,
        Some(c) => whole(number(c)?).ok_or_else(|| bad_cell(columns.rows, n, c))?,
    };
    let unit = schedule.price(table.method, quantity).ok_or_else(|| {
        BusinessError::new(
            "no-fee-band",
            format!("Bảng phí «{name}» không có mức cho số lượng {quantity} (dòng {n})."),
            format!("The fee table `{name}` has no band for the quantity {quantity} (row {n})."),
        )
    })?;
    let unit_amount = whole(unit.round()).unwrap_or(u64::MAX);
    Ok(Line {
        row: n,
        label: columns
            .label
            .and_then(|c| row.get(c))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            }),
        quantity,
        times,
        unit_amount,
        amount: unit_amount.saturating_mul(times),
    })
}

fn bad_cell(rows: &str, n: usize, column: &str) -> BusinessError {
    let (vi, en) = if rows.is_empty() {
        (
            format!("trường «{column}»"),
            format!("the field `{column}`"),
        )
    } else {
        (
            format!("cột «{column}», dòng {n} của trường «{rows}»"),
            format!("column `{column}` in row {n} of the field `{rows}`"),
        )
    };
    BusinessError::new(
        "invalid-field",
        format!("Biểu mẫu không có số hợp lệ ở {vi}."),
        format!("The form has no valid number in {en}."),
    )
}

/// `x` as a whole number, if it is one that fits.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "checked: finite, whole, non-negative and below 2^53"
)]
fn whole(x: f64) -> Option<u64> {
    (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x < (1u64 << 53) as f64).then_some(x as u64)
}

/// `12000` as `12.000` (Vietnamese) or `12,000` (English).
fn money(amount: u64, separator: char) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests;
