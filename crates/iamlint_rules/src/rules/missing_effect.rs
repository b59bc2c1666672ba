use super::structure::{element_has_issue, statement_head};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a statement without an `Effect` element.
    ///
    /// ## Why is this bad?
    /// `Effect` is required in every statement: IAM, Organizations and the services that
    /// take resource policies reject a policy whose statement does not say whether it
    /// allows or denies.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Effect":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html>
    pub MissingEffect {
        code: "IAM103",
        name: "missing-effect",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a statement without `Effect`",
    }
}

impl Rule for MissingEffect {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            if st.effect_text.is_some() || element_has_issue(cx.doc, st, &["Effect"]) {
                continue;
            }
            sink.report(
                Finding::new(
                    statement_head(st, cx.text()),
                    st.path.clone(),
                    "statement has no `Effect`: AWS rejects the policy",
                )
                .label("this statement")
                .help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`")
                .sid(st),
            );
        }
    }
}
