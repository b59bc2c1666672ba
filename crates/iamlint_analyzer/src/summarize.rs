//! `summarize`: what a policy grants, per service and access level, with risk categories.

use crate::policy::{Policy, Stmt};
use iamlint_catalog::{AccessLevel, ActionSet, Catalog};
use iamlint_policy::{Effect, PolicyKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// Curated risk lists (from `rules/`), passed in by the caller.
#[derive(Clone, Debug, Default)]
pub struct RiskData {
    /// Privilege-escalation paths: (id, name, canonical action names), each applying when
    /// every action is granted.
    pub escalation_paths: Vec<(String, String, Vec<String>)>,
    /// Actions that return credentials.
    pub credentials: Vec<String>,
    /// Read actions that can exfiltrate data.
    pub exfiltration: Vec<String>,
}

/// A risk category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    PrivilegeEscalation,
    PermissionsManagement,
    DataExfiltration,
    CredentialsExposure,
    InfrastructureModification,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::PrivilegeEscalation => "privilege escalation",
            Risk::PermissionsManagement => "permissions management",
            Risk::DataExfiltration => "data exfiltration",
            Risk::CredentialsExposure => "credentials exposure",
            Risk::InfrastructureModification => "infrastructure modification",
        }
    }
}

/// What one service's actions the policy grants.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceSummary {
    pub service: String,
    pub name: String,
    pub actions_granted: usize,
    pub actions_total: usize,
    /// Access level (AWS spelling) → actions granted at that level.
    pub access_levels: BTreeMap<String, usize>,
    /// Resource patterns of the statements granting them.
    pub resources: Vec<String>,
    /// Conditions of those statements (each statement's block; empty: some statement
    /// grants without conditions).
    pub conditions: Vec<String>,
    /// Some statement grants without any condition.
    pub unconditional: bool,
    pub risks: Vec<Risk>,
    /// Escalation paths fully granted that use this service's actions.
    pub escalation_paths: Vec<String>,
    /// The risky actions granted (credentials, exfiltration, permissions management).
    pub risky_actions: Vec<String>,
    /// The policies that grant them (for a principal: `the AWS managed policy `X``, `the
    /// inline policy `Policies[0]``).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub granted_by: Vec<String>,
    /// `Deny`s that take some of them away only on some resources or under a condition:
    /// what remains granted is "possibly" narrower than counted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possibly_denied: Vec<String>,
}

/// One principal a trust policy lets assume the role.
#[derive(Clone, Debug, Serialize)]
pub struct TrusteeSummary {
    /// `Service`, `AWS`, `Federated`, `CanonicalUser`, or `*`.
    pub principal_type: String,
    pub principal: String,
    /// `NotPrincipal`: everyone except this one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub except: bool,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// The actions as written (`sts:AssumeRole`).
    pub actions: Vec<String>,
    /// The statement's conditions; empty: unconditional.
    pub conditions: Vec<String>,
}

/// The result of [`summarize`].
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub version: u32,
    pub file: String,
    /// What is summarized, when the file holds more than a policy: `` role `Name` ``, ``
    /// the policy `Resources.P.Properties.PolicyDocument` ``.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The kind of policy summarized (`identity`, `trust`, `resource`, `scp`, ...).
    pub kind: String,
    /// The policies a principal holds (its own, its groups', AWS managed ones), and its
    /// permissions boundary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    /// What could not be resolved: the summary may be incomplete.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
    pub actions_granted: usize,
    pub services: Vec<ServiceSummary>,
    /// Escalation paths fully granted: `id: name`.
    pub escalation_paths: Vec<String>,
    /// Action items not counted above: unknown values (placeholders) and names the
    /// catalog does not know (`efs:DescribeMountTargets`: the service prefix is
    /// `elasticfilesystem`), as written.
    pub unresolved_actions: Vec<String>,
    /// Who may assume the role (trust policies), one entry per principal named.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trusted: Vec<TrusteeSummary>,
    /// The instance profiles that hand the role to EC2 instances.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instance_profiles: Vec<String>,
}

impl Summary {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}

/// The actions a set of statements (an identity policy, or a boundary) allows on some
/// resource after its unconditional `Deny`s on every resource.
fn net_actions<'a>(n: usize, statements: impl Iterator<Item = &'a Stmt> + Clone) -> ActionSet {
    let mut denied = ActionSet::empty(n);
    for s in statements.clone() {
        let star = !s.not_resource && s.resources.iter().any(|p| p.text == "*");
        if s.effect == Effect::Deny
            && s.conditions.is_empty()
            && star
            && s.unresolved_actions.is_empty()
        {
            denied.union_with(&s.actions);
        }
    }
    let mut granted = ActionSet::empty(n);
    for s in statements.filter(|s| s.effect == Effect::Allow) {
        granted.union_with(&s.actions);
    }
    granted.subtract(&denied);
    granted
}

