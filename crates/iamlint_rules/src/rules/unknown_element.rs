use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports an element that the policy language does not have: a misspelt top-level
    /// element (`Statment`), statement element (`Actions`, `Resources`, `Conditions`) or
    /// principal type (`Services`), with the closest valid name.
    ///
    /// ## Why is this bad?
    /// AWS rejects a policy with an unknown element. A tool that silently skips it
    /// would check a policy other than the one written: a misspelt `Condition` is a
    /// condition that never applies.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Actions": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy element reference":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html>
    /// - IAM User Guide, "IAM JSON policy elements: Principal":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub UnknownElement {
        code: "IAM114",
        name: "unknown-element",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a policy, statement or principal element that IAM does not know",
    }
}

impl Rule for UnknownElement {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::UnknownElement)
        {
            // The model writes "unknown ... element `X`; did you mean `Y`?".
            let (what, hint) = match issue.message.split_once("; ") {
                Some((w, h)) => (w, Some(h)),
                None => (issue.message.as_str(), None),
            };
            let mut f = Finding::new(
                issue.span,
                issue.path.clone(),
                format!("{what}: AWS rejects the policy"),
            );
            f = match hint {
                Some(h) => f.label(h.to_string()).help(format!(
                    "{}; element names are case-sensitive",
                    h.trim_end_matches('?')
                        .replacen("did you mean", "rename it to", 1)
                )),
                None => f
                    .label("unknown element")
                    .help("remove it, or move it to where it belongs"),
            };
            sink.report(f);
        }
    }
}
