//! A plan as a policy: JSON (open values as `<Name>` placeholders, pseudo parameters as
//! `*`), or a CloudFormation template of the deployment role (open values as `!Sub`).

use crate::plan::{Need, Plan, Why};
use crate::template::{Pat, Pseudo, Seg};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Quota of a managed policy (characters, whitespace not counted).
pub const MANAGED_POLICY_QUOTA: usize = 6_144;
/// What a chunk of a split policy is filled up to (room for the statement wrapper and
/// for the `!Sub` values, resolved by CloudFormation, being longer than written).
const CHUNK: usize = 5_000;

/// A pattern in a JSON policy: unbound pseudo parameters (partition, region, account) as
/// `*`, the stack name and template parameters as `<Name>` placeholders (which `iamlint`
/// reads as unknowns and `--var` binds).
pub fn json_text(p: &Pat) -> String {
    let mut out = String::new();
    for s in &p.0 {
        match s {
            Seg::Lit(l) => out.push_str(l),
            Seg::Any => out.push('*'),
            Seg::Pseudo(Pseudo::StackName) => out.push_str("<StackName>"),
            Seg::Pseudo(_) => out.push('*'),
            Seg::Param(n) => {
                out.push('<');
                out.push_str(n);
                out.push('>');
            }
        }
    }
    collapse_stars(&out)
}

/// `**` → `*`.
fn collapse_stars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '*' && out.ends_with('*') {
            continue;
        }
        out.push(c);
    }
    out
}

/// A pattern in a CloudFormation template: a plain string, or the text of a `!Sub`.
pub fn cfn_text(p: &Pat) -> (String, bool) {
    let mut out = String::new();
    let mut sub = false;
    for s in &p.0 {
        match s {
            Seg::Lit(l) => out.push_str(&l.replace("${", "${!")),
            Seg::Any => out.push('*'),
            Seg::Pseudo(Pseudo::StackName) => {
                sub = true;
                out.push_str("${StackName}");
            }
            Seg::Pseudo(ps) => {
                sub = true;
                out.push_str("${");
                out.push_str(ps.cfn_name());
                out.push('}');
            }
            Seg::Param(n) => {
                sub = true;
                out.push_str("${");
                out.push_str(n);
                out.push('}');
            }
        }
    }
    if !sub {
        out = out.replace("${!", "${");
    }
    (collapse_stars(&out), sub)
}

/// One statement of the policy: the needs it holds.
#[derive(Clone, Debug)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<String>,
    pub resources: Vec<Pat>,
    /// Indices into [`Plan::needs`].
    pub needs: Vec<usize>,
}

