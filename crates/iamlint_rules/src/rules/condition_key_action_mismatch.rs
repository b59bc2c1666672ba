use crate::rules::catalog_support::{list_some, KeyLookup, CROSS_SERVICE_KEYS};
use crate::rules::words::thousands;
use crate::rules::key_support::{action_supports_key, is_tag_key, when_absent, WhenAbsent};
use crate::rules::resource_fit::single_actions;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Severity, Sink};
use iamlint_catalog::{ActionId, Catalog, ServiceId};
use iamlint_semantic::StatementFacts;
use iamlint_policy::{ConditionClause, ConditionEntry, Statement};
use iamlint_syntax::Span;

declare_rule! {
    /// ## What it does
    /// Follows a statement's condition action by action, with the catalog's list of the
    /// condition keys each action supports, and reports:
    /// - actions of the statement that do not support a condition key the statement
    ///   tests (`s3:prefix` on `s3:GetObject`, `aws:ResourceTag/...` on an action whose
    ///   resources have no tags): the key is absent from their requests;
    /// - `NotAction` with a tag key (`aws:ResourceTag/...`, `aws:RequestTag/...`,
    ///   `aws:TagKeys`): the statement covers every other action, many of which do not
    ///   support the key;
    /// - a key that only a companion action sets: `sts:SourceIdentity` without
    ///   `sts:SetSourceIdentity`, session tags (`aws:RequestTag/...`, `aws:TagKeys`,
    ///   `sts:TransitiveTagKeys`) without `sts:TagSession`, next to `sts:AssumeRole*`.
    ///
    /// Keys of the statement's services and the three tag keys are followed; other
    /// global keys (`aws:SourceIp`) are in nearly every request, and a key of a service
    /// none of the statement's actions belongs to is `unknown-condition-key`'s finding.
    /// As IAM Access Analyzer does, action items with wildcards are not judged one by
    /// one (`s3:Get*` with `s3:prefix` is left alone). A key that its service lists but
    /// no action of the catalog does is not followed, and an action whose catalog row
    /// lists neither a resource type nor a condition key (`aws-marketplace:Subscribe`,
    /// `deadline:SearchWorkers`) is not judged on service keys: the catalog's rows are
    /// incomplete there (AWS's own policies condition those actions on
    /// `aws-marketplace:ProductId` and `deadline:FarmMembershipLevels`).
    ///
    /// ## Why is this bad?
    /// A key absent from a request makes a condition false, so the statement never
    /// applies to those actions: an `Allow` grants nothing for them, a `Deny` denies
    /// nothing (the classic gap: a `Deny` on `aws:ResourceTag/...` that does not stop
    /// actions whose resources cannot be tagged).
    ///
    /// With `...IfExists`, a negated operator, `ForAllValues:` or `Null` with `true`, an
    /// absent key makes the condition true instead: the statement applies to those
    /// actions whatever the key. That is sometimes meant (`ListTagsForResource` beside
    /// `ForAllValues:` on `aws:TagKeys`), so those conditions are not reported.
    ///
    /// Findings on tag keys follow Access Analyzer's grading: a `Deny` that misses
    /// actions is a warning, an `Allow` that cannot grant them is info (ABAC statements
    /// often list actions of several kinds on purpose). Other keys are warnings, not
    /// Access Analyzer's error, because the verdict rests on the catalog's list of keys
    /// per action, which has gaps: AWS's own policies limit `aws-marketplace:Subscribe`
    /// with `aws-marketplace:ProductId`, which the catalog lists for two other actions
    /// only. A missing companion action (`sts:SetSourceIdentity`, `sts:TagSession`) is an
    /// error: it does not depend on those lists.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"], "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/home/*"}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference (the condition keys of each action): <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators" (keys absent from the request): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    /// - IAM User Guide, "IAM policy validation check reference" (Unsupported action for condition key; Missing action for condition key; Deny and Allow with unsupported tag condition key for service): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub ConditionKeyActionMismatch {
        code: "IAM146",
        name: "condition-key-action-mismatch",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition key that some actions of the statement do not support",
    }
}

