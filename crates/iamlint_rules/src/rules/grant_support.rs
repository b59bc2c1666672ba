//! Helpers shared by the over-broad grant rules (IAM2xx): which statements grant, what
//! they grant after the document's `Deny`s, how wide their `Resource` is, which
//! conditions narrow the resources, and message pieces with exact counts. Not a rule.

use crate::rules::words::thousands;
use crate::DocContext;
use iamlint_catalog::{AccessLevel, ActionId, ActionSet, Catalog, ResourceTypeId};
use iamlint_matcher::{ArnFormat, ArnPattern};
use iamlint_policy::{Condition, ElementList, PolicyKind, Statement, Text};
use iamlint_semantic::{ActionItem, ResourceItem, StatementFacts};
use iamlint_syntax::Span;

/// Whether the over-broad grant rules look at documents of this kind. They judge what a
/// principal is granted: identity policies. Boundaries and SCPs only limit, trust
/// policies grant `sts:AssumeRole*` by design, and resource policies are judged by who
/// they grant to (the exposure rules).
pub(crate) fn grants_permissions(kind: PolicyKind) -> bool {
    kind == PolicyKind::Identity
}

/// How wide an Allow's resource element is.
#[derive(Clone, Debug)]
pub(crate) enum Scope<'a> {
    /// `Resource` has an item that is `*` (or a pattern matching every ARN).
    Star(&'a Text),
    /// `NotResource`: every resource but the listed ones. `broad` when some item
    /// excludes a whole service or account (`arn:aws:s3:::*`, `arn:aws:iam::*:*`).
    NotResource { list: &'a ElementList, broad: bool },
    /// Named resources (possibly with wildcards, possibly unresolved).
    Named,
    /// No resource element, or `NotResource: "*"`: grants nothing to talk about.
    Nothing,
}

impl Scope<'_> {
    /// `*`, or `NotResource` with a narrow exclusion.
    pub(crate) fn is_everything(&self) -> bool {
        matches!(
            self,
            Scope::Star(_) | Scope::NotResource { broad: false, .. }
        )
    }

    /// `*` or any `NotResource`: the grant is not limited to named resources.
    pub(crate) fn is_unbounded(&self) -> bool {
        matches!(self, Scope::Star(_) | Scope::NotResource { .. })
    }

    /// Where to point: the `*` item, or the `NotResource` key.
    pub(crate) fn span_path(&self) -> Option<(Span, String)> {
        match self {
            Scope::Star(t) => Some((t.span, t.path.clone())),
            Scope::NotResource { list, .. } => Some((list.key_span, list.path.clone())),
            _ => None,
        }
    }

    /// `on every resource` / `on every resource except the 2 in \`NotResource\``.
    pub(crate) fn describe(&self) -> String {
        match self {
            Scope::Star(_) => "on every resource".to_string(),
            Scope::NotResource { list, .. } => format!(
                "on every resource except the {} in `NotResource`",
                list.items.len()
            ),
            _ => "on the named resources".to_string(),
        }
    }
}

/// Whether a `NotResource` item excludes a whole service, account or everything: its
/// service part has a wildcard, or its resource part (after the fifth `:`) is `*`.
fn broad_exclusion(t: &Text) -> bool {
    let Some(s) = t.as_literal() else {
        // unknown: assume it could exclude a lot, so no `full-admin` verdict hangs on it
        return true;
    };
    if s == "*" {
        return true;
    }
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    match fields.as_slice() {
        [_, _, service, _, _, resource] => {
            service.contains('*') || service.contains('?') || *resource == "*"
        }
        _ => true,
    }
}

pub(crate) fn scope_of<'a>(st: &'a Statement, g: &StatementFacts) -> Scope<'a> {
    let Some(list) = &st.resource else {
        return Scope::Nothing;
    };
    if list.negated {
        if list.has_star() {
            return Scope::Nothing;
        }
        let broad = list.items.iter().any(broad_exclusion);
        return Scope::NotResource { list, broad };
    }
    let star = list
        .items
        .iter()
        .zip(&g.resource_items)
        .find(|(t, item)| {
            t.as_literal() == Some("*")
                || matches!(item, ResourceItem::Pattern(p) if p.is_match_all())
        })
        .map(|(t, _)| t);
    match star {
        Some(t) => Scope::Star(t),
        None => Scope::Named,
    }
}

