//! The users, groups and roles a CloudFormation template defines, with the policies each
//! is given: inline `Policies`, `ManagedPolicyArns` (AWS managed by ARN, customer managed
//! policies of the same template by `!Ref` or by name), `PermissionsBoundary`, the trust
//! policy, `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` / `AWS::IAM::RolePolicy` (and
//! the user and group forms) attached through `Roles`/`Users`/`Groups`, a user's
//! `Groups` and `AWS::IAM::UserToGroupAddition`, and the instance profiles that hold a
//! role.
//!
//! The documents themselves are extracted by `cloudformation.rs`; this module only links
//! them to principals (by index into [`PolicyFile::documents`]), so a document is
//! normalized once however many principals hold it.

use crate::LoadOptions;
use iamlint_policy::path::index;
use iamlint_policy::text::{intrinsic, is_no_value, text_of};
use iamlint_policy::{
    Attachment, AttachmentTarget, Part, PolicyFile, PrincipalDef, PrincipalKind, Text,
};
use iamlint_syntax::{Entry, Node, Value};
use std::collections::{HashMap, HashSet};

/// The resource types that are principals.
fn principal_kind(ty: &str) -> Option<PrincipalKind> {
    match ty {
        "AWS::IAM::Role" => Some(PrincipalKind::Role),
        "AWS::IAM::User" => Some(PrincipalKind::User),
        "AWS::IAM::Group" => Some(PrincipalKind::Group),
        _ => None,
    }
}

/// The property holding a principal's own name.
fn name_property(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::Role => "RoleName",
        PrincipalKind::User => "UserName",
        PrincipalKind::Group => "GroupName",
    }
}

