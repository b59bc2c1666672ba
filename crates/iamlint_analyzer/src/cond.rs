//! Conditions: implication between condition blocks (decided where tractable, "not proven"
//! elsewhere), concrete evaluation against a request context, and contexts that satisfy a
//! block (for witnesses).

use iamlint_matcher::{Glob, GlobOptions};
use iamlint_policy::{Condition, OperatorFamily, SetQualifier};
use iamlint_syntax::Span;
use std::collections::BTreeMap;

/// A request context: condition key (lower case) → values. A missing key is absent.
pub type Context = BTreeMap<String, Vec<String>>;

/// One `operator: {key: values}` entry of a condition block.
#[derive(Clone, Debug, PartialEq)]
pub struct CondEntry {
    pub qualifier: Option<SetQualifier>,
    /// Base operator without qualifier and `IfExists` (`StringLike`).
    pub base: String,
    pub family: Option<OperatorFamily>,
    pub negated: bool,
    pub if_exists: bool,
    /// The operator as written.
    pub operator: String,
    /// The key, lower case.
    pub key: String,
    /// The key as written.
    pub key_text: String,
    pub values: Vec<String>,
    /// Some key or value holds an unknown (placeholder, intrinsic).
    pub unresolved: bool,
    pub span: Span,
}

impl CondEntry {
    /// `StringEquals aws:RequestedRegion = [us-east-1]`-style text for reports.
    pub fn describe(&self) -> String {
        let vals = if self.values.len() == 1 {
            format!(
                "`{}`",
                self.values.first().map(String::as_str).unwrap_or("")
            )
        } else {
            format!(
                "[{}]",
                self.values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!("`{}` `{}` {}", self.operator, self.key_text, vals)
    }
}

/// The entries of a `Condition` element.
pub fn entries(cond: Option<&Condition>) -> Vec<CondEntry> {
    let Some(cond) = cond else {
        return Vec::new();
    };
    cond.entries()
        .map(|(clause, e)| {
            let op = &clause.operator;
            let unresolved = !e.key.is_resolved()
                || !clause.operator_text.is_resolved()
                || e.values.iter().any(|v| !v.is_resolved());
            CondEntry {
                qualifier: op.qualifier,
                base: op.base.clone(),
                family: op.family,
                negated: op.negated,
                if_exists: op.if_exists,
                operator: clause.operator_text.display(),
                key: e.key.display().to_ascii_lowercase(),
                key_text: e.key.display(),
                values: e.values.iter().map(|v| v.display()).collect(),
                unresolved,
                span: e.key.span,
            }
        })
        .collect()
}

/// The entries of `r` that `c` does not provably imply (empty: `c ⇒ r`).
pub fn not_implied<'r>(c: &[CondEntry], r: &'r [CondEntry]) -> Vec<&'r CondEntry> {
    r.iter()
        .filter(|re| !c.iter().any(|ce| entry_implies(ce, re, c)))
        .collect()
}

fn entry_implies(c: &CondEntry, r: &CondEntry, all_c: &[CondEntry]) -> bool {
    if c.key != r.key {
        return false;
    }
    // `Null: false` (the key is present) follows from any positive, non-IfExists test.
    if r.family == Some(OperatorFamily::Null)
        && r.qualifier.is_none()
        && !r.unresolved
        && r.values.iter().all(|v| v.eq_ignore_ascii_case("false"))
        && !c.negated
        && !c.if_exists
        && c.qualifier.is_none()
        && c.family.is_some_and(|f| f != OperatorFamily::Null)
    {
        return true;
    }
    let _ = all_c;
    if c.qualifier != r.qualifier || (c.if_exists && !r.if_exists) {
        return false;
    }
    let (Some(cf), Some(rf)) = (c.family, r.family) else {
        return false;
    };
    if c.qualifier.is_some() && (c.negated || r.negated) {
        return false;
    }
    match rf {
        OperatorFamily::String | OperatorFamily::Arn => {
            if !matches!(cf, OperatorFamily::String | OperatorFamily::Arn) {
                return false;
            }
            string_implies(c, r)
        }
        OperatorFamily::Numeric | OperatorFamily::Date => {
            if cf != rf || c.unresolved || r.unresolved {
                return false;
            }
            numeric_implies(c, r, rf)
        }
        OperatorFamily::Bool | OperatorFamily::Null | OperatorFamily::Binary => {
            cf == rf
                && c.base == r.base
                && c.values.iter().all(|v| {
                    r.values.iter().any(|w| {
                        if rf == OperatorFamily::Binary {
                            v == w
                        } else {
                            v.eq_ignore_ascii_case(w)
                        }
                    })
                })
        }
        OperatorFamily::IpAddress => {
            if cf != rf || c.unresolved || r.unresolved {
                return false;
            }
            let (Some(cn), Some(rn)) = (cidrs(&c.values), cidrs(&r.values)) else {
                return false;
            };
            match (c.negated, r.negated) {
                (false, false) => cn.iter().all(|a| rn.iter().any(|b| b.contains(a))),
                (true, true) => rn.iter().all(|b| cn.iter().any(|a| a.contains(b))),
                (false, true) => cn.iter().all(|a| rn.iter().all(|b| a.disjoint(b))),
                (true, false) => false,
            }
        }
    }
}

