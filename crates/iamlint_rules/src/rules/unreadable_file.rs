use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file that could not be read: missing, unreadable, a broken symbolic
    /// link, larger than the size limit, not UTF-8, or binary.
    ///
    /// ## Why is this bad?
    /// A policy that is not read is not checked. The run goes on with the other files
    /// and exits with status 2.
    pub UnreadableFile {
        code: "IAM002",
        name: "unreadable-file",
        group: "syntax",
        severity: Error,
        enabled: true,
        summary: "a file that could not be read",
    }
}

impl Rule for UnreadableFile {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        if let Err(e) = cx.file {
            sink.report(Finding::file_level(format!("cannot read this file: {e}")));
        }
    }
}