fn sid_part(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn sid_for(plan: &Plan, group: &[&Need]) -> String {
    let first = group[0];
    match first.why {
        Why::Stack => return "Stack".into(),
        Why::Transform => return "Transform".into(),
        Why::PassRole => return "PassRole".into(),
        Why::StarOnly | Why::Wildcard
            if group.iter().all(|n| n.resources.iter().all(Pat::is_any)) =>
        {
            return "ActionsWithoutResourceTypes".into()
        }
        _ => {}
    }
    let mut ids: Vec<String> = Vec::new();
    for n in group {
        let id = n
            .resource
            .and_then(|r| plan.templates.get(n.template)?.resources.get(r))
            .map(|r| sid_part(&r.logical_id))
            .unwrap_or_else(|| "Stack".into());
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut s = ids.iter().take(2).cloned().collect::<Vec<_>>().join("And");
    if ids.len() > 2 {
        s.push_str("AndMore");
    }
    if first.why == Why::OtherTypes {
        s.push_str("OtherResources");
    }
    s
}

/// The plan as statements. `fine`: one statement per need (so a finding about a statement
/// names one resource and handler); otherwise needs with the same resources share one.
pub fn statements(plan: &Plan, fine: bool) -> Vec<Statement> {
    let mut groups: BTreeMap<(u8, Vec<Pat>), Vec<usize>> = BTreeMap::new();
    for (i, n) in plan.needs.iter().enumerate() {
        let class = match n.why {
            Why::Stack | Why::Transform => 0,
            Why::PassRole => 1,
            Why::StarOnly | Why::Wildcard => 3,
            _ => 2,
        };
        let key = if fine {
            (class, vec![Pat::lit(&i.to_string())])
        } else {
            (class, n.resources.clone())
        };
        groups.entry(key).or_default().push(i);
    }
    let mut out: Vec<Statement> = Vec::new();
    let mut sids: BTreeMap<String, usize> = BTreeMap::new();
    for (_, idx) in groups {
        let group: Vec<&Need> = idx.iter().filter_map(|i| plan.needs.get(*i)).collect();
        let mut actions: Vec<String> = group
            .iter()
            .flat_map(|n| n.actions.iter().cloned())
            .collect();
        actions.sort_by_key(|a| a.to_ascii_lowercase());
        actions.dedup();
        let mut resources: Vec<Pat> = group
            .iter()
            .flat_map(|n| n.resources.iter().cloned())
            .collect();
        resources.sort();
        resources.dedup();
        let mut sid = sid_for(plan, &group);
        let count = sids.entry(sid.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            sid.push_str(&count.to_string());
        }
        out.push(Statement {
            sid,
            actions,
            resources,
            needs: idx,
        });
    }
    out
}

fn json_statement(s: &Statement) -> Value {
    let mut resources: Vec<String> = s.resources.iter().map(json_text).collect();
    resources.dedup();
    json!({
        "Sid": s.sid,
        "Effect": "Allow",
        "Action": if s.actions.len() == 1 { json!(s.actions[0]) } else { json!(s.actions) },
        "Resource": if resources.len() == 1 { json!(resources[0]) } else { json!(resources) },
    })
}

/// The statements as one JSON policy document.
pub fn policy_json(stmts: &[Statement]) -> String {
    let mut s = serde_json::to_string_pretty(&document(stmts)).unwrap_or_default();
    s.push('\n');
    s
}

/// Characters IAM counts for a policy, as `iamlint check` (`policy-too-large`) counts them:
/// the compact JSON without whitespace (`"` and `\\` escaped count 2, other control
/// characters 6). Placeholders (`<StackName>`) count as written, where the rule, reading
/// them as unknowns, counts nothing: this count is never below the rule's.
pub fn policy_size(stmts: &[Statement]) -> usize {
    json_size(&document(stmts))
}

fn document(stmts: &[Statement]) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": stmts.iter().map(json_statement).collect::<Vec<_>>(),
    })
}

/// The size of a statement in a policy (without the comma between statements).
pub fn statement_size(s: &Statement) -> usize {
    json_size(&json_statement(s))
}

fn json_size(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => n.to_string().len(),
        Value::String(s) => 2 + json_chars(s),
        Value::Array(items) => {
            2 + items.iter().map(json_size).sum::<usize>() + items.len().saturating_sub(1)
        }
        Value::Object(members) => {
            2 + members
                .iter()
                .map(|(k, v)| 3 + json_chars(k) + json_size(v))
                .sum::<usize>()
                + members.len().saturating_sub(1)
        }
    }
}

/// The characters of a JSON string's content, escaped, whitespace left out.
fn json_chars(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '"' | '\\' => 2,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum()
}

/// A statement over `budget` characters split by its actions into statements that fit
/// (`SidPart1`, `SidPart2`, ...). Each part keeps the needs it grants an action of (all of
/// the statement's, for a part that grants none of a need's actions as named).
fn split_statement(plan: &Plan, s: &Statement, budget: usize) -> Vec<Statement> {
    if statement_size(s) <= budget || s.actions.len() < 2 {
        return vec![s.clone()];
    }
    let empty = Statement {
        actions: Vec::new(),
        ..s.clone()
    };
    let base = statement_size(&empty);
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut size = base;
    for a in &s.actions {
        let n = 2 + json_chars(a) + 1;
        if !cur.is_empty() && size + n > budget {
            parts.push(std::mem::take(&mut cur));
            size = base;
        }
        size += n;
        cur.push(a.clone());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(k, actions)| {
            let patterns: Vec<iamlint_matcher::ActionPattern> = actions
                .iter()
                .filter_map(|a| iamlint_matcher::ActionPattern::parse(a).ok())
                .collect();
            let mut needs: Vec<usize> = s
                .needs
                .iter()
                .copied()
                .filter(|&i| {
                    plan.needs.get(i).is_some_and(|n| {
                        n.actions.iter().any(|na| {
                            iamlint_matcher::ActionPattern::parse(na)
                                .is_ok_and(|q| patterns.iter().any(|p| p.covers(&q)))
                        })
                    })
                })
                .collect();
            if needs.is_empty() {
                needs.clone_from(&s.needs);
            }
            Statement {
                sid: if count > 1 {
                    format!("{}Part{}", s.sid, k + 1)
                } else {
                    s.sid.clone()
                },
                actions,
                resources: s.resources.clone(),
                needs,
            }
        })
        .collect()
}

