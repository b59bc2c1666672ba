//! Regions of the resource space: is there an ARN in a boolean combination of pattern
//! languages (granted by a statement, not denied, not allowed by a reference)? The search
//! the least-privilege analyzer asks for its witnesses, run by the engine of every other
//! pattern ([`crate::glob::Nfa`]).
//!
//! The matching rules are the `Resource` rules of [`crate::ArnPattern`]: `?` is one
//! character and `*` any run of characters, neither across `:`, except that a `*` that
//! ends a segment (followed by `:` or at the end) also matches across colons; matching is
//! case-sensitive; `${*}`, `${?}`, `${$}` are literal characters.
//!
//! Unknown values (policy variables `${aws:username}`, `<REGION>` placeholders,
//! CloudFormation references) are *opaque symbols*: one symbol per name, the same name
//! meaning the same value everywhere. A symbol is matched by the same symbol, by a
//! segment-ending `*`, and, when its value cannot hold `:` (placeholders), by an
//! in-segment `*`. The search is over words of concrete characters and these symbols, so
//! "empty" is exact for every value of the unknowns, and a word found without symbols is a
//! concrete ARN.

use std::collections::{HashMap, VecDeque};

use crate::glob::{self, Nfa, Sym, Tok, ONE, STAR, STAR_X};

/// The search's visited states: short keys hashed many times, so foldhash (seeded per
/// process, as std's SipHash is, and several times faster on these keys).
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Interned unknowns: name → id, and whether the value may hold `:`.
#[derive(Clone, Debug, Default)]
pub struct VarTable {
    ids: HashMap<String, u32>,
    /// Per id: (display form, may hold `:`).
    info: Vec<(String, bool)>,
}

impl VarTable {
    /// The id of the unknown named `key` (interned on first use with its display form and
    /// whether its value may hold `:`).
    pub fn intern(&mut self, key: String, display: String, may_colon: bool) -> u32 {
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = u32::try_from(self.info.len()).unwrap_or(u32::MAX);
        self.ids.insert(key, id);
        self.info.push((display, may_colon));
        id
    }

    /// How many unknowns are interned.
    pub fn len(&self) -> usize {
        self.info.len()
    }

    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    pub fn display(&self, id: u32) -> &str {
        self.info
            .get(id as usize)
            .map(|(d, _)| d.as_str())
            .unwrap_or("<unknown>")
    }

    pub fn may_colon(&self, id: u32) -> bool {
        self.info.get(id as usize).is_none_or(|(_, c)| *c)
    }

    /// The engine's symbol for the unknown `id`.
    fn symbol(&self, id: u32) -> Sym {
        Sym::Var {
            id,
            colon: self.may_colon(id),
        }
    }
}

/// One piece of a pattern's text, for [`Pattern::from_pieces`].
#[derive(Clone, Debug)]
pub enum Piece<'a> {
    /// Text as written in a `Resource` value: wildcards, `${...}` variables.
    Text(&'a str),
    /// An unknown value (a placeholder, a CloudFormation reference), interned as
    /// [`VarTable::intern`] does.
    Unknown {
        key: String,
        display: String,
        may_colon: bool,
    },
}

/// A compiled resource pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    toks: Vec<Tok>,
    /// As written (unknowns in their display form).
    pub text: String,
}

