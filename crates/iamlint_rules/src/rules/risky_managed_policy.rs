use super::grant_support as gs;
use super::principal_support::grant_words;
use crate::data::AdminGrant;
use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a CloudFormation template that attaches an over-broad AWS managed policy
    /// in `ManagedPolicyArns`: `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`,
    /// or any AWS managed policy whose name contains `FullAccess` (compared without
    /// case; `AmazonS3FullAccess`, `AWSLambda_FullAccess`, `service-role/...` paths
    /// included). The lists are `rules/sensitive-actions.toml`
    /// (`[risky_managed_policies]`) and `rules/admin-like-managed-policies.toml`; a note
    /// gives what the policy grants, from the AWS managed-policy snapshot. A policy that
    /// grants every action on every resource (`AdministratorAccess`) attached to a user,
    /// group or role is reported by `full-admin`, as an error, instead.
    ///
    /// As a `PermissionsBoundary`, a `*FullAccess` policy is a real limit (to one
    /// service), so only boundaries that allow `*` on `*` without a condition
    /// (`AdministratorAccess`) are reported: they limit nothing. Customer managed
    /// policies (an account id instead of `aws`) are not judged. An ARN whose partition
    /// is `${AWS::Partition}` is still recognised; any other unresolved part is unknown and
    /// not reported.
    ///
    /// ## Why is this bad?
    /// An AWS managed `FullAccess` policy grants every action of its service (often
    /// several services) on every resource, and AWS widens it when the service grows. The
    /// role gets far more than its workload uses; `AdministratorAccess` and
    /// `PowerUserAccess` give nearly the whole account.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   AppRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: lambda.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       ManagedPolicyArns:
    ///         - arn:aws:iam::aws:policy/AmazonS3FullAccess
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   AppRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: lambda.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       ManagedPolicyArns:
    ///         - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
    ///       Policies:
    ///         - PolicyName: reports
    ///           PolicyDocument:
    ///             Version: "2012-10-17"
    ///             Statement:
    ///               - Effect: Allow
    ///                 Action: s3:GetObject
    ///                 Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS managed policies" and "AWS managed policies for job functions"
    /// - IAM User Guide, "Get started with AWS managed policies and move toward least-privilege permissions"
    pub RiskyManagedPolicy {
        code: "IAM213",
        name: "risky-managed-policy",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "attaching `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess` or a `*FullAccess` AWS managed policy",
    }
}

impl Rule for RiskyManagedPolicy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        if file.managed_policies.is_empty() {
            return;
        }
        let risky = &cx.data.sensitive().risky_managed_policies;
        let admin_like = cx.data.admin_like_managed_policies();
        // looked up, not scanned, per attachment: an account dump attaches tens of
        // thousands of policies to thousands of principals
        let of_principals: std::collections::HashSet<iamlint_syntax::Span> = file
            .principals
            .iter()
            .flat_map(|p| p.attached.iter().map(|a| a.span))
            .collect();
        // whether an attached managed policy grants `*` on `*`: once per policy
        let mut full_admin: std::collections::HashMap<String, bool> = Default::default();
        for r in &file.managed_policies {
            let Some(name) = gs::aws_managed_policy_name(&r.arn) else {
                continue;
            };
            let admin = admin_like.iter().find(|p| p.name == name);
            let curated = risky.find(&name);
            let boundary = r.property == "PermissionsBoundary";
            let snapshot = cx.semantic.managed_policy(&r.arn).ok();
            if !boundary && of_principals.contains(&r.arn.span) {
                let admin = snapshot.as_deref().is_some_and(|m| {
                    *full_admin
                        .entry(m.name.clone())
                        .or_insert_with(|| grants_full_admin(cx, m))
                });
                if admin {
                    continue; // `full-admin` reports it
                }
            }
            let f = if boundary {
                let limits_nothing =
                    admin.is_some_and(|a| a.grant == AdminGrant::All && !a.conditional);
                if !limits_nothing {
                    continue;
                }
                Finding::new(
                    r.arn.span,
                    r.arn.path.clone(),
                    format!(
                        "the permissions boundary of `{}` is `{name}`, which allows `*` on `*`: it limits nothing",
                        r.resource
                    ),
                )
                .label("limits nothing")
                .help("use a boundary that allows only the services the principal may ever use, or remove it")
            } else if let Some(c) = curated {
                Finding::new(
                    r.arn.span,
                    r.arn.path.clone(),
                    format!(
                        "`{}` attaches the AWS managed policy `{name}`, which {}",
                        r.resource, c.reason
                    ),
                )
                .label(format!("attaches `{name}`"))
                .help("attach a policy with the actions and resources the workload uses (IAM Access Analyzer can generate one from CloudTrail)")
            } else if risky.is_full_access(&name) {
                let mut f = Finding::new(
                    r.arn.span,
                    r.arn.path.clone(),
                    format!(
                        "`{}` attaches the AWS managed policy `{name}`, which grants full access to a service on every resource",
                        r.resource
                    ),
                )
                .label(format!("attaches `{name}`"))
                .help("attach a read-only or narrower AWS managed policy, or a customer managed policy with the actions and resources the workload uses");
                if let Some(a) = admin {
                    let grant = match a.grant {
                        AdminGrant::All => "`*`",
                        AdminGrant::IamAll => "`iam:*`",
                        AdminGrant::NotAction => "everything but a few services (`NotAction`)",
                    };
                    let cond = if a.conditional {
                        " under a condition"
                    } else {
                        ""
                    };
                    f = f.note(format!(
                        "`{name}` also allows {grant} on `*`{cond}, administrator-level access"
                    ));
                }
                f
            } else {
                continue;
            };
            let f = match &snapshot {
                Some(m) if !boundary => f.note(format!(
                    "`{}` grants {}",
                    m.name,
                    grant_words(&m.document, &m.facts, None)
                )),
                _ => f,
            };
            sink.report(f);
        }
    }
}

/// Whether an AWS managed policy of the snapshot allows `*` on `*` (an attachment to a
/// principal is then `full-admin`'s finding).
fn grants_full_admin(
    cx: &FileContext<'_>,
    m: &iamlint_semantic::ManagedDocument,
) -> bool {
    let dcx = crate::DocContext {
        file: cx,
        doc: &m.document,
        facts: &m.facts,
        grants: std::cell::OnceCell::new(),
        budget: None,
    };
    gs::grants(&dcx)
        .iter()
        .any(|gr| gs::full_admin(cx.catalog, gr).is_some())
}
