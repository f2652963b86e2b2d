//! Which fields of a submission are shown, from their `visible_if` conditions.
//!
//! A hidden field has no value, so a condition must not see the values of hidden fields: when
//! `has_spouse` is hidden, `spouse_name`, shown when `form.has_spouse`, is hidden too. The shown
//! set is therefore computed to a fixed point: every condition is evaluated over the values of
//! the fields shown in the previous round, starting from all of them, until nothing changes.
//! Conditions that read earlier fields settle in as many rounds as the chain is long; a cycle
//! the designer wrote that never settles stops after one round per field, with the last round's
//! answer.
//!
//! A condition that cannot be evaluated (it reads an empty field, compares a text with a number)
//! shows its field: a citizen can fill in a field too many, but cannot fill in one they never
//! see, and a required field wrongly hidden would let an incomplete dossier through. Except when
//! it reads a hidden field: a follow-up to a question that is not asked is not asked either, so
//! that `spouse_name`, shown when `form.spouse_known`, hides with `spouse_known`.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use super::compiled::CompiledField;
use crate::expr::Vars;

/// Vietnam's date at `now` (UTC+7, no daylight saving), as a rule's `today`.
pub(super) fn today(now: DateTime<Utc>) -> String {
    now.checked_add_signed(TimeDelta::hours(7))
        .unwrap_or(now)
        .format("%Y-%m-%d")
        .to_string()
}

/// Whether each of `fields` is shown, given the values submitted for them (`candidates`, keyed
/// by field); `vars` gives a condition its variables from the values of the shown fields, under
/// the name `root` (`form`, or `row` in a table).
pub(super) fn shown(
    fields: &[CompiledField],
    candidates: &Map<String, Value>,
    root: &str,
    vars: impl Fn(&Value) -> Vars,
) -> Vec<bool> {
    let mut shown = vec![true; fields.len()];
    if fields.iter().all(|f| f.visible_if.is_none()) {
        return shown;
    }
    for _ in 0..=fields.len() {
        let values = Value::Object(subset(fields, &shown, candidates));
        let vars = vars(&values);
        let next: Vec<bool> = fields
            .iter()
            .map(|f| {
                f.visible_if.as_ref().is_none_or(|condition| {
                    condition.holds_strictly(&vars).unwrap_or_else(|_| {
                        let hidden = |key: &String| {
                            fields.iter().zip(&shown).any(|(f, s)| !s && &f.key == key)
                        };
                        !condition.fields_of(root).iter().any(hidden)
                    })
                })
            })
            .collect();
        if next == shown {
            break;
        }
        shown = next;
    }
    shown
}

/// The candidates of the shown fields.
pub(super) fn subset(
    fields: &[CompiledField],
    shown: &[bool],
    candidates: &Map<String, Value>,
) -> Map<String, Value> {
    fields
        .iter()
        .zip(shown)
        .filter(|(_, shown)| **shown)
        .filter_map(|(f, _)| Some((f.key.clone(), candidates.get(&f.key)?.clone())))
        .collect()
}