impl Pattern {
    /// Compile the pieces of a `Resource` value written `text`; its unknowns and the
    /// `${...}` variables of its text pieces are interned in `vars`, in order.
    pub fn from_pieces<'a>(
        pieces: impl IntoIterator<Item = Piece<'a>>,
        text: String,
        vars: &mut VarTable,
    ) -> Pattern {
        let mut toks = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(s) => lex_literal(s, vars, &mut toks),
                Piece::Unknown {
                    key,
                    display,
                    may_colon,
                } => toks.push(Tok::Var(vars.intern(key, display, may_colon))),
            }
        }
        // A `*` followed by `:` or at the end crosses colons.
        for i in 0..toks.len() {
            let ends_segment = matches!(toks.get(i + 1), None | Some(Tok::Lit(':')));
            if let Some(t) = toks.get_mut(i) {
                if ends_segment && *t == STAR {
                    *t = STAR_X;
                }
            }
        }
        Pattern { toks, text }
    }

    /// Compile a plain string (tests, synthesized patterns).
    pub fn from_str(s: &str, vars: &mut VarTable) -> Pattern {
        Pattern::from_pieces([Piece::Text(s)], s.to_string(), vars)
    }

    /// Whether the two compile to the same tokens (the same pattern, whatever the
    /// spelling of its unknowns).
    pub fn same_tokens(&self, other: &Pattern) -> bool {
        self.toks == other.toks
    }

    /// Whether the pattern holds unknowns.
    pub fn has_vars(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Var(_)))
    }

    /// Match a concrete string. `vars_match_all`: an unknown matches any run of characters
    /// (over-approximation); otherwise it matches nothing (under-approximation).
    pub fn matches(&self, s: &str, vars_match_all: bool) -> bool {
        if vars_match_all {
            Nfa::new(&glob::vars_as_wildcards(&self.toks)).is_match(s)
        } else {
            Nfa::new(&self.toks).is_match(s)
        }
    }
}

fn lex_literal(s: &str, vars: &mut VarTable, out: &mut Vec<Tok>) {
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(close) = after.find('}') {
                let body = after.get(..close).unwrap_or("");
                match body {
                    "*" => out.push(Tok::Lit('*')),
                    "?" => out.push(Tok::Lit('?')),
                    "$" => out.push(Tok::Lit('$')),
                    _ => {
                        let key = body.trim().to_ascii_lowercase();
                        out.push(Tok::Var(vars.intern(
                            format!("var:{key}"),
                            format!("${{{}}}", body.trim()),
                            true,
                        )));
                    }
                }
                rest = after.get(close + 1..).unwrap_or("");
                continue;
            }
        }
        out.push(match c {
            '*' => STAR,
            '?' => ONE,
            c => Tok::Lit(c),
        });
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
}

/// A set of resources: the ARNs some pattern of the list matches, or (`negated`, for
/// `NotResource`) the ARNs none matches. Patterns are indices into a [`Query`]'s list.
#[derive(Clone, Debug)]
pub struct ResSet {
    pub negated: bool,
    pub patterns: Vec<usize>,
}

/// The region asked about:
/// `grant ∧ within ∧ ¬(∨ minus) ∧ ¬((∨ cover) ∧ cover_within ∧ ¬(∨ cover_minus))`,
/// where `within` and `cover_within` (a permissions boundary of the policy and of the
/// reference: some of its sets) hold when absent.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub patterns: Vec<Pattern>,
    pub grant: Vec<ResSet>,
    /// The policy's boundary: the resource is in one of these sets.
    pub within: Option<Vec<ResSet>>,
    pub minus: Vec<ResSet>,
    pub cover: Vec<ResSet>,
    /// The reference's boundary: the reference covers only inside one of these sets.
    pub cover_within: Option<Vec<ResSet>>,
    pub cover_minus: Vec<ResSet>,
}

/// A word of the search: characters and unknowns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word(Vec<Sym>);

impl Word {
    /// The word as text: unknowns in their display form.
    pub fn text(&self, vars: &VarTable) -> String {
        let mut s = String::new();
        for sym in &self.0 {
            match *sym {
                Sym::Ch(c) => s.push(c),
                Sym::Var { id, .. } => s.push_str(vars.display(id)),
                Sym::Other => s.push('x'),
            }
        }
        s
    }

    /// Whether the word is concrete (no unknowns).
    pub fn is_concrete(&self) -> bool {
        self.0.iter().all(|s| !matches!(s, Sym::Var { .. }))
    }
}

/// A word as text: unknowns in their display form.
pub fn word_text(word: &Word, vars: &VarTable) -> String {
    word.text(vars)
}

/// Whether the word is concrete (no unknowns).
pub fn word_is_concrete(word: &Word) -> bool {
    word.is_concrete()
}

/// The answer of [`Query::search`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// No ARN in the region, for every value of the unknowns.
    Empty,
    /// A shortest word in the region.
    Found(Word),
    /// The search gave up (too many states): treat as possibly non-empty.
    Unknown,
}

