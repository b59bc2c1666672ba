use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file or an embedded policy that is not valid JSON or YAML, at the line
    /// and column of the error.
    ///
    /// ## Why is this bad?
    /// AWS rejects a policy that does not parse, and nothing else in the file can be
    /// checked until it does.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": []}
    /// ```
    pub ParseError {
        code: "IAM001",
        name: "parse-error",
        group: "syntax",
        severity: Error,
        enabled: true,
        summary: "a file or document that cannot be parsed as JSON or YAML",
    }
}

impl Rule for ParseError {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        // a guide or a script holds several parts: the others are checked
        let help = if file.kind == iamlint_policy::FileKind::Other {
            "fix the syntax of this policy; the rest of the file is checked"
        } else {
            "fix the syntax; nothing else in this file is checked until it parses"
        };
        for e in &file.syntax_errors {
            sink.report(
                Finding::new(e.span, "", e.message.clone())
                    .label("here")
                    .help(help),
            );
        }
        for i in file
            .issues
            .iter()
            .filter(|i| i.kind == iamlint_policy::IssueKind::NotADocument)
        {
            if i.message.contains("does not parse") {
                sink.report(Finding::new(i.span, i.path.clone(), i.message.clone()).label("here"));
            }
        }
    }
}
