use crate::rules::catalog_support::list_some;
use crate::rules::words::thousands;
use crate::rules::key_support::{when_absent, WhenAbsent};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a condition on `aws:VpceAccount`, `aws:VpceOrgID` or `aws:VpceOrgPaths`
    /// in a statement whose actions include services that do not set the key: AWS lists,
    /// for each of these keys, the services whose requests carry it (and `iam:PassRole`
    /// does not, although IAM does).
    ///
    /// The lists are AWS's, from the IAM User Guide page "AWS global condition context
    /// keys" (each key's Availability), read on 2026-12-03; they are kept in this rule's
    /// source and checked against the catalog by a test. A service AWS adds since is
    /// reported until the list is updated.
    ///
    /// ## Why is this bad?
    /// For the other services the key is absent, so the condition is false (an `Allow`
    /// grants nothing, a `Deny` denies nothing) or, with `...IfExists` or a negated
    /// operator, true whatever the network: a data perimeter written with these keys
    /// silently does not cover those services, or blocks them entirely.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:*", "sns:*"], "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:VpceAccount": "111122223333"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:VpceAccount": "111122223333"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (`aws:VpceAccount`, `aws:VpceOrgID`, `aws:VpceOrgPaths`): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpceaccount>
    /// - IAM User Guide, "IAM policy validation check reference" (Use condition key only with supported services): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub ConditionKeyServiceScope {
        code: "IAM150",
        name: "condition-key-service-scope",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "`aws:VpceAccount`, `aws:VpceOrgID` or `aws:VpceOrgPaths` with actions of services that do not set it",
    }
}

/// The services that set `aws:VpceAccount` and `aws:VpceOrgPaths` (the same list).
const VPCE_ACCOUNT: &[&str] = &[
    "acm-pca",
    "applicationinsights",
    "apprunner",
    "athena",
    "cloudformation",
    "comprehendmedical",
    "compute-optimizer",
    "datasync",
    "discovery",
    "dynamodb",
    "ebs",
    "ecr",
    "ecs",
    "firehose",
    "gamelift",
    "healthlake",
    "iam",
    "iotfleetwise",
    "iotwireless",
    "kinesisanalytics",
    "kms",
    "lambda",
    "medical-imaging",
    "omics",
    "payment-cryptography",
    "polly",
    "rbin",
    "rekognition",
    "route53",
    "s3",
    "scheduler",
    "servicediscovery",
    "servicequotas",
    "shield",
    "ssm-contacts",
    "storagegateway",
    "textract",
    "transcribe",
    "transfer",
];

/// The services that set `aws:VpceOrgID`.
const VPCE_ORG_ID: &[&str] = &[
    "acm-pca",
    "applicationinsights",
    "apprunner",
    "athena",
    "b2bi",
    "cassandra",
    "cloudformation",
    "cognito-identity",
    "comprehendmedical",
    "compute-optimizer",
    "datasync",
    "discovery",
    "dms",
    "ds-data",
    "dynamodb",
    "ebs",
    "ecr",
    "ecs",
    "firehose",
    "gamelift",
    "healthlake",
    "iam",
    "identitystore",
    "iotfleetwise",
    "iottwinmaker",
    "iotwireless",
    "kinesisanalytics",
    "kms",
    "lambda",
    "medical-imaging",
    "network-firewall",
    "omics",
    "payment-cryptography",
    "polly",
    "pricing",
    "rbin",
    "rekognition",
    "route53",
    "s3",
    "scheduler",
    "servicediscovery",
    "servicequotas",
    "ses",
    "shield",
    "sms-voice",
    "sqs",
    "ssm-contacts",
    "storagegateway",
    "textract",
    "transcribe",
    "transfer",
    "workmail",
];

/// (key, services that set it); `iam:PassRole` does not, for all three.
pub(crate) const SCOPED_KEYS: &[(&str, &[&str])] = &[
    ("aws:VpceAccount", VPCE_ACCOUNT),
    ("aws:VpceOrgPaths", VPCE_ACCOUNT),
    ("aws:VpceOrgID", VPCE_ORG_ID),
];

impl Rule for ConditionKeyServiceScope {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let pass_role = cat.find_action("iam:PassRole");
        for (st, g) in cx.statements() {
            let Some(cond) = &st.condition else { continue };
            if g.actions.is_empty() || st.effect.is_none() {
                continue;
            }
            for (clause, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let Some((name, services)) = SCOPED_KEYS
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                else {
                    continue;
                };
                let mut outside: Vec<String> = Vec::new();
                let mut count = 0usize;
                for s in cat.services() {
                    let prefix = cat.service_prefix(s);
                    let supported = services.contains(&prefix);
                    let n = cat
                        .service_actions(s)
                        .filter(|&a| g.actions.contains(a) && (!supported || Some(a) == pass_role))
                        .count();
                    if n > 0 {
                        count += n;
                        outside.push(if supported {
                            "`iam:PassRole`".to_owned()
                        } else {
                            format!("`{prefix}`")
                        });
                    }
                }
                if outside.is_empty() {
                    continue;
                }
                let effect = match (when_absent(clause, entry), st.is_deny()) {
                    (Some(WhenAbsent::False), false) => {
                        "the condition is false and the statement never allows them"
                    }
                    (Some(WhenAbsent::False), true) => {
                        "the condition is false and the statement never denies them"
                    }
                    (_, false) => "the condition does not restrict them",
                    (_, true) => "the statement denies them whatever the network",
                };
                sink.report(
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!(
                            "`{name}` is set only by some services, and {} outside them ({}): the key is absent from their requests, so {effect}",
                            if count == 1 {
                                "1 action of the statement is".to_owned()
                            } else {
                                format!("{} of the statement's actions are", thousands(count))
                            },
                            list_some(&outside, 4)
                        ),
                    )
                    .label("not set by every service here")
                    .secondary(st.action.as_ref().map_or(st.span, |a| a.span), "the statement's actions")
                    .help("keep this condition in a statement of the services AWS lists for the key, and control the others separately")
                    .sid(st),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn listed_services_are_in_the_catalog() {
        let cat = iamlint_catalog::Catalog::embedded();
        for (key, services) in super::SCOPED_KEYS {
            for s in *services {
                assert!(
                    cat.service_by_prefix(s).is_some(),
                    "{key}: `{s}` is not a service"
                );
            }
        }
    }
}