impl Rule for ConditionKeyActionMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for (st, g) in cx.statements() {
            let (Some(cond), Some(actions)) = (&st.condition, &st.action) else {
                continue;
            };
            if st.effect.is_none() || g.actions_unresolved {
                continue;
            }
            for (clause, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                if key.contains("${") {
                    continue;
                }
                let KeyLookup::Known(info) = cx.lookup_key(key) else {
                    continue;
                };
                let Some(absent) = when_absent(clause, entry) else {
                    continue;
                };
                if actions.negated {
                    if is_tag_key(info.name) && absent == WhenAbsent::False {
                        if let Some(f) = not_action_tag(cat, st, g, clause, entry, key, info.name) {
                            sink.report(f);
                        }
                    }
                    continue;
                }
                if let Some(f) = companion_missing(cat, st, g, entry, key, info.name) {
                    sink.report(f);
                    continue;
                }
                // a condition true when its key is absent lets these actions through
                // unconditionally, which is sometimes meant (`ListTagsForResource`
                // beside `ForAllValues:` on `aws:TagKeys`): only the never-true case is
                // reported
                if absent == WhenAbsent::True || !may_follow(cat, g, key, info.name, info.global) {
                    continue;
                }
                let assumes = assumes_role(cat, g);
                let tag = is_tag_key(info.name);
                let unsupported: Vec<(Span, ActionId)> = single_actions(st, g)
                    .filter(|(_, a)| {
                        let companion = assumes && is_session_companion(cat, *a);
                        // an empty catalog row tells nothing of service keys
                        let judged = tag || !row_is_empty(cat, *a);
                        !companion && judged && !action_supports_key(cat, *a, info.name)
                    })
                    .collect();
                if unsupported.is_empty() || !followed(cat, g, key, info.name, info.global) {
                    continue;
                }
                sink.report(finding(
                    cat,
                    st,
                    clause,
                    entry,
                    key,
                    info.name,
                    &unsupported,
                ));
            }
        }
    }
}

/// Whether the rule follows `key` in this statement: a tag key, or a key of a service
/// that some action of the statement belongs to (not a cross-service key).
fn followed(cat: &Catalog, g: &StatementFacts, key: &str, name: &str, global: bool) -> bool {
    if global {
        return is_tag_key(name);
    }
    let Some(service) = followed_service(cat, g, key, name) else {
        return false;
    };
    // a key the service lists but none of its actions does (`aws-marketplace:ProductId`,
    // which AWS documents for `Subscribe`): the catalog's action rows are incomplete for
    // it, so they cannot be followed
    cat.service_actions(service)
        .any(|a| action_supports_key(cat, a, name))
}

/// [`followed`] without its costly last test: `false` when the key is surely not
/// followed.
fn may_follow(cat: &Catalog, g: &StatementFacts, key: &str, name: &str, global: bool) -> bool {
    if global {
        return is_tag_key(name);
    }
    followed_service(cat, g, key, name).is_some()
}

/// The service of a service key that some action of the statement belongs to, unless
/// the key is a cross-service one.
fn followed_service(cat: &Catalog, g: &StatementFacts, key: &str, name: &str) -> Option<ServiceId> {
    if CROSS_SERVICE_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(name))
    {
        return None;
    }
    let prefix = key.split_once(':').map_or(key, |(p, _)| p);
    let service = cat.service_by_prefix(prefix)?;
    cat.service_actions(service)
        .any(|a| g.actions.contains(a))
        .then_some(service)
}

/// Whether the catalog's row of action `a` lists neither a resource type nor a condition
/// key: then it says nothing of which service keys the action's requests carry
/// (`deadline:SearchWorkers`, `aws-marketplace:Subscribe`, whose requests AWS's own
/// policies condition on service keys), and no verdict is given. Tag keys are still
/// followed: an action without resource types has no resource tags.
fn row_is_empty(cat: &Catalog, a: ActionId) -> bool {
    cat.action_condition_keys(a).next().is_none() && cat.action_resources(a).next().is_none()
}

/// Whether the statement allows some `sts:AssumeRole*`.
fn assumes_role(cat: &Catalog, g: &StatementFacts) -> bool {
    cat.service_by_prefix("sts").is_some_and(|s| {
        cat.service_actions(s)
            .any(|a| g.actions.contains(a) && cat.action_name(a).starts_with("AssumeRole"))
    })
}

/// `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext` are authorized within
/// the `AssumeRole*` call that passes tags, a source identity or context, against the
/// same request: the call's keys are there, whatever the catalog lists for them alone.
fn is_session_companion(cat: &Catalog, a: ActionId) -> bool {
    cat.service_prefix(cat.action_service(a)) == "sts"
        && matches!(
            cat.action_name(a),
            "TagSession" | "SetSourceIdentity" | "SetContext"
        )
}

