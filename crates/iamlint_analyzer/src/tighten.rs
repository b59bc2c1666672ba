//! `tighten`: a policy granting what both a policy and a reference allow.

use crate::cond::{self, CondEntry};
use crate::glob::{Pattern, Query, ResSet, Search, VarTable};
use crate::policy::{Policy, Stmt};
use iamlint_catalog::{ActionSet, Catalog};
use iamlint_matcher::ActionPattern;
use iamlint_policy::Effect;
use iamlint_syntax::SourceKind;
use serde_json::{json, Map, Value};

/// The result of [`tighten`].
#[derive(Clone, Debug)]
pub struct Tightened {
    pub document: Value,
    /// Grants of the intersection that could not be expressed exactly and were left out
    /// (the result stays within both policies).
    pub notes: Vec<String>,
    /// How many `Allow` statements it has: 0 when the policy and the reference have
    /// nothing in common (the document is then not a policy worth writing).
    pub allows: usize,
}

impl Tightened {
    /// Whether the result grants nothing: the policy and the reference allow nothing in
    /// common when [`Tightened::notes`] is empty, else what they share could not be written.
    pub fn is_empty(&self) -> bool {
        self.allows == 0
    }
}

impl Tightened {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.document).unwrap_or_else(|_| "{}".into())
    }

    /// YAML (block style, strings double-quoted).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        yaml(&self.document, 0, &mut out, false);
        out
    }

    /// In the syntax of the input.
    pub fn render(&self, syntax: SourceKind) -> String {
        match syntax {
            SourceKind::Json => self.to_json() + "\n",
            SourceKind::Yaml => self.to_yaml(),
        }
    }
}

