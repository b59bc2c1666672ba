//! CloudFormation (and SAM) templates, YAML (with short-form tags such as `!Sub`) or
//! JSON: find every policy document and where it sits, the managed policies attached by
//! ARN, and `Metadata` suppressions.

use crate::structured::load;
use crate::{line_comments, Format, LoadOptions, Source};
use iamlint_policy::normalize::normalize_document;
use iamlint_policy::text::{intrinsic, is_no_value, text_of};
use iamlint_policy::*;
use iamlint_syntax::{Limits, Node, SourceKind, Value};

pub(crate) struct CloudFormation;

impl Format for CloudFormation {
    fn name(&self) -> &'static str {
        "cloudformation"
    }

    fn title(&self) -> &'static str {
        "CloudFormation template"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".json", ".yaml", ".yml", ".template"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        src.structured().any_root(is_template)
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        load(src.structured(), src.text, src.opts)
    }

    fn comments(&self, text: &str) -> Vec<Comment> {
        if crate::structured::detect_syntax("", text) == SourceKind::Yaml {
            line_comments(text, "#")
        } else {
            Vec::new()
        }
    }
}

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
pub(crate) fn is_template(root: &Node) -> bool {
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

/// Every policy document, managed-policy reference and `Metadata` suppression of a
/// template, into `file`.
pub(crate) fn extract(root: &Node, src: &str, opts: &LoadOptions, file: &mut PolicyFile) {
    let first_document = file.documents.len();
    file.metadata_ignores.extend(metadata_ignores(root));
    let docs = &mut file.documents;
    let refs = &mut file.managed_policies;
    let issues = &mut file.issues;
    let branches = &mut file.branches;
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return;
    };
    for r in resources {
        let Some(ty) = r.value.get("Type").and_then(Node::as_str) else {
            continue;
        };
        let Some(props) = r.value.get("Properties") else {
            continue;
        };
        // `Properties: !If [...]`: each branch is the resource's properties
        let base = format!("Resources.{}.Properties", r.key);
        for (props, base) in crate::cfn_if::alternatives(props, base, branches) {
            let mut out = Out {
                docs: &mut *docs,
                refs: &mut *refs,
                issues: &mut *issues,
                branches: &mut *branches,
            };
            extract_properties(&r.key, ty, props, &base, src, opts, &mut out);
        }
    }
    crate::cfn_principals::extract(root, opts, first_document, file);
    // (kept until the file is checked: a template of thousands of resources left up to
    // half of these lists' room unused)
    file.documents.shrink_to_fit();
    file.principals.shrink_to_fit();
}

/// Where [`extract_properties`] puts what it finds.
struct Out<'a> {
    docs: &'a mut Vec<Document>,
    refs: &'a mut Vec<ManagedPolicyRef>,
    issues: &'a mut Vec<ModelIssue>,
    branches: &'a mut Vec<Branch>,
}

