use crate::rules::catalog_support::list_some;
use crate::rules::words::thousands;
use crate::rules::resource_fit::{judged_patterns, single_actions, Fit, UNKNOWNS_NOTE};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::{ActionId, Catalog};
use iamlint_policy::Statement;
use iamlint_syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports an action of a statement that none of the statement's `Resource` items
    /// can serve, while other actions can (when none can, `resource-mismatch` reports
    /// the statement): `iam:PassRole` next to instance-profile actions on
    /// `instance-profile/*`, `s3:ListBucket` on `arn:aws:s3:::b/*` next to object actions.
    /// Each action's resource types and their ARN formats come from the catalog; an
    /// action without resource types is taken to accept any item of its service, as in
    /// `resource-mismatch`.
    ///
    /// As IAM Access Analyzer does, only actions named one by one are judged: a wildcard
    /// item (`s3:*`) is meant to cover actions the resources do not serve. An item with
    /// placeholders or intrinsics is judged as a pattern with `*` for each unknown value,
    /// when that pattern surely matches every ARN the item can stand for
    /// (`arn:aws:iam::<AWS ACCOUNT ID>:instance-profile/*` is no role, whatever the
    /// account). Statements with `NotAction`, `NotResource`, an action that is not known
    /// or an item that may be anything (`*`, `!GetAtt Role.Arn`) are not judged.
    ///
    /// Two gaps of the catalog are allowed for: services whose two versions share one
    /// prefix (API Gateway and its V2, Elastic Load Balancing and its V2, Greengrass,
    /// Kinesis Analytics, Lex, SMS Voice) keep one version's resource types for an action
    /// of both, so their items and actions are not judged; and AWS's own SSM documents,
    /// public parameters and Resource Explorer service views have ARNs without an account
    /// (`arn:aws:ssm:*::document/AWS-*`).
    ///
    /// ## Why is this bad?
    /// The statement never applies to that action: an `Allow` grants nothing for it, a
    /// `Deny` denies nothing. Usually the author meant other resources for it (roles for
    /// `iam:PassRole`, the bucket for `s3:ListBucket`) and the action fails at run time.
    ///
    /// A warning, as `resource-mismatch` is: the verdict rests on the catalog's ARN
    /// formats, which are sometimes looser or stricter than the service.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:PassRole"], "Resource": "arn:aws:iam::111122223333:instance-profile/cluster-*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile"], "Resource": "arn:aws:iam::111122223333:instance-profile/cluster-*"}, {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/cluster-*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference (resource types and ARN formats of each action): <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    pub ActionResourceMismatch {
        code: "IAM143",
        name: "action-resource-mismatch",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "an action that none of its statement's resources can serve",
    }
}

impl Rule for ActionResourceMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let mut fit = Fit::new(cx.semantic());
        for (st, g) in cx.statements() {
            let Some(patterns) = judged_patterns(st, g) else {
                continue;
            };
            let dead: Vec<(Span, ActionId)> = single_actions(st, g)
                .filter(|(_, a)| !patterns.iter().any(|j| fit.action_fits(*a, &j.pattern)))
                .collect();
            if dead.is_empty() {
                continue;
            }
            // the statement as a whole: some action fits some item?
            let any_fits = g
                .actions
                .iter()
                .any(|a| patterns.iter().any(|j| fit.action_fits(a, &j.pattern)));
            if !any_fits {
                continue; // resource-mismatch reports the whole statement
            }
            let verb = if st.is_deny() { "denies" } else { "allows" };
            let unknowns = patterns.iter().any(|j| j.shown != j.pattern.as_str());
            if let Some(f) = finding(cat, st, &dead, patterns.len(), verb, unknowns) {
                sink.report(f);
            }
        }
    }
}

/// One finding per statement: the dead action, or the first of them with the others as
/// secondary labels (`None` without dead actions).
fn finding(
    cat: &Catalog,
    st: &Statement,
    dead: &[(Span, ActionId)],
    resources: usize,
    verb: &str,
    unknowns: bool,
) -> Option<Finding> {
    let path = st.action.as_ref().map_or_else(String::new, |l| l.path.clone());
    let res = st.resource.as_ref();
    let &(span, a) = dead.first()?;
    let mut f = if let [_] = dead {
        let name = cat.action_full_name(a);
        let mut types: Vec<String> = Vec::new();
        let mut formats: Vec<String> = Vec::new();
        for r in cat.action_resources(a) {
            types.push(format!("`{}`", cat.resource_type_name(r.resource_type)));
            for f in cat.resource_type_arn_formats(r.resource_type) {
                let f = format!("`{f}`");
                if !formats.contains(&f) {
                    formats.push(f);
                }
            }
        }
        let acts_on = if types.is_empty() {
            "works only with `\"Resource\": \"*\"`".to_owned()
        } else {
            format!("acts on {} resources", list_some(&types, 3))
        };
        let mut f = Finding::new(
            span,
            path,
            format!(
                "`{name}` {acts_on}, and {}: the statement never {verb} it",
                if resources == 1 {
                    "the statement's resource is not one".to_owned()
                } else {
                    format!("none of the statement's {} resources is one", thousands(resources))
                }
            ),
        )
        .label("no resource here for this action")
        .help(format!("give `{name}` the resources it acts on, in a statement of its own if the others differ, or remove it"));
        if !formats.is_empty() {
            f = f.note(format!(
                "its resources have ARNs like {}",
                list_some(&formats, 3)
            ));
        }
        f
    } else {
        let names: Vec<String> = dead
            .iter()
            .map(|(_, a)| format!("`{}`", cat.action_full_name(*a)))
            .collect();
        let mut f = Finding::new(
            span,
            path,
            format!(
                "{} actions of this statement ({}) act on {}: the statement never {verb} them",
                thousands(dead.len()),
                list_some(&names, 3),
                if resources == 1 {
                    "other resources than its one".to_owned()
                } else {
                    format!("none of its {} resources", thousands(resources))
                }
            ),
        )
        .label("no resource here for this action")
        .help("give these actions the resources they act on, in statements of their own, or remove them (the Service Authorization Reference lists each action's resource types)");
        for (s, _) in dead.iter().skip(1).take(4) {
            f = f.secondary(*s, "nor for this one");
        }
        f
    };
    f = f.sid(st);
    if let Some(r) = res {
        f = f.secondary(r.span, "the statement's resources");
    }
    if unknowns {
        f = f.note(UNKNOWNS_NOTE);
    }
    Some(f)
}
