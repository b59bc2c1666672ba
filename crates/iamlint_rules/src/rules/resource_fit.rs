//! Which `Resource` items can be resources of which actions, item by item and action by
//! action, for the rules that report the parts of a statement that never apply
//! (`resource-item-mismatch`, `action-resource-mismatch`). The full verdicts are the
//! semantic layer's ([`Semantic::names_type`], kept for the run); cheap exact tests on
//! the formats' text come first, and their verdicts are kept for one document. Not a
//! rule.

use crate::rules::resource_mismatch::service_field_fits;
use iamlint_catalog::{ActionId, ActionSet, Catalog, ResourceTypeId};
use iamlint_matcher::ArnPattern;
use iamlint_policy::{HoleKind, Part, Statement, Text};
use iamlint_semantic::{lenient_format, ActionItem, ResourceItem, Semantic, StatementFacts};
use iamlint_syntax::Span;
use std::borrow::Cow;
use std::collections::HashMap;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Per-document verdicts "this pattern can name a resource of this type" per (type,
/// pattern), and the formats' text split for the cheap tests.
pub(crate) struct Fit<'c> {
    sem: &'c Semantic<'c>,
    cat: &'c Catalog,
    named: Map<ResourceTypeId, Map<String, bool>>,
    /// The literal service field shared by all formats of a type (`None`: none, or not
    /// literal), to reject other services' patterns before parsing formats.
    services: Map<ResourceTypeId, Option<&'c str>>,
    /// The six `:`-separated fields of each format of a type (`None`: fewer), for the
    /// tests on text that spare the full search.
    fields: Map<ResourceTypeId, Vec<Option<[&'c str; 6]>>>,
    /// The formats of each type with placeholders renamed as the semantic layer reads
    /// them ([`lenient_format`]).
    lenient: Map<ResourceTypeId, Vec<String>>,
    /// See [`Fit::starts`].
    starts: Map<ResourceTypeId, Vec<&'c str>>,
}

impl<'c> Fit<'c> {
    pub(crate) fn new(sem: &'c Semantic<'c>) -> Fit<'c> {
        Fit {
            sem,
            cat: sem.catalog(),
            named: Map::default(),
            services: Map::default(),
            fields: Map::default(),
            lenient: Map::default(),
            starts: Map::default(),
        }
    }

    fn lenient(&mut self, rt: ResourceTypeId) -> &[String] {
        let cat = self.cat;
        self.lenient.entry(rt).or_insert_with(|| {
            cat.resource_type_arn_formats(rt)
                .map(lenient_format)
                .collect()
        })
    }

    /// Whether `p` can name a resource of type `rt`. A type without a usable format
    /// counts as named (it cannot be judged).
    pub(crate) fn names(&mut self, rt: ResourceTypeId, p: &ArnPattern) -> bool {
        if let Some(&v) = self.named.get(&rt).and_then(|m| m.get(p.as_str())) {
            return v;
        }
        let cat = self.cat;
        let prefix = cat.service_prefix(cat.resource_type_service(rt));
        if MERGED_SERVICES.contains(&prefix) && service_field_fits(p.as_str(), prefix) {
            self.remember(rt, p, true);
            return true; // the catalog's rows are not to be trusted here
        }
        if let Some(with_account) = aws_owned_without_account(cat, rt, p) {
            let v = self.names(rt, &with_account);
            self.remember(rt, p, v);
            return v;
        }
        let alias = alias_of(p);
        if self.other_service(rt, p) || self.text_rejects(rt, p, alias.as_ref()) {
            self.remember(rt, p, false);
            return false;
        }
        // ARNs built to fit a format and tried against the pattern, before any search
        // on the compiled formats
        let sem = self.sem;
        let texts = self.lenient(rt);
        let probed = |q: &ArnPattern| texts.iter().any(|f| probes_meet(q, f));
        // the cheap, exact tests before the full search
        let quick = |q: &ArnPattern| sem.names_type(rt, q, true);
        let full = |q: &ArnPattern| sem.names_type(rt, q, false) == Some(true);
        let mut v = probed(p)
            || alias.as_ref().is_some_and(probed)
            || sem.resource_formats(rt).is_empty()
            || quick(p) == Some(true)
            || alias.as_ref().is_some_and(|q| quick(q) == Some(true))
            || full(p)
            || alias.as_ref().is_some_and(full);
        if v && may_cross_fields(p) && self.fields_are_colon_free(rt) {
            v = self.names_field_by_field(rt, p)
                || alias
                    .as_ref()
                    .is_some_and(|q| self.names_field_by_field(rt, q));
        }
        self.remember(rt, p, v);
        v
    }

    /// Whether every format of `rt` has a resource part without a literal `:`
    /// (`role/${RoleNameWithPath}`, not `log-group:${LogGroupName}`): ARNs of the type
    /// then have exactly five colons, their names holding none (the matcher lets a
    /// format's last placeholder hold `:`, for the `log-group:g:*` form, but an IAM role
    /// name never does).
    fn fields_are_colon_free(&mut self, rt: ResourceTypeId) -> bool {
        let fields = self.fields(rt);
        !fields.is_empty()
            && fields.iter().all(|f| {
                f.is_some_and(|f| {
                    let mut rest = f[5];
                    let mut literal = String::new();
                    while let Some(i) = rest.find("${") {
                        literal.push_str(&rest[..i]);
                        rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
                    }
                    literal.push_str(rest);
                    !literal.contains(':')
                })
            })
    }

    /// Whether `p` names a resource of type `rt` when each of its first five fields is
    /// matched against the same field of the type's ARNs (a `*` ending a field does not
    /// run across the next `:`: an ARN of five colons leaves it nothing to cross into).
    /// For each format, the fields of `p` are made concrete (a literal of the format, or
    /// `p`'s field with its wildcards read as `x`) and the result, which matches only
    /// ARNs `p` matches, is asked of the semantic layer.
    fn names_field_by_field(&mut self, rt: ResourceTypeId, p: &ArnPattern) -> bool {
        let Some(pf) = split6(p.as_str()) else {
            return true;
        };
        let sem = self.sem;
        let formats: Vec<Option<[&'c str; 6]>> = self.fields(rt).to_vec();
        'formats: for ff in formats {
            let Some(ff) = ff else {
                return true; // a format that cannot be split: keep the plain verdict
            };
            let mut q = String::with_capacity(p.as_str().len());
            for (x, f) in pf.iter().zip(&ff).take(5) {
                let Some(v) = concrete_field(x, f) else {
                    continue 'formats;
                };
                q.push_str(&v);
                q.push(':');
            }
            q.push_str(pf[5]);
            let Ok(qp) = ArnPattern::parse(&q) else {
                continue;
            };
            if sem.names_type(rt, &qp, true) == Some(true)
                || sem.names_type(rt, &qp, false) == Some(true)
            {
                return true;
            }
        }
        false
    }

    fn remember(&mut self, rt: ResourceTypeId, p: &ArnPattern, v: bool) {
        self.named
            .entry(rt)
            .or_default()
            .insert(p.as_str().to_owned(), v);
    }

    /// Whether `p` can name a resource of some type of `types`. The types whose formats
    /// begin their resource part as `p` does (`network-interface/` for
    /// `arn:aws:ec2:*:*:network-interface/*`) are tried first: they are the likely
    /// ones, and the others' formats need not be compiled then.
    pub(crate) fn names_any(&mut self, types: &[ResourceTypeId], p: &ArnPattern) -> bool {
        let Some(given) = split6(p.as_str()).map(|f| fixed_start(f[5])) else {
            return types.iter().any(|&rt| self.names(rt, p));
        };
        let mut rest: Vec<ResourceTypeId> = Vec::new();
        for &rt in types {
            let likely = !given.is_empty()
                && self
                    .starts(rt)
                    .iter()
                    .any(|fixed| !fixed.is_empty() && compatible(fixed, given));
            if !likely {
                rest.push(rt);
            } else if self.names(rt, p) {
                return true;
            }
        }
        rest.into_iter().any(|rt| self.names(rt, p))
    }

    /// The literal start of the resource part of each format of `rt` (before its first
    /// placeholder).
    fn starts(&mut self, rt: ResourceTypeId) -> &[&'c str] {
        let cat = self.cat;
        self.starts.entry(rt).or_insert_with(|| {
            cat.resource_type_arn_formats(rt)
                .filter_map(split6)
                .map(|f| &f[5][..f[5].find("${").unwrap_or(f[5].len())])
                .collect()
        })
    }

    fn fields(&mut self, rt: ResourceTypeId) -> &[Option<[&'c str; 6]>] {
        let cat = self.cat;
        self.fields
            .entry(rt)
            .or_insert_with(|| cat.resource_type_arn_formats(rt).map(split6).collect())
    }

    /// Whether a test on text alone shows that neither `p` nor its `alias` can name a
    /// resource of type `rt`: for every format, a field before the resource part that
    /// differs (the fields line up when the pattern has no wildcard or variable before
    /// its resource part; the format's placeholders there hold no `:`), or resource
    /// parts that begin differently. Exact only in that direction: `false` decides
    /// nothing.
    fn text_rejects(
        &mut self,
        rt: ResourceTypeId,
        p: &ArnPattern,
        alias: Option<&ArnPattern>,
    ) -> bool {
        let fields = self.fields(rt);
        if fields.is_empty() {
            return false; // no format: counted as named
        }
        let rejects = |q: &ArnPattern| {
            let Some(pf) = split6(q.as_str()) else {
                return false;
            };
            if pf[..5].iter().any(|x| x.contains(['*', '?', '$'])) {
                return false;
            }
            let given = fixed_start(pf[5]);
            fields.iter().all(|ff| {
                let Some(ff) = ff else {
                    return false;
                };
                let field_differs = ff[..5].iter().zip(&pf[..5]).any(|(f, x)| {
                    if !f.contains('$') {
                        !f.eq_ignore_ascii_case(x)
                    } else {
                        // one placeholder (a non-empty value) or nothing known
                        is_one_placeholder(f) && x.is_empty()
                    }
                });
                let fixed = &ff[5][..ff[5].find("${").unwrap_or(ff[5].len())];
                field_differs || !compatible(fixed, given)
            })
        };
        rejects(p) && alias.is_none_or(rejects)
    }

    /// Whether `p` names a literal service that no format of `rt` has (nor its other
    /// name): then `p` cannot name the type.
    fn other_service(&mut self, rt: ResourceTypeId, p: &ArnPattern) -> bool {
        let cat = self.cat;
        let svc = *self.services.entry(rt).or_insert_with(|| {
            let mut common: Option<&str> = None;
            for f in cat.resource_type_arn_formats(rt) {
                let field = arn_fields(f).map(|x| x[1])?;
                if field.contains(['$', '*', '?']) || common.is_some_and(|c| c != field) {
                    return None;
                }
                common = Some(field);
            }
            common
        });
        let (Some(svc), Some(pf)) = (svc, arn_fields(p.as_str())) else {
            return false;
        };
        let ps = pf[1];
        // fields before the service that could span a `:` leave it unaligned
        let head = p.as_str().split(':').next().unwrap_or("");
        if [head, pf[0], ps]
            .iter()
            .any(|f| f.contains(['$', '*', '?']))
        {
            return false;
        }
        !ps.eq_ignore_ascii_case(svc)
            && !ARN_SERVICE_ALIASES.iter().any(|(a, b)| {
                (ps.eq_ignore_ascii_case(a) && svc == *b)
                    || (ps.eq_ignore_ascii_case(b) && svc == *a)
            })
    }

    /// Whether `p` can be a resource of action `a`: it names one of the action's
    /// resource types, or, for an action without resource types, its service field could
    /// be the action's service (as `resource-mismatch` takes it).
    pub(crate) fn action_fits(&mut self, a: ActionId, p: &ArnPattern) -> bool {
        let cat = self.cat;
        let types: Vec<ResourceTypeId> = cat.action_resources(a).map(|r| r.resource_type).collect();
        if types.is_empty() {
            return service_field_fits(p.as_str(), cat.service_prefix(cat.action_service(a)));
        }
        self.names_any(&types, p)
    }

    /// The formats of type `rt` as the catalog writes them.
    pub(crate) fn raw_formats(&self, rt: ResourceTypeId) -> Vec<&'c str> {
        self.cat.resource_type_arn_formats(rt).collect()
    }
}

