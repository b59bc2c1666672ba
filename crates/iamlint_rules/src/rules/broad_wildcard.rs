use crate::rules::words::{plural, thousands};
use super::grant_support as gs;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::{AccessLevel, ActionSet};
use iamlint_matcher::ActionPattern;
use iamlint_semantic::ActionItem;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` item of an `Allow` in an identity policy that is a partial
    /// wildcard (`s3:Put*`, `iam:*Policy*`, `ec2:*`-like prefixes other than the whole
    /// service) when it grants at least one Permissions management action or more than
    /// 5 Write actions, with the exact counts. Read and List wildcards such as
    /// `ec2:Describe*` or `s3:Get*` are not reported.
    ///
    /// Off by default: partial wildcards are common and often deliberate. `svc:*` is
    /// `service-wildcard`'s finding and `*` is `full-admin`'s. Actions denied by an
    /// unconditional `Deny` on `*` in the same document are not counted; a statement with
    /// a `Condition` is still reported, with a note.
    ///
    /// ## Why is this bad?
    /// A prefix wildcard grants every matching action, today's and future ones:
    /// `s3:Put*` includes `s3:PutBucketPolicy`, which can make a bucket public, next to
    /// the `s3:PutObject` the workload needed.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Put*", "Resource": "arn:aws:s3:::uploads/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "ec2:Describe*"], "Resource": "*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Action" (wildcards in action names)
    /// - Service Authorization Reference: access levels
    pub BroadWildcard {
        code: "IAM215",
        name: "broad-wildcard",
        group: "least-privilege",
        severity: Info,
        enabled: false,
        summary: "a partial action wildcard that grants many Write or Permissions management actions",
    }
}

/// More Write actions than this make a wildcard broad.
const WRITE_THRESHOLD: usize = 5;

impl Rule for BroadWildcard {
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
                if !p.has_wildcard() || p.is_all() {
                    continue;
                }
                if !p.has_service_wildcard() && p.action_part() == Some("*") {
                    continue; // service-wildcard
                }
                let mut granted: ActionSet = set.clone();
                granted.intersect_with(&gr.effective);
                let pm = gs::with_level(cat, &granted, AccessLevel::PermissionsManagement);
                let write = gs::count_level(cat, &granted, AccessLevel::Write);
                if pm.is_empty() && write <= WRITE_THRESHOLD {
                    continue;
                }
                let mut f = Finding::new(
                    t.span,
                    t.path.clone(),
                    format!(
                        "`{raw}` grants {}, {} Write and {} Permissions management",
                        plural(granted.len(), "action", "actions"),
                        thousands(write),
                        thousands(pm.len())
                    ),
                )
                .label(format!(
                    "matches {}",
                    plural(granted.len(), "action", "actions")
                ))
                .help("list the actions the workload calls instead of a wildcard")
                .sid(gr.st);
                if !pm.is_empty() {
                    f = f.note(format!(
                        "Permissions management actions it grants: {}",
                        gs::name_list(cat, &pm, 4)
                    ));
                }
                if granted.len() < set.len() {
                    f = f.note(format!(
                        "a `Deny` on `*` in this document removes {} of the actions it matches",
                        thousands(set.len() - granted.len())
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
