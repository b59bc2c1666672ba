//! `covers` / `overlaps` / `intersection_example` against brute force.
//!
//! Patterns are drawn over the alphabet {a, b, :, *, ?}; strings over
//! {a, b, :, c}, where `c` stands for every character the patterns do not name
//! (two such characters behave the same in both patterns).
//!
//! Why enumerating strings up to a bound is a proof here:
//! - overlaps: a shortest string matched by both patterns is a path in the
//!   product of the two position automata in which every step advances at least
//!   one of the two positions (a step that advances neither repeats a pair of
//!   positions and can be cut), so its length is at most `|p| + |q|` tokens;
//! - covers: take a shortest counterexample (matched by `q`, not by `p`) and the
//!   run of `q` over it. While `q` stays on one of its `*`, the word read must not
//!   revisit a state of `p`'s subset automaton (else the loop can be cut and the
//!   rest of the word still is a counterexample). So each `*` of `q` reads fewer
//!   than `S` characters, `S` being the number of reachable subset states of `p`
//!   (computed below by a naive simulation), and the counterexample has at most
//!   `nonstar(q) + stars(q) * (S - 1)` characters (+1 when the strings must be
//!   non-empty). Cases whose bound exceeds the enumerated length are discarded.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::collections::HashSet;

use iamlint_matcher::{ActionPattern, ArnPattern};
use proptest::prelude::*;
use regex::Regex;

const LETTERS: [char; 4] = ['a', 'b', ':', 'c'];

/// A naive token of the oracle, from AWS's rules.
#[derive(Clone, Copy, PartialEq, Debug)]
enum T {
    Lit(char),
    One,
    StarSeg,
    StarAll,
}

fn arn_tokens(p: &str) -> Vec<T> {
    let cs: Vec<char> = p.chars().collect();
    cs.iter()
        .enumerate()
        .map(|(i, c)| match c {
            '*' if matches!(cs.get(i + 1), None | Some(':')) => T::StarAll,
            '*' => T::StarSeg,
            '?' => T::One,
            c => T::Lit(*c),
        })
        .collect()
}