fn string_kind(e: &CondEntry) -> (bool, bool, bool) {
    // (wildcards, ignore case, arn semantics)
    let ignore = e.base.contains("IgnoreCase");
    let arn = e.family == Some(OperatorFamily::Arn);
    let wild = e.base.contains("Like") || arn;
    (wild, ignore, arn)
}

fn string_implies(c: &CondEntry, r: &CondEntry) -> bool {
    let (cw, ci, _) = string_kind(c);
    let (rw, ri, rarn) = string_kind(r);
    if ci && !ri {
        return false;
    }
    // a value of `c` as a literal, when it has no wildcard
    let literal = |v: &String| -> bool { !cw || !(v.contains('*') || v.contains('?')) };
    // does literal value v satisfy r's positive test?
    let r_pos = |v: &str| -> bool {
        r.values.iter().any(|w| {
            if rw {
                like(w, rarn, false).is_match(v)
            } else if ri {
                v.eq_ignore_ascii_case(w)
            } else {
                v == w
            }
        })
    };
    // an unknown value can only be compared by equality of its text
    let c_unres = c.values.iter().any(|v| v.contains('<') || v.contains("${"));
    match (c.negated, r.negated) {
        (false, false) => c.values.iter().all(|v| {
            if literal(v) && !c_unres {
                r_pos(v)
            } else {
                // a pattern of `c` is only implied by the same pattern in `r` (or `*`);
                // a literal `r` value equal to the pattern's text matches just that text
                let c_pattern = cw && (v.contains('*') || v.contains('?'));
                r.values
                    .iter()
                    .any(|w| (w == v && (rw || !c_pattern)) || (rw && w == "*"))
            }
        }),
        (true, true) => {
            // c: key matches none of Vc; r: key matches none of Vr. Implied when every
            // r value is (case-compatibly) among c's values with the same matching kind.
            (cw == rw) && (!ci || ri) && r.values.iter().all(|w| c.values.iter().any(|v| v == w))
        }
        (false, true) => {
            if c.unresolved || r.unresolved {
                return false;
            }
            c.values.iter().all(|v| {
                literal(v) && !r_pos(v) && {
                    // an ignore-case `r` must not match another case of v: checked by r_pos;
                    // a case-insensitive `c` value stands for every case of v
                    !ci || !r.values.iter().any(|w| w.eq_ignore_ascii_case(v) || rw)
                }
            })
        }
        (true, false) => false,
    }
}

/// A closed or open interval; values compared as f64.
#[derive(Clone, Copy, Debug)]
struct Interval {
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
}

impl Interval {
    fn within(&self, o: &Interval) -> bool {
        let lo_ok = self.lo > o.lo || (self.lo == o.lo && (!o.lo_open || self.lo_open));
        let hi_ok = self.hi < o.hi || (self.hi == o.hi && (!o.hi_open || self.hi_open));
        lo_ok && hi_ok
    }
    fn contains(&self, x: f64) -> bool {
        (x > self.lo || (x == self.lo && !self.lo_open))
            && (x < self.hi || (x == self.hi && !self.hi_open))
    }
}

