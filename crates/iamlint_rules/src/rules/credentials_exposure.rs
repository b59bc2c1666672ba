use super::grant_support as gs;
use crate::{declare_rule, DocContext, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports actions that create or return credentials (access keys, passwords, tokens,
    /// temporary role credentials: `iam:CreateAccessKey`, `sts:AssumeRole`,
    /// `ec2:GetPasswordData`, `redshift:GetClusterCredentials`, ...) granted on every
    /// resource (`Resource: "*"` or `NotResource`) in an identity policy. The list is
    /// `rules/sensitive-actions.toml` (`[credentials_exposure]`: the union of
    /// parliament's and cloudsplaining's lists, checked against the catalog).
    ///
    /// Only actions that accept a resource type are reported, since `Resource` is how
    /// they are narrowed. Actions of the list that work only on `*`
    /// (`ecr:GetAuthorizationToken`, `sts:GetSessionToken`, ...) cannot be narrowed by
    /// `Resource` and are left to `service-wildcard` and `broad-wildcard` when a wildcard
    /// grants them. A `Condition` that pins the resource (resource tags,
    /// `aws:ResourceAccount`, ...) removes the finding; other conditions are mentioned in
    /// a note. Actions denied by an unconditional `Deny` on `*` are left out; statements
    /// `full-admin` reports are not reported again.
    ///
    /// ## Why is this bad?
    /// Credentials outlive the policy: once created or read, they work wherever they are
    /// copied. On every resource, the principal can mint keys for any user, assume any
    /// role that trusts the account, or read any instance's password.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::123456789012:user/${aws:username}"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Manage access keys for IAM users"
    /// - AWS STS API Reference, `AssumeRole`
    /// - parliament (credentials_exposure auditor) and cloudsplaining (credentials exposure) action lists
    pub CredentialsExposure {
        code: "IAM211",
        name: "credentials-exposure",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "actions that return credentials on every resource",
    }
}

impl Rule for CredentialsExposure {
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
            cx.data().credentials_actions(),
            &gs::Category {
                one: "action that returns credentials",
                many: "actions that return credentials",
                why: "credentials obtained this way keep working wherever they are copied",
                help: "name the users, roles or resources whose credentials the workload needs in `Resource`",
                note: None,
            },
        );
    }
}