/// An Allow statement of an identity policy, with what it grants after the document's
/// unconditional `Deny`s on `*`.
pub(crate) struct Grant<'a> {
    pub st: &'a Statement,
    pub g: &'a StatementFacts,
    pub actions: &'a ElementList,
    /// `g.actions` minus the actions denied everywhere.
    pub effective: ActionSet,
    /// How many of `g.actions` a `Deny` removes.
    pub denied: usize,
    pub scope: Scope<'a>,
}

/// The Allow statements of the document, when the rules apply to its kind (computed once
/// per document).
pub(crate) fn grants<'c, 'a>(cx: &'c DocContext<'a>) -> &'c [Grant<'a>] {
    cx.grants.get_or_init(|| compute_grants(cx))
}

/// The document's grants, in order, until the file's finding budget is exceeded.
pub(crate) fn grants_in_budget<'c, 'a>(
    cx: &'c DocContext<'a>,
) -> impl Iterator<Item = &'c Grant<'a>> + 'c {
    grants(cx).iter().take_while(|_| !cx.out_of_budget())
}

fn compute_grants<'a>(cx: &DocContext<'a>) -> Vec<Grant<'a>> {
    if !grants_permissions(cx.doc.kind) {
        return Vec::new();
    }
    let mut denied_all: Option<ActionSet> = None;
    let mut out = Vec::new();
    for (st, g) in cx.statements() {
        if !st.is_allow() {
            continue;
        }
        let Some(actions) = &st.action else { continue };
        let denied_set = denied_all.get_or_insert_with(|| cx.denied_everywhere());
        let mut effective = g.actions.clone();
        effective.subtract(denied_set);
        let denied = g.actions.len() - effective.len();
        out.push(Grant {
            st,
            g,
            actions,
            effective,
            denied,
            scope: scope_of(st, g),
        });
    }
    out
}

impl Grant<'_> {
    pub(crate) fn not_action(&self) -> bool {
        self.actions.negated
    }

    /// The element to point at for an action of the grant: the first `Action` item whose
    /// expansion holds it, or the `NotAction` key.
    pub(crate) fn element_for(&self, a: ActionId) -> (Span, String) {
        if !self.actions.negated {
            for (t, item) in self.actions.items.iter().zip(&self.g.action_items) {
                if let ActionItem::Expanded(set) = item {
                    if set.contains(a) {
                        return (t.span, t.path.clone());
                    }
                }
            }
        }
        (self.actions.key_span, self.actions.path.clone())
    }

    /// The `Action` items (or the `NotAction` key) through which the grant holds some
    /// action of `set`, in order, without repeats: `(span, text as written)`. Lazy:
    /// callers name the first few.
    pub(crate) fn elements_for<'s>(
        &'s self,
        set: &'s ActionSet,
    ) -> impl Iterator<Item = (Span, std::borrow::Cow<'s, str>)> + 's {
        let negated = self.actions.negated;
        let not_action = negated.then(|| (self.actions.key_span, "NotAction".into()));
        let items = self
            .actions
            .items
            .iter()
            .zip(&self.g.action_items)
            .filter(move |_| !negated)
            .filter_map(move |(t, item)| match item {
                ActionItem::Expanded(s) if s.iter().any(|a| set.contains(a)) => {
                    let text = match t.as_literal() {
                        Some(s) => std::borrow::Cow::Borrowed(s),
                        None => std::borrow::Cow::Owned(t.display()),
                    };
                    Some((t.span, text))
                }
                _ => None,
            });
        not_action.into_iter().chain(items)
    }

    /// A note when some `Action`/`NotAction` item could not be resolved.
    pub(crate) fn unresolved_note(&self) -> Option<String> {
        let reasons: Vec<String> = self
            .actions
            .items
            .iter()
            .filter_map(|t| {
                t.unresolved_reason()
                    .map(|r| format!("`{}` ({r})", t.display()))
            })
            .collect();
        if reasons.is_empty() {
            return None;
        }
        let what = if self.actions.negated {
            "so more actions may be excluded than counted here"
        } else {
            "so the statement may grant more than counted here"
        };
        Some(format!(
            "`{}` item {} could not be resolved, {what}",
            self.actions.key_name("Action"),
            reasons.join(", ")
        ))
    }

    /// A note about the `Deny` statements that take actions away, when they do.
    pub(crate) fn denied_note(&self) -> Option<String> {
        (self.denied > 0).then(|| {
            format!(
                "a `Deny` on `*` in this document removes {} of the actions this statement allows; they are not counted",
                thousands(self.denied)
            )
        })
    }
}

