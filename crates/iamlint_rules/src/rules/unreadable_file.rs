use crate::{declare_rule, FileContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file that could not be read: missing, unreadable, a broken symbolic
    /// link or a link loop, not a regular file (a FIFO, socket or device), larger than
    /// the size limit, UTF-16 or otherwise not UTF-8, or binary; and a directory that a
    /// walk could not read (its files were not checked).
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
        match cx.file {
            // a directory of a walk: the error says so itself
            Err(e @ iamlint_formats::ReadError::Directory(_)) => {
                sink.report(Finding::file_level(e.to_string()));
            }
            Err(e) => sink.report(Finding::file_level(format!("cannot read this file: {e}"))),
            Ok(_) => {}
        }
    }
}