/// Services whose Service Authorization Reference has two pages under one prefix (API
/// Gateway and API Gateway V2, Elastic Load Balancing and its V2, ...). The catalog keeps
/// one row per action name, so an action of both versions has the resource types of one
/// only (`elasticloadbalancing:AddTags` lists the classic `loadbalancer`, not target
/// groups; `apigateway:GET` lists no `/apis` of API Gateway V2): items and actions of
/// these services are not judged.
const MERGED_SERVICES: &[&str] = &[
    "apigateway",
    "elasticloadbalancing",
    "greengrass",
    "kinesisanalytics",
    "lex",
    "sms-voice",
];

/// Resource types whose AWS-owned resources have ARNs without an account, though the
/// catalog's format has one: AWS's SSM documents (`arn:aws:ssm:us-east-1::document/
/// AWS-RunShellScript`), public parameters (`arn:aws:ssm:us-east-1::parameter/aws/
/// service/...`) and Resource Explorer service views (AWS's CloudWatch policies name
/// `arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignals/...`).
const AWS_OWNED_WITHOUT_ACCOUNT: &[(&str, &str)] = &[
    ("ssm", "document"),
    ("ssm", "parameter"),
    ("resource-explorer-2", "view"),
];

/// For an item without an account naming a type of [`AWS_OWNED_WITHOUT_ACCOUNT`], the
/// item with `*` as its account.
fn aws_owned_without_account(
    cat: &Catalog,
    rt: ResourceTypeId,
    p: &ArnPattern,
) -> Option<ArnPattern> {
    let f = split6(p.as_str())?;
    if !f[4].is_empty() {
        return None;
    }
    let (service, name) = (
        cat.service_prefix(cat.resource_type_service(rt)),
        cat.resource_type_name(rt),
    );
    if !AWS_OWNED_WITHOUT_ACCOUNT.contains(&(service, name)) {
        return None;
    }
    ArnPattern::parse(&format!("{}:{}:{}:{}:*:{}", f[0], f[1], f[2], f[3], f[5])).ok()
}

