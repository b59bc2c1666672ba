use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports an element whose value is empty: `"Action": []`, `"Resource": ""`,
    /// `"Principal": {}` or `{"AWS": []}`, `"Condition": {}` or an operator with no keys,
    /// a condition key with `[]` as its values.
    ///
    /// An empty `Sid` is not reported, by decision: IAM accepts `"Sid": ""`, AWS's own
    /// tools write it (the policy generator, console exports), and it changes nothing;
    /// IAM Access Analyzer's suggestion "Empty Sid value" would only be noise.
    ///
    /// ## Why is this bad?
    /// An empty `Action`, `Resource` or `Principal` matches nothing, so the statement
    /// has no effect (and AWS may reject it). An empty list of condition values can
    /// never be satisfied, except under `ForAllValues:` or `...IfExists`, where it is
    /// true exactly when the request lacks the key (which `Null` says plainly). An
    /// empty `Condition` does nothing at all. Each is usually a value that a template or
    /// a generator failed to fill in.
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
            let why = why_empty(issue);
            sink.report(
                Finding::new(
                    issue.span,
                    issue.path.clone(),
                    format!("{}: {why}", issue.message),
                )
                .label("empty")
                .help(if why.starts_with("it has no effect") {
                    "remove it, or write the conditions it was meant to hold"
                } else {
                    "fill in the values, or remove the statement"
                }),
            );
        }
    }
}

/// What an empty value does, from where it is.
fn why_empty(issue: &iamlint_policy::ModelIssue) -> &'static str {
    let m = issue.message.as_str();
    let p = issue.path.as_str();
    if m.contains("is an empty object") && (p.ends_with("Condition") || p.contains(".Condition.")) {
        "it has no effect, the statement applies without it"
    } else if m.contains("`ForAllValues:") || (m.contains("IfExists`") && p.contains(".Condition."))
    {
        "it is true only when the request has no such key (to test that, use `Null`) and false otherwise"
    } else if m.contains("`ForAnyValue:") {
        "it is never true, so the statement has no effect"
    } else if p.contains(".Condition.") {
        "it can never be satisfied"
    } else if m.starts_with("`Principal") || m.starts_with("`NotPrincipal") {
        "the statement applies to no principal, so it has no effect"
    } else {
        "it matches nothing, so the statement has no effect"
    }
}
