//! CloudFormation (and SAM) templates: find every policy document and where it sits.

use crate::model::*;
use crate::normalize::normalize_document;
use crate::text::{intrinsic, is_no_value, text_of, Vars};
use iamlint_syntax::{Limits, Node, Value};

/// Where policy documents live in each resource type: (type, property path, kind).
/// A path segment `Policies[*]` walks a list; `.PolicyDocument` then reads each item.
const DOCUMENT_PROPERTIES: &[(&str, &str, PolicyKind)] = &[
    (
        "AWS::IAM::Role",
        "AssumeRolePolicyDocument",
        PolicyKind::Trust,
    ),
    (
        "AWS::IAM::Role",
        "Policies[*].PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::User",
        "Policies[*].PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::Group",
        "Policies[*].PolicyDocument",
        PolicyKind::Identity,
    ),
    ("AWS::IAM::Policy", "PolicyDocument", PolicyKind::Identity),
    (
        "AWS::IAM::ManagedPolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::RolePolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::UserPolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::GroupPolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::S3::BucketPolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::SQS::QueuePolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::SNS::TopicPolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    ("AWS::KMS::Key", "KeyPolicy", PolicyKind::Resource),
    (
        "AWS::ECR::Repository",
        "RepositoryPolicyText",
        PolicyKind::Resource,
    ),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
        PolicyKind::Resource,
    ),
    (
        "AWS::OpenSearchService::Domain",
        "AccessPolicies",
        PolicyKind::Resource,
    ),
    (
        "AWS::Elasticsearch::Domain",
        "AccessPolicies",
        PolicyKind::Resource,
    ),
    (
        "AWS::Serverless::Function",
        "Policies[*]",
        PolicyKind::Identity,
    ),
    (
        "AWS::Serverless::Function",
        "Policies",
        PolicyKind::Identity,
    ),
    (
        "AWS::SSO::PermissionSet",
        "InlinePolicy",
        PolicyKind::Identity,
    ),
    (
        "AWS::Backup::BackupVault",
        "AccessPolicy",
        PolicyKind::Resource,
    ),
    (
        "AWS::EFS::FileSystem",
        "FileSystemPolicy",
        PolicyKind::Resource,
    ),
    (
        "AWS::Logs::ResourcePolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    ("AWS::ApiGateway::RestApi", "Policy", PolicyKind::Resource),
    (
        "AWS::CodeArtifact::Repository",
        "PermissionsPolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::CodeArtifact::Domain",
        "PermissionsPolicyDocument",
        PolicyKind::Resource,
    ),
    ("AWS::Events::EventBus", "Policy", PolicyKind::Resource),
    ("AWS::Organizations::Policy", "Content", PolicyKind::Scp),
];

/// Properties that name managed policies by ARN.
const MANAGED_ARN_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::IAM::Role", "ManagedPolicyArns"),
    ("AWS::IAM::Role", "PermissionsBoundary"),
    ("AWS::IAM::User", "ManagedPolicyArns"),
    ("AWS::IAM::User", "PermissionsBoundary"),
    ("AWS::IAM::Group", "ManagedPolicyArns"),
    ("AWS::SSO::PermissionSet", "ManagedPolicies"),
];

/// Whether a tree looks like a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return false;
    };
    resources.iter().any(|r| {
        r.value
            .get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
    })
}

