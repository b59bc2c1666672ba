//! Property test: `diff` against a brute-force IAM evaluator over a small universe.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use iamlint_analyzer::{diff_texts, Diff};
use iamlint_catalog::Catalog;
use iamlint_formats::LoadOptions;
use proptest::prelude::*;
use regex::Regex;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
];
const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "s3:*Object",
    "sqs:*",
    "s3:Get*",
    "*",
];

#[derive(Clone, Debug)]
struct St {
    allow: bool,
    not_action: bool,
    actions: Vec<&'static str>,
    not_resource: bool,
    resources: Vec<String>,
    /// (operator, value) on key `k`.
    cond: Option<(&'static str, &'static str)>,
}

fn resource_pattern() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", ":", "*", "?"]), 1..5)
        .prop_map(|v| v.concat())
}

fn statement() -> impl Strategy<Value = St> {
    (
        prop::bool::weighted(0.75),
        prop::bool::weighted(0.1),
        prop::collection::vec(prop::sample::select(ACTION_PATTERNS.to_vec()), 1..3),
        prop::bool::weighted(0.1),
        prop::collection::vec(resource_pattern(), 1..3),
        prop::option::weighted(
            0.3,
            (
                prop::sample::select(vec![
                    "StringEquals",
                    "StringLike",
                    "StringNotEquals",
                    "StringEqualsIfExists",
                ]),
                prop::sample::select(vec!["a", "b", "a*"]),
            ),
        ),
    )
        .prop_map(
            |(allow, not_action, actions, not_resource, resources, cond)| St {
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                cond,
            },
        )
}

fn to_json(sts: &[St]) -> String {
    let v: Vec<Value> = sts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut m = serde_json::Map::new();
            m.insert("Sid".into(), json!(format!("S{i}")));
            m.insert(
                "Effect".into(),
                json!(if s.allow { "Allow" } else { "Deny" }),
            );
            m.insert(
                if s.not_action { "NotAction" } else { "Action" }.into(),
                json!(s.actions),
            );
            m.insert(
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }
                .into(),
                json!(s.resources),
            );
            if let Some((op, v)) = s.cond {
                m.insert("Condition".into(), json!({op: {"k": v}}));
            }
            Value::Object(m)
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": v}).to_string()
}

/// AWS's `Resource` rules as an anchored regex: `?` one non-colon character, `*` a run of
/// non-colon characters unless it ends a segment, then anything.
fn resource_regex(p: &str) -> Regex {
    cached(&format!("r{p}"), || resource_regex_uncached(p))
}

fn cached(key: &str, make: impl FnOnce() -> Regex) -> Regex {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, Regex>> = Default::default();
    }
    CACHE.with(|c| {
        if let Some(r) = c.borrow().get(key) {
            return r.clone();
        }
        let r = make();
        c.borrow_mut().insert(key.to_string(), r.clone());
        r
    })
}

fn resource_regex_uncached(p: &str) -> Regex {
    let chars: Vec<char> = p.chars().collect();
    let mut re = String::from("^");
    for (i, c) in chars.iter().enumerate() {
        match c {
            '*' => {
                let ends = matches!(chars.get(i + 1), None | Some(':'));
                re.push_str(if ends { ".*" } else { "[^:]*" });
            }
            '?' => re.push_str("[^:]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

fn action_matches(p: &str, a: &str) -> bool {
    let re = format!(
        "(?i)^{}$",
        regex::escape(p).replace("\\*", ".*").replace("\\?", ".")
    );
    cached(&format!("a{p}"), || Regex::new(&re).unwrap()).is_match(a)
}

fn glob(p: &str, v: &str) -> bool {
    let re = format!(
        "^{}$",
        regex::escape(p).replace("\\*", ".*").replace("\\?", ".")
    );
    cached(&format!("g{p}"), || Regex::new(&re).unwrap()).is_match(v)
}

fn stmt_matches(s: &St, a: &str, r: &str, k: Option<&str>) -> bool {
    let named = s.actions.iter().any(|p| action_matches(p, a));
    if named == s.not_action {
        return false;
    }
    let named = s.resources.iter().any(|p| resource_regex(p).is_match(r));
    if named == s.not_resource {
        return false;
    }
    match s.cond {
        None => true,
        Some((op, v)) => match (op, k) {
            ("StringEquals", Some(k)) => k == v,
            ("StringLike", Some(k)) => glob(v, k),
            ("StringNotEquals", Some(k)) => k != v,
            ("StringNotEquals", None) => true,
            ("StringEqualsIfExists", Some(k)) => k == v,
            ("StringEqualsIfExists", None) => true,
            _ => false,
        },
    }
}

fn allows(p: &[St], a: &str, r: &str, k: Option<&str>) -> bool {
    p.iter().any(|s| s.allow && stmt_matches(s, a, r, k))
        && !p.iter().any(|s| !s.allow && stmt_matches(s, a, r, k))
}

fn resources() -> Vec<String> {
    let mut out = Vec::new();
    let mut layer = vec![String::new()];
    for _ in 0..3 {
        let mut next = Vec::new();
        for w in &layer {
            for c in ["a", "b", ":"] {
                next.push(format!("{w}{c}"));
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

fn run(p: &[St], r: &[St]) -> Diff {
    diff_texts(
        &iamlint_semantic::Semantic::new(&Catalog::embedded()),
        ("p.json", &to_json(p)),
        ("r.json", &to_json(r)),
        &LoadOptions::default(),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn diff_is_complete_and_witnesses_are_real(
        p in prop::collection::vec(statement(), 1..4),
        r in prop::collection::vec(statement(), 1..4),
    ) {
        let d = run(&p, &r);
        // every non-possible excess has a witness allowed by P and denied by R
        for e in d.excess.iter().filter(|e| !e.possible) {
            let w = e.witness.as_ref().expect("a certain excess has a witness");
            let k = w.context.get("k").and_then(|v| v.first()).map(String::as_str);
            prop_assert!(allows(&p, &w.action, &w.resource, k), "witness not allowed by P: {w:?}\n{}", d.to_json());
            prop_assert!(!allows(&r, &w.action, &w.resource, k), "witness allowed by R: {w:?}\n{}", d.to_json());
        }
        prop_assert_eq!(d.within_reference, d.excess.is_empty());
        // every request P allows and R denies is covered by an excess of a statement that
        // grants it
        let by_sid: BTreeMap<String, &St> = p.iter().enumerate().map(|(i, s)| (format!("S{i}"), s)).collect();
        for a in ACTIONS {
            for res in resources() {
                for k in [None, Some("a"), Some("b"), Some("ab")] {
                    if allows(&p, a, &res, k) && !allows(&r, a, &res, k) {
                        let covered = d.excess.iter().any(|e| {
                            e.actions.iter().any(|x| x == a)
                                && e.sid.as_ref().and_then(|s| by_sid.get(s)).is_some_and(|s| stmt_matches(s, a, &res, k))
                        });
                        prop_assert!(covered, "missed: {a} {res} {k:?}\nP={}\nR={}\n{}", to_json(&p), to_json(&r), d.to_json());
                    }
                }
            }
        }
    }
}
