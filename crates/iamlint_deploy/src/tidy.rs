//! The statements of a plan without what other grants of the policy already make: an
//! action that another action of its statement covers (`autoscaling:DescribeTags` beside
//! `autoscaling:Describe*`, both named by one schema), and an action that another statement
//! grants on every resource of its statement (a statement left with no action is dropped).
//! `iamlint check` reports both (`redundant-action`, `redundant-statement`); the policy
//! `deploy-policy` writes must check clean.
//!
//! Containment is the workspace's: action patterns with [`ActionPattern::covers`] (case
//! insensitive) and the catalog's expansion ([`iamlint_matcher::expand`]), resource
//! patterns with [`ArnPattern::covers`], in the terms of the output ([`Terms`]): an open
//! value the policy writes as a placeholder or a `!Sub` reference is an opaque variable,
//! covered only by itself or by a `*` that ends an ARN segment.

use crate::plan::Plan;
use crate::render::Statement;
use crate::template::{Pat, Pseudo, Seg};
use iamlint_catalog::{ActionSet, Catalog};
use iamlint_matcher::{ActionPattern, ArnPattern};
use std::collections::HashMap;

/// In which terms resource patterns are compared: those of the output they are written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Terms {
    /// A JSON policy: the partition, region and account, when not bound, are `*`; the
    /// stack name and template parameters are placeholders (`<StackName>`).
    Json,
    /// A CloudFormation template: every open value is a `!Sub` reference.
    Template,
}

/// An open value as a policy variable the matcher treats as opaque (hex-encoded, so that
/// names differing in case stay apart: the matcher compares variable names ignoring case).
fn opaque(name: &str) -> String {
    let mut s = String::from("${v");
    for b in name.bytes() {
        s.push_str(&format!("{b:02x}"));
    }
    s.push('}');
    s
}

/// A resource pattern as the matcher compares it in `terms`; `None` when it cannot be
/// compared (a literal `${` of the template, which the outputs write differently).
pub fn arn_pattern(p: &Pat, terms: Terms) -> Option<ArnPattern> {
    let mut out = String::new();
    for s in &p.0 {
        match s {
            Seg::Lit(l) if l.contains("${") => return None,
            Seg::Lit(l) => out.push_str(l),
            Seg::Any => out.push('*'),
            Seg::Pseudo(Pseudo::StackName) => out.push_str(&opaque("AWS::StackName")),
            Seg::Pseudo(ps) => match terms {
                Terms::Json => out.push('*'),
                Terms::Template => out.push_str(&opaque(ps.cfn_name())),
            },
            // a parameter named `StackName` is written as the stack's name is
            Seg::Param(n) if n == "StackName" => out.push_str(&opaque("AWS::StackName")),
            Seg::Param(n) => out.push_str(&opaque(n)),
        }
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if c == '*' && collapsed.ends_with('*') {
            continue;
        }
        collapsed.push(c);
    }
    ArnPattern::parse(&collapsed).ok()
}

/// What the catalog expands an action (name or pattern) to, cached by lower-cased text.
struct Expansions<'c> {
    catalog: &'c Catalog,
    cache: HashMap<String, Option<(ActionPattern, ActionSet)>>,
}

impl Expansions<'_> {
    fn get(&mut self, action: &str) -> Option<&(ActionPattern, ActionSet)> {
        let key = action.to_ascii_lowercase();
        if !self.cache.contains_key(&key) {
            let v = ActionPattern::parse(action).ok().map(|p| {
                let set = iamlint_matcher::expand(self.catalog, &p);
                (p, set)
            });
            self.cache.insert(key.clone(), v);
        }
        self.cache.get(&key).and_then(Option::as_ref)
    }

    fn set_of(&mut self, actions: &[String]) -> ActionSet {
        let mut set = ActionSet::empty(self.catalog.action_count());
        for a in actions {
            if let Some((_, s)) = self.get(a) {
                set.union_with(s);
            }
        }
        set
    }
}

/// The actions of one list that no other action of the list covers (of equivalent ones,
/// the first), in their order.
fn within(ex: &mut Expansions<'_>, actions: &[String]) -> Vec<String> {
    let parsed: Vec<Option<ActionPattern>> = actions
        .iter()
        .map(|a| ex.get(a).map(|(p, _)| p.clone()))
        .collect();
    let mut out = Vec::with_capacity(actions.len());
    for (i, a) in actions.iter().enumerate() {
        let Some(p) = parsed.get(i).and_then(Option::as_ref) else {
            out.push(a.clone());
            continue;
        };
        let covered = parsed.iter().enumerate().any(|(j, q)| {
            j != i
                && q.as_ref()
                    .is_some_and(|q| q.covers(p) && (!p.covers(q) || j < i))
        });
        if !covered {
            out.push(a.clone());
        }
    }
    out
}