fn parse_num(v: &str, fam: OperatorFamily) -> Option<f64> {
    match fam {
        OperatorFamily::Date => parse_date(v),
        _ => v.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
    }
}

/// Epoch seconds of an ISO 8601 date (`2024-01-31`, `2024-01-31T10:00:00Z`) or a number.
pub fn parse_date(v: &str) -> Option<f64> {
    let v = v.trim();
    if let Ok(x) = v.parse::<f64>() {
        return Some(x);
    }
    let (date, time) = match v.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (v, None),
    };
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = 0f64;
    if let Some(t) = time {
        let t = t.strip_suffix('Z')?;
        let t = t.split('.').next()?;
        let mut parts = t.split(':');
        let h: f64 = parts.next()?.parse().ok()?;
        let mi: f64 = parts.next().unwrap_or("0").parse().ok()?;
        let s: f64 = parts.next().unwrap_or("0").parse().ok()?;
        secs = h * 3600.0 + mi * 60.0 + s;
    }
    // days from civil (Howard Hinnant's algorithm)
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days as f64 * 86400.0 + secs)
}

fn intervals(e: &CondEntry, fam: OperatorFamily) -> Option<Vec<Interval>> {
    let inf = f64::INFINITY;
    let base = e
        .base
        .trim_start_matches("Numeric")
        .trim_start_matches("Date");
    e.values
        .iter()
        .map(|v| {
            let x = parse_num(v, fam)?;
            Some(match base {
                "Equals" => Interval {
                    lo: x,
                    lo_open: false,
                    hi: x,
                    hi_open: false,
                },
                "LessThan" => Interval {
                    lo: -inf,
                    lo_open: true,
                    hi: x,
                    hi_open: true,
                },
                "LessThanEquals" => Interval {
                    lo: -inf,
                    lo_open: true,
                    hi: x,
                    hi_open: false,
                },
                "GreaterThan" => Interval {
                    lo: x,
                    lo_open: true,
                    hi: inf,
                    hi_open: true,
                },
                "GreaterThanEquals" => Interval {
                    lo: x,
                    lo_open: false,
                    hi: inf,
                    hi_open: true,
                },
                _ => return None,
            })
        })
        .collect()
}

fn numeric_implies(c: &CondEntry, r: &CondEntry, fam: OperatorFamily) -> bool {
    match (c.negated, r.negated) {
        (false, false) => {
            let (Some(ci), Some(ri)) = (intervals(c, fam), intervals(r, fam)) else {
                return false;
            };
            ci.iter().all(|a| ri.iter().any(|b| a.within(b)))
        }
        (false, true) => {
            // r: value differs from every r value
            let Some(ci) = intervals(c, fam) else {
                return false;
            };
            let Some(rv) = r
                .values
                .iter()
                .map(|v| parse_num(v, fam))
                .collect::<Option<Vec<_>>>()
            else {
                return false;
            };
            ci.iter().all(|a| rv.iter().all(|x| !a.contains(*x)))
        }
        (true, true) => {
            let cv: Option<Vec<f64>> = c.values.iter().map(|v| parse_num(v, fam)).collect();
            let rv: Option<Vec<f64>> = r.values.iter().map(|v| parse_num(v, fam)).collect();
            match (cv, rv) {
                (Some(cv), Some(rv)) => rv.iter().all(|x| cv.contains(x)),
                _ => false,
            }
        }
        (true, false) => false,
    }
}

/// An IPv4 or IPv6 block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    v6: bool,
    addr: u128,
    len: u32,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, l) = match s.trim().split_once('/') {
            Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
            None => (s.trim(), None),
        };
        let ip: std::net::IpAddr = a.parse().ok()?;
        let (v6, addr, max) = match ip {
            std::net::IpAddr::V4(v4) => (false, u128::from(u32::from(v4)), 32),
            std::net::IpAddr::V6(v6) => (true, u128::from(v6), 128),
        };
        let len = l.unwrap_or(max);
        if len > max {
            return None;
        }
        // IPv4 addresses sit in the low 32 bits, so their prefix length is shifted by 96
        let c = Cidr {
            v6,
            addr,
            len: len + (128 - max),
        };
        Some(Cidr {
            addr: addr & c.mask(),
            ..c
        })
    }

    fn mask(&self) -> u128 {
        if self.len == 0 {
            0
        } else {
            u128::MAX << (128 - self.len)
        }
    }

    fn full_addr(&self) -> u128 {
        self.addr
    }

    pub fn contains(&self, o: &Cidr) -> bool {
        self.v6 == o.v6 && self.len <= o.len && (o.full_addr() & self.mask()) == self.addr
    }

    pub fn disjoint(&self, o: &Cidr) -> bool {
        !(self.contains(o) || o.contains(self))
    }

    /// The first address, as text.
    pub fn first(&self) -> String {
        if self.v6 {
            std::net::Ipv6Addr::from(self.addr).to_string()
        } else {
            std::net::Ipv4Addr::from(u32::try_from(self.addr & 0xffff_ffff).unwrap_or(0))
                .to_string()
        }
    }
}

