use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::Condition;

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` whose condition tests a key that restricts access only together
    /// with a companion key, without the companion:
    /// - `aws:VpcSourceIp` without `aws:SourceVpc`, `aws:SourceVpce` or
    ///   `aws:SourceVpcArn`: the same private address exists in every VPC, of every
    ///   account;
    /// - `dynamodb:Attributes` without `dynamodb:Select` equal to `SPECIFIC_ATTRIBUTES`:
    ///   a read that names no attributes returns the whole item.
    ///
    /// ## Why is this bad?
    /// The condition looks like it restricts access and does not: any VPC using the
    /// same address range (`10.0.0.0/16` is in many) passes the first, and a `GetItem`
    /// or `Query` without a projection passes the second and returns every attribute.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*", "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*", "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}, "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (`aws:VpcSourceIp`): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    /// - Amazon DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access control": <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html>
    /// - IAM User Guide, "IAM policy validation check reference" (Missing paired condition keys, DynamoDB attributes without select): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub MissingPairedConditionKey {
        code: "IAM406",
        name: "missing-paired-condition-key",
        group: "exposure",
        severity: Warning,
        enabled: true,
        summary: "a condition key that restricts only with a companion key, without it",
    }
}

fn has_key(cond: &Condition, keys: &[&str]) -> bool {
    cond.entries().any(|(clause, e)| {
        !clause.operator.negated
            && e.key
                .as_literal()
                .is_some_and(|k| keys.iter().any(|w| w.eq_ignore_ascii_case(k)))
    })
}

/// `dynamodb:Select` is pinned to `SPECIFIC_ATTRIBUTES`.
fn select_pinned(cond: &Condition) -> bool {
    cond.entries().any(|(clause, e)| {
        !clause.operator.negated
            && e.key
                .as_literal()
                .is_some_and(|k| k.eq_ignore_ascii_case("dynamodb:Select"))
            && !e.values.is_empty()
            && e.values.iter().all(|v| {
                v.as_literal()
                    .is_none_or(|s| s.eq_ignore_ascii_case("SPECIFIC_ATTRIBUTES"))
            })
    })
}

impl Rule for MissingPairedConditionKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            if !st.is_allow() {
                continue;
            }
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                if clause.operator.negated {
                    continue;
                }
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let f = if key.eq_ignore_ascii_case("aws:VpcSourceIp")
                    && !has_key(
                        cond,
                        &["aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn"],
                    ) {
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        "`aws:VpcSourceIp` without `aws:SourceVpc` or `aws:SourceVpce`: a private address range exists in every VPC, so requests from any VPC, in any account, that uses it pass this condition",
                    )
                    .label("restricts only with a VPC condition")
                    .help("add `\"StringEquals\": {\"aws:SourceVpc\": \"vpc-...\"}` (or `aws:SourceVpce`) to the same condition")
                } else if key.eq_ignore_ascii_case("dynamodb:Attributes") && !select_pinned(cond) {
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        "`dynamodb:Attributes` without `dynamodb:Select` set to `SPECIFIC_ATTRIBUTES`: a read that names no attributes returns the whole item, whatever this list says",
                    )
                    .label("restricts only with `dynamodb:Select`")
                    .help("add `\"StringEquals\": {\"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"}` to the same condition")
                } else {
                    continue;
                };
                sink.report(f.sid(st));
            }
        }
    }
}
