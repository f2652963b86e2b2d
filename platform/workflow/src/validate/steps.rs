//! Checks of each step on its own: the keys its kind needs and only those, references, roles,
//! guards and timers.

use motcua_core::diagnostic::{At, Report, did_you_mean};
use motcua_core::dossier::DossierStatus;
use motcua_core::tenant::Key;

use super::{Context, Refs, step_of};
use crate::expr::{Expr, VARIABLES};
use crate::roles::{HANDLING_ROLES, is_handling_role};
use crate::schema::{Input, JoinMode, Step, StepKind, Workflow};

fn kind_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Human => "human",
        StepKind::Auto => "auto",
        StepKind::Parallel => "parallel",
        StepKind::Join => "join",
        StepKind::Decision => "decision",
        StepKind::Supplement => "supplement",
        StepKind::End => "end",
    }
}

pub(super) fn check(
    key: &Key,
    step: &At<Step>,
    wf: &Workflow,
    ctx: &Context<'_>,
    refs: &Refs<'_>,
    report: &mut Report,
) {
    let kind = step.kind;
    let here = |report: &mut Report, message: String, hint: Option<String>| {
        report.at_value(step, message, hint)
    };

    // Keys that belong to other kinds of step.
    let misplaced: [(&str, bool, &[StepKind]); 13] = [
        ("division", step.division.is_some(), &[StepKind::Human]),
        ("role", step.role.is_some(), &[StepKind::Human]),
        ("actions", !step.actions.is_empty(), &[StepKind::Human]),
        ("plugin", step.plugin.is_some(), &[StepKind::Auto]),
        ("config", step.config.is_some(), &[StepKind::Auto]),
        ("outcomes", !step.outcomes.is_empty(), &[StepKind::Auto]),
        ("on_error", step.on_error.is_some(), &[StepKind::Auto]),
        ("branches", !step.branches.is_empty(), &[StepKind::Parallel]),
        ("join", step.join.is_some(), &[StepKind::Parallel]),
        ("wait_for", step.wait_for.is_some(), &[StepKind::Join]),
        ("routes", !step.routes.is_empty(), &[StepKind::Decision]),
        (
            "restart_clock",
            step.restart_clock.is_some(),
            &[StepKind::Supplement],
        ),
        ("outcome", step.outcome.is_some(), &[StepKind::End]),
    ];
    for (name, present, kinds) in misplaced {
        if present && !kinds.contains(&kind) {
            here(
                report,
                format!(
                    "`{name}` does not apply to a {} step `{key}`",
                    kind_name(kind)
                ),
                Some(format!(
                    "`{name}` is for {} steps",
                    kinds
                        .iter()
                        .map(|k| kind_name(*k))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
    let next_kinds = [StepKind::Join, StepKind::Decision, StepKind::Supplement];
    if step.next.is_some() && !next_kinds.contains(&kind) {
        here(report, format!("`next` does not apply to a {} step `{key}`", kind_name(kind)), Some("`next` is for join, decision and supplement steps; a human step leads on through its actions".to_owned()));
    }
    let timed = [StepKind::Human, StepKind::Auto, StepKind::Supplement];
    if !timed.contains(&kind) {
        if step.deadline.is_some() {
            here(
                report,
                format!(
                    "a {} step takes no time: `deadline` does not apply",
                    kind_name(kind)
                ),
                None,
            );
        }
        if !step.timers.is_empty() {
            here(
                report,
                format!(
                    "a {} step takes no time: `timers` do not apply",
                    kind_name(kind)
                ),
                None,
            );
        }
    }
    if let Some(status) = step.status
        && status.is_closed()
    {
        here(
            report,
            format!(
                "the status `{}` ends handling; only an end step can set it",
                status.as_str()
            ),
            Some("add an end step with this `outcome` and lead to it".to_owned()),
        );
    }

    match kind {
        StepKind::Human => human(key, step, wf, ctx, refs, report),
        StepKind::Auto => {
            match &step.plugin {
                None => here(report, format!("the auto step `{key}` needs a `plugin`"), Some("write `plugin: <id>@<version>`".to_owned())),
                Some(p) if !ctx.tenant.plugins.iter().any(|i| i.pin == p.to_string()) => report.at_value(
                    p,
                    format!("the plugin `{}` is not installed for {}", p.value, ctx.tenant.slug),
                    Some(match did_you_mean(&p.to_string(), ctx.tenant.plugins.iter().map(|i| i.pin.as_str())) {
                        Some(pin) => format!("did you mean `{pin}`?"),
                        None if ctx.tenant.plugins.is_empty() => "the tenant has no plugins; list them under `plugins:` in tenant.yaml".to_owned(),
                        None => format!("the tenant's plugins are: {}", ctx.tenant.plugins.iter().map(|i| i.pin.as_str()).collect::<Vec<_>>().join(", ")),
                    }),
                ),
                Some(_) => {}
            }
            if step.outcomes.is_empty() {
                here(
                    report,
                    format!(
                        "the auto step `{key}` needs `outcomes`: where each result of the plugin leads"
                    ),
                    None,
                );
            }
            for target in step.outcomes.values() {
                refs.step(target, "the outcome target", report);
            }
            if let Some(t) = &step.on_error {
                refs.step(t, "the on_error target", report);
            }
        }
        StepKind::Parallel => {
            if step.branches.len() < 2 {
                here(
                    report,
                    format!("the parallel step `{key}` needs at least two `branches`"),
                    None,
                );
            }
            for b in &step.branches {
                refs.step(b, "the branch", report);
            }
            match &step.join {
                None => here(
                    report,
                    format!("the parallel step `{key}` needs a `join` where its branches meet"),
                    None,
                ),
                Some(j) => {
                    if refs.step(j, "the join", report)
                        && step_of(wf, j.as_str()).is_some_and(|s| s.kind != StepKind::Join)
                    {
                        report.at_value(
                            j,
                            format!("`{j}` is not a join step"),
                            Some("the branches must meet at a step with `kind: join`".to_owned()),
                        );
                    }
                }
            }
        }
        StepKind::Join => {
            match step.next.as_ref() {
                None => here(
                    report,
                    format!(
                        "the join `{key}` needs `next`: where the dossier goes once the branches meet"
                    ),
                    None,
                ),
                Some(n) => {
                    refs.step(n, "the next step", report);
                }
            }
            let parallels: Vec<&At<Step>> = wf
                .steps
                .values()
                .filter(|s| {
                    s.kind == StepKind::Parallel
                        && s.join.as_ref().is_some_and(|j| j.as_str() == key.as_str())
                })
                .collect();
            match parallels.as_slice() {
                [] => here(
                    report,
                    format!("no parallel step joins at `{key}`"),
                    Some("name it in the `join` of a parallel step".to_owned()),
                ),
                [p] => {
                    if let Some(w) = &step.wait_for
                        && let JoinMode::AtLeast(n) = w.value
                        && n as usize > p.branches.len()
                    {
                        report.at_value(
                            w,
                            format!(
                                "the join waits for {n} branches but the parallel step has {}",
                                p.branches.len()
                            ),
                            None,
                        );
                    }
                }
                _ => here(
                    report,
                    format!("several parallel steps join at `{key}`"),
                    Some("give each parallel step a join of its own".to_owned()),
                ),
            }
        }
        StepKind::Decision => {
            if step.routes.is_empty() {
                here(report, format!("the decision `{key}` needs `routes`"), None);
            }
            for route in &step.routes {
                refs.step(&route.to, "the route target", report);
                guard(&route.when, refs, report);
            }
            match &step.next {
                None => here(
                    report,
                    format!(
                        "the decision `{key}` needs `next`: where the dossier goes when no route holds"
                    ),
                    None,
                ),
                Some(n) => {
                    refs.step(n, "the next step", report);
                }
            }
        }
        StepKind::Supplement => match &step.next {
            None => here(
                report,
                format!(
                    "the supplement step `{key}` needs `next`: where the dossier goes once supplemented"
                ),
                None,
            ),
            Some(n) => {
                refs.step(n, "the next step", report);
            }
        },
        StepKind::End => match &step.outcome {
            None => here(
                report,
                format!("the end step `{key}` needs an `outcome`"),
                Some(
                    "`returned` (result returned), `not_accepted`, `stopped` or `withdrawn`"
                        .to_owned(),
                ),
            ),
            Some(o) if !o.is_closed() => report.at_value(
                o,
                format!("`{}` does not end handling", o.as_str()),
                Some(
                    "an end step's outcome is `returned`, `not_accepted`, `stopped` or `withdrawn`"
                        .to_owned(),
                ),
            ),
            Some(_) => {}
        },
    }

    for timer in &step.timers {
        match (&timer.after, &timer.before_due) {
            (Some(_), None) => {}
            (None, Some(_)) if step.deadline.is_none() => {
                report.at_value(timer, "`before_due` needs a `deadline` on the step", None)
            }
            (None, Some(_)) => {}
            _ => report.at_value(
                timer,
                "a timer fires either `after` some time or `before_due`",
                Some("write exactly one of them".to_owned()),
            ),
        }
        let effects = usize::from(!timer.remind.is_empty())
            + usize::from(timer.escalate_to.is_some())
            + usize::from(timer.goto.is_some());
        if effects != 1 {
            report.at_value(
                timer,
                "a timer does exactly one thing: `remind`, `escalate_to` or `goto`",
                None,
            );
        }
        if let Some(role) = &timer.escalate_to {
            role_known(role, report);
            if kind != StepKind::Human {
                report.at_value(role, "only a human step can be escalated to a role", None);
            }
        }
        if let Some(to) = &timer.goto {
            refs.step(to, "the timer's target", report);
        }
    }
}

fn human(
    key: &Key,
    step: &At<Step>,
    wf: &Workflow,
    ctx: &Context<'_>,
    refs: &Refs<'_>,
    report: &mut Report,
) {
    match &step.division {
        None => report.at_value(
            step,
            format!("the human step `{key}` needs a `division`"),
            None,
        ),
        Some(d) if ctx.tenant.division(d.as_str()).is_none() => {
            let keys = ctx.tenant.divisions.iter().map(|d| d.key.as_str());
            report.at_value(
                d,
                format!("unknown division `{d}`"),
                Some(match did_you_mean(d.as_str(), keys.clone()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!(
                        "the divisions of {} are: {}",
                        ctx.tenant.slug,
                        keys.collect::<Vec<_>>().join(", ")
                    ),
                }),
            );
        }
        Some(_) => {}
    }
    match &step.role {
        None => report.at_value(
            step,
            format!("the human step `{key}` needs a `role`"),
            Some(format!("one of: {}", HANDLING_ROLES.join(", "))),
        ),
        Some(role) => role_known(role, report),
    }
    if step.actions.is_empty() {
        report.at_value(
            step,
            format!("the human step `{key}` has no `actions`: a dossier there could never leave"),
            None,
        );
    }
    for (action_key, action) in &step.actions {
        if refs.step(&action.to, "the action's target", report)
            && let Some(target) = step_of(wf, action.to.as_str())
            && let Some((input, why)) = required_inputs(target)
            && !action.requires.contains(&input)
        {
            report.at_value(
                action,
                format!(
                    "the action `{action_key}` must require a {}: {why}",
                    input_name(input)
                ),
                Some(format!("add `requires: [{}]`", input_name(input))),
            );
        }
        if let Some(g) = &action.guard {
            guard(g, refs, report);
        }
        for (i, input) in action.requires.iter().enumerate() {
            if action.requires[..i].contains(input) {
                report.at_value(
                    action,
                    format!(
                        "`{}` is required twice by `{action_key}`",
                        input_name(*input)
                    ),
                    None,
                );
            }
        }
    }
}

fn input_name(input: Input) -> &'static str {
    match input {
        Input::Reason => "reason",
        Input::Documents => "documents",
        Input::Result => "result",
    }
}

fn role_known(role: &At<crate::schema::Ident>, report: &mut Report) {
    if !is_handling_role(role.as_str()) {
        report.at_value(
            role,
            format!("unknown role `{role}`"),
            Some(match did_you_mean(role.as_str(), HANDLING_ROLES) {
                Some(r) => format!("did you mean `{r}`?"),
                None => format!("the roles are: {}", HANDLING_ROLES.join(", ")),
            }),
        );
    }
}

/// A guard or route condition: it must compile and read only fields that exist.
pub(super) fn guard(source: &At<String>, refs: &Refs<'_>, report: &mut Report) {
    match Expr::compile(source, &VARIABLES) {
        Err(e) => report.at_value(
            source,
            format!(
                "the condition `{}` does not compile: {}",
                source.value, e.message
            ),
            None,
        ),
        Ok(expr) => {
            for field in expr.fields_of("form") {
                if !refs.form_fields.contains(&field) {
                    report.at_value(
                        source,
                        format!(
                            "the condition reads `form.{field}`, which is not a field of the form"
                        ),
                        Some(
                            match did_you_mean(&field, refs.form_fields.iter().map(String::as_str))
                            {
                                Some(f) => format!("did you mean `form.{f}`?"),
                                None => "add the field to `form:` or fix the name".to_owned(),
                            },
                        ),
                    );
                }
            }
        }
    }
}

/// Inputs an action must require by law, given where it leads.
pub(super) fn required_inputs(target: &Step) -> Option<(Input, &'static str)> {
    match (target.kind, target.outcome.as_ref().map(|o| o.value)) {
        (StepKind::Supplement, _) => Some((
            Input::Reason,
            "a request to supplement lists every defect (Form 02)",
        )),
        (StepKind::End, Some(DossierStatus::NotAccepted)) => {
            Some((Input::Reason, "a refusal gives its reasons (Form 03)"))
        }
        (StepKind::End, Some(DossierStatus::Stopped)) => {
            Some((Input::Reason, "stopping handling needs a reason"))
        }
        _ => None,
    }
}
