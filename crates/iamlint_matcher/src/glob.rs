//! The automaton engine: the one place wildcards are matched and searched. Action and ARN
//! patterns, ARN formats, plain string globs ([`crate::Glob`]) and the region search over
//! several patterns ([`crate::region`]) are all lists of [`Tok`]s run by [`Nfa`].
//!
//! A pattern is a list of [`Tok`]s. Its NFA has one state per position `0..=n`
//! (position `n` accepts). Sets of positions are bitsets, so running a pattern on
//! a string is the bit-parallel "shift-and" simulation, and deciding containment
//! is a subset construction over a finite alphabet of representatives.
//!
//! ## The alphabet of representatives
//! Two characters that occur in neither pattern and are not `:` or `/` behave the same in
//! both automata, so every string maps to a string over a finite alphabet: the
//! literal characters of both patterns, `:`, `/`, one "other" character, and (for
//! containment) one opaque symbol per policy variable. A question about all
//! strings is answered exactly by asking it about strings over that alphabet.

use std::collections::VecDeque;

/// The searches' visited sets: small keys hashed many times, so foldhash (seeded per
/// process, like std's SipHash, but several times faster on these keys).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Tok {
    /// Exactly this character.
    Lit(char),
    /// Any one character not excluded by the mask ([`EX_COLON`], [`EX_SLASH`]):
    /// `?` is `One(EX_COLON)`.
    One(u8),
    /// Any run of characters not excluded by the mask: `*` inside a segment is
    /// `Star(EX_COLON)`, a segment-ending `*` is `Star(0)` ([`STAR_X`]).
    Star(u8),
    /// An unknown value (a policy variable, a placeholder), by id (ids are shared by the
    /// patterns compared).
    Var(u32),
}

/// Exclusion mask bit: the wildcard does not match `:`.
pub(crate) const EX_COLON: u8 = 1;
/// Exclusion mask bit: the wildcard does not match `/`.
pub(crate) const EX_SLASH: u8 = 2;
/// `?` in a pattern.
pub(crate) const ONE: Tok = Tok::One(EX_COLON);
/// `*` inside a segment.
pub(crate) const STAR: Tok = Tok::Star(EX_COLON);
/// `*` that ends a segment: matches anything.
pub(crate) const STAR_X: Tok = Tok::Star(0);

impl Tok {
    pub(crate) fn is_star(&self) -> bool {
        matches!(self, Tok::Star(_))
    }
}

/// Whether a wildcard with exclusion mask `ex` matches the character symbol.
fn class_matches(ex: u8, sym: Sym) -> bool {
    match sym {
        Sym::Ch(':') => ex & EX_COLON == 0,
        Sym::Ch('/') => ex & EX_SLASH == 0,
        Sym::Ch(_) | Sym::Other => true,
        Sym::Var { .. } => false,
    }
}

/// Whether a `*` with exclusion mask `ex` matches the symbol: a character it does not
/// exclude, or an unknown value whose characters it cannot exclude (a value that may hold
/// `:` only by a `*` that excludes nothing; one without `:` by a `*` that does not exclude
/// `/`). A `?` never matches an unknown value, whose length is unknown.
fn star_matches(ex: u8, sym: Sym) -> bool {
    match sym {
        Sym::Var { colon: true, .. } => ex == 0,
        Sym::Var { colon: false, .. } => ex & EX_SLASH == 0,
        _ => class_matches(ex, sym),
    }
}

/// A symbol of the finite alphabet of representatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Sym {
    Ch(char),
    /// Any character that is not `:` or `/` and occurs in neither pattern.
    Other,
    /// The opaque value of a policy variable or placeholder; `colon`: the value may hold
    /// `:` (a placeholder such as `<REGION>` stands for one ARN segment and cannot).
    Var {
        id: u32,
        colon: bool,
    },
}

/// A set of NFA positions.
type Bits = Vec<u64>;

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

