use super::grant_support as gs;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `iam:CreateServiceLinkedRole` allowed on every role of an identity policy
    /// without an `iam:AWSServiceName` condition, however the grant is written
    /// (`iam:CreateServiceLinkedRole`, `iam:Create*`, `iam:*`, `*`, `NotAction`; on `*`, on
    /// `arn:aws:iam::*:role/aws-service-role/*`, or with `NotResource`).
    ///
    /// A condition on `iam:AWSServiceName` counts when its operator is not negated and its
    /// value is not just wildcards; other conditions are mentioned in a note. A `Deny` on
    /// `*` of the action in the same document removes the finding.
    ///
    /// A statement that `full-admin` reports is not reported again.
    ///
    /// ## Why is this bad?
    /// A service-linked role gives an AWS service permissions in the account. Creating
    /// the role of any service turns on integrations (and their access to data) that the
    /// workload never needed.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*", "Condition": {"StringEquals": {"iam:AWSServiceName": "spot.amazonaws.com"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Using service-linked roles" (service-linked role permissions)
    /// - Service Authorization Reference, IAM: condition key `iam:AWSServiceName`
    pub ServiceLinkedRoleUnrestricted {
        code: "IAM208",
        name: "service-linked-role-unrestricted",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "`iam:CreateServiceLinkedRole` for every service without `iam:AWSServiceName`",
    }
}

const KEYS: &[&str] = &["iam:AWSServiceName"];

impl Rule for ServiceLinkedRoleUnrestricted {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let Some(create) = cat.find_action("iam:CreateServiceLinkedRole") else {
            return;
        };
        for gr in gs::grants_in_budget(cx) {
            if !gr.effective.contains(create)
                || gs::has_narrowing_key(gr.st.condition.as_ref(), KEYS)
                || gs::full_admin(cx.catalog(), gr).is_some()
            {
                continue;
            }
            let Some(every) = gs::every_role(gr, "role/aws-service-role/") else {
                continue;
            };
            let (span, path) = gr.element_for(create);
            let subject = gr.allows_subject(cat, create);
            let mut f = Finding::new(
                span,
                path,
                format!("{subject} without an `iam:AWSServiceName` condition: the principal can create the service-linked role of any AWS service"),
            )
            .label("grants `iam:CreateServiceLinkedRole`")
            .secondary(every.span, every.label)
            .help("add a condition such as `\"StringEquals\": {\"iam:AWSServiceName\": \"spot.amazonaws.com\"}`, or name the role in `Resource`")
            .sid(gr.st);
            if let Some(note) =
                gs::role_condition_note(gr.st.condition.as_ref(), KEYS, "the service")
            {
                f = f.note(note);
            }
            sink.report(f);
        }
    }
}