/// Statements on the same resources as one (the first's Sid, the actions of all, sorted,
/// the needs of all): for statements written one per need (`deploy-policy --since`).
pub fn merge_same_resources(stmts: Vec<Statement>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for s in stmts {
        match out.iter_mut().find(|o| o.resources == s.resources) {
            Some(o) => {
                o.actions.extend(s.actions);
                o.actions.sort_by_key(|a| a.to_ascii_lowercase());
                o.actions.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                o.needs.extend(s.needs);
                o.needs.sort_unstable();
                o.needs.dedup();
            }
            None => out.push(s),
        }
    }
    out
}

/// The statements without redundant actions and statements (see the module's comment).
/// A statement that takes over an action of another also takes the needs of the other that
/// name an action within it, so [`Statement::needs`] still lists every need a statement
/// grants part of.
pub fn tidy(catalog: &Catalog, plan: &Plan, stmts: Vec<Statement>, terms: Terms) -> Vec<Statement> {
    let mut ex = Expansions {
        catalog,
        cache: HashMap::new(),
    };
    let mut stmts = stmts;
    for s in &mut stmts {
        s.actions = within(&mut ex, &s.actions);
    }
    let pats: Vec<Vec<Option<ArnPattern>>> = stmts
        .iter()
        .map(|s| s.resources.iter().map(|r| arn_pattern(r, terms)).collect())
        .collect();
    // whether statement b's resources cover every resource of statement a
    let n = stmts.len();
    let mut res_covers = vec![false; n * n];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                continue;
            }
            let (Some(pa), Some(pb)) = (pats.get(a), pats.get(b)) else {
                continue;
            };
            let all = pa.iter().all(|ra| {
                ra.as_ref().is_some_and(|ra| {
                    pb.iter()
                        .any(|rb| rb.as_ref().is_some_and(|rb| rb.covers(ra)))
                })
            });
            if let Some(slot) = res_covers.get_mut(a * n + b) {
                *slot = all;
            }
        }
    }
    let mut sets: Vec<ActionSet> = stmts.iter().map(|s| ex.set_of(&s.actions)).collect();
    // statement by statement, against the others as they are by then: of two statements
    // granting the same action on the same resources, the one visited first gives it up,
    // the other keeps it
    for a in 0..n {
        let coverers: Vec<usize> = (0..n)
            .filter(|&b| res_covers.get(a * n + b).copied().unwrap_or(false))
            .collect();
        if coverers.is_empty() {
            continue;
        }
        let actions = stmts.get(a).map(|s| s.actions.clone()).unwrap_or_default();
        let mut kept = Vec::with_capacity(actions.len());
        for x in actions {
            let Some(xs) = ex.get(&x).map(|(_, s)| s.clone()).filter(|s| !s.is_empty()) else {
                kept.push(x);
                continue;
            };
            let by = coverers
                .iter()
                .copied()
                .find(|&b| sets.get(b).is_some_and(|sb| xs.is_subset(sb)));
            let Some(b) = by else {
                kept.push(x);
                continue;
            };
            // the needs of `a` that name an action within `x` are now (partly) granted by `b`
            let moved: Vec<usize> = stmts
                .get(a)
                .map(|s| {
                    s.needs
                        .iter()
                        .copied()
                        .filter(|&i| {
                            plan.needs.get(i).is_some_and(|need| {
                                need.actions.iter().any(|na| {
                                    ex.get(na).is_some_and(|(_, ns)| {
                                        let mut common = ns.clone();
                                        common.intersect_with(&xs);
                                        !common.is_empty()
                                    })
                                })
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            if let Some(sb) = stmts.get_mut(b) {
                for i in moved {
                    if !sb.needs.contains(&i) {
                        sb.needs.push(i);
                    }
                }
                sb.needs.sort_unstable();
            }
        }
        if let Some(s) = stmts.get_mut(a) {
            s.actions = kept;
        }
        if let (Some(slot), Some(s)) = (sets.get_mut(a), stmts.get(a)) {
            *slot = ex.set_of(&s.actions);
        }
    }
    stmts.retain(|s| !s.actions.is_empty());
    stmts
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::plan::{Need, Why};
    use crate::Handler;

    fn need(actions: &[&str], resources: Vec<Pat>) -> Need {
        Need {
            template: 0,
            resource: None,
            handler: Handler::Create,
            actions: actions.iter().map(|a| (*a).to_string()).collect(),
            resources,
            why: Why::Own,
        }
    }

    fn st(sid: &str, actions: &[&str], resources: Vec<Pat>, needs: Vec<usize>) -> Statement {
        Statement {
            sid: sid.into(),
            actions: actions.iter().map(|a| (*a).to_string()).collect(),
            resources,
            needs,
        }
    }

    fn plan(needs: Vec<Need>) -> Plan {
        Plan {
            templates: Vec::new(),
            needs,
            remarks: Vec::new(),
        }
    }

    fn region_arn(rest: &str) -> Pat {
        Pat(vec![
            Seg::Lit("arn:".into()),
            Seg::Pseudo(Pseudo::Partition),
            Seg::Lit(":sqs:".into()),
            Seg::Pseudo(Pseudo::Region),
            Seg::Lit(format!(":*:{rest}")),
        ])
    }

    #[test]
    fn an_action_a_wildcard_of_its_statement_covers_goes() {
        let catalog = Catalog::embedded();
        let p = plan(Vec::new());
        let s = st(
            "A",
            &[
                "autoscaling:DescribeLifecycleHooks",
                "AUTOSCALING:describe*",
                "autoscaling:Describe*",
                "autoscaling:CreateAutoScalingGroup",
            ],
            vec![Pat::any()],
            Vec::new(),
        );
        let out = tidy(&catalog, &p, vec![s], Terms::Json);
        // of two equivalent patterns (case aside) the first stays
        assert_eq!(
            out[0].actions,
            [
                "AUTOSCALING:describe*",
                "autoscaling:CreateAutoScalingGroup"
            ]
        );
    }

    #[test]
    fn a_statement_another_covers_goes_with_its_needs() {
        let catalog = Catalog::embedded();
        let p = plan(vec![
            need(&["sqs:GetQueueAttributes"], vec![region_arn("q")]),
            need(&["sqs:Get*", "sqs:CreateQueue"], vec![Pat::any()]),
        ]);
        let narrow = st(
            "Queue",
            &["sqs:GetQueueAttributes"],
            vec![region_arn("q")],
            vec![0],
        );
        let wide = st(
            "Wide",
            &["sqs:Get*", "sqs:CreateQueue"],
            vec![Pat::any()],
            vec![1],
        );
        let out = tidy(&catalog, &p, vec![narrow, wide], Terms::Template);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].sid, "Wide");
        assert_eq!(out[0].needs, [0, 1]);
    }

    #[test]
    fn of_two_equal_grants_one_stays() {
        let catalog = Catalog::embedded();
        let p = plan(vec![
            need(&["sqs:CreateQueue", "sqs:TagQueue"], vec![region_arn("q")]),
            need(&["sqs:CreateQueue"], vec![region_arn("q")]),
        ]);
        let a = st(
            "A",
            &["sqs:CreateQueue", "sqs:TagQueue"],
            vec![region_arn("q")],
            vec![0],
        );
        let b = st("B", &["sqs:CreateQueue"], vec![region_arn("q")], vec![1]);
        let out = tidy(&catalog, &p, vec![a, b], Terms::Json);
        let kept: Vec<(&str, Vec<&str>)> = out
            .iter()
            .map(|s| {
                (
                    s.sid.as_str(),
                    s.actions.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            kept,
            [("A", vec!["sqs:TagQueue"]), ("B", vec!["sqs:CreateQueue"])]
        );
        assert_eq!(out[1].needs, [0, 1]);
    }

    /// The JSON policy writes the partition and region `*`, the role template
    /// `${AWS::Partition}` and `${AWS::Region}`: a statement on the template's queue covers
    /// one on a fixed partition's queue in JSON only; the stack name is opaque in both.
    #[test]
    fn resources_compare_in_the_terms_of_the_output() {
        let catalog = Catalog::embedded();
        let p = plan(Vec::new());
        let action = &["sqs:CreateQueue"];
        let fixed = st(
            "Fixed",
            action,
            vec![Pat::lit("arn:aws:sqs:*:*:q")],
            Vec::new(),
        );
        let open = st("Open", action, vec![region_arn("q")], Vec::new());
        let stack = st(
            "Stack",
            action,
            vec![Pat(vec![
                Seg::Lit("arn:aws:sqs:*:*:".into()),
                Seg::Pseudo(Pseudo::StackName),
                Seg::Lit("-q".into()),
            ])],
            Vec::new(),
        );
        let sids = |v: Vec<Statement>| v.into_iter().map(|s| s.sid).collect::<Vec<_>>();
        let all = vec![fixed, open, stack];
        assert_eq!(
            sids(tidy(&catalog, &p, all.clone(), Terms::Json)),
            ["Open", "Stack"]
        );
        assert_eq!(
            sids(tidy(&catalog, &p, all.clone(), Terms::Template)),
            ["Fixed", "Open", "Stack"]
        );
        // a `*` that ends a segment covers an open value, in both terms
        let wide = st(
            "Wide",
            action,
            vec![Pat::lit("arn:*:sqs:*:*:*")],
            Vec::new(),
        );
        for terms in [Terms::Json, Terms::Template] {
            let mut v = all.clone();
            v.push(wide.clone());
            assert_eq!(sids(tidy(&catalog, &p, v, terms)), ["Wide"]);
        }
    }
}
