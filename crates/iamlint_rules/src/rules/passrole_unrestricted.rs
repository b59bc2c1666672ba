use super::grant_support as gs;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `iam:PassRole` allowed on every role of an identity policy without an
    /// `iam:PassedToService` or `iam:AssociatedResourceArn` condition. The grant is found
    /// however it is written: `iam:PassRole`, `iam:Pass*`, `iam:*`, `*`, or an `Allow`
    /// with `NotAction`; on `Resource: "*"`, on a pattern that matches every role
    /// (`arn:aws:iam::123456789012:role/*`), or with `NotResource`.
    ///
    /// A condition on either key counts when its operator is not negated and its value is
    /// not just wildcards; other conditions are mentioned in a note. A `Deny` on `*` of
    /// `iam:PassRole` in the same document removes the finding.
    ///
    /// A wildcard narrower than every role (`role/app-*`) is reported too, as IAM
    /// Access Analyzer does, unless the name starts with a service's name or an AWS role
    /// path (`role/ecs-*`, `role/AWSGlueServiceRole*`, `role/service-role/*`), the names of
    /// roles that services create.
    ///
    /// A statement that `full-admin` reports is not reported again.
    ///
    /// ## Why is this bad?
    /// Passing a role to a service (an EC2 instance profile, a Lambda function, a Glue
    /// job) lets the principal run code with that role's permissions. With every role
    /// passable, it can pick the most privileged role in the account: a well-known
    /// privilege escalation path.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:RunInstances", "iam:PassRole"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app-instance", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Grant a user permissions to pass a role to an AWS service"
    /// - Service Authorization Reference, IAM: condition keys `iam:PassedToService`, `iam:AssociatedResourceArn`
    pub PassroleUnrestricted {
        code: "IAM207",
        name: "passrole-unrestricted",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "`iam:PassRole` on every role without `iam:PassedToService`",
    }
}

const KEYS: &[&str] = &["iam:PassedToService", "iam:AssociatedResourceArn"];

impl Rule for PassroleUnrestricted {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let Some(pass) = cat.find_action("iam:PassRole") else {
            return;
        };
        for gr in gs::grants_in_budget(cx) {
            if !gr.effective.contains(pass)
                || gs::has_narrowing_key(gr.st.condition.as_ref(), KEYS)
                || gs::full_admin(cat, gr).is_some()
            {
                continue;
            }
            let Some(every) = gs::every_role(gr, "role/") else {
                if let Some(f) = role_prefix(cat, gr, pass) {
                    sink.report(f);
                }
                continue;
            };
            let (span, path) = gr.element_for(pass);
            let subject = gr.allows_subject(cat, pass);
            let mut f = Finding::new(
                span,
                path,
                format!(
                    "{subject} on every role without an `iam:PassedToService` condition: the principal can hand any role, including an administrator role, to a service that runs its code"
                ),
            )
            .label("grants `iam:PassRole`")
            .secondary(every.span, every.label)
            .help("name the roles in `Resource` and add a condition such as `\"StringEquals\": {\"iam:PassedToService\": \"ec2.amazonaws.com\"}`")
            .sid(gr.st);
            if let Some(note) = gs::role_condition_note(
                gr.st.condition.as_ref(),
                KEYS,
                "the service the role is passed to",
            ) {
                f = f.note(note);
            }
            sink.report(f);
        }
    }
}

/// `iam:PassRole` on a wildcard narrower than every role (`role/app-*`), as IAM Access
/// Analyzer's "Pass role with star in resource" reports it: any role whose name fits,
/// including roles created later, can be passed to any service. Names that start with a
/// service's name (`role/ecs-*`, `role/AWSGlueServiceRole*`, `role/service-role/*`) follow
/// the roles services create and are not reported, as Access Analyzer does not.
fn role_prefix(
    cat: &iamlint_catalog::Catalog,
    gr: &gs::Grant<'_>,
    pass: iamlint_catalog::ActionId,
) -> Option<Finding> {
    let list = gr.st.resource.as_ref().filter(|l| !l.negated)?;
    let item = list.items.iter().find(|t| {
        let Some(s) = t.as_literal() else {
            return false;
        };
        let Some(name) = s
            .splitn(6, ':')
            .nth(5)
            .and_then(|r| r.strip_prefix("role/"))
        else {
            return false;
        };
        let Some(star) = name.find(['*', '?']) else {
            return false;
        };
        let fixed = name[..star].to_ascii_lowercase();
        !fixed.contains("${") && !service_named(cat, &fixed)
    })?;
    let (span, path) = gr.element_for(pass);
    let subject = gr.allows_subject(cat, pass);
    let mut f = Finding::new(
        span,
        path,
        format!(
            "{subject} on `{}` without an `iam:PassedToService` condition: any role whose name fits, including roles created later, can be handed to any service",
            item.display()
        ),
    )
    .label("grants `iam:PassRole`")
    .secondary(item.span, "a wildcard over role names")
    .help("name the roles, or add `\"StringEquals\": {\"iam:PassedToService\": \"<service>.amazonaws.com\"}`")
    .sid(gr.st);
    f.at_most = Some(crate::Severity::Warning);
    Some(f)
}

/// Whether a role name prefix starts with a service's name or an AWS role path.
fn service_named(cat: &iamlint_catalog::Catalog, fixed: &str) -> bool {
    let fixed = fixed.trim_start_matches('/');
    ["aws", "amazon", "service-role/", "aws-service-role/"]
        .iter()
        .any(|p| fixed.starts_with(p))
        || cat.services().any(|s| {
            let prefix = cat.service_prefix(s);
            prefix.len() >= 3 && fixed.starts_with(prefix)
        })
}