/// Full administrator access: every action (but a tiny exclusion) on every resource.
pub(crate) struct FullAdmin {
    /// Catalog actions the statement does not grant (NotAction items, Deny).
    pub excluded: usize,
}

/// At most this share of the catalog (1/100) may be excluded for an Allow to still count
/// as full administrator access.
const TINY_EXCLUSION_DIVISOR: usize = 100;

/// Whether the grant is full administrator access: its resource is `*` (or a narrow
/// `NotResource`) and it grants every catalog action, or all but at most 1% of them with
/// every Permissions management action of `iam` among the granted (an administrator of
/// IAM can grant itself the rest).
pub(crate) fn full_admin(cat: &Catalog, gr: &Grant<'_>) -> Option<FullAdmin> {
    if !gr.scope.is_everything() {
        return None;
    }
    // NotAction with an unknown item: the exclusion could be anything
    if gr.not_action() && gr.g.actions_unresolved {
        return None;
    }
    let n = cat.action_count();
    let excluded = n - gr.effective.len();
    if excluded == 0 {
        return Some(FullAdmin { excluded });
    }
    if excluded > n / TINY_EXCLUSION_DIVISOR {
        return None;
    }
    let iam = cat.service_by_prefix("iam")?;
    let all_iam_pm = cat
        .service_actions(iam)
        .filter(|&a| cat.access_level(a) == AccessLevel::PermissionsManagement)
        .all(|a| gr.effective.contains(a));
    all_iam_pm.then_some(FullAdmin { excluded })
}

/// The actions of `set` with the given access level.
pub(crate) fn with_level(cat: &Catalog, set: &ActionSet, level: AccessLevel) -> ActionSet {
    let mut out = set.clone();
    out.intersect_with(cat.actions_with_level(level));
    out
}

/// The actions of `set` that can be scoped to a resource.
pub(crate) fn scopable_of(cat: &Catalog, set: &ActionSet) -> ActionSet {
    let mut out = set.clone();
    out.intersect_with(cat.scopable_actions());
    out
}

/// The actions of `set` that `keep` accepts, asked one by one.
fn filtered(set: &ActionSet, keep: impl Fn(ActionId) -> bool) -> ActionSet {
    let mut out = ActionSet::empty(set.universe());
    for a in set.iter().filter(|&a| keep(a)) {
        out.insert(a);
    }
    out
}

/// How many actions of `set` have Permissions management access.
pub(crate) fn count_level(cat: &Catalog, set: &ActionSet, level: AccessLevel) -> usize {
    with_level(cat, set, level).len()
}

/// The first `max` action names of `set` in backticks, then `and N more`.
pub(crate) fn name_list(cat: &Catalog, set: &ActionSet, max: usize) -> String {
    let shown: Vec<(&str, &str)> = set
        .iter()
        .take(max)
        .map(|a| {
            (
                cat.service_prefix(cat.action_service(a)),
                cat.action_name(a),
            )
        })
        .collect();
    let total = if shown.len() < max {
        shown.len()
    } else {
        set.len()
    };
    qualified_list(&shown, total)
}

/// The resource types (`ecr:repository`) the actions of `set` accept, at most `max`,
/// then `and N more`.
pub(crate) fn resource_type_list(cat: &Catalog, set: &ActionSet, max: usize) -> String {
    // in order of first appearance; `seen` (one bit per type) keeps this linear for
    // large sets
    let mut types: Vec<ResourceTypeId> = Vec::new();
    let mut seen = vec![0u64; cat.resource_type_count().div_ceil(64)];
    for a in set.iter() {
        for r in cat.action_resources(a) {
            let t = r.resource_type as usize;
            if let Some(w) = seen.get_mut(t / 64) {
                let bit = 1u64 << (t % 64);
                if *w & bit == 0 {
                    *w |= bit;
                    types.push(r.resource_type);
                }
            }
        }
    }
    let shown: Vec<(&str, &str)> = types
        .iter()
        .take(max)
        .map(|&r| {
            (
                cat.service_prefix(cat.resource_type_service(r)),
                cat.resource_type_name(r),
            )
        })
        .collect();
    qualified_list(&shown, types.len())
}

/// `` `svc:name`, `svc:name` `` for the shown items, then `and N more` up to `total`.
fn qualified_list(shown: &[(&str, &str)], total: usize) -> String {
    let mut out = String::with_capacity(
        shown
            .iter()
            .map(|(s, n)| s.len() + n.len() + 5)
            .sum::<usize>()
            + 24,
    );
    for (i, (service, name)) in shown.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(service);
        out.push(':');
        out.push_str(name);
        out.push('`');
    }
    if total > shown.len() {
        out.push_str(" and ");
        out.push_str(&thousands(total - shown.len()));
        out.push_str(" more");
    }
    out
}

