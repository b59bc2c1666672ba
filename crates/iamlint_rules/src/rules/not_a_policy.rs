use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a file named on the command line that is neither an IAM policy document
    /// nor a CloudFormation template (files found by walking a directory are skipped
    /// silently instead), and an empty file.
    ///
    /// ## Why is this bad?
    /// You asked for this file to be checked, and nothing in it was.
    pub NotAPolicy {
        code: "IAM003",
        name: "not-a-policy",
        group: "syntax",
        severity: Error,
        enabled: true,
        summary: "a file named explicitly that holds no policy",
    }
}

impl Rule for NotAPolicy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        if !cx.explicit || file.kind != FileKind::NotAPolicy {
            return;
        }
        let msg = if cx.text().trim().is_empty() {
            "file is empty".to_string()
        } else {
            "not an IAM policy document or a CloudFormation template: it has no `Statement` and no `Resources`".to_string()
        };
        sink.report(Finding::file_level(msg).help(
            "a policy document is an object with `Version` and `Statement`; a template has `Resources`",
        ));
    }
}