/// The statements split into groups that each fit a managed policy: filled up to
/// 5,000 characters as [`policy_size`] counts them, which leaves room for the wrapper and
/// for the values CloudFormation (or the user, for a placeholder) puts in place of open
/// values. A statement too large for one group is split by its actions.
pub fn chunks(plan: &Plan, stmts: &[Statement]) -> Vec<Vec<Statement>> {
    let wrapper = policy_size(&[]);
    let budget = CHUNK - wrapper;
    let mut out: Vec<Vec<Statement>> = Vec::new();
    let mut cur: Vec<Statement> = Vec::new();
    let mut size = 0;
    for s in stmts.iter().flat_map(|s| split_statement(plan, s, budget)) {
        let n = statement_size(&s) + 1;
        if !cur.is_empty() && size + n > budget {
            out.push(std::mem::take(&mut cur));
            size = 0;
        }
        size += n;
        cur.push(s);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn yaml_pat(p: &Pat) -> String {
    let (text, sub) = cfn_text(p);
    if sub {
        format!("!Sub {}", yaml_str(&text))
    } else {
        yaml_str(&text)
    }
}

/// The deployment role as a CloudFormation template (YAML): the role, and its permissions as
/// managed policies that each fit the managed-policy quota. Parameters: the name of the
/// stack it deploys, the templates' own parameters that the policy uses, and the principal
/// allowed to assume it.
pub fn role_template(plan: &Plan, stmts: &[Statement], description: &str) -> String {
    let mut params: Vec<String> = Vec::new();
    let mut uses_stack = false;
    for s in stmts {
        for p in &s.resources {
            for seg in &p.0 {
                match seg {
                    Seg::Param(n) if !params.contains(n) => params.push(n.clone()),
                    Seg::Pseudo(Pseudo::StackName) => uses_stack = true,
                    _ => {}
                }
            }
        }
    }
    params.sort();
    let mut y = String::new();
    y.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    y.push_str(&format!("Description: {}\n", yaml_str(description)));
    y.push_str("Parameters:\n");
    y.push_str("  DeployerPrincipalArn:\n    Type: String\n    Description: \"The principal allowed to assume the deployment role (a role or user ARN, or an account root)\"\n");
    if uses_stack && !params.iter().any(|p| p == "StackName") {
        y.push_str("  StackName:\n    Type: String\n    Description: \"The name of the stack this role deploys\"\n");
    }
    for p in &params {
        y.push_str(&format!(
            "  {p}:\n    Type: String\n    Description: {}\n",
            yaml_str(&format!(
                "The value given to the deployed template's parameter `{p}`"
            ))
        ));
    }
    y.push_str("Resources:\n");
    y.push_str("  DeploymentRole:\n    Type: AWS::IAM::Role\n    Properties:\n");
    y.push_str(
        "      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n",
    );
    y.push_str("          - Effect: Allow\n            Principal:\n              AWS: !Ref DeployerPrincipalArn\n            Action: sts:AssumeRole\n");
    for (i, chunk) in chunks(plan, stmts).iter().enumerate() {
        y.push_str(&format!(
            "  DeploymentPolicy{}:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      Roles:\n        - !Ref DeploymentRole\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n",
            i + 1
        ));
        y.push_str(&role_template_statements(chunk));
    }
    y.push_str("Outputs:\n  RoleArn:\n    Value: !GetAtt DeploymentRole.Arn\n");
    y
}

/// Statements as the YAML list items of a template's `PolicyDocument.Statement` (indented
/// for [`role_template`]'s layout).
pub fn role_template_statements(stmts: &[Statement]) -> String {
    let mut y = String::new();
    for s in stmts {
        y.push_str(&format!(
            "          - Sid: {}\n            Effect: Allow\n            Action:\n",
            yaml_str(&s.sid)
        ));
        for a in &s.actions {
            y.push_str(&format!("              - {}\n", yaml_str(a)));
        }
        y.push_str("            Resource:\n");
        for r in &s.resources {
            y.push_str(&format!("              - {}\n", yaml_pat(r)));
        }
    }
    y
}
