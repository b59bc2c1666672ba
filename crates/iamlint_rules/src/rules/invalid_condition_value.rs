use crate::rules::catalog_support::{judgeable, value_fits};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Severity, Sink};
use iamlint_policy::OperatorFamily as F;
use iamlint_policy::{ConditionClause, ConditionEntry, IssueKind, Text};

declare_rule! {
    /// ## What it does
    /// Reports a condition value that does not parse as its operator's type: a number
    /// for `Numeric` operators; a date for `Date` operators (ISO 8601 such as
    /// `2026-01-31` or `2026-01-31T12:00:00Z`, or epoch seconds); `true` or `false`
    /// for `Bool` and `Null`; an IPv4 or IPv6 address or CIDR block for `IpAddress`;
    /// base64 for `BinaryEquals`. Several values for one key are fine (any of them may
    /// match). Also reported:
    /// - a policy variable (`${aws:PrincipalTag/max}`) under an operator other than
    ///   `String` and `Arn` ones, which IAM does not substitute there;
    /// - `Bool` with both `true` and `false` for one key;
    /// - values of more than one JSON type for one key (`["dev", 5]`), which IAM Access
    ///   Analyzer rejects;
    /// - a date in epoch seconds (`1767225600`), at warning: IAM reads it, but AWS
    ///   recommends ISO 8601, which a reviewer can read.
    ///
    /// Values with placeholders or CloudFormation intrinsics are not judged; values with
    /// policy variables only under the operators that substitute them.
    ///
    /// ## Why is this bad?
    /// A value that does not parse never matches: a condition meant to restrict an
    /// `Allow` makes it grant nothing, and a negated condition in a `Deny` blocks every
    /// request. IAM rejects some such values when the policy is saved.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    pub InvalidConditionValue {
        code: "IAM130",
        name: "invalid-condition-value",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition value that does not parse as its operator's type",
    }
}

fn expected(f: F) -> &'static str {
    match f {
        F::Numeric => "a number",
        F::Date => "a date (ISO 8601 such as `2026-01-31T12:00:00Z`, or epoch seconds)",
        F::Bool | F::Null => "`true` or `false`",
        F::IpAddress => "an IP address or CIDR block (`203.0.113.0/24`, `2001:db8::/32`)",
        F::Binary => "base64 text",
        F::String | F::Arn => "a string",
    }
}

impl Rule for InvalidConditionValue {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::MixedValueTypes)
        {
            let mut f = Finding::new(
                issue.span,
                issue.path.clone(),
                format!(
                    "{}: IAM Access Analyzer rejects a list of values of more than one type",
                    issue.message
                ),
            )
            .label("another JSON type")
            .help("write every value as a string (`\"5\"`, `\"true\"`): operators parse strings as their own type");
            if let Some(first) = issue.related {
                f = f.secondary(first, "the first value's type");
            }
            sink.report(f);
        }
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let Some(family) = clause.operator.family else {
                    continue;
                };
                let op = clause.operator_text.display();
                for v in &entry.values {
                    if let Some(f) = variable_not_substituted(clause, v, family, &op) {
                        sink.report(f.sid(st));
                        continue;
                    }
                    let Some(text) = judgeable(v) else { continue };
                    if value_fits(family, text) == Some(false) {
                        sink.report(
                            Finding::new(
                                v.span,
                                v.path.clone(),
                                format!(
                                    "`{text}` is not {} as `{op}` needs; a value that does not parse never matches",
                                    expected(family)
                                ),
                            )
                            .label("does not parse")
                            .secondary(clause.operator_text.span, "operator")
                            .help(format!("write {}", expected(family)))
                            .sid(st),
                        );
                    } else if family == F::Date && is_epoch(text) {
                        sink.report(epoch_date(text, v, clause, &op).sid(st));
                    }
                }
                if family == F::Bool {
                    if let Some(f) = both_booleans(entry, &op) {
                        sink.report(f.sid(st));
                    }
                }
            }
        }
    }
}

/// Epoch seconds: digits only (ISO 8601 dates have `-`).
fn is_epoch(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn epoch_date(text: &str, v: &Text, clause: &ConditionClause, op: &str) -> Finding {
    let mut f = Finding::new(
        v.span,
        v.path.clone(),
        format!("`{text}` is a date in epoch seconds; `{op}` reads it, but a number is easy to get wrong (milliseconds, a time zone assumed) and hard to review"),
    )
    .label("epoch seconds")
    .secondary(clause.operator_text.span, "operator")
    .help("write the date in ISO 8601, such as `2026-01-31` or `2026-01-31T12:00:00Z`");
    f.at_most = Some(Severity::Warning);
    f
}

/// A policy variable under an operator that does not substitute it: only `String` and
/// `Arn` operators do, elsewhere `${...}` is compared as text and never parses.
fn variable_not_substituted(
    clause: &ConditionClause,
    v: &Text,
    family: F,
    op: &str,
) -> Option<Finding> {
    if matches!(family, F::String | F::Arn) {
        return None;
    }
    let text = v.as_literal()?;
    let start = text.find("${")?;
    let end = text[start..]
        .find('}')
        .map_or(text.len(), |e| start + e + 1);
    let var = &text[start..end];
    Some(
        Finding::new(
            v.span,
            v.path.clone(),
            format!("policy variable `{var}` under `{op}`: IAM substitutes variables only under `String` and `Arn` operators, so the value is the text `{text}`, which never parses"),
        )
        .label("not substituted here")
        .secondary(clause.operator_text.span, "operator")
        .help("compare with a literal value, or move the comparison to a `String` operator"),
    )
}

/// `Bool` with both `true` and `false`: the condition holds for every request that has
/// the key, whatever its value.
fn both_booleans(entry: &ConditionEntry, op: &str) -> Option<Finding> {
    let value = |want: &str| {
        entry
            .values
            .iter()
            .find(|v| judgeable(v).is_some_and(|t| t.eq_ignore_ascii_case(want)))
    };
    let (t, f) = (value("true")?, value("false")?);
    let key = entry.key.display();
    Some(
        Finding::new(
            f.span,
            f.path.clone(),
            format!("`{op}` on `{key}` lists both `true` and `false`: the condition holds whenever the request has the key, so it tests only that the key is present"),
        )
        .label("both values")
        .secondary(t.span, "`true` is listed too")
        .help(format!("keep the one value meant; to test that `{key}` is present, use `Null` with `false`")),
    )
}