/// Three-valued truth for pruning.
#[derive(Clone, Copy, PartialEq, Eq)]
enum T3 {
    F,
    T,
    U,
}

fn or3(a: T3, b: T3) -> T3 {
    match (a, b) {
        (T3::T, _) | (_, T3::T) => T3::T,
        (T3::F, T3::F) => T3::F,
        _ => T3::U,
    }
}

fn and3(a: T3, b: T3) -> T3 {
    match (a, b) {
        (T3::F, _) | (_, T3::F) => T3::F,
        (T3::T, T3::T) => T3::T,
        _ => T3::U,
    }
}

fn not3(a: T3) -> T3 {
    match a {
        T3::T => T3::F,
        T3::F => T3::T,
        T3::U => T3::U,
    }
}

/// A node of the search: its state, and the node and symbol it was reached from.
type Node = (Box<[u64]>, Option<(usize, Sym)>);

/// States explored before giving up.
const STATE_LIMIT: usize = 200_000;

/// Where a pattern is at: (can still accept some extension, accepts now, accepts every
/// extension).
#[derive(Clone, Copy, Default)]
struct Status {
    alive: bool,
    accepts: bool,
    universal: bool,
}

/// One pattern of a search: its automaton, where its positions sit in the search's state
/// (a bitset of every pattern's positions, one after the other), and its step masks per
/// symbol of the alphabet.
struct Runner {
    nfa: Nfa,
    at: std::ops::Range<usize>,
    universal: Vec<u64>,
    masks: Vec<Vec<(u64, u64)>>,
}

impl Runner {
    fn status(&self, state: &[u64]) -> Status {
        let s = state.get(self.at.clone()).unwrap_or(&[]);
        Status {
            alive: s.iter().any(|w| *w != 0),
            accepts: self.nfa.accepts(s),
            universal: s.iter().zip(&self.universal).any(|(w, u)| w & u != 0),
        }
    }
}

impl Query {
    pub fn add(&mut self, p: Pattern) -> usize {
        if let Some(i) = self.patterns.iter().position(|q| *q == p) {
            return i;
        }
        self.patterns.push(p);
        self.patterns.len() - 1
    }

    /// Fast path: every granted pattern is covered by one cover pattern (the matcher's
    /// exact containment; patterns without unknowns only), and nothing is subtracted from
    /// the cover.
    fn covered_pairwise(&self) -> bool {
        if self.cover_minus.is_empty() && self.cover_within.is_none() && self.grant.len() == 1 {
            if let Some(g) = self.grant.first().filter(|g| !g.negated) {
                let parse = |i: usize| {
                    self.patterns
                        .get(i)
                        .filter(|p| !p.has_vars())
                        .and_then(|p| crate::ArnPattern::parse(&p.text).ok())
                };
                let covers: Vec<crate::ArnPattern> = self
                    .cover
                    .iter()
                    .filter(|c| !c.negated)
                    .flat_map(|c| c.patterns.iter().filter_map(|i| parse(*i)))
                    .collect();
                return g
                    .patterns
                    .iter()
                    .all(|i| parse(*i).is_some_and(|p| covers.iter().any(|c| c.covers(&p))));
            }
        }
        false
    }

