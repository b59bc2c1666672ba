//! Resource (ARN) patterns, with AWS's wildcard rules and policy variables.

use std::collections::HashMap;
use std::fmt;

use crate::error::PatternError;
use crate::glob::{self, Nfa, Tok};

/// A policy variable in a resource pattern: `${aws:username}` or
/// `${aws:username, 'anonymous'}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyVar {
    /// The key name as written, without surrounding spaces (`aws:username`).
    pub name: String,
    /// The default value, unquoted (`''` turned into `'`).
    pub default: Option<String>,
}

impl PolicyVar {
    /// The identity used to compare variables of two patterns: the name ignoring
    /// ASCII case (condition keys are case-insensitive), and the default.
    fn identity(&self) -> (String, Option<String>) {
        (self.name.to_ascii_lowercase(), self.default.clone())
    }
}

/// A parsed `Resource` pattern.
///
/// Rules, after AWS's documentation of the `Resource` element:
/// - `?` matches one character and `*` any run of characters, neither across a
///   `:`; except that a `*` which is the last character of a segment (followed by
///   `:` or at the end) also matches across later colons. So `arn:aws:s3:::*` and
///   `*` match everything, and `arn:aws:logs:us-east-1:123:*` matches
///   `arn:aws:logs:us-east-1:123:log-group:x:log-stream:y`;
/// - the comparison is case-sensitive;
/// - `${*}`, `${?}` and `${$}` are the literal characters `*`, `?` and `$`;
/// - any other `${...}` is a policy variable, an unknown until resolved.
#[derive(Clone, Debug)]
pub struct ArnPattern {
    raw: String,
    toks: Box<[Tok]>,
    vars: Vec<PolicyVar>,
    /// (The automaton and the probe are boxed: most patterns never build them, and a
    /// pattern is kept for every resource item of every statement.)
    /// Compiled automaton when there are no variables, built on the first match (most
    /// patterns of a policy are only compared, never matched).
    nfa: std::sync::OnceLock<Option<Box<Nfa>>>,
    /// What [`crate::ArnFormat::quickly_named_by`] reads of the pattern, computed on first
    /// use (the pattern is compared with many formats).
    probe: std::sync::OnceLock<Box<Probe>>,
}

/// One concrete string the pattern matches, and what the cheap format tests need.
#[derive(Clone, Debug)]
pub(crate) struct Probe {
    /// The pattern with every wildcard and variable read as `x`: a string it matches.
    pub(crate) text: String,
    /// Whether the pattern has neither wildcard nor variable: `text` is then the only
    /// string it matches.
    pub(crate) exact: bool,
    /// The service field, when it and the fields before it are literal.
    pub(crate) service: Option<String>,
}

