use crate::data::{EscalationCategory, EscalationPath};
use crate::{declare_rule, DocContext, Finding, PrincipalContext, Rule, RuleInfo, Sink};
use iamlint_semantic::principal::HeldPolicy;
use iamlint_catalog::ActionId;
use iamlint_matcher::{Glob, GlobOptions};
use iamlint_policy::{Condition, PolicyKind, Statement};
use iamlint_semantic::{ActionItem, StatementFacts};
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
    /// A path that no single document of the file grants but a user, group or role gets
    /// from its policies together (an `iam:PassRole` in its inline policy and
    /// `lambda:CreateFunction` in an attached AWS managed policy, or all of it in one AWS
    /// managed policy such as `AWSLambdaFullAccess`) is reported for that principal, at
    /// the element that grants the path's key action (the statement, or the attachment of
    /// the managed policy), with a secondary label at each other grant. Its permissions
    /// boundary and unconditional `Deny`s on `*` count; a note says when some of its
    /// attachments could not be resolved. A path granted only by the policies AWS writes
    /// for a service to use through its service role (`/service-role/`,
    /// `/aws-service-role/`, such as `AWSBatchServiceRole`) is not reported for a role
    /// that only AWS services assume (or whose trust policy the file does not hold).
    ///
    /// Limitations: SCPs and resource policies are not known, and values with
    /// placeholders or CloudFormation intrinsics grant nothing here.
    ///
    /// A document with a statement that `full-admin` reports, and a principal that holds such a policy without a permissions boundary, are left to `full-admin`: every path is moot for an administrator.
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
    Glob::new(pattern, GlobOptions::default()).is_match(text)
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
    path: &'a EscalationPath,
    /// (action name, grant), in the path's order.
    grants: Vec<(&'a str, Grant<'a>)>,
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

fn grant_span(st: &Statement, g: &StatementFacts, id: ActionId) -> (Span, bool) {
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
    let ids = cx.data().escalation_ids();
    'paths: for (order, path) in cx.data().escalation_paths().iter().enumerate() {
        // Exact prefilter: a path needs each of its actions allowed by some statement and
        // not denied on everything (the document's net allowed set keeps exactly those
        // that can still have a grant below).
        match ids.get(order) {
            Some(Some(ids)) if ids.iter().all(|&a| cx.facts.net_allowed.contains(a)) => {}
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

    fn check_principal(&self, cx: &PrincipalContext<'_>, sink: &mut Sink) {
        // an administrator without a boundary: `full-admin` says it, and every path is moot
        if cx.def().boundary.is_none() && holds_full_admin(cx) {
            return;
        }
        let found = principal_matches(cx);
        // a path whose actions are a strict subset of another's is told with that one
        let kept: Vec<&PMatch<'_>> = found
            .iter()
            .filter(|m| {
                !found
                    .iter()
                    .any(|o| strict_subset(&m.path.actions, &o.path.actions))
            })
            .collect();
        let mut groups: BTreeMap<Vec<(u32, u32)>, Vec<&PMatch<'_>>> = BTreeMap::new();
        for m in kept {
            let mut key: Vec<(u32, u32)> =
                m.grants.iter().map(|(_, g)| (g.span.start, g.span.end)).collect();
            key.sort_unstable();
            key.dedup();
            groups.entry(key).or_default().push(m);
        }
        let mut groups: Vec<Vec<&PMatch<'_>>> = groups.into_values().collect();
        for g in &mut groups {
            g.sort_by_key(|m| (category_rank(m.path.category), usize::MAX - m.path.actions.len(), m.order));
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
            if let Some(f) = principal_finding(cx, group, rest) {
                sink.report(f);
            }
        }
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind != PolicyKind::Identity {
            return;
        }
        // a statement that allows everything is `full-admin`'s finding, and stands alone
        if super::grant_support::grants(cx)
            .iter()
            .any(|gr| super::grant_support::full_admin(cx.catalog(), gr).is_some())
        {
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

/// One grant of a path's action among the policies a principal holds.
struct PGrant<'a> {
    held: &'a HeldPolicy,
    st: &'a Statement,
    /// The statement's action item, or the attachment of the AWS managed policy.
    span: Span,
    path: String,
    conditional: bool,
    scoped: bool,
}

struct PMatch<'a> {
    order: usize,
    path: &'a EscalationPath,
    grants: Vec<(&'a str, PGrant<'a>)>,
}

/// The paths a principal gets from its policies together that no single document of the
/// file grants (those are reported with the document).
fn principal_matches<'a>(cx: &PrincipalContext<'a>) -> Vec<PMatch<'a>> {
    let net = &cx.facts().net_allowed;
    let ids = cx.data().escalation_ids();
    let file_documents: Vec<&iamlint_semantic::DocumentFacts> = cx
        .policies()
        .filter(|(h, d, _)| h.managed().is_none() && d.kind == PolicyKind::Identity)
        .map(|(_, _, f)| f)
        .collect();
    let service_role = only_services_assume(cx);
    let mut out = Vec::new();
    'paths: for (order, path) in cx.data().escalation_paths().iter().enumerate() {
        let Some(Some(ids)) = ids.get(order) else {
            continue;
        };
        if !ids.iter().all(|&a| net.contains(a)) {
            continue;
        }
        if file_documents
            .iter()
            .any(|f| ids.iter().all(|&a| f.net_allowed.contains(a)))
        {
            continue;
        }
        let target = path
            .actions
            .iter()
            .filter_map(|a| a.split_once(':').map(|(s, _)| s))
            .find(|s| *s != "iam");
        let services = target.map(pass_targets);
        let mut grants = Vec::new();
        for (action, &id) in path.actions.iter().zip(ids) {
            let pass = if action.eq_ignore_ascii_case("iam:PassRole") {
                services.as_deref()
            } else {
                None
            };
            let mut best: Option<(u8, PGrant<'a>)> = None;
            for (held, doc, facts) in cx.policies() {
                for (st, g) in doc.statements.iter().zip(&facts.statements) {
                    if !st.is_allow() || !g.actions.contains(id) {
                        continue;
                    }
                    if let Some(services) = pass {
                        if matches!(passed_to_service(st.condition.as_ref(), services), PassCheck::Excludes) {
                            continue;
                        }
                    }
                    let conditional = st.condition.is_some();
                    let scoped = !g.resource_is_star;
                    let rank = u8::from(conditional) * 2 + u8::from(scoped);
                    if best.as_ref().is_some_and(|(r, _)| *r <= rank) {
                        continue;
                    }
                    let (span, path) = match (held.managed(), held.attached_at()) {
                        (Some(_), Some((span, p))) => (span, p.to_string()),
                        _ => (grant_span(st, g, id).0, st.path.clone()),
                    };
                    best = Some((
                        rank,
                        PGrant {
                            held,
                            st,
                            span,
                            path,
                            conditional,
                            scoped,
                        },
                    ));
                }
            }
            let Some((_, grant)) = best else {
                continue 'paths;
            };
            grants.push((action.as_str(), grant));
        }
        if service_role && grants.iter().all(|(_, g)| is_service_role_policy(g.held)) {
            continue;
        }
        out.push(PMatch {
            order,
            path,
            grants,
        });
    }
    out
}