/// Links the documents extracted from `root` (those from index `first` on) to the
/// principals the template defines, into `file.principals`.
pub(crate) fn extract(root: &Node, opts: &LoadOptions, first: usize, file: &mut PolicyFile) {
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return;
    };
    let mut cx = Template::new(resources, opts, first, file);
    for r in resources {
        let Some(kind) = r
            .value
            .get("Type")
            .and_then(Node::as_str)
            .and_then(principal_kind)
        else {
            continue;
        };
        cx.define(r, kind);
    }
    cx.index_defined();
    for r in resources {
        let Some(ty) = r.value.get("Type").and_then(Node::as_str) else {
            continue;
        };
        let Some(props) = r.value.get("Properties") else {
            continue;
        };
        let base = format!("Resources.{}.Properties", r.key);
        match ty {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let docs = cx.documents_of(&r.key, "PolicyDocument");
                for (key, kind) in [
                    ("Roles", PrincipalKind::Role),
                    ("Users", PrincipalKind::User),
                    ("Groups", PrincipalKind::Group),
                ] {
                    for (node, path) in items(props.get(key), &format!("{base}.{key}")) {
                        cx.attach_documents(kind, node, &path, &docs);
                    }
                }
            }
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                let (key, kind) = match ty {
                    "AWS::IAM::RolePolicy" => ("RoleName", PrincipalKind::Role),
                    "AWS::IAM::UserPolicy" => ("UserName", PrincipalKind::User),
                    _ => ("GroupName", PrincipalKind::Group),
                };
                let docs = cx.documents_of(&r.key, "PolicyDocument");
                if let Some(node) = props.get(key) {
                    cx.attach_documents(kind, node, &format!("{base}.{key}"), &docs);
                }
            }
            "AWS::IAM::InstanceProfile" => {
                for (node, _) in items(props.get("Roles"), &format!("{base}.Roles")) {
                    if let Some(i) = cx.find(PrincipalKind::Role, node) {
                        cx.principal(i).instance_profiles.push(r.key.clone());
                    }
                }
            }
            "AWS::IAM::UserToGroupAddition" => {
                let Some(group) = props
                    .get("GroupName")
                    .and_then(|g| cx.find(PrincipalKind::Group, g))
                else {
                    continue;
                };
                let group_id = cx.principal(group).id.clone();
                for (node, _) in items(props.get("Users"), &format!("{base}.Users")) {
                    if let Some(u) = cx.find(PrincipalKind::User, node) {
                        let user = cx.principal(u);
                        if !user.groups.contains(&group_id) {
                            user.groups.push(group_id.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

struct Template<'a> {
    opts: &'a LoadOptions,
    file: &'a mut PolicyFile,
    /// (logical id, kind, index into `file.principals`) of the principals defined here.
    defined: Vec<(String, PrincipalKind, usize)>,
    /// Lookups made once (a template of thousands of resources was scanned from its start
    /// for every reference): the documents of each logical id (from `first` on, in
    /// order), the logical ids of `AWS::IAM::ManagedPolicy` resources, the first managed
    /// policy of each `ManagedPolicyName` and group of each `GroupName`.
    documents_by_id: HashMap<String, Vec<usize>>,
    managed_ids: HashSet<&'a str>,
    managed_by_name: HashMap<&'a str, &'a str>,
    groups_by_name: HashMap<&'a str, &'a str>,
    /// The first principal defined of each (logical id, kind) and (kind, literal name),
    /// once every principal is defined.
    defined_by_id: HashMap<(String, PrincipalKind), usize>,
    defined_by_name: HashMap<(PrincipalKind, String), usize>,
}

impl<'a> Template<'a> {
    fn new(
        resources: &'a [Entry],
        opts: &'a LoadOptions,
        first: usize,
        file: &'a mut PolicyFile,
    ) -> Template<'a> {
        let mut documents_by_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in file.documents.iter().enumerate().skip(first) {
            if let Some((r, _)) = &d.origin.resource {
                documents_by_id.entry(r.clone()).or_default().push(i);
            }
        }
        let mut managed_ids = HashSet::new();
        let mut managed_by_name = HashMap::new();
        let mut groups_by_name = HashMap::new();
        for r in resources {
            let property = |key: &str| {
                r.value
                    .get("Properties")
                    .and_then(|p| p.get(key))
                    .and_then(Node::as_str)
            };
            match r.value.get("Type").and_then(Node::as_str) {
                Some("AWS::IAM::ManagedPolicy") => {
                    managed_ids.insert(r.key.as_str());
                    if let Some(n) = property("ManagedPolicyName") {
                        managed_by_name.entry(n).or_insert(r.key.as_str());
                    }
                }
                Some("AWS::IAM::Group") => {
                    if let Some(n) = property("GroupName") {
                        groups_by_name.entry(n).or_insert(r.key.as_str());
                    }
                }
                _ => {}
            }
        }
        Template {
            opts,
            file,
            defined: Vec::new(),
            documents_by_id,
            managed_ids,
            managed_by_name,
            groups_by_name,
            defined_by_id: HashMap::new(),
            defined_by_name: HashMap::new(),
        }
    }

    /// Index the principals defined (after the last `define`).
    fn index_defined(&mut self) {
        for (id, kind, i) in &self.defined {
            self.defined_by_id.entry((id.clone(), *kind)).or_insert(*i);
            if let Some(name) = self
                .file
                .principals
                .get(*i)
                .and_then(|p| p.name.as_ref())
                .and_then(Text::as_literal)
            {
                self.defined_by_name
                    .entry((*kind, name.to_string()))
                    .or_insert(*i);
            }
        }
    }

    fn principal(&mut self, i: usize) -> &mut PrincipalDef {
        &mut self.file.principals[i]
    }

    /// The documents extracted from the property `property` of resource `id` (several
    /// when the property is an `Fn::If`).
    fn documents_of(&self, id: &str, property: &str) -> Vec<usize> {
        let path = format!("Resources.{id}.Properties.{property}");
        let nested = format!("{path}.");
        let list = format!("{path}[");
        self.documents_by_id
            .get(id)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                self.file.documents.get(i).is_some_and(|d| {
                    d.origin.path == path
                        || d.origin.path.starts_with(&nested)
                        || d.origin.path.starts_with(&list)
                })
            })
            .collect()
    }

    fn define(&mut self, r: &Entry, kind: PrincipalKind) {
        let base = format!("Resources.{}.Properties", r.key);
        let mut p = PrincipalDef::new(
            kind,
            r.key.clone(),
            r.key_span,
            format!("Resources.{}", r.key),
        );
        let props = r.value.get("Properties");
        let vars = &self.opts.vars;
        if let Some(n) = props.and_then(|p| p.get(name_property(kind))) {
            let path = format!("{base}.{}", name_property(kind));
            p.name = text_of(n, &path, vars).ok();
        }
        if kind == PrincipalKind::Role {
            p.trust = self
                .documents_of(&r.key, "AssumeRolePolicyDocument")
                .first()
                .copied();
        }
        p.inline = self.documents_of(&r.key, "Policies");
        if let Some(props) = props {
            let key = "ManagedPolicyArns";
            for (node, path) in items(props.get(key), &format!("{base}.{key}")) {
                p.attached.extend(self.attachments(node, &path));
            }
            // `!If [cond, arn, !Ref AWS::NoValue]`: the boundary when there is one
            let key = "PermissionsBoundary";
            p.boundary = items(props.get(key), &format!("{base}.{key}"))
                .into_iter()
                .flat_map(|(node, path)| self.attachments(node, &path))
                .next();
        }
        self.file.principals.push(p);
        self.defined
            .push((r.key.clone(), kind, self.file.principals.len() - 1));
        if kind == PrincipalKind::User {
            // groups are linked once every principal is defined
            let groups: Vec<(&Node, String)> = props
                .map(|p| items(p.get("Groups"), &format!("{base}.Groups")))
                .unwrap_or_default();
            let names: Vec<String> = groups.iter().map(|(node, _)| self.group_id(node)).collect();
            let i = self.file.principals.len() - 1;
            self.principal(i).groups = names;
        }
    }

    /// What a user's `Groups` item names: the logical id of a group of the template (by
    /// `!Ref` or `GroupName`), else the name as written.
    fn group_id(&self, node: &Node) -> String {
        if let Some(id) = ref_target(node) {
            return id.to_string();
        }
        let Some(name) = node.as_str() else {
            return text_of(node, "", &self.opts.vars)
                .map(|t| t.display())
                .unwrap_or_default();
        };
        self.groups_by_name
            .get(name)
            .map_or_else(|| name.to_string(), |id| (*id).to_string())
    }

    /// The attachments an ARN item makes: the customer managed policy of this template it
    /// names (by `!Ref` or by `ManagedPolicyName`), else the ARN as written.
    fn attachments(&self, node: &Node, path: &str) -> Vec<Attachment> {
        let at = |target| Attachment {
            target,
            span: node.span,
            path: path.to_string(),
        };
        let managed_policy = |id: &str| self.managed_ids.contains(id);
        if let Some(id) = ref_target(node).filter(|id| managed_policy(id)) {
            return self
                .documents_of(id, "PolicyDocument")
                .into_iter()
                .map(|d| at(AttachmentTarget::Document(d)))
                .collect();
        }
        let Ok(text) = text_of(node, path, &self.opts.vars) else {
            return Vec::new();
        };
        if let Some(name) = customer_policy_name(&text) {
            if let Some(id) = self.managed_by_name.get(name) {
                let docs = self.documents_of(id, "PolicyDocument");
                if !docs.is_empty() {
                    return docs
                        .into_iter()
                        .map(|d| at(AttachmentTarget::Document(d)))
                        .collect();
                }
            }
        }
        vec![at(AttachmentTarget::Arn(text))]
    }

    /// The principal of `kind` an item names: `!Ref Id` of a principal of the template,
    /// or its literal name.
    fn find(&self, kind: PrincipalKind, node: &Node) -> Option<usize> {
        if let Some(id) = ref_target(node) {
            return self.defined_by_id.get(&(id.to_string(), kind)).copied();
        }
        let name = node.as_str()?;
        self.defined_by_name.get(&(kind, name.to_string())).copied()
    }

    /// Attach `docs` to the principal `node` names, at `node`.
    fn attach_documents(&mut self, kind: PrincipalKind, node: &Node, path: &str, docs: &[usize]) {
        let Some(i) = self.find(kind, node) else {
            return;
        };
        for &d in docs {
            let attached = &self.file.principals[i].attached;
            if attached
                .iter()
                .any(|a| a.target == AttachmentTarget::Document(d))
            {
                continue; // named twice (`!Ref` and name): attached once
            }
            self.principal(i).attached.push(Attachment {
                target: AttachmentTarget::Document(d),
                span: node.span,
                path: path.to_string(),
            });
        }
    }
}

/// `X` of `!Ref X` / `{"Ref": "X"}`.
fn ref_target(node: &Node) -> Option<&str> {
    match intrinsic(node) {
        Some((name, arg)) if name == "Ref" => match arg.value() {
            Value::String(s, _) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// The items of a list property (or the property itself when it is one value), with
/// their paths; both branches of an `Fn::If`, without `AWS::NoValue`.
fn items<'a>(node: Option<&'a Node>, path: &str) -> Vec<(&'a Node, String)> {
    let mut out = Vec::new();
    if let Some(n) = node {
        push_items(n, path.to_string(), &mut out, 0);
    }
    out
}

fn push_items<'a>(node: &'a Node, path: String, out: &mut Vec<(&'a Node, String)>, depth: u8) {
    if is_no_value(node) || depth > 8 {
        return;
    }
    if let Some((name, arg)) = intrinsic(node) {
        if name == "Fn::If" {
            if let Value::Seq(branches) = arg.value() {
                for (i, b) in branches.iter().enumerate().skip(1) {
                    push_items(b, format!("{path}.Fn::If[{i}]"), out, depth + 1);
                }
                return;
            }
        }
        out.push((node, path));
        return;
    }
    match &node.value {
        Value::Seq(list) => {
            for (i, item) in list.iter().enumerate() {
                push_items(item, index(&path, i), out, depth + 1);
            }
        }
        _ => out.push((node, path)),
    }
}

/// The policy name of a customer managed policy ARN (`arn:…:iam::123456789012:policy/
/// path/Name`, the account possibly unknown), `None` for an AWS managed one (account
/// `aws`) or anything else.
fn customer_policy_name(arn: &Text) -> Option<&str> {
    let Some(Part::Literal(last)) = arn.parts.last() else {
        return None;
    };
    let (before, name) = last.rsplit_once(":policy/").map_or_else(
        || {
            // `...:policy/` in an earlier literal part is not a name we can read
            (None, None)
        },
        |(b, rest)| (Some(b), rest.rsplit('/').next()),
    );
    let name = name.filter(|n| !n.is_empty())?;
    // the account is the text between the fourth colon and `:policy/`; `aws` is AWS's
    let whole_literal = arn.as_literal();
    let account = match whole_literal {
        Some(s) => s.split(':').nth(4),
        None => before
            .and_then(|b| b.rsplit(':').next())
            .filter(|a| !a.is_empty()),
    };
    if account == Some("aws") {
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Text {
        Text::literal(s, Default::default(), "")
    }

    #[test]
    fn customer_policy_names() {
        assert_eq!(
            customer_policy_name(&lit("arn:aws:iam::123456789012:policy/team/Build")),
            Some("Build")
        );
        assert_eq!(
            customer_policy_name(&lit("arn:aws:iam::aws:policy/AdministratorAccess")),
            None
        );
        assert_eq!(customer_policy_name(&lit("arn:aws:s3:::bucket")), None);
        let sub = Text {
            parts: vec![
                Part::Literal("arn:".into()),
                Part::Hole {
                    kind: iamlint_policy::HoleKind::CfnRef,
                    name: "AWS::Partition".into(),
                },
                Part::Literal(":iam::".into()),
                Part::Hole {
                    kind: iamlint_policy::HoleKind::CfnRef,
                    name: "AWS::AccountId".into(),
                },
                Part::Literal(":policy/Build".into()),
            ]
            .into(),
            span: Default::default(),
            path: String::new(),
        };
        assert_eq!(customer_policy_name(&sub), Some("Build"));
    }
}
