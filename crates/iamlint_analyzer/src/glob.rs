//! Resource patterns as automata, and the one question the analyzer asks of them: is there
//! an ARN in a boolean combination of pattern languages (granted by this statement, not
//! denied, not allowed by the reference)?
//!
//! The matching rules are the `Resource` rules of [`iamlint_matcher::ArnPattern`]: `?` is
//! one character and `*` any run of characters, neither across `:`, except that a `*` that
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

use iamlint_policy::{HoleKind, Part, Text};
use std::collections::{HashMap, HashSet, VecDeque};

/// One element of a compiled pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok {
    Lit(char),
    /// `?`: one character other than `:`.
    One,
    /// `*`: `cross` when it ends a segment (matches across `:`).
    Star {
        cross: bool,
    },
    /// An unknown value, by id in a [`VarTable`].
    Var(u32),
}

/// Interned unknowns: name → id, and whether the value may hold `:`.
#[derive(Clone, Debug, Default)]
pub struct VarTable {
    ids: HashMap<String, u32>,
    /// Per id: (display form, may hold `:`).
    info: Vec<(String, bool)>,
}

impl VarTable {
    pub fn intern(&mut self, key: String, display: String, may_colon: bool) -> u32 {
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = u32::try_from(self.info.len()).unwrap_or(u32::MAX);
        self.ids.insert(key, id);
        self.info.push((display, may_colon));
        id
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
}

/// A compiled resource pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    pub toks: Vec<Tok>,
    /// As written (holes in their display form).
    pub text: String,
}

impl Pattern {
    /// Compile a `Resource` value.
    pub fn compile(text: &Text, vars: &mut VarTable) -> Pattern {
        let mut toks = Vec::new();
        for part in &text.parts {
            match part {
                Part::Literal(s) => lex_literal(s, vars, &mut toks),
                Part::Hole { kind, .. } => {
                    let may_colon = !matches!(kind, HoleKind::Placeholder);
                    let display = Text {
                        parts: iamlint_policy::Parts::one(part.clone()),
                        span: text.span,
                        path: String::new(),
                    }
                    .display();
                    toks.push(Tok::Var(vars.intern(
                        format!("hole:{display}"),
                        display,
                        may_colon,
                    )));
                }
            }
        }
        mark_crossing(&mut toks);
        Pattern {
            toks,
            text: text.display(),
        }
    }

    /// Compile a plain string (tests, synthesized patterns).
    pub fn from_str(s: &str, vars: &mut VarTable) -> Pattern {
        let mut toks = Vec::new();
        lex_literal(s, vars, &mut toks);
        mark_crossing(&mut toks);
        Pattern {
            toks,
            text: s.to_string(),
        }
    }

    /// Whether the pattern holds unknowns.
    pub fn has_vars(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Var(_)))
    }

    /// Match a concrete string. `vars_match_all`: an unknown matches any run of characters
    /// (over-approximation); otherwise it matches nothing (under-approximation).
    pub fn matches(&self, s: &str, vars_match_all: bool) -> bool {
        let chars: Vec<char> = s.chars().collect();
        // positions reachable after reading i chars
        let n = self.toks.len();
        let mut cur = vec![false; n + 1];
        cur[0] = true;
        self.close(&mut cur, vars_match_all);
        for &c in &chars {
            let mut next = vec![false; n + 1];
            for (i, tok) in self.toks.iter().enumerate() {
                if !cur[i] {
                    continue;
                }
                match *tok {
                    Tok::Lit(l) if l == c => next[i + 1] = true,
                    Tok::One if c != ':' => next[i + 1] = true,
                    Tok::Star { cross } if cross || c != ':' => next[i] = true,
                    Tok::Var(_) if vars_match_all => {
                        next[i] = true;
                    }
                    _ => {}
                }
            }
            self.close(&mut next, vars_match_all);
            if !next.iter().any(|b| *b) {
                return false;
            }
            cur = next;
        }
        cur[n]
    }

    fn close(&self, set: &mut [bool], vars_match_all: bool) {
        for i in 0..self.toks.len() {
            if set[i] {
                match self.toks[i] {
                    Tok::Star { .. } => set[i + 1] = true,
                    Tok::Var(_) if vars_match_all => set[i + 1] = true,
                    _ => {}
                }
            }
        }
    }
}

