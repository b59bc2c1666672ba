use crate::{declare_rule, Finding, PrincipalContext, Rule, RuleInfo, Sink};
use iamlint_semantic::principal::Unresolved;
use iamlint_semantic::ManagedLookup;

declare_rule! {
    /// ## What it does
    /// Reports, once, a policy attached to a user, group or role that iamlint cannot read,
    /// so the verdicts about that principal are incomplete: a customer managed policy
    /// that the input does not define (only its ARN is there), an ARN whose value is not
    /// known statically (`!Ref PolicyArn`), an ARN that names no AWS managed policy, or a
    /// group the file does not define. It points at the attaching element. A policy of a
    /// group is reported at the group, not at each member.
    ///
    /// AWS managed policies are read from the snapshot embedded in iamlint
    /// (`iamlint managed show NAME`); customer managed policies are resolved when the same
    /// input defines them (`!Ref` of an `AWS::IAM::ManagedPolicy`, or its
    /// `ManagedPolicyName` in the ARN).
    ///
    /// ## Why is this bad?
    /// What the principal can do includes the permissions of that policy, which no rule
    /// has seen: a privilege escalation or an administrator grant in it goes unreported,
    /// and effective permissions (`iamlint summarize`) are a lower bound.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   BuildRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: codebuild.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       ManagedPolicyArns:
    ///         - arn:aws:iam::123456789012:policy/build-permissions
    /// ```
    ///
    /// ## Use instead
    /// Define the policy in the same template (and attach it with `!Ref`), or check its
    /// own file with the template:
    ///
    /// ```yaml
    /// Resources:
    ///   BuildRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: codebuild.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       ManagedPolicyArns:
    ///         - !Ref BuildPolicy
    ///   BuildPolicy:
    ///     Type: AWS::IAM::ManagedPolicy
    ///     Properties:
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: logs:PutLogEvents
    ///             Resource: arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Managed policies and inline policies"
    /// - IAM User Guide, "Policy evaluation logic"
    pub UnresolvedAttachment {
        code: "IAM005",
        name: "unresolved-attachment",
        group: "syntax",
        severity: Info,
        enabled: true,
        summary: "a policy attached to a principal that iamlint cannot read, so its verdicts are incomplete",
    }
}

impl Rule for UnresolvedAttachment {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_principal(&self, cx: &PrincipalContext<'_>, sink: &mut Sink) {
        for u in &cx.facts().unresolved {
            if u.via_group.is_some() {
                continue; // reported at the group
            }
            let subject = cx.subject();
            let (message, label, help) = match &u.why {
                Unresolved::Group => (
                    format!(
                        "{subject} is a member of `{}`, a group this file does not define: the group's policies are not counted in the verdicts about {subject}",
                        u.what
                    ),
                    "group not defined here".to_string(),
                    "check the file that defines the group together with this one",
                ),
                why => {
                    let what = if u.boundary {
                        "the permissions boundary"
                    } else {
                        "the attached policy"
                    };
                    let consequence = if u.boundary {
                        "its effective permissions are computed without the boundary"
                    } else {
                        "its permissions are not counted in the verdicts about it"
                    };
                    let help = match why {
                        Unresolved::Managed(ManagedLookup::Unknown(_)) => {
                            "bind the value with `--var NAME=VALUE` to resolve it"
                        }
                        Unresolved::Managed(ManagedLookup::NotFound(_)) => {
                            "use the ARN of an existing AWS managed policy (`iamlint managed list`)"
                        }
                        _ => "define the policy in the same input (an `AWS::IAM::ManagedPolicy` attached with `!Ref`) so that its permissions are checked with the principal's",
                    };
                    (
                        format!(
                            "{what} `{}` of {subject} cannot be read ({}): {consequence}",
                            u.what,
                            u.reason()
                        ),
                        "not resolved".to_string(),
                        help,
                    )
                }
            };
            sink.report(
                Finding::new(u.span, u.path.clone(), message)
                    .label(label)
                    .help(help),
            );
        }
    }
}
