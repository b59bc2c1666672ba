use crate::rules::redundant_action::pairwise_redundant;
use crate::rules::resource_fit::loose_match;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ArnPattern;
use iamlint_policy::ElementList;

declare_rule! {
    /// ## What it does
    /// Reports a `Resource` (or `NotResource`) item that another item of the same
    /// statement already covers: `arn:aws:s3:::b/logs/*` next to `arn:aws:s3:::b/*`,
    /// anything next to `*`, and exact duplicates (ARNs are compared case-sensitively, as
    /// IAM does).
    ///
    /// Coverage is exact for patterns without policy variables; a `${aws:username}` is
    /// covered only by the same variable or by a `*` that ends the segment. Items with
    /// placeholders or CloudFormation intrinsics are never compared. Two full ARNs are
    /// compared field by field as well: a pattern that covers another only because a `*`
    /// ending its account or Region field runs on across the next `:`
    /// (`arn:aws:logs:*:*:/aws/x*` and `arn:aws:logs:*:*:log-group:/aws/x*`) is more
    /// likely a malformed item than a broader one, and the pair is not reported.
    ///
    /// A resource listed beside what is inside it, written as its own text followed by
    /// `/` or `:` (`arn:aws:s3:::logs-*` and `arn:aws:s3:::logs-*/*`, a log group and
    /// `...:log-stream:*`), is not reported, though the first covers the second: it is
    /// the common way to name a container and its contents, and 165 of the 169 findings
    /// such pairs gave on the AWS managed policies were of that idiom. (IAM Access
    /// Analyzer's "Redundant resource" does not make that exception.)
    ///
    /// ## Why is this bad?
    /// The item changes nothing. Next to `*` it is worse than noise: it suggests the
    /// statement is scoped when it is not.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*"]}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"]}]}
    /// ```
    ///
    /// ## References
    /// - IAM JSON policy elements: Resource (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub RedundantResource {
        code: "IAM504",
        name: "redundant-resource",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "a resource item already covered by another item of the same statement",
    }
}

impl Rule for RedundantResource {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(list) = &st.resource else { continue };
            for (redundant, covering) in redundant_items(list) {
                let (Some(r), Some(c)) = (list.items.get(redundant), list.items.get(covering))
                else {
                    continue;
                };
                let (rs, cs) = (r.display(), c.display());
                // a resource and what is inside it (`b-*` and `b-*/*`, a log group and
                // its streams): a common way to say both, though the first covers the
                // second; not reported
                if rs.len() > cs.len()
                    && rs.starts_with(cs.as_str())
                    && matches!(rs.as_bytes().get(cs.len()), Some(b'/' | b':'))
                {
                    continue;
                }
                let key = list.key_name("Resource");
                let (message, other) = if rs == cs {
                    (
                        format!("`{rs}` is listed twice in `{key}`"),
                        "first listed here".to_string(),
                    )
                } else {
                    (
                        format!("`{rs}` is already covered by `{cs}` in the same `{key}`"),
                        format!("`{cs}` covers it"),
                    )
                };
                let mut f = Finding::new(r.span, r.path.clone(), message)
                    .label("redundant")
                    .secondary(c.span, other)
                    .help(format!("remove `{rs}`"))
                    .sid(st);
                let crosses_slash = cs
                    .strip_suffix('*')
                    .and_then(|prefix| rs.strip_prefix(prefix))
                    .is_some_and(|rest| rest.contains('/'));
                if cs != "*" && rs != cs && crosses_slash {
                    f = f.note("a `*` in a resource pattern matches any characters, `/` included");
                }
                if cs == "*" && !list.negated {
                    f = f.note("the statement applies to every resource: if it was meant to be scoped, remove `*` instead");
                }
                sink.report(f);
            }
        }
    }
}

