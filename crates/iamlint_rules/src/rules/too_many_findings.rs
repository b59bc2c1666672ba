use crate::{declare_rule, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a file that gives more findings than one file may report (10,000 unless
    /// `[rules.options.too-many-findings] limit` says otherwise): the first ones are
    /// reported, and the rest of the file is not checked.
    ///
    /// A file is checked rule by rule and document by document, so the findings kept are
    /// those of the first rules over its first documents, not the worst ones.
    ///
    /// ## Why is this bad?
    /// A file with that many findings is generated, or not a hand-written policy: far
    /// beyond IAM's size quotas (`policy-too-large`). Checking it to the end could take
    /// gigabytes of memory for a report no one reads; a run over a repository must finish
    /// whatever one file holds.
    ///
    /// ## Use instead
    /// Check the generator, or split the file. To see more findings, raise the limit:
    ///
    /// ```toml
    /// [rules.options.too-many-findings]
    /// limit = 50000
    /// ```
    pub TooManyFindings {
        code: "IAM006",
        name: "too-many-findings",
        group: "syntax",
        severity: Warning,
        enabled: true,
        summary: "a file with more findings than one file may report: the rest of it is not checked",
    }
}

/// The findings one file may report when the configuration does not say.
pub const DEFAULT_LIMIT: usize = 10_000;

/// Reported by the engine, which counts a file's findings.
impl Rule for TooManyFindings {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }
}