/// An AWS managed policy AWS writes for a service to use through a service role
/// (`/service-role/`, `/aws-service-role/`).
fn is_service_role_policy(h: &HeldPolicy) -> bool {
    h.managed()
        .and_then(|m| m.arn.as_deref())
        .is_some_and(|arn| arn.contains(":policy/service-role/") || arn.contains(":policy/aws-service-role/"))
}

/// Whether the principal is a role that only AWS services assume (or whose trust
/// policy is not in the file): the escalation paths of the policies AWS writes for
/// those services are the services' own design, not a path for whoever holds the role.
fn only_services_assume(cx: &PrincipalContext<'_>) -> bool {
    let def = cx.def();
    if def.kind != iamlint_policy::PrincipalKind::Role {
        return false;
    }
    let Some(doc) = def.trust.and_then(|t| cx.principal.file.documents.get(t)) else {
        return true;
    };
    doc.statements
        .iter()
        .filter(|s| s.is_allow())
        .filter_map(|s| s.principal.as_ref())
        .all(|p| !p.negated && p.values.iter().all(|v| v.principal_type == "Service"))
}

fn principal_finding(cx: &PrincipalContext<'_>, group: &[&PMatch<'_>], rest: &[&str]) -> Option<Finding> {
    let head = group.first()?;
    let path = head.path;
    let (_, key) = head.grants.get(key_action(path))?;
    let file = cx.principal.file;
    // who grants what: one entry per granting element
    let mut holders: Vec<(Span, &HeldPolicy, Vec<&str>)> = Vec::new();
    for m in group {
        for (action, g) in &m.grants {
            match holders.iter_mut().find(|(s, ..)| *s == g.span) {
                Some((_, _, names)) => {
                    if !names.iter().any(|n| n.eq_ignore_ascii_case(action)) {
                        names.push(action);
                    }
                }
                None => holders.push((g.span, g.held, vec![action])),
            }
        }
    }
    let combo = code_list(path.actions.iter().map(String::as_str), " + ");
    let by = if holders.len() == 1 {
        match holders.first().and_then(|(_, h, _)| h.managed()) {
            Some(m) => format!("by the AWS managed policy `{}`", m.name),
            None => "by one of its policies".to_string(),
        }
    } else {
        // one entry per policy (a policy may grant through several elements)
        let mut by_policy: Vec<(String, Vec<&str>)> = Vec::new();
        for (_, h, names) in &holders {
            let d = h.describe(file);
            match by_policy.iter_mut().find(|(p, _)| *p == d) {
                Some((_, all)) => all.extend(names.iter().copied()),
                None => by_policy.push((d, names.clone())),
            }
        }
        let parts: Vec<String> = by_policy
            .iter()
            .map(|(d, names)| format!("{} from {d}", code_list(names.iter().copied(), ", ")))
            .collect();
        format!("across its policies ({})", parts.join("; "))
    };
    let message = if group.len() == 1 {
        format!(
            "{} is granted {combo} {by}, which lets a principal {} (privilege-escalation path `{}`, {})",
            cx.subject(),
            path.description,
            path.id,
            path.category.as_str()
        )
    } else {
        format!(
            "{} is granted every action of {} documented privilege-escalation paths {by} ({}); for example {combo}, which lets a principal {}",
            cx.subject(),
            group.len(),
            code_list(group.iter().take(6).map(|m| m.path.id.as_str()), ", "),
            path.description
        )
    };
    let label = |h: &HeldPolicy, names: &[&str]| {
        let shown = code_list(names.iter().take(4).copied(), ", ");
        let more = if names.len() > 4 {
            format!(" and {} more", names.len() - 4)
        } else {
            String::new()
        };
        match h.managed() {
            Some(m) => format!("attaches `{}`, which grants {shown}{more}", m.name),
            None => format!("grants {shown}{more}"),
        }
    };
    let primary = holders
        .iter()
        .find(|(s, ..)| *s == key.span)
        .map(|(_, h, n)| label(h, n))
        .unwrap_or_default();
    let mut f = Finding::new(key.span, key.path.clone(), message)
        .label(primary)
        .help(help_for(path.category));
    if key.held.managed().is_none() {
        f = f.sid(key.st);
    }
    for (span, h, names) in holders.iter().filter(|(s, ..)| *s != key.span) {
        f = f.secondary(*span, label(h, names));
    }
    let mut limits = Vec::new();
    for m in group {
        for (action, g) in &m.grants {
            let place = match g.held.managed() {
                Some(mp) => format!("in `{}`", mp.name),
                None => stmt_name(g.st),
            };
            if g.scoped {
                limits.push(format!("`{action}` is granted on named resources only ({place})"));
            }
            if g.conditional {
                limits.push(format!("`{action}` is granted under a `Condition` ({place})"));
            }
        }
    }
    limits.dedup();
    if !limits.is_empty() {
        f = f.note(format!(
            "{}; the path applies only within these limits",
            limits.join("; ")
        ));
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
    }
    let sources: Vec<&str> = group
        .iter()
        .take(MAX_DESCRIBED)
        .map(|m| m.path.source.as_str())
        .collect();
    f = f.note(format!("source: {}", sources.join("; ")));
    if !rest.is_empty() {
        f = f.note(format!(
            "{} granted to {} by other combinations of its policies: {}",
            if rest.len() == 1 {
                "1 more documented path is".to_string()
            } else {
                format!("{} more documented paths are", rest.len())
            },
            cx.subject(),
            code_list(rest.iter().copied(), ", ")
        ));
    }
    if let Some(note) = cx.incomplete_note() {
        f = f.note(note);
    }
    Some(f)
}

/// Whether one of the principal's identity policies allows everything (`full-admin`).
fn holds_full_admin(cx: &PrincipalContext<'_>) -> bool {
    cx.policies().any(|(_, doc, facts)| {
        let dcx = cx.doc_context(doc, facts);
        super::grant_support::grants(&dcx)
            .iter()
            .any(|gr| super::grant_support::full_admin(cx.catalog(), gr).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::glob_match;
    use proptest::prelude::*;

    /// The naive oracle: the pattern as an anchored regex (`*` any run, `?` one character,
    /// case-sensitive).
    fn oracle(pattern: &str) -> regex::Regex {
        let mut re = String::from("(?s)^");
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        regex::Regex::new(&re).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// `iam:PassedToService` values match services as the regex oracle does.
        #[test]
        fn glob_match_agrees_with_a_regex(
            pattern in "[aB.:*?é]{0,6}",
            service in "[aAbB.:é]{0,8}",
        ) {
            prop_assert_eq!(glob_match(&pattern, &service), oracle(&pattern).is_match(&service));
        }
    }

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
