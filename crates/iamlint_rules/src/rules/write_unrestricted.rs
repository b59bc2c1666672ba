use super::grant_support as gs;
use crate::{declare_rule, DocContext, Rule, RuleInfo, Sink};
use iamlint_catalog::AccessLevel;

declare_rule! {
    /// ## What it does
    /// Reports Write actions (the catalog's access level: they create, change or delete
    /// resources) granted on every resource (`Resource: "*"` or `NotResource`) in an
    /// identity policy although they accept a resource type: infrastructure
    /// modification without resource constraints.
    ///
    /// Off by default: most real policies have some, and `resource-star` already reports
    /// the statement. Actions that only work on `*` are not reported. A `Condition` that
    /// pins the resource (resource tags, `aws:ResourceAccount`, `aws:ResourceOrgID`,
    /// `aws:ResourceOrgPaths`) removes the finding; other conditions are mentioned in a
    /// note. Actions denied by an unconditional `Deny` on `*` are left out; statements
    /// `full-admin` reports are not reported again.
    ///
    /// ## Why is this bad?
    /// The principal can change or delete any such resource in the account, not only the
    /// ones of its workload.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:DeleteTable", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:DeleteTable", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/scratch-*"}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference: access levels ("Write")
    /// - IAM User Guide, "Security best practices in IAM": apply least-privilege permissions
    pub WriteUnrestricted {
        code: "IAM210",
        name: "write-unrestricted",
        group: "least-privilege",
        severity: Info,
        enabled: false,
        summary: "Write actions on every resource",
    }
}

impl Rule for WriteUnrestricted {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if gs::grants(cx).is_empty() {
            return;
        }
        let subset = cx.catalog().actions_with_level(AccessLevel::Write);
        gs::report_unrestricted(
            cx,
            sink,
            subset,
            &gs::Category {
                one: "Write action that supports resource-level permissions",
                many: "Write actions that support resource-level permissions",
                why: "this lets the principal change or delete any such resource in the account",
                help: "name the resources these actions may change in `Resource`",
                note: None,
            },
        );
    }
}
