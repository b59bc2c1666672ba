use crate::rules::catalog_support::{judgeable, value_fits};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OperatorFamily as F;

declare_rule! {
    /// ## What it does
    /// Reports a condition value that does not parse as its operator's type: a number
    /// for `Numeric` operators; a date for `Date` operators (ISO 8601 such as
    /// `2026-01-31` or `2026-01-31T12:00:00Z`, or epoch seconds); `true` or `false`
    /// for `Bool` and `Null`; an IPv4 or IPv6 address or CIDR block for `IpAddress`;
    /// base64 for `BinaryEquals`. Several values for one key are fine (any of them may
    /// match).
    ///
    /// Values with placeholders, CloudFormation intrinsics or policy variables are not
    /// judged.
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
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let Some(family) = clause.operator.family else {
                    continue;
                };
                let op = clause.operator_text.display();
                for v in &entry.values {
                    let Some(text) = judgeable(v) else { continue };
                    if value_fits(family, text) != Some(false) {
                        continue;
                    }
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
                }
            }
        }
    }
}
