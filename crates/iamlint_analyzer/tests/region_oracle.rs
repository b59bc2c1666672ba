//! Property test: the region search (is some ARN granted, not denied, not covered?) against
//! a brute-force enumeration of every word up to a bound, each pattern an anchored regex.
//!
//! Patterns are drawn over `a`, `b`, `:`, `*`, `?`, a policy variable `${v}` (its value may
//! hold `:`) and a placeholder `<R>` (its value is one ARN segment: no `:`). Words are drawn
//! over `a`, `b`, `:`, `c` (every character the patterns do not name behaves as `c`) and
//! the unknowns the patterns name, each an opaque symbol: the variable is written `\x01`
//! and the placeholder `\x02` in the oracle's text.
#![allow(clippy::unwrap_used)]

use iamlint_analyzer::glob::{
    compile as compile_text, word_text, Pattern, Query, ResSet, Search, VarTable,
};
use iamlint_policy::text::split_placeholders;
use iamlint_policy::Text;
use proptest::prelude::*;
use regex::Regex;

const VAR: char = '\u{1}';
const PLACEHOLDER: char = '\u{2}';
/// The longest word enumerated.
const MAX_LEN: usize = 4;

/// A pattern's tokens as written in the generated text.
fn tokens(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = p;
    while !rest.is_empty() {
        let len = if rest.starts_with("${v}") {
            4
        } else if rest.starts_with("<R>") {
            3
        } else {
            1
        };
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// AWS's `Resource` rules as an anchored regex over the oracle's text: `?` one character
/// other than `:` (never an unknown), `*` a run of characters other than `:` (which may
/// include the placeholder, whose value holds no `:`, but not the variable) unless it ends
/// a segment, then anything. `over`/`under` (for concrete matching): an unknown matches
/// any run of characters, or nothing.
fn regex(p: &str, unknowns: Unknowns) -> Regex {
    let toks = tokens(p);
    let mut re = String::from("(?s)^");
    for (i, t) in toks.iter().enumerate() {
        match *t {
            "*" if matches!(toks.get(i + 1), None | Some(&":")) => re.push_str(".*"),
            "*" => re.push_str("[^:\\x01]*"),
            "?" => re.push_str("[^:\\x01\\x02]"),
            "${v}" | "<R>" => match unknowns {
                Unknowns::Symbols => re.push(if *t == "<R>" { PLACEHOLDER } else { VAR }),
                Unknowns::MatchAll => re.push_str(".*"),
                Unknowns::MatchNothing => re.push_str("[^\\s\\S]"),
            },
            c => re.push_str(&regex::escape(c)),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

#[derive(Clone, Copy)]
enum Unknowns {
    Symbols,
    MatchAll,
    MatchNothing,
}

fn pattern() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "b", ":", ":", "*", "*", "?", "${v}", "<R>"]),
        1..6,
    )
    .prop_map(|v| v.concat())
}

fn res_set() -> impl Strategy<Value = (bool, Vec<String>)> {
    (
        prop::bool::weighted(0.2),
        prop::collection::vec(pattern(), 1..3),
    )
}

#[derive(Clone, Debug)]
struct Region {
    grant: Vec<(bool, Vec<String>)>,
    minus: Vec<(bool, Vec<String>)>,
    cover: Vec<(bool, Vec<String>)>,
    cover_minus: Vec<(bool, Vec<String>)>,
}

fn region() -> impl Strategy<Value = Region> {
    (
        prop::collection::vec(res_set(), 1..3),
        prop::collection::vec(res_set(), 0..2),
        prop::collection::vec(res_set(), 0..3),
        prop::collection::vec(res_set(), 0..2),
    )
        .prop_map(|(grant, minus, cover, cover_minus)| Region {
            grant,
            minus,
            cover,
            cover_minus,
        })
}

fn compile(s: &str, vars: &mut VarTable) -> Pattern {
    let mut parts = Vec::new();
    split_placeholders(s, &Default::default(), &mut parts);
    let text = Text {
        parts: parts.into(),
        span: Default::default(),
        path: String::new(),
    };
    compile_text(&text, vars)
}

fn query(r: &Region, vars: &mut VarTable) -> Query {
    let mut q = Query::default();
    let mut sets = |list: &[(bool, Vec<String>)], q: &mut Query| -> Vec<ResSet> {
        list.iter()
            .map(|(negated, ps)| ResSet {
                negated: *negated,
                patterns: ps.iter().map(|p| q.add(compile(p, vars))).collect(),
            })
            .collect()
    };
    q.grant = sets(&r.grant, &mut q);
    q.minus = sets(&r.minus, &mut q);
    q.cover = sets(&r.cover, &mut q);
    q.cover_minus = sets(&r.cover_minus, &mut q);
    q
}

/// The region with every pattern compiled to its regex, and the membership test.
struct Oracle {
    grant: Vec<(bool, Vec<Regex>)>,
    minus: Vec<(bool, Vec<Regex>)>,
    cover: Vec<(bool, Vec<Regex>)>,
    cover_minus: Vec<(bool, Vec<Regex>)>,
}

impl Oracle {
    fn new(r: &Region) -> Oracle {
        let sets = |v: &[(bool, Vec<String>)]| {
            v.iter()
                .map(|(negated, ps)| {
                    let res = ps.iter().map(|p| regex(p, Unknowns::Symbols)).collect();
                    (*negated, res)
                })
                .collect()
        };
        Oracle {
            grant: sets(&r.grant),
            minus: sets(&r.minus),
            cover: sets(&r.cover),
            cover_minus: sets(&r.cover_minus),
        }
    }

    /// Whether the oracle's word is in the region.
    fn contains(&self, word: &str) -> bool {
        let set = |(negated, res): &(bool, Vec<Regex>)| {
            res.iter().any(|re| re.is_match(word)) != *negated
        };
        let any = |v: &[(bool, Vec<Regex>)]| v.iter().any(set);
        self.grant.iter().all(set)
            && !any(&self.minus)
            && (!any(&self.cover) || any(&self.cover_minus))
    }
}

/// Every non-empty word up to `MAX_LEN` symbols, shortest first.
fn words() -> Vec<String> {
    let alphabet = ['a', 'b', ':', 'c', VAR, PLACEHOLDER];
    let mut out = Vec::new();
    let mut layer = vec![String::new()];
    for _ in 0..MAX_LEN {
        let mut next = Vec::new();
        for w in &layer {
            for c in alphabet {
                next.push(format!("{w}{c}"));
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

thread_local! {
    static WORDS: Vec<String> = words();
}

/// A found word in the oracle's text (the search writes unknowns in their display form and
/// reads a character no pattern names as itself).
fn oracle_text(word: &str) -> String {
    word.replace("${v}", &VAR.to_string())
        .replace("<R>", &PLACEHOLDER.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The search finds a word exactly when the enumeration does, the word it finds is in
    /// the region, and it is a shortest one.
    #[test]
    fn search_agrees_with_enumeration(r in region()) {
        let mut vars = VarTable::default();
        let q = query(&r, &mut vars);
        let result = q.search(&vars);
        let oracle = Oracle::new(&r);
        // The search's words hold only the unknowns its patterns name (an unknown no
        // pattern names is no value of the resource space asked about).
        let named = |u: &str| {
            [&r.grant, &r.minus, &r.cover, &r.cover_minus]
                .iter()
                .any(|sets| sets.iter().any(|(_, ps)| ps.iter().any(|p| p.contains(u))))
        };
        let (var, placeholder) = (named("${v}"), named("<R>"));
        let allowed = |w: &str| {
            (var || !w.contains(VAR)) && (placeholder || !w.contains(PLACEHOLDER))
        };
        let shortest = WORDS.with(|words| {
            words.iter().find(|w| allowed(w) && oracle.contains(w)).cloned()
        });
        match (&result, &shortest) {
            (Search::Found(w), _) => {
                let text = oracle_text(&word_text(w, &vars));
                prop_assert!(oracle.contains(&text), "found {:?}, not in the region: {:?}", text, r);
                if let Some(s) = &shortest {
                    prop_assert_eq!(text.chars().count(), s.chars().count(), "not a shortest word: {:?}", r);
                }
            }
            (Search::Empty, None) => {}
            (Search::Empty, Some(s)) => prop_assert!(false, "empty, but {:?} is in the region: {:?}", s, r),
            (Search::Unknown, _) => prop_assert!(false, "gave up on a small region: {:?}", r),
        }
    }

    /// Concrete matching, with unknowns matching any run of characters (over) or nothing
    /// (under), agrees with the regex.
    #[test]
    fn concrete_matching_agrees_with_a_regex(p in pattern(), s in "[ab:c]{0,6}") {
        let mut vars = VarTable::default();
        let compiled = compile(&p, &mut vars);
        prop_assert_eq!(compiled.matches(&s, true), regex(&p, Unknowns::MatchAll).is_match(&s));
        prop_assert_eq!(compiled.matches(&s, false), regex(&p, Unknowns::MatchNothing).is_match(&s));
    }
}
