use super::structure::{element_has_issue, statement_head};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Reports a statement of a resource policy or a role trust policy with neither
    /// `Principal` nor `NotPrincipal`.
    ///
    /// ## Why is this bad?
    /// A resource or trust policy grants access to principals, so every statement must
    /// say whom it applies to; AWS rejects the policy otherwise.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Action: sts:AssumeRole
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
    /// - IAM User Guide, "IAM JSON policy elements: Principal":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub MissingPrincipal {
        code: "IAM123",
        name: "missing-principal",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a resource or trust policy statement without `Principal` or `NotPrincipal`",
    }
}

impl Rule for MissingPrincipal {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let what = match cx.doc.kind {
            PolicyKind::Resource => "resource policy",
            PolicyKind::Trust => "trust policy",
            PolicyKind::Rcp => "resource control policy",
            _ => return,
        };
        for st in &cx.doc.statements {
            if st.principal.is_some()
                || element_has_issue(cx.doc, st, &["Principal", "NotPrincipal"])
            {
                continue;
            }
            sink.report(
                Finding::new(
                    statement_head(st, cx.text()),
                    st.path.clone(),
                    format!("{what} statement has neither `Principal` nor `NotPrincipal`: AWS rejects the policy"),
                )
                .label("this statement")
                .help("add `\"Principal\"` naming who the statement applies to")
                .sid(st),
            );
        }
    }
}