fn cidrs(values: &[String]) -> Option<Vec<Cidr>> {
    values.iter().map(|v| Cidr::parse(v)).collect()
}

/// A condition value as a wildcard pattern: `*` any run of characters (not across `:` for
/// the ARN operators, as iamlint compares them), `?` one character; ASCII case ignored with
/// the `IgnoreCase` operators.
fn like(pattern: &str, arn: bool, ignore_case: bool) -> Glob {
    Glob::new(
        pattern,
        GlobOptions {
            ignore_ascii_case: ignore_case,
            star_stops_at_colon: arn,
            one_stops_at_colon: false,
        },
    )
}

/// The positive test of one value against one entry's values (`None`: cannot decide).
fn value_matches(e: &CondEntry, v: &str) -> Option<bool> {
    let fam = e.family?;
    match fam {
        OperatorFamily::String | OperatorFamily::Arn => {
            let (wild, ignore, arn) = string_kind(e);
            Some(e.values.iter().any(|w| {
                if wild {
                    like(w, arn, ignore).is_match(v)
                } else if ignore {
                    w.eq_ignore_ascii_case(v)
                } else {
                    w == v
                }
            }))
        }
        OperatorFamily::Numeric | OperatorFamily::Date => {
            let x = parse_num(v, fam)?;
            if e.negated {
                let vals: Option<Vec<f64>> = e.values.iter().map(|w| parse_num(w, fam)).collect();
                return Some(vals?.contains(&x));
            }
            Some(intervals(e, fam)?.iter().any(|i| i.contains(x)))
        }
        OperatorFamily::Bool => Some(e.values.iter().any(|w| w.eq_ignore_ascii_case(v))),
        OperatorFamily::Binary => Some(e.values.iter().any(|w| w == v)),
        OperatorFamily::IpAddress => {
            let ip = Cidr::parse(v)?;
            Some(cidrs(&e.values)?.iter().any(|c| c.contains(&ip)))
        }
        OperatorFamily::Null => None,
    }
}

/// Evaluate one entry on a context (`None`: cannot decide).
pub fn eval_entry(e: &CondEntry, ctx: &Context) -> Option<bool> {
    if e.unresolved || e.family.is_none() {
        return None;
    }
    let vals = ctx.get(&e.key).filter(|v| !v.is_empty());
    if e.family == Some(OperatorFamily::Null) {
        let want_absent = e.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let want_present = e.values.iter().any(|v| v.eq_ignore_ascii_case("false"));
        let absent = vals.is_none();
        return Some((want_absent && absent) || (want_present && !absent));
    }
    let Some(vals) = vals else {
        return Some(match e.qualifier {
            _ if e.if_exists => true,
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => e.negated,
        });
    };
    let pos: Option<Vec<bool>> = vals.iter().map(|v| value_matches(e, v)).collect();
    let pos = pos?;
    // negated operators: the value matches none of the listed values
    let each: Vec<bool> = pos
        .iter()
        .map(|m| if e.negated { !m } else { *m })
        .collect();
    Some(match e.qualifier {
        Some(SetQualifier::ForAllValues) => each.iter().all(|b| *b),
        Some(SetQualifier::ForAnyValue) => each.iter().any(|b| *b),
        None => {
            if e.negated {
                each.iter().all(|b| *b)
            } else {
                each.iter().any(|b| *b)
            }
        }
    })
}

