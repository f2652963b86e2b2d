//! What each node shows: its shape by kind, the lines of text inside, and the size the layout
//! must leave for it ([`draw`] draws it).
//!
//! Rules: a card's size is decided here, from its text, before layout; drawing never grows it.
//! Lines under the name wrap once rather than widen a card past its maximum.
//! Shapes follow BPMN habits designers know (rounded task, diamond gateway with `+` or `×`,
//! double-bordered end); icons are drawn with paths rather than taken from fonts, which may
//! lack them.

mod draw;

use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;

use super::graph::Graph;
use super::text::{self, META_PX, NAME_PX, SMALL_PX};
use crate::schema::{Step, StepKind};

const MIN_W: f64 = 120.0;
const MAX_W: f64 = 290.0;
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 9.0;
/// Room for an icon drawn before a line's text.
const ICON: f64 = 15.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Task,
    Auto,
    Supplement,
    /// A diamond; `true` for parallel and join (`+`), `false` for a decision (`×`).
    Gateway(bool),
    /// `true` when the dossier ends with its result returned (drawn green), else grey.
    End(bool),
    Missing,
}

/// How a line of text looks, and the icon before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    Name,
    Meta,
    Timer,
    Plugin,
    Pause,
    Note,
    Alert,
}

impl Look {
    fn height(self) -> f64 {
        if self == Look::Name { 16.0 } else { 15.0 }
    }

    fn px(self) -> f64 {
        match self {
            Look::Name => NAME_PX,
            Look::Meta | Look::Alert => META_PX,
            _ => SMALL_PX,
        }
    }

    fn icon(self) -> f64 {
        if matches!(self, Look::Timer | Look::Plugin | Look::Pause) {
            ICON
        } else {
            0.0
        }
    }

    fn attributes(self) -> &'static str {
        match self {
            Look::Name => r##"font-size="13" font-weight="bold" fill="#1a202c""##,
            Look::Meta => r##"font-size="12" fill="#4a5568""##,
            Look::Timer => r##"font-size="11" fill="#8a5a00""##,
            Look::Plugin => r##"font-size="11" fill="#553c9a""##,
            Look::Pause => r##"font-size="11" fill="#9c4221""##,
            Look::Note => r##"font-size="11" font-style="italic" fill="#718096""##,
            Look::Alert => r##"font-size="12" font-weight="bold" fill="#c53030""##,
        }
    }
}

/// A line of text in a card; `icon` is false on the second line of a wrapped one.
#[derive(Debug)]
struct Line {
    look: Look,
    text: String,
    icon: bool,
}

impl Line {
    fn width(&self) -> f64 {
        text::width(&self.text, self.look.px()) + self.icon()
    }

    fn icon(&self) -> f64 {
        if self.icon { self.look.icon() } else { 0.0 }
    }
}

/// One node's drawing, sized.
#[derive(Debug)]
pub(super) struct Card {
    pub(super) shape: Shape,
    lines: Vec<Line>,
    pub(super) w: f64,
    pub(super) h: f64,
    kind: &'static str,
    dashed: bool,
}

impl Card {
    pub(super) fn new(graph: &Graph<'_>, node: usize, reachable: bool, lang: Lang) -> Self {
        let key = graph.nodes[node].key;
        let Some(step) = graph.nodes[node].step else {
            let alert = format!("{}: {key}", lang.pick("thiếu", "missing"));
            return Self::sized(Shape::Missing, vec![(Look::Alert, alert)], "missing", true);
        };
        let (shape, kind) = match step.kind {
            StepKind::Human => (Shape::Task, "human"),
            StepKind::Auto => (Shape::Auto, "auto"),
            StepKind::Supplement => (Shape::Supplement, "supplement"),
            StepKind::Parallel => (Shape::Gateway(true), "parallel"),
            StepKind::Join => (Shape::Gateway(true), "join"),
            StepKind::Decision => (Shape::Gateway(false), "decision"),
            StepKind::End => (
                Shape::End(step.outcome.as_deref() == Some(&DossierStatus::Returned)),
                "end",
            ),
        };
        let gateway = matches!(shape, Shape::Gateway(_));
        let name = step.name.get(lang);
        let mut lines: Vec<(Look, String)> = text::wrap(name, if gateway { 22 } else { 30 }, 2)
            .into_iter()
            .map(|l| (Look::Name, l))
            .collect();
        lines.extend(details(graph, node, step, lang));
        if !reachable {
            lines.push((
                Look::Note,
                lang.pick("không đến được", "unreachable").into(),
            ));
        }
        Self::sized(shape, lines, kind, !reachable)
    }