/// Services that AWS renamed, whose resources have ARNs of either name and whose actions
/// accept both (`codestar-connections` became `codeconnections` in 2024; AWS's own
/// policies list both ARNs for either action).
const ARN_SERVICE_ALIASES: &[(&str, &str)] = &[("codestar-connections", "codeconnections")];

/// The pattern with its service field written under the service's other name, if it has
/// one.
fn alias_of(p: &ArnPattern) -> Option<ArnPattern> {
    let f = arn_fields(p.as_str())?;
    let other = ARN_SERVICE_ALIASES.iter().find_map(|(a, b)| {
        if f[1] == *a {
            Some(*b)
        } else if f[1] == *b {
            Some(*a)
        } else {
            None
        }
    })?;
    ArnPattern::parse(&format!("arn:{}:{other}:{}:{}:{}", f[0], f[2], f[3], f[4])).ok()
}

/// The note of a finding that rests on resources with unknown values.
pub(crate) const UNKNOWNS_NOTE: &str =
    "the unknown values in these resources were read as any value: no value makes them fit";

/// A `Resource` item as the rules that follow a statement item by item judge it.
pub(crate) struct Judged<'g> {
    /// The item's pattern; for an item with placeholders or intrinsics, a pattern that
    /// matches every ARN the item can stand for ([`stand_in`]).
    pub(crate) pattern: Cow<'g, ArnPattern>,
    pub(crate) span: Span,
    /// The item as written, unknown values shown as such (`<AWS ACCOUNT ID>`).
    pub(crate) shown: String,
}