/// Evaluate a block (conjunction): `None` when some entry cannot be decided and no entry
/// is false.
pub fn eval_block(entries: &[CondEntry], ctx: &Context) -> Option<bool> {
    let mut unknown = false;
    for e in entries {
        match eval_entry(e, ctx) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// Candidate values that could satisfy an entry (`None` in the list: the key absent).
fn candidates(e: &CondEntry) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None];
    let Some(fam) = e.family else { return out };
    match fam {
        OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Binary => {
            for v in &e.values {
                out.push(Some(v.replace(['*', '?'], "x")));
            }
            out.push(Some("iamlint-example".into()));
        }
        OperatorFamily::Numeric | OperatorFamily::Date => {
            for v in &e.values {
                if let Some(x) = parse_num(v, fam) {
                    for d in [0.0, -1.0, 1.0] {
                        out.push(Some(format!("{}", x + d)));
                    }
                }
            }
            out.push(Some("0".into()));
        }
        OperatorFamily::Bool => {
            out.push(Some("true".into()));
            out.push(Some("false".into()));
        }
        OperatorFamily::IpAddress => {
            for v in &e.values {
                if let Some(c) = Cidr::parse(v) {
                    out.push(Some(c.first()));
                }
            }
            out.push(Some("203.0.113.7".into()));
        }
        OperatorFamily::Null => out.push(Some("iamlint-example".into())),
    }
    out
}

