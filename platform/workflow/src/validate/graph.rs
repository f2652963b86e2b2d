//! Checks of the workflow as a graph: every step reachable and able to finish, at least one
//! end, parallel branches that meet their join, no loop of steps that never wait, deadlines that
//! fit the procedure's processing time.

use std::collections::{BTreeSet, VecDeque};

use motcua_core::diagnostic::Report;

use super::Context;
use crate::schema::{ProcedureFile, Step, StepKind, Workflow};

/// The steps a step leads to (only those that exist).
fn successors<'w>(wf: &'w Workflow, step: &'w Step) -> Vec<&'w str> {
    let mut out: Vec<&str> = step.actions.values().map(|a| a.to.as_str()).collect();
    out.extend(step.outcomes.values().map(|t| t.as_str()));
    out.extend(step.on_error.as_ref().map(|t| t.as_str()));
    out.extend(step.branches.iter().map(|t| t.as_str()));
    out.extend(step.routes.iter().map(|r| r.to.as_str()));
    out.extend(step.next.as_ref().map(|t| t.as_str()));
    out.extend(
        step.timers
            .iter()
            .filter_map(|t| t.goto.as_ref().map(|g| g.as_str())),
    );
    out.retain(|k| wf.steps.contains_key(*k));
    out
}

fn reachable_from<'w>(wf: &'w Workflow, from: &'w str, stop_at: Option<&str>) -> BTreeSet<&'w str> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([from]);
    while let Some(k) = queue.pop_front() {
        if !seen.insert(k) || Some(k) == stop_at {
            continue;
        }
        if let Some(step) = wf.steps.get(k) {
            queue.extend(successors(wf, step));
        }
    }
    seen
}

/// Checks the graph. With `complete` false (some reference names no step), only the checks that
/// do not depend on the missing edges run: reachability would then report every step behind the
/// broken reference, burying the one error that matters.
pub(super) fn check(file: &ProcedureFile, ctx: &Context<'_>, complete: bool, report: &mut Report) {
    let wf = &file.workflow;
    let start = wf.start.as_str();
    if !wf.steps.contains_key(start) || !complete {
        instant_loops(wf, report);
        return;
    }
    let reachable = reachable_from(wf, start, None);
    let ends: Vec<&str> = wf
        .steps
        .iter()
        .filter(|(_, s)| s.kind == StepKind::End)
        .map(|(k, _)| k.as_str())
        .collect();
    if ends.is_empty() {
        report.at_value(
            &wf.start,
            "the workflow has no end step, so no dossier could ever be finished",
            Some("add a step with `kind: end` and `outcome: returned`".to_owned()),
        );
    }

    // Steps from which an end can be reached: walk the edges backwards from the ends.
    let mut finishing: BTreeSet<&str> = ends.iter().copied().collect();
    loop {
        let before = finishing.len();
        for (k, s) in &wf.steps {
            if successors(wf, s).iter().any(|n| finishing.contains(n)) {
                finishing.insert(k.as_str());
            }
        }
        if finishing.len() == before {
            break;
        }
    }
    for (k, s) in &wf.steps {
        if !reachable.contains(k.as_str()) {
            report.at_value(
                s,
                format!("the step `{k}` cannot be reached from the start `{start}`"),
                Some("lead to it from an action, outcome or route, or remove it".to_owned()),
            );
        } else if !ends.is_empty() && !finishing.contains(k.as_str()) {
            report.at_value(
                s,
                format!("no way out: a dossier in `{k}` could never reach an end step"),
                Some("give it an action, outcome or `next` that leads towards an end".to_owned()),
            );
        }
    }

    for (k, s) in &wf.steps {
        if s.kind != StepKind::Parallel {
            continue;
        }
        let Some(join) = s
            .join
            .as_ref()
            .map(|j| j.as_str())
            .filter(|j| wf.steps.contains_key(*j))
        else {
            continue;
        };
        for branch in s
            .branches
            .iter()
            .filter(|b| wf.steps.contains_key(b.as_str()))
        {
            // Walk the branch up to its join, stopping at the first step a branch must not
            // reach (one report per branch: what lies beyond it follows from it).
            let mut seen = BTreeSet::new();
            let mut queue = VecDeque::from([branch.as_str()]);
            let mut reaches_join = false;
            let mut forbidden = None;
            while let Some(n) = queue.pop_front() {
                if n == join {
                    reaches_join = true;
                    continue;
                }
                if !seen.insert(n) {
                    continue;
                }
                let Some(inner) = wf.steps.get(n) else {
                    continue;
                };
                if matches!(inner.kind, StepKind::End | StepKind::Supplement) {
                    forbidden.get_or_insert((n, inner.kind));
                    continue;
                }
                queue.extend(successors(wf, inner));
            }
            if let Some((step, kind)) = forbidden {
                report.at_value(
                    branch,
                    format!(
                        "the branch `{branch}` of `{k}` can reach the {} step `{step}` before its join",
                        if kind == StepKind::End { "end" } else { "supplement" }
                    ),
                    Some("branches consult and report back; ending or asking the applicant happens after the join".to_owned()),
                );
            } else if !reaches_join {
                report.at_value(
                    branch,
                    format!("the branch `{branch}` of `{k}` never reaches its join `{join}`"),
                    None,
                );
            }
        }
    }

    instant_loops(wf, report);
    deadlines(file, ctx, report);
}

