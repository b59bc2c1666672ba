use crate::{declare_rule, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Reports a suppression (`# iamlint:ignore[...]` comment, CloudFormation
    /// `Metadata: iamlint: ignore`, or a configuration `[[suppress]]` entry) that
    /// suppresses nothing, or that has no reason and so is not honoured.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding at that place, and one without a
    /// reason leaves reviewers guessing.
    ///
    /// ## Example
    /// A suppression without a reason is not honoured and is reported:
    ///
    /// ```yaml expect_diagnostic
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Action: s3:*
    ///     Resource: arn:aws:s3:::b/* # iamlint:ignore[service-wildcard]
    /// ```
    ///
    /// When `service-wildcard` is enabled, a suppression of it on a statement that
    /// grants no service wildcard is reported as stale in the same way.
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Action: s3:GetObject
    ///     Resource: arn:aws:s3:::b/*
    /// ```
    pub UnusedSuppression {
        code: "IAM503",
        name: "unused-suppression",
        group: "hygiene",
        severity: Warning,
        enabled: true,
        summary: "a suppression that suppresses nothing or has no reason",
    }
}

/// Reported by the engine, which knows which suppressions were used.
impl Rule for UnusedSuppression {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }
}
