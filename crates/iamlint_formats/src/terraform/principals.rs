//! The roles, users and groups a `.tf` file defines, with their trust policy, inline
//! policies, attached managed policies (by ARN, or by reference to an `aws_iam_policy`
//! of the module) and permissions boundary, gathered from every resource of the module
//! that gives them one; the managed policies attached by ARN; and `aws_lambda_permission`
//! as the resource-policy statement AWS makes of it.

use super::convert::{data_document, resource_attr, traversal_words, Conv};
use super::module::{literal, span_of, top_blocks, written_in, Found, LinkKey, TfFile};
use super::{address, head_span, is_resource, Loaded};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use iamlint_policy::*;
use iamlint_syntax::{Entry, Node, ScalarStyle, Span, Value};

/// Where a principal's policy is.
enum Located {
    Here(usize),
    There(String, String),
    Unknown(String),
}

/// The expression's text as written in its own file.
fn written(cv: &Conv<'_, '_>, file: Option<&TfFile>, e: &Expression) -> String {
    written_in(file.map_or(cv.module.text, |f| f.text.as_str()), e)
}

/// A Terraform expression of the checked file as text of the model.
fn text_of(cv: &mut Conv<'_, '_>, e: &Expression, path: String) -> Text {
    let n = cv.node(e);
    let mut parts = Vec::new();
    match &n.value {
        Value::String(s, _) => cv.holes.parts(s, &mut parts),
        Value::Number(s) => parts.push(Part::Literal(s.clone())),
        Value::Bool(b) => parts.push(Part::Literal(b.to_string())),
        _ => parts.push(Part::Hole {
            kind: HoleKind::Terraform,
            name: cv.expr_text(e),
        }),
    }
    cv.notes.clear();
    Text {
        parts: Parts::from(parts),
        span: n.span,
        path,
    }
}

fn unparen(e: &Expression) -> &Expression {
    match e {
        Expression::Parenthesis(p) => unparen(p.inner()),
        e => e,
    }
}

/// Where the policy `e` (written at `owner.attr` in `file`) is.
fn locate(
    cv: &Conv<'_, '_>,
    loaded: &Loaded,
    file: Option<&TfFile>,
    e: &Expression,
    owner: &Block,
    attr: &str,
    depth: usize,
) -> Located {
    let plain = plain(owner);
    if file.is_none() {
        if let Some(i) = loaded.at_resource.get(&(plain, attr.to_string())) {
            return Located::Here(*i);
        }
    }
    let e = unparen(e);
    if let Expression::Traversal(t) = e {
        if let Some(name) = data_document(t) {
            return match cv.module.find("data", "aws_iam_policy_document", &name) {
                Some(Found { file: None, .. }) => match loaded.data_docs.get(&name) {
                    Some(i) => Located::Here(*i),
                    None => Located::Unknown(written(cv, file, e)),
                },
                Some(Found {
                    file: Some(f),
                    block,
                }) => Located::There(f.name.clone(), address(block)),
                None => Located::Unknown(written(cv, file, e)),
            };
        }
        if let Some(p) = resource_attr(t, "aws_iam_policy", &["policy"]) {
            if depth < 4 {
                if let Some(found) = cv.module.find("resource", "aws_iam_policy", &p) {
                    if let Some(a) = found.block.body.get_attribute("policy") {
                        return locate(
                            cv,
                            loaded,
                            found.file,
                            &a.value,
                            found.block,
                            "policy",
                            depth + 1,
                        );
                    }
                }
            }
        }
    }
    match (file, e) {
        (
            Some(f),
            Expression::FuncCall(_)
            | Expression::HeredocTemplate(_)
            | Expression::String(_)
            | Expression::StringTemplate(_),
        ) if !matches!(e, Expression::FuncCall(c) if !matches!(c.name.name.as_str(), "jsonencode" | "file" | "templatefile")) => {
            Located::There(f.name.clone(), format!("{}.{attr}", address(owner)))
        }
        _ => Located::Unknown(written(cv, file, e)),
    }
}

