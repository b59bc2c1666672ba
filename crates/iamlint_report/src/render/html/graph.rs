//! The privilege-escalation paths of one subject as an SVG graph: the subject on the
//! left, each action a node (shared by the paths that take it), each documented path a
//! node on the right; an edge for each step of a path.
//!
//! Layered layout: an action sits in the column of the furthest step it is in any path,
//! the paths in the last column; nodes keep the order in which the paths meet them.

use super::super::xml::{attr, text};
use crate::overview::Escalation;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Paths drawn per graph; the others are named under it.
const MAX_PATHS: usize = 24;
/// Characters of a node's label before it is cut (the full text is its tooltip).
const MAX_LABEL: usize = 44;
const NODE_H: usize = 26;
const ROW_GAP: usize = 12;
const COL_GAP: usize = 56;
const CHAR_W: usize = 8;
const PAD: usize = 12;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Subject,
    Action,
    Path,
}

struct Node {
    label: String,
    title: String,
    kind: Kind,
    layer: usize,
    /// Fill colour (paths: by category).
    fill: &'static str,
}

fn category_color(category: &str) -> &'static str {
    match category {
        "self-escalation" => "#ffd8d3",
        "principal-access" => "#ffe2b3",
        "new-passrole" => "#e8dcff",
        "existing-passrole" => "#d3e6ff",
        _ => "#eaeef2",
    }
}

fn cut(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL - 1).collect();
        s.push('…');
        s
    }
}

fn width(label: &str) -> usize {
    label.chars().count() * CHAR_W + 2 * PAD
}

