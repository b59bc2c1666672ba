use super::structure::is_intrinsic_at;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a policy element whose value has the wrong JSON type: `Statement` as a
    /// string, `Action` as an object, `Condition` as a list, a principal that is neither
    /// `"*"` nor an object. A statement or element computed by a CloudFormation function
    /// (`!If`, `!GetAtt`) is not reported: it is unknown, not wrong.
    ///
    /// ## Why is this bad?
    /// AWS rejects the policy, and nothing in the mistyped element can be checked.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": {"s3": "GetObject"}, "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Grammar of the IAM JSON policy language":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
    pub InvalidElementType {
        code: "IAM115",
        name: "invalid-element-type",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a policy element whose value has the wrong JSON type",
    }
}

impl Rule for InvalidElementType {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::WrongType)
        {
            // A statement produced by `!GetAtt`, `!FindInMap`, ...: unknown, not invalid.
            // Also a `Condition: !If [...]`: both unknown, not wrong.
            // (in a policy written as a JSON string, nothing is evaluated: an object there is
            // an object)
            if issue.message.contains("computed by CloudFormation")
                || (!cx.doc.origin.embedded && is_intrinsic_at(issue.span, cx.text()))
            {
                continue;
            }
            sink.report(
                Finding::new(
                    issue.span,
                    issue.path.clone(),
                    format!("{}: AWS rejects the policy", issue.message),
                )
                .label("wrong type")
                .help("see the policy grammar for the shape of each element"),
            );
        }
    }
}