fn plain(b: &Block) -> String {
    b.labels
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether `e` (in `file`) names the principal `p` (by reference to its resource, or by
/// the same name expression).
fn names(cv: &Conv<'_, '_>, file: Option<&TfFile>, e: &Expression, p: &Block) -> bool {
    let (Some(ty), Some(name)) = (p.labels.first(), p.labels.get(1)) else {
        return false;
    };
    let e = unparen(e);
    if let Expression::Traversal(t) = e {
        if let Some(w) = traversal_words(t) {
            let w: Vec<&str> = w.into_iter().filter(|x| *x != "[]").collect();
            if w.len() == 3
                && w[0] == ty.as_str()
                && w[1] == name.as_str()
                && matches!(w[2], "name" | "id" | "arn" | "unique_id")
            {
                return true;
            }
        }
    }
    let Some(own) = p.body.get_attribute("name") else {
        return false;
    };
    match (literal(e), literal(&own.value)) {
        (Some(a), Some(b)) => a == b,
        (None, None) => written(cv, file, e) == written(cv, None, &own.value),
        _ => false,
    }
}

/// The items of a list expression (or the expression itself).
fn items(e: &Expression) -> Vec<&Expression> {
    match unparen(e) {
        Expression::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// An attached policy (`policy_arn`, an item of `managed_policy_arns`).
#[allow(clippy::too_many_arguments)]
fn attach(
    cv: &mut Conv<'_, '_>,
    loaded: &Loaded,
    file: Option<&TfFile>,
    e: &Expression,
    at: &Block,
    attr_path: String,
    def: &mut PrincipalDef,
    relation: PolicyRelation,
) {
    let e = unparen(e);
    if let Expression::Traversal(t) = e {
        if let Some(p) = resource_attr(t, "aws_iam_policy", &["arn", "id"]) {
            if let Some(found) = cv.module.find("resource", "aws_iam_policy", &p) {
                let loc = match found.block.body.get_attribute("policy") {
                    Some(a) => locate(cv, loaded, found.file, &a.value, found.block, "policy", 0),
                    None => Located::Unknown(format!("aws_iam_policy.{p}")),
                };
                let (span, path) = match file {
                    None => (span_of(e), attr_path),
                    Some(_) => (def.span, def.path.clone()),
                };
                match (loc, file) {
                    (Located::Here(i), None) => {
                        let a = Attachment {
                            target: AttachmentTarget::Document(i),
                            span,
                            path,
                        };
                        set(def, relation, a);
                    }
                    (Located::Here(i), Some(_)) => {
                        // written elsewhere, the document is here
                        let a = Attachment {
                            target: AttachmentTarget::Document(i),
                            span,
                            path,
                        };
                        set(def, relation, a);
                    }
                    (Located::There(f, p), _) => def.outside.push(OutsidePolicy {
                        relation,
                        document: Some((f, p)),
                        expression: written(cv, file, e),
                        span,
                        path,
                    }),
                    (Located::Unknown(x), _) => def.outside.push(OutsidePolicy {
                        relation,
                        document: None,
                        expression: x,
                        span,
                        path,
                    }),
                }
                return;
            }
        }
    }
    // by ARN (literal or computed)
    let arn = match file {
        None => text_of(cv, e, attr_path),
        Some(f) => {
            let v = literal(e);
            let mut t = match v {
                Some(s) => Text::literal(s, def.span, attr_path),
                None => Text {
                    parts: Parts::one(Part::Hole {
                        kind: HoleKind::Terraform,
                        name: written(cv, Some(f), e),
                    }),
                    span: def.span,
                    path: attr_path,
                },
            };
            t.span = def.span;
            t
        }
    };
    let _ = at;
    let a = Attachment {
        span: arn.span,
        path: arn.path.clone(),
        target: AttachmentTarget::Arn(arn),
    };
    set(def, relation, a);
}

fn set(def: &mut PrincipalDef, relation: PolicyRelation, a: Attachment) {
    match relation {
        PolicyRelation::Boundary => def.boundary = Some(a),
        _ => def.attached.push(a),
    }
}

/// An inline policy (`aws_iam_role_policy`, `inline_policy`) or a trust policy.
#[allow(clippy::too_many_arguments)]
fn own_policy(
    cv: &Conv<'_, '_>,
    loaded: &Loaded,
    file: Option<&TfFile>,
    e: &Expression,
    at: &Block,
    attr: &str,
    def: &mut PrincipalDef,
    relation: PolicyRelation,
) {
    let loc = locate(cv, loaded, file, e, at, attr, 0);
    let (span, path) = match file {
        None => (span_of(e), format!("{}.{attr}", address(at))),
        Some(_) => (def.span, def.path.clone()),
    };
    match loc {
        Located::Here(i) => match relation {
            PolicyRelation::Trust => def.trust = Some(i),
            _ => def.inline.push(i),
        },
        Located::There(f, p) => def.outside.push(OutsidePolicy {
            relation,
            document: Some((f, p)),
            expression: written(cv, file, e),
            span,
            path,
        }),
        Located::Unknown(x) => def.outside.push(OutsidePolicy {
            relation,
            document: None,
            expression: x,
            span,
            path,
        }),
    }
}

/// Fill `file.principals` and `file.managed_policies`.
pub(crate) fn principals(
    cv: &mut Conv<'_, '_>,
    body: &Body,
    loaded: &Loaded,
    file: &mut PolicyFile,
) {
    managed_refs(cv, body, loaded, file);
    for b in top_blocks(body) {
        let kind = if is_resource(b, "aws_iam_role") {
            PrincipalKind::Role
        } else if is_resource(b, "aws_iam_user") {
            PrincipalKind::User
        } else if is_resource(b, "aws_iam_group") {
            PrincipalKind::Group
        } else {
            continue;
        };
        let id = plain(b);
        let path = address(b);
        let name = b
            .body
            .get_attribute("name")
            .map(|a| text_of(cv, &a.value, format!("{path}.name")));
        let mut def = PrincipalDef {
            kind,
            id: id.clone(),
            name,
            span: head_span(b),
            path: path.clone(),
            trust: None,
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            groups: Vec::new(),
            instance_profiles: Vec::new(),
            outside: Vec::new(),
        };
        if let Some(a) = b.body.get_attribute("assume_role_policy") {
            own_policy(
                cv,
                loaded,
                None,
                &a.value,
                b,
                "assume_role_policy",
                &mut def,
                PolicyRelation::Trust,
            );
        }
        for (i, ip) in b.body.get_blocks("inline_policy").enumerate() {
            if let Some(p) = ip.body.get_attribute("policy") {
                own_policy(
                    cv,
                    loaded,
                    None,
                    &p.value,
                    b,
                    &format!("inline_policy[{i}].policy"),
                    &mut def,
                    PolicyRelation::Inline,
                );
            }
        }
        if let Some(a) = b.body.get_attribute("managed_policy_arns") {
            for (i, item) in items(&a.value).into_iter().enumerate() {
                attach(
                    cv,
                    loaded,
                    None,
                    item,
                    b,
                    format!("{path}.managed_policy_arns[{i}]"),
                    &mut def,
                    PolicyRelation::Attached,
                );
            }
        }
        if let Some(a) = b.body.get_attribute("permissions_boundary") {
            attach(
                cv,
                loaded,
                None,
                &a.value,
                b,
                format!("{path}.permissions_boundary"),
                &mut def,
                PolicyRelation::Boundary,
            );
        }
        module_links(cv, loaded, b, kind, &mut def);
        file.principals.push(def);
    }
}

/// The resources of the module that give the principal `p` a policy or a group.
fn module_links(
    cv: &mut Conv<'_, '_>,
    loaded: &Loaded,
    p: &Block,
    kind: PrincipalKind,
    def: &mut PrincipalDef,
) {
    let Some(name) = p.labels.get(1).map(|l| l.as_str().to_string()) else {
        return;
    };
    let (inline_ty, attach_ty, key, plural, exclusive) = match kind {
        PrincipalKind::Role => (
            "aws_iam_role_policy",
            "aws_iam_role_policy_attachment",
            "role",
            "roles",
            "aws_iam_role_policy_attachments_exclusive",
        ),
        PrincipalKind::User => (
            "aws_iam_user_policy",
            "aws_iam_user_policy_attachment",
            "user",
            "users",
            "aws_iam_user_policy_attachments_exclusive",
        ),
        PrincipalKind::Group => (
            "aws_iam_group_policy",
            "aws_iam_group_policy_attachment",
            "group",
            "groups",
            "aws_iam_group_policy_attachments_exclusive",
        ),
    };
    // the blocks that may link to it: the checked file's whose link attributes name it
    // (by reference, by the same literal name or the same expression: what `names`
    // accepts), and the blocks of the siblings that mention its name
    let mut keys = vec![LinkKey::Ref(
        p.labels.first().map_or("", |l| l.as_str()).to_string(),
        name.clone(),
    )];
    if let Some(own) = p.body.get_attribute("name") {
        keys.push(match literal(&own.value) {
            Some(l) => LinkKey::Literal(l),
            None => LinkKey::Written(written(cv, None, &own.value)),
        });
    }
    let found: Vec<(Option<&TfFile>, &Block)> = cv
        .module
        .blocks_linking(&keys, &name)
        .into_iter()
        .filter(|f| f.block.ident.as_str() == "resource")
        .map(|f| (f.file, f.block))
        .collect();
    for (file, b) in found {
        let addr = address(b);
        let here = |e: &Expression| names(cv, file, e, p);
        if is_resource(b, inline_ty) {
            if b.body.get_attribute(key).is_some_and(|a| here(&a.value)) {
                if let Some(pol) = b.body.get_attribute("policy") {
                    own_policy(
                        cv,
                        loaded,
                        file,
                        &pol.value,
                        b,
                        "policy",
                        def,
                        PolicyRelation::Inline,
                    );
                }
            }
        } else if is_resource(b, attach_ty) {
            if b.body.get_attribute(key).is_some_and(|a| here(&a.value)) {
                if let Some(arn) = b.body.get_attribute("policy_arn") {
                    attach(
                        cv,
                        loaded,
                        file,
                        &arn.value,
                        b,
                        format!("{addr}.policy_arn"),
                        def,
                        PolicyRelation::Attached,
                    );
                }
            }
        } else if is_resource(b, "aws_iam_policy_attachment") {
            let listed = b
                .body
                .get_attribute(plural)
                .is_some_and(|a| items(&a.value).into_iter().any(&here));
            if listed {
                if let Some(arn) = b.body.get_attribute("policy_arn") {
                    attach(
                        cv,
                        loaded,
                        file,
                        &arn.value,
                        b,
                        format!("{addr}.policy_arn"),
                        def,
                        PolicyRelation::Attached,
                    );
                }
            }
        } else if is_resource(b, exclusive) {
            let k = format!("{key}_name");
            if b.body.get_attribute(&k).is_some_and(|a| here(&a.value)) {
                if let Some(arns) = b.body.get_attribute("policy_arns") {
                    for (i, item) in items(&arns.value).into_iter().enumerate() {
                        attach(
                            cv,
                            loaded,
                            file,
                            item,
                            b,
                            format!("{addr}.policy_arns[{i}]"),
                            def,
                            PolicyRelation::Attached,
                        );
                    }
                }
            }
        } else if kind == PrincipalKind::User && is_resource(b, "aws_iam_user_group_membership") {
            if b.body.get_attribute("user").is_some_and(|a| here(&a.value)) {
                if let Some(gs) = b.body.get_attribute("groups") {
                    for g in items(&gs.value) {
                        if let Some(id) = group_id(cv, file, g) {
                            def.groups.push(id);
                        }
                    }
                }
            }
        } else if kind == PrincipalKind::User && is_resource(b, "aws_iam_group_membership") {
            let listed = b
                .body
                .get_attribute("users")
                .is_some_and(|a| items(&a.value).into_iter().any(&here));
            if listed {
                if let Some(g) = b.body.get_attribute("group") {
                    if let Some(id) = group_id(cv, file, &g.value) {
                        def.groups.push(id);
                    }
                }
            }
        }
    }
    def.groups.sort();
    def.groups.dedup();
}

/// The `id` of the group an expression names (`aws_iam_group.g.name`, or a group of the
/// module with that literal name).
fn group_id(cv: &Conv<'_, '_>, file: Option<&TfFile>, e: &Expression) -> Option<String> {
    if let Expression::Traversal(t) = unparen(e) {
        let w = traversal_words(t)?;
        let w: Vec<&str> = w.into_iter().filter(|x| *x != "[]").collect();
        if w.len() == 3 && w[0] == "aws_iam_group" {
            return Some(format!("aws_iam_group.{}", w[1]));
        }
    }
    let lit = literal(e)?;
    let _ = file;
    cv.module.group_named(&lit).map(|f| plain(f.block))
}

/// Managed policies attached by ARN in this file (not references to an `aws_iam_policy`
/// of the module): what the managed-policy rules read.
fn managed_refs(cv: &mut Conv<'_, '_>, body: &Body, loaded: &Loaded, file: &mut PolicyFile) {
    let _ = loaded;
    for b in top_blocks(body) {
        if b.ident.as_str() != "resource" {
            continue;
        }
        let Some(ty) = b.labels.first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        let addr = address(b);
        let attrs: &[(&str, &str, bool)] = match ty.as_str() {
            "aws_iam_role" | "aws_iam_user" => &[
                ("managed_policy_arns", "ManagedPolicyArns", true),
                ("permissions_boundary", "PermissionsBoundary", false),
            ],
            "aws_iam_role_policy_attachment"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_policy_attachment" => &[("policy_arn", "ManagedPolicyArns", false)],
            "aws_iam_role_policy_attachments_exclusive"
            | "aws_iam_user_policy_attachments_exclusive"
            | "aws_iam_group_policy_attachments_exclusive" => {
                &[("policy_arns", "ManagedPolicyArns", true)]
            }
            "aws_ssoadmin_managed_policy_attachment" => {
                &[("managed_policy_arn", "ManagedPolicyArns", false)]
            }
            _ => continue,
        };
        for (attr, property, list) in attrs {
            let Some(a) = b.body.get_attribute(attr) else {
                continue;
            };
            let values: Vec<&Expression> = if *list {
                items(&a.value)
            } else {
                vec![&a.value]
            };
            for (i, v) in values.into_iter().enumerate() {
                if let Expression::Traversal(t) = unparen(v) {
                    if resource_attr(t, "aws_iam_policy", &["arn", "id"]).is_some() {
                        continue;
                    }
                }
                let path = if *list {
                    format!("{addr}.{attr}[{i}]")
                } else {
                    format!("{addr}.{attr}")
                };
                let arn = text_of(cv, v, path);
                file.managed_policies.push(ManagedPolicyRef {
                    arn,
                    resource: addr.clone(),
                    property: (*property).to_string(),
                });
            }
        }
    }
}

fn string(s: String, span: Span) -> Node {
    Node {
        span,
        tag: None,
        value: Value::String(s, ScalarStyle::Quoted),
    }
}

fn entry(key: &str, key_span: Span, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_span,
        value,
    }
}

/// `aws_lambda_permission` → the statement AWS adds to the function's resource policy:
/// `Principal` from `principal` (`*`, a service, an account or ARN), `Action`, the
/// function as `Resource`, and `Condition`s from `source_arn` (`ArnLike`),
/// `source_account`, `principal_org_id`, `function_url_auth_type` and
/// `event_source_token` (`StringEquals`).
pub(crate) fn lambda_permission(cv: &mut Conv<'_, '_>, b: &Block) -> Option<Node> {
    let body = &b.body;
    let head = head_span(b);
    let mut st = Vec::new();
    if let Some(a) = body.get_attribute("statement_id") {
        st.push(entry("Sid", span_of(&a.key), cv.node(&a.value)));
    }
    st.push(entry("Effect", head, string("Allow".into(), head)));
    let principal = body.get_attribute("principal")?;
    let p = cv.node(&principal.value);
    let p_value = match p.as_str() {
        Some("*") => p,
        Some(s) => {
            let ty = if s.ends_with(".amazonaws.com") || s.ends_with(".amazon.com") {
                "Service"
            } else {
                "AWS"
            };
            let span = p.span;
            Node {
                span,
                tag: None,
                value: Value::Map(vec![entry(ty, span, p)]),
            }
        }
        None => p,
    };
    st.push(entry("Principal", span_of(&principal.key), p_value));
    if let Some(a) = body.get_attribute("action") {
        st.push(entry("Action", span_of(&a.key), cv.node(&a.value)));
    }
    if let Some(f) = body.get_attribute("function_name") {
        let n = cv.node(&f.value);
        let qualifier = body
            .get_attribute("qualifier")
            .map(|q| cv.node(&q.value))
            .and_then(|q| q.as_str().map(str::to_string));
        let arn = match n.as_str() {
            Some(s) if s.starts_with("arn:") => s.to_string(),
            Some(s) => {
                let region = cv.holes.marker("the provider's region");
                let account = cv.holes.marker("the provider's account");
                format!("arn:aws:lambda:{region}:{account}:function:{s}")
            }
            None => cv.holes.marker(&cv.expr_text(&f.value)),
        };
        let arn = match qualifier {
            Some(q) => format!("{arn}:{q}"),
            None => arn,
        };
        st.push(entry("Resource", span_of(&f.key), string(arn, n.span)));
    }
    let mut ops: Vec<(&str, Entry)> = Vec::new();
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
        if let Some(a) = body.get_attribute(attr) {
            ops.push((op, entry(key, span_of(&a.key), cv.node(&a.value))));
        }
    }
    if !ops.is_empty() {
        let mut cond: Vec<Entry> = Vec::new();
        for (op, e) in ops {
            let span = e.key_span;
            match cond.iter_mut().find(|c| c.key == op) {
                Some(c) => {
                    if let Value::Map(es) = &mut c.value.value {
                        es.push(e);
                    }
                }
                None => cond.push(entry(
                    op,
                    span,
                    Node {
                        span,
                        tag: None,
                        value: Value::Map(vec![e]),
                    },
                )),
            }
        }
        st.push(entry(
            "Condition",
            head,
            Node {
                span: span_of(b),
                tag: None,
                value: Value::Map(cond),
            },
        ));
    }
    let stmt = Node {
        span: span_of(b),
        tag: None,
        value: Value::Map(st),
    };
    Some(Node {
        span: span_of(b),
        tag: None,
        value: Value::Map(vec![
            entry("Version", head, string("2012-10-17".into(), head)),
            entry(
                "Statement",
                head,
                Node {
                    span: span_of(b),
                    tag: None,
                    value: Value::Seq(vec![stmt]),
                },
            ),
        ]),
    })
}
