//! The containment tables of `docs/matcher.md` are checked here, so the
//! documentation cannot drift from the engine.

use iamlint_matcher::{ActionPattern, ArnPattern};

const DOC: &str = include_str!("../../../docs/matcher.md");

/// Rows `| `p` | `q` | yes/no |` of the table under `heading`.
fn rows(heading: &str) -> Vec<(String, String, bool)> {
    let section = DOC
        .split("\n### ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading}"));
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 3, "bad row {l}");
            let unquote = |s: &str| s.trim_matches('`').to_owned();
            let want = match cells[2] {
                "yes" => true,
                "no" => false,
                other => panic!("bad answer {other}"),
            };
            (unquote(cells[0]), unquote(cells[1]), want)
        })
        .collect()
}

#[test]
fn action_table() {
    let rows = rows("Action containment");
    assert!(rows.len() >= 8);
    for (p, q, want) in rows {
        let (pp, qp) = (
            ActionPattern::parse(&p).unwrap(),
            ActionPattern::parse(&q).unwrap(),
        );
        assert_eq!(pp.covers(&qp), want, "covers({p}, {q})");
    }
}

#[test]
fn resource_table() {
    let rows = rows("Resource containment");
    assert!(rows.len() >= 8);
    for (p, q, want) in rows {
        let (pp, qp) = (
            ArnPattern::parse(&p).unwrap(),
            ArnPattern::parse(&q).unwrap(),
        );
        assert_eq!(pp.covers(&qp), want, "covers({p}, {q})");
    }
}
