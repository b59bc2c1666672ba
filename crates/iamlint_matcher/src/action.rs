//! Action patterns: `service:action` globs, matched case-insensitively.

use std::fmt;

use crate::error::PatternError;
use crate::glob::{self, Tok};
use crate::string::{Glob, GlobOptions};

/// How a part of `service:action` is matched: ignoring ASCII case, and neither wildcard
/// matches the `:` between the parts.
const PART: GlobOptions = GlobOptions {
    ignore_ascii_case: true,
    star_stops_at_colon: true,
    one_stops_at_colon: true,
};

/// One side of `service:action`, lower-cased and compiled.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    /// Lower-cased text as written.
    pub(crate) text: String,
    glob: Glob,
    /// The literal characters before the first wildcard.
    pub(crate) lit_len: usize,
    pub(crate) wild: bool,
}

impl Part {
    fn new(text: &str) -> Part {
        let text = text.to_ascii_lowercase();
        let glob = Glob::new(&text, PART);
        let lit_len = text.find(['*', '?']).unwrap_or(text.len());
        let wild = lit_len < text.len();
        Part {
            text,
            glob,
            lit_len,
            wild,
        }
    }

    /// The literal prefix, lower-cased.
    pub(crate) fn literal_prefix(&self) -> &str {
        self.text.get(..self.lit_len).unwrap_or("")
    }

    /// The literal characters after the last wildcard, lower-cased.
    pub(crate) fn literal_suffix(&self) -> &str {
        let from = self.text.rfind(['*', '?']).map_or(0, |i| i + 1);
        self.text.get(from..).unwrap_or("")
    }

    /// `false` when this part surely does not cover `o` (every string `o` matches); `true`
    /// when it may. Exact necessary conditions: a literal part covers only itself; a part
    /// with wildcards needs its literal prefix to begin `o`'s and its literal suffix to
    /// end `o`'s (a wildcard of `o` can always take a letter that breaks them).
    pub(crate) fn may_cover(&self, o: &Part) -> bool {
        if !o.wild {
            return self.matches(&o.text);
        }
        self.wild
            && o.literal_prefix().starts_with(self.literal_prefix())
            && o.literal_suffix().ends_with(self.literal_suffix())
    }

    /// `lit*`: every string with the literal prefix matches.
    pub(crate) fn is_prefix_only(&self) -> bool {
        self.wild && self.lit_len + 1 == self.text.len() && self.text.ends_with('*')
    }

    /// A non-empty text this part matches: `*` read as nothing, `?` as `x`, and `x` when
    /// nothing else is left.
    fn probe(&self) -> String {
        let p: String = self
            .text
            .chars()
            .filter(|&c| c != '*')
            .map(|c| if c == '?' { 'x' } else { c })
            .collect();
        if p.is_empty() {
            "x".to_string()
        } else {
            p
        }
    }

    /// Matches `text` (any case) against this part.
    pub(crate) fn matches(&self, text: &str) -> bool {
        self.glob.is_match(text)
    }
}

/// A parsed action pattern: `*`, or `service:action` where both parts may hold
/// `*` (any run of characters) and `?` (any one character). Matching ignores
/// ASCII case.
#[derive(Clone, Debug)]
pub struct ActionPattern {
    raw: String,
    kind: Kind,
    lit_prefix: String,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// `*` alone: every action.
    All,
    Parts {
        service: Part,
        action: Part,
    },
}