/// A statement whose action and resource items can all be judged: `Action` (not
/// `NotAction`) resolved, `Resource` (not `NotResource`) of patterns, none of them
/// matching everything (an item with unknown values is judged through its stand-in).
pub(crate) fn judged_patterns<'g>(
    st: &Statement,
    g: &'g StatementFacts,
) -> Option<Vec<Judged<'g>>> {
    let (actions, res) = (st.action.as_ref()?, st.resource.as_ref()?);
    if actions.negated
        || res.negated
        || g.actions_unresolved
        || g.actions.is_empty()
        || res.items.is_empty()
        || res.items.len() != g.resource_items.len()
    {
        return None;
    }
    let mut out = Vec::with_capacity(res.items.len());
    for (item, text) in g.resource_items.iter().zip(&res.items) {
        let pattern = match item {
            ResourceItem::Pattern(p) => Cow::Borrowed(&**p),
            ResourceItem::Unresolved => Cow::Owned(ArnPattern::parse(&stand_in(text)?).ok()?),
            ResourceItem::Invalid(_) => return None,
        };
        if pattern.is_match_all() {
            return None;
        }
        out.push(Judged {
            pattern,
            span: text.span,
            shown: text.display(),
        });
    }
    Some(out)
}

/// A pattern that matches every ARN an item with unknown values can stand for, each
/// unknown read as `*`, or `None` when that is not sure. A `*` that ends a field (before
/// a `:` or at the end) matches across later colons, so any unknown there is covered. An
/// unknown inside the resource part (`instance-profile/${ClusterName}-*`) is taken to be
/// a name, without `:`. An unknown elsewhere before the resource part is covered only
/// when its values hold no `:` (an account, a Region, a partition: `${AWS::AccountId}`,
/// `<REGION>`); `${BucketArn}/*` is not judged.
pub(crate) fn stand_in(text: &Text) -> Option<String> {
    let parts = text.parts.as_slice();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Literal(s) => out.push_str(s),
            Part::Hole { kind, name } => {
                // the first literal after this run of unknowns
                let next = parts[i + 1..].iter().find_map(|p| match p {
                    Part::Literal(s) => Some(s.as_str()),
                    Part::Hole { .. } => None,
                });
                // in the resource part (five colons written before it), an unknown is
                // a name (`${ClusterName}`), taken to hold no `:`
                let in_resource = out.matches(':').count() >= 5;
                let ends_field = in_resource || next.is_none_or(|s| s.starts_with(':'));
                let only_unknowns_follow = parts[i + 1..]
                    .iter()
                    .take_while(|p| matches!(p, Part::Hole { .. }))
                    .all(|p| match p {
                        Part::Hole { kind, name } => holds_no_colon(kind, name),
                        Part::Literal(_) => true,
                    });
                if !(ends_field || (holds_no_colon(kind, name) && only_unknowns_follow)) {
                    return None;
                }
                if !out.ends_with('*') {
                    out.push('*');
                }
            }
        }
    }
    Some(out)
}