    /// Search for a non-empty word in the region (breadth first: a shortest one).
    ///
    /// A state is the set of positions of every pattern's automaton after reading a word,
    /// all in one bitset; a search node is a state and whether its word is non-empty.
    pub fn search(&self, vars: &VarTable) -> Search {
        if self.covered_pairwise() {
            return Search::Empty;
        }
        let alphabet = self.alphabet(vars);
        let mut width = 0;
        let runners: Vec<Runner> = self
            .patterns
            .iter()
            .map(|p| {
                let nfa = Nfa::new(&p.toks);
                let at = width..width + nfa.words();
                width = at.end;
                Runner {
                    universal: Nfa::universal_positions(&p.toks),
                    masks: alphabet.iter().map(|&sym| nfa.step_masks(sym)).collect(),
                    nfa,
                    at,
                }
            })
            .collect();
        let mut start = vec![0u64; width];
        for r in &runners {
            if let Some(s) = start.get_mut(r.at.clone()) {
                s.copy_from_slice(&r.nfa.start());
            }
        }
        // The nodes in the order found, each with its parent and the symbol read; the
        // start (the empty word) is node 0, every other node has a non-empty word, and
        // `seen` holds their states.
        let mut nodes: Vec<Node> = vec![(start.into(), None)];
        let mut seen: HashSet<Box<[u64]>> = HashSet::default();
        let mut queue = VecDeque::from([0usize]);
        let mut status = vec![Status::default(); runners.len()];
        let mut next = vec![0u64; width];
        while let Some(ni) = queue.pop_front() {
            let Some(state) = nodes.get(ni).map(|(state, _)| state.clone()) else {
                continue;
            };
            for (st, r) in status.iter_mut().zip(&runners) {
                *st = r.status(&state);
            }
            if ni != 0 && self.eval(&status, |s| s.accepts) {
                return Search::Found(word(&nodes, ni));
            }
            if self.eval3(&status) == T3::F {
                continue;
            }
            for (k, &sym) in alphabet.iter().enumerate() {
                for r in &runners {
                    let (Some(from), Some(to), Some(masks)) = (
                        state.get(r.at.clone()),
                        next.get_mut(r.at.clone()),
                        r.masks.get(k),
                    ) else {
                        continue;
                    };
                    r.nfa.step_with(from, masks, to);
                }
                if seen.contains(next.as_slice()) {
                    continue;
                }
                // the start counts as a state
                if seen.len() + 1 >= STATE_LIMIT {
                    return Search::Unknown;
                }
                seen.insert(next.as_slice().into());
                nodes.push((next.as_slice().into(), Some((ni, sym))));
                queue.push_back(nodes.len() - 1);
            }
        }
        Search::Empty
    }

    fn eval(&self, status: &[Status], f: impl Fn(&Status) -> bool) -> bool {
        let set = |r: &ResSet| {
            let any = r.patterns.iter().any(|&i| status.get(i).is_some_and(&f));
            any != r.negated
        };
        let all = |v: &[ResSet]| v.iter().all(set);
        let any = |v: &[ResSet]| v.iter().any(set);
        let within = |w: &Option<Vec<ResSet>>| w.as_ref().is_none_or(|w| any(w));
        all(&self.grant)
            && within(&self.within)
            && !any(&self.minus)
            && (!(any(&self.cover) && within(&self.cover_within)) || any(&self.cover_minus))
    }

    /// Whether some extension of the current word can still be in the region.
    fn eval3(&self, status: &[Status]) -> T3 {
        let set = |r: &ResSet| {
            let mut v = T3::F;
            for &i in &r.patterns {
                let s = status.get(i).copied().unwrap_or_default();
                let t = if s.universal {
                    T3::T
                } else if s.alive {
                    T3::U
                } else {
                    T3::F
                };
                v = or3(v, t);
            }
            if r.negated {
                not3(v)
            } else {
                v
            }
        };
        let any = |v: &[ResSet]| v.iter().fold(T3::F, |a, r| or3(a, set(r)));
        let all = |v: &[ResSet]| v.iter().fold(T3::T, |a, r| and3(a, set(r)));
        let within = |w: &Option<Vec<ResSet>>| w.as_ref().map_or(T3::T, |w| any(w));
        and3(
            and3(
                and3(all(&self.grant), within(&self.within)),
                not3(any(&self.minus)),
            ),
            not3(and3(
                and3(any(&self.cover), within(&self.cover_within)),
                not3(any(&self.cover_minus)),
            )),
        )
    }

    /// The characters that occur in the patterns, `:`, one character that occurs in none,
    /// then every unknown (last, so found words prefer concrete characters).
    fn alphabet(&self, vars: &VarTable) -> Vec<Sym> {
        let mut chars: Vec<char> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for p in &self.patterns {
            for t in &p.toks {
                match *t {
                    Tok::Lit(c) if !chars.contains(&c) => chars.push(c),
                    Tok::Var(v) if !ids.contains(&v) => ids.push(v),
                    _ => {}
                }
            }
        }
        if !chars.contains(&':') {
            chars.push(':');
        }
        if let Some(other) = "xyzqabcdefghijklmnoprstuvw0123456789"
            .chars()
            .find(|c| !chars.contains(c))
        {
            chars.push(other);
        }
        let mut out: Vec<Sym> = chars.into_iter().map(Sym::Ch).collect();
        out.extend(ids.into_iter().map(|id| vars.symbol(id)));
        out
    }
}

