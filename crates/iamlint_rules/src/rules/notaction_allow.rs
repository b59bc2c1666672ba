use crate::rules::words::{plural, thousands};
use super::grant_support::{self as gs, Scope};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::AccessLevel;
use iamlint_semantic::ResourceItem;

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` with `NotAction` in an identity policy, saying how many actions
    /// it grants and how many of them are Permissions management, counted from the
    /// catalog after the document's unconditional `Deny`s on `*`.
    ///
    /// When the statement names its resources, only the actions that accept one of those
    /// resources are counted (an action that works only on `*`, or on other resource
    /// types, is not granted there). A statement with a `Condition` is still reported,
    /// with a note. A statement that `full-admin` reports is not reported again.
    ///
    /// ## Why is this bad?
    /// `NotAction` in an `Allow` grants everything except the listed actions, including
    /// every action AWS adds later. It is almost always meant as a `Deny` with `NotAction`
    /// (an exception list) and written as an `Allow` by mistake.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [
    ///   {"Effect": "Allow", "Action": ["ec2:DescribeInstances", "s3:ListAllMyBuckets"], "Resource": "*"},
    ///   {"Effect": "Deny", "NotAction": ["iam:GetAccountSummary"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    /// ]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: NotAction" (using NotAction with Allow)
    /// - AWS managed policy `PowerUserAccess` (an `Allow` with `NotAction` by design)
    pub NotactionAllow {
        code: "IAM204",
        name: "notaction-allow",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "an `Allow` with `NotAction`",
    }
}

impl Rule for NotactionAllow {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for gr in gs::grants_in_budget(cx) {
            if !gr.not_action() || gs::full_admin(cat, gr).is_some() {
                continue;
            }
            let mut notes = Vec::new();
            let (granted, where_) = match &gr.scope {
                Scope::Star(_) | Scope::NotResource { .. } => {
                    (gr.effective.clone(), gr.scope.describe())
                }
                Scope::Named => {
                    let named = gs::named_resource_types(cat, &gr.g.resource_items);
                    if gr
                        .g
                        .resource_items
                        .iter()
                        .any(|i| matches!(i, ResourceItem::Unresolved))
                    {
                        notes.push(
                            "some `Resource` items could not be resolved; the count covers the resolved ones"
                                .to_string(),
                        );
                    }
                    (
                        gs::applicable_to(cat, &gr.effective, &named),
                        "on the resources it names".to_string(),
                    )
                }
                Scope::Nothing => continue,
            };
            let pm = gs::count_level(cat, &granted, AccessLevel::PermissionsManagement);
            let excluded_items = gr.actions.items.len();
            let listed = if excluded_items == 1 {
                "the listed pattern".to_string()
            } else {
                format!("the {} listed patterns", thousands(excluded_items))
            };
            let mut f = Finding::new(
                gr.actions.key_span,
                gr.actions.path.clone(),
                format!(
                    "`Allow` with `NotAction` grants every action but {listed}: {} {where_}, {} of them Permissions management",
                    plural(granted.len(), "action", "actions"),
                    thousands(pm)
                ),
            )
            .label("everything except these")
            .help("list the actions to allow in `Action`; to make exceptions, use a `Deny` with `NotAction`")
            .sid(gr.st);
            if pm > 0 {
                let pm_set = gs::with_level(cat, &granted, AccessLevel::PermissionsManagement);
                f = f.note(format!(
                    "Permissions management actions granted include {}",
                    gs::name_list(cat, &pm_set, 4)
                ));
            }
            for n in notes {
                f = f.note(n);
            }
            if let Some(note) = gr.denied_note() {
                f = f.note(note);
            }
            if let Some(note) = gs::condition_note(gr.st.condition.as_ref()) {
                f = f.note(note);
            }
            if let Some(note) = gr.unresolved_note() {
                f = f.note(note);
            }
            sink.report(f);
        }
    }
}
