use crate::rules::catalog_support::KeyLookup;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::ConditionBaseType;

declare_rule! {
    /// ## What it does
    /// Reports `StringLike` or `StringNotLike` on a condition key that holds ARNs (the
    /// catalog's `ARN` and `ArrayOfARN` types: `aws:SourceArn`, `aws:PrincipalArn`,
    /// `iam:PolicyARN`, ...) when a value has a wildcard before its resource part that
    /// is not its last character (`arn:aws:iam::*:root`): only there do the two
    /// operators differ. A value without wildcards, or with wildcards only in the resource
    /// part (`arn:aws:iam::aws:policy/Admin*`), matches the same ARNs under both, and a
    /// value that is not literal cannot be told: those are not reported.
    ///
    /// ## Why is this bad?
    /// AWS recommends the ARN operators for ARN keys: `ArnLike` checks the six
    /// `:`-separated fields of an ARN one by one, each wildcard staying within its field,
    /// while a `*` of `StringLike` can run across the `:` between fields, so a pattern can
    /// match ARNs of a shape its author did not mean. (`condition-type-mismatch` accepts
    /// string operators on ARN keys, as AWS's operator reference does; this rule asks
    /// for the stricter form where wildcards are involved.)
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs", "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators" (ARN condition operators): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>
    /// - IAM User Guide, "IAM policy validation check reference" (String like operator with ARN condition keys): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub StringOperatorOnArnKey {
        code: "IAM410",
        name: "string-operator-on-arn-key",
        group: "exposure",
        severity: Warning,
        enabled: true,
        summary: "`StringLike` on a condition key that holds ARNs",
    }
}

impl Rule for StringOperatorOnArnKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let op = &clause.operator;
                if !(op.base == "StringLike" || op.base == "StringNotLike") {
                    continue;
                }
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let KeyLookup::Known(info) = cx.lookup_key(key) else {
                    continue;
                };
                if info.ty.base != ConditionBaseType::Arn {
                    continue;
                }
                let Some(value) = entry
                    .values
                    .iter()
                    .filter_map(|v| v.as_literal())
                    .find(|v| wildcard_crosses_fields(v))
                else {
                    continue;
                };
                let written = clause.operator_text.display();
                let arn_op = written
                    .replace("StringLike", "ArnLike")
                    .replace("StringNotLike", "ArnNotLike");
                sink.report(
                    Finding::new(
                        clause.operator_text.span,
                        clause.operator_text.path.clone(),
                        format!("`{written}` on `{key}`, which holds ARNs: its `*` runs across the `:` between ARN fields, where `{arn_op}` matches field by field"),
                    )
                    .label("string operator on an ARN key")
                    .secondary(entry.key.span, "an ARN key")
                    .note(format!("in `{value}`, a wildcard before the resource part may match text with `:` under `{written}`"))
                    .help(format!("use `{arn_op}`"))
                    .sid(st),
                );
            }
        }
    }
}

/// Whether `v` has a `*` or `?` in one of the five fields before the resource part (the
/// text after the fifth `:`) that is not the last character of `v`: there `StringLike`
/// may match across a `:` while `ArnLike` keeps to the field.
fn wildcard_crosses_fields(v: &str) -> bool {
    let mut colons = 0;
    for (i, c) in v.char_indices() {
        match c {
            ':' => {
                colons += 1;
                if colons == 5 {
                    return false;
                }
            }
            '*' | '?' if i + 1 < v.len() => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::wildcard_crosses_fields;

    #[test]
    fn wildcards_before_the_resource_part() {
        assert!(wildcard_crosses_fields("arn:aws:iam::*:root"));
        assert!(wildcard_crosses_fields("arn:aws:sns:*:111122223333:*"));
        assert!(wildcard_crosses_fields("arn:*:s3:::b"));
        assert!(!wildcard_crosses_fields("arn:aws:iam::aws:policy/Admin*"));
        assert!(!wildcard_crosses_fields("arn:aws:logs:us-east-1:111122223333:log-group:a*:*"));
        assert!(!wildcard_crosses_fields("arn:aws:codepipeline:*"));
        assert!(!wildcard_crosses_fields("arn:aws:iam::111122223333:role/app-?"));
        assert!(!wildcard_crosses_fields(""));
    }
}
