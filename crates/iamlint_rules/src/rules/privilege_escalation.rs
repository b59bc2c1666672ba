use crate::data::{escalation_paths, EscalationCategory, EscalationPath};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::ActionId;
use iamlint_policy::graph::{ActionItem, StatementGraph};
use iamlint_policy::{Condition, PolicyKind, Statement};
use iamlint_syntax::Span;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Reports an identity policy that allows every action of a publicly documented
    /// privilege-escalation path (`rules/privilege-escalation.toml`: the pathfinding.cloud
    /// catalogue and Rhino Security Labs' methods), for example `iam:PassRole` together
    /// with `ec2:RunInstances`, or `iam:PutRolePolicy` alone.
    ///
    /// An action counts as allowed when some `Allow` statement of the document grants it
    /// (through `Action`, a wildcard or `NotAction`) and no unconditional `Deny` on `*` in
    /// the same document removes it. Resource-scoped and conditional grants still count,
    /// and the diagnostic says so: `iam:PutRolePolicy` on `arn:aws:iam::*:role/app-*` is an
    /// escalation to those roles. A grant of `iam:PassRole` whose `iam:PassedToService`
    /// condition names only other services does not enable a path that passes the role to
    /// a different service (passing a role to `ecs-tasks.amazonaws.com` does not help
    /// `lambda:CreateFunction`).
    ///
    /// Paths granted by the same statements are reported together, at most five findings
    /// per document; the others are listed in a note.
    ///
    /// Limitations: the document is judged alone. Permissions from other policies of the
    /// same principal, permissions boundaries, SCPs and resource policies are not known,
    /// and values with placeholders or CloudFormation intrinsics grant nothing here.
    ///
    /// ## Why is this bad?
    /// A principal holding these permissions can obtain more than the policy appears to
    /// grant: it can change its own permissions, get the credentials of another principal,
    /// or run code under a more privileged role. Some workloads need such combinations (a
    /// cluster manager launching instances with a role): then the roles that can be passed
    /// and the resources that can be changed should be as narrow as possible, and the
    /// finding suppressed with a reason.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}, {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}
    /// ```
    ///
    /// ## References
    /// - pathfinding.cloud, AWS IAM privilege escalation paths (DataDog), <https://pathfinding.cloud>
    /// - AWS IAM privilege escalation methods (Rhino Security Labs), <https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>
    /// - Granting a user permissions to pass a role to an AWS service (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html>
    pub PrivilegeEscalation {
        code: "IAM301",
        name: "privilege-escalation",
        group: "privilege-escalation",
        severity: Warning,
        enabled: true,
        summary: "an identity policy that allows every action of a documented privilege-escalation path",
    }
}

/// Findings per document; further paths go into a note.
const MAX_FINDINGS: usize = 5;
/// Paths described in notes per finding.
const MAX_DESCRIBED: usize = 4;

/// The service principals an action's service passes roles to (`iam:PassedToService`).
/// The action ids of each escalation path (`None` when an action is missing from the
/// catalog), resolved once per process for the embedded catalog.
fn path_ids(
    catalog: &iamlint_catalog::Catalog,
) -> std::borrow::Cow<'static, [Option<Vec<ActionId>>]> {
    static EMBEDDED: std::sync::OnceLock<Vec<Option<Vec<ActionId>>>> = std::sync::OnceLock::new();
    let resolve = || -> Vec<Option<Vec<ActionId>>> {
        escalation_paths()
            .iter()
            .map(|p| p.actions.iter().map(|a| catalog.find_action(a)).collect())
            .collect()
    };
    match catalog.per_process(&EMBEDDED, resolve) {
        Some(ids) => std::borrow::Cow::Borrowed(ids),
        None => std::borrow::Cow::Owned(resolve()),
    }
}

fn pass_targets(service: &str) -> Vec<String> {
    let known: &[&str] = match service {
        "apprunner" => &[
            "tasks.apprunner.amazonaws.com",
            "build.apprunner.amazonaws.com",
        ],
        "ecs" => &["ecs-tasks.amazonaws.com", "ecs.amazonaws.com"],
        "datapipeline" => &[
            "datapipeline.amazonaws.com",
            "elasticmapreduce.amazonaws.com",
            "ec2.amazonaws.com",
        ],
        _ => &[],
    };
    if known.is_empty() {
        vec![format!("{service}.amazonaws.com")]
    } else {
        known.iter().map(|s| (*s).to_string()).collect()
    }
}