impl ArnPattern {
    /// Parses a `Resource` value.
    ///
    /// # Errors
    /// [`PatternError`] for the empty string and malformed `${...}` variables.
    pub fn parse(raw: &str) -> Result<ArnPattern, PatternError> {
        if raw.is_empty() {
            return Err(PatternError::Empty);
        }
        // at most one token per character
        let mut toks = Vec::with_capacity(raw.len());
        let mut vars: Vec<PolicyVar> = Vec::new();
        let mut rest = raw;
        while let Some(c) = rest.chars().next() {
            let offset = raw.len() - rest.len();
            if let Some(after) = rest.strip_prefix("${") {
                let Some(end) = after.find('}') else {
                    return Err(PatternError::UnclosedVariable {
                        pattern: raw.to_owned(),
                        offset,
                    });
                };
                let body = after.get(..end).unwrap_or("");
                rest = after.get(end + 1..).unwrap_or("");
                match body {
                    "*" => toks.push(Tok::Lit('*')),
                    "?" => toks.push(Tok::Lit('?')),
                    "$" => toks.push(Tok::Lit('$')),
                    _ => {
                        let var = parse_var(raw, body, offset)?;
                        let id = match vars.iter().position(|v| *v == var) {
                            Some(i) => i,
                            None => {
                                vars.push(var);
                                vars.len() - 1
                            }
                        };
                        toks.push(Tok::Var(u32::try_from(id).unwrap_or(u32::MAX)));
                    }
                }
                continue;
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            toks.push(match c {
                '*' => glob::STAR,
                '?' => glob::ONE,
                c => Tok::Lit(c),
            });
        }
        // A `*` that ends a segment may match across colons.
        for i in 0..toks.len() {
            let ends_segment = matches!(toks.get(i + 1), None | Some(Tok::Lit(':')));
            if let Some(t) = toks.get_mut(i) {
                if ends_segment && *t == glob::STAR {
                    *t = glob::STAR_X;
                }
            }
        }
        Ok(ArnPattern {
            raw: raw.to_owned(),
            toks: toks.into(),
            vars,
            nfa: std::sync::OnceLock::new(),
            probe: std::sync::OnceLock::new(),
        })
    }

    pub(crate) fn probe(&self) -> &Probe {
        self.probe.get_or_init(|| {
            Box::new(Probe {
                text: self
                    .toks
                    .iter()
                    .map(|t| match t {
                        Tok::Lit(c) => *c,
                        _ => 'x',
                    })
                    .collect(),
                exact: self.toks.iter().all(|t| matches!(t, Tok::Lit(_))),
                service: literal_service(&self.raw).map(str::to_owned),
            })
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// `true` when the pattern matches every string (`*`, `**`, ...).
    pub fn is_match_all(&self) -> bool {
        self.toks.iter().all(|t| *t == glob::STAR_X) && !self.toks.is_empty()
    }

    /// Whether the pattern has a `*` or `?` wildcard (escaped `${*}` does not count).
    pub fn has_wildcard(&self) -> bool {
        self.toks
            .iter()
            .any(|t| matches!(t, Tok::Star(_) | Tok::One(_)))
    }

    /// The literal characters before the pattern's first wildcard or variable. A
    /// pattern covers another ([`ArnPattern::covers`]) only if its literal head begins
    /// the other's: an index of patterns by their heads finds every pattern that may
    /// cover a given one.
    pub fn literal_head(&self) -> impl Iterator<Item = char> + '_ {
        self.toks.iter().map_while(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
    }

    /// The policy variables of the pattern, each once, in order of appearance.
    pub fn variables(&self) -> &[PolicyVar] {
        &self.vars
    }

    /// Whether `arn` is matched, with variables resolved by `vars` (called with the
    /// name as written, e.g. `aws:username`).
    ///
    /// A resolved value is inserted literally (a `*` in it is not a wildcard). A
    /// variable that `vars` cannot resolve takes its default value; without a
    /// default the pattern matches nothing, which is how AWS treats a statement
    /// whose `Resource` variable has no value.
    pub fn matches(&self, arn: &str, vars: &dyn Fn(&str) -> Option<String>) -> bool {
        let nfa = self.nfa.get_or_init(|| {
            self.vars
                .is_empty()
                .then(|| Box::new(Nfa::new(&self.toks).with_fast_table()))
        });
        if let Some(nfa) = nfa {
            return nfa.is_match(arn);
        }
        let mut resolved = Vec::with_capacity(self.toks.len());
        for t in &self.toks {
            match t {
                Tok::Var(i) => {
                    let Some(var) = self.vars.get(*i as usize) else {
                        return false;
                    };
                    let Some(value) = vars(&var.name).or_else(|| var.default.clone()) else {
                        return false;
                    };
                    resolved.extend(value.chars().map(Tok::Lit));
                }
                t => resolved.push(t.clone()),
            }
        }
        Nfa::new(&resolved).is_match(arn)
    }

    /// [`ArnPattern::matches`] with no variable resolvable (defaults still apply).
    pub fn matches_literal(&self, arn: &str) -> bool {
        self.matches(arn, &|_| None)
    }

    /// Whether every ARN matched by `other` is matched by `self`, for every value
    /// of the policy variables. Exact for patterns without variables.
    ///
    /// Variables are opaque: a variable of `other` is covered only by the same
    /// variable (same name ignoring case, same default) at the same place in
    /// `self`, or by a segment-ending `*`, which matches any value. A `*` inside a
    /// segment does not cover a variable (its value could contain `:`), and a
    /// variable of `self` covers nothing but itself. This never claims coverage
    /// that some values would break.
    pub fn covers(&self, other: &ArnPattern) -> bool {
        // A pattern covers itself (its variables stand for the same values on both sides).
        if self.raw == other.raw {
            return true;
        }
        // Exact necessary conditions, checked before the automata: the literal text before
        // this pattern's first wildcard or variable must begin `other`'s, and the literal
        // text after its last one must end `other`'s (where `other` has a wildcard or
        // variable instead, a value breaking the literal exists).
        if !literal_edge_fits(self.toks.iter(), other.toks.iter())
            || !literal_edge_fits(self.toks.iter().rev(), other.toks.iter().rev())
        {
            return false;
        }
        // Exact rejection with one run of the automaton: a string `other` matches (its
        // wildcards read as nothing, `?` as `x`) that this pattern does not match.
        if self.vars.is_empty() && other.vars.is_empty() {
            let probe: Option<String> = other
                .toks
                .iter()
                .filter_map(|t| match t {
                    Tok::Lit(c) => Some(Some(*c)),
                    Tok::One(_) => Some(Some('x')),
                    Tok::Star(_) => None,
                    Tok::Var(_) => Some(None),
                })
                .collect();
            if let Some(probe) = probe {
                if !self.matches(&probe, &|_| None) {
                    return false;
                }
            }
        }
        let (p, q) = shared_var_ids(self, other);
        glob::covers(&p, &q, false)
    }

    /// Whether some ARN could be matched by both patterns. A variable is taken
    /// to possibly hold any value, independently at each occurrence, so this
    /// over-approximates when one variable occurs more than once.
    pub fn overlaps(&self, other: &ArnPattern) -> bool {
        glob::intersects(
            &glob::vars_as_wildcards(&self.toks),
            &glob::vars_as_wildcards(&other.toks),
            false,
        )
    }

    /// A shortest string matched by both patterns (variables as in
    /// [`ArnPattern::overlaps`]), or `None` when they are disjoint.
    pub fn intersection_example(&self, other: &ArnPattern) -> Option<String> {
        glob::intersection_example(
            &glob::vars_as_wildcards(&self.toks),
            &glob::vars_as_wildcards(&other.toks),
            false,
        )
    }

    pub(crate) fn toks(&self) -> &[Tok] {
        &self.toks
    }
}

/// Whether the literal characters `p` starts with (in iteration order) are literal
/// characters at the same places of `q`.
fn literal_edge_fits<'a>(
    p: impl Iterator<Item = &'a Tok>,
    mut q: impl Iterator<Item = &'a Tok>,
) -> bool {
    for t in p {
        let Tok::Lit(c) = t else {
            return true;
        };
        match q.next() {
            Some(Tok::Lit(d)) if d == c => {}
            _ => return false,
        }
    }
    true
}

/// The tokens of both patterns with variable ids interned into one table.
fn shared_var_ids(a: &ArnPattern, b: &ArnPattern) -> (Vec<Tok>, Vec<Tok>) {
    let mut table: HashMap<(String, Option<String>), u32> = HashMap::new();
    let mut remap = |pat: &ArnPattern| -> Vec<Tok> {
        pat.toks
            .iter()
            .map(|t| match t {
                Tok::Var(i) => {
                    let key = pat
                        .vars
                        .get(*i as usize)
                        .map(PolicyVar::identity)
                        .unwrap_or_default();
                    let next = u32::try_from(table.len()).unwrap_or(u32::MAX);
                    Tok::Var(*table.entry(key).or_insert(next))
                }
                t => t.clone(),
            })
            .collect()
    };
    let pa = remap(a);
    let pb = remap(b);
    (pa, pb)
}

/// Parses the body of `${...}` (not one of the escapes).
fn parse_var(raw: &str, body: &str, offset: usize) -> Result<PolicyVar, PatternError> {
    let bad = |reason: &'static str| PatternError::BadVariable {
        pattern: raw.to_owned(),
        variable: body.to_owned(),
        reason,
    };
    let (name, default) = match body.split_once(',') {
        Some((name, default)) => (name.trim(), Some(default.trim())),
        None => (body.trim(), None),
    };
    if name.is_empty() {
        return Err(PatternError::EmptyVariable {
            pattern: raw.to_owned(),
            offset,
        });
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c == '\'' || c == '$' || c == '{')
    {
        return Err(bad("the name has a space, quote, `$` or `{`"));
    }
    let default = match default {
        None => None,
        Some(d) => {
            let inner = d
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .filter(|_| d.len() >= 2)
                .ok_or_else(|| bad("the default value is not in single quotes"))?;
            // Inside, a quote is written twice.
            let mut out = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        return Err(bad("a quote in the default value is not doubled"));
                    }
                }
                out.push(c);
            }
            Some(out)
        }
    };
    Ok(PolicyVar {
        name: name.to_owned(),
        default,
    })
}

