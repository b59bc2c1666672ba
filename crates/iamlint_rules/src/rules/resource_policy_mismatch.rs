use crate::rules::catalog_support::list_some;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Severity, Sink};
use iamlint_semantic::ActionItem;
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// In a resource policy whose resource the CloudFormation template names
    /// (`AWS::S3::BucketPolicy` holds a bucket's policy, `AWS::KMS::Key` a key's, ...),
    /// reports what the resource cannot serve:
    /// - an action item none of whose actions belongs to the resource's service
    ///   (`kms:Decrypt` in a bucket policy);
    /// - a `Resource` ARN of another service (a KMS key ARN in a bucket policy);
    /// - a condition key that says nothing in that policy: `s3:ResourceAccount` in a
    ///   bucket policy (every request to the bucket is to its owner's account), at info.
    ///
    /// The resource types known: S3 bucket, SQS queue, SNS topic, KMS key, ECR
    /// repository, Secrets Manager secret, OpenSearch and Elasticsearch domains, Backup
    /// vault, EFS file system, CloudWatch Logs resource policy, API Gateway REST API,
    /// CodeArtifact domain and repository, EventBridge event bus. Plain policy files do not
    /// say which resource holds them and are not judged.
    ///
    /// ## Why is this bad?
    /// A resource policy governs requests to its own resource only: an action of another
    /// service, or another service's ARN, grants (or denies) nothing there, and the
    /// service rejects some of them when the policy is set, so the deployment fails.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   ReportsPolicy:
    ///     Type: AWS::S3::BucketPolicy
    ///     Properties:
    ///       Bucket: reports
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {AWS: arn:aws:iam::111122223333:root}
    ///             Action: [s3:GetObject, kms:Decrypt]
    ///             Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   ReportsPolicy:
    ///     Type: AWS::S3::BucketPolicy
    ///     Properties:
    ///       Bucket: reports
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {AWS: arn:aws:iam::111122223333:root}
    ///             Action: s3:GetObject
    ///             Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Identity-based policies and resource-based policies": <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html>
    /// - IAM User Guide, "IAM policy validation check reference" (Unsupported action in policy, Unsupported resource ARN in policy, Irrelevant condition key in policy): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub ResourcePolicyMismatch {
        code: "IAM145",
        name: "resource-policy-mismatch",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "an action, ARN or condition key that the resource holding the policy cannot serve",
    }
}

/// CloudFormation type holding a resource policy → (what it is, its service prefix).
const HOLDERS: &[(&str, &str, &str)] = &[
    ("AWS::S3::BucketPolicy", "an S3 bucket", "s3"),
    ("AWS::SQS::QueuePolicy", "an SQS queue", "sqs"),
    ("AWS::SNS::TopicPolicy", "an SNS topic", "sns"),
    ("AWS::KMS::Key", "a KMS key", "kms"),
    ("AWS::ECR::Repository", "an ECR repository", "ecr"),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "a Secrets Manager secret",
        "secretsmanager",
    ),
    (
        "AWS::OpenSearchService::Domain",
        "an OpenSearch domain",
        "es",
    ),
    (
        "AWS::Elasticsearch::Domain",
        "an Elasticsearch domain",
        "es",
    ),
    ("AWS::Backup::BackupVault", "a Backup vault", "backup"),
    (
        "AWS::EFS::FileSystem",
        "an EFS file system",
        "elasticfilesystem",
    ),
    ("AWS::Logs::ResourcePolicy", "CloudWatch Logs", "logs"),
    (
        "AWS::ApiGateway::RestApi",
        "an API Gateway REST API",
        "execute-api",
    ),
    (
        "AWS::CodeArtifact::Repository",
        "a CodeArtifact repository",
        "codeartifact",
    ),
    (
        "AWS::CodeArtifact::Domain",
        "a CodeArtifact domain",
        "codeartifact",
    ),
    (
        "AWS::Events::EventBus",
        "an EventBridge event bus",
        "events",
    ),
];

/// Condition keys that say nothing in the policy of a resource type: (holder, key).
const IRRELEVANT_KEYS: &[(&str, &str)] = &[("AWS::S3::BucketPolicy", "s3:ResourceAccount")];

impl Rule for ResourcePolicyMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind != PolicyKind::Resource {
            return;
        }
        let Some((_, ty)) = &cx.doc.origin.resource else {
            return;
        };
        let Some(&(holder, what, prefix)) = HOLDERS.iter().find(|(t, ..)| *t == ty) else {
            return;
        };
        let cat = cx.catalog();
        let Some(service) = cat.service_by_prefix(prefix) else {
            return;
        };
        let own = cat.service_actions(service);
        for (st, g) in cx.statements() {
            if let Some(list) = st.action.as_ref().filter(|l| !l.negated) {
                for (text, item) in list.items.iter().zip(&g.action_items) {
                    let ActionItem::Expanded(set) = item else {
                        continue;
                    };
                    if set.is_empty() || own.clone().any(|a| set.contains(a)) {
                        continue;
                    }
                    let mut services: Vec<String> = Vec::new();
                    for a in set.iter() {
                        let p = format!("`{}`", cat.service_prefix(cat.action_service(a)));
                        if !services.contains(&p) {
                            services.push(p);
                        }
                    }
                    sink.report(
                        Finding::new(
                            text.span,
                            text.path.clone(),
                            format!(
                                "`{}` is an action of {}, and this is the policy of {what}: it governs only `{prefix}` actions on that resource",
                                text.display(),
                                list_some(&services, 3)
                            ),
                        )
                        .label(format!("not an action of `{prefix}`"))
                        .help(format!("grant it in the policy of that service's resource, or in an identity policy; keep `{prefix}` actions here"))
                        .sid(st),
                    );
                }
            }
            if let Some(list) = st.resource.as_ref().filter(|l| !l.negated) {
                for t in &list.items {
                    let Some(s) = t.as_literal() else { continue };
                    let Some(svc) = s.split(':').nth(2).filter(|_| s.starts_with("arn:")) else {
                        continue;
                    };
                    if svc.is_empty() || svc.contains(['*', '?', '$']) || svc == prefix {
                        continue;
                    }
                    sink.report(
                        Finding::new(
                            t.span,
                            t.path.clone(),
                            format!("`{s}` is an ARN of `{svc}`, and this is the policy of {what}: it applies only to that resource, so this item matches nothing"),
                        )
                        .label(format!("not a `{prefix}` resource"))
                        .help("name the resource this policy is attached to (and its sub-resources), or `*`")
                        .sid(st),
                    );
                }
            }
            if let Some(cond) = &st.condition {
                for (_, entry) in cond.entries() {
                    let Some(key) = entry.key.as_literal() else {
                        continue;
                    };
                    if !IRRELEVANT_KEYS
                        .iter()
                        .any(|(h, k)| *h == holder && k.eq_ignore_ascii_case(key))
                    {
                        continue;
                    }
                    let mut f = Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!("`{key}` says nothing in the policy of {what}: every request this policy governs is to its owner's account"),
                    )
                    .label("not relevant here")
                    .help("remove the condition, or use the key in an identity policy to keep principals to your accounts' resources")
                    .sid(st);
                    f.at_most = Some(Severity::Info);
                    sink.report(f);
                }
            }
        }
    }
}
