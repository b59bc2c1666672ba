use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a policy document without a `Version` element.
    ///
    /// ## Why is this bad?
    /// Without `Version`, IAM evaluates the policy with the 2008-10-17 language, in
    /// which policy variables such as `${aws:username}` are plain text and never match.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}
    /// ```
    pub MissingVersion {
        code: "IAM101",
        name: "missing-version",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "a policy document without `Version`",
    }
}

impl Rule for MissingVersion {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.version.is_some() || cx.doc.origin.embedded && cx.doc.statements.is_empty() {
            return;
        }
        let span = cx.doc.statement_key_span.unwrap_or(cx.doc.span);
        let fix = cx.doc.statement_key_span.and_then(|key| {
            crate::fixes::insert_key_before(
                cx.file.text(),
                key,
                "Version",
                "2012-10-17",
                "add `Version: 2012-10-17`",
            )
        });
        sink.report(
            Finding::new(
                span,
                cx.doc.origin.path.clone(),
                "policy document has no `Version`",
            )
            .label("this document")
            .help("add `\"Version\": \"2012-10-17\"`")
            .fix(fix),
        );
    }
}
