//! Semantic checks of the `workflow:` section, beyond what parsing catches: references to steps,
//! divisions, roles and plugins; what each kind of step needs; guards that compile and read
//! fields that exist; steps that cannot be reached or cannot be left; missing terminal outcomes;
//! parallel branches that do not meet their join; deadlines that do not add up.
//!
//! Every problem is reported at once, at the line and column of the value at fault, with a hint
//! (usually "did you mean …?").

mod graph;
mod steps;

#[cfg(test)]
mod tests;

use motcua_core::diagnostic::{At, Report, did_you_mean};
use motcua_core::tenant::{Key, TenantManifest};

use crate::schema::{ProcedureFile, Workflow};

/// What the checks need to know besides the file.
#[derive(Debug)]
pub struct Context<'a> {
    /// The tenant the procedure belongs to.
    pub tenant: &'a TenantManifest,
    /// The length of a working day in hours, to compare deadlines given in days and hours.
    pub day_hours: f64,
}

/// Checks the workflow of `file`, adding every problem to `report`.
pub fn check(file: &ProcedureFile, ctx: &Context<'_>, report: &mut Report) {
    let wf = &file.workflow;
    let form_fields: Vec<String> = file.form.fields.iter().map(|f| f.key.to_string()).collect();
    let keys: Vec<&str> = wf.steps.keys().map(Key::as_str).collect();
    let refs = Refs {
        steps: &keys,
        form_fields: &form_fields,
    };
    if wf.steps.is_empty() {
        report.at_value(&wf.start, "the workflow has no steps", None);
        return;
    }
    let before = report.len();
    refs.step(&wf.start, "the start step", report);
    for (key, step) in &wf.steps {
        steps::check(key, step, wf, ctx, &refs, report);
    }
    let complete = !report
        .found_since(before)
        .any(|d| d.message.contains("is not a step of this workflow"));
    graph::check(file, ctx, complete, report);
}

/// What references are checked against.
#[derive(Debug)]
pub(crate) struct Refs<'a> {
    pub(crate) steps: &'a [&'a str],
    pub(crate) form_fields: &'a [String],
}

impl Refs<'_> {
    /// Reports `target` unless it names a step; returns whether it does.
    pub(crate) fn step(&self, target: &At<Key>, what: &str, report: &mut Report) -> bool {
        if self.steps.contains(&target.as_str()) {
            return true;
        }
        let hint = match did_you_mean(target.as_str(), self.steps.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the steps are: {}", self.steps.join(", ")),
        };
        report.at_value(
            target,
            format!("{what} `{target}` is not a step of this workflow"),
            Some(hint),
        );
        false
    }
}

/// The step a key names, if any.
pub(crate) fn step_of<'w>(wf: &'w Workflow, key: &str) -> Option<&'w crate::schema::Step> {
    wf.steps.get(key).map(|s| &s.value)
}
