use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a trust or resource policy `Allow` whose `AWS` principal is an ARN with a
    /// wildcard in the account field: `arn:aws:iam::*:root`, `arn:aws:iam::*:role/deploy`,
    /// `arn:aws:iam::12345678901?:root`.
    ///
    /// `"Principal": "*"` with an `aws:PrincipalArn` condition such as
    /// `arn:aws:iam::*:role/deploy` is the working form of the same intent; it is reported
    /// by `public-principal`, since a role of that name can be created in any account.
    ///
    /// ## Why is this bad?
    /// IAM accepts a wildcard in `Principal` only as the whole value (`"*"`): a policy with
    /// a partial wildcard is rejected. The intent, trusting a principal of that name in
    /// every AWS account, is itself public access: anyone can create an account and a
    /// role with that name.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS: arn:aws:iam::*:role/deploy
    ///     Action: sts:AssumeRole
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS: arn:aws:iam::123456789012:role/deploy
    ///     Action: sts:AssumeRole
    /// ```
    ///
    /// ## References
    /// - AWS JSON policy elements: Principal (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub CrossAccountWildcard {
        code: "IAM404",
        name: "cross-account-wildcard",
        group: "exposure",
        severity: Error,
        enabled: false,
        summary: "a principal ARN with a wildcard account",
    }
}

/// The account field of an ARN, when `s` is one.
fn account_field(s: &str) -> Option<&str> {
    let mut parts = s.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    parts.next()?;
    parts.next()?;
    parts.next()?;
    let account = parts.next()?;
    parts.next()?;
    Some(account)
}

impl Rule for CrossAccountWildcard {
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
            for value in block.of_type("AWS") {
                let Some(s) = value.as_literal() else {
                    continue;
                };
                let Some(account) = account_field(s) else {
                    continue;
                };
                if !iamlint_matcher::has_wildcard(account) {
                    continue;
                }
                sink.report(
                    Finding::new(
                        value.span,
                        value.path.clone(),
                        format!("principal `{s}` has a wildcard account `{account}`: IAM accepts a wildcard in `Principal` only as the whole value `*`, so the policy is rejected, and trusting this name in every account would make it public"),
                    )
                    .label("wildcard account")
                    .sid(st)
                    .help("name the trusted account IDs; to trust every account of your organization, use `\"AWS\": \"*\"` with an `aws:PrincipalOrgID` condition"),
                );
            }
        }
    }
}
