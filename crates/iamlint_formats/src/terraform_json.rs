//! Terraform plan and state as JSON: `terraform show -json` of a plan (`planned_values`,
//! or `resource_changes[].change.after`) or of the state (`values`), and the state file
//! itself (`.tfstate`: `resources[].instances[].attributes`). Detected by content, not by
//! name. Policies there are JSON strings; their documents keep exact spans into the
//! string (escapes decoded byte by byte), and findings name the resource address
//! (`module.x.aws_iam_role.y`).

use crate::terraform::text::Decoded;
use crate::terraform::{slot_kind_of, POLICY_ATTRIBUTES};
use crate::{attach_duplicate_keys, Format, Source};
use iamlint_policy::normalize::normalize_document;
use iamlint_policy::*;
use iamlint_syntax::{Node, SourceKind, Value};

pub(crate) struct TerraformJson;

impl Format for TerraformJson {
    fn name(&self) -> &'static str {
        "terraform-json"
    }

    fn title(&self) -> &'static str {
        "Terraform plan or state"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".json", ".tfstate"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        let s = src.structured();
        s.syntax == SourceKind::Json && s.any_root(is_plan_or_state)
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        let s = src.structured();
        let mut file = PolicyFile::empty("terraform-json", SourceKind::Json, FileKind::Other);
        file.syntax_errors = s.parsed.errors.clone();
        file.duplicate_keys = s.parsed.duplicate_keys.clone();
        if let Some(root) = s.parsed.documents.first() {
            let resources = resources(root);
            extract(src, &resources, &mut file);
        }
        attach_duplicate_keys(&mut file);
        file
    }
}

/// Whether a tree is a plan or state as Terraform writes them.
fn is_plan_or_state(root: &Node) -> bool {
    let has = |k: &str| root.get(k).is_some();
    (has("format_version") && (has("planned_values") || has("values") || has("resource_changes")))
        || (has("terraform_version") && has("resources") && has("lineage"))
}

/// One resource instance: its address, type, whether it is a data source, its values.
struct Instance<'a> {
    address: String,
    ty: String,
    data: bool,
    values: &'a Node,
}

fn resources(root: &Node) -> Vec<Instance<'_>> {
    let mut out = Vec::new();
    if let Some(m) = root
        .get("planned_values")
        .and_then(|v| v.get("root_module"))
    {
        module(m, &mut out, 0);
    } else if let Some(m) = root.get("values").and_then(|v| v.get("root_module")) {
        module(m, &mut out, 0);
    }
    if out.is_empty() {
        // a plan without planned values: what each change makes
        for rc in root
            .get("resource_changes")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let (Some(address), Some(ty), Some(after)) = (
                rc.get("address").and_then(Node::as_str),
                rc.get("type").and_then(Node::as_str),
                rc.get("change").and_then(|c| c.get("after")),
            ) else {
                continue;
            };
            out.push(Instance {
                address: address.to_string(),
                ty: ty.to_string(),
                data: rc.get("mode").and_then(Node::as_str) == Some("data"),
                values: after,
            });
        }
    }
    // the state file
    for r in root.get("resources").and_then(Node::as_seq).unwrap_or(&[]) {
        let (Some(ty), Some(name)) = (
            r.get("type").and_then(Node::as_str),
            r.get("name").and_then(Node::as_str),
        ) else {
            continue;
        };
        let data = r.get("mode").and_then(Node::as_str) == Some("data");
        let mut base = String::new();
        if let Some(m) = r.get("module").and_then(Node::as_str) {
            base.push_str(m);
            base.push('.');
        }
        if data {
            base.push_str("data.");
        }
        base.push_str(ty);
        base.push('.');
        base.push_str(name);
        for inst in r.get("instances").and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(values) = inst.get("attributes") else {
                continue;
            };
            let address = match inst.get("index_key").map(|k| &k.value) {
                Some(Value::Number(n)) => format!("{base}[{n}]"),
                Some(Value::String(s, _)) => format!("{base}[\"{s}\"]"),
                _ => base.clone(),
            };
            out.push(Instance {
                address,
                ty: ty.to_string(),
                data,
                values,
            });
        }
    }
    out
}

