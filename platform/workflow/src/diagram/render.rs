//! Writing the laid-out diagram as one SVG 1.1 document.
//!
//! Rules: the document stands alone (no external fonts, styles or images) and uses presentation
//! attributes, not a stylesheet, so that it looks the same as a file, in an `<img>` and inlined
//! in the admin UI without its rules leaking into the page. Ids are prefixed with a hash of the
//! content, so two different diagrams on one page never share arrowheads or titles. Nothing
//! depends on hashing order or the clock: the same input gives the same bytes.

use std::fmt::Write as _;

use motcua_core::lang::Lang;

use super::card::Card;
use super::graph::{EdgeKind, Graph};
use super::labels;
use super::layers::Ranked;
use super::place::{self, Placed, Point, Route};
use super::{Px, START_MARK, text};

const MARGIN: f64 = 20.0;
const HEADING: f64 = 34.0;
const LEGEND: f64 = 34.0;
const CORNER: f64 = 8.0;

/// How an edge looks: colour, dash pattern, and the arrowhead (named after the look).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    Flow,
    Back,
    Error,
    Timer,
    Missing,
}

impl Look {
    const ALL: [Look; 5] = [
        Look::Flow,
        Look::Back,
        Look::Error,
        Look::Timer,
        Look::Missing,
    ];

    fn name(self) -> &'static str {
        match self {
            Look::Flow => "flow",
            Look::Back => "back",
            Look::Error => "error",
            Look::Timer => "timer",
            Look::Missing => "missing",
        }
    }

    fn color(self) -> &'static str {
        match self {
            Look::Flow => "#4a5568",
            Look::Back => "#2b6cb0",
            Look::Error => "#c05621",
            Look::Timer => "#b7791f",
            Look::Missing => "#c53030",
        }
    }

    fn dash(self) -> &'static str {
        match self {
            Look::Flow | Look::Back => "",
            Look::Error => r#" stroke-dasharray="7 4""#,
            Look::Timer => r#" stroke-dasharray="2 3""#,
            Look::Missing => r#" stroke-dasharray="4 3""#,
        }
    }

    fn meaning(self, lang: Lang) -> &'static str {
        match self {
            Look::Flow => lang.pick("chuyển tiếp", "flow"),
            Look::Back => lang.pick("quay lại", "back"),
            Look::Error => lang.pick("khi lỗi", "on error"),
            Look::Timer => lang.pick("hẹn giờ", "timer"),
            Look::Missing => lang.pick("bước không có", "missing step"),
        }
    }
}

/// The whole document. `title` and `description` are the accessible name and description;
/// `heading` is written at the top when given.
pub(super) fn document(
    graph: &Graph<'_>,
    ranked: &Ranked,
    cards: &[Card],
    placed: &Placed,
    heading: Option<&str>,
    (title, description): (&str, &str),
    lang: Lang,
) -> String {
    let looks: Vec<Look> = graph
        .edges
        .iter()
        .enumerate()
        .map(|(e, edge)| match edge.kind {
            _ if graph.is_missing(edge.to) => Look::Missing,
            EdgeKind::Error => Look::Error,
            EdgeKind::Timer => Look::Timer,
            EdgeKind::Flow if ranked.upward[e] || edge.from == edge.to => Look::Back,
            EdgeKind::Flow => Look::Flow,
        })
        .collect();
    let id = format!("wf{:08x}", fingerprint(graph, title, lang));
    let (left, top, right, bottom) = placed.bounds;
    let head = if heading.is_some() { HEADING } else { 0.0 };
    let heading_w = heading.map_or(0.0, |h| text::width(h, 8.6));
    let shown: Vec<Look> = Look::ALL
        .into_iter()
        .filter(|look| *look == Look::Flow || looks.contains(look))
        .collect();
    let legend_w: f64 = shown.iter().map(|look| legend_item(*look, lang)).sum();
    let width = (right - left).max(heading_w).max(legend_w) + 2.0 * MARGIN;
    let height = bottom - top + 2.0 * MARGIN + head + LEGEND;

    let mut out = String::with_capacity(4096 + 1500 * cards.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" xml:lang="{lang}" font-family="'Noto Sans', 'DejaVu Sans', 'Segoe UI', Arial, sans-serif" font-size="12">"#,
        w = Px(width.ceil()),
        h = Px(height.ceil()),
        lang = lang.tag(),
    );
    let _ = write!(
        out,
        "\n<title id=\"{id}-title\">{}</title>",
        text::escape(title)
    );
    let _ = write!(
        out,
        "\n<desc id=\"{id}-desc\">{}</desc>\n<defs>",
        text::escape(description)
    );
    for look in Look::ALL {
        let _ = write!(
            out,
            r#"<marker id="{id}-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="{}"/></marker>"#,
            look.name(),
            look.color()
        );
    }
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    if let Some(heading) = heading {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="15" font-weight="bold" fill="#1a202c">{}</text>"##,
            Px(MARGIN),
            Px(MARGIN + 14.0),
            text::escape(heading)
        );
        out.push('\n');
    }
    let _ = writeln!(
        out,
        r#"<g transform="translate({} {})">"#,
        Px(MARGIN - left),
        Px(MARGIN + head - top)
    );

    for (e, edge) in graph.edges.iter().enumerate() {
        let look = looks[e];
        let _ = write!(out, "<g class=\"edge {}\"><title>", look.name());
        text::push_escaped(&mut out, &edge.detail);
        let _ = writeln!(
            out,
            r#"</title><path d="{}" fill="none" stroke="{}" stroke-width="1.5"{} marker-end="url(#{id}-{})"/></g>"#,
            path(&placed.routes[e]),
            look.color(),
            look.dash(),
            look.name()
        );
    }
    let start_x = placed.start.0;
    let start_y = placed.start.1;
    let _ = writeln!(
        out,
        r##"<g class="start"><circle cx="{x}" cy="{}" r="7" fill="#2d3748"/><path d="M{x} {}V{}" stroke="#2d3748" stroke-width="1.5" marker-end="url(#{id}-flow)"/></g>"##,
        Px(start_y - START_MARK + 7.0),
        Px(start_y - START_MARK + 14.0),
        Px(start_y),
        x = Px(start_x),
    );
    for (v, card) in cards.iter().enumerate() {
        card.draw(&mut out, graph.nodes[v].key, placed.x[v], placed.y[v]);
        out.push('\n');
    }
    for (e, at) in placed.labels.iter().enumerate() {
        if let Some((x, y)) = at {
            let label = &graph.edges[e].label;
            let w = labels::width(label);
            let _ = writeln!(
                out,
                r##"<g class="label"><rect x="{}" y="{}" width="{}" height="15" rx="3" fill="#ffffff" fill-opacity="0.92"/><text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text></g>"##,
                Px(x - w / 2.0),
                Px(y - 7.5),
                Px(w),
                Px(*x),
                Px(y + 4.0),
                looks[e].color(),
                text::escape(label)
            );
        }
    }
    out.push_str("</g>\n");
    legend(&mut out, &shown, &id, height - LEGEND + 8.0, lang);
    out.push_str("</svg>\n");
    out
}