/// A loop made only of steps that take no time (decisions, parallel, join) would spin forever.
fn instant_loops(wf: &Workflow, report: &mut Report) {
    let instant = |s: &Step| {
        matches!(
            s.kind,
            StepKind::Decision | StepKind::Parallel | StepKind::Join
        )
    };
    for (k, s) in wf.steps.iter().filter(|(_, s)| instant(s)) {
        // Is `k` reachable from itself through instant steps only?
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = successors(wf, s);
        while let Some(n) = stack.pop() {
            if n == k.as_str() {
                report.at_value(
                    s,
                    format!("the step `{k}` is on a loop of steps that never wait (decisions, parallel, join)"),
                    Some("put a human or supplement step on the loop".to_owned()),
                );
                break;
            }
            if let Some(next) = wf.steps.get(n)
                && instant(next)
                && seen.insert(n)
            {
                stack.extend(successors(wf, next));
            }
        }
    }
}

/// The step deadlines along the longest way to an end must fit within the procedure's processing
/// time. Loops are cut where they return. A supplement step that restarts the clock (the default)
/// starts a new budget: the way from it is checked on its own, from its `next`; one that only
/// resumes the clock is part of the same way.
///
/// Ways cannot be told apart by case (a guard on `dossier.case` is not followed), so every way is
/// compared with the longest processing time of the procedure and its cases: a designer is never
/// refused a valid workflow, at the price of missing a case-specific overrun.
fn deadlines(file: &ProcedureFile, ctx: &Context<'_>, report: &mut Report) {
    let wf = &file.workflow;
    let limit = std::iter::once(file.info.time)
        .chain(file.info.cases.iter().filter_map(|c| c.time))
        .map(|t| (t.working_hours(ctx.day_hours), t))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((limit_hours, limit)) = limit else {
        return;
    };
    let hours = |s: &Step| {
        s.deadline
            .as_ref()
            .map_or(0.0, |d| d.working_hours(ctx.day_hours))
    };

    for (k, s) in &wf.steps {
        if let Some(d) = &s.deadline
            && hours(s) > limit_hours
        {
            report.at_value(
                d,
                format!(
                    "the step `{k}` may take {}, more than the whole procedure's {limit}",
                    d.value
                ),
                None,
            );
        }
    }

    let restarts = |s: &Step| s.kind == StepKind::Supplement && s.restart_clock != Some(false);
    // Longest path on the graph without back edges, by depth-first search with memoisation.
    fn longest<'w>(
        wf: &'w Workflow,
        key: &'w str,
        on_path: &mut Vec<&'w str>,
        memo: &mut std::collections::HashMap<&'w str, (f64, Vec<&'w str>)>,
        hours: &dyn Fn(&Step) -> f64,
        restarts: &dyn Fn(&Step) -> bool,
    ) -> (f64, Vec<&'w str>) {
        if let Some(found) = memo.get(key) {
            return found.clone();
        }
        let Some(step) = wf.steps.get(key) else {
            return (0.0, Vec::new());
        };
        on_path.push(key);
        let mut best = (0.0, Vec::new());
        if !restarts(step) {
            for next in successors(wf, step) {
                if on_path.contains(&next) {
                    continue;
                }
                let candidate = longest(wf, next, on_path, memo, hours, restarts);
                if candidate.0 > best.0 {
                    best = candidate;
                }
            }
        }
        on_path.pop();
        let mut path = vec![key];
        path.extend(best.1);
        let result = (hours(step) + best.0, path);
        memo.insert(key, result.clone());
        result
    }
    // From the start, and afresh from wherever a supplement restarts the clock.
    let mut origins = vec![&wf.start];
    origins.extend(
        wf.steps
            .values()
            .filter(|s| restarts(s))
            .filter_map(|s| s.next.as_ref()),
    );
    let mut reported = BTreeSet::new();
    for origin in origins {
        let mut memo = std::collections::HashMap::new();
        let (total, path) = longest(
            wf,
            origin.as_str(),
            &mut Vec::new(),
            &mut memo,
            &hours,
            &restarts,
        );
        if total > limit_hours + 1e-9 && reported.insert(path.clone()) {
            report.at_value(
                origin,
                format!(
                    "the step deadlines add up to {total:.1} working hours along {}, more than the procedure's {limit} ({limit_hours:.1} hours)",
                    path.join(" → ")
                ),
                Some("shorten the step deadlines or correct the processing time in `info.time`".to_owned()),
            );
        }
    }
}
