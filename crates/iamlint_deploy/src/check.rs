//! A deployment role against what templates need, both ways, with the analyzer's `diff`:
//! every need the role does not grant (at the resource that needs it), every grant no
//! template needs (at the role's statement).

use crate::plan::{Plan, Why};
use crate::render::{self, Statement};
use crate::DeployError;
use iamlint_analyzer::{Excess, Policy, VarTable};
use iamlint_catalog::Catalog;
use iamlint_formats::LoadOptions;
use iamlint_policy::{FileKind, PolicyKind};
use iamlint_report::SourceFile;
use iamlint_semantic::Semantic;
use iamlint_syntax::Span;
use std::sync::Arc;

/// Which way a finding goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A template needs it; the role does not grant it.
    Missing,
    /// The role grants it; no template needs it.
    Unneeded,
}

/// One finding, located in a template (missing) or in the role (unneeded).
#[derive(Clone, Debug)]
pub struct Finding {
    pub kind: Kind,
    /// The template (index into [`Plan::templates`]) a missing need belongs to; unused for
    /// an unneeded grant.
    pub template: usize,
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub path: String,
    pub sid: Option<String>,
    pub message: String,
    pub label: String,
    pub notes: Vec<String>,
    /// Not confirmed with a witness (unknown values), or about needs that are unknown.
    pub possible: bool,
}

/// A deployment role, loaded: its identity policies (a template's trust policies are left
/// out), and whether it is written as CloudFormation (so the needs are compared in the same
/// terms: `!Sub` values rather than placeholders).
pub struct Role {
    pub name: String,
    pub text: String,
    pub is_template: bool,
    file: iamlint_policy::PolicyFile,
}

impl Role {
    /// Load a role from its text.
    ///
    /// # Errors
    /// When it does not parse or holds no identity policy.
    pub fn load(name: &str, text: String, opts: &LoadOptions) -> Result<Role, DeployError> {
        let mut file = iamlint_formats::load_text(name, &text, opts);
        if file.kind == FileKind::Unparsed {
            return Err(DeployError::Role {
                name: name.to_string(),
                message: file
                    .syntax_errors
                    .first()
                    .map_or_else(|| "syntax error".into(), |e| e.message.clone()),
            });
        }
        let is_template = file.kind == FileKind::CloudFormation;
        file.documents
            .retain(|d| matches!(d.kind, PolicyKind::Identity | PolicyKind::Boundary));
        if file.documents.is_empty() {
            return Err(DeployError::Role {
                name: name.to_string(),
                message: "holds no identity policy".into(),
            });
        }
        Ok(Role {
            name: name.to_string(),
            text,
            is_template,
            file,
        })
    }
}

/// The needs as a policy text in the role's terms, one statement per need.
fn needed_text(stmts: &[Statement], template: bool) -> String {
    if !template {
        return render::policy_json(stmts);
    }
    let mut y = String::from("Resources:\n  Needed:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n");
    let body = render::role_template_statements(stmts);
    y.push_str(&body);
    y
}

/// Whether one plain `Allow` statement of `by` (no conditions, no `Not...`) grants every
/// action of `s` on each of its resource patterns written the same way, and `by` denies
/// nothing: then `s` is within `by`, and the analyzer's search is not needed. (A role
/// written by `deploy-policy` is compared with the needs it was written from: almost every
/// statement takes this path.)
fn plainly_within(s: &iamlint_analyzer::Stmt, by: &Policy) -> bool {
    if s.effect != iamlint_policy::Effect::Allow
        || s.not_action
        || s.not_resource
        || s.resource_missing
        || !s.unresolved_actions.is_empty()
        || !s.unknown_actions.is_empty()
        || by
            .statements
            .iter()
            .any(|u| u.effect != iamlint_policy::Effect::Allow)
    {
        return false;
    }
    by.statements.iter().any(|u| {
        !u.not_action
            && !u.not_resource
            && !u.resource_missing
            && u.conditions.is_empty()
            && u.principals.is_none()
            && s.actions.is_subset(&u.actions)
            && s.resources
                .iter()
                .all(|p| u.resources.iter().any(|q| q.same_tokens(p)))
    })
}

/// `p` without the statements plainly within `by`; with each kept statement's index in `p`.
fn not_plainly_within(p: &Policy, by: &Policy) -> (Policy, Vec<usize>) {
    let mut kept = Vec::new();
    let mut out = p.clone();
    out.statements.clear();
    for (i, s) in p.statements.iter().enumerate() {
        if !plainly_within(s, by) {
            kept.push(i);
            out.statements.push(s.clone());
        }
    }
    (out, kept)
}

