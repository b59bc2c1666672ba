use crate::rules::catalog_support::{catalog_date, list_some};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::{ActionId, Catalog};
use iamlint_matcher::ArnPattern;
use iamlint_semantic::{ResourceItem, Semantic};

declare_rule! {
    /// ## What it does
    /// Reports a statement in which no `Resource` item can be a resource of any of the
    /// statement's actions: each action's resource types come from the catalog, and an
    /// item fits a resource type when some ARN matched by the item has that type's ARN
    /// format. An action without resource types works only with `Resource: "*"`.
    ///
    /// ## Why is this bad?
    /// The statement never applies: an `Allow` grants nothing, a `Deny` blocks nothing.
    /// The classic case is `s3:GetObject` on `arn:aws:s3:::my-bucket` (the bucket, not
    /// its objects) or `s3:ListBucket` on `arn:aws:s3:::my-bucket/*`.
    ///
    /// To stay free of false positives, an action without resource types is taken to
    /// accept any item whose service field could be its own service
    /// (`s3:ListAllMyBuckets` on `arn:aws:s3:::*`, which S3 honours), and statements
    /// with placeholders, intrinsics, `NotAction` or `NotResource` are not judged.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference (resource types and ARN formats of each action): <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - IAM User Guide, "IAM JSON policy elements: Resource": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub ResourceMismatch {
        code: "IAM110",
        name: "resource-mismatch",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "a statement whose resources cannot be resources of any of its actions",
    }
}

impl Rule for ResourceMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for (st, g) in cx.statements() {
            let (Some(actions), Some(res)) = (&st.action, &st.resource) else {
                continue;
            };
            if actions.negated
                || res.negated
                || g.actions_unresolved
                || g.actions.is_empty()
                || res.items.is_empty()
            {
                continue;
            }
            let mut patterns: Vec<&ArnPattern> = Vec::new();
            for item in &g.resource_items {
                match item {
                    ResourceItem::Pattern(p) if !p.is_match_all() => patterns.push(p),
                    _ => {
                        patterns.clear();
                        break;
                    }
                }
            }
            if patterns.is_empty() || patterns.len() != res.items.len() {
                continue;
            }
            if statement_fits(cx.semantic(), &g.actions, &patterns) {
                continue;
            }
            sink.report(finding(
                cat,
                st,
                g.actions.iter(),
                &patterns,
                res.span,
                actions.span,
            ));
        }
    }
}

/// Whether some action of `actions` has a resource type that some pattern can name.
/// Cheap exact verdicts ([`ArnFormat::quickly_named_by`]) are tried on every pair first:
/// most statements fit, and a probe usually shows it without any full search.
fn statement_fits(
    sem: &Semantic<'_>,
    actions: &iamlint_catalog::ActionSet,
    patterns: &[&ArnPattern],
) -> bool {
    actions.iter().any(|a| action_fits(sem, a, patterns, true))
        || actions.iter().any(|a| action_fits(sem, a, patterns, false))
}

/// Whether some pattern can name some resource type of `a`. With `quick`, only cheap
/// verdicts count: `false` then means "not shown yet".
fn action_fits(sem: &Semantic<'_>, a: ActionId, patterns: &[&ArnPattern], quick: bool) -> bool {
    let cat = sem.catalog();
    let mut any_type = false;
    for r in cat.action_resources(a) {
        any_type = true;
        let rt = r.resource_type;
        // a type without a usable format cannot be judged: count it as a fit
        if sem.resource_formats(rt).is_empty() {
            return true;
        }
        if patterns
            .iter()
            .any(|p| sem.names_type(rt, p, quick) == Some(true))
        {
            return true;
        }
    }
    if any_type {
        return false;
    }
    // No resource types: the action works on `*`. Accept items whose service field could
    // be the action's service.
    let prefix = cat.service_prefix(cat.action_service(a));
    patterns
        .iter()
        .any(|p| service_field_fits(p.as_str(), prefix))
}

/// Whether the item's service field could be `prefix`, or a service sharing its first
/// characters (`ssm` and `ssmmessages`: the catalog lists no resource types for
/// `ssmmessages:OpenDataChannel`, which acts on `ssm` sessions).
pub(crate) fn service_field_fits(pattern: &str, prefix: &str) -> bool {
    let mut fields = pattern.split(':');
    let (Some(_), Some(_), Some(svc)) = (fields.next(), fields.next(), fields.next()) else {
        // not an ARN with a service field (or a segment-ending `*` earlier)
        return true;
    };
    if svc.contains("${") {
        return true;
    }
    if !svc.is_empty() && (prefix.starts_with(svc) || svc.starts_with(prefix)) {
        return true;
    }
    match ArnPattern::parse(svc) {
        Ok(p) => p.matches_literal(prefix),
        Err(_) => true,
    }
}

fn finding(
    cat: &Catalog,
    st: &iamlint_policy::Statement,
    actions: impl Iterator<Item = ActionId>,
    patterns: &[&ArnPattern],
    res_span: iamlint_syntax::Span,
    act_span: iamlint_syntax::Span,
) -> Finding {
    let mut names = Vec::new();
    let mut formats: Vec<String> = Vec::new();
    let mut star_only = Vec::new();
    let mut count = 0usize;
    let mut any_s3 = false;
    for a in actions {
        count += 1;
        any_s3 |= cat.service_prefix(cat.action_service(a)) == "s3";
        if names.len() < 3 {
            names.push(format!("`{}`", cat.action_full_name(a)));
        }
        let mut any = false;
        for r in cat.action_resources(a) {
            any = true;
            if formats.len() < 3 {
                for f in cat.resource_type_arn_formats(r.resource_type) {
                    let f = format!("`{f}`");
                    if formats.len() < 3 && !formats.contains(&f) {
                        formats.push(f);
                    }
                }
            }
        }
        if !any && star_only.len() < 3 {
            star_only.push(format!("`{}`", cat.action_full_name(a)));
        }
    }
    let items: Vec<String> = patterns
        .iter()
        .map(|p| format!("`{}`", p.as_str()))
        .collect();
    let what = if count == 1 {
        names.join("")
    } else {
        format!("any of its {count} actions ({})", list_some(&names, 3))
    };
    let verb = if st.is_deny() { "denies" } else { "grants" };
    let mut f = Finding::new(
        res_span,
        st.resource
            .as_ref()
            .map_or_else(String::new, |r| r.path.clone()),
        format!(
            "no resource in {} can be a resource of {what} in the catalog of {}; the statement likely {verb} nothing",
            list_some(&items, 3),
            catalog_date(cat)
        ),
    )
    .label("matches no resource of these actions")
    .secondary(act_span, "these actions")
    .sid(st);
    if !formats.is_empty() {
        f = f.note(format!(
            "resources of these actions have ARNs like {}",
            formats.join(", ")
        ));
    }
    if !star_only.is_empty() {
        f = f.note(format!(
            "{} {}",
            list_some(&star_only, 3),
            if star_only.len() == 1 {
                "has no resource-level permissions and needs `\"Resource\": \"*\"`"
            } else {
                "have no resource-level permissions and need `\"Resource\": \"*\"`"
            }
        ));
    }
    if any_s3 {
        f.help("for S3, objects are `arn:aws:s3:::bucket/key` and buckets `arn:aws:s3:::bucket`: name the resources the actions act on")
    } else {
        f.help("name resources of the ARN formats the actions accept")
    }
}
