use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports an element whose value is empty: `"Action": []`, `"Resource": ""`, a
    /// condition key with `[]` as its values. (An empty `Sid` is not reported: IAM
    /// accepts it, and AWS tools generate `"Sid": ""` themselves.)
    ///
    /// ## Why is this bad?
    /// An empty `Action` or `Resource` matches nothing, so the statement has no effect
    /// (and AWS may reject it); an empty list of condition values can never be
    /// satisfied. Each is usually a value that a template
    /// or a generator failed to fill in.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::reports/*"]}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Grammar of the IAM JSON policy language":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
    pub EmptyValue {
        code: "IAM121",
        name: "empty-value",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "an empty list or empty string as an element's value",
    }
}

impl Rule for EmptyValue {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::EmptyValue)
        {
            let why = if issue.path.contains(".Condition.") {
                "it can never be satisfied"
            } else {
                "it matches nothing, so the statement has no effect"
            };
            sink.report(
                Finding::new(
                    issue.span,
                    issue.path.clone(),
                    format!("{}: {why}", issue.message),
                )
                .label("empty")
                .help("fill in the values, or remove the statement"),
            );
        }
    }
}
