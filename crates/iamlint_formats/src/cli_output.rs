//! What the AWS CLI prints about IAM (JSON, or YAML with `--output yaml`): `aws iam
//! get-role`, `get-role-policy` / `get-user-policy` / `get-group-policy`,
//! `get-policy-version`, `list-attached-role-policies` (and the user and group ones), and
//! the account dump `aws iam get-account-authorization-details`: users, groups and roles
//! with their inline policies, attached managed policies and boundaries, and the customer
//! managed policies with their versions (the default version is the one in force).
//!
//! Documents the API returns URL-encoded (`%7B%22Version%22...`, as the IAM API and some
//! SDKs print them) are decoded, with spans into the encoded text.

use crate::{Format, LoadOptions, Source};
use iamlint_policy::normalize::normalize_document;
use iamlint_policy::{
    Attachment, AttachmentTarget, FileKind, IssueKind, ManagedPolicyRef, ModelIssue, Origin,
    PolicyFile, PolicyKind, PrincipalDef, PrincipalKind, Text,
};
use iamlint_syntax::{
    decode_json_string, decode_percent, decode_yaml_scalar, parse_json, Node, SourceKind, Value,
};
use std::collections::HashMap;

pub(crate) struct CliOutput;

impl Format for CliOutput {
    fn name(&self) -> &'static str {
        "aws-cli-output"
    }

    fn title(&self) -> &'static str {
        "AWS CLI output"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".json", ".yaml", ".yml"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        src.structured().any_root(|r| shape(r).is_some())
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        let s = src.structured();
        let mut file = PolicyFile::empty("aws-cli-output", s.syntax, FileKind::NotAPolicy);
        file.syntax_errors = s.parsed.errors.clone();
        file.duplicate_keys = s.parsed.duplicate_keys.clone();
        for root in &s.parsed.documents {
            extract(root, src.text, src.opts, "", &mut file);
        }
        if crate::shell::holds_something(&file) {
            file.kind = FileKind::Other;
        } else if !file.syntax_errors.is_empty() {
            file.kind = FileKind::Unparsed;
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

/// Which command printed this tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    AccountDump,
    GetRole,
    GetInlinePolicy(PrincipalKind),
    GetPolicyVersion,
    ListAttached,
}

fn shape(root: &Node) -> Option<Shape> {
    let m = root.as_map()?;
    let has = |k: &str| m.iter().any(|e| e.key == k);
    if has("UserDetailList") || has("RoleDetailList") || has("GroupDetailList") {
        return Some(Shape::AccountDump);
    }
    if root
        .get("Policies")
        .and_then(Node::as_seq)
        .is_some_and(|s| s.iter().any(|p| p.get("PolicyVersionList").is_some()))
    {
        return Some(Shape::AccountDump);
    }
    if root
        .get("Role")
        .is_some_and(|r| r.get("RoleName").is_some() && r.get("AssumeRolePolicyDocument").is_some())
    {
        return Some(Shape::GetRole);
    }
    if root
        .get("PolicyVersion")
        .is_some_and(|v| v.get("Document").is_some())
    {
        return Some(Shape::GetPolicyVersion);
    }
    if has("PolicyDocument") && has("PolicyName") {
        for (k, kind) in [
            ("RoleName", PrincipalKind::Role),
            ("UserName", PrincipalKind::User),
            ("GroupName", PrincipalKind::Group),
        ] {
            if has(k) {
                return Some(Shape::GetInlinePolicy(kind));
            }
        }
    }
    if root
        .get("AttachedPolicies")
        .and_then(Node::as_seq)
        .is_some_and(|s| s.iter().all(|p| p.get("PolicyArn").is_some()))
    {
        return Some(Shape::ListAttached);
    }
    None
}

