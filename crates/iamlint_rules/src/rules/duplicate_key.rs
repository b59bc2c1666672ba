use super::structure::is_repeated_key;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in one object of a policy document: two `Action`s in a
    /// statement, two `StringEquals` blocks in a `Condition`, the same condition key twice.
    ///
    /// ## Why is this bad?
    /// JSON parsers keep only one of the two values, so half of what is written is
    /// silently ignored: a second `Condition` block replaces the first, a second
    /// `Resource` widens or narrows the grant without anyone noticing.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]}]}
    /// ```
    ///
    /// ## References
    /// - RFC 8259, section 4 (names within an object should be unique):
    ///   <https://www.rfc-editor.org/rfc/rfc8259#section-4>
    pub DuplicateKey {
        code: "IAM117",
        name: "duplicate-key",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "the same key twice in one object of a policy document",
    }
}

impl Rule for DuplicateKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let dups: Vec<_> = cx
            .doc
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::DuplicateKey)
            .collect();
        for issue in &dups {
            let mut f = Finding::new(issue.span, issue.path.clone(), issue.message.clone())
                .label("written again here")
                .help("merge the two values into one key");
            if let Some(r) = issue.related {
                f = f.secondary(r, "first written here");
            }
            sink.report(f);
        }
        // A repeated `Action`/`Resource`/`Principal` in a document whose duplicate keys the
        // loader could not attach (a policy embedded as a JSON string).
        for issue in cx
            .doc
            .issues
            .iter()
            .filter(|i| is_repeated_key(cx.doc, i) && !dups.iter().any(|d| d.span == i.span))
        {
            let mut f = Finding::new(
                issue.span,
                issue.path.clone(),
                format!(
                    "{}: only one of the two values is kept, the other is silently ignored",
                    issue.message
                ),
            )
            .label("written again here")
            .help("merge the two values into one list");
            if issue.span == cx.doc.span {
                // a JSON string whose layout the loader could not follow
                f = f.note("the policy is a JSON string inside the template; positions within it are not shown");
            }
            if let Some(r) = issue.related.filter(|r| *r != issue.span) {
                f = f.secondary(r, "first written here");
            }
            sink.report(f);
        }
    }
}
