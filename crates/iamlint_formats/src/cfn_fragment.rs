//! CloudFormation fragments, as guides and snippets show them: a resource without the
//! `Resources:` section (`Type: AWS::IAM::Role` with `Properties`, or `MyRole: {Type:
//! ...}`), a `Properties` block, a `Policies:` list or one `- PolicyName: ...
//! PolicyDocument: ...` item. Each is read as the template it would be part of: the
//! fragment is wrapped in a `Resources` section (its resource named by its `RoleName`,
//! `UserName`, `GroupName` or `PolicyName` when it has one, else by its type) and read by
//! the CloudFormation format, so every form that format reads (JSON-string policies,
//! `Fn::If` branches, managed policy ARNs) is read in fragments too.

use crate::{cloudformation, Format, LoadOptions, Source};
use iamlint_policy::{FileKind, PolicyFile};
use iamlint_syntax::{Entry, Node, ScalarStyle, SourceKind, Value};

pub(crate) struct CfnFragment;

impl Format for CfnFragment {
    fn name(&self) -> &'static str {
        "cloudformation-fragment"
    }

    fn title(&self) -> &'static str {
        "CloudFormation fragment"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".json", ".yaml", ".yml"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        src.structured().any_root(|r| wrap(r).is_some())
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        let s = src.structured();
        let mut file = PolicyFile::empty("cloudformation-fragment", s.syntax, FileKind::NotAPolicy);
        file.syntax_errors = s.parsed.errors.clone();
        file.duplicate_keys = s.parsed.duplicate_keys.clone();
        for root in &s.parsed.documents {
            if extract(root, src.text, src.opts, "", &mut file) {
                file.kind = FileKind::CloudFormation;
            }
        }
        crate::attach_duplicate_keys(&mut file);
        file
    }

    fn comments(&self, text: &str) -> Vec<iamlint_policy::Comment> {
        if crate::structured::detect_syntax("", text) == SourceKind::Yaml {
            crate::line_comments(text, "#")
        } else {
            Vec::new()
        }
    }
}

/// Read a fragment into `file`; `false` when the tree is not one.
pub(crate) fn extract(
    root: &Node,
    text: &str,
    opts: &LoadOptions,
    _path: &str,
    file: &mut PolicyFile,
) -> bool {
    let Some(template) = wrap(root) else {
        return false;
    };
    cloudformation::extract(&template, text, opts, file);
    true
}

/// Whether a tree is a resource (`Type: AWS::...` or `Custom::...`).
fn is_resource(n: &Node) -> bool {
    n.get("Type")
        .and_then(Node::as_str)
        .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
}

/// A `Policies` item: a mapping with a `PolicyDocument`.
fn is_policy_item(n: &Node) -> bool {
    n.get("PolicyDocument").is_some()
}

/// The template a fragment belongs to: `{Resources: {...}}`, or `None`.
pub(crate) fn wrap(root: &Node) -> Option<Node> {
    if root.get("Resources").is_some() || root.get("Statement").is_some() {
        return None;
    }
    // one resource, without its logical id
    if is_resource(root) && root.get("Properties").is_some() {
        let ty = root.get("Type").and_then(Node::as_str).unwrap_or("");
        let id = resource_id(root.get("Properties"), ty);
        return Some(resources(vec![entry(&id, root.clone())], root));
    }
    if let Some(m) = root.as_map() {
        // resources without the `Resources:` key
        if !m.is_empty() && m.iter().all(|e| is_resource(&e.value)) {
            return Some(resources(m.to_vec(), root));
        }
        // a `Properties:` block, or the properties themselves
        let props = match root.get("Properties") {
            Some(p) if m.len() == 1 => p,
            _ => root,
        };
        if let Some(ty) = guess_type(props) {
            let id = resource_id(Some(props), ty);
            let props = if ty == "AWS::IAM::Role"
                && is_policy_item(props)
                && props.get("Roles").is_none()
            {
                // one `- PolicyName: ... PolicyDocument: ...` item of a `Policies` list
                seq_node(vec![props.clone()], props)
            } else {
                props.clone()
            };
            let props = if props.as_seq().is_some() {
                map_node(vec![entry("Policies", props.clone())], &props)
            } else {
                props
            };
            let res = map_node(
                vec![
                    entry("Type", string_node(ty, root)),
                    entry("Properties", props),
                ],
                root,
            );
            return Some(resources(vec![entry(&id, res)], root));
        }
    }
    // a `Policies` list
    if let Some(items) = root.as_seq() {
        if !items.is_empty() && items.iter().all(is_policy_item) {
            let props = map_node(vec![entry("Policies", root.clone())], root);
            let res = map_node(
                vec![
                    entry("Type", string_node("AWS::IAM::Role", root)),
                    entry("Properties", props),
                ],
                root,
            );
            return Some(resources(vec![entry("Policies", res)], root));
        }
    }
    None
}

/// The resource type whose properties these are, from the properties that hold policies.
fn guess_type(props: &Node) -> Option<&'static str> {
    let has = |k: &str| props.get(k).is_some();
    let policies_list = props
        .get("Policies")
        .and_then(Node::as_seq)
        .is_some_and(|s| !s.is_empty() && s.iter().all(is_policy_item));
    Some(if has("AssumeRolePolicyDocument") {
        "AWS::IAM::Role"
    } else if has("KeyPolicy") {
        "AWS::KMS::Key"
    } else if has("PolicyDocument") && has("Bucket") {
        "AWS::S3::BucketPolicy"
    } else if has("PolicyDocument") && has("Queues") {
        "AWS::SQS::QueuePolicy"
    } else if has("PolicyDocument") && has("Topics") {
        "AWS::SNS::TopicPolicy"
    } else if has("PolicyDocument")
        && (has("Roles") || has("Users") || has("Groups"))
        && has("PolicyName")
    {
        "AWS::IAM::Policy"
    } else if has("PolicyDocument") && has("PolicyName") {
        "AWS::IAM::Role"
    } else if has("PolicyDocument") {
        "AWS::IAM::ManagedPolicy"
    } else if policies_list || has("ManagedPolicyArns") {
        if has("UserName") {
            "AWS::IAM::User"
        } else if has("GroupName") {
            "AWS::IAM::Group"
        } else {
            "AWS::IAM::Role"
        }
    } else {
        return None;
    })
}

/// A fragment's resource name: its `RoleName` (etc.) as written, else its type's name.
fn resource_id(props: Option<&Node>, ty: &str) -> String {
    let named = props.and_then(|p| {
        [
            "RoleName",
            "UserName",
            "GroupName",
            "ManagedPolicyName",
            "PolicyName",
        ]
        .iter()
        .find_map(|k| p.get(k).and_then(Node::as_str))
    });
    match named {
        Some(n)
            if !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-+=,.@".contains(c)) =>
        {
            n.to_string()
        }
        _ => ty.rsplit("::").next().unwrap_or("Fragment").to_string(),
    }
}

fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_span: value.span,
        value,
    }
}

fn map_node(entries: Vec<Entry>, at: &Node) -> Node {
    Node {
        span: at.span,
        tag: None,
        value: Value::Map(entries),
    }
}

fn seq_node(items: Vec<Node>, at: &Node) -> Node {
    Node {
        span: at.span,
        tag: None,
        value: Value::Seq(items),
    }
}

fn string_node(s: &str, at: &Node) -> Node {
    Node {
        span: at.span,
        tag: None,
        value: Value::String(s.to_string(), ScalarStyle::Plain),
    }
}

fn resources(entries: Vec<Entry>, at: &Node) -> Node {
    map_node(vec![entry("Resources", map_node(entries, at))], at)
}