/// Every policy document and managed-policy reference of a template.
pub fn extract(
    root: &Node,
    src: &str,
    vars: &Vars,
    limits: &Limits,
) -> (Vec<Document>, Vec<ManagedPolicyRef>, Vec<ModelIssue>) {
    let mut docs = Vec::new();
    let mut refs = Vec::new();
    let mut issues = Vec::new();
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return (docs, refs, issues);
    };
    for r in resources {
        let Some(ty) = r.value.get("Type").and_then(Node::as_str) else {
            continue;
        };
        let Some(props) = r.value.get("Properties") else {
            continue;
        };
        let base = format!("Resources.{}.Properties", r.key);
        for (_, prop, kind) in DOCUMENT_PROPERTIES.iter().filter(|(t, ..)| *t == ty) {
            let mut found = Vec::new();
            walk(props, prop, &base, &mut found);
            for (node, path) in found {
                // SAM `Policies`: only documents count (not managed policy names or policy
                // templates); the list form is handled by `Policies[*]`.
                if ty == "AWS::Serverless::Function" {
                    let is_doc = node.get("Statement").is_some();
                    if !is_doc {
                        continue;
                    }
                }
                let kind = if ty == "AWS::Organizations::Policy" {
                    match props.get("Type").and_then(Node::as_str) {
                        Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
                        Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Resource,
                        _ => continue,
                    }
                } else {
                    *kind
                };
                let origin = Origin {
                    path: path.clone(),
                    resource: Some((r.key.clone(), ty.to_string())),
                    embedded: false,
                };
                match document_node(node, src, limits) {
                    DocNode::Tree(n) => docs.push(normalize_document(n, kind, false, origin, vars)),
                    DocNode::Embedded(n) => {
                        let mut doc = normalize_document(
                            &n,
                            kind,
                            false,
                            Origin {
                                embedded: true,
                                ..origin
                            },
                            vars,
                        );
                        // Inner spans point into the string; clamp them to the string node.
                        repoint(&mut doc, node.span);
                        docs.push(doc);
                    }
                    DocNode::Unknown(why) => issues.push(ModelIssue {
                        kind: IssueKind::NotADocument,
                        span: node.span,
                        path,
                        message: why,
                        related: None,
                    }),
                    DocNode::Skip => {}
                }
            }
        }
        for (_, prop) in MANAGED_ARN_PROPERTIES.iter().filter(|(t, _)| *t == ty) {
            let Some(v) = props.get(prop) else { continue };
            let path = format!("{base}.{prop}");
            let items: Vec<(&Node, String)> = match &v.value {
                Value::Seq(items) if intrinsic(v).is_none() => items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n, crate::path::index(&path, i)))
                    .collect(),
                _ => vec![(v, path.clone())],
            };
            for (n, p) in items {
                if is_no_value(n) {
                    continue;
                }
                if let Ok(arn) = text_of(n, &p, vars) {
                    refs.push(ManagedPolicyRef {
                        arn,
                        resource: r.key.clone(),
                        property: prop.to_string(),
                    });
                }
            }
        }
    }
    (docs, refs, issues)
}

enum DocNode<'a> {
    Tree(&'a Node),
    Embedded(Node),
    Unknown(String),
    Skip,
}

fn document_node<'a>(node: &'a Node, src: &str, limits: &Limits) -> DocNode<'a> {
    if is_no_value(node) {
        return DocNode::Skip;
    }
    match &node.value {
        Value::Map(_) if intrinsic(node).is_none() => DocNode::Tree(node),
        Value::String(s, _) if node.tag.is_none() && s.trim_start().starts_with('{') => {
            let parsed = iamlint_syntax::parse_json(s, limits);
            match parsed.documents.into_iter().next() {
                Some(n) if parsed.errors.is_empty() => DocNode::Embedded(n),
                _ => DocNode::Unknown(
                    "this policy is a string that does not parse as JSON".to_string(),
                ),
            }
        }
        _ => {
            let what = match intrinsic(node) {
                Some((name, _)) => format!("CloudFormation `{name}`"),
                None => format!("{} {}", "a", node.type_name()),
            };
            let _ = src;
            DocNode::Unknown(format!(
                "this policy is computed by {what} and cannot be checked"
            ))
        }
    }
}