/// Unknown values that never hold a `:`: an account, a Region, a partition, the URL
/// suffix, as CloudFormation, Terraform and placeholders name them.
fn holds_no_colon(kind: &HoleKind, name: &str) -> bool {
    match kind {
        HoleKind::CfnRef => matches!(
            name,
            "AWS::AccountId" | "AWS::Region" | "AWS::Partition" | "AWS::URLSuffix"
        ),
        HoleKind::Placeholder => {
            let n = name.to_ascii_uppercase();
            ["ACCOUNT", "REGION", "PARTITION"]
                .iter()
                .any(|w| n.contains(w))
        }
        HoleKind::Terraform => [
            ".account_id",
            ".region",
            ".partition",
            "aws_region.current.name",
            "aws_region.current.id",
        ]
        .iter()
        .any(|w| name.ends_with(w)),
        _ => false,
    }
}

/// The resource types of the actions of `set`, and the services of its actions that
/// have none (they work on `*`).
pub(crate) fn types_of(cat: &Catalog, set: &ActionSet) -> (Vec<ResourceTypeId>, Vec<u16>) {
    let mut types: Vec<ResourceTypeId> = Vec::new();
    let mut star_services: Vec<u16> = Vec::new();
    for a in set.iter() {
        let mut any = false;
        for r in cat.action_resources(a) {
            any = true;
            types.push(r.resource_type);
        }
        if !any {
            star_services.push(cat.action_service(a));
        }
    }
    types.sort_unstable();
    types.dedup();
    star_services.sort_unstable();
    star_services.dedup();
    (types, star_services)
}

/// The statement's action items that name one action, without wildcards, with their
/// spans.
pub(crate) fn single_actions<'a>(
    st: &'a Statement,
    g: &'a StatementFacts,
) -> impl Iterator<Item = (Span, ActionId)> + 'a {
    let items = st.action.as_ref().map_or(&[][..], |l| &l.items[..]);
    items.iter().zip(&g.action_items).filter_map(|(t, item)| {
        let text = t.as_literal()?;
        if text.contains(['*', '?']) {
            return None;
        }
        match item {
            ActionItem::Expanded(set) if set.len() == 1 => set.iter().next().map(|a| (t.span, a)),
            _ => None,
        }
    })
}

/// The `:`-separated fields of an ARN or ARN format: partition, service, Region,
/// account, resource (the `arn` field dropped). `None` with fewer than six fields.
pub(crate) fn arn_fields(s: &str) -> Option<[&str; 5]> {
    let mut it = s.splitn(6, ':');
    let _arn = it.next()?;
    Some([it.next()?, it.next()?, it.next()?, it.next()?, it.next()?])
}