impl ActionPattern {
    /// Parses `*` or `service:action`.
    ///
    /// # Errors
    /// [`PatternError`] for the empty string, a missing or repeated `:`, or an
    /// empty service or action part.
    pub fn parse(raw: &str) -> Result<ActionPattern, PatternError> {
        if raw.is_empty() {
            return Err(PatternError::Empty);
        }
        if raw == "*" {
            return Ok(ActionPattern {
                raw: raw.to_owned(),
                kind: Kind::All,
                lit_prefix: String::new(),
            });
        }
        let Some((svc, act)) = raw.split_once(':') else {
            return Err(PatternError::MissingColon {
                pattern: raw.to_owned(),
            });
        };
        if act.contains(':') {
            return Err(PatternError::ExtraColon {
                pattern: raw.to_owned(),
            });
        }
        for (text, part) in [(svc, "service"), (act, "action")] {
            if text.is_empty() {
                return Err(PatternError::EmptyPart {
                    pattern: raw.to_owned(),
                    part,
                });
            }
        }
        let (service, action) = (Part::new(svc), Part::new(act));
        let lit_prefix = if service.wild {
            service.literal_prefix().to_owned()
        } else {
            let mut prefix = String::with_capacity(service.text.len() + 1 + action.lit_len);
            prefix.push_str(&service.text);
            prefix.push(':');
            prefix.push_str(action.literal_prefix());
            prefix
        };
        Ok(ActionPattern {
            raw: raw.to_owned(),
            kind: Kind::Parts { service, action },
            lit_prefix,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The lower-cased literal text before the first wildcard (`s3:get` for
    /// `s3:Get*`, `s3` for `s3*:Get*`, empty for `*` and `*:Get*`).
    pub fn literal_prefix(&self) -> &str {
        &self.lit_prefix
    }

    /// `true` for `*` alone.
    pub fn is_all(&self) -> bool {
        matches!(self.kind, Kind::All)
    }

    /// Whether the pattern holds a `*` or `?`.
    pub fn has_wildcard(&self) -> bool {
        match &self.kind {
            Kind::All => true,
            Kind::Parts { service, action } => service.wild || action.wild,
        }
    }

    /// Whether the service part holds a wildcard (`s3*:Get*`, `*:Get*`, `*`).
    pub fn has_service_wildcard(&self) -> bool {
        match &self.kind {
            Kind::All => true,
            Kind::Parts { service, .. } => service.wild,
        }
    }

    /// The service part as written in lower case (`None` for `*`).
    pub fn service_part(&self) -> Option<&str> {
        match &self.kind {
            Kind::All => None,
            Kind::Parts { service, .. } => Some(&service.text),
        }
    }

    /// The action part as written in lower case (`None` for `*`).
    pub fn action_part(&self) -> Option<&str> {
        match &self.kind {
            Kind::All => None,
            Kind::Parts { action, .. } => Some(&action.text),
        }
    }

    pub(crate) fn kind(&self) -> &Kind {
        &self.kind
    }

    /// Whether the action name `service:action` (any case) is matched. `*` matches
    /// every string; otherwise the name must have exactly one `:`.
    pub fn matches(&self, name: &str) -> bool {
        match &self.kind {
            Kind::All => true,
            Kind::Parts { service, action } => match name.split_once(':') {
                Some((s, a)) => !a.contains(':') && service.matches(s) && action.matches(a),
                None => false,
            },
        }
    }

    /// Whether every action name matched by `other` is matched by `self`. Exact
    /// over all names `service:action` with non-empty, colon-free parts (not
    /// only the catalog's): `s3:*` covers `s3:Get*`; `s3:Get*` does not cover
    /// `s3:*Object`.
    pub fn covers(&self, other: &ActionPattern) -> bool {
        // Exact shortcuts before the automata: `*` covers everything; per part, the
        // necessary conditions of `Part::may_cover`, which decide alone when `other` is a
        // single name.
        if self.is_all() {
            return true;
        }
        if let (
            Kind::Parts {
                service: ps,
                action: pa,
            },
            Kind::Parts {
                service: qs,
                action: qa,
            },
        ) = (&self.kind, &other.kind)
        {
            if !ps.may_cover(qs) || !pa.may_cover(qa) {
                return false;
            }
            if !qs.wild && !qa.wild {
                return true;
            }
            // Exact rejection with one match per part: a name `other` matches (its `*`
            // read as nothing, `?` as `x`, a part of stars alone as `x`) that this
            // pattern does not match.
            if !ps.matches(&qs.probe()) || !pa.matches(&qa.probe()) {
                return false;
            }
        }
        let (ps, pa) = self.part_toks();
        let (qs, qa) = other.part_toks();
        glob::covers(&ps, &qs, true) && glob::covers(&pa, &qa, true)
    }

    /// Whether some action name is matched by both patterns.
    pub fn overlaps(&self, other: &ActionPattern) -> bool {
        let (ps, pa) = self.part_toks();
        let (qs, qa) = other.part_toks();
        glob::intersects(&ps, &qs, true) && glob::intersects(&pa, &qa, true)
    }

    /// A shortest action name (lower case) matched by both patterns, if any. It
    /// need not be in the catalog.
    pub fn intersection_example(&self, other: &ActionPattern) -> Option<String> {
        let (ps, pa) = self.part_toks();
        let (qs, qa) = other.part_toks();
        let s = glob::intersection_example(&ps, &qs, true)?;
        let a = glob::intersection_example(&pa, &qa, true)?;
        Some(format!("{s}:{a}"))
    }

    fn part_toks(&self) -> (Vec<Tok>, Vec<Tok>) {
        match &self.kind {
            Kind::All => (vec![glob::STAR], vec![glob::STAR]),
            Kind::Parts { service, action } => {
                (service.glob.toks().to_vec(), action.glob.toks().to_vec())
            }
        }
    }
}

/// Patterns are equal when written the same.
impl PartialEq for ActionPattern {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for ActionPattern {}

impl std::hash::Hash for ActionPattern {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl std::str::FromStr for ActionPattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActionPattern::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The naive oracle for one part: an anchored regex, letters of either ASCII case,
    /// `*` and `?` never matching `:`.
    fn part_oracle(pattern: &str) -> regex::Regex {
        let mut re = String::from("(?s)^");
        for c in pattern.chars() {
            match c {
                '*' => re.push_str("[^:]*"),
                '?' => re.push_str("[^:]"),
                c if c.is_ascii_alphabetic() => {
                    re.push_str(&format!(
                        "[{}{}]",
                        c.to_ascii_lowercase(),
                        c.to_ascii_uppercase()
                    ));
                }
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        regex::Regex::new(&re).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// One part of `service:action` matches names as the regex oracle does, for ASCII
        /// and non-ASCII names alike.
        #[test]
        fn part_matches_agree_with_a_regex(
            pattern in "[aBk*?é]{1,6}",
            name in "[aAbBkK:é]{0,8}",
        ) {
            let part = Part::new(&pattern);
            prop_assert_eq!(part.matches(&name), part_oracle(&pattern).is_match(&name));
        }
    }

    fn p(s: &str) -> ActionPattern {
        ActionPattern::parse(s).unwrap()
    }

    #[test]
    fn parse_forms_and_prefixes() {
        assert_eq!(p("*").literal_prefix(), "");
        assert_eq!(p("s3:*").literal_prefix(), "s3:");
        assert_eq!(p("S3:Get*").literal_prefix(), "s3:get");
        assert_eq!(p("s3:*Object*").literal_prefix(), "s3:");
        assert_eq!(p("iam:Pass?ole").literal_prefix(), "iam:pass");
        assert_eq!(p("s3*:Get*").literal_prefix(), "s3");
        assert_eq!(p("*:Get*").literal_prefix(), "");
        assert!(!p("s3:GetObject").has_wildcard());
        assert!(p("s3*:GetObject").has_service_wildcard());
    }

    #[test]
    fn parse_errors_are_typed() {
        assert_eq!(
            ActionPattern::parse("s3GetObject").unwrap_err(),
            PatternError::MissingColon {
                pattern: "s3GetObject".into()
            }
        );
        assert!(matches!(
            ActionPattern::parse("s3:a:b"),
            Err(PatternError::ExtraColon { .. })
        ));
        assert!(matches!(
            ActionPattern::parse("s3:"),
            Err(PatternError::EmptyPart { part: "action", .. })
        ));
        assert!(matches!(
            ActionPattern::parse(":Get"),
            Err(PatternError::EmptyPart {
                part: "service",
                ..
            })
        ));
        assert_eq!(ActionPattern::parse(""), Err(PatternError::Empty));
        assert_eq!(
            ActionPattern::parse("*Object*").unwrap_err().to_string(),
            "action `*Object*` has no `:` between the service prefix and the action name"
        );
    }

    #[test]
    fn matching_ignores_case() {
        assert!(p("s3:Get*").matches("S3:getobject"));
        assert!(p("iam:Pass?ole").matches("iam:PassRole"));
        assert!(!p("iam:Pass?ole").matches("iam:PassRRole"));
        assert!(p("s3*:Get*").matches("s3express:GetBucket"));
        assert!(!p("s3:Get*").matches("s3:Get:x"));
        assert!(p("*").matches("anything"));
        assert!(!p("s3:*").matches("s3"));
        assert!(p("s3:*Object*").matches("s3:PutObjectAcl"));
    }

    #[test]
    fn covers_examples() {
        assert!(p("s3:*").covers(&p("s3:Get*")));
        assert!(!p("s3:Get*").covers(&p("s3:*Object")));
        assert!(p("*").covers(&p("s3:Get*")));
        assert!(p("*:*").covers(&p("*")));
        assert!(p("?*:?*").covers(&p("*")), "parts are never empty");
        assert!(!p("s3:Get*").covers(&p("*")));
        assert!(p("S3:GET*").covers(&p("s3:getObject")));
        assert!(p("s3:*Object*").covers(&p("s3:Get*Object")));
        assert!(!p("s3:*Object*").covers(&p("s3:Get*")));
        assert!(p("s3:*").overlaps(&p("*:GetObject")));
        assert_eq!(
            p("s3:Get*").intersection_example(&p("s3:*Acl")).as_deref(),
            Some("s3:getacl")
        );
        assert_eq!(p("s3:Get*").intersection_example(&p("ec2:*")), None);
    }
}
