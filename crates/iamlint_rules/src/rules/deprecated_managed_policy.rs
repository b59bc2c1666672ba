use crate::{declare_rule, FileContext, Finding, PrincipalContext, Rule, RuleInfo, Sink};
use iamlint_policy::{AttachmentTarget, Part, Text};

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation template that attaches a deprecated AWS managed policy
    /// (in `ManagedPolicyArns` or as a `PermissionsBoundary`, or with `aws iam
    /// attach-role-policy`), with the replacement when AWS documents one. Deprecation
    /// and replacements are those of the AWS managed-policy snapshot embedded in iamlint
    /// (`iamlint managed list --deprecated`; `rules/deprecated-managed-policies.toml`
    /// names them, from the managed-policy dataset's `deprecated` flag).
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

    /// ARNs attached outside any principal (an SSO permission set's `ManagedPolicies`).
    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        // looked up, not scanned, per attachment (an account dump has tens of thousands)
        let of_principals: std::collections::HashSet<iamlint_syntax::Span> = file
            .principals
            .iter()
            .flat_map(|p| p.attached.iter().chain(p.boundary.as_ref()).map(|a| a.span))
            .collect();
        for r in &file.managed_policies {
            if of_principals.contains(&r.arn.span) {
                continue; // reported with the principal
            }
            let boundary = r.property == "PermissionsBoundary";
            if let Some(f) = finding(cx, &r.arn, &r.resource, boundary) {
                sink.report(f);
            }
        }
    }

    fn check_principal(&self, cx: &PrincipalContext<'_>, sink: &mut Sink) {
        let def = cx.def();
        let attached = def.attached.iter().map(|a| (a, false));
        for (a, boundary) in attached.chain(def.boundary.as_ref().map(|b| (b, true))) {
            let AttachmentTarget::Arn(arn) = &a.target else {
                continue;
            };
            if let Some(f) = finding(cx.file, arn, &def.id, boundary) {
                sink.report(f);
            }
        }
    }
}

/// The finding for an attached ARN, when the run's managed-policy snapshot says the
/// policy it names is deprecated.
fn finding(cx: &FileContext<'_>, arn: &Text, holder: &str, boundary: bool) -> Option<Finding> {
    let m = cx.semantic.managed_policy(arn).ok()?;
    if !m.deprecated {
        return None;
    }
    let name = &m.name;
    let what = if boundary {
        "uses as its permissions boundary"
    } else {
        "attaches"
    };
    let f = Finding::new(
        arn.span,
        arn.path.clone(),
        format!(
            "`{holder}` {what} `{name}`, a deprecated AWS managed policy: it cannot be attached to new principals and AWS no longer updates it"
        ),
    )
    .label("deprecated");
    Some(match &m.replacement {
        Some(rep) => {
            let mut f = f
                .help(format!("use `{rep}` instead"))
                .fix(replacement_fix(cx, arn, name, rep));
            if let Some(src) = &m.replacement_source {
                f = f.note(format!("the replacement is documented in {src}"));
            }
            f
        }
        None => f.help(
            "replace it with a current AWS managed policy or a customer managed policy with the permissions the principal needs",
        ),
    })
}

/// The edit that names the replacement instead: the ARN's `policy/PATH/NAME` part as
/// written replaced (the partition and the quoting kept), when the snapshot knows the
/// replacement's path.
fn replacement_fix(
    cx: &FileContext<'_>,
    arn: &Text,
    name: &str,
    replacement: &str,
) -> Option<iamlint_report::Fix> {
    let Some(Part::Literal(tail)) = arn.parts.last() else {
        return None;
    };
    let old = &tail[tail.find(":policy/")? + 1..];
    if !old.ends_with(name) {
        return None;
    }
    let new = cx.semantic.managed()?.resolve(replacement).ok()?.arn()?;
    let new = &new[new.find(":policy/")? + 1..];
    crate::fixes::replace_within(
        cx.text(),
        arn.span,
        old,
        new,
        format!("replace with `{replacement}`"),
    )
}