/// Whether a `*` ends one of the fields of `p` before its resource part, where it may
/// run across the next `:` (a pattern of five colons, without variables). A resource
/// part with a `:` of its own (`table/aws:cloudtrail/*`, a Glue database AWS names with
/// a colon) says its names may hold one: then nothing is assumed.
fn may_cross_fields(p: &ArnPattern) -> bool {
    p.variables().is_empty()
        && split6(p.as_str())
            .is_some_and(|f| !f[5].contains(':') && f[1..5].iter().any(|x| x.ends_with('*')))
}

/// A value of a format's field `f` that the pattern's field `x` matches, without `:`:
/// the format's literal, or `x` with its wildcards read as `x` for a placeholder (which
/// stands for a non-empty value). `None` when `x` matches no value of `f`.
fn concrete_field(x: &str, f: &str) -> Option<String> {
    if f.contains("${") {
        let v: String = x
            .chars()
            .map(|c| if matches!(c, '*' | '?') { 'x' } else { c })
            .collect();
        return (!v.is_empty()).then_some(v);
    }
    let fits = if x.contains(['*', '?']) {
        loose_match(x.as_bytes(), f.as_bytes())
    } else {
        x.eq_ignore_ascii_case(f)
    };
    fits.then(|| f.to_owned())
}

/// The six `:`-separated fields of an ARN or ARN format, the last one holding the rest.
fn split6(s: &str) -> Option<[&str; 6]> {
    let mut it = s.splitn(6, ':');
    Some([
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ])
}

/// The start of a pattern's field before its first wildcard or variable.
fn fixed_start(field: &str) -> &str {
    &field[..field.find(['*', '?', '$']).unwrap_or(field.len())]
}

/// Whether one of two fixed starts begins the other (ignoring ASCII case): only then
/// can some text begin with both.
fn compatible(a: &str, b: &str) -> bool {
    let n = a.len().min(b.len());
    a.as_bytes()[..n].eq_ignore_ascii_case(&b.as_bytes()[..n])
}

/// Whether a format's field is one `${Name}` placeholder and nothing else.
fn is_one_placeholder(f: &str) -> bool {
    f.starts_with("${") && f.ends_with('}') && f.matches("${").count() == 1
}

/// Whether one of two ARNs built to fit the format `f` (renamed by [`lenient_format`])
/// is matched by `p`: then they meet (exact in that direction only; `false` decides
/// nothing). Each placeholder of the first five fields takes `p`'s field when it is
/// literal, the others `x`, values that fit any placeholder. The second ARN also puts
/// into a placeholder that ends the format (whose value may hold `:`) what `p` has after
/// its first `*` ending a Region or account field, which may span `:`
/// (`arn:aws:glue:*:*:catalog` names `arn:aws:glue:x:x:catalog/x:x:catalog`).
fn probes_meet(p: &ArnPattern, f: &str) -> bool {
    if !p.variables().is_empty() {
        return false;
    }
    let Some(pf) = split6(p.as_str()) else {
        return false;
    };
    let tail = [3, 4].into_iter().find_map(|i| {
        if !pf[i].ends_with('*') {
            return None;
        }
        // the text after that field's `*`
        let start = pf[..=i].iter().map(|x| x.len() + 1).sum::<usize>() - 1;
        p.as_str().get(start..)
    });
    // `None`: the tail cannot go into this format's last placeholder
    let build = |tail: Option<&str>| -> Option<String> {
        let mut out = String::with_capacity(f.len() + tail.map_or(0, str::len));
        let mut field = 0;
        let mut rest = f;
        while !rest.is_empty() {
            let Some(i) = rest.find("${") else {
                out.push_str(rest);
                break;
            };
            let lit = &rest[..i];
            field += lit.matches(':').count();
            out.push_str(lit);
            let j = rest[i..].find('}')? + i;
            let name = &rest[i + 2..j];
            rest = &rest[j + 1..];
            let given = pf
                .get(field)
                .copied()
                .filter(|v| field < 5 && !v.is_empty() && !v.contains(['*', '?', '$', ':', '/']));
            out.push_str(given.unwrap_or("x"));
            if let Some(t) = tail.filter(|_| rest.is_empty()) {
                if t.contains('/') && !iamlint_matcher::is_path_like(name) {
                    return None;
                }
                out.extend(
                    t.chars()
                        .map(|c| if matches!(c, '*' | '?') { 'x' } else { c }),
                );
            }
        }
        Some(out)
    };
    // the loose test first: it spares compiling the pattern when it fails
    let loose = !p.as_str().contains('$');
    let meets = |arn: Option<String>| {
        arn.is_some_and(|a| {
            (!loose || loose_match(p.as_str().as_bytes(), a.as_bytes())) && p.matches_literal(&a)
        })
    };
    meets(build(None)) || (tail.is_some() && f.ends_with('}') && meets(build(tail)))
}

