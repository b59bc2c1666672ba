use crate::rules::words::{plural, thousands};
use super::grant_support as gs;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::{AccessLevel, ActionSet};
use iamlint_matcher::ActionPattern;
use iamlint_semantic::ActionItem;

declare_rule! {
    /// ## What it does
    /// Reports each `svc:*` item in the `Action` of an `Allow` in an identity policy, with
    /// the exact number of actions it grants and how many of them are Permissions
    /// management (they change who can access a resource), counted from the catalog.
    ///
    /// It fires whatever the `Resource` is: on a single bucket, `s3:*` still grants
    /// deleting the bucket and rewriting its policy. An item whose actions are all denied
    /// by an unconditional `Deny` on `*` in the same document is not reported; a partial
    /// `Deny` is mentioned in a note. A statement with a `Condition` is still reported,
    /// with a note naming the condition keys.
    ///
    /// ## Why is this bad?
    /// A service wildcard grants every action the service has today and every action it
    /// adds later, including the destructive and permission-changing ones that the
    /// workload almost never needs.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/my-repo"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Security best practices in IAM": apply least-privilege permissions
    /// - Service Authorization Reference: actions, resources and condition keys per service
    /// - IAM Access Analyzer policy generation (generate a policy from CloudTrail activity)
    pub ServiceWildcard {
        code: "IAM202",
        name: "service-wildcard",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "an `Allow` of every action of a service (`svc:*`)",
    }
}

impl Rule for ServiceWildcard {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for gr in gs::grants_in_budget(cx) {
            if gr.not_action() {
                continue;
            }
            for (t, item) in gr.actions.items.iter().zip(&gr.g.action_items) {
                let ActionItem::Expanded(set) = item else {
                    continue;
                };
                let Some(raw) = t.as_literal() else { continue };
                if !iamlint_matcher::has_wildcard(raw) {
                    continue; // a single name: no wildcard to judge
                }
                let Ok(p) = ActionPattern::parse(raw) else {
                    continue;
                };
                if p.has_service_wildcard() || p.action_part() != Some("*") {
                    continue;
                }
                let Some(svc) = p.service_part().and_then(|s| cat.service_by_prefix(s)) else {
                    continue;
                };
                let total = set.len();
                let mut granted: ActionSet = set.clone();
                granted.intersect_with(&gr.effective);
                if granted.is_empty() {
                    continue;
                }
                let prefix = cat.service_prefix(svc);
                let pm = gs::count_level(cat, set, AccessLevel::PermissionsManagement);
                let pm_part = match pm {
                    0 => "none of them Permissions management".to_string(),
                    _ => format!("{} of them Permissions management", thousands(pm)),
                };
                let mut f = Finding::new(
                    t.span,
                    t.path.clone(),
                    format!(
                        "`{raw}` grants all {} of {prefix}, {pm_part}",
                        plural(total, "action", "actions"),
                    ),
                )
                .label(format!("every {prefix} action"))
                .help(format!(
                    "list the {prefix} actions the workload calls (IAM Access Analyzer can generate them from CloudTrail)"
                ))
                .sid(gr.st);
                if pm > 0 {
                    let pm_set = gs::with_level(cat, set, AccessLevel::PermissionsManagement);
                    f = f.note(format!(
                        "Permissions management actions granted: {}",
                        gs::name_list(cat, &pm_set, 4)
                    ));
                }
                if granted.len() < total {
                    f = f.note(format!(
                        "a `Deny` on `*` in this document removes {} of them",
                        thousands(total - granted.len())
                    ));
                }
                if let Some(note) = gs::condition_note(gr.st.condition.as_ref()) {
                    f = f.note(note);
                }
                sink.report(f);
            }
        }
    }
}