fn listed(v: &[String]) -> String {
    let mut s = v
        .iter()
        .take(4)
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > 4 {
        s.push_str(&format!(" and {} more", v.len() - 4));
    }
    s
}

/// Compare.
///
/// # Errors
/// When the needs cannot be loaded as a policy (an internal error, reported as such).
pub fn check(
    semantic: &Semantic<'_>,
    plan: &Plan,
    role: &Role,
    opts: &LoadOptions,
) -> Result<Vec<Finding>, DeployError> {
    let catalog = semantic.catalog();
    let stmts = render::statements(plan, true);
    let mut vars = VarTable::default();
    let role_policy = Policy::from_file(semantic, &role.name, &role.text, &role.file, &mut vars)
        .map_err(|e| DeployError::Role {
            name: role.name.clone(),
            message: e.to_string(),
        })?;
    let mut out = Vec::new();
    if !stmts.is_empty() {
        let text = needed_text(&stmts, role.is_template);
        let needed_file = iamlint_formats::load_text(
            if role.is_template {
                "needed.yaml"
            } else {
                "needed.json"
            },
            &text,
            &LoadOptions {
                vars: opts.vars.clone(),
                ..LoadOptions::default()
            },
        );
        let needed = Policy::from_file(semantic, "needed", &text, &needed_file, &mut vars)
            .map_err(|e| DeployError::Internal(e.to_string()))?;
        let (needed, kept) = not_plainly_within(&needed, &role_policy);
        let missing = iamlint_analyzer::diff(catalog, &needed, &role_policy, &vars);
        for e in &missing.excess {
            let mut e = e.clone();
            e.statement = kept.get(e.statement).copied().unwrap_or(usize::MAX);
            if let Some(f) = missing_finding(catalog, plan, &stmts, &e) {
                out.push(f);
            }
        }
        // the other way needs no statement per need (findings are at the role's
        // statements), and the analyzer splits each role statement's actions by every
        // statement of the reference: the merged needs, a few times fewer, allow the same
        let merged = render::statements(plan, false);
        let merged_text = needed_text(&merged, role.is_template);
        let merged_file = iamlint_formats::load_text(
            if role.is_template {
                "needed.yaml"
            } else {
                "needed.json"
            },
            &merged_text,
            &LoadOptions {
                vars: opts.vars.clone(),
                ..LoadOptions::default()
            },
        );
        let merged = Policy::from_file(semantic, "needed", &merged_text, &merged_file, &mut vars)
            .map_err(|e| DeployError::Internal(e.to_string()))?;
        let (role_rest, _) = not_plainly_within(&role_policy, &merged);
        let unneeded = iamlint_analyzer::diff_policies(catalog, &role_rest, &merged, &vars);
        for e in &unneeded.excess {
            out.push(unneeded_finding(plan, &role_policy, e));
        }
    } else {
        for s in &role_policy.statements {
            out.push(Finding {
                kind: Kind::Unneeded,
                template: 0,
                file: role_policy.source.clone(),
                span: s.span,
                path: s.path.clone(),
                sid: s.sid.clone(),
                message: "the templates need no permissions, so no grant of the role is needed"
                    .into(),
                label: "needed by no template".into(),
                notes: Vec::new(),
                possible: !plan.is_complete(),
            });
        }
    }
    // needs that are unknown: the role cannot be shown to be enough
    for r in plan.remarks.iter().filter(|r| r.unknown) {
        let Some(t) = plan.templates.get(r.template) else {
            continue;
        };
        let (span, path) = match r.resource.and_then(|i| t.resources.get(i)) {
            Some(res) => (res.key_span, format!("Resources.{}", res.logical_id)),
            None => (t.anchor, "Resources".to_string()),
        };
        out.push(Finding {
            kind: Kind::Missing,
            template: r.template,
            file: t.source.clone(),
            span,
            path,
            sid: None,
            message: format!(
                "{} may need permissions iamlint does not know: {}",
                plan.subject(r.template, r.resource),
                r.message
            ),
            label: "needs unknown".into(),
            notes: vec![
                "grant what it needs by hand and review it: the role is not shown to be complete"
                    .into(),
            ],
            possible: true,
        });
    }
    Ok(out)
}