/// Who a trust policy lets assume the role.
fn trustees(statements: &[&Stmt]) -> Vec<TrusteeSummary> {
    let mut out = Vec::new();
    for s in statements {
        let Some((negated, values)) = &s.principals else {
            continue;
        };
        let mut actions: Vec<String> = s
            .action_patterns
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        actions.extend(s.unresolved_actions.iter().cloned());
        actions.extend(s.unknown_as_written.iter().cloned());
        if s.not_action {
            actions = actions
                .into_iter()
                .map(|a| format!("NotAction {a}"))
                .collect();
        }
        let conditions: Vec<String> = s.conditions.iter().map(|c| c.describe()).collect();
        for (t, v) in values {
            out.push(TrusteeSummary {
                principal_type: t.clone(),
                principal: v.clone(),
                except: *negated,
                effect: match s.effect {
                    Effect::Allow => "Allow".into(),
                    Effect::Deny => "Deny".into(),
                },
                actions: actions.clone(),
                conditions: conditions.clone(),
            });
        }
    }
    out
}

/// The actions `policy` grants on some resource, as [`summarize`] counts them: its
/// `Allow`s less its unconditional `Deny`s on every resource, within its permissions
/// boundary; trust statements grant nothing.
pub fn granted_actions(catalog: &Catalog, policy: &Policy) -> ActionSet {
    let n = catalog.action_count();
    let grants = policy
        .statements
        .iter()
        .filter(|s| s.kind != PolicyKind::Trust);
    let mut granted = net_actions(n, grants);
    if let Some(b) = &policy.boundary {
        granted.intersect_with(&net_actions(n, b.iter()));
    }
    granted
}

/// The risk lists as action sets of one catalog, resolved once for every summary of a run
/// (an account dump has thousands).
pub struct RiskSets {
    credentials: ActionSet,
    exfiltration: ActionSet,
    /// (`id: name`, each action's id when the catalog knows it, the known ones as a set)
    paths: Vec<(String, Vec<Option<iamlint_catalog::ActionId>>, ActionSet)>,
}

impl RiskSets {
    pub fn new(catalog: &Catalog, risks: &RiskData) -> RiskSets {
        let n = catalog.action_count();
        let lookup = |names: &[String]| -> ActionSet {
            let mut set = ActionSet::empty(n);
            for a in names.iter().filter_map(|x| catalog.find_action(x)) {
                set.insert(a);
            }
            set
        };
        RiskSets {
            credentials: lookup(&risks.credentials),
            exfiltration: lookup(&risks.exfiltration),
            paths: risks
                .escalation_paths
                .iter()
                .map(|(id, name, actions)| {
                    let ids = actions.iter().map(|a| catalog.find_action(a)).collect();
                    (format!("{id}: {name}"), ids, lookup(actions))
                })
                .collect(),
        }
    }
}

/// [`summarize_with`], the risk lists resolved for this one summary.
pub fn summarize(catalog: &Catalog, policy: &Policy, risks: &RiskData) -> Summary {
    summarize_with(catalog, policy, &RiskSets::new(catalog, risks))
}