/// The room one legend entry takes: a line sample, its meaning and a gap.
fn legend_item(look: Look, lang: Lang) -> f64 {
    44.0 + text::width(look.meaning(lang), text::SMALL_PX)
}

/// A row explaining the kinds of line in this diagram.
fn legend(out: &mut String, shown: &[Look], id: &str, y: f64, lang: Lang) {
    out.push_str("<g class=\"legend\" font-size=\"11\" fill=\"#4a5568\">");
    let mut x = MARGIN;
    for &look in shown {
        let _ = write!(
            out,
            r#"<path d="M{} {y}h26" stroke="{}" stroke-width="1.5"{} marker-end="url(#{id}-{})"/><text x="{}" y="{}">{}</text>"#,
            Px(x),
            look.color(),
            look.dash(),
            look.name(),
            Px(x + 32.0),
            Px(y + 4.0),
            look.meaning(lang),
            y = Px(y),
        );
        x += legend_item(look, lang);
    }
    out.push_str("</g>\n");
}

/// The `d` of an edge's path.
fn path(route: &Route) -> String {
    let mut d = String::new();
    match route {
        Route::Curve(points) => {
            let _ = write!(d, "M{} {}", Px(points[0].0), Px(points[0].1));
            for pair in points.windows(2) {
                let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
                if (ax - bx).abs() < 0.05 {
                    let _ = write!(d, "V{}", Px(by));
                } else {
                    let mid = Px((ay + by) / 2.0);
                    let _ = write!(
                        d,
                        "C{} {mid} {} {mid} {} {}",
                        Px(ax),
                        Px(bx),
                        Px(bx),
                        Px(by)
                    );
                }
            }
        }
        Route::Side(points) => rounded(&mut d, points),
        Route::Loop((x, y)) => {
            let reach = place::LOOP * 1.3;
            let _ = write!(
                d,
                "M{} {}C{} {} {} {} {} {}",
                Px(*x),
                Px(y - 8.0),
                Px(x + reach),
                Px(y - 28.0),
                Px(x + reach),
                Px(y + 28.0),
                Px(x + 2.0),
                Px(y + 8.0)
            );
        }
    }
    d
}

/// A polyline whose corners are rounded.
fn rounded(d: &mut String, points: &[Point]) {
    let _ = write!(d, "M{} {}", Px(points[0].0), Px(points[0].1));
    for i in 1..points.len() {
        let (p, q) = (points[i - 1], points[i]);
        let Some(&r) = points.get(i + 1) else {
            let _ = write!(d, "L{} {}", Px(q.0), Px(q.1));
            break;
        };
        let (into, out) = (dist(p, q), dist(q, r));
        let radius = CORNER.min(into / 2.0).min(out / 2.0);
        if radius < 0.5 {
            let _ = write!(d, "L{} {}", Px(q.0), Px(q.1));
            continue;
        }
        let before = (
            q.0 + (p.0 - q.0) * radius / into,
            q.1 + (p.1 - q.1) * radius / into,
        );
        let after = (
            q.0 + (r.0 - q.0) * radius / out,
            q.1 + (r.1 - q.1) * radius / out,
        );
        let _ = write!(
            d,
            "L{} {}Q{} {} {} {}",
            Px(before.0),
            Px(before.1),
            Px(q.0),
            Px(q.1),
            Px(after.0),
            Px(after.1)
        );
    }
}

fn dist(a: Point, b: Point) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// FNV-1a over what the diagram shows: stable across runs and platforms.
fn fingerprint(graph: &Graph<'_>, title: &str, lang: Lang) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut feed = |s: &str| {
        for b in s.bytes().chain([0]) {
            hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    };
    feed(title);
    feed(lang.tag());
    for node in &graph.nodes {
        feed(node.key);
    }
    for edge in &graph.edges {
        feed(&format!("{}>{}:{}", edge.from, edge.to, edge.label));
    }
    hash
}
