use crate::rules::words::{plural, thousands};
use super::grant_support::{self as gs, Scope};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::AccessLevel;

declare_rule! {
    /// ## What it does
    /// Reports `Resource: "*"` in an `Allow` of an identity policy when some of the
    /// statement's actions support resource-level permissions, naming those actions (how
    /// many, and the first few) and the resource types they accept.
    ///
    /// Actions that only work with `Resource: "*"` (the catalog lists no resource type
    /// for them: `ec2:DescribeInstances`, `ecr:GetAuthorizationToken`,
    /// `sts:GetCallerIdentity`, `s3:ListAllMyBuckets`, ...) are never reported: `*` is
    /// the only value they accept. Neither are actions whose only resource type is
    /// optional (`cloudwatch:PutMetricData` and its `dataset`, `polly:SynthesizeSpeech`
    /// and its `lexicon`): their requests usually name no resource, and only `*` allows
    /// those, so naming the resource would break the call. Actions of the List
    /// access level (`ec2:Describe*`, `s3:ListBucket`: they return names and metadata, not
    /// contents) are not counted either, even when they take a resource: `ec2:Describe*`
    /// on `*` is not a finding.
    ///
    /// A statement whose `Condition` pins the resource (a positive test of
    /// `aws:ResourceTag/...`, `<service>:ResourceTag/...`, `s3:ExistingObjectTag/...`,
    /// `aws:ResourceAccount`, `aws:ResourceOrgID` or `aws:ResourceOrgPaths`) is
    /// attribute-based access control and is not reported; other conditions are
    /// mentioned in a note. Actions denied by an unconditional `Deny` on `*` are left
    /// out. A statement that `full-admin` reports is not reported again.
    ///
    /// ## Why is this bad?
    /// `*` reaches every current and future resource of the account: every bucket, every
    /// repository, every queue. Naming the resources keeps a mistake or a compromised
    /// workload inside its own resources.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ListQueues"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [
    ///   {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"},
    ///   {"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}
    /// ]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference: the "Resource types" column of each service's actions table
    /// - IAM User Guide, "IAM JSON policy elements: Resource"
    /// - IAM User Guide, "Define permissions based on attributes with ABAC authorization"
    pub ResourceStar {
        code: "IAM203",
        name: "resource-star",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "`Resource: \"*\"` for actions that support resource-level permissions",
    }
}

impl Rule for ResourceStar {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for gr in gs::grants_in_budget(cx) {
            let Scope::Star(star) = gr.scope else {
                continue;
            };
            if gs::scopes_resources(gr.st.condition.as_ref()) || gs::full_admin(cat, gr).is_some() {
                continue;
            }
            // List actions (`ec2:Describe*`, `s3:ListBucket`) return names and metadata:
            // scoping them is rarely worth a finding, and wildcards like `ec2:Describe*`
            // would otherwise be reported for the few that take a resource
            let mut scopable = gs::scopable_of(cat, &gr.effective);
            scopable.subtract(&gs::with_level(cat, &scopable, AccessLevel::List));
            if scopable.is_empty() {
                continue;
            }
            let star_only = gr.effective.len() - scopable.len();
            let n = scopable.len();
            let message = if n == 1 {
                format!(
                    "`Resource: \"*\"` lets {} act on every resource, but it supports resource-level permissions",
                    gs::name_list(cat, &scopable, 1)
                )
            } else {
                format!(
                    "`Resource: \"*\"` lets {} actions that support resource-level permissions act on every resource: {}",
                    thousands(n),
                    gs::name_list(cat, &scopable, 3)
                )
            };
            let mut f = Finding::new(star.span, star.path.clone(), message)
                .label("every resource")
                .sid(gr.st);
            for (span, text) in gr.elements_for(&scopable).take(3) {
                f = f.secondary(span, format!("`{text}` can be scoped"));
            }
            f = f.note(format!(
                "resource types accepted: {}",
                gs::resource_type_list(cat, &scopable, 5)
            ));
            if star_only > 0 {
                let mut only = gr.effective.clone();
                only.subtract(&scopable);
                let verb = if star_only == 1 { "is" } else { "are" };
                f = f.note(format!(
                    "{} of the statement {verb} fine on `*` (they work only with `Resource: \"*\"`, their requests need not name a resource, or they only list names and metadata): {}",
                    plural(star_only, "action", "actions"),
                    gs::name_list(cat, &only, 3)
                ));
            }
            let help = match gs::example_arn_format(cat, &scopable) {
                Some(fmt) => format!(
                    "name the resources in `Resource` (for example `{fmt}`), or restrict them with an `aws:ResourceTag/...` condition"
                ),
                None => "name the resources in `Resource`".to_string(),
            };
            f = f.help(help);
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