fn set_bit(bits: &mut Bits, i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// `(key, position)` pairs as one bitset of positions per key, sorted by key.
fn group_positions<K: Ord + Copy>(mut pairs: Vec<(K, usize)>, zero: &Bits) -> Vec<(K, Bits)> {
    pairs.sort_unstable_by_key(|(k, _)| *k);
    let mut out: Vec<(K, Bits)> = Vec::new();
    for (k, i) in pairs {
        match out.last_mut() {
            Some((last, bits)) if *last == k => set_bit(bits, i),
            _ => {
                let mut bits = zero.clone();
                set_bit(&mut bits, i);
                out.push((k, bits));
            }
        }
    }
    out
}

/// Positions `s` of a one-word (or two-word) automaton plus every position reachable
/// through the stars at `stars` (which may match nothing).
fn close_word<W: PosWord>(mut s: W, stars: W) -> W {
    loop {
        let next = s | ((s & stars) << 1);
        if next == s {
            return s;
        }
        s = next;
    }
}

/// [`Nfa::is_match`]'s per-character masks, by class: `class[c]` indexes `masks`.
#[derive(Clone, Debug)]
struct FastTable {
    class: [u8; 128],
    masks: Vec<(u64, u64)>,
}

/// A pattern compiled for bit-parallel simulation.
#[derive(Clone, Debug)]
pub(crate) struct Nfa {
    n: usize,
    words: usize,
    /// Positions of `One(ex)`, indexed by `ex`.
    one: [Bits; 4],
    /// Positions of `Star(ex)`, indexed by `ex`.
    star: [Bits; 4],
    /// Positions of any `Star`.
    any_star: Bits,
    /// Positions of `Lit(c)`, sorted by `c`.
    lits: Vec<(char, Bits)>,
    vars: Vec<(u32, Bits)>,
    /// For patterns of at most 63 tokens: (advance, stay) masks per ASCII
    /// character, for the one-word fast path of [`Nfa::is_match`].
    fast: Option<Box<FastTable>>,
    /// [`Nfa::is_match`] reads text in ASCII lower case (the pattern's literals must be
    /// lower case).
    fold: bool,
}

impl Nfa {
    pub(crate) fn new(toks: &[Tok]) -> Nfa {
        let n = toks.len();
        let words = (n + 1).div_ceil(64);
        let zero = vec![0u64; words];
        let mut nfa = Nfa {
            n,
            words,
            one: std::array::from_fn(|_| zero.clone()),
            star: std::array::from_fn(|_| zero.clone()),
            any_star: zero.clone(),
            lits: Vec::new(),
            vars: Vec::new(),
            fast: None,
            fold: false,
        };
        let mut lits: Vec<(char, usize)> = Vec::new();
        let mut vars: Vec<(u32, usize)> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t {
                Tok::Lit(c) => lits.push((*c, i)),
                Tok::One(ex) => {
                    if let Some(b) = nfa.one.get_mut(usize::from(*ex & 3)) {
                        set_bit(b, i);
                    }
                }
                Tok::Star(ex) => {
                    if let Some(b) = nfa.star.get_mut(usize::from(*ex & 3)) {
                        set_bit(b, i);
                    }
                    set_bit(&mut nfa.any_star, i);
                }
                Tok::Var(v) => vars.push((*v, i)),
            }
        }
        nfa.lits = group_positions(lits, &zero);
        nfa.vars = group_positions(vars, &zero);
        nfa
    }

    /// Adds the per-ASCII-character mask table (for patterns of at most 63
    /// tokens), which makes [`Nfa::is_match`] a few operations per character.
    /// Worth it for a pattern matched against many strings.
    pub(crate) fn with_fast_table(mut self) -> Nfa {
        if self.words == 1 {
            // Every character without a literal position behaves like `Other` (or like
            // itself for `:` and `/`); only the pattern's literal characters differ, so
            // each ASCII character maps to one of a few classes (class 0: `Other`).
            let mut table = Box::new(FastTable {
                class: [0; 128],
                masks: vec![self.masks(Sym::Other, 0)],
            });
            let special = [':', '/']
                .into_iter()
                .chain(self.lits.iter().map(|(c, _)| *c));
            for c in special {
                let masks = self.masks(Sym::Ch(c), 0);
                let Some(slot) = table.class.get_mut(c as usize) else {
                    continue;
                };
                if *slot == 0 && table.masks.len() < 256 {
                    // at most 2 + 95 printable literals: the class fits a byte
                    *slot = u8::try_from(table.masks.len()).unwrap_or(0);
                    table.masks.push(masks);
                }
            }
            self.fast = Some(table);
        }
        self
    }

    /// [`Nfa::is_match`] compares letters ignoring ASCII case: the text is read in lower
    /// case, so every literal of the pattern must be lower case.
    pub(crate) fn ignoring_ascii_case(mut self) -> Nfa {
        self.fold = true;
        self
    }

    /// The number of 64-bit words of a set of positions.
    pub(crate) fn words(&self) -> usize {
        self.words
    }

    /// The (advance, stay) masks of word `i` for `sym`.
    fn masks(&self, sym: Sym, i: usize) -> (u64, u64) {
        let (lit, var) = match sym {
            Sym::Ch(c) => (self.lit_mask(c), None),
            Sym::Other => (None, None),
            Sym::Var { id, .. } => (None, self.var_mask(id)),
        };
        let get = |b: Option<&Bits>| b.and_then(|b| b.get(i)).copied().unwrap_or(0);
        let mut adv = get(lit) | get(var);
        let mut stay = 0;
        for ex in 0..4u8 {
            if class_matches(ex, sym) {
                adv |= get(self.one.get(usize::from(ex)));
            }
            if star_matches(ex, sym) {
                stay |= get(self.star.get(usize::from(ex)));
            }
        }
        (adv, stay)
    }

    /// The (advance, stay) masks of every word for `sym`, for [`Nfa::step_with`].
    pub(crate) fn step_masks(&self, sym: Sym) -> Vec<(u64, u64)> {
        (0..self.words).map(|i| self.masks(sym, i)).collect()
    }

    /// The positions after reading the symbol whose [`Nfa::step_masks`] are `masks`
    /// from the positions `s` (both of [`Nfa::words`] words).
    pub(crate) fn step_with(&self, s: &[u64], masks: &[(u64, u64)], out: &mut [u64]) {
        let mut carry = 0u64;
        for ((o, &w), &(adv, stay)) in out.iter_mut().zip(s).zip(masks) {
            let moved = w & adv;
            *o = (moved << 1) | carry | (w & stay);
            carry = moved >> 63;
        }
        self.close(out);
    }

    /// The positions from which every continuation is accepted: only segment-ending
    /// stars (`Star(0)`) follow them, and there is at least one.
    pub(crate) fn universal_positions(toks: &[Tok]) -> Bits {
        let mut bits = vec![0u64; (toks.len() + 1).div_ceil(64)];
        for i in (0..toks.len()).rev() {
            if toks.get(i) != Some(&STAR_X) {
                break;
            }
            set_bit(&mut bits, i);
        }
        bits
    }

    fn lit_mask(&self, c: char) -> Option<&Bits> {
        self.lits
            .binary_search_by_key(&c, |(k, _)| *k)
            .ok()
            .and_then(|i| self.lits.get(i))
            .map(|(_, b)| b)
    }

    fn var_mask(&self, v: u32) -> Option<&Bits> {
        self.vars.iter().find(|(k, _)| *k == v).map(|(_, b)| b)
    }

    /// Adds every position reachable through stars (which may match nothing).
    fn close(&self, s: &mut [u64]) {
        let stars = &self.any_star;
        loop {
            let mut changed = false;
            let mut carry = 0u64;
            for (w, st) in s.iter_mut().zip(stars) {
                let moved = ((*w & st) << 1) | carry;
                carry = (*w & st) >> 63;
                let next = *w | moved;
                if next != *w {
                    *w = next;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    pub(crate) fn start(&self) -> Bits {
        let mut s = vec![0u64; self.words];
        set_bit(&mut s, 0);
        self.close(&mut s);
        s
    }

    pub(crate) fn accepts(&self, s: &[u64]) -> bool {
        bit(s, self.n)
    }

    /// The positions after reading `sym` from the positions `s`.
    pub(crate) fn step(&self, s: &Bits, sym: Sym, out: &mut Bits) {
        let mut carry = 0u64;
        for (i, o) in out.iter_mut().enumerate() {
            let w = s.get(i).copied().unwrap_or(0);
            let (adv, stay) = self.masks(sym, i);
            let moved = w & adv;
            *o = (moved << 1) | carry | (w & stay);
            carry = moved >> 63;
        }
        self.close(out);
    }

    /// Runs the automaton on a concrete string.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let fold = |c: char| if self.fold { c.to_ascii_lowercase() } else { c };
        if let (Some(table), Some(&stars)) = (&self.fast, self.any_star.first()) {
            let close = |s: u64| close_word(s, stars);
            let mut cur = close(1);
            for c in text.chars().map(fold) {
                let (adv, stay) = match table.class.get(c as usize) {
                    Some(&k) => table.masks.get(usize::from(k)).copied().unwrap_or_default(),
                    None => self.masks(Sym::Ch(c), 0),
                };
                cur = close(((cur & adv) << 1) | (cur & stay));
                if cur == 0 {
                    return false;
                }
            }
            return cur >> self.n & 1 == 1;
        }
        let mut cur = self.start();
        let mut next = vec![0u64; self.words];
        for c in text.chars().map(fold) {
            self.step(&cur, Sym::Ch(c), &mut next);
            std::mem::swap(&mut cur, &mut next);
            if cur.iter().all(|w| *w == 0) {
                return false;
            }
        }
        self.accepts(&cur)
    }
}

/// The finite alphabet for questions about `a` and `b`, and the character that
/// stands for "other" in examples.
fn alphabet(a: &[Tok], b: &[Tok], with_vars: bool) -> (Vec<Sym>, char) {
    let mut chars: Vec<char> = a
        .iter()
        .chain(b)
        .filter_map(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
        .collect();
    chars.push(':');
    chars.push('/');
    chars.sort_unstable();
    chars.dedup();
    let other = "xyzabcdefghijklmnopqrstuvw0123456789"
        .chars()
        .find(|c| !chars.contains(c))
        .unwrap_or('\u{E000}');
    // `Other` first, so that breadth-first examples prefer a plain letter.
    let mut syms = vec![Sym::Other];
    syms.extend(chars.into_iter().map(Sym::Ch));
    if with_vars {
        let mut vars: Vec<u32> = a
            .iter()
            .chain(b)
            .filter_map(|t| match t {
                Tok::Var(v) => Some(*v),
                _ => None,
            })
            .collect();
        vars.sort_unstable();
        vars.dedup();
        syms.extend(vars.into_iter().map(|id| Sym::Var { id, colon: true }));
    }
    (syms, other)
}

/// Whether every string matched by `q` (and non-empty, if `nonempty`) is matched
/// by `p`.
///
/// Exact over the alphabet of representatives (see the module docs): the search
/// explores pairs (a position of `q`'s NFA, the subset of `p`'s NFA reached by the
/// same word) and fails on a pair where `q` accepts and `p` does not. Variables
/// are opaque symbols: a `Var` of `q` is matched only by the same variable of `p`
/// or by a wildcard of `p` that excludes nothing (a segment-ending `*`).
pub(crate) fn covers(p: &[Tok], q: &[Tok], nonempty: bool) -> bool {
    let (syms, _) = alphabet(p, q, true);
    let pn = Nfa::new(p);
    if pn.words == 1 {
        return covers_one_word(&pn, q, &syms, nonempty);
    }
    covers_any(&pn, q, &syms, nonempty)
}

/// [`covers`] for `p` of at most 63 tokens: the same search with `p`'s positions in one
/// machine word and its per-symbol masks computed once.
fn covers_one_word(pn: &Nfa, q: &[Tok], syms: &[Sym], nonempty: bool) -> bool {
    let masks: Vec<(Sym, u64, u64)> = syms
        .iter()
        .map(|&sym| {
            let (adv, stay) = pn.masks(sym, 0);
            (sym, adv, stay)
        })
        .collect();
    let stars = pn.any_star.first().copied().unwrap_or(0);
    let close = |s: u64| close_word(s, stars);
    let accept = 1u64 << pn.n;
    let m = q.len();
    let start = (0usize, close(1), false);
    let mut seen: HashSet<(usize, u64, bool)> = HashSet::from_iter([start]);
    let mut queue = VecDeque::from([start]);
    while let Some((i, set, consumed)) = queue.pop_front() {
        if i == m && (consumed || !nonempty) && set & accept == 0 {
            return false;
        }
        let Some(tok) = q.get(i) else { continue };
        if tok.is_star() {
            let st = (i + 1, set, consumed);
            if seen.insert(st) {
                queue.push_back(st);
            }
        }
        for &(sym, adv, stay) in &masks {
            let next_i = match (tok, sym) {
                (Tok::Lit(c), Sym::Ch(d)) if *c == d => i + 1,
                (Tok::One(ex), Sym::Ch(_) | Sym::Other) if class_matches(*ex, sym) => i + 1,
                (Tok::Star(ex), Sym::Ch(_) | Sym::Other) if class_matches(*ex, sym) => i,
                (Tok::Var(v), Sym::Var { id, .. }) if *v == id => i + 1,
                _ => continue,
            };
            let st = (next_i, close(((set & adv) << 1) | (set & stay)), true);
            if seen.insert(st) {
                queue.push_back(st);
            }
        }
    }
    true
}

/// [`covers`] for patterns of any length.
fn covers_any(pn: &Nfa, q: &[Tok], syms: &[Sym], nonempty: bool) -> bool {
    let m = q.len();
    let mut seen: HashSet<(usize, Bits, bool)> = HashSet::default();
    let mut queue = VecDeque::new();
    let start = (0usize, pn.start(), false);
    seen.insert(start.clone());
    queue.push_back(start);
    let mut buf = vec![0u64; pn.words];
    while let Some((i, set, consumed)) = queue.pop_front() {
        if i == m && (consumed || !nonempty) && !pn.accepts(&set) {
            return false;
        }
        let mut push = |st: (usize, Bits, bool)| {
            if !seen.contains(&st) {
                seen.insert(st.clone());
                queue.push_back(st);
            }
        };
        let Some(tok) = q.get(i) else { continue };
        if tok.is_star() {
            push((i + 1, set.clone(), consumed));
        }
        for &sym in syms {
            // `q` generates concrete characters from its wildcards; only its
            // own variables generate variable symbols.
            let next_i = match (tok, sym) {
                (Tok::Lit(c), Sym::Ch(d)) if *c == d => i + 1,
                (Tok::One(ex), Sym::Ch(_) | Sym::Other) if class_matches(*ex, sym) => i + 1,
                (Tok::Star(ex), Sym::Ch(_) | Sym::Other) if class_matches(*ex, sym) => i,
                (Tok::Var(v), Sym::Var { id, .. }) if *v == id => i + 1,
                _ => continue,
            };
            pn.step(&set, sym, &mut buf);
            push((next_i, buf.clone(), true));
        }
    }
    true
}

/// A shortest string matched by both `a` and `b` (non-empty if `nonempty`), or
/// `None` when the languages are disjoint. Variables must have been replaced
/// (see [`vars_as_wildcards`]) before calling.
pub(crate) fn intersection_example(a: &[Tok], b: &[Tok], nonempty: bool) -> Option<String> {
    let (syms, other) = alphabet(a, b, false);
    let (an, bn) = (Nfa::new(a), Nfa::new(b));
    if an.words == 1 && bn.words == 1 {
        return intersection_example_one_word(&an, &bn, &syms, other, nonempty);
    }
    intersection_example_any(&an, &bn, &syms, other, nonempty)
}

/// Whether some string (non-empty if `nonempty`) is matched by both `a` and `b`:
/// [`intersection_example`]`.is_some()`, without looking for the shortest example, so
/// the search can stop at the first common string it meets.
pub(crate) fn intersects(a: &[Tok], b: &[Tok], nonempty: bool) -> bool {
    let (syms, other) = alphabet(a, b, false);
    let (an, bn) = (Nfa::new(a), Nfa::new(b));
    match an.words.max(bn.words) {
        1 => intersects_in::<u64>(&an, &bn, &syms, nonempty),
        2 => intersects_in::<u128>(&an, &bn, &syms, nonempty),
        _ => intersection_example_any(&an, &bn, &syms, other, nonempty).is_some(),
    }
}

/// A set of NFA positions held in one integer: `u64` for automata of at most 63 tokens,
/// `u128` for at most 127.
trait PosWord:
    Copy
    + Eq
    + std::hash::Hash
    + std::ops::BitAnd<Output = Self>
    + std::ops::BitOr<Output = Self>
    + std::ops::Shl<usize, Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    /// The positions of a multi-word bitset (its words beyond this type's width are
    /// zero for the automata this is used for).
    fn gather(word: impl Fn(usize) -> u64) -> Self;
}

impl PosWord for u64 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn gather(word: impl Fn(usize) -> u64) -> Self {
        word(0)
    }
}

impl PosWord for u128 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn gather(word: impl Fn(usize) -> u64) -> Self {
        u128::from(word(0)) | (u128::from(word(1)) << 64)
    }
}

/// [`intersects`] for two automata whose positions fit in `W`: depth first over the
/// product of the two.
fn intersects_in<W: PosWord>(an: &Nfa, bn: &Nfa, syms: &[Sym], nonempty: bool) -> bool {
    let masks = |nfa: &Nfa, sym: Sym| {
        (
            W::gather(|i| nfa.masks(sym, i).0),
            W::gather(|i| nfa.masks(sym, i).1),
        )
    };
    let table: Vec<(W, W, W, W)> = syms
        .iter()
        .map(|&sym| {
            let (a_adv, a_stay) = masks(an, sym);
            let (b_adv, b_stay) = masks(bn, sym);
            (a_adv, a_stay, b_adv, b_stay)
        })
        .collect();
    let stars = |nfa: &Nfa| W::gather(|i| nfa.any_star.get(i).copied().unwrap_or(0));
    let (a_stars, b_stars) = (stars(an), stars(bn));
    let (a_accept, b_accept) = (W::ONE << an.n, W::ONE << bn.n);
    let start = (
        close_word(W::ONE, a_stars),
        close_word(W::ONE, b_stars),
        false,
    );
    let mut seen: HashSet<(W, W, bool)> = HashSet::default();
    seen.insert(start);
    let mut stack = vec![start];
    while let Some((sa, sb, consumed)) = stack.pop() {
        if (consumed || !nonempty) && sa & a_accept != W::ZERO && sb & b_accept != W::ZERO {
            return true;
        }
        for &(a_adv, a_stay, b_adv, b_stay) in &table {
            let na = close_word(((sa & a_adv) << 1) | (sa & a_stay), a_stars);
            if na == W::ZERO {
                continue;
            }
            let nb = close_word(((sb & b_adv) << 1) | (sb & b_stay), b_stars);
            if nb != W::ZERO && seen.insert((na, nb, true)) {
                stack.push((na, nb, true));
            }
        }
    }
    false
}

/// [`intersection_example`] for patterns of any length.
fn intersection_example_any(
    an: &Nfa,
    bn: &Nfa,
    syms: &[Sym],
    other: char,
    nonempty: bool,
) -> Option<String> {
    type State = (Bits, Bits, bool);
    let mut parent: HashMap<State, Option<(State, char)>> = HashMap::default();
    let start: State = (an.start(), bn.start(), false);
    parent.insert(start.clone(), None);
    let mut queue = VecDeque::from([start]);
    while let Some(st) = queue.pop_front() {
        let (sa, sb, consumed) = &st;
        if (*consumed || !nonempty) && an.accepts(sa) && bn.accepts(sb) {
            let mut out = Vec::new();
            let mut cur = st.clone();
            while let Some(Some((prev, c))) = parent.get(&cur) {
                out.push(*c);
                cur = prev.clone();
            }
            out.reverse();
            return Some(out.into_iter().collect());
        }
        for &sym in syms {
            let mut na = vec![0u64; an.words];
            let mut nb = vec![0u64; bn.words];
            an.step(sa, sym, &mut na);
            bn.step(sb, sym, &mut nb);
            if na.iter().all(|w| *w == 0) || nb.iter().all(|w| *w == 0) {
                continue;
            }
            let c = match sym {
                Sym::Ch(c) => c,
                _ => other,
            };
            let next: State = (na, nb, true);
            if !parent.contains_key(&next) {
                parent.insert(next.clone(), Some((st.clone(), c)));
                queue.push_back(next);
            }
        }
    }
    None
}

/// [`intersection_example`] for two patterns of at most 63 tokens each: the same
/// breadth-first search in the same order (so the same example), with each NFA's
/// positions in one machine word, the per-symbol masks computed once, and the visited
/// states in a flat list with parent indices instead of cloned bitsets.
fn intersection_example_one_word(
    an: &Nfa,
    bn: &Nfa,
    syms: &[Sym],
    other: char,
    nonempty: bool,
) -> Option<String> {
    let table: Vec<(char, u64, u64, u64, u64)> = syms
        .iter()
        .map(|&sym| {
            let (a_adv, a_stay) = an.masks(sym, 0);
            let (b_adv, b_stay) = bn.masks(sym, 0);
            let c = match sym {
                Sym::Ch(c) => c,
                _ => other,
            };
            (c, a_adv, a_stay, b_adv, b_stay)
        })
        .collect();
    let a_stars = an.any_star.first().copied().unwrap_or(0);
    let b_stars = bn.any_star.first().copied().unwrap_or(0);
    let close = close_word::<u64>;
    let (a_accept, b_accept) = (1u64 << an.n, 1u64 << bn.n);
    // (positions of a, positions of b, consumed, parent index, character read)
    let mut states: Vec<(u64, u64, bool, usize, char)> = vec![(
        close(1, a_stars),
        close(1, b_stars),
        false,
        usize::MAX,
        other,
    )];
    let mut seen: HashSet<(u64, u64, bool)> = HashSet::default();
    if let Some(&(sa, sb, consumed, _, _)) = states.first() {
        seen.insert((sa, sb, consumed));
    }
    let mut head = 0;
    while let Some(&(sa, sb, consumed, _, _)) = states.get(head) {
        if (consumed || !nonempty) && sa & a_accept != 0 && sb & b_accept != 0 {
            let mut out = Vec::new();
            let mut at = head;
            while let Some(&(_, _, _, parent, c)) = states.get(at) {
                if parent == usize::MAX {
                    break;
                }
                out.push(c);
                at = parent;
            }
            out.reverse();
            return Some(out.into_iter().collect());
        }
        for &(c, a_adv, a_stay, b_adv, b_stay) in &table {
            let na = close(((sa & a_adv) << 1) | (sa & a_stay), a_stars);
            if na == 0 {
                continue;
            }
            let nb = close(((sb & b_adv) << 1) | (sb & b_stay), b_stars);
            if nb == 0 {
                continue;
            }
            if seen.insert((na, nb, true)) {
                states.push((na, nb, true, head, c));
            }
        }
        head += 1;
    }
    None
}

/// The tokens with every variable replaced by a segment-ending `*`: a variable may
/// stand for any value, so this over-approximates the strings the pattern can
/// match once its variables are resolved.
pub(crate) fn vars_as_wildcards(toks: &[Tok]) -> Vec<Tok> {
    toks.iter()
        .map(|t| match t {
            Tok::Var(_) => STAR_X,
            t => t.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tok() -> impl Strategy<Value = Tok> {
        prop_oneof![
            4 => prop::sample::select(vec!['a', 'b', ':', '/']).prop_map(Tok::Lit),
            1 => (0u8..4).prop_map(Tok::One),
            2 => (0u8..4).prop_map(Tok::Star),
        ]
    }

    /// Tokens for long patterns, mostly literal like ARNs (a random long pattern full of
    /// wildcards makes the general search explode).
    fn long_tok() -> impl Strategy<Value = Tok> {
        prop_oneof![
            24 => prop::sample::select(vec!['a', 'b', ':', '/']).prop_map(Tok::Lit),
            1 => (0u8..4).prop_map(Tok::One),
            1 => (0u8..4).prop_map(Tok::Star),
        ]
    }

    fn q_tok() -> impl Strategy<Value = Tok> {
        prop_oneof![
            6 => tok(),
            1 => (0u32..2).prop_map(Tok::Var),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The per-character table gives the same verdicts as the general simulation.
        #[test]
        fn fast_table_agrees_with_general_simulation(
            p in prop::collection::vec(tok(), 0..12),
            text in "[ab:/xé]{0,12}",
        ) {
            let plain = Nfa::new(&p);
            let fast = Nfa::new(&p).with_fast_table();
            prop_assert_eq!(fast.is_match(&text), plain.is_match(&text));
        }

        /// The one-word containment search agrees with the general one.
        #[test]
        fn one_word_covers_agrees_with_general_covers(
            p in prop::collection::vec(q_tok(), 0..10),
            q in prop::collection::vec(q_tok(), 0..10),
            nonempty: bool,
        ) {
            let (syms, _) = alphabet(&p, &q, true);
            let pn = Nfa::new(&p);
            prop_assert_eq!(
                covers_one_word(&pn, &q, &syms, nonempty),
                covers_any(&pn, &q, &syms, nonempty)
            );
        }

        /// The one-word search finds exactly what the general search finds (the same
        /// shortest example, not only the same yes/no).
        #[test]
        fn one_word_search_agrees_with_general_search(
            a in prop::collection::vec(tok(), 0..12),
            b in prop::collection::vec(tok(), 0..12),
            nonempty: bool,
        ) {
            let (syms, other) = alphabet(&a, &b, false);
            let (an, bn) = (Nfa::new(&a), Nfa::new(&b));
            prop_assert_eq!(
                intersection_example_one_word(&an, &bn, &syms, other, nonempty),
                intersection_example_any(&an, &bn, &syms, other, nonempty)
            );
        }

        /// Automata of 64 to 127 positions take the two-word (`u128`) search: it answers as
        /// the general search does.
        #[test]
        fn two_word_intersects_agrees_with_general_search(
            a in prop::collection::vec(long_tok(), 64..110),
            edits in prop::collection::vec(0u8..40, 110),
            nonempty: bool,
        ) {
            // `b` is `a` with some tokens turned into wildcards or other letters, so that
            // the two meet about as often as not
            let b: Vec<Tok> = a
                .iter()
                .zip(&edits)
                .map(|(t, &e)| match e {
                    0 => Tok::Star(e % 4),
                    1 => Tok::One(0),
                    2 => Tok::Lit('b'),
                    3 => Tok::Lit(':'),
                    _ => t.clone(),
                })
                .collect();
            let (syms, other) = alphabet(&a, &b, false);
            let (an, bn) = (Nfa::new(&a), Nfa::new(&b));
            prop_assert_eq!(an.words.max(bn.words), 2);
            prop_assert_eq!(
                intersects_in::<u128>(&an, &bn, &syms, nonempty),
                intersection_example_any(&an, &bn, &syms, other, nonempty).is_some()
            );
        }

        /// The depth-first test answers as the shortest-example search does, and its
        /// one-word form as the general one.
        #[test]
        fn intersects_agrees_with_intersection_example(
            a in prop::collection::vec(tok(), 0..12),
            b in prop::collection::vec(tok(), 0..12),
            nonempty: bool,
        ) {
            let expected = intersection_example(&a, &b, nonempty).is_some();
            prop_assert_eq!(intersects(&a, &b, nonempty), expected);
            let (syms, other) = alphabet(&a, &b, false);
            let (an, bn) = (Nfa::new(&a), Nfa::new(&b));
            prop_assert_eq!(intersects_in::<u64>(&an, &bn, &syms, nonempty), expected);
            prop_assert_eq!(intersects_in::<u128>(&an, &bn, &syms, nonempty), expected);
            prop_assert_eq!(
                intersection_example_any(&an, &bn, &syms, other, nonempty).is_some(),
                expected
            );
        }
    }
}
