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
    /// ```yaml expect_diagnostic
    /// # iamlint:ignore[service-wildcard] the bucket role needs every S3 action
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
