use super::structure::first_line;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a policy document without a `Statement` element, or with an empty one.
    ///
    /// ## Why is this bad?
    /// A policy needs at least one statement; AWS rejects a document without one. It
    /// is usually a document nested one level too deep or too shallow (a
    /// `PolicyDocument` inside a `PolicyDocument`), or statements that were meant to
    /// be generated and never were.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   Reader:
    ///     Type: AWS::IAM::ManagedPolicy
    ///     Properties:
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   Reader:
    ///     Type: AWS::IAM::ManagedPolicy
    ///     Properties:
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: s3:GetObject
    ///             Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Statement":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html>
    pub MissingStatement {
        code: "IAM118",
        name: "missing-statement",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a policy document without statements",
    }
}

impl Rule for MissingStatement {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::NoStatement)
        {
            let (span, label) = if cx.doc.statement_key_span.is_some() {
                (issue.span, "no statements")
            } else {
                (first_line(issue.span, cx.text()), "this document")
            };
            sink.report(
                Finding::new(
                    span,
                    issue.path.clone(),
                    format!(
                        "{}: a policy needs at least one statement, AWS rejects it",
                        issue.message
                    ),
                )
                .label(label)
                .help(
                    "add `\"Statement\": [{\"Effect\": ..., \"Action\": ..., \"Resource\": ...}]`",
                ),
            );
        }
    }
}
