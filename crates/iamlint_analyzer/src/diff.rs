//! `diff`: every request a policy allows that a reference does not.

use crate::cond::{self, Context};
use crate::glob::{word_is_concrete, word_text, Query, ResSet, Search, VarTable};
use crate::policy::{Policy, Stmt};
use iamlint_catalog::{ActionId, ActionSet, Catalog};
use iamlint_matcher::{ArnFormat, ArnPattern};
use iamlint_policy::Effect;
use iamlint_syntax::Span;
use serde::Serialize;

/// One concrete request: allowed by the policy, denied by the reference (unless the excess
/// is only `possible`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Witness {
    /// Canonical `service:Action`.
    pub action: String,
    #[serde(skip)]
    pub action_id: ActionId,
    pub resource: String,
    /// Condition key (lower case) → values; keys absent from the map are absent.
    pub context: Context,
}

/// Grants of one statement beyond the reference.
#[derive(Clone, Debug, Serialize)]
pub struct Excess {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub sid: Option<String>,
    /// Canonical names of the excess catalog actions (sorted); unresolved or unknown
    /// action items of the policy as written.
    pub actions: Vec<String>,
    /// The statement's resource patterns that reach beyond the reference (`NotResource`
    /// patterns prefixed with `NotResource `).
    pub resources: Vec<String>,
    /// Conditions the reference puts on these actions that the statement does not imply.
    pub missing_conditions: Vec<String>,
    pub witness: Option<Witness>,
    /// `true` when the analyzer could not confirm the excess with a witness (unknown
    /// values, conditions it cannot decide): it may or may not be real.
    pub possible: bool,
    /// Why, in words.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub path: String,
    #[serde(skip)]
    pub statement: usize,
    #[serde(skip)]
    pub action_ids: Vec<ActionId>,
    /// None of the excess actions appears in any `Allow` of the reference.
    #[serde(skip)]
    pub actions_not_in_reference: bool,
    /// The policy the statement is in, when not written in this file (an attached AWS
    /// managed policy): `line`/`column` are then the attachment's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A remark that is not an excess.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    #[serde(skip)]
    pub span: Span,
}

/// The result of [`diff`].
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    pub version: u32,
    pub within_reference: bool,
    pub excess: Vec<Excess>,
    pub notes: Vec<Note>,
}

impl Diff {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}

/// Compare `policy` with `reference`. Both must have been loaded with the same
/// [`VarTable`] (so an unknown of the same name is the same value on both sides).
pub fn diff(catalog: &Catalog, policy: &Policy, reference: &Policy, vars: &VarTable) -> Diff {
    let mut excess = Vec::new();
    let mut notes = Vec::new();
    let n = catalog.action_count();
    let mut ref_any = ActionSet::empty(n);
    for u in reference
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        ref_any.union_with(&u.actions);
    }
    for (si, s) in policy.statements.iter().enumerate() {
        if s.effect != Effect::Allow {
            continue;
        }
        let before = excess.len();
        statement_excess(
            catalog,
            policy,
            reference,
            vars,
            si,
            s,
            &ref_any,
            &mut excess,
        );
        let stmt_excess: ActionSet = {
            let mut set = ActionSet::empty(n);
            for e in &excess[before..] {
                for a in &e.action_ids {
                    set.insert(*a);
                }
            }
            set
        };
        wildcard_notes(catalog, policy, reference, s, &stmt_excess, &mut notes);
    }
    Diff {
        version: 1,
        within_reference: excess.is_empty(),
        excess,
        notes,
    }
}

fn loc(policy: &Policy, span: Span) -> (u32, u32) {
    let lc = policy.source.line_col(span.start);
    (lc.line, lc.column)
}

