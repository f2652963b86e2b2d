//! The workflow as a picture: a self-contained SVG that procedure designers read in the admin
//! UI and get from `motcua workflow diagram <file>`.
//!
//! Steps are laid out in layers from top to bottom, in the order a dossier takes them, by a
//! layered layout written here ([`layers`] ranks and orders, [`place`] positions and routes).
//! Each kind of step has its own shape ([`card`]); loops back (supplement loops, "send back"
//! actions) go around the side in another colour; timers show on their step, and a timer's
//! `goto` is a dotted edge.
//!
//! Rules it keeps:
//! - Any file is drawn, valid or not, and nothing panics: a reference to a missing step ends
//!   at a red "missing" node, unreachable steps are drawn dashed below the rest.
//! - The same workflow and language always give the same bytes, so diagrams can be
//!   snapshot-tested and cached by content hash.
//! - All text from the file is escaped; the document is valid XML whatever the names say.
//!
//! For the admin UI: each step is a `<g class="step <kind> k-<step key>">` and each edge a
//! `<g class="edge <look>">` (`flow`, `back`, `error`, `timer`, `missing`), with a `<title>`
//! tooltip, so a page can highlight the steps a dossier is in with one CSS rule.

mod card;
mod graph;
mod labels;
mod layers;
mod place;
mod render;
#[cfg(test)]
mod tests;
mod text;
#[cfg(test)]
mod wellformed;

use std::fmt;

use motcua_core::lang::Lang;

use crate::schema::{ProcedureFile, Workflow};

/// How far above the start node its marker (a filled circle and an arrow) begins.
const START_MARK: f64 = 34.0;

/// The diagram of `workflow`, as an SVG 1.1 document, with its texts in `lang`.
pub fn svg(workflow: &Workflow, lang: Lang) -> String {
    let title = lang.pick("Quy trình điện tử", "Workflow");
    draw(workflow, None, title, lang)
}

/// The diagram of a procedure's workflow, headed and titled with the procedure's name.
pub fn svg_for(file: &ProcedureFile, lang: Lang) -> String {
    let name = file.info.name.get(lang);
    let title = lang.pick(format!("Quy trình {name}"), format!("Workflow of {name}"));
    draw(&file.workflow, Some(name), &title, lang)
}

fn draw(workflow: &Workflow, heading: Option<&str>, title: &str, lang: Lang) -> String {
    let graph = graph::Graph::new(workflow, lang);
    let ranked = layers::rank(&graph);
    let cards: Vec<card::Card> = (0..graph.nodes.len())
        .map(|v| card::Card::new(&graph, v, ranked.reachable[v] || graph.is_missing(v), lang))
        .collect();
    let placed = place::place(&graph, &ranked, &cards);
    let description = describe(&graph, &ranked, title, workflow.steps.len(), lang);
    render::document(
        &graph,
        &ranked,
        &cards,
        &placed,
        heading,
        (title, &description),
        lang,
    )
}

/// The accessible description: what a screen reader says instead of the picture.
fn describe(
    graph: &graph::Graph<'_>,
    ranked: &layers::Ranked,
    title: &str,
    steps: usize,
    lang: Lang,
) -> String {
    let count = |n: usize, vi: &str, one: &str, many: &str| match lang {
        Lang::Vi => format!("{n} {vi}"),
        Lang::En => format!("{n} {}", if n == 1 { one } else { many }),
    };
    let mut out = format!(
        "{title}: {}, {}.",
        count(steps, "bước", "step", "steps"),
        count(
            graph.edges.len(),
            "chuyển tiếp",
            "transition",
            "transitions"
        )
    );
    let unreachable = (0..steps).filter(|v| !ranked.reachable[*v]).count();
    if unreachable > 0 {
        let what = count(unreachable, "bước", "step", "steps");
        out += &lang.pick(
            format!(" {what} không đến được từ bước đầu."),
            format!(" {what} cannot be reached from the start."),
        );
    }
    let missing: Vec<&str> = graph.nodes[steps..].iter().map(|n| n.key).collect();
    if !missing.is_empty() {
        let keys = missing.join(", ");
        out += &lang.pick(
            format!(" Tham chiếu tới bước không có: {keys}."),
            format!(" References to missing steps: {keys}."),
        );
    }
    out
}

/// A coordinate as written in the SVG: at most one decimal, no trailing `.0`.
#[derive(Clone, Copy, Debug)]
struct Px(f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        if tenths % 10 == 0 {
            write!(f, "{}", tenths / 10)
        } else {
            let sign = if tenths < 0 { "-" } else { "" };
            write!(f, "{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
        }
    }
}
