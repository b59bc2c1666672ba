//! `summarize`: what a policy grants, per service and access level, with risk categories.

use crate::policy::Policy;
use iamlint_catalog::{AccessLevel, ActionSet, Catalog};
use iamlint_policy::Effect;
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
}

/// The result of [`summarize`].
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub version: u32,
    pub file: String,
    pub actions_granted: usize,
    pub services: Vec<ServiceSummary>,
    /// Escalation paths fully granted: `id: name`.
    pub escalation_paths: Vec<String>,
    /// Statements with unknown actions (placeholders): not counted above.
    pub unresolved_actions: Vec<String>,
}

impl Summary {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}

/// Summarize what `policy` grants. Actions denied by an unconditional `Deny` on every
/// resource are removed; conditional grants are counted, with their conditions listed.
pub fn summarize(catalog: &Catalog, policy: &Policy, risks: &RiskData) -> Summary {
    let n = catalog.action_count();
    let mut denied = ActionSet::empty(n);
    for s in &policy.statements {
        let star = !s.not_resource && s.resources.iter().any(|p| p.text == "*");
        if s.effect == Effect::Deny && s.conditions.is_empty() && (star || s.resource_missing) {
            denied.union_with(&s.actions);
        }
    }
    let mut granted = ActionSet::empty(n);
    let mut unresolved = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        granted.union_with(&s.actions);
        unresolved.extend(s.unresolved_actions.iter().cloned());
    }
    granted.subtract(&denied);
    let lookup = |names: &[String]| -> ActionSet {
        let mut set = ActionSet::empty(n);
        for a in names.iter().filter_map(|x| catalog.find_action(x)) {
            set.insert(a);
        }
        set
    };
    let creds = lookup(&risks.credentials);
    let exfil = lookup(&risks.exfiltration);
    let mut paths: Vec<(String, ActionSet)> = Vec::new();
    for (id, name, actions) in &risks.escalation_paths {
        let ids: Vec<_> = actions.iter().map(|a| catalog.find_action(a)).collect();
        if ids.iter().all(|a| a.is_some_and(|a| granted.contains(a))) {
            paths.push((format!("{id}: {name}"), lookup(actions)));
        }
    }
    let mut services = Vec::new();
    for svc in catalog.services() {
        let range = catalog.service_actions(svc);
        let mut svc_set = ActionSet::empty(n);
        svc_set.insert_range(range.clone());
        svc_set.intersect_with(&granted);
        if svc_set.is_empty() {
            continue;
        }
        let mut levels: BTreeMap<String, usize> = BTreeMap::new();
        let mut risk = Vec::new();
        let mut risky = Vec::new();
        for a in svc_set.iter() {
            let level = catalog.access_level(a);
            *levels.entry(level.as_str().to_string()).or_default() += 1;
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
        let mut esc = Vec::new();
        for (name, set) in &paths {
            let mut inter = set.clone();
            inter.intersect_with(&svc_set);
            if !inter.is_empty() {
                esc.push(name.clone());
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
        for s in policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let mut inter = s.actions.clone();
            inter.intersect_with(&svc_set);
            if inter.is_empty() {
                continue;
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
            actions_total: range.len(),
            access_levels: levels,
            resources,
            conditions,
            unconditional,
            risks: risk,
            escalation_paths: esc,
            risky_actions: risky,
        });
    }
    Summary {
        version: 1,
        file: policy.source.name.clone(),
        actions_granted: granted.len(),
        services,
        escalation_paths: paths.into_iter().map(|p| p.0).collect(),
        unresolved_actions: unresolved,
    }
}