fn res_set(q: &mut Query, s: &Stmt) -> ResSet {
    ResSet {
        negated: s.not_resource,
        patterns: s.resources.iter().map(|p| q.add(p.clone())).collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn statement_excess(
    catalog: &Catalog,
    policy: &Policy,
    reference: &Policy,
    vars: &VarTable,
    si: usize,
    s: &Stmt,
    ref_any: &ActionSet,
    out: &mut Vec<Excess>,
) {
    let n = catalog.action_count();
    let (line, column) = loc(policy, s.span);
    let base = |actions: Vec<String>, possible: bool, notes: Vec<String>| Excess {
        file: policy.source.name.clone(),
        line,
        column,
        sid: s.sid.clone(),
        actions,
        resources: s.resources.iter().map(|p| res_text(s, &p.text)).collect(),
        missing_conditions: Vec::new(),
        witness: None,
        possible,
        notes,
        span: s.span,
        path: s.path.clone(),
        statement: si,
        action_ids: Vec::new(),
        actions_not_in_reference: false,
        via: s.via.clone(),
    };
    // items that could not be expanded: unknown values are never assumed within
    if !s.unresolved_actions.is_empty() {
        out.push(base(
            s.unresolved_actions.clone(),
            true,
            vec![format!(
                "the action{} {} could not be resolved: its value is unknown, so it may grant anything",
                if s.unresolved_actions.len() == 1 { "" } else { "s" },
                s.unresolved_actions
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
        ));
    }
    let ref_unknown: Vec<&String> = reference
        .statements
        .iter()
        .filter(|u| u.effect == Effect::Allow)
        .flat_map(|u| u.unknown_actions.iter())
        .collect();
    let unknown: Vec<String> = s
        .unknown_actions
        .iter()
        .filter(|a| !ref_unknown.contains(a))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        out.push(base(
            unknown.clone(),
            true,
            vec![format!(
                "{} not in the catalog: it may be an action added after the catalog was built",
                unknown
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
        ));
    }
    if s.actions.is_empty() {
        return;
    }
    // Split the statement's actions into classes on which every other statement is
    // all-or-nothing.
    let mut classes = vec![s.actions.clone()];
    let no_statements: &[Stmt] = &[];
    let policy_boundary = policy.boundary.as_deref().unwrap_or(no_statements);
    let reference_boundary = reference.boundary.as_deref().unwrap_or(no_statements);
    let splitters = policy
        .statements
        .iter()
        .filter(|t| t.effect == Effect::Deny)
        .chain(policy_boundary)
        .map(|t| &t.actions)
        .chain(reference.statements.iter().map(|u| &u.actions))
        .chain(reference_boundary.iter().map(|u| &u.actions));
    for t in splitters {
        let mut next = Vec::with_capacity(classes.len());
        for c in classes {
            let mut inter = c.clone();
            inter.intersect_with(t);
            if inter.is_empty() || inter.len() == c.len() {
                next.push(c);
            } else {
                let mut rest = c;
                rest.subtract(&inter);
                next.push(inter);
                next.push(rest);
            }
        }
        classes = next;
    }
    let full = ActionSet::full(n);
    let mut found: Vec<Excess> = Vec::new();
    for class in classes {
        let Some(a) = class.iter().next() else {
            continue;
        };
        let mut q = Query::default();
        let g = res_set(&mut q, s);
        q.grant.push(g);
        for t in policy.statements.iter().chain(policy_boundary) {
            if t.effect == Effect::Deny
                && t.actions.contains(a)
                && t.conditions.is_empty()
                && !t.resource_missing
            {
                let r = res_set(&mut q, t);
                q.minus.push(r);
            }
        }
        if policy.boundary.is_some() {
            // the boundary's `Allow`s that may apply (conditional ones too: what the
            // policy grants is over-approximated, never hidden)
            let within: Vec<&Stmt> = policy_boundary
                .iter()
                .filter(|b| b.effect == Effect::Allow && b.may_have(a))
                .collect();
            if within.is_empty() {
                continue; // the boundary allows none of these actions
            }
            let sets = within.into_iter().map(|b| res_set(&mut q, b)).collect();
            q.within = Some(sets);
        }
        if reference.boundary.is_some() {
            // the reference covers only what its boundary surely allows
            let sets = reference_boundary
                .iter()
                .filter(|b| {
                    b.effect == Effect::Allow
                        && b.actions.contains(a)
                        && b.conditions.is_empty()
                        && !b.resource_missing
                })
                .map(|b| res_set(&mut q, b))
                .collect();
            q.cover_within = Some(sets);
            for b in reference_boundary {
                if b.effect == Effect::Deny
                    && (b.actions.contains(a) || !b.unresolved_actions.is_empty())
                {
                    let r = res_set(&mut q, b);
                    q.cover_minus.push(r);
                }
            }
        }
        let mut missing: Vec<String> = Vec::new();
        let mut partial_conds: Vec<usize> = Vec::new();
        for (ui, u) in reference.statements.iter().enumerate() {
            let has = u.actions.contains(a);
            match u.effect {
                Effect::Allow if has && !u.resource_missing => {
                    if cond::not_implied(&s.conditions, &u.conditions).is_empty()
                        && s.principals_within(u)
                    {
                        let r = res_set(&mut q, u);
                        q.cover.push(r);
                    } else {
                        partial_conds.push(ui);
                    }
                }
                Effect::Deny if has || !u.unresolved_actions.is_empty() => {
                    let r = res_set(&mut q, u);
                    q.cover_minus.push(r);
                }
                _ => {}
            }
        }
        let result = q.search(vars);
        if result == Search::Empty {
            continue;
        }
        let not_in_ref = !ref_any.contains(a);
        // which resource patterns reach beyond, and which reference conditions are missing
        let resources: Vec<String> = if not_in_ref || s.not_resource {
            s.resources.iter().map(|p| res_text(s, &p.text)).collect()
        } else {
            s.resources
                .iter()
                .filter(|p| {
                    let mut q1 = q.clone();
                    let i = q1.add((*p).clone());
                    q1.grant = vec![ResSet {
                        negated: false,
                        patterns: vec![i],
                    }];
                    q1.search(vars) != Search::Empty
                })
                .map(|p| p.text.clone())
                .collect()
        };
        for ui in &partial_conds {
            let Some(u) = reference.statements.get(*ui) else {
                continue;
            };
            let mut q2 = Query::default();
            let g = res_set(&mut q2, s);
            q2.grant.push(g);
            let r = res_set(&mut q2, u);
            q2.grant.push(r);
            if q2.search(vars) == Search::Empty {
                continue;
            }
            for e in cond::not_implied(&s.conditions, &u.conditions) {
                let d = e.describe();
                if !missing.contains(&d) {
                    missing.push(d);
                }
            }
        }
        let (witness, mut verified) =
            find_witness(catalog, policy, reference, vars, s, &class, &result);
        let mut certain_note = None;
        if !verified && certain_anyway(policy, reference, s, &class, not_in_ref) {
            verified = true;
            certain_note = Some(
                "certain for every value of the unknown parts of its resources: the reference grants none of these actions"
                    .to_string(),
            );
        }
        let mut notes = Vec::new();
        if result == Search::Unknown {
            notes.push("the resource patterns are too complex to compare exactly".to_string());
        }
        if !verified {
            notes.push(unverified_reason(s, reference, &result, vars));
        }
        notes.extend(certain_note);
        if let Some(e) = found.iter_mut().find(|e| {
            e.resources == resources
                && e.missing_conditions == missing
                && e.possible != verified
                && e.actions_not_in_reference == not_in_ref
        }) {
            e.action_ids.extend(class.iter());
            continue;
        }
        let mut e = base(Vec::new(), !verified, notes);
        e.resources = resources;
        e.missing_conditions = missing;
        e.witness = witness;
        e.action_ids = class.iter().collect();
        e.actions_not_in_reference = not_in_ref;
        found.push(e);
    }
    let _ = full;
    for mut e in found {
        e.action_ids.sort_unstable();
        e.action_ids.dedup();
        e.actions = e
            .action_ids
            .iter()
            .map(|a| catalog.action_full_name(*a))
            .collect();
        out.push(e);
    }
}

/// An excess that holds for every value of the unknowns, though no concrete witness
/// could be written: the reference grants none of the class's actions (no `Allow` of it
/// names them, none has unknown actions), the statement grants them unconditionally
/// with known actions, and no `Deny` or boundary of the policy may take them away. Its
/// resources, placeholders and all, are then granted and nothing of the reference covers
/// them: a certain excess, not a possible one.
fn certain_anyway(
    policy: &Policy,
    reference: &Policy,
    s: &Stmt,
    class: &ActionSet,
    not_in_ref: bool,
) -> bool {
    if !not_in_ref || !s.conditions.is_empty() || !s.unresolved_actions.is_empty() {
        return false;
    }
    if s.not_resource || s.resource_missing || s.resources.is_empty() {
        return false;
    }
    let reference_may_grant = reference
        .statements
        .iter()
        .any(|u| u.effect == Effect::Allow && !u.unresolved_actions.is_empty());
    if reference_may_grant || class.iter().any(|a| reference_names(reference, a)) {
        return false;
    }
    let touches =
        |t: &Stmt| !t.unresolved_actions.is_empty() || class.iter().any(|a| t.actions.contains(a));
    let denied = policy
        .statements
        .iter()
        .any(|t| t.effect == Effect::Deny && touches(t));
    !denied && (policy.boundary.is_none() || boundary_plainly_allows(policy, class))
}

/// Whether some `Allow` of the reference (or its boundary's) names action `a`.
fn reference_names(reference: &Policy, a: ActionId) -> bool {
    reference
        .statements
        .iter()
        .any(|u| u.effect == Effect::Allow && u.actions.contains(a))
}

/// Whether the policy's boundary allows every action of `class` on every resource,
/// unconditionally, with no `Deny` of its own touching them.
fn boundary_plainly_allows(policy: &Policy, class: &ActionSet) -> bool {
    let Some(b) = &policy.boundary else {
        return true;
    };
    let everywhere = |t: &Stmt| !t.not_resource && t.resources.iter().any(|p| p.text == "*");
    class.iter().all(|a| {
        b.iter().any(|t| {
            t.effect == Effect::Allow
                && t.actions.contains(a)
                && t.conditions.is_empty()
                && everywhere(t)
        }) && !b.iter().any(|t| {
            t.effect == Effect::Deny && (t.actions.contains(a) || !t.unresolved_actions.is_empty())
        })
    })
}

fn res_text(s: &Stmt, text: &str) -> String {
    if s.not_resource {
        format!("NotResource {text}")
    } else {
        text.to_string()
    }
}

fn unverified_reason(s: &Stmt, reference: &Policy, result: &Search, vars: &VarTable) -> String {
    let has_vars = s.resources.iter().any(|p| p.has_vars())
        || reference
            .statements
            .iter()
            .any(|u| u.resources.iter().any(|p| p.has_vars()));
    if let Search::Found(w) = result {
        if !word_is_concrete(w) {
            return format!(
                "the excess is at `{}`, which depends on values not known statically",
                word_text(w, vars)
            );
        }
    }
    if has_vars {
        "the verdict depends on placeholders or variables whose values are unknown (bind them with `--var NAME=VALUE`)".into()
    } else {
        "no concrete request confirming it was found (conditions the analyzer cannot decide)".into()
    }
}

/// Candidate ARNs for an action: examples of its resource types' ARN formats within the
/// statement's patterns, `*` for actions without resource types, and the search's word.
fn arn_candidates(
    catalog: &Catalog,
    s: &Stmt,
    a: ActionId,
    result: &Search,
    vars: &VarTable,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut has_types = false;
    for ar in catalog.action_resources(a) {
        has_types = true;
        for f in catalog.resource_type_arn_formats(ar.resource_type).iter() {
            let Ok(format) = ArnFormat::parse(f) else {
                continue;
            };
            if s.not_resource || s.resource_missing {
                out.push(format.readable_example());
                continue;
            }
            for p in &s.resources {
                if p.has_vars() {
                    continue;
                }
                if let Ok(ap) = ArnPattern::parse(&p.text) {
                    if let Some(ex) = format.example(&ap) {
                        out.push(ex);
                    }
                }
            }
        }
    }
    if !has_types {
        out.insert(0, "*".to_string());
    }
    if let Search::Found(w) = result {
        if word_is_concrete(w) {
            out.push(word_text(w, vars));
        }
    }
    out.dedup();
    out
}

fn find_witness(
    catalog: &Catalog,
    policy: &Policy,
    reference: &Policy,
    vars: &VarTable,
    s: &Stmt,
    class: &ActionSet,
    result: &Search,
) -> (Option<Witness>, bool) {
    let mut contexts = cond::satisfying_contexts(&s.conditions);
    if contexts.is_empty() {
        contexts.push(Context::new());
    }
    // the first candidate the policy may allow (for some value of its unknowns), else the
    // first candidate at all: shown as the candidate request of a possible excess
    let mut first: Option<Witness> = None;
    let mut fallback: Option<Witness> = None;
    let mut tries = 0usize;
    for a in class.iter().take(3) {
        for arn in arn_candidates(catalog, s, a, result, vars) {
            for ctx in &contexts {
                let w = Witness {
                    action: catalog.action_full_name(a),
                    action_id: a,
                    resource: arn.clone(),
                    context: ctx.clone(),
                };
                if first.is_none() && policy.allows(a, &arn, ctx, true) {
                    first = Some(w.clone());
                }
                if fallback.is_none() {
                    fallback = Some(w.clone());
                }
                // the policy surely allows it (unknowns against), the reference surely
                // does not (unknowns in its favour)
                if policy.allows(a, &arn, ctx, false) && !reference.allows(a, &arn, ctx, true) {
                    return (Some(w), true);
                }
                tries += 1;
                if tries > 60 {
                    return (first.or(fallback), false);
                }
            }
        }
    }
    if first.is_none() {
        if let (Some(a), Search::Found(w)) = (class.iter().next(), result) {
            first = Some(Witness {
                action: catalog.action_full_name(a),
                action_id: a,
                resource: word_text(w, vars),
                context: contexts.first().cloned().unwrap_or_default(),
            });
        }
    }
    (first.or(fallback), false)
}

/// A wildcard item whose actions are all within the reference, but that the reference
/// grants by listing today's actions: the wildcard will also grant actions AWS adds later.
fn wildcard_notes(
    catalog: &Catalog,
    policy: &Policy,
    reference: &Policy,
    s: &Stmt,
    stmt_excess: &ActionSet,
    notes: &mut Vec<Note>,
) {
    for p in &s.action_patterns {
        if !p.has_wildcard() || s.not_action {
            continue;
        }
        let set = iamlint_matcher::expand(catalog, p);
        if set.is_empty() {
            continue;
        }
        let mut inter = set.clone();
        inter.intersect_with(stmt_excess);
        if !inter.is_empty() {
            continue;
        }
        let covered = reference.statements.iter().any(|u| {
            u.effect == Effect::Allow
                && (u.not_action || u.action_patterns.iter().any(|q| q.covers(p)))
        });
        if !covered {
            let (line, column) = loc(policy, s.span);
            notes.push(Note {
                file: policy.source.name.clone(),
                line,
                column,
                message: format!(
                    "`{}` grants all {} of today's matching actions, which the reference lists by name; it will also grant actions AWS adds later",
                    p.as_str(),
                    set.len()
                ),
                span: s.span,
            });
        }
    }
}

/// An excess in words: the diagnostic message, the label on the statement's actions, and
/// notes (per-service counts, missing conditions, the witness).
#[derive(Clone, Debug)]
pub struct Described {
    pub message: String,
    pub label: String,
    pub notes: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Excess {
    /// Words for people.
    pub fn describe(&self, catalog: &Catalog) -> Described {
        let who = match (&self.sid, &self.via) {
            (Some(s), Some(via)) if !s.is_empty() => format!("statement `{s}` of {via}"),
            (_, Some(via)) => via.clone(),
            (Some(s), None) if !s.is_empty() => format!("statement `{s}`"),
            _ => "this statement".to_string(),
        };
        let n = self.action_ids.len();
        let listed = |v: &[String]| -> String {
            let mut s = v
                .iter()
                .take(3)
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if v.len() > 3 {
                s.push_str(&format!(" and {} more", v.len() - 3));
            }
            s
        };
        let prefix = if self.possible { "possibly " } else { "" };
        let message = if n == 0 {
            format!(
                "{who} {prefix}grants {} the reference may not allow",
                listed(&self.actions)
            )
        } else if self.actions_not_in_reference {
            format!(
                "{who} {prefix}grants {} the reference does not ({})",
                plural(n, "action", "actions"),
                listed(&self.actions)
            )
        } else if !self.missing_conditions.is_empty() {
            format!(
                "{who} {prefix}grants {} without conditions the reference requires ({})",
                plural(n, "action", "actions"),
                listed(&self.actions)
            )
        } else {
            format!(
                "{who} {prefix}grants {} on resources beyond the reference's: {}",
                plural(n, "action", "actions"),
                listed(&self.resources)
            )
        };
        let mut notes = Vec::new();
        // per service and access level
        let mut by_service: Vec<(
            String,
            usize,
            std::collections::BTreeMap<&'static str, usize>,
        )> = Vec::new();
        for a in &self.action_ids {
            let svc = catalog
                .service_prefix(catalog.action_service(*a))
                .to_string();
            let level = catalog.access_level(*a).as_str();
            match by_service.iter_mut().find(|x| x.0 == svc) {
                Some(x) => {
                    x.1 += 1;
                    *x.2.entry(level).or_default() += 1;
                }
                None => {
                    let mut m = std::collections::BTreeMap::new();
                    m.insert(level, 1usize);
                    by_service.push((svc, 1, m));
                }
            }
        }
        for (svc, count, levels) in by_service.iter().take(8) {
            let lv = levels
                .iter()
                .map(|(l, c)| format!("{c} {l}"))
                .collect::<Vec<_>>()
                .join(", ");
            notes.push(format!(
                "{svc}: {} ({lv})",
                plural(*count, "action", "actions")
            ));
        }
        if by_service.len() > 8 {
            notes.push(format!("and {} more services", by_service.len() - 8));
        }
        if !self.actions_not_in_reference && !self.resources.is_empty() && n > 0 {
            notes.push(format!(
                "resources beyond the reference: {}",
                listed(&self.resources)
            ));
        }
        for c in &self.missing_conditions {
            notes.push(format!("the reference requires {c}"));
        }
        if let Some(w) = &self.witness {
            let ctx = if w.context.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}",
                    w.context
                        .iter()
                        .map(|(k, v)| format!("`{k}` = `{}`", v.join(",")))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            if self.possible {
                notes.push(format!(
                    "candidate request: `{}` on `{}`{ctx}",
                    w.action, w.resource
                ));
            } else {
                notes.push(format!(
                    "witness: `{}` on `{}`{ctx} is allowed by this policy and denied by the reference",
                    w.action, w.resource
                ));
            }
        }
        notes.extend(self.notes.iter().cloned());
        Described {
            message,
            label: if self.possible {
                "may grant beyond the reference".into()
            } else {
                "grants beyond the reference".into()
            },
            notes,
        }
    }
}
