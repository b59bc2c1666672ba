//! A policy document node → [`Document`]. The one place that knows the JSON shapes.

use crate::model::*;
use crate::path;
use crate::text::{intrinsic, is_no_value, parts_of, Vars};
use iamlint_syntax::{Entry, Node, Value};

const DOC_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STMT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

struct Ctx<'a> {
    vars: &'a Vars,
    issues: Vec<ModelIssue>,
    branches: Vec<crate::Branch>,
}

impl Ctx<'_> {
    fn issue(&mut self, kind: IssueKind, span: iamlint_syntax::Span, path: &str, message: String) {
        self.issues.push(ModelIssue {
            kind,
            span,
            path: path.to_string(),
            message,
            related: None,
        });
    }

    fn wrong_type(&mut self, node: &Node, path: &str, element: &str, expected: &str) {
        self.issue(
            IssueKind::WrongType,
            node.span,
            path,
            format!(
                "`{element}` must be {expected}, found {} {}",
                article(node.type_name()),
                node.type_name()
            ),
        );
    }

    /// The value at `path` (given owned: it moves into the [`Text`]) as text, or an issue
    /// naming `element` when it is not a string.
    fn text(&mut self, node: &Node, path: String, element: impl std::fmt::Display) -> Option<Text> {
        match parts_of(node, self.vars) {
            Ok(parts) => Some(Text {
                parts,
                span: node.span,
                path,
            }),
            Err(ty) => {
                self.issue(
                    IssueKind::WrongType,
                    node.span,
                    &path,
                    format!("`{element}` must be a string, found {} {ty}", article(ty)),
                );
                None
            }
        }
    }
}

