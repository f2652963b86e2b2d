//! Where everything goes, the second half of the layout: node coordinates, edge routes and
//! label positions.
//!
//! Rules:
//! - Layers stack top to bottom; within a layer nodes keep the order [`super::layers`] chose.
//!   Sweeping down and up, each node is pulled towards the mean of its neighbours in the layer
//!   before, a step caring little for the dummies of long edges passing by. Overlaps are then
//!   removed by the weighted least-squares fit that keeps the order (pool-adjacent-violators),
//!   in which dummies give way more readily than steps, so long chains of steps stay straight
//!   instead of drifting sideways.
//! - Forward edges leave a node's bottom and enter the next one's top through their dummy
//!   nodes; edges against the flow go down into the gap, out to a lane beside the layers they
//!   span, up, and in from above, so they never cross a node. Lanes are shared only by edges
//!   whose spans do not overlap.
//! - Labels go along their edges ([`super::labels`]).

use super::card::{Card, Shape};
use super::graph::Graph;
use super::labels;
use super::layers::Ranked;

const GAP_X: f64 = 44.0;
const DUMMY_W: f64 = 8.0;
const DUMMY_GAP: f64 = 14.0;
const LAYER_GAP: f64 = 76.0;
/// Distance from the layers' extent to the first side lane, and between lanes.
const CHANNEL: f64 = 30.0;
const LANE: f64 = 14.0;
/// How far a self-loop reaches out of its node.
pub(super) const LOOP: f64 = 30.0;
const ROUNDS: usize = 6;
/// How much more a step resists being pushed aside than a dummy node: long edges make way.
const STIFF: f64 = 3.0;

pub(super) type Point = (f64, f64);

/// How an edge is drawn.
#[derive(Debug)]
pub(super) enum Route {
    /// Smooth, vertical at both ends and through each dummy's layer.
    Curve(Vec<Point>),
    /// Straight segments with rounded corners, around the side.
    Side(Vec<Point>),
    /// A loop out of the right side of the node at this point, back into it.
    Loop(Point),
}

#[derive(Debug)]
pub(super) struct Placed {
    /// Centres of layout nodes.
    pub(super) x: Vec<f64>,
    pub(super) y: Vec<f64>,
    pub(super) routes: Vec<Route>,
    /// Per edge with a label, the centre of its label.
    pub(super) labels: Vec<Option<Point>>,
    /// Where the start marker's arrow meets the start node.
    pub(super) start: Point,
    /// Left, top, right, bottom of everything drawn.
    pub(super) bounds: (f64, f64, f64, f64),
}

