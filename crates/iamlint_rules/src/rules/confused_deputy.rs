use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a trust or resource policy `Allow` to an AWS service principal
    /// (`"Service": "sns.amazonaws.com"`) without a condition on `aws:SourceArn`,
    /// `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`.
    ///
    /// Limitation: whether a service sends these keys is not in the catalog, so the rule
    /// skips only a fixed list of services that assume roles for the caller's own
    /// resources without a source context (`ec2`, `lambda`, `edgelambda`, `ecs-tasks`,
    /// `eks`, `eks-fargate-pods`, `spotfleet`) and reports every other service principal.
    /// Check the service's documentation before adding the condition. Off by default:
    /// on the corpus of AWS managed policies and CloudFormation templates, 131 of its 145
    /// findings are service roles' trust policies, for services whose sending of
    /// `aws:SourceArn` on `AssumeRole` the catalog does not record: the advice could
    /// break the role. IAM Access Analyzer makes the check ("Restrict access to service
    /// principal"); select the rule to make it too.
    ///
    /// ## Why is this bad?
    /// A service acts for many customers. Without a source condition, another account can
    /// make the service use this role or resource on its behalf (the confused deputy
    /// problem): for example a topic in someone else's account delivering into this
    /// queue.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:events"}}}]}
    /// ```
    ///
    /// ## References
    /// - The confused deputy problem (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>
    pub ConfusedDeputy {
        code: "IAM403",
        name: "confused-deputy",
        group: "exposure",
        severity: Warning,
        enabled: false,
        summary: "a service principal allowed without a source account or ARN condition",
    }
}

const SOURCE_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// Services that use roles for the caller's own resources and send no source context.
const SKIPPED: &[&str] = &[
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "edgelambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "eks.amazonaws.com",
    "eks-fargate-pods.amazonaws.com",
    "spotfleet.amazonaws.com",
];

impl Rule for ConfusedDeputy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        // an RCP names every principal (`*`) and only restricts
        if cx.doc.kind.is_identity_like() || cx.doc.kind == iamlint_policy::PolicyKind::Rcp {
            return;
        }
        for st in &cx.doc.statements {
            if !st.is_allow() {
                continue;
            }
            let Some(block) = &st.principal else { continue };
            if block.negated {
                continue;
            }
            if let Some(cond) = &st.condition {
                let pinned = cond.entries().any(|(clause, entry)| {
                    match entry.key.as_literal() {
                        // An unknown key could be a source key: stay silent.
                        None => true,
                        Some(k) => {
                            !clause.operator.negated
                                && clause.operator.base != "Null"
                                && SOURCE_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k))
                        }
                    }
                });
                if pinned {
                    continue;
                }
            }
            let services: Vec<_> = block
                .of_type("Service")
                .filter(|t| {
                    t.as_literal().is_some_and(|s| {
                        s.ends_with(".amazonaws.com")
                            && !SKIPPED.iter().any(|k| k.eq_ignore_ascii_case(s))
                    })
                })
                .collect();
            let Some(first) = services.first() else {
                continue;
            };
            let names: Vec<String> = services
                .iter()
                .map(|t| format!("`{}`", t.display()))
                .collect();
            let mut f = Finding::new(
                first.span,
                first.path.clone(),
                format!(
                    "{} allowed without `aws:SourceArn` or `aws:SourceAccount`: the service could be made to act here for a resource in another account",
                    names.join(", ")
                ),
            )
            .label("service principal without a source condition")
            .sid(st)
            .help("add `\"StringEquals\": {\"aws:SourceAccount\": \"<account id>\"}` or `\"ArnLike\": {\"aws:SourceArn\": \"<source resource ARN>\"}`, if the service sends them");
            for other in services.iter().skip(1) {
                f = f.secondary(other.span, "also without a source condition");
            }
            // IAM Access Analyzer's "Recommended condition key for service principal"
            if let Some(cond) = &st.condition {
                let keys: Vec<String> = cond
                    .entries()
                    .filter_map(|(_, e)| e.key.as_literal().map(|k| format!("`{k}`")))
                    .collect();
                if !keys.is_empty() {
                    f = f.note(format!(
                        "the condition on {} does not say which resource or account the service acts for: AWS recommends `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths` for service principals",
                        crate::rules::catalog_support::list_some(&keys, 3)
                    ));
                }
            }
            sink.report(f);
        }
    }
}