fn article(ty: &str) -> &'static str {
    if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The closest known name within edit distance 2 (case-insensitive), for "did you mean".
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (levenshtein(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Normalize a document node. `path` is its logical path (empty for a whole file).
pub fn normalize_document(
    node: &Node,
    kind: PolicyKind,
    kind_inferred: bool,
    origin: Origin,
    vars: &Vars,
) -> Document {
    let mut cx = Ctx {
        vars,
        issues: Vec::new(),
        branches: Vec::new(),
    };
    let path = origin.path.clone();
    let mut doc = Document {
        kind,
        kind_inferred,
        origin,
        span: node.span,
        version: None,
        id: None,
        statement_key_span: None,
        statements: Vec::new(),
        issues: Vec::new(),
        about: None,
        branches: Vec::new(),
    };
    let Some(map) = node.as_map() else {
        cx.wrong_type(node, &path, "policy document", "an object");
        doc.issues = cx.issues;
        return doc;
    };
    for e in map {
        let p = path::member(&path, &e.key);
        match e.key.as_str() {
            "Version" => doc.version = cx.text(&e.value, p, "Version"),
            "Id" => doc.id = cx.text(&e.value, p, "Id"),
            "Statement" => {
                doc.statement_key_span = Some(e.key_span);
                statements(&mut cx, e, &p, &mut doc.statements);
            }
            other => unknown(&mut cx, e, &p, other, DOC_KEYS, "policy document"),
        }
    }
    if doc.statement_key_span.is_none() {
        cx.issue(
            IssueKind::NoStatement,
            node.span,
            &path,
            "policy document has no `Statement`".into(),
        );
    }
    doc.issues = cx.issues;
    doc.branches = cx.branches;
    doc
}

fn unknown(cx: &mut Ctx<'_>, e: &Entry, p: &str, name: &str, known: &[&str], what: &str) {
    let hint = closest(name, known)
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    cx.issue(
        IssueKind::UnknownElement,
        e.key_span,
        p,
        format!("unknown {what} element `{name}`{hint}"),
    );
}

fn statements(cx: &mut Ctx<'_>, e: &Entry, p: &str, out: &mut Vec<Statement>) {
    match &e.value.value {
        Value::Map(_) if intrinsic(&e.value).is_none() => {
            statement(cx, &e.value, p.to_string(), out);
        }
        Value::Seq(items) => {
            if items.is_empty() {
                cx.issue(
                    IssueKind::NoStatement,
                    e.value.span,
                    p,
                    "`Statement` is empty".into(),
                );
            }
            // exactly: a statement is about 500 bytes, and a one-statement document would
            // otherwise reserve room for four
            out.reserve_exact(items.len());
            for (i, item) in items.iter().enumerate() {
                statement_item(cx, item, path::index(p, i), out);
            }
        }
        _ => statement_item(cx, &e.value, p.to_string(), out),
    }
}

/// A statement list item: a statement, or `!If [cond, stmt, stmt]` (both branches are
/// taken: either may be deployed), or `AWS::NoValue`.
fn statement_item(cx: &mut Ctx<'_>, item: &Node, p: String, out: &mut Vec<Statement>) {
    if is_no_value(item) {
        return;
    }
    if let Some((name, arg)) = intrinsic(item) {
        if name == "Fn::If" {
            if let Value::Seq(branches) = arg.value() {
                let condition = branches.first().and_then(Node::as_str).unwrap_or("?");
                for (i, b) in branches.iter().enumerate().skip(1).take(2) {
                    let bp = format!("{p}.Fn::If[{i}]");
                    cx.branches.push(crate::Branch {
                        path: bp.clone(),
                        condition: condition.to_string(),
                        value: i == 1,
                    });
                    statement_item(cx, b, bp, out);
                }
                return;
            }
        }
        cx.issue(
            IssueKind::WrongType,
            item.span,
            &p,
            format!("statement is computed by CloudFormation `{name}` and cannot be checked"),
        );
        return;
    }
    if item.as_map().is_some() {
        statement(cx, item, p, out);
    } else {
        cx.wrong_type(item, &p, "Statement", "an object or an array of objects");
    }
}

fn statement(cx: &mut Ctx<'_>, node: &Node, path: String, out: &mut Vec<Statement>) {
    let mut st = Statement {
        index: out.len(),
        span: node.span,
        // moved in once the members' paths are built from it
        path: String::new(),
        sid: None,
        effect: None,
        effect_text: None,
        action: None,
        resource: None,
        principal: None,
        condition: None,
    };
    let Some(map) = node.as_map() else {
        return;
    };
    for e in map {
        let p = path::member(&path, &e.key);
        match e.key.as_str() {
            "Sid" => st.sid = cx.text(&e.value, p, "Sid"),
            "Effect" => {
                st.effect_text = cx.text(&e.value, p, "Effect");
                st.effect = match st.effect_text.as_ref().and_then(|t| t.as_literal()) {
                    Some("Allow") => Some(Effect::Allow),
                    Some("Deny") => Some(Effect::Deny),
                    _ => None,
                };
            }
            "Action" | "NotAction" => {
                list_element(cx, e, p, "Action", &mut st.action);
            }
            "Resource" | "NotResource" => {
                list_element(cx, e, p, "Resource", &mut st.resource);
            }
            "Principal" | "NotPrincipal" => principal(cx, e, &p, &mut st.principal),
            "Condition" => st.condition = condition(cx, e, &p),
            other => unknown(cx, e, &p, other, STMT_KEYS, "statement"),
        }
    }
    st.path = path;
    out.push(st);
}

fn list_element(
    cx: &mut Ctx<'_>,
    e: &Entry,
    p: String,
    base: &str,
    slot: &mut Option<ElementList>,
) {
    let negated = e.key.starts_with("Not");
    if let Some(prev) = slot {
        let (a, b) = (prev.key_name(base), e.key.clone());
        cx.issues.push(ModelIssue {
            kind: IssueKind::ConflictingElements,
            span: e.key_span,
            path: p,
            message: if a == b {
                format!("`{b}` appears twice in one statement")
            } else {
                format!("a statement cannot have both `{a}` and `{b}`")
            },
            related: Some(prev.key_span),
        });
        return;
    }
    let mut list = ElementList {
        negated,
        key_span: e.key_span,
        span: e.value.span,
        path: p,
        items: Vec::with_capacity(e.value.as_seq().map_or(1, <[Node]>::len)),
        scalar: true,
    };
    let p = list.path.as_str();
    match &e.value.value {
        Value::Seq(items) if intrinsic(&e.value).is_none() => {
            list.scalar = false;
            for (i, item) in items.iter().enumerate() {
                if is_no_value(item) {
                    continue;
                }
                if let Some(t) = cx.text(item, path::index(p, i), &e.key) {
                    list.items.push(t);
                }
            }
            if items.is_empty() {
                cx.issue(
                    IssueKind::EmptyValue,
                    e.value.span,
                    p,
                    format!("`{}` is an empty list", e.key),
                );
            }
        }
        _ => {
            if let Some(t) = cx.text(&e.value, p.to_string(), &e.key) {
                if t.as_literal() == Some("") {
                    cx.issue(
                        IssueKind::EmptyValue,
                        e.value.span,
                        p,
                        format!("`{}` is an empty string", e.key),
                    );
                }
                list.items.push(t);
            }
        }
    }
    *slot = Some(list);
}

fn principal(cx: &mut Ctx<'_>, e: &Entry, p: &str, slot: &mut Option<PrincipalBlock>) {
    let negated = e.key.starts_with("Not");
    if let Some(prev) = slot {
        cx.issues.push(ModelIssue {
            kind: IssueKind::ConflictingElements,
            span: e.key_span,
            path: p.to_string(),
            message: format!(
                "a statement cannot have both `{}` and `{}`",
                if prev.negated {
                    "NotPrincipal"
                } else {
                    "Principal"
                },
                e.key
            ),
            related: Some(prev.key_span),
        });
        return;
    }
    let mut block = PrincipalBlock {
        negated,
        key_span: e.key_span,
        span: e.value.span,
        path: p.to_string(),
        bare_star: false,
        values: Vec::new(),
    };
    match &e.value.value {
        Value::String(s, _) if s == "*" => {
            block.bare_star = true;
            block.values.push(PrincipalValue {
                principal_type: "AWS".into(),
                value: Text::literal("*", e.value.span, p),
            });
        }
        Value::Map(entries) if intrinsic(&e.value).is_none() => {
            if entries.is_empty() {
                cx.issue(
                    IssueKind::EmptyValue,
                    e.value.span,
                    p,
                    format!("`{}` is an empty object", e.key),
                );
            }
            for pe in entries {
                let pp = path::member(p, &pe.key);
                if !matches!(
                    pe.key.as_str(),
                    "AWS" | "Service" | "Federated" | "CanonicalUser"
                ) {
                    let hint = closest(&pe.key, &["AWS", "Service", "Federated", "CanonicalUser"])
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    cx.issue(
                        IssueKind::UnknownElement,
                        pe.key_span,
                        &pp,
                        format!("unknown principal type `{}`{hint}", pe.key),
                    );
                    continue;
                }
                if pe.value.as_seq().is_some_and(<[Node]>::is_empty) {
                    cx.issue(
                        IssueKind::EmptyValue,
                        pe.value.span,
                        &pp,
                        format!("`{}.{}` is an empty list", e.key, pe.key),
                    );
                }
                let items: Vec<(&Node, String)> = match &pe.value.value {
                    Value::Seq(items) if intrinsic(&pe.value).is_none() => items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (n, path::index(&pp, i)))
                        .collect(),
                    _ => vec![(&pe.value, pp.clone())],
                };
                for (n, ip) in items {
                    if is_no_value(n) {
                        continue;
                    }
                    if let Some(t) = cx.text(n, ip, format_args!("Principal.{}", pe.key)) {
                        block.values.push(PrincipalValue {
                            principal_type: pe.key.clone(),
                            value: t,
                        });
                    }
                }
            }
        }
        _ => cx.wrong_type(&e.value, p, &e.key, "`\"*\"` or an object"),
    }
    *slot = Some(block);
}

fn condition(cx: &mut Ctx<'_>, e: &Entry, p: &str) -> Option<Condition> {
    let Some(ops) = e.value.as_map().filter(|_| intrinsic(&e.value).is_none()) else {
        cx.wrong_type(&e.value, p, "Condition", "an object");
        return None;
    };
    if ops.is_empty() {
        cx.issue(
            IssueKind::EmptyValue,
            e.value.span,
            p,
            "`Condition` is an empty object".into(),
        );
    }
    let mut cond = Condition {
        key_span: e.key_span,
        span: e.value.span,
        path: p.to_string(),
        clauses: Vec::with_capacity(ops.len()),
    };
    for op in ops {
        let op_path = path::member(p, &op.key);
        let operator = Operator::parse(&op.key);
        let Some(keys) = op.value.as_map().filter(|_| intrinsic(&op.value).is_none()) else {
            cx.wrong_type(&op.value, &op_path, &op.key, "an object of condition keys");
            continue;
        };
        if keys.is_empty() {
            cx.issue(
                IssueKind::EmptyValue,
                op.value.span,
                &op_path,
                format!("`{}` is an empty object", op.key),
            );
        }
        let mut entries = Vec::with_capacity(keys.len());
        for k in keys {
            // the key's path goes to its text last (values are named after it first)
            let kp = path::member(&op_path, &k.key);
            let mut values = Vec::new();
            let scalar = !matches!(k.value.value, Value::Seq(_)) || intrinsic(&k.value).is_some();
            if scalar {
                if let Some(t) = cx.text(&k.value, kp.clone(), &k.key) {
                    values.push(t);
                }
            } else if let Some(items) = k.value.as_seq() {
                if items.is_empty() {
                    cx.issue(
                        IssueKind::EmptyValue,
                        k.value.span,
                        &kp,
                        format!("condition key `{}` of `{}` has no values", k.key, op.key),
                    );
                }
                mixed_types(cx, items, &kp, &k.key);
                for (i, n) in items.iter().enumerate() {
                    if let Some(t) = cx.text(n, path::index(&kp, i), &k.key) {
                        values.push(t);
                    }
                }
            }
            entries.push(ConditionEntry {
                key: Text::literal(k.key.clone(), k.key_span, kp),
                values,
                values_span: k.value.span,
                scalar,
            });
        }
        cond.clauses.push(ConditionClause {
            operator,
            operator_text: Text::literal(op.key.clone(), op.key_span, op_path),
            entries,
        });
    }
    Some(cond)
}

/// Condition values of more than one JSON type (`["dev", 5]`, `[true, "false"]`): IAM
/// requires one type per list. Intrinsics and other shapes are left to other checks.
fn mixed_types(cx: &mut Ctx<'_>, items: &[Node], path: &str, key: &str) {
    let ty = |n: &Node| match (&n.tag, &n.value) {
        (None, Value::String(..)) => Some("a string"),
        (None, Value::Number(_)) => Some("a number"),
        (None, Value::Bool(_)) => Some("a boolean"),
        _ => None,
    };
    let mut first: Option<(&Node, &'static str)> = None;
    for n in items {
        let Some(t) = ty(n) else { continue };
        match first {
            None => first = Some((n, t)),
            Some((f, ft)) if ft != t => {
                cx.issues.push(ModelIssue {
                    kind: IssueKind::MixedValueTypes,
                    span: n.span,
                    path: path.to_string(),
                    message: format!(
                        "the values of condition key `{key}` mix JSON types: {t} after {ft}"
                    ),
                    related: Some(f.span),
                });
                return;
            }
            Some(_) => {}
        }
    }
}

/// Infer the kind of a whole-file policy from its content: a `Principal` makes it a
/// resource policy, or a trust policy when every action is an `sts:AssumeRole*`.
pub fn infer_kind(node: &Node) -> PolicyKind {
    let stmts: Vec<&Node> = match node.get("Statement") {
        Some(n) => match &n.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Map(_) => vec![n],
            _ => vec![],
        },
        None => vec![],
    };
    let has_principal = stmts
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    if !has_principal {
        return PolicyKind::Identity;
    }
    let all_assume = stmts.iter().all(|s| {
        let actions: Vec<String> = match s.get("Action").map(|a| &a.value) {
            Some(Value::String(x, _)) => vec![x.to_ascii_lowercase()],
            Some(Value::Seq(items)) => items
                .iter()
                .filter_map(|n| n.as_str().map(str::to_ascii_lowercase))
                .collect(),
            _ => vec![],
        };
        !actions.is_empty()
            && actions.iter().all(|a| {
                a.starts_with("sts:assumerole")
                    || a == "sts:tagsession"
                    || a == "sts:setsourceidentity"
                    || a == "sts:setcontext"
            })
    });
    if all_assume {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}
