use super::structure::is_repeated_key;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a statement with both `Action` and `NotAction`, both `Resource` and
    /// `NotResource`, or both `Principal` and `NotPrincipal`. (The same key written twice
    /// is `duplicate-key`.)
    ///
    /// ## Why is this bad?
    /// Each pair is exclusive: AWS rejects a statement with both. Which one the author
    /// meant decides whether the statement grants a handful of actions or everything
    /// else.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:DeleteObject", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: NotAction":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>
    /// - IAM User Guide, "Grammar of the IAM JSON policy language":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
    pub ConflictingElements {
        code: "IAM116",
        name: "conflicting-elements",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a statement with both an element and its `Not` form",
    }
}

impl Rule for ConflictingElements {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::ConflictingElements && !is_repeated_key(cx.doc, i))
        {
            let key = issue.path.rsplit('.').next().unwrap_or("");
            let other = match key.strip_prefix("Not") {
                Some(base) => base.to_string(),
                None => format!("Not{key}"),
            };
            let mut f = Finding::new(
                issue.span,
                issue.path.clone(),
                format!(
                    "{}: the two are exclusive and AWS rejects the statement",
                    issue.message
                ),
            )
            .label(format!("`{key}` here"))
            .help(format!("keep only one of `{other}` and `{key}`"));
            if let Some(r) = issue.related {
                f = f.secondary(r, format!("`{other}` here"));
            }
            if let Some(st) = cx.doc.statements.iter().find(|s| {
                issue
                    .path
                    .strip_prefix(s.path.as_str())
                    .is_some_and(|r| r.starts_with('.'))
            }) {
                f = f.sid(st);
            }
            sink.report(f);
        }
    }
}
