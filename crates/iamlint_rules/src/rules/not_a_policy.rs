use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports a file named on the command line that holds no policy in any form iamlint
    /// reads (no policy document, template, guide code block, `aws` command, CLI output or
    /// Terraform resource), and an empty file.
    ///
    /// Off by default: pre-commit, editors and `git diff --name-only | xargs` name every
    /// changed file, most of which (`package.json`, a workflow) hold no policy, and those
    /// are skipped like the files a directory walk passes over (the summary counts them).
    /// Turn it on (`--extend-select not-a-policy`, or `enable = ["not-a-policy"]` in
    /// `iamlint.toml`) when every file you name must be a policy.
    ///
    /// ## Why is this bad?
    /// You asked for this file to be checked, and nothing in it was.
    pub NotAPolicy {
        code: "IAM003",
        name: "not-a-policy",
        group: "syntax",
        severity: Error,
        enabled: false,
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
        } else if file.format == "guide" || file.format == "shell" {
            format!(
                "no IAM policy in this {}: no policy document, CloudFormation template or fragment, AWS CLI output, or `aws` command that sets a policy",
                if file.format == "guide" { "guide" } else { "script" }
            )
        } else {
            "not an IAM policy document or a CloudFormation template: it has no `Statement` and no `Resources`".to_string()
        };
        let help = if file.format == "guide" || file.format == "shell" {
            "iamlint reads policies in code blocks (JSON, YAML, shell) and `aws` commands; a guide without any has nothing to check"
        } else {
            "a policy document is an object with `Version` and `Statement`; a template has `Resources`"
        };
        sink.report(Finding::file_level(msg).help(help));
    }
}
