//! Where edge labels go: the first of a few spots along the edge that overlaps no node and no
//! label placed before it, or the middle spot when none is free.
//!
//! Rules: labels are placed in edge order, so the result does not depend on anything but the
//! layout; a label on an edge running around the side sits outside its lane, away from nodes.

use super::graph::Graph;
use super::place::{Point, Route};
use super::text::{self, SMALL_PX};

/// The height of a label box.
pub(super) const HEIGHT: f64 = 15.0;

/// The width of an edge's label box.
pub(super) fn width(label: &str) -> f64 {
    text::width(label, SMALL_PX) + 8.0
}

pub(super) fn place(
    graph: &Graph<'_>,
    routes: &[Route],
    channel: &[(f64, usize)],
    mut taken: Vec<[f64; 4]>,
) -> Vec<Option<Point>> {
    let mut labels = Vec::with_capacity(routes.len());
    for (e, route) in routes.iter().enumerate() {
        let label = &graph.edges[e].label;
        if label.is_empty() {
            labels.push(None);
            continue;
        }
        let w = width(label);
        let spots: Vec<Point> = match route {
            Route::Curve(p) => {
                let (a, b) = (p[0], p[1]);
                let mid = (a.1 + b.1) / 2.0;
                [0.5, 0.35, 0.65, 0.22, 0.78]
                    .iter()
                    .map(|t| cubic(a, (a.0, mid), (b.0, mid), b, *t))
                    .collect()
            }
            Route::Side(p) => {
                let (cx, from, to) = (channel[e].0, p[2].1, p[3].1);
                let outward = if cx >= p[0].0 {
                    w / 2.0 + 4.0
                } else {
                    -w / 2.0 - 4.0
                };
                [0.5, 0.3, 0.7, 0.15, 0.85]
                    .iter()
                    .map(|f| (cx + outward, from + (to - from) * f))
                    .collect()
            }
            Route::Loop((lx, ly)) => vec![(lx + super::place::LOOP + 4.0 + w / 2.0, *ly)],
        };
        let boxed = |(sx, sy): Point| {
            [
                sx - w / 2.0,
                sy - HEIGHT / 2.0,
                sx + w / 2.0,
                sy + HEIGHT / 2.0,
            ]
        };
        let free = |b: &[f64; 4]| {
            taken
                .iter()
                .all(|t| b[2] <= t[0] || t[2] <= b[0] || b[3] <= t[1] || t[3] <= b[1])
        };
        let spot = spots
            .iter()
            .copied()
            .find(|s| free(&boxed(*s)))
            .unwrap_or(spots[0]);
        taken.push(boxed(spot));
        labels.push(Some(spot));
    }
    labels
}

fn cubic(a: Point, b: Point, c: Point, d: Point, t: f64) -> Point {
    let s = 1.0 - t;
    let (k0, k1, k2, k3) = (s * s * s, 3.0 * s * s * t, 3.0 * s * t * t, t * t * t);
    (
        k0 * a.0 + k1 * b.0 + k2 * c.0 + k3 * d.0,
        k0 * a.1 + k1 * b.1 + k2 * c.1 + k3 * d.1,
    )
}