/// Whether a grant of `iam:PassRole` can pass a role to one of `services`.
enum PassCheck {
    Allows,
    /// `iam:PassedToService` names only other services.
    Excludes,
    /// A value could not be resolved (why).
    Unknown(String),
}

fn passed_to_service(cond: Option<&Condition>, services: &[String]) -> PassCheck {
    let Some(cond) = cond else {
        return PassCheck::Allows;
    };
    let mut unknown = None;
    for (clause, entry) in cond.entries() {
        let Some(key) = entry.key.as_literal() else {
            continue;
        };
        if !key.eq_ignore_ascii_case("iam:PassedToService") || clause.operator.base == "Null" {
            continue;
        }
        if let Some(reason) = entry.values.iter().find_map(|v| v.unresolved_reason()) {
            unknown = Some(reason);
            continue;
        }
        let values: Vec<&str> = entry.values.iter().filter_map(|v| v.as_literal()).collect();
        let hit = values.iter().any(|v| {
            services.iter().any(|s| {
                if clause.operator.wildcard {
                    glob_match(v, s)
                } else {
                    v.eq_ignore_ascii_case(s)
                }
            })
        });
        if clause.operator.negated == hit {
            return PassCheck::Excludes;
        }
    }
    match unknown {
        Some(r) => PassCheck::Unknown(r),
        None => PassCheck::Allows,
    }
}

/// `*` and `?` wildcard match (IAM string conditions are case-sensitive).
fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// One statement granting one action of a path.
#[derive(Clone)]
struct Grant<'a> {
    st: &'a Statement,
    /// Where to point: the action item, or the `NotAction` key.
    span: Span,
    via_not_action: bool,
    conditional: bool,
    scoped: bool,
    pass_unknown: Option<String>,
    pass_restricted: Option<String>,
}

struct Match<'a> {
    order: usize,
    path: &'static EscalationPath,
    /// (action name, grant), in the path's order.
    grants: Vec<(&'static str, Grant<'a>)>,
}

fn category_rank(c: EscalationCategory) -> u8 {
    match c {
        EscalationCategory::SelfEscalation => 0,
        EscalationCategory::PrincipalAccess => 1,
        EscalationCategory::NewPassrole => 2,
        EscalationCategory::ExistingPassrole => 3,
    }
}

fn stmt_name(st: &Statement) -> String {
    match st.sid_text() {
        Some(s) if !s.is_empty() => format!("statement `{s}`"),
        _ => format!("`Statement[{}]`", st.index),
    }
}

fn grant_span(st: &Statement, g: &StatementGraph, id: ActionId) -> (Span, bool) {
    let Some(list) = &st.action else {
        return (st.span, false);
    };
    if list.negated {
        return (list.key_span, true);
    }
    for (item, text) in g.action_items.iter().zip(&list.items) {
        if let ActionItem::Expanded(set) = item {
            if set.contains(id) {
                return (text.span, false);
            }
        }
    }
    (list.span, false)
}

/// The best grant of `id` among the document's Allow statements, `None` if not allowed.
fn find_grant<'a>(
    cx: &DocContext<'a>,
    id: ActionId,
    pass_services: Option<&[String]>,
) -> Option<Grant<'a>> {
    let mut best: Option<(u8, Grant<'a>)> = None;
    for (st, g) in cx.statements() {
        if !st.is_allow() || !g.actions.contains(id) {
            continue;
        }
        let mut pass_unknown = None;
        let mut pass_restricted = None;
        if let Some(services) = pass_services {
            match passed_to_service(st.condition.as_ref(), services) {
                PassCheck::Excludes => continue,
                PassCheck::Unknown(r) => pass_unknown = Some(r),
                PassCheck::Allows => {
                    if st.condition.as_ref().is_some_and(|c| {
                        c.entries().any(|(_, e)| {
                            e.key
                                .as_literal()
                                .is_some_and(|k| k.eq_ignore_ascii_case("iam:PassedToService"))
                        })
                    }) {
                        pass_restricted = Some(services.join("`, `"));
                    }
                }
            }
        }
        let conditional = st.condition.is_some();
        let scoped = !g.resource_is_star;
        let rank = u8::from(conditional) * 2 + u8::from(scoped);
        if best.as_ref().is_some_and(|(r, _)| *r <= rank) {
            continue;
        }
        let (span, via_not_action) = grant_span(st, g, id);
        best = Some((
            rank,
            Grant {
                st,
                span,
                via_not_action,
                conditional,
                scoped,
                pass_unknown,
                pass_restricted,
            },
        ));
    }
    best.map(|(_, g)| g)
}