fn lex_literal(s: &str, vars: &mut VarTable, out: &mut Vec<Tok>) {
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(close) = after.find('}') {
                let body = &after[..close];
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
                rest = &after[close + 1..];
                continue;
            }
        }
        out.push(match c {
            '*' => Tok::Star { cross: false },
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
        rest = &rest[c.len_utf8()..];
    }
}

/// A `*` followed by `:` or at the end crosses colons.
fn mark_crossing(toks: &mut [Tok]) {
    for i in 0..toks.len() {
        if let Tok::Star { .. } = toks[i] {
            let ends = matches!(toks.get(i + 1), None | Some(Tok::Lit(':')));
            toks[i] = Tok::Star { cross: ends };
        }
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
/// `grant ∧ ¬(∨ minus) ∧ ¬((∨ cover) ∧ ¬(∨ cover_minus))`.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub patterns: Vec<Pattern>,
    pub grant: Vec<ResSet>,
    pub minus: Vec<ResSet>,
    pub cover: Vec<ResSet>,
    pub cover_minus: Vec<ResSet>,
}

/// A symbol of a word: a character or an unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sym {
    Ch(char),
    Var(u32),
}

/// The answer of [`Query::search`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// No ARN in the region, for every value of the unknowns.
    Empty,
    /// A shortest word in the region.
    Found(Vec<Sym>),
    /// The search gave up (too many states): treat as possibly non-empty.
    Unknown,
}

/// A search node: state, non-empty word, parent and symbol.
type Node = (Vec<bool>, bool, Option<(usize, Sym)>);

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