fn redundant_items(list: &ElementList) -> Vec<(usize, usize)> {
    let pats: Vec<Option<ArnPattern>> = list
        .items
        .iter()
        .map(|t| t.as_literal().and_then(|s| ArnPattern::parse(s).ok()))
        .collect();
    // a pattern covers another only if the texts before their first wildcard or
    // variable agree (one begins the other): a cheap, exact test that spares the
    // automata for most pairs
    let starts: Vec<&[u8]> = list
        .items
        .iter()
        .map(|t| {
            let s = t.as_literal().unwrap_or("");
            s.as_bytes()
                .get(..s.find(['*', '?', '$']).unwrap_or(s.len()))
                .unwrap_or(&[])
        })
        .collect();
    let indexed: Vec<Option<(usize, ArnPattern)>> = pats
        .into_iter()
        .enumerate()
        .map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    pairwise_redundant(&indexed, |(i, a), (j, b)| {
        let (x, y) = (
            starts.get(*i).copied().unwrap_or(&[]),
            starts.get(*j).copied().unwrap_or(&[]),
        );
        let n = x.len().min(y.len());
        x.get(..n) == y.get(..n)
            && loosely_covers(a.as_str(), b.as_str())
            && a.covers(b)
            && covers_field_by_field(a.as_str(), b.as_str())
    })
}

/// For two full ARN patterns (six `:`-separated fields), whether each of the first five
/// fields of `a` covers the same field of `b`, and `a`'s resource part covers `b`'s. A
/// `*` that ends a field may match across the `:` that follows it, so
/// `arn:aws:logs:*:*:/aws/lambda/x*` covers `arn:aws:logs:*:*:log-group:/aws/lambda/x*`
/// only through its account field; that reading is not one to tell a user to delete the
/// well-formed item over, so such pairs are not reported. Patterns of fewer fields
/// (`*`, `arn:aws:s3:::*`-like prefixes) are left to plain coverage.
fn covers_field_by_field(a: &str, b: &str) -> bool {
    let (Some(fa), Some(fb)) = (six_fields(a), six_fields(b)) else {
        return true;
    };
    fa.iter().zip(&fb).all(|(x, y)| field_covers(x, y))
}

fn six_fields(s: &str) -> Option<[&str; 6]> {
    let mut it = s.splitn(6, ':');
    Some([
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ])
}

fn field_covers(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_empty() {
        return false;
    }
    if b.is_empty() {
        return a.bytes().all(|c| c == b'*');
    }
    match (ArnPattern::parse(a), ArnPattern::parse(b)) {
        (Ok(pa), Ok(pb)) => pa.covers(&pb),
        _ => false,
    }
}

/// `false` when `a` surely does not cover `b`: `b` with its wildcards read as `x` is one
/// ARN `b` matches, and `a` does not match it even with every `*` matching anything and
/// every `?` any character (looser than IAM, so never a wrong `false`). `true` with a
/// variable on either side: nothing is known.
fn loosely_covers(a: &str, b: &str) -> bool {
    if a.contains('$') || b.contains('$') {
        return true;
    }
    let text: Vec<u8> = b
        .bytes()
        .map(|c| if c == b'*' || c == b'?' { b'x' } else { c })
        .collect();
    loose_match(a.as_bytes(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_coverage_never_denies_a_real_one() {
        let pairs = [
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/logs/*",
            "arn:aws:s3:::b",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*:*:volume/*",
            "arn:aws:ec2:us-east-1:*:instance/i-?",
            "arn:aws:logs:*:*:log-group:g:*",
            "arn:aws:logs:*:*:log-group:g",
            "*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::a*b",
            "arn:aws:s3:::aab",
        ];
        for a in pairs {
            for b in pairs {
                let (pa, pb) = (ArnPattern::parse(a).unwrap(), ArnPattern::parse(b).unwrap());
                if pa.covers(&pb) {
                    assert!(loosely_covers(a, b), "{a} covers {b}");
                }
            }
        }
        assert!(!loosely_covers(
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*:*:volume/*"
        ));
        assert!(loose_match(b"a*b*c", b"axxbyyc"));
        assert!(!loose_match(b"a*b", b"axxc"));
        assert!(loose_match(b"*", b""));
    }

    #[test]
    fn coverage_through_a_field_ending_star_is_not_reported() {
        let a = "arn:aws:logs:*:*:/aws/lambda/Lake*";
        let b = "arn:aws:logs:*:*:log-group:/aws/lambda/Lake*";
        assert!(ArnPattern::parse(a)
            .unwrap()
            .covers(&ArnPattern::parse(b).unwrap()));
        assert!(!covers_field_by_field(a, b));
        assert!(covers_field_by_field(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/logs/*"
        ));
        assert!(covers_field_by_field(
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1::instance/i-1"
        ));
        assert!(!covers_field_by_field(
            "arn:aws:ec2:us-east-1:*:instance/*",
            "arn:aws:ec2::*:instance/*"
        ));
        assert!(covers_field_by_field("*", "arn:aws:s3:::b"));
    }
}
