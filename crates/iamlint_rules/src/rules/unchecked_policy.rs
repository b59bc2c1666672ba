use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::IssueKind;

declare_rule! {
    /// ## What it does
    /// Reports a policy that a file sets but that iamlint could not read, so it is not
    /// checked: an `aws` command whose policy is `file://PATH` when no such file is beside
    /// the script or guide (paths are read from its directory), or a shell variable whose
    /// value the file does not give; and a part of a file that is not checked as written
    /// (a templated section).
    ///
    /// ## Why is this bad?
    /// Nothing is wrong in what was read, but a policy that is not read is not checked:
    /// a clean report would say more than it knows. The finding names what was left out.
    ///
    /// ## Example
    /// ```sh expect_diagnostic
    /// aws iam create-role --role-name app \
    ///     --assume-role-policy-document file://trust-policy-that-is-not-here.json
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// aws iam create-role --role-name app --assume-role-policy-document '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
    /// ```
    /// or keep the policy file beside the script, where `file://` finds it.
    ///
    /// ## References
    /// - AWS CLI User Guide, "Loading AWS CLI parameters from a file"
    pub UncheckedPolicy {
        code: "IAM004",
        name: "unchecked-policy",
        group: "syntax",
        severity: Info,
        enabled: true,
        summary: "a policy the file sets that could not be read, so it is not checked",
    }
}

impl Rule for UncheckedPolicy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Ok(file) = cx.file else { return };
        let issues = file
            .issues
            .iter()
            .chain(file.documents.iter().flat_map(|d| d.issues.iter()))
            .filter(|i| i.kind == IssueKind::Unchecked);
        for i in issues {
            sink.report(
                Finding::new(i.span, i.path.clone(), i.message.clone())
                    .label("not checked")
                    .help("keep the policy where iamlint can read it (beside the file, or inline), or bind the value with `--var NAME=VALUE`"),
            );
        }
    }
}