#[allow(clippy::too_many_arguments)]
fn finding(
    cat: &Catalog,
    st: &Statement,
    clause: &ConditionClause,
    entry: &ConditionEntry,
    key: &str,
    name: &str,
    unsupported: &[(Span, ActionId)],
) -> Finding {
    let names: Vec<String> = unsupported
        .iter()
        .map(|(_, a)| format!("`{}`", cat.action_full_name(*a)))
        .collect();
    let op = clause.operator_text.display();
    let (subject, them) = if names.len() == 1 {
        (format!("{} does not support `{key}`", names[0]), "it")
    } else {
        (
            format!(
                "{} actions of this statement do not support `{key}` ({})",
                names.len(),
                list_some(&names, 3)
            ),
            "them",
        )
    };
    let requests = if names.len() == 1 {
        "its requests"
    } else {
        "their requests"
    };
    let verb = if st.is_deny() { "denies" } else { "allows" };
    let outcome = format!("`{op}` is false and this statement never {verb} {them}");
    let mut f = Finding::new(
        entry.key.span,
        entry.key.path.clone(),
        format!("{subject}: the key is absent from {requests}, so {outcome}"),
    )
    .label("not supported by some actions")
    .help("move these actions to a statement without this condition, or test a key they support (the Service Authorization Reference lists each action's keys)")
    .sid(st);
    for (span, _) in unsupported.iter().take(5) {
        f = f.secondary(*span, "does not support the key");
    }
    // Access Analyzer's grading: a tag key in a `Deny` is a security warning, in an
    // `Allow` a suggestion; other keys at warning, as the catalog's per-action key lists
    // have gaps (see the rule's page)
    f.at_most = Some(if is_tag_key(name) && !st.is_deny() {
        Severity::Info
    } else {
        Severity::Warning
    });
    f
}

/// `NotAction` with a tag key that is false when absent: count the actions covered that
/// do not support it.
fn not_action_tag(
    cat: &Catalog,
    st: &Statement,
    g: &StatementFacts,
    clause: &ConditionClause,
    entry: &ConditionEntry,
    key: &str,
    name: &str,
) -> Option<Finding> {
    let mut unsupported = 0usize;
    let mut examples: Vec<String> = Vec::new();
    for a in g.actions.iter() {
        if !action_supports_key(cat, a, name) {
            unsupported += 1;
            if examples.len() < 3 {
                examples.push(format!("`{}`", cat.action_full_name(a)));
            }
        }
    }
    if unsupported == 0 {
        return None;
    }
    let op = clause.operator_text.display();
    let (verb, cap) = if st.is_deny() {
        ("never denies", Severity::Warning)
    } else {
        ("never allows", Severity::Info)
    };
    let not_action = st.action.as_ref()?;
    let mut f = Finding::new(
        entry.key.span,
        entry.key.path.clone(),
        format!(
            "with `NotAction`, this statement covers {} actions, and {} of them do not support `{key}` (such as {}): the key is absent from their requests, so `{op}` is false and the statement {verb} them",
            thousands(g.actions.len()),
            thousands(unsupported),
            list_some(&examples, 3)
        ),
    )
    .label("not supported by most actions covered")
    .secondary(not_action.key_span, "every action but these")
    .help("list the actions in `Action` instead, keeping those that support the key")
    .sid(st);
    f.at_most = Some(cap);
    Some(f)
}

/// Keys set only through a companion action of `sts:AssumeRole*`: (key test, action
/// needed, what it sets).
type Companion = (fn(&str) -> bool, &'static str, &'static str);

const COMPANIONS: &[Companion] = &[
    (
        |k| k.eq_ignore_ascii_case("sts:SourceIdentity"),
        "sts:SetSourceIdentity",
        "a source identity",
    ),
    (
        |k| is_tag_key(k) && !k.to_ascii_lowercase().starts_with("aws:resourcetag/"),
        "sts:TagSession",
        "session tags",
    ),
    (
        |k| k.eq_ignore_ascii_case("sts:TransitiveTagKeys"),
        "sts:TagSession",
        "session tags",
    ),
];

/// In an `Allow` of `sts:AssumeRole*`, a key only a companion action lets the caller set,
/// without that action.
fn companion_missing(
    cat: &Catalog,
    st: &Statement,
    g: &StatementFacts,
    entry: &ConditionEntry,
    key: &str,
    name: &str,
) -> Option<Finding> {
    if !st.is_allow() {
        return None;
    }
    let (_, needed, what) = COMPANIONS.iter().find(|(test, ..)| test(name))?;
    let companion = cat.find_action(needed)?;
    if !assumes_role(cat, g) || g.actions.contains(companion) {
        return None;
    }
    let action_span = st.action.as_ref().map_or(st.span, |l| l.span);
    Some(
        Finding::new(
            entry.key.span,
            entry.key.path.clone(),
            format!("`{key}` is set only by callers allowed `{needed}`, which this statement does not allow: assuming the role while setting {what} fails, and otherwise the key is absent"),
        )
        .label(format!("needs `{needed}`"))
        .secondary(action_span, format!("no `{needed}` here"))
        .help(format!("add `{needed}` to the statement's actions"))
        .sid(st),
    )
}