/// Glob matching where `*` matches any bytes and `?` any one byte: looser than IAM's
/// (whose `*` inside a segment and `?` do not match `:`), so a `false` is IAM's too.
pub(crate) fn loose_match(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat.get(p..).unwrap_or(&[]).iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_syntax::Span;

    fn text(parts: Vec<Part>) -> Text {
        let mut t = Text::literal("", Span::default(), "Resource");
        t.parts = parts.into();
        t
    }

    fn hole(kind: HoleKind, name: &str) -> Part {
        Part::Hole {
            kind,
            name: name.to_owned(),
        }
    }

    fn lit(s: &str) -> Part {
        Part::Literal(s.to_owned())
    }

    #[test]
    fn stand_ins_cover_what_the_unknowns_can_be() {
        let acct = || hole(HoleKind::CfnRef, "AWS::AccountId");
        let part = || hole(HoleKind::CfnRef, "AWS::Partition");
        // unknowns that end a field, or inside the resource part
        let t = text(vec![
            lit("arn:"),
            part(),
            lit(":iam::"),
            acct(),
            lit(":instance-profile/"),
            hole(HoleKind::CfnRef, "ClusterName"),
            lit("-*"),
        ]);
        assert_eq!(
            stand_in(&t).as_deref(),
            Some("arn:*:iam::*:instance-profile/*-*")
        );
        // an ARN-valued unknown before the resource part: not sure
        let t = text(vec![hole(HoleKind::CfnRef, "BucketArn"), lit("/*")]);
        assert_eq!(stand_in(&t), None);
        // an account inside a field is fine, another name is not
        let t = text(vec![lit("arn:aws:s3:::logs-"), acct(), lit("/*")]);
        assert_eq!(stand_in(&t).as_deref(), Some("arn:aws:s3:::logs-*/*"));
        let t = text(vec![
            lit("arn:aws:sqs:"),
            hole(HoleKind::CfnRef, "Name"),
            lit("-x:1:q"),
        ]);
        assert_eq!(stand_in(&t), None);
        // adjacent unknowns read as one
        let t = text(vec![
            lit("arn:aws:iam::"),
            acct(),
            hole(HoleKind::Placeholder, "REGION"),
            lit(":role/a"),
        ]);
        assert_eq!(stand_in(&t).as_deref(), Some("arn:aws:iam::*:role/a"));
    }

    #[test]
    fn fields_are_matched_one_by_one_only_where_arns_have_five_colons() {
        let cat = Catalog::embedded();
        let sem = Semantic::new(&cat);
        let mut fit = Fit::new(&sem);
        let pass = cat.find_action("iam:PassRole").unwrap();
        let put = cat.find_action("logs:PutLogEvents").unwrap();
        let ip = ArnPattern::parse("arn:aws:iam::*:instance-profile/*").unwrap();
        let role = ArnPattern::parse("arn:aws:iam::*:role/app-*").unwrap();
        let streams = ArnPattern::parse("arn:aws:logs:*:*:log-stream:*").unwrap();
        assert!(may_cross_fields(&ip));
        assert!(!may_cross_fields(
            &ArnPattern::parse("arn:*:glue:*:*:table/aws:cloudtrail/*").unwrap()
        ));
        assert!(!fit.action_fits(pass, &ip));
        assert!(fit.action_fits(pass, &role));
        // log stream ARNs have colons in their resource part: the account's `*` may run
        // into them, as IAM documents
        assert!(fit.action_fits(put, &streams));
        assert_eq!(concrete_field("us-*", "${Region}").as_deref(), Some("us-x"));
        assert_eq!(concrete_field("", "${Account}"), None);
        assert_eq!(concrete_field("*", "").as_deref(), Some(""));
        assert_eq!(concrete_field("s3", "iam"), None);
    }
}
