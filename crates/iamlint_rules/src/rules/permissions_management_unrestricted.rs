use super::grant_support as gs;
use iamlint_catalog::ActionSet;
use crate::{declare_rule, DocContext, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports Permissions management actions (the catalog's access level: they change
    /// who may access a resource, such as `s3:PutBucketPolicy`, `kms:CreateGrant`,
    /// `iam:AttachRolePolicy`) granted on every resource (`Resource: "*"` or
    /// `NotResource`) in an identity policy although they accept a resource type. This is
    /// what cloudsplaining calls resource exposure, derived here from the catalog rather
    /// than from a fixed list.
    ///
    /// AWS's labels are corrected where they are wrong, as data with a reason for each
    /// (`rules/permissions-management-overrides.toml`): actions labelled Permissions
    /// management that only read (`glue:ListEntities`, `billing:GetResourcePolicy`) are
    /// left out, and actions labelled Write that share a resource with other accounts or
    /// everyone (`rds:ModifyDBSnapshotAttribute`, `ec2:ModifyImageAttribute`,
    /// `ram:CreateResourceShare`) are counted.
    ///
    /// Actions that only work on `*` are not reported. A `Condition` that pins the
    /// resource (a positive test of a resource tag, `aws:ResourceAccount`,
    /// `aws:ResourceOrgID` or `aws:ResourceOrgPaths`) removes the finding; any other
    /// condition is mentioned in a note but does not. Actions denied by an unconditional
    /// `Deny` on `*` are left out; statements `full-admin` reports are not reported again.
    ///
    /// ## Why is this bad?
    /// With a Permissions management action on every resource, the principal can rewrite
    /// the policy of any bucket, key, queue or role in the account and open it to anyone,
    /// or grant itself more.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "arn:aws:s3:::my-bucket"}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference: access levels ("Permissions management")
    /// - IAM User Guide, "Understanding access level summaries within policy summaries"
    pub PermissionsManagementUnrestricted {
        code: "IAM209",
        name: "permissions-management-unrestricted",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "Permissions management actions on every resource",
    }
}

impl Rule for PermissionsManagementUnrestricted {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if gs::grants(cx).is_empty() {
            return;
        }
        let subset = cx.data().access_changing_actions();
        let overrides = cx.data().permissions_management_overrides();
        let cat = cx.catalog();
        let relabelled = |set: &ActionSet| {
            let named: Vec<String> = overrides
                .exposes
                .iter()
                .filter(|o| cat.find_action(&o.action).is_some_and(|a| set.contains(a)))
                .map(|o| format!("`{}`: {}", o.action, o.reason))
                .collect();
            (!named.is_empty()).then(|| {
                format!(
                    "AWS labels {} Write, but {}",
                    if named.len() == 1 { "it" } else { "these" },
                    named.join("; ")
                )
            })
        };
        gs::report_unrestricted(
            cx,
            sink,
            subset,
            &gs::Category {
                one: "Permissions management action that supports resource-level permissions",
                many: "Permissions management actions that support resource-level permissions",
                why: "this lets the principal change who can access any such resource in the account",
                help: "name the resources these actions may change in `Resource`, in a statement of their own",
                note: Some(&relabelled),
            },
        );
    }
}
