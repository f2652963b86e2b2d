//! The fee table format (README.md, "Table format") and the arithmetic of its bands.
//!
//! A table is tenant reference data: officials edit it when a resolution changes the rates, so
//! it is checked strictly (unknown keys are errors) and every problem names the table.

use serde::Deserialize;

/// A text in both languages.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Text {
    pub(crate) vi: String,
    pub(crate) en: String,
}

/// How a schedule's bands turn a quantity into an amount.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Method {
    /// Each band charges its `rate` for the part of the quantity inside it (2,000 VND for each
    /// of the first two pages, 1,000 VND for each page after).
    Graduated,
    /// The one band that holds the quantity charges its flat `amount` (under 300 m²: 300,000).
    Band,
}

/// A fee table, as `reference::lookup(table, "")` returns it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Table {
    pub(crate) name: Text,
    /// The legal basis, for people reading the table.
    #[serde(default)]
    #[expect(dead_code, reason = "documentation inside the data")]
    pub(crate) basis: Option<String>,
    /// Free text for people reading the table.
    #[serde(default)]
    #[expect(dead_code, reason = "documentation inside the data")]
    pub(crate) note: Option<String>,
    #[serde(default = "vnd")]
    pub(crate) currency: String,
    pub(crate) method: Method,
    /// The column (or, without rows, the form field) measured against the bands; without it
    /// every line counts one unit.
    #[serde(default)]
    pub(crate) quantity: Option<String>,
    /// The unit of the quantity, for messages.
    #[serde(default)]
    #[expect(dead_code, reason = "documentation inside the data")]
    pub(crate) unit: Option<Text>,
    /// The column multiplying each line's amount (copies).
    #[serde(default)]
    pub(crate) times: Option<String>,
    /// The column naming each line.
    #[serde(default)]
    pub(crate) label: Option<String>,
    pub(crate) schedules: Vec<Schedule>,
}

fn vnd() -> String {
    "VND".to_owned()
}

/// The bands for one group of applicants.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Schedule {
    /// The values of the configured `by` selector this schedule serves; absent: everyone.
    #[serde(default, rename = "for")]
    pub(crate) applies_to: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) name: Option<Text>,
    pub(crate) bands: Vec<Band>,
    /// The most one unit of a line costs (before `times`).
    #[serde(default)]
    pub(crate) max: Option<u64>,
}

/// A range of the quantity, `from` (inclusive) to `below` (exclusive).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Band {
    #[serde(default)]
    pub(crate) from: f64,
    #[serde(default)]
    pub(crate) below: Option<f64>,
    /// For `graduated`: the price of one unit inside the band.
    #[serde(default)]
    pub(crate) rate: Option<f64>,
    /// For `band`: the flat amount when the quantity falls in the band.
    #[serde(default)]
    pub(crate) amount: Option<u64>,
}

impl Table {
    /// Checks what serde cannot: every band has what its method needs and a sensible range.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.schedules.is_empty() {
            return Err("no schedules".to_owned());
        }
        for (s, schedule) in self.schedules.iter().enumerate() {
            if schedule.bands.is_empty() {
                return Err(format!("schedule {} has no bands", s + 1));
            }
            let mut previous = f64::NEG_INFINITY;
            for (b, band) in schedule.bands.iter().enumerate() {
                let at = format!("schedule {}, band {}", s + 1, b + 1);
                let needed = match self.method {
                    Method::Graduated => band.rate.is_some_and(|r| r.is_finite() && r >= 0.0),
                    Method::Band => band.amount.is_some(),
                };
                if !needed {
                    let field = match self.method {
                        Method::Graduated => "a non-negative `rate`",
                        Method::Band => "an `amount`",
                    };
                    return Err(format!("{at} needs {field}"));
                }
                if band.from < previous || band.below.is_some_and(|below| below <= band.from) {
                    return Err(format!(
                        "{at}: the bands must be in order, `from` < `below`"
                    ));
                }
                previous = band.below.unwrap_or(f64::INFINITY);
            }
        }
        Ok(())
    }

    /// The schedule for `selector` (the value of the configured `by`, if any).
    pub(crate) fn schedule(&self, selector: Option<&str>) -> Option<&Schedule> {
        self.schedules.iter().find(|s| match &s.applies_to {
            None => true,
            Some(values) => selector.is_some_and(|v| values.iter().any(|x| x == v)),
        })
    }
}