/// The SVG of `e`; `index` makes its element ids unique in the page.
pub(super) fn svg(e: &Escalation, index: usize) -> String {
    let paths = &e.paths[..e.paths.len().min(MAX_PATHS)];
    let subject = e.subject.replace('`', "");
    let mut nodes: Vec<Node> = vec![Node {
        label: cut(&subject),
        title: subject.clone(),
        kind: Kind::Subject,
        layer: 0,
        fill: "#24292f",
    }];
    let mut action_node: BTreeMap<String, usize> = BTreeMap::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut path_nodes = Vec::new();
    for p in paths {
        let mut prev = 0;
        for (i, a) in p.actions.iter().enumerate() {
            let key = a.to_ascii_lowercase();
            let n = match action_node.get(&key) {
                Some(&n) => n,
                None => {
                    nodes.push(Node {
                        label: cut(a),
                        title: a.clone(),
                        kind: Kind::Action,
                        layer: 0,
                        fill: "#ffffff",
                    });
                    action_node.insert(key, nodes.len() - 1);
                    nodes.len() - 1
                }
            };
            nodes[n].layer = nodes[n].layer.max(i + 1);
            if !edges.contains(&(prev, n)) && prev != n {
                edges.push((prev, n));
            }
            prev = n;
        }
        let label = format!("{} ({})", p.id, p.category);
        nodes.push(Node {
            label: cut(&label),
            title: format!("{}: {}", p.id, p.description),
            kind: Kind::Path,
            layer: 0,
            fill: category_color(&p.category),
        });
        let pn = nodes.len() - 1;
        path_nodes.push(pn);
        edges.push((prev, pn));
    }
    let last = nodes
        .iter()
        .filter(|n| n.kind == Kind::Action)
        .map(|n| n.layer)
        .max()
        .unwrap_or(0)
        + 1;
    for &pn in &path_nodes {
        nodes[pn].layer = last;
    }
    // columns: x and width; rows: the order nodes were met
    let mut col_w = vec![0usize; last + 1];
    let mut rows = vec![0usize; last + 1];
    let mut pos: Vec<(usize, usize)> = Vec::with_capacity(nodes.len());
    for n in &nodes {
        col_w[n.layer] = col_w[n.layer].max(width(&n.label));
        pos.push((n.layer, rows[n.layer]));
        rows[n.layer] += 1;
    }
    let mut col_x = vec![PAD; last + 1];
    for l in 1..=last {
        col_x[l] = col_x[l - 1] + col_w[l - 1] + COL_GAP;
    }
    let max_rows = rows.iter().copied().max().unwrap_or(1);
    let total_w = col_x[last] + col_w[last] + PAD;
    let total_h = max_rows * (NODE_H + ROW_GAP) + 2 * PAD;
    // a column with fewer nodes is centred vertically
    let y_of = |layer: usize, row: usize| {
        let used = rows[layer] * (NODE_H + ROW_GAP);
        PAD + (max_rows * (NODE_H + ROW_GAP) - used) / 2 + row * (NODE_H + ROW_GAP)
    };
    let mut out = String::new();
    let marker = format!("arrow-{index}");
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"escalation\" width=\"{total_w}\" height=\"{total_h}\" viewBox=\"0 0 {total_w} {total_h}\" role=\"img\" aria-label=\"{}\">",
        attr(&format!("privilege-escalation paths of {subject}"))
    );
    let _ = writeln!(
        out,
        "<defs><marker id=\"{marker}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#59636e\"/></marker></defs>"
    );
    for &(a, b) in &edges {
        let (la, ra) = pos[a];
        let (lb, rb) = pos[b];
        let x1 = col_x[la] + width(&nodes[a].label);
        let y1 = y_of(la, ra) + NODE_H / 2;
        let x2 = col_x[lb];
        let y2 = y_of(lb, rb) + NODE_H / 2;
        let d = if lb > la {
            let bend = (x2.saturating_sub(x1)) / 2;
            format!(
                "M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}",
                x1 + bend,
                x2.saturating_sub(bend)
            )
        } else {
            // a step back to an earlier column: looped over the top
            let top = y1.min(y2).saturating_sub(NODE_H);
            format!(
                "M{x1},{y1} C{},{top} {},{top} {x2},{y2}",
                x1 + COL_GAP,
                x2.saturating_sub(COL_GAP)
            )
        };
        let _ = writeln!(
            out,
            "<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"#59636e\" stroke-width=\"1.5\" marker-end=\"url(#{marker})\"/>"
        );
    }
    for (n, &(l, r)) in nodes.iter().zip(&pos) {
        let x = col_x[l];
        let y = y_of(l, r);
        let w = width(&n.label);
        let (class, color, stroke) = match n.kind {
            Kind::Subject => ("node subject", "#ffffff", "#24292f"),
            Kind::Action => ("node action", "#1f2328", "#59636e"),
            Kind::Path => ("node path", "#1f2328", "#59636e"),
        };
        let _ = writeln!(
            out,
            "<g class=\"{class}\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{NODE_H}\" rx=\"6\" fill=\"{}\" stroke=\"{stroke}\"/><text x=\"{}\" y=\"{}\" fill=\"{color}\">{}</text></g>",
            text(&n.title),
            n.fill,
            x + PAD,
            y + NODE_H / 2 + 4,
            text(&n.label)
        );
    }
    out.push_str("</svg>\n");
    if e.paths.len() > MAX_PATHS {
        let rest: Vec<&str> = e.paths[MAX_PATHS..].iter().map(|p| p.id.as_str()).collect();
        let _ = writeln!(
            out,
            "<p class=\"muted\">Also granted: {}</p>",
            text(&rest.join(", "))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overview::EscalationPath;

    fn path(id: &str, category: &str, actions: &[&str]) -> EscalationPath {
        EscalationPath {
            id: id.to_owned(),
            category: category.to_owned(),
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            description: format!("what {id} does"),
        }
    }

    #[test]
    fn shared_actions_are_one_node_and_every_step_an_edge() {
        let e = Escalation {
            file: "t.yaml".into(),
            subject: "role `App`".into(),
            paths: vec![
                path(
                    "lambda-001",
                    "new-passrole",
                    &[
                        "iam:PassRole",
                        "lambda:CreateFunction",
                        "lambda:InvokeFunction",
                    ],
                ),
                path(
                    "ec2-001",
                    "new-passrole",
                    &["iam:PassRole", "ec2:RunInstances"],
                ),
                path("iam-005", "self-escalation", &["iam:PutRolePolicy"]),
            ],
        };
        let s = svg(&e, 3);
        assert_eq!(s.matches("class=\"node subject\"").count(), 1);
        // iam:PassRole once, 4 other actions
        assert_eq!(s.matches("class=\"node action\"").count(), 5);
        assert_eq!(s.matches("class=\"node path\"").count(), 3);
        // subject→PassRole, PassRole→CreateFunction, CreateFunction→Invoke, Invoke→lambda-001,
        // PassRole→RunInstances, RunInstances→ec2-001, subject→PutRolePolicy, →iam-005
        assert_eq!(s.matches("class=\"edge\"").count(), 8);
        assert!(s.contains("url(#arrow-3)"));
        assert!(s.contains("<title>role App</title>"));
        assert!(s.contains("lambda-001 (new-passrole)"));
    }

    #[test]
    fn labels_are_escaped_and_cut() {
        let long = format!("svc:{}", "A".repeat(80));
        let e = Escalation {
            file: "x".into(),
            subject: "<b>&".into(),
            paths: vec![path("p", "odd", &[long.as_str()])],
        };
        let s = svg(&e, 0);
        assert!(s.contains("&lt;b&gt;&amp;"));
        assert!(!s.contains("<b>"));
        assert!(s.contains('…'));
        assert!(s.contains(&format!("<title>{long}</title>")));
    }
}