/// The policy documents and managed-policy references of one resource's properties.
fn extract_properties(
    id: &str,
    ty: &str,
    props: &Node,
    base: &str,
    src: &str,
    opts: &LoadOptions,
    out: &mut Out<'_>,
) {
    let (vars, limits) = (&opts.vars, &opts.limits);
    for (_, prop, kind) in DOCUMENT_PROPERTIES.iter().filter(|(t, ..)| *t == ty) {
        let mut found = Vec::new();
        walk(props, prop, base, &mut found, out.branches);
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
                    Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                    _ => continue,
                }
            } else {
                *kind
            };
            let origin = Origin {
                path: path.clone(),
                resource: Some((id.to_string(), ty.to_string())),
                embedded: false,
            };
            match document_node(node, src, limits) {
                DocNode::Tree(n) => push_variants(out.docs, n, kind, origin, vars),
                DocNode::Embedded(n, functions) => {
                    let origin = Origin {
                        embedded: true,
                        ..origin
                    };
                    let prefix = format!("{path}.");
                    let first = out.docs.len();
                    push_variants(out.docs, &n, kind, origin, vars);
                    for doc in &mut out.docs[first..] {
                        doc.issues.extend(functions.iter().map(|(span, at, name)| {
                            crate::cfn_embedded::function_issue(
                                *span,
                                format!("{prefix}{at}"),
                                name,
                            )
                        }));
                    }
                }
                DocNode::List(items) => {
                    let first = out.docs.len();
                    for (i, item) in items.iter().enumerate() {
                        let origin = Origin {
                            path: iamlint_policy::path::index(&path, i),
                            ..origin.clone()
                        };
                        push_variants(out.docs, item, kind, origin, vars);
                    }
                    if let Some(doc) = out.docs.get_mut(first) {
                        doc.issues.push(ModelIssue {
                            kind: IssueKind::WrongType,
                            span: node.span,
                            path: path.clone(),
                            message: format!(
                                "`{}` must be one policy document (an object or a JSON string), found a list of {}; each is checked here",
                                path.rsplit('.').next().unwrap_or("PolicyDocument"),
                                items.len()
                            ),
                            related: None,
                        });
                    }
                }
                DocNode::Unknown(why, span) => out.issues.push(ModelIssue {
                    kind: IssueKind::NotADocument,
                    span,
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
        // `!If` around the list or around an item: each branch
        let mut items: Vec<(&Node, String)> = Vec::new();
        for (v, path) in crate::cfn_if::alternatives(v, path, out.branches) {
            match &v.value {
                Value::Seq(list) if intrinsic(v).is_none() => {
                    for (i, n) in list.iter().enumerate() {
                        let p = iamlint_policy::path::index(&path, i);
                        items.extend(crate::cfn_if::alternatives(n, p, out.branches));
                    }
                }
                _ => items.push((v, path)),
            }
        }
        for (n, p) in items {
            if is_no_value(n) {
                continue;
            }
            if let Ok(arn) = text_of(n, &p, vars) {
                out.refs.push(ManagedPolicyRef {
                    arn,
                    resource: id.to_string(),
                    property: prop.to_string(),
                });
            }
        }
    }
}

/// A policy document, or its variants when its statements hold `Fn::If`s.
fn push_variants(
    docs: &mut Vec<Document>,
    n: &Node,
    kind: PolicyKind,
    origin: Origin,
    vars: &Vars,
) {
    let variants = crate::cfn_if::variants(n);
    if variants.is_empty() {
        docs.push(normalize_document(n, kind, false, origin, vars));
        return;
    }
    for (tree, assign) in variants {
        let mut doc = normalize_document(&tree, kind, false, origin.clone(), vars);
        doc.branches
            .extend(assign.into_iter().map(|(condition, value)| Branch {
                path: String::new(),
                condition,
                value,
            }));
        docs.push(doc);
    }
}

enum DocNode<'a> {
    Tree(&'a Node),
    /// A JSON-string policy (spans mapped into the string), with the CloudFormation
    /// functions written inside it.
    Embedded(Node, Vec<(iamlint_syntax::Span, String, String)>),
    /// A list where one document belongs.
    List(&'a [Node]),
    Unknown(String, iamlint_syntax::Span),
    Skip,
}

fn document_node<'a>(node: &'a Node, src: &str, limits: &Limits) -> DocNode<'a> {
    if is_no_value(node) {
        return DocNode::Skip;
    }
    match crate::cfn_embedded::parse(node, src, limits) {
        Some(crate::cfn_embedded::Embedded::Document(n, functions)) => {
            return DocNode::Embedded(n, functions)
        }
        Some(crate::cfn_embedded::Embedded::Broken(span, why)) => {
            return DocNode::Unknown(why, span)
        }
        None => {}
    }
    match &node.value {
        Value::Map(_) if intrinsic(node).is_none() => DocNode::Tree(node),
        Value::Seq(items) if intrinsic(node).is_none() && !items.is_empty() => DocNode::List(items),
        _ => {
            let what = match intrinsic(node) {
                Some((name, _)) => format!("CloudFormation `{name}`"),
                None => format!("{} {}", "a", node.type_name()),
            };
            DocNode::Unknown(
                format!("this policy is computed by {what} and cannot be checked"),
                node.span,
            )
        }
    }
}

/// Collect the nodes at a property path like `Policies[*].PolicyDocument`.
fn walk<'a>(
    node: &'a Node,
    path: &str,
    base: &str,
    out: &mut Vec<(&'a Node, String)>,
    branches: &mut Vec<Branch>,
) {
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
        // `Policies: !If [cond, [...], [...]]`: the items of each branch
        for (list, lp) in crate::cfn_if::alternatives(v, here, branches) {
            if let Value::Seq(items) = &list.value {
                if intrinsic(list).is_some() {
                    continue;
                }
                for (i, item) in items.iter().enumerate() {
                    let ip = format!("{lp}[{i}]");
                    targets.extend(crate::cfn_if::alternatives(item, ip, branches));
                }
            }
        }
    } else {
        if matches!(v.value, Value::Seq(_))
            && rest.is_none()
            && intrinsic(v).is_none()
            && key == "Policies"
        {
            // SAM `Policies` as a list is handled by the `[*]` form
            return;
        }
        targets.extend(crate::cfn_if::alternatives(v, here, branches));
    }
    for (t, p) in targets {
        match rest {
            Some(r) => walk(t, r, &p, out, branches),
            None => out.push((t, p)),
        }
    }
}

/// `Metadata: iamlint: ignore:` entries of every resource.
fn metadata_ignores(root: &Node) -> Vec<MetadataIgnore> {
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