fn missing_finding(
    catalog: &Catalog,
    plan: &Plan,
    stmts: &[Statement],
    e: &Excess,
) -> Option<Finding> {
    let st = stmts.get(e.statement)?;
    let need = plan.needs.get(*st.needs.first()?)?;
    let t = plan.templates.get(need.template)?;
    let (span, path) = match need.resource.and_then(|i| t.resources.get(i)) {
        Some(r) => (r.key_span, format!("Resources.{}", r.logical_id)),
        None => (t.anchor, "Resources".to_string()),
    };
    let subject = plan.subject(need.template, need.resource);
    let actions: Vec<String> = if e.actions.is_empty() {
        st.actions.clone()
    } else {
        e.actions.clone()
    };
    let all_resources = e.resources.len() == st.resources.len();
    // the role grants these actions nowhere: missing whatever the open values are
    let certain = e.actions_not_in_reference && !e.action_ids.is_empty();
    let possible = e.possible && !certain;
    let possibly = if possible { "possibly " } else { "" };
    let what = if need.why == Why::PassRole {
        format!(
            "passing its role to the service needs `iam:PassRole` on {}",
            listed(&e.resources)
        )
    } else {
        format!("needs {}", listed(&actions))
    };
    let mut message = format!("{} {subject} {possibly}{what}", need.handler.gerund());
    if need.resource.is_none() {
        message = format!("{} {subject} {possibly}{what}", need.handler.gerund());
    }
    let mut notes = Vec::new();
    if need.why != Why::PassRole && !e.resources.is_empty() {
        notes.push(format!(
            "{} {}",
            if all_resources {
                "on"
            } else {
                "on (where the role falls short)"
            },
            listed(&e.resources)
        ));
    }
    notes.push(match need.why {
        Why::Own => "scoped to this resource's ARN and the ARN formats of the other resource types the actions take".into(),
        Why::OtherTypes => "the actions take resource types this template does not create: scoped to their ARN formats".into(),
        Why::StarOnly => "the actions have no resource types in the catalog: `*` is all they support".into(),
        Why::Wildcard => "a wildcard action as the resource type's schema writes it".into(),
        Why::Stack => "an action on the stack itself".into(),
        Why::Transform => "CloudFormation runs the template's transform in a change set".into(),
        Why::PassRole => "the role the template gives the resource".into(),
        Why::Invoke => "CloudFormation invokes the custom resource's service token".into(),
    });
    if certain {
        notes.push(format!(
            "the role grants {} on no resource",
            listed(&actions)
        ));
    } else {
        if let Some(w) = &e.witness {
            notes.push(format!(
                "{}: `{}` on `{}` is needed and {} by the role",
                if possible {
                    "candidate request"
                } else {
                    "witness"
                },
                w.action,
                w.resource,
                if possible {
                    "may not be allowed"
                } else {
                    "not allowed"
                }
            ));
        }
        notes.extend(e.notes.iter().cloned());
    }
    let _ = catalog;
    Some(Finding {
        kind: Kind::Missing,
        template: need.template,
        file: t.source.clone(),
        span,
        path,
        sid: None,
        message,
        label: format!(
            "{} this needs what the role does not grant",
            need.handler.gerund()
        ),
        notes,
        possible,
    })
}

fn unneeded_finding(plan: &Plan, role: &Policy, e: &Excess) -> Finding {
    let who = match &e.sid {
        Some(s) if !s.is_empty() => format!("statement `{s}`"),
        _ => "this statement".into(),
    };
    let possibly = if e.possible { "possibly " } else { "" };
    let n = e.action_ids.len();
    let message = if n == 0 {
        format!(
            "{who} {possibly}grants {} that no template may need",
            listed(&e.actions)
        )
    } else if e.actions_not_in_reference {
        format!(
            "{who} {possibly}grants {n} action{} no template needs ({})",
            if n == 1 { "" } else { "s" },
            listed(&e.actions)
        )
    } else {
        format!(
            "{who} {possibly}grants {n} action{} on resources beyond what the templates need: {}",
            if n == 1 { "" } else { "s" },
            listed(&e.resources)
        )
    };
    let mut notes = Vec::new();
    if n > 0 && !e.actions_not_in_reference {
        notes.push(format!("actions: {}", listed(&e.actions)));
    }
    if let Some(w) = &e.witness {
        notes.push(format!(
            "{}: `{}` on `{}` is allowed by the role and {} template",
            if e.possible {
                "candidate request"
            } else {
                "witness"
            },
            w.action,
            w.resource,
            if e.possible {
                "may be needed by no"
            } else {
                "needed by no"
            }
        ));
    }
    notes.extend(e.notes.iter().cloned());
    if !plan.is_complete() {
        notes.push("some resources' needs are unknown (see `iamlint deploy-policy`): this grant may be what they need".into());
    }
    Finding {
        kind: Kind::Unneeded,
        template: 0,
        file: role.source.clone(),
        span: e.span,
        path: e.path.clone(),
        sid: e.sid.clone(),
        message,
        label: "needed by no template".into(),
        notes,
        possible: e.possible || !plan.is_complete(),
    }
}