pub(super) fn place(graph: &Graph<'_>, ranked: &Ranked, cards: &[Card]) -> Placed {
    let n = cards.len();
    let count = ranked.layer.len();
    let half = |v: usize| {
        if v < n {
            cards[v].w / 2.0
        } else {
            DUMMY_W / 2.0
        }
    };
    let mut extra = vec![0.0; n];
    for e in graph.edges.iter().filter(|e| e.from == e.to) {
        let room = LOOP + 6.0 + labels::width(&e.label);
        extra[e.from] = f64::max(extra[e.from], room);
    }
    let right = |v: usize| half(v) + if v < n { extra[v] } else { 0.0 };
    let sep =
        |a: usize, b: usize| right(a) + half(b) + if a < n && b < n { GAP_X } else { DUMMY_GAP };

    let mut x = vec![0.0; count];
    for layer in &ranked.order {
        let mut at = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                at += sep(layer[i - 1], v);
            }
            x[v] = at;
        }
        layer.iter().for_each(|v| x[*v] -= at / 2.0);
    }
    // A step follows its steps more than the long edges passing by; a dummy has one neighbour
    // each way, so it simply follows its edge.
    let weight = |u: usize, v: usize| if v < n && u >= n { 0.25 } else { 1.0 };
    let layers = ranked.order.len();
    for _ in 0..ROUNDS {
        let down = (1..layers).map(|l| (l, &ranked.above));
        let up = (0..layers.saturating_sub(1))
            .rev()
            .map(|l| (l, &ranked.below));
        for (l, neighbours) in down.chain(up) {
            let layer = &ranked.order[l];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let total: f64 = ns.iter().map(|&u| weight(u, v)).sum();
                    if ns.is_empty() {
                        x[v]
                    } else {
                        ns.iter().map(|&u| weight(u, v) * x[u]).sum::<f64>() / total
                    }
                })
                .collect();
            let gaps: Vec<f64> = layer.windows(2).map(|p| sep(p[0], p[1])).collect();
            let stiff: Vec<f64> = layer
                .iter()
                .map(|v| if *v < n { STIFF } else { 1.0 })
                .collect();
            for (v, settled) in layer.iter().zip(settle(&desired, &gaps, &stiff)) {
                x[*v] = settled;
            }
        }
    }

    let mut band = Vec::with_capacity(layers);
    let mut top = 0.0;
    for layer in &ranked.order {
        let h = layer
            .iter()
            .filter(|v| **v < n)
            .map(|v| cards[*v].h)
            .fold(16.0, f64::max);
        band.push((top, top + h));
        top += h + LAYER_GAP;
    }
    let y: Vec<f64> = (0..count)
        .map(|v| {
            let (t, b) = band[ranked.layer[v]];
            (t + b) / 2.0
        })
        .collect();
    let bottom = |v: usize| y[v] + cards[v].h / 2.0;
    let top_of = |v: usize| y[v] - cards[v].h / 2.0;

    // Lanes for edges against the flow: shorter spans inside, on the nearer side.
    let mut channel = vec![(0.0, 0usize); graph.edges.len()];
    let mut upward: Vec<usize> = (0..graph.edges.len())
        .filter(|e| ranked.upward[*e] && graph.edges[*e].from != graph.edges[*e].to)
        .collect();
    let span = |e: usize| {
        let (a, b) = (
            ranked.layer[graph.edges[e].from],
            ranked.layer[graph.edges[e].to],
        );
        (a.min(b), a.max(b))
    };
    upward.sort_by_key(|e| (span(*e).1 - span(*e).0, *e));
    let mut lanes: [Vec<Vec<(usize, usize)>>; 2] = [Vec::new(), Vec::new()];
    for &e in &upward {
        let (lo, hi) = span(e);
        let nodes = ranked.order[lo..=hi].iter().flatten();
        let left = nodes
            .clone()
            .map(|v| x[*v] - half(*v))
            .fold(f64::INFINITY, f64::min);
        let rightmost = nodes
            .map(|v| x[*v] + right(*v))
            .fold(f64::NEG_INFINITY, f64::max);
        let mid = (x[graph.edges[e].from] + x[graph.edges[e].to]) / 2.0;
        let side = usize::from(rightmost - mid <= mid - left);
        let k = lanes[side]
            .iter()
            .position(|lane| lane.iter().all(|(a, b)| hi < *a || *b < lo))
            .unwrap_or(lanes[side].len());
        if k == lanes[side].len() {
            lanes[side].push(Vec::new());
        }
        lanes[side][k].push((lo, hi));
        let offset = CHANNEL + LANE * k as f64;
        let cx = if side == 1 {
            rightmost + offset
        } else {
            left - offset
        };
        channel[e] = (cx, k);
    }

    // Where each edge meets its nodes: spread along the bottom (edges leaving) and the top
    // (edges arriving), in the order of the directions they go, so that they neither overlap
    // nor cross at the node.
    let (mut outs, mut ins) = (vec![Vec::new(); n], vec![Vec::new(); n]);
    for (e, edge) in graph.edges.iter().enumerate() {
        let chain = &ranked.chains[e];
        if chain.len() >= 2 {
            outs[edge.from].push((x[chain[1]], e));
            ins[edge.to].push((x[chain[chain.len() - 2]], e));
        } else if edge.from != edge.to {
            outs[edge.from].push((channel[e].0, e));
            ins[edge.to].push((channel[e].0, e));
        }
    }
    // The start marker takes a place among the start node's incoming edges, after the edges.
    let marker = graph.edges.len();
    ins[graph.start].push((x[graph.start], marker));
    let mut exit = vec![0.0; marker + 1];
    let mut entry = vec![0.0; marker + 1];
    for (v, (outs, ins)) in outs.iter_mut().zip(&mut ins).enumerate() {
        for (list, at) in [(outs, &mut exit), (ins, &mut entry)] {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let k = list.len() as f64;
            let spacing = if matches!(cards[v].shape, Shape::Gateway(_)) || k < 2.0 {
                0.0
            } else {
                f64::min(18.0, (cards[v].w - 40.0).max(0.0) / (k - 1.0))
            };
            for (i, (_, e)) in list.iter().enumerate() {
                at[*e] = x[v] + (i as f64 - (k - 1.0) / 2.0) * spacing;
            }
        }
    }

    let routes: Vec<Route> = graph
        .edges
        .iter()
        .enumerate()
        .map(|(e, edge)| {
            let chain = &ranked.chains[e];
            if edge.from == edge.to {
                return Route::Loop((x[edge.from] + cards[edge.from].w / 2.0, y[edge.from]));
            }
            if chain.len() < 2 {
                let (cx, k) = channel[e];
                let stagger = 10.0 + 5.0 * (k % 3) as f64;
                let out_y = band[ranked.layer[edge.from]].1 + stagger;
                let in_y = band[ranked.layer[edge.to]].0 - stagger;
                return Route::Side(vec![
                    (exit[e], bottom(edge.from)),
                    (exit[e], out_y),
                    (cx, out_y),
                    (cx, in_y),
                    (entry[e], in_y),
                    (entry[e], top_of(edge.to)),
                ]);
            }
            let mut points = vec![(exit[e], bottom(edge.from))];
            for &d in &chain[1..chain.len() - 1] {
                let (t, b) = band[ranked.layer[d]];
                points.extend([(x[d], t), (x[d], b)]);
            }
            points.push((entry[e], top_of(edge.to)));
            Route::Curve(points)
        })
        .collect();

    let boxes: Vec<[f64; 4]> = (0..n)
        .map(|v| {
            [
                x[v] - cards[v].w / 2.0,
                top_of(v),
                x[v] + cards[v].w / 2.0,
                bottom(v),
            ]
        })
        .collect();
    let labels = labels::place(graph, &routes, &channel, boxes.clone());

    let mut bounds = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    let mut grow = |(px, py): Point| {
        bounds = (
            bounds.0.min(px),
            bounds.1.min(py),
            bounds.2.max(px),
            bounds.3.max(py),
        );
    };
    for b in &boxes {
        grow((b[0], b[1]));
        grow((b[2], b[3]));
    }
    for route in &routes {
        match route {
            Route::Curve(points) | Route::Side(points) => points.iter().for_each(|p| grow(*p)),
            Route::Loop((lx, ly)) => grow((lx + LOOP, *ly)),
        }
    }
    for (e, at) in labels.iter().enumerate() {
        if let Some((lx, ly)) = at {
            let w = labels::width(&graph.edges[e].label);
            grow((lx - w / 2.0, ly - labels::HEIGHT / 2.0));
            grow((lx + w / 2.0, ly + labels::HEIGHT / 2.0));
        }
    }
    let start = (entry[marker], top_of(graph.start));
    grow((start.0 - 8.0, start.1 - super::START_MARK));
    Placed {
        x,
        y,
        routes,
        labels,
        start,
        bounds,
    }
}

/// Positions closest (weighted least squares) to `desired` that keep the order and at least
/// `gaps` between neighbours: pool-adjacent-violators on the positions less the minimal offsets.
fn settle(desired: &[f64], gaps: &[f64], weights: &[f64]) -> Vec<f64> {
    let offsets: Vec<f64> = std::iter::once(0.0)
        .chain(gaps.iter().scan(0.0, |acc, g| {
            *acc += g;
            Some(*acc)
        }))
        .collect();
    // Blocks of (weighted sum of targets, total weight, number of nodes), each block's nodes
    // sharing one value.
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for ((d, o), w) in desired.iter().zip(&offsets).zip(weights) {
        blocks.push((w * (d - o), *w, 1));
        while let [.., a, b] = blocks.as_slice()
            && a.0 / a.1 > b.0 / b.1
        {
            let merged = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
            blocks.truncate(blocks.len() - 2);
            blocks.push(merged);
        }
    }
    let values = blocks
        .iter()
        .flat_map(|(sum, w, k)| std::iter::repeat_n(sum / w, *k));
    values.zip(&offsets).map(|(v, o)| v + o).collect()
}
