//! The workflow as a graph: one node per step, one per key that is referenced but names no
//! step, and one edge per way a dossier can move on.
//!
//! Rules: edges come from every field that holds a step reference, whatever the step's kind —
//! the diagram shows what the file says and leaves judging it to the validator. A parallel
//! step's `join` is not a move of the dossier (its branches reach the join), so it is drawn only
//! when it names no step, to show the dangling reference. Two edges of the same kind between the
//! same steps become one edge whose label lists both, so that one line never hides another.

use motcua_core::lang::Lang;

use super::text;
use crate::schema::{Step, StepKind, Workflow};

/// How an edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EdgeKind {
    /// An action, an outcome, a branch, a route or a `next`.
    Flow,
    /// A plugin's `on_error`.
    Error,
    /// A timer's `goto`.
    Timer,
}

/// One way on.
#[derive(Debug)]
pub(super) struct Edge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) kind: EdgeKind,
    /// What is written along the edge, already short.
    pub(super) label: String,
    /// The full story, shown as a tooltip.
    pub(super) detail: String,
}

/// A step, or a reference to a step that does not exist.
#[derive(Debug)]
pub(super) struct Node<'w> {
    pub(super) key: &'w str,
    /// `None` for a missing step.
    pub(super) step: Option<&'w Step>,
}

/// Nodes (the workflow's steps first, in file order, then missing ones) and edges.
#[derive(Debug)]
pub(super) struct Graph<'w> {
    pub(super) nodes: Vec<Node<'w>>,
    pub(super) edges: Vec<Edge>,
    pub(super) start: usize,
    workflow: &'w Workflow,
}

/// Longest text written along an edge; the tooltip has the rest.
const LABEL_CHARS: usize = 28;

impl<'w> Graph<'w> {
    pub(super) fn new(workflow: &'w Workflow, lang: Lang) -> Self {
        let nodes = workflow
            .steps
            .iter()
            .map(|(key, step)| Node {
                key: key.as_str(),
                step: Some(&**step),
            })
            .collect();
        let mut graph = Self {
            nodes,
            edges: Vec::new(),
            start: 0,
            workflow,
        };
        graph.start = graph.node(workflow.start.as_str());
        for (from, step) in workflow.steps.values().enumerate() {
            graph.step_edges(from, step, lang);
        }
        graph
    }

    /// The node of `key`, adding a missing one the first time an unknown key is met.
    fn node(&mut self, key: &'w str) -> usize {
        if let Some(i) = self.workflow.steps.get_index_of(key) {
            return i;
        }
        let missing = self.workflow.steps.len();
        if let Some(i) = self.nodes[missing..].iter().position(|n| n.key == key) {
            return missing + i;
        }
        self.nodes.push(Node { key, step: None });
        self.nodes.len() - 1
    }

    fn add(&mut self, from: usize, to: &'w str, kind: EdgeKind, label: &str, detail: String) {
        let to = self.node(to);
        let label = text::truncate(label, LABEL_CHARS);
        let same = |e: &&mut Edge| e.from == from && e.to == to && e.kind == kind;
        if let Some(edge) = self.edges.iter_mut().find(same) {
            if !label.is_empty() && edge.label != label {
                edge.label = if edge.label.is_empty() {
                    label
                } else {
                    text::truncate(&format!("{} / {label}", edge.label), LABEL_CHARS)
                };
            }
            edge.detail = format!("{}; {detail}", edge.detail);
            return;
        }
        self.edges.push(Edge {
            from,
            to,
            kind,
            label,
            detail,
        });
    }

    fn step_edges(&mut self, from: usize, step: &'w Step, lang: Lang) {
        let here = self.nodes[from].key;
        for (key, action) in &step.actions {
            let label = action.label.get(lang);
            let mut detail = format!("{here} · {key}: {label}");
            if let Some(guard) = &action.guard {
                detail.push_str(lang.pick(" — khi ", " — if "));
                detail.push_str(guard);
            }
            self.add(from, action.to.as_str(), EdgeKind::Flow, label, detail);
        }
        for (outcome, to) in &step.outcomes {
            let detail = format!("{here} · {}: {outcome}", lang.pick("kết quả", "outcome"));
            self.add(from, to.as_str(), EdgeKind::Flow, outcome.as_str(), detail);
        }
        if let Some(to) = &step.on_error {
            let label = lang.pick("khi lỗi", "on error");
            self.add(
                from,
                to.as_str(),
                EdgeKind::Error,
                label,
                format!("{here} · {label}"),
            );
        }
        for (i, to) in step.branches.iter().enumerate() {
            let detail = format!("{here} · {} {}", lang.pick("nhánh", "branch"), i + 1);
            self.add(from, to.as_str(), EdgeKind::Flow, "", detail);
        }
        if let Some(join) = &step.join
            && !self.workflow.steps.contains_key(join.as_str())
        {
            self.add(
                from,
                join.as_str(),
                EdgeKind::Flow,
                "join",
                format!("{here} · join"),
            );
        }
        for route in &step.routes {
            let detail = format!("{here} · {} {}", lang.pick("khi", "when"), *route.when);
            self.add(from, route.to.as_str(), EdgeKind::Flow, &route.when, detail);
        }
        if let Some(to) = &step.next {
            let label = match step.kind {
                StepKind::Decision => lang.pick("còn lại", "otherwise"),
                StepKind::Supplement => lang.pick("đã bổ sung", "supplemented"),
                _ => "",
            };
            self.add(
                from,
                to.as_str(),
                EdgeKind::Flow,
                label,
                format!("{here} · next"),
            );
        }
        for timer in &step.timers {
            if let Some(to) = &timer.goto {
                let when = text::timer_when(timer, lang);
                let detail = format!("{here} · {}", text::timer(timer, lang));
                self.add(from, to.as_str(), EdgeKind::Timer, &when, detail);
            }
        }
    }

    /// Whether `node` stands for a step the file does not have.
    pub(super) fn is_missing(&self, node: usize) -> bool {
        self.nodes[node].step.is_none()
    }

    /// How many branches a join node gathers: those of the parallel step that names it, else
    /// the edges that reach it.
    pub(super) fn branches_into(&self, join: usize) -> usize {
        let key = self.nodes[join].key;
        let declared = self.workflow.steps.values().find(|s| {
            s.kind == StepKind::Parallel && s.join.as_ref().is_some_and(|j| j.as_str() == key)
        });
        match declared {
            Some(parallel) => parallel.branches.len(),
            None => self.edges.iter().filter(|e| e.to == join).count(),
        }
    }
}