fn module<'a>(m: &'a Node, out: &mut Vec<Instance<'a>>, depth: usize) {
    if depth > 64 {
        return;
    }
    for r in m.get("resources").and_then(Node::as_seq).unwrap_or(&[]) {
        let (Some(address), Some(ty), Some(values)) = (
            r.get("address").and_then(Node::as_str),
            r.get("type").and_then(Node::as_str),
            r.get("values"),
        ) else {
            continue;
        };
        out.push(Instance {
            address: address.to_string(),
            ty: ty.to_string(),
            data: r.get("mode").and_then(Node::as_str) == Some("data"),
            values,
        });
    }
    for c in m.get("child_modules").and_then(Node::as_seq).unwrap_or(&[]) {
        module(c, out, depth + 1);
    }
}

/// A policy written as a JSON string at `node` of the file: its document, every span in
/// the string.
fn document(
    src: &Source<'_>,
    node: &Node,
    kind: PolicyKind,
    path: String,
    resource: (String, String),
    file: &mut PolicyFile,
) -> Option<usize> {
    let Value::String(s, _) = &node.value else {
        return None;
    };
    if !s.trim_start().starts_with('{') {
        return None;
    }
    let (start, end) = (node.span.start as usize + 1, node.span.end as usize);
    let raw = src.text.get(start..end.saturating_sub(1)).unwrap_or("");
    let mut d = Decoded::default();
    d.json_string(raw, start);
    let parsed = iamlint_syntax::parse_json(&d.text, &src.opts.limits);
    if let Some(err) = parsed.errors.first() {
        file.issues.push(ModelIssue {
            kind: IssueKind::NotADocument,
            span: d.span(err.span),
            path,
            message: format!("this policy does not parse as JSON: {}", err.message),
            related: Some(node.span),
        });
        return None;
    }
    let mut root = parsed.documents.into_iter().next()?;
    d.remap(&mut root);
    let origin = Origin {
        path,
        resource: Some(resource),
        embedded: false,
    };
    file.documents.push(normalize_document(
        &root,
        kind,
        false,
        origin,
        &src.opts.vars,
    ));
    Some(file.documents.len() - 1)
}

fn string_text(node: &Node, path: String) -> Option<Text> {
    let s = node.as_str()?;
    if s.is_empty() {
        return None;
    }
    Some(Text::literal(s, node.span, path))
}

fn extract(src: &Source<'_>, instances: &[Instance<'_>], file: &mut PolicyFile) {
    // (address, attribute) → document
    let mut docs: Vec<(String, String, usize)> = Vec::new();
    for r in instances.iter().filter(|r| !r.data) {
        for (_, attr, _) in POLICY_ATTRIBUTES.iter().filter(|(t, ..)| *t == r.ty) {
            let Some(v) = r.values.get(attr) else {
                continue;
            };
            let org_type = r.values.get("type").and_then(Node::as_str);
            let Some(kind) = slot_kind_of(&r.ty, attr, org_type) else {
                continue;
            };
            let path = format!("{}.{attr}", r.address);
            if let Some(i) = document(src, v, kind, path, (r.address.clone(), r.ty.clone()), file) {
                docs.push((r.address.clone(), attr.to_string(), i));
            }
        }
        if r.ty == "aws_lambda_permission" {
            if let Some(node) = lambda_permission(r.values) {
                let origin = Origin {
                    path: r.address.clone(),
                    resource: Some((r.address.clone(), r.ty.clone())),
                    embedded: false,
                };
                file.documents.push(normalize_document(
                    &node,
                    PolicyKind::Resource,
                    false,
                    origin,
                    &src.opts.vars,
                ));
            }
        }
        if r.ty == "aws_iam_role" {
            let inline = r.values.get("inline_policy").and_then(Node::as_seq);
            for (i, ip) in inline.unwrap_or(&[]).iter().enumerate() {
                let Some(p) = ip.get("policy") else { continue };
                let attr = format!("inline_policy[{i}].policy");
                let path = format!("{}.{attr}", r.address);
                let res = (r.address.clone(), r.ty.clone());
                if let Some(d) = document(src, p, PolicyKind::Identity, path, res, file) {
                    docs.push((r.address.clone(), attr, d));
                }
            }
        }
    }
    principals(instances, &docs, file);
}