/// Collect the nodes at a property path like `Policies[*].PolicyDocument`.
fn walk<'a>(node: &'a Node, path: &str, base: &str, out: &mut Vec<(&'a Node, String)>) {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let (key, each) = match head.strip_suffix("[*]") {
        Some(k) => (k, true),
        None => (head, false),
    };
    let Some(v) = node.get(key) else { return };
    let here = format!("{base}.{key}");
    let mut targets: Vec<(&Node, String)> = Vec::new();
    if each {
        match &v.value {
            Value::Seq(items) if intrinsic(v).is_none() => {
                for (i, item) in items.iter().enumerate() {
                    collect_if_branches(item, format!("{here}[{i}]"), &mut targets);
                }
            }
            _ => return,
        }
    } else {
        if each {
            return;
        }
        if matches!(v.value, Value::Seq(_)) && rest.is_none() && intrinsic(v).is_none() {
            // e.g. SAM `Policies` as a list is handled by the `[*]` form
            return;
        }
        collect_if_branches(v, here, &mut targets);
    }
    for (t, p) in targets {
        match rest {
            Some(r) => walk(t, r, &p, out),
            None => out.push((t, p)),
        }
    }
}

/// `!If [cond, a, b]` → both branches; anything else → itself.
fn collect_if_branches<'a>(node: &'a Node, path: String, out: &mut Vec<(&'a Node, String)>) {
    if let Some((name, arg)) = intrinsic(node) {
        if name == "Fn::If" {
            if let Value::Seq(b) = arg.value() {
                for (i, n) in b.iter().enumerate().skip(1) {
                    if !is_no_value(n) {
                        collect_if_branches(n, format!("{path}.Fn::If[{i}]"), out);
                    }
                }
                return;
            }
        }
    }
    out.push((node, path));
}

/// Point every span of an embedded document at the string that holds it.
fn repoint(doc: &mut Document, span: iamlint_syntax::Span) {
    doc.span = span;
    let fix = |t: &mut Text| t.span = span;
    if let Some(v) = &mut doc.version {
        fix(v);
    }
    if let Some(v) = &mut doc.id {
        fix(v);
    }
    if let Some(s) = &mut doc.statement_key_span {
        *s = span;
    }
    for i in &mut doc.issues {
        i.span = span;
        i.related = i.related.map(|_| span);
    }
    for st in &mut doc.statements {
        st.span = span;
        if let Some(s) = &mut st.sid {
            fix(s);
        }
        if let Some(s) = &mut st.effect_text {
            fix(s);
        }
        for l in [&mut st.action, &mut st.resource].into_iter().flatten() {
            l.key_span = span;
            l.span = span;
            l.items.iter_mut().for_each(fix);
        }
        if let Some(p) = &mut st.principal {
            p.key_span = span;
            p.span = span;
            p.values.iter_mut().for_each(|v| fix(&mut v.value));
        }
        if let Some(c) = &mut st.condition {
            c.key_span = span;
            c.span = span;
            for cl in &mut c.clauses {
                fix(&mut cl.operator_text);
                for e in &mut cl.entries {
                    fix(&mut e.key);
                    e.values_span = span;
                    e.values.iter_mut().for_each(fix);
                }
            }
        }
    }
}

/// `Metadata: iamlint: ignore:` entries of every resource.
pub fn metadata_ignores(root: &Node) -> Vec<MetadataIgnore> {
    let mut out = Vec::new();
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return out;
    };
    for r in resources {
        let Some(list) = r
            .value
            .get("Metadata")
            .and_then(|m| m.get("iamlint"))
            .and_then(|m| m.get("ignore"))
            .and_then(Node::as_seq)
        else {
            continue;
        };
        for item in list {
            let (rule, reason) = match &item.value {
                Value::String(s, _) => match s.split_once(':') {
                    Some((rule, reason)) => {
                        (rule.trim().to_string(), Some(reason.trim().to_string()))
                    }
                    None => (s.trim().to_string(), None),
                },
                Value::Map(_) => (
                    item.get("rule")
                        .and_then(|n| n.scalar_text())
                        .map(|c| c.into_owned())
                        .unwrap_or_default(),
                    item.get("reason")
                        .and_then(|n| n.scalar_text())
                        .map(|c| c.into_owned()),
                ),
                _ => continue,
            };
            out.push(MetadataIgnore {
                resource: r.key.clone(),
                rule,
                reason: reason.filter(|r| !r.trim().is_empty()),
                span: item.span,
            });
        }
    }
    out
}
