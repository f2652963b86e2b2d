//! The conditions of a form — `visible_if` and rule `check`s — at design time: which variables
//! each may use, and the problems reported to the designer (does not compile, reads a field that
//! does not exist, a field shown on a condition over itself).
//!
//! Variables: `form` (the whole form), `now` (a timestamp), `today` (Vietnam's date,
//! `YYYY-MM-DD`, so that `value <= today` compares a date field lexically); rules add `value`
//! (the field's own value); the columns of a table add `row` (the cells of the same row).
//!
//! Positions: a problem is reported at the column of the expression where the CEL compiler
//! puts it, when the expression is written on one line (plain or simply quoted); otherwise at
//! the start of the value. The column is that of the YAML value plus the column within the
//! expression, which is exact for plain and quoted scalars without escapes.

use motcua_core::diagnostic::{At, Location, Report, did_you_mean};

use crate::expr::Expr;

/// Where a condition is written: on a field of the form, or on a column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    Field,
    Column,
}

impl Scope {
    pub(super) fn of(in_table: bool) -> Self {
        if in_table { Self::Column } else { Self::Field }
    }

    /// What `visible_if` may use.
    pub(super) fn visibility_vars(self) -> &'static [&'static str] {
        match self {
            Self::Field => &["form", "now", "today"],
            Self::Column => &["form", "row", "now", "today"],
        }
    }

    /// What a rule's `check` may use.
    pub(super) fn rule_vars(self) -> &'static [&'static str] {
        match self {
            Self::Field => &["form", "value", "now", "today"],
            Self::Column => &["form", "row", "value", "now", "today"],
        }
    }
}

/// The names a condition may read, and the field it belongs to.
#[derive(Debug)]
pub(super) struct Names<'a> {
    /// The keys of the form's fields.
    pub(super) form: &'a [&'a str],
    /// The keys of the table's columns, for a column.
    pub(super) row: &'a [&'a str],
    /// The field (or column) whose condition it is.
    pub(super) own: &'a str,
    pub(super) scope: Scope,
}

/// Checks a `visible_if`: it compiles, reads existing fields, and not the field itself.
pub(super) fn visibility(source: &At<String>, names: &Names<'_>, report: &mut Report) {
    let Some(expr) = compile(source, names.scope.visibility_vars(), report) else {
        return;
    };
    reads(&expr, source, names, report);
    let root = match names.scope {
        Scope::Field => "form",
        Scope::Column => "row",
    };
    if expr.fields_of(root).iter().any(|f| f == names.own) {
        report.at(
            position(source, &format!("{root}.{}", names.own)),
            format!(
                "the `visible_if` of `{own}` reads `{root}.{own}`, the field itself",
                own = names.own
            ),
            Some(
                "a hidden field has no value: show it on a condition over another field".to_owned(),
            ),
        );
    }
}

/// Checks a rule's `check`: it compiles and reads existing fields.
pub(super) fn rule(source: &At<String>, names: &Names<'_>, report: &mut Report) {
    if let Some(expr) = compile(source, names.scope.rule_vars(), report) {
        reads(&expr, source, names, report);
    }
}

fn compile(source: &At<String>, allowed: &[&str], report: &mut Report) -> Option<Expr> {
    match Expr::compile(source, allowed) {
        Ok(expr) => Some(expr),
        Err(e) => {
            let location = e.column.map_or(source.location, |c| shifted(source, c));
            report.at(
                location,
                format!(
                    "the condition `{}` does not compile: {}",
                    source.value, e.message
                ),
                None,
            );
            None
        }
    }
}

/// Reports every `form.<name>` and `row.<name>` that names no field.
fn reads(expr: &Expr, source: &At<String>, names: &Names<'_>, report: &mut Report) {
    for field in expr.fields_of("form") {
        if names.form.contains(&field.as_str()) {
            continue;
        }
        let hint = if names.row.contains(&field.as_str()) {
            format!("`{field}` is a column of this table: read it as `row.{field}`")
        } else {
            match did_you_mean(&field, names.form.iter().copied()) {
                Some(f) => format!("did you mean `form.{f}`?"),
                None => "add the field to `form:` or fix the name".to_owned(),
            }
        };
        report.at(
            position(source, &format!("form.{field}")),
            format!("the condition reads `form.{field}`, which is not a field of the form"),
            Some(hint),
        );
    }
    if names.scope == Scope::Column {
        for column in expr.fields_of("row") {
            if names.row.contains(&column.as_str()) {
                continue;
            }
            report.at(
                position(source, &format!("row.{column}")),
                format!("the condition reads `row.{column}`, which is not a column of this table"),
                Some(match did_you_mean(&column, names.row.iter().copied()) {
                    Some(c) => format!("did you mean `row.{c}`?"),
                    None => format!("the columns are: {}", names.row.join(", ")),
                }),
            );
        }
    }
}

/// Where `needle` is written within the condition (its start when not found).
fn position(source: &At<String>, needle: &str) -> Location {
    source
        .find(needle)
        .and_then(|byte| u32::try_from(source[..byte].chars().count() + 1).ok())
        .map_or(source.location, |c| shifted(source, c))
}

/// The YAML position of the 1-based `column` of a condition written on one line.
fn shifted(source: &At<String>, column: u32) -> Location {
    let at = source.location;
    let chars = source.chars().count() as u64;
    let written = at.span().len();
    // A plain scalar spans exactly its text; a quoted one without escapes adds its two quotes.
    let quote = if written == chars {
        0
    } else if written == chars + 2 {
        1
    } else {
        return at;
    };
    if at == Location::UNKNOWN || source.contains('\n') {
        return at;
    }
    // serde_saphyr has no public constructor for a location; its serde form is the only way
    // to build one, and a failure keeps the value's own position.
    // The parser puts "ends too early" one past the end; the end is where to look.
    let column = at.column() + quote + u64::from(column).min(chars + 1) - 1;
    serde_json::from_value(serde_json::json!({ "line": at.line(), "column": column })).unwrap_or(at)
}