/// Patterns are equal when written the same.
impl PartialEq for ArnPattern {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for ArnPattern {}

impl std::hash::Hash for ArnPattern {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl fmt::Display for ArnPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl std::str::FromStr for ArnPattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ArnPattern::parse(s)
    }
}

/// The service field of an ARN pattern, when it and the fields before it are literal.
fn literal_service(pattern: &str) -> Option<&str> {
    let mut it = pattern.splitn(4, ':');
    let fields = [it.next()?, it.next()?, it.next()?];
    it.next()?;
    let literal = |f: &str| !f.contains(['*', '?', '$', '<', '{']);
    fields.iter().all(|f| literal(f)).then_some(fields[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> ArnPattern {
        ArnPattern::parse(s).unwrap()
    }

    #[test]
    fn segment_rules() {
        assert!(a("*").matches_literal("arn:aws:s3:::b/k"));
        assert!(a("arn:aws:s3:::*").matches_literal("arn:aws:s3:::b/k:with:colons"));
        assert!(a("arn:aws:logs:us-east-1:123:*")
            .matches_literal("arn:aws:logs:us-east-1:123:log-group:g:log-stream:s"));
        assert!(a("arn:aws:s3:::b/*").matches_literal("arn:aws:s3:::b/logs/2024/x"));
        // An inner `*` stays inside its segment.
        assert!(!a("arn:aws:iam::*x:role/r").matches_literal("arn:aws:iam::1:2x:role/r"));
        assert!(a("arn:aws:iam::*x:role/r").matches_literal("arn:aws:iam::12x:role/r"));
        assert!(!a("arn:aws:s3:::b?").matches_literal("arn:aws:s3:::b:"));
        assert!(a("arn:aws*:s3:::b").matches_literal("arn:aws-cn:s3:::b"));
        assert!(a("arn:*:s3:::b").matches_literal("arn:aws-us-gov:s3:::b"));
        // Case-sensitive.
        assert!(!a("arn:aws:iam::1:user/Bob").matches_literal("arn:aws:iam::1:user/bob"));
        assert!(a("*").is_match_all());
        assert!(!a("arn:*").is_match_all());
    }

    #[test]
    fn escapes_and_variables() {
        let p = a("arn:aws:s3:::b/${*}${?}${$}");
        assert!(p.matches_literal("arn:aws:s3:::b/*?$"));
        assert!(!p.matches_literal("arn:aws:s3:::b/xy$"));
        assert!(!p.has_wildcard());
        let p = a("arn:aws:s3:::b/${aws:username}/*");
        assert_eq!(p.variables().len(), 1);
        let bob = |k: &str| (k == "aws:username").then(|| "bob".to_owned());
        assert!(p.matches("arn:aws:s3:::b/bob/x", &bob));
        assert!(!p.matches("arn:aws:s3:::b/alice/x", &bob));
        assert!(!p.matches_literal("arn:aws:s3:::b/bob/x"), "unresolved");
        let p = a("arn:aws:s3:::b/${aws:username, 'anon'}/*");
        assert!(p.matches_literal("arn:aws:s3:::b/anon/x"));
        assert_eq!(p.variables()[0].default.as_deref(), Some("anon"));
        let p = a("arn:aws:s3:::b/${aws:PrincipalTag/team,'it''s'}");
        assert!(p.matches_literal("arn:aws:s3:::b/it's"));
        // A resolved value is literal.
        let star = |_: &str| Some("*".to_owned());
        assert!(!a("arn:x:${s3:prefix}").matches("arn:x:abc", &star));
    }

    #[test]
    fn variable_errors() {
        assert!(matches!(
            ArnPattern::parse("arn:aws:s3:::${aws:username"),
            Err(PatternError::UnclosedVariable { offset: 13, .. })
        ));
        assert!(matches!(
            ArnPattern::parse("arn:${}"),
            Err(PatternError::EmptyVariable { .. })
        ));
        assert!(matches!(
            ArnPattern::parse("arn:${aws:user name}"),
            Err(PatternError::BadVariable { .. })
        ));
        assert!(matches!(
            ArnPattern::parse("arn:${aws:username, anon}"),
            Err(PatternError::BadVariable { .. })
        ));
        assert!(matches!(
            ArnPattern::parse("arn:${aws:username, 'a'b'}"),
            Err(PatternError::BadVariable { .. })
        ));
    }

    #[test]
    fn covers_examples() {
        assert!(a("arn:aws:s3:::b/*").covers(&a("arn:aws:s3:::b/logs/*")));
        assert!(!a("arn:aws:s3:::b/logs/*").covers(&a("arn:aws:s3:::b/*")));
        assert!(a("arn:aws:s3:::b*").covers(&a("arn:aws:s3:::b/*")));
        assert!(!a("arn:aws:s3:::b/*").covers(&a("arn:aws:s3:::b*")));
        assert!(a("*").covers(&a("arn:aws:s3:::b*")));
        assert!(a("arn:aws:s3:::*").covers(&a("arn:aws:s3:::b:c")));
        assert!(!a("arn:aws:s3:::b*c").covers(&a("arn:aws:s3:::b:c")));
        // Variables.
        let v = a("arn:aws:s3:::b/${aws:username}/*");
        assert!(a("arn:aws:s3:::b/*").covers(&v));
        assert!(v.covers(&a("arn:aws:s3:::b/${AWS:UserName}/x")));
        assert!(!v.covers(&a("arn:aws:s3:::b/bob/x")));
        assert!(!a("arn:aws:s3:::b/*/x").covers(&a("arn:aws:s3:::b/${aws:username}/x")));
        // Overlaps.
        assert!(a("arn:aws:s3:::b*").overlaps(&a("arn:aws:s3:::*/k")));
        assert!(!a("arn:aws:s3:::a/*").overlaps(&a("arn:aws:s3:::b/*")));
        assert!(v.overlaps(&a("arn:aws:s3:::b/bob/x")));
        assert_eq!(
            a("arn:aws:s3:::b*")
                .intersection_example(&a("arn:aws:s3:::*/k"))
                .as_deref(),
            Some("arn:aws:s3:::b/k")
        );
    }
}