/// States explored before giving up.
const STATE_LIMIT: usize = 200_000;

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
        if self.cover_minus.is_empty() && self.grant.len() == 1 {
            if let Some(g) = self.grant.first().filter(|g| !g.negated) {
                let parse = |i: usize| {
                    self.patterns
                        .get(i)
                        .filter(|p| !p.has_vars())
                        .and_then(|p| iamlint_matcher::ArnPattern::parse(&p.text).ok())
                };
                let covers: Vec<iamlint_matcher::ArnPattern> = self
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
    pub fn search(&self, vars: &VarTable) -> Search {
        if self.covered_pairwise() {
            return Search::Empty;
        }
        let offsets: Vec<usize> = self
            .patterns
            .iter()
            .scan(0usize, |acc, p| {
                let o = *acc;
                *acc += p.toks.len() + 1;
                Some(o)
            })
            .collect();
        let total: usize = self.patterns.iter().map(|p| p.toks.len() + 1).sum();
        let alphabet = self.alphabet();
        let mut start = vec![false; total];
        for (pi, p) in self.patterns.iter().enumerate() {
            start[offsets[pi]] = true;
            close(p, &mut start[offsets[pi]..offsets[pi] + p.toks.len() + 1]);
        }
        // (state, non-empty) → parent index and symbol
        let mut seen: HashSet<(Vec<bool>, bool)> = HashSet::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut queue = VecDeque::new();
        seen.insert((start.clone(), false));
        nodes.push((start, false, None));
        queue.push_back(0usize);
        while let Some(ni) = queue.pop_front() {
            let (state, nonempty) = (nodes[ni].0.clone(), nodes[ni].1);
            let status = self.status(&state, &offsets);
            if nonempty && self.eval(&status, |s| s.1) {
                let mut word = Vec::new();
                let mut cur = ni;
                while let Some((parent, sym)) = nodes[cur].2 {
                    word.push(sym);
                    cur = parent;
                }
                word.reverse();
                return Search::Found(word);
            }
            if self.eval3(&status) == T3::F {
                continue;
            }
            for &sym in &alphabet {
                let mut next = vec![false; total];
                for (pi, p) in self.patterns.iter().enumerate() {
                    let o = offsets[pi];
                    let len = p.toks.len() + 1;
                    step(p, &state[o..o + len], &mut next[o..o + len], sym, vars);
                }
                let key = (next, true);
                if seen.contains(&key) {
                    continue;
                }
                if seen.len() >= STATE_LIMIT {
                    return Search::Unknown;
                }
                seen.insert(key.clone());
                nodes.push((key.0, true, Some((ni, sym))));
                queue.push_back(nodes.len() - 1);
            }
        }
        Search::Empty
    }

    /// Per pattern: (can still accept some extension, accepts now, accepts every extension).
    fn status(&self, state: &[bool], offsets: &[usize]) -> Vec<(bool, bool, bool)> {
        self.patterns
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let o = offsets[pi];
                let n = p.toks.len();
                let s = &state[o..=o + n];
                let alive = s.iter().any(|b| *b);
                let accepts = s[n];
                let universal = (0..=n).any(|i| {
                    s[i] && i < n
                        && p.toks[i..]
                            .iter()
                            .all(|t| matches!(t, Tok::Star { cross: true }))
                });
                (alive, accepts, universal)
            })
            .collect()
    }

    fn eval(&self, status: &[(bool, bool, bool)], f: impl Fn(&(bool, bool, bool)) -> bool) -> bool {
        let set = |r: &ResSet| {
            let any = r.patterns.iter().any(|&i| status.get(i).is_some_and(&f));
            any != r.negated
        };
        let all = |v: &[ResSet]| v.iter().all(set);
        let any = |v: &[ResSet]| v.iter().any(set);
        all(&self.grant) && !any(&self.minus) && (!any(&self.cover) || any(&self.cover_minus))
    }

    /// Whether some extension of the current word can still be in the region.
    fn eval3(&self, status: &[(bool, bool, bool)]) -> T3 {
        let set = |r: &ResSet| {
            let mut v = T3::F;
            for &i in &r.patterns {
                let (alive, _, universal) = status.get(i).copied().unwrap_or((false, false, false));
                let t = if universal {
                    T3::T
                } else if alive {
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
        and3(
            and3(all(&self.grant), not3(any(&self.minus))),
            not3(and3(any(&self.cover), not3(any(&self.cover_minus)))),
        )
    }

    /// The characters that occur in the patterns, `:`, one character that occurs in none,
    /// then every unknown (last, so found words prefer concrete characters).
    fn alphabet(&self) -> Vec<Sym> {
        let mut chars: Vec<char> = Vec::new();
        let mut vars: Vec<u32> = Vec::new();
        for p in &self.patterns {
            for t in &p.toks {
                match *t {
                    Tok::Lit(c) if !chars.contains(&c) => chars.push(c),
                    Tok::Var(v) if !vars.contains(&v) => vars.push(v),
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
        out.extend(vars.into_iter().map(Sym::Var));
        out
    }
}

fn close(p: &Pattern, set: &mut [bool]) {
    for i in 0..p.toks.len() {
        if set[i] && matches!(p.toks[i], Tok::Star { .. }) {
            set[i + 1] = true;
        }
    }
}

fn step(p: &Pattern, cur: &[bool], next: &mut [bool], sym: Sym, vars: &VarTable) {
    for (i, tok) in p.toks.iter().enumerate() {
        if !cur[i] {
            continue;
        }
        match (*tok, sym) {
            (Tok::Lit(l), Sym::Ch(c)) if l == c => next[i + 1] = true,
            (Tok::One, Sym::Ch(c)) if c != ':' => next[i + 1] = true,
            (Tok::Star { cross }, Sym::Ch(c)) if cross || c != ':' => next[i] = true,
            (Tok::Star { cross }, Sym::Var(v)) if cross || !vars.may_colon(v) => next[i] = true,
            (Tok::Var(a), Sym::Var(b)) if a == b => next[i + 1] = true,
            _ => {}
        }
    }
    close(p, next);
}

/// A word as text: unknowns in their display form.
pub fn word_text(word: &[Sym], vars: &VarTable) -> String {
    let mut s = String::new();
    for sym in word {
        match *sym {
            Sym::Ch(c) => s.push(c),
            Sym::Var(v) => s.push_str(vars.display(v)),
        }
    }
    s
}

/// Whether the word is concrete (no unknowns).
pub fn word_is_concrete(word: &[Sym]) -> bool {
    word.iter().all(|s| matches!(s, Sym::Ch(_)))
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
        let t = |s: &str| Text {
            parts: {
                let mut v = Vec::new();
                iamlint_policy::text::split_placeholders(s, &Default::default(), &mut v);
                v.into()
            },
            span: Default::default(),
            path: String::new(),
        };
        let a = query.add(Pattern::compile(&t("arn:aws:sqs:<REGION>:1:q"), &mut vars));
        let b = query.add(Pattern::compile(&t("arn:aws:sqs:<REGION>:*"), &mut vars));
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
        assert!(matches!(q2.search(&vars), Search::Found(_)));
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