fn arn_regex(p: &str) -> Regex {
    let mut re = String::from("^");
    for t in arn_tokens(p) {
        match t {
            T::Lit(c) => re.push_str(&regex::escape(&c.to_string())),
            T::One => re.push_str("[^:]"),
            T::StarSeg => re.push_str("[^:]*"),
            T::StarAll => re.push_str(".*"),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

/// The epsilon-closed set of positions after reading `s`, naively.
fn closure(toks: &[T], mut set: Vec<bool>) -> Vec<bool> {
    for i in 0..toks.len() {
        if set[i] && matches!(toks[i], T::StarSeg | T::StarAll) {
            set[i + 1] = true;
        }
    }
    set
}

fn step(toks: &[T], set: &[bool], c: char) -> Vec<bool> {
    let mut out = vec![false; toks.len() + 1];
    for (i, t) in toks.iter().enumerate() {
        if !set[i] {
            continue;
        }
        match t {
            T::Lit(l) if *l == c => out[i + 1] = true,
            T::One if c != ':' => out[i + 1] = true,
            T::StarSeg if c != ':' => out[i] = true,
            T::StarAll => out[i] = true,
            _ => {}
        }
    }
    closure(toks, out)
}

/// Number of reachable subset states of `toks` over `letters`.
fn subset_states(toks: &[T], letters: &[char]) -> usize {
    let mut start = vec![false; toks.len() + 1];
    start[0] = true;
    let start = closure(toks, start);
    let mut seen = HashSet::from([start.clone()]);
    let mut todo = vec![start];
    while let Some(s) = todo.pop() {
        for &c in letters {
            let n = step(toks, &s, c);
            if seen.insert(n.clone()) {
                todo.push(n);
            }
        }
    }
    seen.len()
}

fn covers_bound(p: &[T], q: &[T], letters: &[char]) -> usize {
    let stars = q
        .iter()
        .filter(|t| matches!(t, T::StarSeg | T::StarAll))
        .count();
    (q.len() - stars) + stars * (subset_states(p, letters) - 1)
}

fn strings(letters: &[char], max: usize, min: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..max {
        let mut next = Vec::new();
        for s in &layer {
            for c in letters {
                next.push(format!("{s}{c}"));
            }
        }
        all.extend(next.iter().cloned());
        layer = next;
    }
    all.retain(|s| s.chars().count() >= min);
    all
}

const ARN_MAX: usize = 8;

fn arn_strings() -> &'static [String] {
    static S: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    S.get_or_init(|| strings(&LETTERS, ARN_MAX, 0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arn_covers_is_exact(p in "[ab:*?]{1,4}", q in "[ab:*?]{1,4}") {
        let bound = covers_bound(&arn_tokens(&p), &arn_tokens(&q), &LETTERS);
        prop_assume!(bound <= ARN_MAX);
        let (pr, qr) = (arn_regex(&p), arn_regex(&q));
        let brute = arn_strings().iter().all(|s| !qr.is_match(s) || pr.is_match(s));
        let (pp, qp) = (ArnPattern::parse(&p).unwrap(), ArnPattern::parse(&q).unwrap());
        prop_assert_eq!(pp.covers(&qp), brute, "covers({}, {})", p, q);
    }

    /// What indexes of patterns rely on: a pattern covers another only if its literal
    /// head begins the other's (checked with variables too).
    #[test]
    fn arn_covers_needs_the_literal_head(p in "[ab:*?]{0,5}(\\$\\{aws:username\\})?[ab*]{0,2}", q in "[ab:*?]{0,5}(\\$\\{aws:username\\})?[ab*]{0,2}") {
        let (Ok(pp), Ok(qp)) = (ArnPattern::parse(&p), ArnPattern::parse(&q)) else {
            return Ok(());
        };
        if pp.covers(&qp) {
            let (ph, qh): (String, String) = (pp.literal_head().collect(), qp.literal_head().collect());
            prop_assert!(qh.starts_with(&ph), "covers({}, {}) with heads {:?}, {:?}", p, q, ph, qh);
        }
    }

    #[test]
    fn arn_overlaps_is_exact(p in "[ab:*?]{1,4}", q in "[ab:*?]{1,4}") {
        // |p| + |q| <= 8 = ARN_MAX: the enumeration is a proof.
        let (pr, qr) = (arn_regex(&p), arn_regex(&q));
        let brute = arn_strings().iter().find(|s| qr.is_match(s) && pr.is_match(s));
        let (pp, qp) = (ArnPattern::parse(&p).unwrap(), ArnPattern::parse(&q).unwrap());
        let ex = pp.intersection_example(&qp);
        prop_assert_eq!(pp.overlaps(&qp), brute.is_some());
        if let (Some(ex), Some(shortest)) = (&ex, brute) {
            prop_assert!(pr.is_match(ex) && qr.is_match(ex), "{} not in both", ex);
            prop_assert_eq!(ex.chars().count(), shortest.chars().count());
        }
        prop_assert_eq!(ex.is_some(), brute.is_some());
    }

    #[test]
    fn arn_matches_oracle_with_escapes_and_variables(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just("a"), Just("b"), Just(":"), Just("/"), Just("*"), Just("?"),
                Just("${*}"), Just("${?}"), Just("${$}"), Just("${aws:username}"),
                Just("${s3:prefix, 'd'}"),
            ],
            1..6,
        ),
        s in "[ab:/*?$dc]{0,8}",
        resolve in any::<bool>(),
    ) {
        let p: String = pieces.concat();
        // Oracle: apply AWS's rules piece by piece.
        let mut re = String::from("^");
        for (i, piece) in pieces.iter().enumerate() {
            let ends_segment = pieces.get(i + 1).is_none_or(|n| *n == ":");
            re.push_str(&match *piece {
                "*" if ends_segment => ".*".to_owned(),
                "*" => "[^:]*".to_owned(),
                "?" => "[^:]".to_owned(),
                "${*}" => regex::escape("*"),
                "${?}" => regex::escape("?"),
                "${$}" => regex::escape("$"),
                "${aws:username}" if resolve => "ab".to_owned(),
                "${aws:username}" => "(?:NEVER)[^\\x00-\\x{10FFFF}]".to_owned(),
                "${s3:prefix, 'd'}" => if resolve { "b:".to_owned() } else { "d".to_owned() },
                lit => regex::escape(lit),
            });
        }
        re.push('$');
        let oracle = Regex::new(&re).unwrap();
        let vars = |k: &str| match k {
            "aws:username" if resolve => Some("ab".to_owned()),
            "s3:prefix" if resolve => Some("b:".to_owned()),
            _ => None,
        };
        let pp = ArnPattern::parse(&p).unwrap();
        prop_assert_eq!(pp.matches(&s, &vars), oracle.is_match(&s), "{} on {} ({})", p, s, re);
        // a pattern covers itself, variables included, with or without the textual
        // shortcut (a copy built with a different raw text takes the automata)
        prop_assert!(pp.covers(&pp));
        let spaced = ArnPattern::parse(&p.replace("${aws:username}", "${ aws:username }")).unwrap();
        prop_assert!(spaced.covers(&pp) && pp.covers(&spaced), "{}", p);
    }

    #[test]
    fn arn_matches_oracle(p in "[ab:*?/]{1,6}", s in "[ab:/c]{0,8}") {
        let pp = ArnPattern::parse(&p).unwrap();
        prop_assert_eq!(pp.matches_literal(&s), arn_regex(&p).is_match(&s));
    }
}

// ---- action patterns: `service:action`, case-insensitive, parts never empty ----

const PART_LETTERS: [char; 3] = ['a', 'b', 'c'];
const PART_MAX: usize = 5;

fn part_tokens(p: &str) -> Vec<T> {
    p.chars()
        .map(|c| match c {
            '*' => T::StarSeg,
            '?' => T::One,
            c => T::Lit(c.to_ascii_lowercase()),
        })
        .collect()
}

fn action_regex(p: &str) -> Regex {
    if p == "*" {
        return Regex::new("(?is)^.*$").unwrap();
    }
    let mut re = String::from("(?i)^");
    for c in p.chars() {
        match c {
            '*' => re.push_str("[^:]*"),
            '?' => re.push_str("[^:]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

fn action_strings() -> &'static [String] {
    static S: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let parts = strings(&PART_LETTERS, PART_MAX, 1);
        let mut out = Vec::new();
        for s in &parts {
            for a in &parts {
                out.push(format!("{s}:{a}"));
            }
        }
        out
    })
}

fn action_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("*".to_owned()),
        8 => ("[aAb*?]{1,3}", "[aAb*?]{1,3}").prop_map(|(s, a)| format!("{s}:{a}")),
    ]
}

fn parts(p: &str) -> (String, String) {
    match p.split_once(':') {
        Some((s, a)) => (s.to_owned(), a.to_owned()),
        None => ("*".to_owned(), "*".to_owned()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn action_covers_is_exact(p in action_pattern(), q in action_pattern()) {
        let ((ps, pa), (qs, qa)) = (parts(&p), parts(&q));
        let bound = [(ps, qs), (pa, qa)]
            .iter()
            .map(|(x, y)| covers_bound(&part_tokens(x), &part_tokens(y), &PART_LETTERS) + 1)
            .max()
            .unwrap_or(0);
        prop_assume!(bound <= PART_MAX);
        let (pr, qr) = (action_regex(&p), action_regex(&q));
        let brute = action_strings().iter().all(|s| !qr.is_match(s) || pr.is_match(s));
        let (pp, qp) = (ActionPattern::parse(&p).unwrap(), ActionPattern::parse(&q).unwrap());
        prop_assert_eq!(pp.covers(&qp), brute, "covers({}, {})", p, q);
    }

    #[test]
    fn action_overlaps_is_exact(p in action_pattern(), q in action_pattern()) {
        // Per part, a shortest common non-empty string has at most
        // max(1, |p part| + |q part|) characters (see the module docs): keep that
        // within the enumerated length.
        let ((ps, pa), (qs, qa)) = (parts(&p), parts(&q));
        prop_assume!(ps.len() + qs.len() <= PART_MAX && pa.len() + qa.len() <= PART_MAX);
        let (pr, qr) = (action_regex(&p), action_regex(&q));
        let brute = action_strings().iter().any(|s| qr.is_match(s) && pr.is_match(s));
        let (pp, qp) = (ActionPattern::parse(&p).unwrap(), ActionPattern::parse(&q).unwrap());
        prop_assert_eq!(pp.overlaps(&qp), brute);
        if let Some(ex) = pp.intersection_example(&qp) {
            prop_assert!(pr.is_match(&ex) && qr.is_match(&ex), "{} not in both", ex);
        }
    }
}