fn principals(instances: &[Instance<'_>], docs: &[(String, String, usize)], file: &mut PolicyFile) {
    let doc = |addr: &str, attr: &str| {
        docs.iter()
            .find(|(a, t, _)| a == addr && t == attr)
            .map(|d| d.2)
    };
    let str_of =
        |r: &Instance<'_>, k: &str| r.values.get(k).and_then(Node::as_str).map(str::to_string);
    // managed policies of the plan by ARN
    let policies: Vec<(String, usize)> = instances
        .iter()
        .filter(|r| !r.data && r.ty == "aws_iam_policy")
        .filter_map(|r| Some((str_of(r, "arn")?, doc(&r.address, "policy")?)))
        .collect();
    let target = |arn: &Node, path: String| -> Option<Attachment> {
        let t = string_text(arn, path.clone())?;
        let target = match policies
            .iter()
            .find(|(a, _)| Some(a.as_str()) == t.as_literal())
        {
            Some((_, i)) => AttachmentTarget::Document(*i),
            None => AttachmentTarget::Arn(t),
        };
        Some(Attachment {
            target,
            span: arn.span,
            path,
        })
    };
    for r in instances.iter().filter(|r| !r.data) {
        let (kind, key, inline_ty, attach_ty) = match r.ty.as_str() {
            "aws_iam_role" => (
                PrincipalKind::Role,
                "role",
                "aws_iam_role_policy",
                "aws_iam_role_policy_attachment",
            ),
            "aws_iam_user" => (
                PrincipalKind::User,
                "user",
                "aws_iam_user_policy",
                "aws_iam_user_policy_attachment",
            ),
            "aws_iam_group" => (
                PrincipalKind::Group,
                "group",
                "aws_iam_group_policy",
                "aws_iam_group_policy_attachment",
            ),
            _ => continue,
        };
        let name = str_of(r, "name");
        let mut def = PrincipalDef {
            kind,
            id: r.address.clone(),
            name: r
                .values
                .get("name")
                .and_then(|n| string_text(n, format!("{}.name", r.address))),
            span: r.values.span,
            path: r.address.clone(),
            trust: doc(&r.address, "assume_role_policy"),
            inline: docs
                .iter()
                .filter(|(a, t, _)| *a == r.address && t.starts_with("inline_policy"))
                .map(|d| d.2)
                .collect(),
            attached: Vec::new(),
            boundary: None,
            groups: Vec::new(),
            instance_profiles: Vec::new(),
            outside: Vec::new(),
        };
        for (i, arn) in r
            .values
            .get("managed_policy_arns")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let path = format!("{}.managed_policy_arns[{i}]", r.address);
            def.attached.extend(target(arn, path));
        }
        if let Some(b) = r.values.get("permissions_boundary") {
            def.boundary = target(b, format!("{}.permissions_boundary", r.address));
        }
        for o in instances.iter().filter(|o| !o.data) {
            let names_it = |k: &str| name.is_some() && str_of(o, k) == name;
            let listed = |k: &str| {
                o.values
                    .get(k)
                    .and_then(Node::as_seq)
                    .is_some_and(|xs| xs.iter().any(|x| x.as_str() == name.as_deref()))
            };
            if o.ty == inline_ty && names_it(key) {
                def.inline.extend(doc(&o.address, "policy"));
            } else if (o.ty == attach_ty && names_it(key))
                || (o.ty == "aws_iam_policy_attachment" && listed(&format!("{key}s")))
            {
                if let Some(arn) = o.values.get("policy_arn") {
                    def.attached
                        .extend(target(arn, format!("{}.policy_arn", o.address)));
                }
            } else if kind == PrincipalKind::User
                && o.ty == "aws_iam_user_group_membership"
                && names_it("user")
            {
                for g in o.values.get("groups").and_then(Node::as_seq).unwrap_or(&[]) {
                    if let Some(id) = group_id(instances, g.as_str()) {
                        def.groups.push(id);
                    }
                }
            }
        }
        for a in def.attached.iter().chain(def.boundary.iter()) {
            if let AttachmentTarget::Arn(t) = &a.target {
                file.managed_policies.push(ManagedPolicyRef {
                    arn: t.clone(),
                    resource: r.address.clone(),
                    property: if def.boundary.as_ref() == Some(a) {
                        "PermissionsBoundary".into()
                    } else {
                        "ManagedPolicyArns".into()
                    },
                });
            }
        }
        file.principals.push(def);
    }
}