fn matches<'a>(cx: &DocContext<'a>) -> Vec<Match<'a>> {
    let catalog = cx.catalog();
    let denied = cx.denied_everywhere();
    let mut out = Vec::new();
    let ids = path_ids(catalog);
    'paths: for (order, path) in escalation_paths().iter().enumerate() {
        // Exact prefilter: a path needs each of its actions allowed by some statement and
        // not denied on everything (the document's net allowed set keeps exactly those
        // that can still have a grant below).
        match ids.get(order) {
            Some(Some(ids)) if ids.iter().all(|&a| cx.graph.net_allowed.contains(a)) => {}
            _ => continue,
        }
        let target = path
            .actions
            .iter()
            .filter_map(|a| a.split_once(':').map(|(s, _)| s))
            .find(|s| *s != "iam");
        let services = target.map(pass_targets);
        let mut grants = Vec::new();
        for action in &path.actions {
            let Some(id) = catalog.find_action(action) else {
                continue 'paths;
            };
            if denied.contains(id) {
                continue 'paths;
            }
            let pass = if action.eq_ignore_ascii_case("iam:PassRole") {
                services.as_deref()
            } else {
                None
            };
            let Some(grant) = find_grant(cx, id, pass) else {
                continue 'paths;
            };
            grants.push((action.as_str(), grant));
        }
        out.push(Match {
            order,
            path,
            grants,
        });
    }
    out
}

fn strict_subset(a: &[String], b: &[String]) -> bool {
    a.len() < b.len()
        && a.iter()
            .all(|x| b.iter().any(|y| y.eq_ignore_ascii_case(x)))
}

fn code_list<'s>(items: impl IntoIterator<Item = &'s str>, sep: &str) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The action a path is about (not `iam:PassRole`, unless it is alone).
fn key_action(path: &EscalationPath) -> usize {
    path.actions
        .iter()
        .position(|a| !a.eq_ignore_ascii_case("iam:PassRole"))
        .unwrap_or(0)
}

fn help_for(category: EscalationCategory) -> &'static str {
    match category {
        EscalationCategory::NewPassrole => "limit `iam:PassRole` to the ARNs of the roles this principal must pass, with an `iam:PassedToService` condition; if the combination is an intended requirement, keep it and suppress this finding with the reason",
        EscalationCategory::ExistingPassrole => "scope these actions to the specific resources this principal must manage: whoever holds them acts with the roles those resources run as; if intended, suppress with the reason",
        EscalationCategory::SelfEscalation | EscalationCategory::PrincipalAccess => "scope these actions to the specific users, roles, groups or policies this principal must manage, or require a permissions boundary (`iam:PermissionsBoundary` condition); if intended, suppress with the reason",
    }
}