/// Summarize what `policy` grants. Actions denied by an unconditional `Deny` on every
/// resource are removed, and with a permissions boundary only what the boundary allows
/// too is counted; conditional grants are counted, with their conditions listed, and
/// `Deny`s that apply only on some resources or under a condition are listed as
/// "possibly denied". Trust policy statements grant nothing to the role: they are listed
/// as who may assume it.
pub fn summarize_with(catalog: &Catalog, policy: &Policy, risks: &RiskSets) -> Summary {
    let n = catalog.action_count();
    let (trust, grants): (Vec<&Stmt>, Vec<&Stmt>) = policy
        .statements
        .iter()
        .partition(|s| s.kind == PolicyKind::Trust);
    let granted = granted_actions(catalog, policy);
    let mut unresolved = Vec::new();
    for s in grants.iter().filter(|s| s.effect == Effect::Allow) {
        unresolved.extend(s.unresolved_actions.iter().cloned());
        unresolved.extend(s.unknown_as_written.iter().cloned());
    }
    unresolved.dedup();
    let kind = match (trust.is_empty(), grants.first()) {
        (false, None) => PolicyKind::Trust,
        (_, Some(s)) => s.kind,
        (true, None) => PolicyKind::Identity,
    };
    let (creds, exfil) = (&risks.credentials, &risks.exfiltration);
    let paths: Vec<(&String, &ActionSet)> = risks
        .paths
        .iter()
        .filter(|(_, ids, _)| ids.iter().all(|a| a.is_some_and(|a| granted.contains(a))))
        .map(|(label, _, set)| (label, set))
        .collect();
    // the granted actions by service, from one pass over them (the catalog keeps a
    // service's actions together): not every service of the catalog asked in turn
    let mut by_service: Vec<(_, ActionSet)> = Vec::new();
    for a in granted.iter() {
        let svc = catalog.action_service(a);
        match by_service.last_mut() {
            Some((last, set)) if *last == svc => set.insert(a),
            _ => by_service.push((svc, ActionSet::single(n, a))),
        }
    }
    by_service.sort_by_key(|(svc, _)| *svc); // in the catalog's order, as before
    let mut services = Vec::new();
    for (svc, svc_set) in by_service {
        let mut level_counts = [0usize; AccessLevel::ALL.len()];
        let mut risk = Vec::new();
        let mut risky = Vec::new();
        for a in svc_set.iter() {
            let level = catalog.access_level(a);
            if let Some(i) = AccessLevel::ALL.iter().position(|l| *l == level) {
                level_counts[i] += 1;
            }
            if level == AccessLevel::PermissionsManagement {
                risk.push(Risk::PermissionsManagement);
                risky.push(catalog.action_full_name(a));
            }
            if level == AccessLevel::Write {
                risk.push(Risk::InfrastructureModification);
            }
            if creds.contains(a) {
                risk.push(Risk::CredentialsExposure);
                risky.push(catalog.action_full_name(a));
            }
            if exfil.contains(a) {
                risk.push(Risk::DataExfiltration);
                risky.push(catalog.action_full_name(a));
            }
        }
        let levels: BTreeMap<String, usize> = AccessLevel::ALL
            .iter()
            .zip(level_counts)
            .filter(|(_, c)| *c > 0)
            .map(|(l, c)| (l.as_str().to_string(), c))
            .collect();
        let mut esc = Vec::new();
        for (name, set) in &paths {
            if set.intersects(&svc_set) {
                esc.push((*name).clone());
                risk.push(Risk::PrivilegeEscalation);
            }
        }
        risk.sort_unstable();
        risk.dedup();
        risky.sort_unstable();
        risky.dedup();
        let mut resources = Vec::new();
        let mut conditions = Vec::new();
        let mut unconditional = false;
        let mut granted_by = Vec::new();
        let mut possibly_denied = Vec::new();
        let no_statements: &[Stmt] = &[];
        let limits = grants
            .iter()
            .copied()
            .chain(policy.boundary.as_deref().unwrap_or(no_statements));
        for d in limits.filter(|d| d.effect == Effect::Deny) {
            let common = d.actions.common_len(&svc_set);
            if common == 0 {
                continue;
            }
            let star = !d.not_resource && d.resources.iter().any(|p| p.text == "*");
            if star && d.conditions.is_empty() {
                continue; // already taken away
            }
            let what = if common == svc_set.len() {
                "these actions".to_string()
            } else {
                format!("{common} of these actions")
            };
            let mut text = what;
            if !star {
                let res: Vec<String> = d
                    .resources
                    .iter()
                    .map(|p| format!("`{}`", p.text))
                    .collect();
                text.push_str(&format!(
                    " on {}{}",
                    if d.not_resource {
                        "every resource but "
                    } else {
                        ""
                    },
                    res.join(", ")
                ));
            }
            if !d.conditions.is_empty() {
                let c: Vec<String> = d.conditions.iter().map(|e| e.describe()).collect();
                text.push_str(&format!(" when {}", c.join(" and ")));
            }
            if !possibly_denied.contains(&text) {
                possibly_denied.push(text);
            }
        }
        for s in grants.iter().filter(|s| s.effect == Effect::Allow) {
            if !s.actions.intersects(&svc_set) {
                continue;
            }
            if let Some(v) = &s.via {
                if !granted_by.contains(v) {
                    granted_by.push(v.clone());
                }
            }
            for p in &s.resources {
                let t = if s.not_resource {
                    format!("NotResource {}", p.text)
                } else {
                    p.text.clone()
                };
                if !resources.contains(&t) {
                    resources.push(t);
                }
            }
            if s.conditions.is_empty() {
                unconditional = true;
            } else {
                let c = s
                    .conditions
                    .iter()
                    .map(|e| e.describe())
                    .collect::<Vec<_>>()
                    .join(" and ");
                if !conditions.contains(&c) {
                    conditions.push(c);
                }
            }
        }
        services.push(ServiceSummary {
            service: catalog.service_prefix(svc).to_string(),
            name: catalog.service_name(svc).to_string(),
            actions_granted: svc_set.len(),
            actions_total: catalog.service_actions(svc).len(),
            access_levels: levels,
            resources,
            conditions,
            unconditional,
            risks: risk,
            escalation_paths: esc,
            risky_actions: risky,
            granted_by,
            possibly_denied,
        });
    }
    Summary {
        version: 1,
        file: policy.source.name.clone(),
        subject: None,
        kind: kind.as_str().to_string(),
        policies: Vec::new(),
        incomplete: Vec::new(),
        actions_granted: granted.len(),
        services,
        escalation_paths: paths.into_iter().map(|p| p.0.clone()).collect(),
        unresolved_actions: unresolved,
        trusted: trustees(&trust),
        instance_profiles: Vec::new(),
    }
}