fn entry(key: &str, value: Node) -> iamlint_syntax::Entry {
    iamlint_syntax::Entry {
        key: key.to_string(),
        key_span: value.span,
        value,
    }
}

fn string(s: &str, span: iamlint_syntax::Span) -> Node {
    Node {
        span,
        tag: None,
        value: Value::String(s.to_string(), iamlint_syntax::ScalarStyle::Quoted),
    }
}

/// An `aws_lambda_permission`'s values → the statement AWS adds to the function's policy
/// (as for `.tf`: `Principal` from `principal`, conditions from `source_arn`,
/// `source_account`, `principal_org_id`, `function_url_auth_type`, `event_source_token`).
fn lambda_permission(values: &Node) -> Option<Node> {
    let get = |k: &str| {
        values
            .get(k)
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    };
    let principal = get("principal")?;
    let span = values.span;
    let mut st = Vec::new();
    if let Some(sid) = get("statement_id") {
        st.push(entry("Sid", sid.clone()));
    }
    st.push(entry("Effect", string("Allow", span)));
    let p = principal.as_str().unwrap_or("");
    let p_node = if p == "*" {
        principal.clone()
    } else {
        let ty = if p.ends_with(".amazonaws.com") || p.ends_with(".amazon.com") {
            "Service"
        } else {
            "AWS"
        };
        Node {
            span: principal.span,
            tag: None,
            value: Value::Map(vec![entry(ty, principal.clone())]),
        }
    };
    st.push(entry("Principal", p_node));
    if let Some(a) = get("action") {
        st.push(entry("Action", a.clone()));
    }
    if let Some(f) = get("function_name") {
        let name = f.as_str().unwrap_or("");
        let arn = match (
            name.starts_with("arn:"),
            get("qualifier").and_then(Node::as_str),
        ) {
            (true, Some(q)) => format!("{name}:{q}"),
            (true, None) => name.to_string(),
            // a bare name: the ARN's Region and account are the provider's
            (false, _) => format!("arn:aws:lambda:<REGION>:<ACCOUNT>:function:{name}"),
        };
        st.push(entry("Resource", string(&arn, f.span)));
    }
    let mut cond: Vec<iamlint_syntax::Entry> = Vec::new();
    for (attr, op, key) in [
        ("source_arn", "ArnLike", "aws:SourceArn"),
        ("source_account", "StringEquals", "aws:SourceAccount"),
        ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
        (
            "function_url_auth_type",
            "StringEquals",
            "lambda:FunctionUrlAuthType",
        ),
        (
            "event_source_token",
            "StringEquals",
            "lambda:EventSourceToken",
        ),
    ] {
        let Some(v) = get(attr) else { continue };
        let e = entry(key, v.clone());
        match cond.iter_mut().find(|c| c.key == op) {
            Some(c) => {
                if let Value::Map(es) = &mut c.value.value {
                    es.push(e);
                }
            }
            None => cond.push(entry(
                op,
                Node {
                    span: v.span,
                    tag: None,
                    value: Value::Map(vec![e]),
                },
            )),
        }
    }
    if !cond.is_empty() {
        st.push(entry(
            "Condition",
            Node {
                span,
                tag: None,
                value: Value::Map(cond),
            },
        ));
    }
    let statement = Node {
        span,
        tag: None,
        value: Value::Map(st),
    };
    Some(Node {
        span,
        tag: None,
        value: Value::Map(vec![
            entry("Version", string("2012-10-17", span)),
            entry(
                "Statement",
                Node {
                    span,
                    tag: None,
                    value: Value::Seq(vec![statement]),
                },
            ),
        ]),
    })
}

fn group_id(instances: &[Instance<'_>], name: Option<&str>) -> Option<String> {
    instances
        .iter()
        .find(|g| g.ty == "aws_iam_group" && g.values.get("name").and_then(Node::as_str) == name)
        .map(|g| g.address.clone())
}