/// Read one tree of CLI output into `file`; `false` when it is not CLI output.
pub(crate) fn extract(
    root: &Node,
    text: &str,
    opts: &LoadOptions,
    prefix: &str,
    file: &mut PolicyFile,
) -> bool {
    let Some(shape) = shape(root) else {
        return false;
    };
    let mut cx = Cx {
        text,
        opts,
        prefix: if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}.")
        },
        principals: file
            .principals
            .iter()
            .enumerate()
            .map(|(i, p)| ((p.kind, p.id.clone()), i))
            .collect(),
        file,
        policies: HashMap::new(),
    };
    match shape {
        Shape::AccountDump => cx.dump(root),
        Shape::GetRole => {
            if let Some(role) = root.get("Role") {
                cx.role(role, &format!("{}Role", cx.prefix));
            }
        }
        Shape::GetInlinePolicy(kind) => {
            let key = match kind {
                PrincipalKind::Role => "RoleName",
                PrincipalKind::User => "UserName",
                PrincipalKind::Group => "GroupName",
            };
            let owner = str_of(root, key).unwrap_or_default();
            let at = cx.prefix.trim_end_matches('.').to_string();
            let p = cx.principal(kind, &owner, root, &at);
            let name = str_of(root, "PolicyName").unwrap_or_default();
            if let Some(doc) = root.get("PolicyDocument") {
                let path = format!("{}PolicyDocument", cx.prefix);
                let about = format!("the inline policy `{name}` of {} `{owner}`", kind.as_str());
                if let Some(d) = cx.document(
                    doc,
                    PolicyKind::Identity,
                    path,
                    Some((owner, inline_type(kind))),
                    about,
                ) {
                    cx.file.principals[p].inline.push(d);
                }
            }
        }
        Shape::GetPolicyVersion => {
            if let Some(v) = root.get("PolicyVersion") {
                if let Some(doc) = v.get("Document") {
                    let version = str_of(v, "VersionId").unwrap_or_default();
                    let path = format!("{}PolicyVersion.Document", cx.prefix);
                    let about = format!("policy version `{version}`");
                    cx.document(doc, PolicyKind::Identity, path, None, about);
                }
            }
        }
        Shape::ListAttached => {
            let path = format!("{}AttachedPolicies", cx.prefix);
            if let Some(items) = root.get("AttachedPolicies").and_then(Node::as_seq) {
                for (i, item) in items.iter().enumerate() {
                    if let Some(arn) = item.get("PolicyArn") {
                        if let Some(t) = cx.text_at(arn, iamlint_policy::path::index(&path, i)) {
                            cx.file.managed_policies.push(ManagedPolicyRef {
                                arn: t,
                                resource: "the listed principal".into(),
                                property: "ManagedPolicyArns".into(),
                            });
                        }
                    }
                }
            }
        }
    }
    true
}

fn inline_type(kind: PrincipalKind) -> String {
    match kind {
        PrincipalKind::Role => "AWS::IAM::RolePolicy",
        PrincipalKind::User => "AWS::IAM::UserPolicy",
        PrincipalKind::Group => "AWS::IAM::GroupPolicy",
    }
    .to_string()
}

fn str_of(node: &Node, key: &str) -> Option<String> {
    node.get(key)
        .and_then(|n| n.scalar_text())
        .map(|c| c.into_owned())
}

struct Cx<'a> {
    text: &'a str,
    opts: &'a LoadOptions,
    prefix: String,
    file: &'a mut PolicyFile,
    /// Customer managed policies of a dump: ARN → document index of the default version.
    policies: HashMap<String, usize>,
    /// The principals of the file by kind and name (a dump of thousands of roles is not
    /// searched from the start for each).
    principals: HashMap<(PrincipalKind, String), usize>,
}