impl Rule for PrivilegeEscalation {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind != PolicyKind::Identity {
            return;
        }
        let found = matches(cx);
        if found.is_empty() {
            return;
        }
        // Group paths by the statements that grant them.
        // A path whose actions are a strict subset of another matched path's is reported
        // with the more specific path (its grants are among that path's grants).
        let keys: Vec<Vec<usize>> = found
            .iter()
            .map(|m| {
                let mut key: Vec<usize> = m.grants.iter().map(|(_, g)| g.st.index).collect();
                key.sort_unstable();
                key.dedup();
                key
            })
            .collect();
        let mut groups: BTreeMap<Vec<usize>, Vec<Match<'_>>> = BTreeMap::new();
        for (i, m) in found.iter().enumerate() {
            let superset = found
                .iter()
                .enumerate()
                .filter(|(_, o)| strict_subset(&m.path.actions, &o.path.actions))
                .max_by_key(|(_, o)| o.path.actions.len())
                .map(|(j, _)| j);
            let key = keys.get(superset.unwrap_or(i)).cloned().unwrap_or_default();
            groups.entry(key).or_default().push(Match {
                order: m.order,
                path: m.path,
                grants: m.grants.clone(),
            });
        }
        let mut groups: Vec<Vec<Match<'_>>> = groups.into_values().collect();
        for g in &mut groups {
            g.sort_by_key(|m| {
                (
                    category_rank(m.path.category),
                    usize::MAX - m.path.actions.len(),
                    m.order,
                )
            });
        }
        groups.sort_by_key(|g| {
            g.first()
                .map(|m| (category_rank(m.path.category), m.order))
                .unwrap_or((u8::MAX, usize::MAX))
        });
        let rest: Vec<&str> = groups
            .iter()
            .skip(MAX_FINDINGS)
            .flatten()
            .map(|m| m.path.id.as_str())
            .collect();
        let shown = groups.len().min(MAX_FINDINGS);
        for (i, group) in groups.iter().take(MAX_FINDINGS).enumerate() {
            let rest = if i + 1 == shown { rest.as_slice() } else { &[] };
            if let Some(f) = finding(group, rest) {
                sink.report(f);
            }
        }
    }
}

