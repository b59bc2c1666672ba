use super::grant_support as gs;
use crate::{declare_rule, DocContext, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports read actions that hand out stored data (`s3:GetObject`,
    /// `ssm:GetParameter`, `ssm:GetParameters`, `ssm:GetParametersByPath`,
    /// `secretsmanager:GetSecretValue`, and the RDS snapshot actions
    /// `rds:CreateDBSnapshot`, `rds:CopyDBSnapshot`) granted on every resource
    /// (`Resource: "*"` or `NotResource`) in an identity policy. The list is
    /// `rules/sensitive-actions.toml` (`[data_exfiltration]`, from cloudsplaining).
    ///
    /// A `Condition` that pins the resource (resource or object tags,
    /// `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`) removes the
    /// finding; other conditions (a VPC endpoint, a source IP) are mentioned in a note.
    /// Actions denied by an unconditional `Deny` on `*` are left out; statements
    /// `full-admin` reports are not reported again.
    ///
    /// ## Why is this bad?
    /// On every resource, the principal can read every object, parameter and secret of
    /// the account (and of other accounts that share theirs), not only its own.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-*"}]}
    /// ```
    ///
    /// ## References
    /// - cloudsplaining, data exfiltration risk category
    /// - AWS Secrets Manager User Guide, "Authentication and access control"
    /// - Amazon S3 User Guide, "Policies and permissions in Amazon S3"
    pub DataExfiltration {
        code: "IAM212",
        name: "data-exfiltration",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "data-reading actions such as `s3:GetObject` on every resource",
    }
}

impl Rule for DataExfiltration {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if gs::grants(cx).is_empty() {
            return;
        }
        gs::report_unrestricted(
            cx,
            sink,
            cx.data().exfiltration_actions(),
            &gs::Category {
                one: "action that reads stored data",
                many: "actions that read stored data",
                why:
                    "this lets the principal read the data of every such resource, not only its own",
                help: "name the buckets, parameters or secrets the workload reads in `Resource`",
                note: None,
            },
        );
    }
}
