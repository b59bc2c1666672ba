use super::grant_support as gs;
use crate::{data, declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation template that attaches a deprecated AWS managed policy
    /// (in `ManagedPolicyArns` or as a `PermissionsBoundary`), with the replacement when
    /// AWS documents one. The list is `rules/deprecated-managed-policies.toml`, from the
    /// managed-policy dataset's `deprecated` flag.
    ///
    /// An ARN whose partition is `${AWS::Partition}` is still recognised; any other
    /// unresolved part is unknown and not reported.
    ///
    /// ## Why is this bad?
    /// A deprecated AWS managed policy cannot be attached to principals that do not
    /// already have it, so a stack that creates a new role with it fails, and AWS no
    /// longer updates it for new actions and services.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   FunctionRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: lambda.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       ManagedPolicyArns:
    ///         - arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   FunctionRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: lambda.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       ManagedPolicyArns:
    ///         - arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS managed policies" (deprecated AWS managed policies)
    /// - AWS Lambda Developer Guide, "AWS managed policies for AWS Lambda"
    pub DeprecatedManagedPolicy {
        code: "IAM214",
        name: "deprecated-managed-policy",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "attaching a deprecated AWS managed policy",
    }
}

impl Rule for DeprecatedManagedPolicy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        if file.managed_policies.is_empty() {
            return;
        }
        let deprecated = data::deprecated_managed_policies();
        for r in &file.managed_policies {
            let Some(name) = gs::aws_managed_policy_name(&r.arn) else {
                continue;
            };
            let Some(d) = deprecated.find(&name) else {
                continue;
            };
            let what = if r.property == "PermissionsBoundary" {
                "uses as its permissions boundary"
            } else {
                "attaches"
            };
            let mut f = Finding::new(
                r.arn.span,
                r.arn.path.clone(),
                format!(
                    "`{}` {what} `{name}`, a deprecated AWS managed policy: it cannot be attached to new principals and AWS no longer updates it",
                    r.resource
                ),
            )
            .label("deprecated");
            f = match &d.replacement {
                Some(rep) => {
                    let mut f = f.help(format!("use `{rep}` instead"));
                    if let Some(src) = &d.replacement_source {
                        f = f.note(format!("the replacement is documented in {src}"));
                    }
                    f
                }
                None => f.help(
                    "replace it with a current AWS managed policy or a customer managed policy with the permissions the principal needs",
                ),
            };
            sink.report(f);
        }
    }
}
