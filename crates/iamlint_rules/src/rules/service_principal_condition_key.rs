use crate::rules::key_support::{when_absent, WhenAbsent};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` whose principals are all AWS service principals
    /// (`"Service": "cloudfront.amazonaws.com"`) with a condition on a key that describes
    /// an IAM principal, which requests from a service principal do not carry:
    /// `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalArn`,
    /// `aws:PrincipalTag/...` and `aws:username`. Conditions that are true when the key is
    /// absent (`...IfExists`, negated operators, `ForAllValues:`, `Null` with `true`) are
    /// not reported.
    ///
    /// ## Why is this bad?
    /// The global condition keys page documents these keys as present only for IAM
    /// principals (users, roles, federated users, the root user): a service principal's
    /// request lacks them, so the condition is false and the statement never lets the
    /// service in (CloudFront never reads the bucket; the topic never delivers). To
    /// limit what the service acts for, use `aws:SourceArn`, `aws:SourceAccount`,
    /// `aws:SourceOrgID` or `aws:SourceOrgPaths`.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*", "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (the availability of each principal key): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    /// - IAM User Guide, "IAM policy validation check reference" (Unsupported condition key for service principal): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub ServicePrincipalConditionKey {
        code: "IAM148",
        name: "service-principal-condition-key",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition on an IAM principal's key for a service principal, whose requests lack it",
    }
}

/// Keys present only for IAM principals (matched ignoring case; `/` ends a tag key's
/// fixed part).
const PRINCIPAL_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:principaltag/",
    "aws:username",
];

impl Rule for ServicePrincipalConditionKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind.is_identity_like() || cx.doc.kind == iamlint_policy::PolicyKind::Rcp {
            return;
        }
        for st in &cx.doc.statements {
            let (Some(cond), Some(block)) = (&st.condition, &st.principal) else {
                continue;
            };
            if !st.is_allow() || block.negated || block.values.is_empty() {
                continue;
            }
            // every principal a literal service principal
            let services: Vec<&str> = block
                .values
                .iter()
                .filter(|v| v.principal_type == "Service")
                .filter_map(|v| v.value.as_literal())
                .filter(|s| *s != "*")
                .collect();
            if services.len() != block.values.len() {
                continue;
            }
            for (clause, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let lower = key.to_ascii_lowercase();
                if !PRINCIPAL_KEYS.iter().any(|k| {
                    if k.ends_with('/') {
                        lower.starts_with(k)
                    } else {
                        lower == *k
                    }
                }) {
                    continue;
                }
                if when_absent(clause, entry) != Some(WhenAbsent::False) {
                    continue;
                }
                let who = if services.len() == 1 {
                    format!("`{}`", services[0])
                } else {
                    format!("the {} service principals", services.len())
                };
                sink.report(
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!("`{key}` describes IAM principals, and requests from {who} do not carry it: the condition is false and this statement never lets the service in"),
                    )
                    .label("absent for service principals")
                    .secondary(block.span, "service principals only")
                    .help("to limit what the service acts for, use `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`")
                    .sid(st),
                );
            }
        }
    }
}
