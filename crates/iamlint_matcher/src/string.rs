//! Wildcard patterns over plain strings: condition values (`StringLike`, `ArnLike`),
//! `iam:PassedToService` values, the parts of an action pattern, queries such as
//! `iamlint expand '*Object*'`. One type with options for what differs between them, run
//! by the engine every other pattern uses.

use std::sync::OnceLock;

use crate::glob::{Nfa, Tok, EX_COLON};

/// How a [`Glob`] reads its pattern and compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlobOptions {
    /// Letters match either ASCII case (`StringLikeIgnoreCase`, action names).
    pub ignore_ascii_case: bool,
    /// `*` does not match `:` (action parts; `ArnLike` values as iamlint compares them).
    pub star_stops_at_colon: bool,
    /// `?` does not match `:` (action parts).
    pub one_stops_at_colon: bool,
}

/// A compiled `*`/`?` pattern: `*` matches any run of characters, `?` any one character,
/// every other character itself (see [`GlobOptions`] for case and `:`).
///
/// ```
/// use iamlint_matcher::{Glob, GlobOptions};
/// let g = Glob::new("ecs-*.amazonaws.com", GlobOptions::default());
/// assert!(g.is_match("ecs-tasks.amazonaws.com"));
/// let ci = GlobOptions { ignore_ascii_case: true, ..GlobOptions::default() };
/// assert!(Glob::new("Get*", ci).is_match("getobject"));
/// ```
#[derive(Clone, Debug)]
pub struct Glob {
    /// Literals in lower case when the case is ignored.
    toks: Vec<Tok>,
    options: GlobOptions,
    /// The automaton, compiled on the first match of a pattern with a wildcard.
    nfa: OnceLock<Box<Nfa>>,
}

impl Glob {
    pub fn new(pattern: &str, options: GlobOptions) -> Glob {
        let star = Tok::Star(if options.star_stops_at_colon {
            EX_COLON
        } else {
            0
        });
        let one = Tok::One(if options.one_stops_at_colon {
            EX_COLON
        } else {
            0
        });
        let toks = pattern
            .chars()
            .map(|c| match c {
                '*' => star.clone(),
                '?' => one.clone(),
                c if options.ignore_ascii_case => Tok::Lit(c.to_ascii_lowercase()),
                c => Tok::Lit(c),
            })
            .collect();
        Glob {
            toks,
            options,
            nfa: OnceLock::new(),
        }
    }

    /// Whether the pattern holds a `*` or `?`.
    pub fn has_wildcard(&self) -> bool {
        self.toks.iter().any(|t| !matches!(t, Tok::Lit(_)))
    }

    /// Whether `text` is matched.
    pub fn is_match(&self, text: &str) -> bool {
        if !self.has_wildcard() {
            // a literal: a comparison, no automaton
            let fold = self.options.ignore_ascii_case;
            let mut chars = text.chars();
            return self.toks.iter().all(|t| match (t, chars.next()) {
                (Tok::Lit(l), Some(c)) if fold => c.to_ascii_lowercase() == *l,
                (Tok::Lit(l), Some(c)) => c == *l,
                _ => false,
            }) && chars.next().is_none();
        }
        self.nfa
            .get_or_init(|| {
                let nfa = Nfa::new(&self.toks).with_fast_table();
                Box::new(if self.options.ignore_ascii_case {
                    nfa.ignoring_ascii_case()
                } else {
                    nfa
                })
            })
            .is_match(text)
    }

    /// The compiled tokens (for containment of action parts).
    pub(crate) fn toks(&self) -> &[Tok] {
        &self.toks
    }
}