/// Contexts satisfying every entry, most useful first (at most a handful). Empty when no
/// candidate satisfies them.
pub fn satisfying_contexts(entries: &[CondEntry]) -> Vec<Context> {
    let mut keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut per_key: Vec<(&str, Vec<Option<String>>)> = Vec::new();
    for k in &keys {
        let on_key: Vec<&CondEntry> = entries.iter().filter(|e| e.key == *k).collect();
        let mut cands: Vec<Option<String>> = Vec::new();
        for e in &on_key {
            for c in candidates(e) {
                if !cands.contains(&c) {
                    cands.push(c);
                }
            }
        }
        let ok: Vec<Option<String>> = cands
            .into_iter()
            .filter(|c| {
                let mut ctx = Context::new();
                if let Some(v) = c {
                    ctx.insert((*k).to_string(), vec![v.clone()]);
                }
                on_key.iter().all(|e| eval_entry(e, &ctx) == Some(true))
            })
            .collect();
        if ok.is_empty() {
            return Vec::new();
        }
        per_key.push((k, ok));
    }
    let build = |choice: &[usize]| -> Context {
        let mut ctx = Context::new();
        for ((k, c), i) in per_key.iter().zip(choice) {
            if let Some(Some(v)) = c.get(*i) {
                ctx.insert((*k).to_string(), vec![v.clone()]);
            }
        }
        ctx
    };
    let base = vec![0usize; per_key.len()];
    let mut out = vec![build(&base)];
    for (ki, (_, c)) in per_key.iter().enumerate() {
        for i in 1..c.len().min(6) {
            let mut ch = base.clone();
            ch[ki] = i;
            out.push(build(&ch));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_policy::Operator;
    use proptest::prelude::*;

    /// The naive oracle: the glob as an anchored regex (`*` any run, `?` one character,
    /// `:` excluded from `*` unless `star_colon`; letters of either ASCII case with
    /// `ignore_case`).
    fn oracle(pattern: &str, star_colon: bool, ignore_case: bool) -> regex::Regex {
        let mut re = String::from("(?s)^");
        for c in pattern.chars() {
            match c {
                '*' if star_colon => re.push_str(".*"),
                '*' => re.push_str("[^:]*"),
                '?' => re.push('.'),
                c if ignore_case && c.is_ascii_alphabetic() => {
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

        /// Condition values are matched as the regex oracle matches them.
        #[test]
        fn like_agrees_with_a_regex(
            pattern in "[aBk:*?é]{0,6}",
            value in "[aAbBkK:é\nx]{0,8}",
            star_colon: bool,
            ignore_case: bool,
        ) {
            prop_assert_eq!(
                like(&pattern, !star_colon, ignore_case).is_match(&value),
                oracle(&pattern, star_colon, ignore_case).is_match(&value)
            );
        }
    }

    fn e(op: &str, key: &str, vals: &[&str]) -> CondEntry {
        let o = Operator::parse(op);
        CondEntry {
            qualifier: o.qualifier,
            base: o.base.clone(),
            family: o.family,
            negated: o.negated,
            if_exists: o.if_exists,
            operator: op.into(),
            key: key.to_ascii_lowercase(),
            key_text: key.into(),
            values: vals.iter().map(|s| s.to_string()).collect(),
            unresolved: false,
            span: Span::default(),
        }
    }

    #[test]
    fn implication() {
        let r = [e(
            "StringEquals",
            "aws:RequestedRegion",
            &["us-east-1", "eu-west-1"],
        )];
        assert!(not_implied(
            &[e("StringEquals", "aws:requestedregion", &["us-east-1"])],
            &r
        )
        .is_empty());
        assert_eq!(
            not_implied(
                &[e("StringEquals", "aws:RequestedRegion", &["ap-south-1"])],
                &r
            )
            .len(),
            1
        );
        assert_eq!(not_implied(&[], &r).len(), 1);
        let r = [e("StringLike", "s3:prefix", &["home/*"])];
        assert!(not_implied(&[e("StringEquals", "s3:prefix", &["home/a"])], &r).is_empty());
        assert_eq!(
            not_implied(&[e("StringLike", "s3:prefix", &["ho*"])], &r).len(),
            1
        );
        // a Like pattern is not implied by a literal equal to the pattern's text
        let r = [e("StringEquals", "k", &["a*"])];
        assert_eq!(not_implied(&[e("StringLike", "k", &["a*"])], &r).len(), 1);
        assert!(not_implied(&[e("StringEquals", "k", &["a*"])], &r).is_empty());
        let r = [e("IpAddress", "aws:SourceIp", &["10.0.0.0/8"])];
        assert!(not_implied(&[e("IpAddress", "aws:SourceIp", &["10.1.0.0/16"])], &r).is_empty());
        assert_eq!(
            not_implied(&[e("IpAddress", "aws:SourceIp", &["11.0.0.0/16"])], &r).len(),
            1
        );
        let r = [e("NumericLessThan", "s3:max-keys", &["10"])];
        assert!(not_implied(&[e("NumericLessThanEquals", "s3:max-keys", &["9"])], &r).is_empty());
        assert_eq!(
            not_implied(&[e("NumericLessThanEquals", "s3:max-keys", &["10"])], &r).len(),
            1
        );
        let r = [e("StringEqualsIfExists", "k", &["a"])];
        assert!(not_implied(&[e("StringEquals", "k", &["a"])], &r).is_empty());
        let r = [e("StringEquals", "k", &["a"])];
        assert_eq!(
            not_implied(&[e("StringEqualsIfExists", "k", &["a"])], &r).len(),
            1
        );
        let r = [e("StringNotEquals", "k", &["a"])];
        assert!(not_implied(&[e("StringEquals", "k", &["b"])], &r).is_empty());
        assert!(not_implied(&[e("StringNotEquals", "k", &["a", "b"])], &r).is_empty());
        let r = [e(
            "DateLessThan",
            "aws:CurrentTime",
            &["2030-01-01T00:00:00Z"],
        )];
        assert!(
            not_implied(&[e("DateLessThan", "aws:CurrentTime", &["2029-01-01"])], &r).is_empty()
        );
    }

    #[test]
    fn evaluation_and_contexts() {
        let c = [
            e("StringLike", "s3:prefix", &["home/*"]),
            e("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            e("BoolIfExists", "aws:MultiFactorAuthPresent", &["true"]),
        ];
        let ctxs = satisfying_contexts(&c);
        assert!(!ctxs.is_empty());
        for ctx in &ctxs {
            assert_eq!(eval_block(&c, ctx), Some(true), "{ctx:?}");
        }
        let mut ctx = Context::new();
        ctx.insert("s3:prefix".into(), vec!["other".into()]);
        assert_eq!(eval_entry(&c[0], &ctx), Some(false));
        assert_eq!(
            eval_entry(&e("StringNotEquals", "k", &["a"]), &Context::new()),
            Some(true)
        );
        assert_eq!(
            eval_entry(&e("Null", "k", &["true"]), &Context::new()),
            Some(true)
        );
    }
}
