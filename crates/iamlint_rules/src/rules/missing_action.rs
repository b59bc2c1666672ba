use super::structure::{element_has_issue, statement_head};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a statement with neither `Action` nor `NotAction`.
    ///
    /// ## Why is this bad?
    /// Every statement of every policy type must name its actions; AWS rejects the
    /// policy otherwise.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Action":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub MissingAction {
        code: "IAM119",
        name: "missing-action",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a statement without `Action` or `NotAction`",
    }
}

impl Rule for MissingAction {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            if st.action.is_some() || element_has_issue(cx.doc, st, &["Action", "NotAction"]) {
                continue;
            }
            sink.report(
                Finding::new(
                    statement_head(st, cx.text()),
                    st.path.clone(),
                    "statement has neither `Action` nor `NotAction`: AWS rejects the policy",
                )
                .label("this statement")
                .help("add `\"Action\"` with the actions the statement allows or denies")
                .sid(st),
            );
        }
    }
}