fn finding(group: &[Match<'_>], rest: &[&str]) -> Option<Finding> {
    let head = group.first()?;
    let key_idx = key_action(head.path);
    let (_, key_grant) = head.grants.get(key_idx)?;
    let path = head.path;
    let message = if group.len() == 1 {
        let combo = code_list(path.actions.iter().map(String::as_str), " + ");
        let what = if path.actions.len() == 1 {
            format!("grants {combo}")
        } else {
            format!("grants the combination {combo}")
        };
        format!(
            "{what}, which lets a principal {} (privilege-escalation path `{}`, {})",
            path.description,
            path.id,
            path.category.as_str()
        )
    } else {
        let ids = code_list(group.iter().take(6).map(|m| m.path.id.as_str()), ", ");
        let more = if group.len() > 6 {
            format!(" and {} more", group.len() - 6)
        } else {
            String::new()
        };
        format!(
            "grants every action of {} documented privilege-escalation paths ({ids}{more}); for example {}, which lets a principal {}",
            group.len(),
            code_list(path.actions.iter().map(String::as_str), " + "),
            path.description
        )
    };
    // One label per granting element, naming the actions it grants.
    let mut labels: Vec<(Span, bool, Vec<&str>)> = Vec::new();
    for m in group {
        for (action, g) in &m.grants {
            match labels.iter_mut().find(|(s, ..)| *s == g.span) {
                Some((_, _, names)) => {
                    if !names.iter().any(|n| n.eq_ignore_ascii_case(action)) {
                        names.push(action);
                    }
                }
                None => labels.push((g.span, g.via_not_action, vec![action])),
            }
        }
    }
    let label_text = |via_not: bool, names: &[&str]| {
        let shown = code_list(names.iter().take(4).copied(), ", ");
        let more = if names.len() > 4 {
            format!(" and {} more", names.len() - 4)
        } else {
            String::new()
        };
        if via_not {
            format!("`NotAction` allows {shown}{more}")
        } else {
            format!("grants {shown}{more}")
        }
    };
    let primary_text = labels
        .iter()
        .find(|(s, ..)| *s == key_grant.span)
        .map(|(_, v, n)| label_text(*v, n))
        .unwrap_or_default();
    let mut f = Finding::new(key_grant.span, key_grant.st.path.clone(), message)
        .label(primary_text)
        .sid(key_grant.st)
        .help(help_for(path.category));
    for (span, via, names) in labels.iter().filter(|(s, ..)| *s != key_grant.span) {
        f = f.secondary(*span, label_text(*via, names));
    }
    // What limits the grants.
    let mut seen: Vec<(&str, usize)> = Vec::new();
    let mut scoped = Vec::new();
    let mut conditional = Vec::new();
    let mut pass_notes = Vec::new();
    for m in group {
        for (action, g) in &m.grants {
            if seen
                .iter()
                .any(|(a, s)| a.eq_ignore_ascii_case(action) && *s == g.st.index)
            {
                continue;
            }
            seen.push((action, g.st.index));
            if g.scoped {
                if let Some(res) = &g.st.resource {
                    let items = res.items.iter().map(|t| t.display()).collect::<Vec<_>>();
                    let shown = code_list(items.iter().take(3).map(String::as_str), ", ");
                    let more = if items.len() > 3 {
                        format!(" and {} more", items.len() - 3)
                    } else {
                        String::new()
                    };
                    let on = if res.negated {
                        format!("every resource except {shown}{more}")
                    } else {
                        format!("{shown}{more}")
                    };
                    scoped.push(format!("`{action}` on {on} ({})", stmt_name(g.st)));
                }
            }
            if let Some(services) = &g.pass_restricted {
                pass_notes.push(format!(
                    "`{action}` is limited by `iam:PassedToService` ({}), which allows passing a role to `{services}`, the service this path uses",
                    stmt_name(g.st)
                ));
            } else if let Some(reason) = &g.pass_unknown {
                pass_notes.push(format!(
                    "could not decide whether the `iam:PassedToService` condition of {} allows this path: {reason} is not resolved",
                    stmt_name(g.st)
                ));
            } else if g.conditional {
                conditional.push(format!("`{action}` ({})", stmt_name(g.st)));
            }
        }
    }
    if !scoped.is_empty() {
        let passrole = scoped.iter().any(|s| s.starts_with("`iam:PassRole`"));
        f = f.note(format!(
            "resource-scoped grants: {}; the escalation reaches only these resources{}",
            scoped.join("; "),
            if passrole {
                " (for `iam:PassRole`, the permissions of the roles it can pass)"
            } else {
                ""
            }
        ));
    }
    if !conditional.is_empty() {
        let all = group
            .iter()
            .all(|m| m.grants.iter().all(|(_, g)| g.conditional));
        let prefix = if all {
            "every grant has a `Condition`"
        } else {
            "granted under a `Condition`"
        };
        f = f.note(format!(
            "{prefix}: {}; the path applies only when the conditions hold",
            conditional.join(", ")
        ));
    }
    for n in pass_notes {
        f = f.note(n);
    }
    if group.len() > 1 {
        for m in group.iter().take(MAX_DESCRIBED) {
            f = f.note(format!(
                "`{}` ({}): {} lets a principal {}",
                m.path.id,
                m.path.category.as_str(),
                code_list(m.path.actions.iter().map(String::as_str), " + "),
                m.path.description
            ));
        }
        if group.len() > MAX_DESCRIBED {
            f = f.note(format!(
                "also allowed by the same statements: {}",
                code_list(
                    group.iter().skip(MAX_DESCRIBED).map(|m| m.path.id.as_str()),
                    ", "
                )
            ));
        }
    }
    let sources: Vec<&str> = group
        .iter()
        .take(MAX_DESCRIBED)
        .map(|m| m.path.source.as_str())
        .collect();
    f = f.note(format!("source: {}", sources.join("; ")));
    if !rest.is_empty() {
        f = f.note(format!(
            "{} allowed by other combinations of statements in this document: {}",
            if rest.len() == 1 {
                "1 more documented path is".to_string()
            } else {
                format!("{} more documented paths are", rest.len())
            },
            code_list(rest.iter().copied(), ", ")
        ));
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn glob() {
        assert!(glob_match("*", "lambda.amazonaws.com"));
        assert!(glob_match("lambda.*", "lambda.amazonaws.com"));
        assert!(glob_match(
            "?cs-tasks.amazonaws.com",
            "ecs-tasks.amazonaws.com"
        ));
        assert!(!glob_match("ec2.*", "lambda.amazonaws.com"));
        assert!(!glob_match("lambda", "lambda.amazonaws.com"));
    }
}