fn yaml(v: &Value, indent: usize, out: &mut String, inline_first: bool) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (i, (k, val)) in m.iter().enumerate() {
                if !(i == 0 && inline_first) {
                    out.push_str(&pad);
                }
                out.push_str(k);
                out.push(':');
                match val {
                    Value::Object(_) | Value::Array(_) => {
                        out.push('\n');
                        yaml(val, indent + 2, out, false);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(val));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                out.push_str(&pad);
                out.push_str("- ");
                match item {
                    Value::Object(_) => yaml(item, indent + 2, out, true),
                    Value::Array(_) => {
                        out.push('\n');
                        yaml(item, indent + 2, out, false);
                    }
                    _ => {
                        out.push_str(&scalar(item));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        other => other.to_string(),
    }
}

fn covers(a: &Pattern, b: &Pattern, vars: &VarTable) -> bool {
    let mut q = Query::default();
    let bi = q.add(b.clone());
    let ai = q.add(a.clone());
    q.grant.push(ResSet {
        negated: false,
        patterns: vec![bi],
    });
    q.cover.push(ResSet {
        negated: false,
        patterns: vec![ai],
    });
    q.search(vars) == Search::Empty
}

fn overlaps(a: &Pattern, b: &Pattern, negated_b: bool, vars: &VarTable) -> bool {
    let mut q = Query::default();
    let ai = q.add(a.clone());
    let bi = q.add(b.clone());
    q.grant.push(ResSet {
        negated: false,
        patterns: vec![ai],
    });
    q.grant.push(ResSet {
        negated: negated_b,
        patterns: vec![bi],
    });
    q.search(vars) != Search::Empty
}

/// The resource part of the intersection: (`NotResource`?, patterns), exact or smaller.
fn resources(
    s: &Stmt,
    u: &Stmt,
    vars: &VarTable,
    notes: &mut Vec<String>,
) -> Option<(bool, Vec<String>)> {
    let star = Pattern::from_str("*", &mut VarTable::default());
    let list = |x: &Stmt| -> Vec<Pattern> {
        if x.resource_missing {
            vec![star.clone()]
        } else {
            x.resources.clone()
        }
    };
    match (s.attached_resource, u.attached_resource) {
        // trust and resource policies: the resource the policy is attached to
        (true, true) => return Some((false, Vec::new())),
        (true, false) | (false, true) => {
            notes.push(format!(
                "`{}` and the reference's `{}` do not both name resources: left out",
                s.path, u.path
            ));
            return None;
        }
        (false, false) => {}
    }
    let (sl, ul) = (list(s), list(u));
    match (s.not_resource, u.not_resource) {
        (true, true) => {
            let mut all: Vec<String> = sl.iter().chain(&ul).map(|p| p.text.clone()).collect();
            all.dedup();
            Some((true, all))
        }
        (false, false) => {
            let mut out: Vec<String> = Vec::new();
            for p in &sl {
                for q in &ul {
                    let keep = if covers(q, p, vars) {
                        Some(p)
                    } else if covers(p, q, vars) {
                        Some(q)
                    } else {
                        if overlaps(p, q, false, vars) {
                            notes.push(format!(
                                "the resources `{}` and `{}` overlap in a way one pattern cannot express: left out",
                                p.text, q.text
                            ));
                        }
                        None
                    };
                    if let Some(k) = keep {
                        if !out.contains(&k.text) {
                            out.push(k.text.clone());
                        }
                    }
                }
            }
            (!out.is_empty()).then_some((false, out))
        }
        (neg_s, _) => {
            let (pos, neg) = if neg_s { (&ul, &sl) } else { (&sl, &ul) };
            // every resource except the `NotResource` list: exactly that list, negated
            if pos.iter().any(|p| covers(p, &star, vars)) {
                let mut all: Vec<String> = neg.iter().map(|p| p.text.clone()).collect();
                all.dedup();
                return Some((true, all));
            }
            let out: Vec<String> = pos
                .iter()
                .filter(|p| {
                    let ok = !neg.iter().any(|n| overlaps(p, n, false, vars));
                    if !ok {
                        notes.push(format!(
                            "`{}` minus a `NotResource` list cannot be written as one pattern: left out",
                            p.text
                        ));
                    }
                    ok
                })
                .map(|p| p.text.clone())
                .collect();
            (!out.is_empty()).then_some((false, out))
        }
    }
}

/// Conjunction of two condition blocks; `None` when the same operator and key appear on
/// both sides with values neither implies.
fn conditions(a: &[CondEntry], b: &[CondEntry]) -> Option<Vec<CondEntry>> {
    let mut out: Vec<CondEntry> = a.to_vec();
    for e in b {
        if let Some(i) = out
            .iter()
            .position(|x| x.operator == e.operator && x.key == e.key)
        {
            let x = &out[i];
            if cond::not_implied(std::slice::from_ref(x), std::slice::from_ref(e)).is_empty() {
                continue;
            }
            if cond::not_implied(std::slice::from_ref(e), std::slice::from_ref(x)).is_empty() {
                out[i] = e.clone();
                continue;
            }
            return None;
        }
        out.push(e.clone());
    }
    Some(out)
}

fn condition_json(entries: &[CondEntry]) -> Value {
    let mut m: Map<String, Value> = Map::new();
    for e in entries {
        let op = m
            .entry(e.operator.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = op {
            let vals: Value = if e.values.len() == 1 {
                Value::String(e.values.first().cloned().unwrap_or_default())
            } else {
                Value::Array(e.values.iter().cloned().map(Value::String).collect())
            };
            keys.insert(e.key_text.clone(), vals);
        }
    }
    Value::Object(m)
}

/// Whether both statements name a pattern covering all of `svc:*` (or everything).
fn both_wild(s: &Stmt, u: &Stmt, p: &ActionPattern) -> bool {
    let has = |x: &Stmt| x.action_patterns.iter().any(|q| q.covers(p));
    has(s) && has(u)
}

fn action_list(
    catalog: &Catalog,
    set: &ActionSet,
    wild: &dyn Fn(&ActionPattern) -> bool,
) -> Vec<String> {
    if set.len() == catalog.action_count() {
        if let Ok(all) = ActionPattern::parse("*") {
            if wild(&all) {
                return vec!["*".into()];
            }
        }
    }
    let mut out = Vec::new();
    for svc in catalog.services() {
        let range = catalog.service_actions(svc);
        let ids: Vec<_> = range.clone().filter(|a| set.contains(*a)).collect();
        if ids.is_empty() {
            continue;
        }
        let prefix = catalog.service_prefix(svc);
        if ids.len() == range.len() {
            if let Ok(p) = ActionPattern::parse(&format!("{prefix}:*")) {
                if wild(&p) {
                    out.push(format!("{prefix}:*"));
                    continue;
                }
            }
        }
        out.extend(ids.into_iter().map(|a| catalog.action_full_name(a)));
    }
    out
}

/// The principals both statements apply to, when one's are within the other's:
/// `Some(None)` when neither names principals.
#[allow(clippy::type_complexity)]
fn principals(s: &Stmt, u: &Stmt) -> Option<Option<(bool, Vec<(String, String)>)>> {
    match (&s.principals, &u.principals) {
        (None, None) => Some(None),
        (Some(p), None) => Some(Some(p.clone())),
        (None, Some(p)) => Some(Some(p.clone())),
        (Some(p), Some(q)) => {
            if s.principals_within(u) {
                Some(Some(p.clone()))
            } else if u.principals_within(s) {
                Some(Some(q.clone()))
            } else {
                None
            }
        }
    }
}

/// `Principal` (or `NotPrincipal`) as written: `"*"` for the bare star, else an object
/// of type → value or list of values.
fn principal_json(p: &(bool, Vec<(String, String)>)) -> (String, Value) {
    let key = if p.0 { "NotPrincipal" } else { "Principal" }.to_string();
    if p.1.iter().any(|(t, v)| t == "*" && v == "*") {
        return (key, json!("*"));
    }
    let mut m: Map<String, Value> = Map::new();
    for (t, v) in &p.1 {
        match m.get_mut(t) {
            Some(Value::Array(a)) => a.push(json!(v)),
            Some(one) => {
                let first = one.take();
                *one = Value::Array(vec![first, json!(v)]);
            }
            None => {
                m.insert(t.clone(), json!(v));
            }
        }
    }
    (key, Value::Object(m))
}

/// A `Deny` of either side, as it applies in the tightened policy: only the action items
/// that name catalog actions (or hold unknowns) are kept, so the result names no action
/// IAM does not know; `None` when nothing is left.
fn deny_json(catalog: &Catalog, s: &Stmt) -> Option<Value> {
    let mut m = Map::new();
    m.insert("Effect".into(), json!("Deny"));
    if let Some(p) = &s.principals {
        let (k, v) = principal_json(p);
        m.insert(k, v);
    }
    let mut actions: Vec<String> = s
        .action_patterns
        .iter()
        .filter(|p| !iamlint_matcher::expand(catalog, p).is_empty())
        .map(|p| p.as_str().to_string())
        .collect();
    actions.extend(s.unresolved_actions.iter().cloned());
    if actions.is_empty() && !s.not_action {
        return None;
    }
    m.insert(
        if s.not_action { "NotAction" } else { "Action" }.into(),
        json!(actions),
    );
    if s.attached_resource {
        // the resource the policy is attached to: no `Resource` element
    } else if !s.resource_missing {
        let r: Vec<String> = s.resources.iter().map(|p| p.text.clone()).collect();
        m.insert(
            if s.not_resource {
                "NotResource"
            } else {
                "Resource"
            }
            .into(),
            json!(r),
        );
    } else {
        m.insert("Resource".into(), json!("*"));
    }
    if !s.conditions.is_empty() {
        m.insert("Condition".into(), condition_json(&s.conditions));
    }
    Some(Value::Object(m))
}

/// A policy granting exactly what both `policy` and `reference` allow, or less where the
/// intersection cannot be written (said in `notes`): `tighten(P, R) ⊆ P` and `⊆ R`.
/// Actions are listed by canonical name, except `svc:*` (or `*`) when both sides grant the
/// whole wildcard. Every `Deny` of both sides is kept.
pub fn tighten(
    catalog: &Catalog,
    policy: &Policy,
    reference: &Policy,
    vars: &VarTable,
) -> Tightened {
    let mut notes = Vec::new();
    // (principals, not_resource, resources, conditions) → actions, wildcard permission
    type Who = Option<(bool, Vec<(String, String)>)>;
    type Key = (Who, bool, Vec<String>, Vec<(String, String, Vec<String>)>);
    type Group = (Key, Vec<CondEntry>, ActionSet, Vec<(usize, usize)>);
    let mut groups: Vec<Group> = Vec::new();
    let allows = |p: &Policy| -> Vec<(usize, Stmt)> {
        p.statements
            .iter()
            .cloned()
            .enumerate()
            .filter(|(_, s)| s.effect == Effect::Allow)
            .collect()
    };
    let (pa, ra) = (allows(policy), allows(reference));
    for (si, s) in &pa {
        if !s.unresolved_actions.is_empty() || !s.unknown_actions.is_empty() {
            notes.push(format!(
                "actions of `{}` that are unknown or not in the catalog are left out",
                s.path
            ));
        }
        for (ui, u) in &ra {
            let mut acts = s.actions.clone();
            acts.intersect_with(&u.actions);
            if acts.is_empty() {
                continue;
            }
            let Some((neg, res)) = resources(s, u, vars, &mut notes) else {
                continue;
            };
            let Some(who) = principals(s, u) else {
                notes.push(format!(
                    "the principals of `{}` and of the reference's `{}` are not within one another: left out",
                    s.path, u.path
                ));
                continue;
            };
            let Some(conds) = conditions(&s.conditions, &u.conditions) else {
                notes.push(format!(
                    "the conditions of `{}` and of the reference's `{}` conflict on one key: left out",
                    s.path, u.path
                ));
                continue;
            };
            let mut ck: Vec<(String, String, Vec<String>)> = conds
                .iter()
                .map(|e| (e.operator.clone(), e.key.clone(), e.values.clone()))
                .collect();
            ck.sort();
            let mut res_sorted = res.clone();
            res_sorted.sort();
            let key: Key = (who, neg, res_sorted, ck);
            if let Some(g) = groups.iter_mut().find(|g| g.0 == key) {
                g.2.union_with(&acts);
                g.3.push((*si, *ui));
            } else {
                groups.push((key, conds, acts, vec![(*si, *ui)]));
            }
        }
    }
    // For `AWS` and `Service` principals the federation actions allow nothing: an
    // expanded `sts:AssumeRole*` keeps only what applies to them.
    for ((who, _, _, _), _, acts, _) in &mut groups {
        let federated = who
            .as_ref()
            .is_none_or(|(not, ps)| *not || ps.iter().any(|(t, _)| t == "Federated" || t == "*"));
        if !federated {
            for name in iamlint_semantic::FEDERATION_ONLY_ACTIONS {
                if let Some(a) = catalog.find_action(name) {
                    acts.remove(a);
                }
            }
        }
    }
    groups.retain(|g| !g.2.is_empty());
    let mut statements = Vec::new();
    for ((who, neg, res, _), conds, acts, pairs) in &groups {
        let wild = |p: &ActionPattern| {
            pairs.iter().any(|(si, ui)| {
                match (policy.statements.get(*si), reference.statements.get(*ui)) {
                    (Some(s), Some(u)) => both_wild(s, u, p),
                    _ => false,
                }
            })
        };
        let mut m = Map::new();
        m.insert("Effect".into(), json!("Allow"));
        if let Some(p) = who {
            let (k, v) = principal_json(p);
            m.insert(k, v);
        }
        // a wildcard one side writes within a wildcard of the other is in both exactly, for
        // today's actions and for those AWS adds later: kept as written, not expanded
        let mut patterns: Vec<&ActionPattern> = Vec::new();
        for (si, ui) in pairs {
            let (Some(s), Some(u)) = (policy.statements.get(*si), reference.statements.get(*ui))
            else {
                continue;
            };
            if s.not_action || u.not_action {
                continue;
            }
            for p in &s.action_patterns {
                for q in &u.action_patterns {
                    let narrow = if q.covers(p) {
                        p
                    } else if p.covers(q) {
                        q
                    } else {
                        continue;
                    };
                    if !narrow.has_wildcard() || narrow.is_all() {
                        continue; // literals by canonical name; `*` by `wild` below
                    }
                    let exp = iamlint_matcher::expand(catalog, narrow);
                    // within what is granted (a federation action taken out above is not)
                    if exp.is_empty() || !exp.is_subset(acts) {
                        continue;
                    }
                    if !patterns.iter().any(|x| x.covers(narrow)) {
                        patterns.retain(|x| !narrow.covers(x));
                        patterns.push(narrow);
                    }
                }
            }
        }
        let mut rest = acts.clone();
        for p in &patterns {
            rest.subtract(&iamlint_matcher::expand(catalog, p));
        }
        let mut listed: Vec<String> = patterns.iter().map(|p| p.as_str().to_string()).collect();
        listed.extend(action_list(catalog, &rest, &wild));
        m.insert("Action".into(), json!(listed));
        if !res.is_empty() {
            m.insert(
                if *neg { "NotResource" } else { "Resource" }.into(),
                json!(res),
            );
        }
        if !conds.is_empty() {
            m.insert("Condition".into(), condition_json(conds));
        }
        statements.push(Value::Object(m));
    }
    let allows = statements.len();
    if allows > 0 {
        // a `Deny` matters only beside an `Allow`; the boundaries' too
        let no_statements: &[Stmt] = &[];
        let all = policy
            .statements
            .iter()
            .chain(&reference.statements)
            .chain(policy.boundary.as_deref().unwrap_or(no_statements))
            .chain(reference.boundary.as_deref().unwrap_or(no_statements));
        for s in all {
            if s.effect == Effect::Deny {
                match deny_json(catalog, s) {
                    Some(d) => statements.push(d),
                    None => notes.push(format!(
                        "the `Deny` of `{}` names no action of the catalog: left out",
                        s.path
                    )),
                }
            }
        }
    }
    notes.dedup();
    Tightened {
        document: json!({"Version": "2012-10-17", "Statement": statements}),
        notes,
        allows,
    }
}