    fn sized(shape: Shape, lines: Vec<(Look, String)>, kind: &'static str, dashed: bool) -> Self {
        let mut wrapped = Vec::with_capacity(lines.len());
        for (look, line) in lines {
            let room = MAX_W - 2.0 * PAD_X - look.icon();
            let max = if look == Look::Name {
                usize::MAX
            } else {
                (room / look.px()) as usize
            };
            for (i, text) in text::wrap(&line, max, 2).into_iter().enumerate() {
                wrapped.push(Line {
                    look,
                    text,
                    icon: i == 0,
                });
            }
        }
        let lines = wrapped;
        let text_w = Line::width;
        let content_h: f64 = lines.iter().map(|l| l.look.height()).sum();
        let (w, h) = if let Shape::Gateway(_) = shape {
            // Text must fit inside the diamond at its own height: the diamond narrows away
            // from the middle, so lines far from it need a wider diamond.
            let h = content_h + 16.0 + 30.0;
            let mut top = -h / 2.0 + 22.0;
            let mut w: f64 = 100.0;
            for line in &lines {
                let edge = (top + line.look.height() / 2.0).abs() + line.look.height() / 2.0;
                let room = (1.0 - edge / (h / 2.0)).max(0.3);
                w = w.max((text_w(line) + 14.0) / room);
                top += line.look.height();
            }
            (w.min(MAX_W * 1.4), h)
        } else {
            let pad = if matches!(shape, Shape::End(_)) {
                2.0 * PAD_X
            } else {
                PAD_X
            };
            let widest = lines.iter().map(text_w).fold(0.0, f64::max);
            (
                (widest + 2.0 * pad).clamp(MIN_W, MAX_W),
                content_h + 2.0 * PAD_Y,
            )
        };
        Self {
            shape,
            lines,
            w: w.ceil(),
            h: h.ceil(),
            kind,
            dashed,
        }
    }
}

/// The lines under a step's name.
fn details(graph: &Graph<'_>, node: usize, step: &Step, lang: Lang) -> Vec<(Look, String)> {
    let mut lines = Vec::new();
    match step.kind {
        StepKind::Human => {
            let who: Vec<&str> = [
                step.division.as_ref().map(|d| d.as_str()),
                step.role.as_ref().map(|r| r.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !who.is_empty() {
                lines.push((Look::Meta, who.join(" · ")));
            }
        }
        StepKind::Auto => {
            let plugin = step
                .plugin
                .as_ref()
                .map_or_else(|| "plugin ?".to_owned(), |p| p.to_string());
            lines.push((Look::Plugin, plugin));
        }
        StepKind::Supplement => {
            lines.push((
                Look::Pause,
                lang.pick("tạm dừng tính giờ", "clock paused").into(),
            ));
        }
        StepKind::Join => {
            let mode = step
                .wait_for
                .as_deref()
                .copied()
                .unwrap_or(crate::schema::JoinMode::All);
            let branches = graph.branches_into(node);
            let known = (branches > 0).then_some(branches);
            lines.push((Look::Meta, text::join_mode(mode, known, lang)));
        }
        StepKind::End => {
            if let Some(status) = step.outcome.as_deref() {
                let code = status.national_code();
                let line = lang.pick(
                    format!("{} (mã {code})", status.label(lang)),
                    format!("{} (code {code})", status.label(lang)),
                );
                lines.push((Look::Meta, line));
            }
        }
        StepKind::Parallel | StepKind::Decision => {}
    }
    if let Some(deadline) = step.deadline.as_deref() {
        lines.push((Look::Meta, text::deadline(*deadline, lang)));
    }
    lines.extend(
        step.timers
            .iter()
            .map(|t| (Look::Timer, text::timer(t, lang))),
    );
    lines
}
