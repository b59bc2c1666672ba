use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Reports `Resource` or `NotResource` in a role trust policy.
    ///
    /// ## Why is this bad?
    /// A trust policy is attached to the role, which is its only resource; IAM rejects
    /// a trust policy with a `Resource` element. It is usually a permissions policy
    /// statement that ended up in `AssumeRolePolicyDocument`.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal: {Service: ec2.amazonaws.com}
    ///     Action: sts:AssumeRole
    ///     Resource: "*"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal: {Service: ec2.amazonaws.com}
    ///     Action: sts:AssumeRole
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Resource":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub ResourceInTrustPolicy {
        code: "IAM124",
        name: "resource-in-trust-policy",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a `Resource` or `NotResource` in a role trust policy",
    }
}

impl Rule for ResourceInTrustPolicy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind != PolicyKind::Trust {
            return;
        }
        for st in &cx.doc.statements {
            let Some(r) = &st.resource else { continue };
            let key = r.key_name("Resource");
            sink.report(
                Finding::new(
                    r.key_span,
                    r.path.clone(),
                    format!("`{key}` in a role trust policy: the role itself is the resource, and IAM rejects the policy"),
                )
                .label(format!("`{key}` not allowed here"))
                .help(format!("remove `{key}`; permissions for the role go in its permissions policies"))
                .sid(st),
            );
        }
    }
}
