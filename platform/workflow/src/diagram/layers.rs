//! Which layer each node goes in and in what order, the first half of a layered (Sugiyama-style)
//! layout.
//!
//! Rules:
//! - A depth-first walk from the start, trying targets in file order, marks the edges that close a
//!   cycle (supplement loops, "send back" actions) as back edges; the rest form a DAG whose
//!   longest paths from the start give the layers, so the main path reads top to bottom.
//! - Steps the walk never reaches are laid out the same way among themselves, below everything
//!   reachable; edges from them into the reachable part are drawn like back edges.
//! - Forward edges that skip layers get a dummy node in each layer they cross, so the ordering
//!   and the edge routing see them; a few barycenter sweeps order each layer, keeping the order
//!   with the fewest crossings.
//! - Everything is iterative (no recursion) and in file order, so any size renders and the same
//!   file always gives the same picture.

use super::graph::Graph;

/// Layers and order. Layout nodes are the graph's nodes (same indexes) followed by dummies.
#[derive(Debug)]
pub(super) struct Ranked {
    /// Per layout node.
    pub(super) layer: Vec<usize>,
    /// Per graph node: reached from the start.
    pub(super) reachable: Vec<bool>,
    /// Per edge: drawn against the flow, around the side.
    pub(super) upward: Vec<bool>,
    /// Per edge: the layout nodes a forward edge passes, source first, target last; empty for
    /// upward edges and self-loops.
    pub(super) chains: Vec<Vec<usize>>,
    /// Per layer, its layout nodes from left to right.
    pub(super) order: Vec<Vec<usize>>,
    /// Per layout node, the neighbours in the layer above and below.
    pub(super) above: Vec<Vec<usize>>,
    pub(super) below: Vec<Vec<usize>>,
}

const SWEEPS: usize = 8;

pub(super) fn rank(graph: &Graph<'_>) -> Ranked {
    let n = graph.nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in graph.edges.iter().enumerate() {
        out[e.from].push(i);
    }

    // Depth-first walks: first from the start, then from every node still unseen. Targets are
    // tried in file order, which designers keep in the usual order of handling, so the edge that
    // closes a cycle is the one that goes back in the file: a return, not a skip ahead.
    let mut walk = out.clone();
    for edges in &mut walk {
        edges.sort_by_key(|e| graph.edges[*e].to);
    }
    let (mut state, mut seen_order) = (vec![0u8; n], Vec::with_capacity(n));
    let mut back = vec![false; graph.edges.len()];
    let mut reachable = vec![false; n];
    for root in std::iter::once(graph.start).chain(0..n) {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        seen_order.push(root);
        let mut stack = vec![(root, 0usize)];
        while let Some((v, next)) = stack.last_mut() {
            if let Some(&e) = walk[*v].get(*next) {
                *next += 1;
                let w = graph.edges[e].to;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        seen_order.push(w);
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[*v] = 2;
                stack.pop();
            }
        }
        if root == graph.start {
            reachable = state.iter().map(|s| *s != 0).collect();
        }
    }
    let upward: Vec<bool> = graph
        .edges
        .iter()
        .zip(&back)
        .map(|(e, b)| *b || reachable[e.from] != reachable[e.to])
        .collect();
    let forward = |i: usize| !upward[i] && graph.edges[i].from != graph.edges[i].to;

    // Longest path over forward edges, in topological order (Kahn).
    let mut indegree = vec![0usize; n];
    for (i, e) in graph.edges.iter().enumerate() {
        if forward(i) {
            indegree[e.to] += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|v| indegree[*v] == 0).collect();
    while let Some(v) = queue.pop_front() {
        for &e in &out[v] {
            if forward(e) {
                let w = graph.edges[e].to;
                layer[w] = layer[w].max(layer[v] + 1);
                indegree[w] -= 1;
                if indegree[w] == 0 {
                    queue.push_back(w);
                }
            }
        }
    }
    let below_reachable = (0..n)
        .filter(|v| reachable[*v])
        .map(|v| layer[v] + 1)
        .max()
        .unwrap_or(0);
    for v in (0..n).filter(|v| !reachable[*v]) {
        layer[v] += below_reachable;
    }

    // Dummy nodes along forward edges that skip layers.
    let mut chains = vec![Vec::new(); graph.edges.len()];
    for (i, e) in graph.edges.iter().enumerate() {
        if forward(i) {
            let mut chain = vec![e.from];
            for l in layer[e.from] + 1..layer[e.to] {
                chain.push(layer.len());
                layer.push(l);
            }
            chain.push(e.to);
            chains[i] = chain;
        }
    }
    let count = layer.len();
    let (mut above, mut below) = (vec![Vec::new(); count], vec![Vec::new(); count]);
    for chain in &chains {
        for pair in chain.windows(2) {
            below[pair[0]].push(pair[1]);
            above[pair[1]].push(pair[0]);
        }
    }

    let layers = layer.iter().max().map_or(0, |m| m + 1);
    let mut order = vec![Vec::new(); layers];
    for v in seen_order.into_iter().chain(n..count) {
        order[layer[v]].push(v);
    }
    let order = reduce_crossings(order, &above, &below, count);
    Ranked {
        layer,
        reachable,
        upward,
        chains,
        order,
        above,
        below,
    }
}

fn reduce_crossings(
    mut order: Vec<Vec<usize>>,
    above: &[Vec<usize>],
    below: &[Vec<usize>],
    count: usize,
) -> Vec<Vec<usize>> {
    let mut pos = vec![0usize; count];
    let index = |order: &[Vec<usize>], pos: &mut [usize]| {
        for layer in order {
            for (i, v) in layer.iter().enumerate() {
                pos[*v] = i;
            }
        }
    };
    index(&order, &mut pos);
    let mut best = (crossings(&order, below, &pos), order.clone());
    for sweep in 0..SWEEPS {
        let layers: Vec<usize> = if sweep % 2 == 0 {
            (1..order.len()).collect()
        } else {
            (0..order.len().saturating_sub(1)).rev().collect()
        };
        let neighbours = if sweep % 2 == 0 { above } else { below };
        for l in layers {
            let mut keyed: Vec<(f64, usize)> = order[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|u| pos[*u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            order[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, v) in order[l].iter().enumerate() {
                pos[*v] = i;
            }
        }
        let now = crossings(&order, below, &pos);
        if now < best.0 {
            best = (now, order.clone());
        }
    }
    best.1
}

/// Edge crossings between consecutive layers.
fn crossings(order: &[Vec<usize>], below: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for layer in order {
        let segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|v| below[*v].iter().map(move |w| (pos[*v], pos[*w])))
            .collect();
        for (i, a) in segments.iter().enumerate() {
            total += segments[i + 1..]
                .iter()
                .filter(|b| (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1))
                .count();
        }
    }
    total
}