/// One ARN format the first scopable action of `set` accepts, for a help text.
/// Prefers a required resource type of the action's own service.
pub(crate) fn example_arn_format(cat: &Catalog, set: &ActionSet) -> Option<String> {
    let a = set.iter().next()?;
    let own = cat.action_service(a);
    let mut best: Option<(u8, ResourceTypeId)> = None;
    for r in cat.action_resources(a) {
        let rank =
            u8::from(cat.resource_type_service(r.resource_type) != own) * 2 + u8::from(!r.required);
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, r.resource_type));
        }
    }
    let (_, r) = best?;
    cat.resource_type_arn_formats(r).next().map(str::to_string)
}

/// Condition keys whose positive test pins the resource (attribute-based access
/// control): a grant on `*` with such a condition only reaches matching resources.
fn is_resource_scoping_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains(":resourcetag/")
        || k.contains(":existingobjecttag/")
        || matches!(
            k.as_str(),
            "aws:resourceaccount"
                | "aws:resourceorgid"
                | "aws:resourceorgpaths"
                | "s3:dataaccesspointarn"
                | "s3:dataaccesspointaccount"
        )
}

/// A condition that limits which resources the statement reaches: a non-negated,
/// non-`IfExists` operator on a resource tag or resource account/organization key, with
/// a value other than `*`.
pub(crate) fn scopes_resources(cond: Option<&Condition>) -> bool {
    let Some(c) = cond else { return false };
    c.entries().any(|(clause, e)| {
        let op = &clause.operator;
        !op.negated
            && !op.if_exists
            && op.base != "Null"
            && e.key.as_literal().is_some_and(is_resource_scoping_key)
            && e.values.iter().any(|v| v.as_literal() != Some("*"))
    })
}