/// The word of node `ni`: the symbols read from the start.
fn word(nodes: &[Node], ni: usize) -> Word {
    let mut out = Vec::new();
    let mut cur = ni;
    while let Some((_, Some((parent, sym)))) = nodes.get(cur) {
        out.push(*sym);
        cur = *parent;
    }
    out.reverse();
    Word(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(grant: &[&str], cover: &[&str]) -> Search {
        let mut vars = VarTable::default();
        let mut query = Query::default();
        let g: Vec<usize> = grant
            .iter()
            .map(|s| query.add(Pattern::from_str(s, &mut vars)))
            .collect();
        let c: Vec<usize> = cover
            .iter()
            .map(|s| query.add(Pattern::from_str(s, &mut vars)))
            .collect();
        query.grant.push(ResSet {
            negated: false,
            patterns: g,
        });
        query.cover.push(ResSet {
            negated: false,
            patterns: c,
        });
        query.search(&vars)
    }

    #[test]
    fn containment() {
        assert_eq!(
            q(&["arn:aws:s3:::b/x"], &["arn:aws:s3:::b/*"]),
            Search::Empty
        );
        assert_eq!(q(&["arn:aws:s3:::b/*"], &["*"]), Search::Empty);
        assert!(matches!(
            q(&["arn:aws:s3:::b*"], &["arn:aws:s3:::b/*"]),
            Search::Found(_)
        ));
        // a union covers what no single pattern does
        assert_eq!(
            q(
                &["arn:aws:s3:::b?"],
                &["arn:aws:s3:::ba", "arn:aws:s3:::b[a-z]", "arn:aws:s3:::b?"]
            ),
            Search::Empty
        );
        assert_eq!(q(&["a:b*"], &["a:b", "a:b?*", "a:b:*"]), Search::Empty);
        assert_eq!(q(&["a:b?"], &["a:b*", "a:c"]), Search::Empty);
    }

    #[test]
    fn placeholders_are_shared() {
        let mut vars = VarTable::default();
        let mut query = Query::default();
        let placeholder = |before: &str, after: &str, vars: &mut VarTable| {
            let region = Piece::Unknown {
                key: "hole:<REGION>".into(),
                display: "<REGION>".into(),
                may_colon: false,
            };
            Pattern::from_pieces(
                [Piece::Text(before), region, Piece::Text(after)],
                format!("{before}<REGION>{after}"),
                vars,
            )
        };
        let a = query.add(placeholder("arn:aws:sqs:", ":1:q", &mut vars));
        let b = query.add(placeholder("arn:aws:sqs:", ":*", &mut vars));
        query.grant.push(ResSet {
            negated: false,
            patterns: vec![a],
        });
        query.cover.push(ResSet {
            negated: false,
            patterns: vec![b],
        });
        assert_eq!(query.search(&vars), Search::Empty);
        let mut q2 = query.clone();
        let c = q2.add(Pattern::from_str("arn:aws:sqs:us-east-1:*", &mut vars));
        q2.cover = vec![ResSet {
            negated: false,
            patterns: vec![c],
        }];
        let Search::Found(w) = q2.search(&vars) else {
            panic!("a region outside us-east-1 is granted");
        };
        assert_eq!(w.text(&vars), "arn:aws:sqs:<REGION>:1:q");
        assert!(!w.is_concrete());
    }

    #[test]
    fn concrete_matching() {
        let mut vars = VarTable::default();
        let p = Pattern::from_str("arn:aws:logs:*:1:log-group:g*", &mut vars);
        assert!(p.matches("arn:aws:logs:us-east-1:1:log-group:g:x:y", false));
        let p = Pattern::from_str("arn:aws:s3:::b*x", &mut vars);
        assert!(!p.matches("arn:aws:s3:::b:x", false));
        assert!(p.matches("arn:aws:s3:::b/ax", false));
    }
}