impl Schedule {
    /// What one unit of a line with `quantity` costs, or `None` when no band covers it.
    pub(crate) fn price(&self, method: Method, quantity: f64) -> Option<f64> {
        let price = match method {
            Method::Band => self
                .bands
                .iter()
                .find(|b| b.from <= quantity && b.below.is_none_or(|below| quantity < below))
                .and_then(|b| b.amount)
                .map(to_f64)?,
            Method::Graduated => {
                let covered = self
                    .bands
                    .last()
                    .and_then(|b| b.below)
                    .is_none_or(|end| quantity <= end);
                if !covered {
                    return None;
                }
                self.bands
                    .iter()
                    .map(|b| {
                        let top = b.below.map_or(quantity, |below| below.min(quantity));
                        (top - b.from).max(0.0) * b.rate.unwrap_or(0.0)
                    })
                    .sum()
            }
        };
        Some(self.max.map_or(price, |max| price.min(to_f64(max))))
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "amounts in đồng are far below 2^53"
)]
fn to_f64(amount: u64) -> f64 {
    amount as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(json: &str) -> Table {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn graduated_bands_charge_each_slice() {
        let t = table(include_str!("../tables/phi-chung-thuc-ban-sao.json"));
        t.check().unwrap();
        let s = t.schedule(None).unwrap();
        let price = |pages: f64| s.price(t.method, pages).unwrap();
        assert!((price(1.0) - 2_000.0).abs() < f64::EPSILON);
        assert!((price(2.0) - 4_000.0).abs() < f64::EPSILON);
        assert!((price(5.0) - 7_000.0).abs() < f64::EPSILON);
        // 4,000 + 197 × 1,000 = 201,000, capped at 200,000 per copy.
        assert!((price(199.0) - 200_000.0).abs() < f64::EPSILON);
    }

    #[test]
    fn flat_bands_include_their_lower_bound() {
        let t = table(include_str!(
            "../tables/phi-tham-dinh-cap-gcn-thanh-hoa.json"
        ));
        t.check().unwrap();
        let citizen = t.schedule(Some("citizen")).unwrap();
        let price = |area: f64| citizen.price(t.method, area).unwrap();
        assert!((price(299.9) - 300_000.0).abs() < f64::EPSILON);
        assert!((price(300.0) - 500_000.0).abs() < f64::EPSILON);
        assert!((price(1_000.0) - 800_000.0).abs() < f64::EPSILON);
        let business = t.schedule(Some("business")).unwrap();
        assert!((business.price(t.method, 999.0).unwrap() - 1_500_000.0).abs() < f64::EPSILON);
        assert!(t.schedule(Some("other")).is_none());
        assert!(t.schedule(None).is_none());
    }

    #[test]
    fn uncovered_quantities_have_no_price() {
        let t = table(
            r#"{ "name": { "vi": "x", "en": "x" }, "method": "graduated",
                 "schedules": [{ "bands": [{ "below": 10, "rate": 1 }] }] }"#,
        );
        let s = t.schedule(None).unwrap();
        assert!(s.price(t.method, 10.0).is_some());
        assert!(s.price(t.method, 10.5).is_none());
    }

    #[test]
    fn malformed_tables_are_explained() {
        let t = table(
            r#"{ "name": { "vi": "x", "en": "x" }, "method": "band",
                 "schedules": [{ "bands": [{ "below": 10, "rate": 1 }] }] }"#,
        );
        assert_eq!(
            t.check().unwrap_err(),
            "schedule 1, band 1 needs an `amount`"
        );
        let t = table(
            r#"{ "name": { "vi": "x", "en": "x" }, "method": "band",
                 "schedules": [{ "bands": [{ "from": 5, "amount": 1 }, { "from": 1, "amount": 2 }] }] }"#,
        );
        assert!(t.check().unwrap_err().contains("in order"));
    }
}