/// The condition keys of a statement, in backticks, for notes.
pub(crate) fn condition_keys(cond: &Condition) -> String {
    let mut keys: Vec<String> = Vec::new();
    for (_, e) in cond.entries() {
        let k = format!("`{}`", e.key.display());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.join(", ")
}

/// `the statement has a Condition on ...: the grant holds only when it is met`.
pub(crate) fn condition_note(cond: Option<&Condition>) -> Option<String> {
    cond.map(|c| {
        format!(
            "the statement has a `Condition` on {}: the grant holds whenever it is met, and this check does not judge how much it narrows",
            condition_keys(c)
        )
    })
}

/// The resource types whose ARN formats some resolved `Resource` pattern can name,
/// indexed by [`ResourceTypeId`].
pub(crate) fn named_resource_types(cat: &Catalog, items: &[ResourceItem]) -> Vec<bool> {
    let patterns: Vec<&ArnPattern> = items
        .iter()
        .filter_map(|i| match i {
            ResourceItem::Pattern(p) => Some(p.as_ref()),
            _ => None,
        })
        .collect();
    (0..cat.resource_type_count())
        .map(|r| {
            let r = r as ResourceTypeId;
            cat.resource_type_arn_formats(r)
                .filter_map(|f| ArnFormat::parse(f).ok())
                .any(|f| patterns.iter().any(|p| p.can_name(&f)))
        })
        .collect()
}

/// The actions of `set` that accept one of the `named` resource types.
pub(crate) fn applicable_to(cat: &Catalog, set: &ActionSet, named: &[bool]) -> ActionSet {
    filtered(set, |a| {
        cat.action_resources(a)
            .any(|r| named.get(r.resource_type as usize).copied() == Some(true))
    })
}

/// The actions of `subset` that the grant gives on every resource although they could be
/// scoped: the grant's resource is `*` or `NotResource`, no condition pins the resource,
/// and the action accepts a resource type. Empty otherwise.
pub(crate) fn unrestricted(cat: &Catalog, gr: &Grant<'_>, subset: &ActionSet) -> ActionSet {
    if !gr.scope.is_unbounded() || scopes_resources(gr.st.condition.as_ref()) {
        return ActionSet::empty(gr.effective.universe());
    }
    // set operations, word by word for large sets: a grant of `*` holds every action
    let mut granted = gr.effective.clone();
    granted.intersect_with(subset);
    granted.intersect_with(cat.scopable_actions());
    granted
}

/// Where a grant of an IAM role action reaches every role.
pub(crate) struct EveryRole {
    /// The `*` item, the role-wide pattern, or the `NotResource` key.
    pub span: Span,
    pub label: String,
}

/// Whether the resource element of `gr` reaches every role whose ARN path starts with
/// `role_path` (`role/` or `role/aws-service-role/`): `*`, a pattern such as
/// `arn:aws:iam::123456789012:role/*`, or a `NotResource` that does not exclude them all.
/// Unresolved items never count as matching; an unresolved `NotResource` item gives
/// `None` (it might exclude every role).
pub(crate) fn every_role(gr: &Grant<'_>, role_path: &str) -> Option<EveryRole> {
    let covers_all = |p: &ArnPattern| -> bool {
        let s = p.as_str();
        let fields: Vec<&str> = s.splitn(6, ':').collect();
        let probe = match fields.as_slice() {
            ["arn", partition, _, _, account, _] => {
                format!("arn:{partition}:iam::{account}:{role_path}*")
            }
            _ => format!("arn:*:iam::*:{role_path}*"),
        };
        ArnPattern::parse(&probe).is_ok_and(|q| p.covers(&q))
    };
    match &gr.scope {
        Scope::Star(t) => Some(EveryRole {
            span: t.span,
            label: "every resource".to_string(),
        }),
        Scope::NotResource { list, .. } => {
            let excludes_all = gr.g.resource_items.iter().any(|i| match i {
                ResourceItem::Pattern(p) => covers_all(p),
                _ => true,
            });
            (!excludes_all).then(|| EveryRole {
                span: list.key_span,
                label: "every resource but these".to_string(),
            })
        }
        Scope::Named => {
            let list = gr.st.resource.as_ref()?;
            list.items
                .iter()
                .zip(&gr.g.resource_items)
                .find(|(t, i)| match i {
                    ResourceItem::Pattern(p) => covers_all(p),
                    ResourceItem::Unresolved => unresolved_every_role(t, role_path),
                    ResourceItem::Invalid(_) => false,
                })
                .map(|(t, _)| EveryRole {
                    span: t.span,
                    label: "matches every role".to_string(),
                })
        }
        Scope::Nothing => None,
    }
}

/// Whether the condition tests one of `keys` with a non-negated operator and a value that
/// is not just wildcards.
pub(crate) fn has_narrowing_key(cond: Option<&Condition>, keys: &[&str]) -> bool {
    let Some(c) = cond else { return false };
    c.entries().any(|(clause, e)| {
        !clause.operator.negated
            && clause.operator.base != "Null"
            && e.key
                .as_literal()
                .is_some_and(|k| keys.iter().any(|want| want.eq_ignore_ascii_case(k)))
            && e.values.iter().any(|v| {
                v.as_literal()
                    .is_none_or(|s| !s.chars().all(|c| c == '*' || c == '?'))
            })
    })
}

/// A note on the actions an "unrestricted" rule reports.
pub(crate) type NoteFn<'s> = dyn Fn(&ActionSet) -> Option<String> + 's;

/// What an "unrestricted" rule reports: the actions of a category granted on every
/// resource although they could be scoped.
pub(crate) struct Category<'s> {
    /// `Permissions management action`, `action that returns credentials`.
    pub one: &'s str,
    /// `Permissions management actions`, `actions that return credentials`.
    pub many: &'s str,
    /// Why it matters, after a colon in the message.
    pub why: &'s str,
    pub help: &'s str,
    /// A note on the reported actions (`None`: no note).
    pub note: Option<&'s NoteFn<'s>>,
}