impl Cx<'_> {
    fn text_at(&self, n: &Node, path: String) -> Option<Text> {
        iamlint_policy::text::text_of(n, &path, &self.opts.vars).ok()
    }

    fn principal(&mut self, kind: PrincipalKind, name: &str, node: &Node, path: &str) -> usize {
        if let Some(&i) = self.principals.get(&(kind, name.to_string())) {
            return i;
        }
        let key = match kind {
            PrincipalKind::Role => "RoleName",
            PrincipalKind::User => "UserName",
            PrincipalKind::Group => "GroupName",
        };
        let name_node = node.get(key);
        self.file.principals.push(PrincipalDef {
            kind,
            id: name.to_string(),
            name: name_node.and_then(|n| self.text_at(n, format!("{path}.{key}"))),
            span: name_node.map_or(node.span, |n| n.span),
            path: path.to_string(),
            trust: None,
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            groups: Vec::new(),
            instance_profiles: Vec::new(),
            outside: Vec::new(),
        });
        let i = self.file.principals.len() - 1;
        self.principals.insert((kind, name.to_string()), i);
        i
    }

    /// A policy document as the CLI prints it: an object, or a string (URL-encoded, or
    /// JSON text), decoded with spans into the file.
    fn document(
        &mut self,
        node: &Node,
        kind: PolicyKind,
        path: String,
        resource: Option<(String, String)>,
        about: String,
    ) -> Option<usize> {
        let origin = Origin {
            path: path.clone(),
            resource,
            embedded: false,
        };
        let mut doc = match &node.value {
            Value::Map(_) => normalize_document(node, kind, false, origin, &self.opts.vars),
            Value::String(s, _) => {
                let decoded = match node.tag {
                    None if self.text.as_bytes().get(node.span.start as usize) == Some(&b'"') => {
                        decode_json_string(self.text, node.span.start as usize)
                    }
                    _ => decode_yaml_scalar(self.text, node),
                };
                let (inner_text, inner_map) = match decoded {
                    Some((t, m)) if t == *s => match decode_percent(&t) {
                        Some((p, pm)) if t.contains('%') => (p, Some(m.then(&pm))),
                        _ => (t, Some(m)),
                    },
                    // a form whose layout is not followed: every span is the string's
                    _ => match decode_percent(s) {
                        Some((p, _)) => (p, None),
                        None => (s.clone(), None),
                    },
                };
                let mut parsed = parse_json(&inner_text, &self.opts.limits);
                match &inner_map {
                    Some(m) => parsed.map_spans(&mut |sp| m.map(sp)),
                    None => {
                        let whole = node.span;
                        parsed.map_spans(&mut |_| whole);
                    }
                }
                if !parsed.errors.is_empty() {
                    self.file.syntax_errors.extend(parsed.errors);
                    return None;
                }
                let root = parsed.documents.into_iter().next()?;
                normalize_document(&root, kind, false, origin, &self.opts.vars)
            }
            _ => {
                self.file.issues.push(ModelIssue {
                    kind: IssueKind::NotADocument,
                    span: node.span,
                    path,
                    message: format!(
                        "a policy document must be an object or a string, found {}",
                        node.type_name()
                    ),
                    related: None,
                });
                return None;
            }
        };
        doc.about = Some(about);
        self.file.documents.push(doc);
        Some(self.file.documents.len() - 1)
    }

    fn role(&mut self, role: &Node, path: &str) {
        let name = str_of(role, "RoleName").unwrap_or_default();
        let p = self.principal(PrincipalKind::Role, &name, role, path);
        if let Some(doc) = role.get("AssumeRolePolicyDocument") {
            let about = format!("the trust policy of role `{name}`");
            let d = self.document(
                doc,
                PolicyKind::Trust,
                format!("{path}.AssumeRolePolicyDocument"),
                Some((name.clone(), "AWS::IAM::Role".into())),
                about,
            );
            self.file.principals[p].trust = d;
        }
        self.common(role, p, PrincipalKind::Role, &name, path, "RolePolicyList");
    }

    /// Inline policies, attached managed policies and the boundary of a principal.
    fn common(
        &mut self,
        node: &Node,
        p: usize,
        kind: PrincipalKind,
        name: &str,
        path: &str,
        inline_key: &str,
    ) {
        if let Some(list) = node.get(inline_key).and_then(Node::as_seq) {
            for (i, item) in list.iter().enumerate() {
                let pname = str_of(item, "PolicyName").unwrap_or_default();
                let Some(doc) = item.get("PolicyDocument") else {
                    continue;
                };
                let ipath = format!(
                    "{}.PolicyDocument",
                    iamlint_policy::path::index(&format!("{path}.{inline_key}"), i)
                );
                let about = format!("the inline policy `{pname}` of {} `{name}`", kind.as_str());
                if let Some(d) = self.document(
                    doc,
                    PolicyKind::Identity,
                    ipath,
                    Some((name.to_string(), inline_type(kind))),
                    about,
                ) {
                    self.file.principals[p].inline.push(d);
                }
            }
        }
        if let Some(list) = node.get("AttachedManagedPolicies").and_then(Node::as_seq) {
            for (i, item) in list.iter().enumerate() {
                let Some(arn_node) = item.get("PolicyArn") else {
                    continue;
                };
                let apath = format!(
                    "{}.PolicyArn",
                    iamlint_policy::path::index(&format!("{path}.AttachedManagedPolicies"), i)
                );
                let Some(arn) = self.text_at(arn_node, apath.clone()) else {
                    continue;
                };
                let target = match arn.as_literal().and_then(|a| self.policies.get(a)) {
                    Some(&d) => AttachmentTarget::Document(d),
                    None => AttachmentTarget::Arn(arn.clone()),
                };
                self.file.principals[p].attached.push(Attachment {
                    target,
                    span: arn_node.span,
                    path: apath,
                });
                self.file.managed_policies.push(ManagedPolicyRef {
                    arn,
                    resource: name.to_string(),
                    property: "ManagedPolicyArns".into(),
                });
            }
        }
        if let Some(b) = node
            .get("PermissionsBoundary")
            .and_then(|b| b.get("PermissionsBoundaryArn"))
        {
            let bpath = format!("{path}.PermissionsBoundary.PermissionsBoundaryArn");
            if let Some(arn) = self.text_at(b, bpath.clone()) {
                let target = match arn.as_literal().and_then(|a| self.policies.get(a)) {
                    Some(&d) => AttachmentTarget::Document(d),
                    None => AttachmentTarget::Arn(arn.clone()),
                };
                self.file.principals[p].boundary = Some(Attachment {
                    target,
                    span: b.span,
                    path: bpath,
                });
                self.file.managed_policies.push(ManagedPolicyRef {
                    arn,
                    resource: name.to_string(),
                    property: "PermissionsBoundary".into(),
                });
            }
        }
    }

    /// `get-account-authorization-details`: customer managed policies first (so that
    /// attachments find their documents), then groups, users and roles.
    fn dump(&mut self, root: &Node) {
        let pre = self.prefix.clone();
        if let Some(list) = root.get("Policies").and_then(Node::as_seq) {
            for (i, pol) in list.iter().enumerate() {
                let ppath = iamlint_policy::path::index(&format!("{pre}Policies"), i);
                let name = str_of(pol, "PolicyName").unwrap_or_default();
                let arn = str_of(pol, "Arn").unwrap_or_default();
                if arn.contains(":iam::aws:policy/") {
                    // an AWS managed policy: its document is AWS's (see `iamlint managed`)
                    continue;
                }
                let default = str_of(pol, "DefaultVersionId");
                let Some(versions) = pol.get("PolicyVersionList").and_then(Node::as_seq) else {
                    continue;
                };
                for (j, v) in versions.iter().enumerate() {
                    let vid = str_of(v, "VersionId").unwrap_or_default();
                    let is_default = matches!(
                        v.get("IsDefaultVersion").map(|n| &n.value),
                        Some(Value::Bool(true))
                    ) || default.as_deref() == Some(vid.as_str());
                    if !is_default {
                        // only the default version is in force
                        continue;
                    }
                    let Some(doc) = v.get("Document") else {
                        continue;
                    };
                    let dpath = format!(
                        "{}.Document",
                        iamlint_policy::path::index(&format!("{ppath}.PolicyVersionList"), j)
                    );
                    let about =
                        format!("the customer managed policy `{name}` (default version `{vid}`)");
                    if let Some(d) = self.document(
                        doc,
                        PolicyKind::Identity,
                        dpath,
                        Some((name.clone(), "AWS::IAM::ManagedPolicy".into())),
                        about,
                    ) {
                        self.policies.insert(arn.clone(), d);
                    }
                }
            }
        }
        if let Some(list) = root.get("GroupDetailList").and_then(Node::as_seq) {
            for (i, g) in list.iter().enumerate() {
                let path = iamlint_policy::path::index(&format!("{pre}GroupDetailList"), i);
                let name = str_of(g, "GroupName").unwrap_or_default();
                let p = self.principal(PrincipalKind::Group, &name, g, &path);
                self.common(g, p, PrincipalKind::Group, &name, &path, "GroupPolicyList");
            }
        }
        if let Some(list) = root.get("UserDetailList").and_then(Node::as_seq) {
            for (i, u) in list.iter().enumerate() {
                let path = iamlint_policy::path::index(&format!("{pre}UserDetailList"), i);
                let name = str_of(u, "UserName").unwrap_or_default();
                let p = self.principal(PrincipalKind::User, &name, u, &path);
                if let Some(groups) = u.get("GroupList").and_then(Node::as_seq) {
                    for g in groups {
                        if let Some(gn) = g.scalar_text() {
                            self.file.principals[p].groups.push(gn.into_owned());
                        }
                    }
                }
                self.common(u, p, PrincipalKind::User, &name, &path, "UserPolicyList");
            }
        }
        if let Some(list) = root.get("RoleDetailList").and_then(Node::as_seq) {
            for (i, r) in list.iter().enumerate() {
                let path = iamlint_policy::path::index(&format!("{pre}RoleDetailList"), i);
                self.role(r, &path);
            }
        }
    }
}
