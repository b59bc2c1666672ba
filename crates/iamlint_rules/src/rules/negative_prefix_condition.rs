use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `s3:prefix` tested in the negative: in a `Deny` with a positive operator
    /// (`StringLike`, `StringEquals`), or in an `Allow` with a negated one
    /// (`StringNotLike`, `StringNotEquals`).
    ///
    /// ## Why is this bad?
    /// `s3:prefix` is the prefix the caller asks `ListObjects` for, not the keys it
    /// returns. A `Deny` of `private/*` does not stop a listing of `priv`, or of no prefix
    /// at all, which returns the same keys; an `Allow` except `private/*` allows those
    /// listings too. To keep listings to some prefixes, allow them (`Allow` with
    /// `StringLike`) or deny the rest (`Deny` with `StringNotLike`).
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports", "Condition": {"StringLike": {"s3:prefix": "private/*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports", "Condition": {"StringNotLike": {"s3:prefix": "public/*"}}}]}
    /// ```
    ///
    /// ## References
    /// - Amazon S3 User Guide, "Amazon S3 condition key examples" (`s3:prefix`): <https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html>
    /// - IAM User Guide, "IAM policy validation check reference" (S3 prefix in negative context): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub NegativePrefixCondition {
        code: "IAM408",
        name: "negative-prefix-condition",
        group: "exposure",
        severity: Warning,
        enabled: true,
        summary: "`s3:prefix` in a `Deny` with a positive operator or an `Allow` with a negated one",
    }
}

impl Rule for NegativePrefixCondition {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let op = &clause.operator;
                if op.family != Some(iamlint_policy::OperatorFamily::String) {
                    continue;
                }
                if !entry
                    .key
                    .as_literal()
                    .is_some_and(|k| k.eq_ignore_ascii_case("s3:prefix"))
                {
                    continue;
                }
                let opname = clause.operator_text.display();
                let message = match (st.is_deny(), op.negated) {
                    (true, false) => format!("a `Deny` with `{opname}` on `s3:prefix` does not stop listing these keys: a request for a shorter prefix, or none, does not match and lists them"),
                    (false, true) => format!("an `Allow` with `{opname}` on `s3:prefix` allows listing these keys anyway: a request for a shorter prefix, or none, matches and lists them"),
                    _ => continue,
                };
                sink.report(
                    Finding::new(entry.key.span, entry.key.path.clone(), message)
                        .label("the prefix asked for, not the keys listed")
                        .secondary(clause.operator_text.span, "operator")
                        .help("allow the prefixes meant (`Allow` with `StringLike`), or deny every other (`Deny` with `StringNotLike`)")
                        .sid(st),
                );
            }
        }
    }
}