/// One finding per Allow statement that grants actions of `subset` on every resource
/// (see [`unrestricted`]); statements `full-admin` reports are skipped.
pub(crate) fn report_unrestricted(
    cx: &DocContext<'_>,
    sink: &mut crate::Sink,
    subset: &ActionSet,
    cat_info: &Category<'_>,
) {
    let cat = cx.catalog();
    if subset.is_empty() {
        return;
    }
    for gr in grants_in_budget(cx) {
        let set = unrestricted(cat, gr, subset);
        if set.is_empty() || full_admin(cat, gr).is_some() {
            continue;
        }
        let Some((span, path)) = gr.scope.span_path() else {
            continue;
        };
        let what = if set.len() == 1 {
            cat_info.one
        } else {
            cat_info.many
        };
        let verb = if set.len() == 1 { "is" } else { "are" };
        let mut f = crate::Finding::new(
            span,
            path,
            format!(
                "{} {what} {verb} granted {}: {}; {}",
                thousands(set.len()),
                gr.scope.describe(),
                name_list(cat, &set, 3),
                cat_info.why
            ),
        )
        .label(match gr.scope {
            Scope::NotResource { .. } => "every resource except these",
            _ => "every resource",
        })
        .help(cat_info.help)
        .sid(gr.st);
        for (s, text) in gr.elements_for(&set).take(3) {
            f = f.secondary(s, format!("granted by `{text}`"));
        }
        f = f.note(format!(
            "resource types accepted: {}",
            resource_type_list(cat, &set, 5)
        ));
        if let Some(note) = cat_info.note.and_then(|n| n(&set)) {
            f = f.note(note);
        }
        if let Some(note) = gr.denied_note() {
            f = f.note(note);
        }
        if let Some(note) = condition_note(gr.st.condition.as_ref()) {
            f = f.note(note);
        }
        if let Some(note) = gr.unresolved_note() {
            f = f.note(note);
        }
        sink.report(f);
    }
}

/// The name (last path segment) of an AWS managed policy ARN,
/// `arn:<partition>:iam::aws:policy/<path/>Name`. The partition may be unresolved
/// (`!Sub arn:${AWS::Partition}:iam::aws:policy/...`); any other unresolved part, or an
/// ARN of a customer managed policy, gives `None`.
pub(crate) fn aws_managed_policy_name(arn: &Text) -> Option<String> {
    const HOLE: char = '\u{1}';
    let mut s = String::new();
    for p in &arn.parts {
        match p {
            iamlint_policy::Part::Literal(l) => s.push_str(l),
            iamlint_policy::Part::Hole { .. } => s.push(HOLE),
        }
    }
    let rest = s.strip_prefix("arn:")?;
    let (partition, path) = rest.split_once(":iam::aws:policy/")?;
    if partition.contains(':') || path.contains(HOLE) || path.is_empty() {
        return None;
    }
    let name = path.rsplit('/').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

impl Grant<'_> {
    /// `` `iam:PassRole` is allowed `` when the action is named, `` `iam:*` allows
    /// `iam:PassRole` `` when a wildcard or `NotAction` grants it.
    pub(crate) fn allows_subject(&self, cat: &Catalog, a: ActionId) -> String {
        let name = cat.action_full_name(a);
        let one = ActionSet::single(cat.action_count(), a);
        let first = self.elements_for(&one).next().map(|(_, t)| t.into_owned());
        match first {
            Some(t) if t.eq_ignore_ascii_case(&name) => format!("`{name}` is allowed"),
            Some(t) => format!("`{t}` allows `{name}`"),
            None => format!("`{name}` is allowed"),
        }
    }
}

/// `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*`: only the partition and
/// account are unknown, and the literal resource part reaches every role of that account.
fn unresolved_every_role(t: &Text, role_path: &str) -> bool {
    const HOLE: char = '\u{1}';
    let mut s = String::new();
    for p in &t.parts {
        match p {
            iamlint_policy::Part::Literal(l) => s.push_str(l),
            iamlint_policy::Part::Hole { .. } => s.push(HOLE),
        }
    }
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    let ["arn", _, "iam", "", _, resource] = fields.as_slice() else {
        return false;
    };
    if resource.contains(HOLE) {
        return false;
    }
    let (Ok(p), Ok(probe)) = (
        ArnPattern::parse(&format!("arn:aws:iam::123456789012:{resource}")),
        ArnPattern::parse(&format!("arn:aws:iam::123456789012:{role_path}*")),
    ) else {
        return false;
    };
    p.covers(&probe)
}

/// A note on a statement's condition for the role rules: whether it tests one of `keys`
/// (negated, or only with wildcards) or only other keys.
pub(crate) fn role_condition_note(
    cond: Option<&Condition>,
    keys: &[&str],
    what: &str,
) -> Option<String> {
    let c = cond?;
    let tests_key = c.entries().any(|(_, e)| {
        e.key
            .as_literal()
            .is_some_and(|k| keys.iter().any(|want| want.eq_ignore_ascii_case(k)))
    });
    Some(if tests_key {
        format!(
            "the `Condition` tests {} only negated or with wildcard values, which does not limit {what}",
            keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ")
        )
    } else {
        format!(
            "the statement has a `Condition` on {}, which does not limit {what}",
            condition_keys(c)
        )
    })
}
