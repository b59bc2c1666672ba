use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `aws:Referer` or `aws:UserAgent` used to let requests in: in an `Allow`
    /// with a positive operator, or in a `Deny` with a negated one (an exemption).
    ///
    /// ## Why is this bad?
    /// Both come from HTTP headers the caller writes: AWS's documentation warns that
    /// anyone can send any referer or user agent, so a condition on them is not access
    /// control. A bucket "limited" to a website's referer is public.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*", "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*", "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (`aws:referer`, `aws:UserAgent`): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-referer>
    /// - IAM User Guide, "IAM policy validation check reference" (Untrustworthy condition key): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub SpoofableConditionKey {
        code: "IAM409",
        name: "spoofable-condition-key",
        group: "exposure",
        severity: Warning,
        enabled: true,
        summary: "`aws:Referer` or `aws:UserAgent` used as access control",
    }
}

impl Rule for SpoofableConditionKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let header = if key.eq_ignore_ascii_case("aws:Referer") {
                    "Referer"
                } else if key.eq_ignore_ascii_case("aws:UserAgent") {
                    "User-Agent"
                } else {
                    continue;
                };
                let op = &clause.operator;
                let lets_in = (st.is_allow() && !op.negated) || (st.is_deny() && op.negated);
                if op.family.is_none() || op.base == "Null" || !lets_in {
                    continue;
                }
                sink.report(
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!("`{key}` is the `{header}` header, which the caller writes: anyone can send the value this condition expects, so it does not limit who gets in"),
                    )
                    .label("set by the caller")
                    .help("control access with principals, `aws:SourceArn` (a CloudFront distribution, for a website), `aws:SourceVpce` or signed requests")
                    .sid(st),
                );
            }
        }
    }
}
