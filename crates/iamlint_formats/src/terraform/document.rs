//! `data "aws_iam_policy_document"` → the JSON-shaped node of the document it renders,
//! every element pointing at the attribute or block that writes it, and
//! `source_policy_documents` / `override_policy_documents` merged as the AWS provider
//! merges them: source statements first (their `sid`s unique), then this block's
//! statements (one with the `sid` of a source statement replaces it in place), then each
//! override document's statements (one with the `sid` of an earlier statement replaces
//! it, the others are added).

use super::convert::{data_document, Conv, PolicyValue};
use super::module::{literal, span_of};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use iamlint_policy::{IssueKind, ModelIssue, PolicyKind};
use iamlint_syntax::{Entry, Node, ScalarStyle, Span, Value};

/// A rendered document.
pub(crate) struct Rendered {
    pub node: Node,
    /// Some statements are not known (a source document from `var.x`, a dynamic block's
    /// computed `for_each`): an empty `Statement` is then no finding.
    pub partial: bool,
}

fn string(s: &str, span: Span) -> Node {
    Node {
        span,
        tag: None,
        value: Value::String(s.to_string(), ScalarStyle::Quoted),
    }
}

fn entry(key: &str, key_span: Span, value: Node) -> Entry {
    Entry {
        key: key.to_string(),
        key_span,
        value,
    }
}

fn note(cv: &mut Conv<'_, '_>, span: Span, message: String) {
    cv.notes.push(ModelIssue {
        kind: IssueKind::Note,
        span,
        path: String::new(),
        message,
        related: None,
    });
}

/// `&{aws:username}` is how the data source writes the policy variable `${aws:username}`.
fn policy_variables(n: &mut Node) {
    match &mut n.value {
        Value::String(s, _) if s.contains("&{") => *s = s.replace("&{", "${"),
        Value::Seq(items) => items.iter_mut().for_each(policy_variables),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|e| policy_variables(&mut e.value)),
        _ => {}
    }
}

/// The blocks named `ident` of a body, and the `content` of its `dynamic "ident"` blocks
/// (checked once, their iteration unknown).
fn blocks_of<'b>(cv: &mut Conv<'_, '_>, body: &'b Body, ident: &str) -> Vec<(&'b Block, &'b Body)> {
    let mut out = Vec::new();
    for b in body.blocks() {
        if b.ident.as_str() == ident {
            out.push((b, &b.body));
        } else if b.ident.as_str() == "dynamic"
            && b.labels.first().map(|l| l.as_str()) == Some(ident)
        {
            if let Some(c) = b.body.get_blocks("content").next() {
                let each = b
                    .body
                    .get_attribute("for_each")
                    .map(|a| cv.expr_text(&a.value))
                    .unwrap_or_default();
                note(
                    cv,
                    span_of(&b.ident),
                    format!("`dynamic \"{ident}\"` is checked once for all the elements of `{each}`, its iteration values unknown"),
                );
                out.push((b, &c.body));
            }
        }
    }
    out
}

/// One `statement` block, as the document of `kind` has it (`None` when no resource uses
/// the document); `None` when it is left out: in a trust or resource policy, a statement
/// whose principals all come from computed `dynamic` blocks (nothing about it is known,
/// and without its principals it would read as a statement without `Principal`).
fn statement(
    cv: &mut Conv<'_, '_>,
    block: &Block,
    body: &Body,
    kind: Option<PolicyKind>,
) -> Option<Node> {
    let needs_principal = matches!(kind, Some(PolicyKind::Trust | PolicyKind::Resource));
    let mut entries = Vec::new();
    let attr = |name: &str| body.get_attribute(name);
    if let Some(a) = attr("sid") {
        entries.push(entry("Sid", span_of(&a.key), cv.node(&a.value)));
    }
    match attr("effect") {
        Some(a) => entries.push(entry("Effect", span_of(&a.key), cv.node(&a.value))),
        // the provider's default
        None => entries.push(entry(
            "Effect",
            span_of(&block.ident),
            string("Allow", span_of(&block.ident)),
        )),
    }
    for (tf, not_tf, json) in [
        ("actions", "not_actions", "Action"),
        ("resources", "not_resources", "Resource"),
    ] {
        // a trust policy takes no `Resource`: a computed one is taken to be null
        if kind == Some(PolicyKind::Trust)
            && json == "Resource"
            && [tf, not_tf]
                .iter()
                .all(|a| attr(a).is_none_or(|a| is_computed(&a.value)))
        {
            continue;
        }
        // A computed value may be null, and a null attribute is left out: of an element
        // and its `not_` form both written, a computed one is dropped when the other is
        // written out (or, both computed, the `not_` one), so that a module's generic
        // `actions = x.actions, not_actions = x.not_actions` is not a conflict.
        let (pos, neg) = (attr(tf), attr(not_tf));
        let (keep_pos, keep_neg) = match (pos, neg) {
            (Some(p), Some(n)) => match (is_computed(&p.value), is_computed(&n.value)) {
                (true, true) => (true, false),
                (true, false) => (false, true),
                (false, true) => (true, false),
                (false, false) => (true, true),
            },
            (p, n) => (p.is_some(), n.is_some()),
        };
        if let (Some(a), true) = (pos, keep_pos) {
            entries.push(entry(json, span_of(&a.key), cv.node(&a.value)));
        }
        if let (Some(a), true) = (neg, keep_neg) {
            entries.push(entry(
                &format!("Not{json}"),
                span_of(&a.key),
                cv.node(&a.value),
            ));
        }
    }
    let p = principals(cv, body, "principals", "Principal");
    let np = principals(cv, body, "not_principals", "NotPrincipal");
    let computed_principals = ["principals", "not_principals"]
        .iter()
        .any(|k| blocks_of_quiet(body, k) > 0);
    if needs_principal && p.is_none() && np.is_none() && computed_principals {
        note(
            cv,
            span_of(&block.ident),
            "a statement whose principals are all computed is not checked".to_string(),
        );
        return None;
    }
    match (p, np) {
        // both from computed blocks: keep the positive one
        (Some((p, true)), Some((_, true))) => entries.push(p),
        (p, np) => entries.extend([p, np].into_iter().flatten().map(|(e, _)| e)),
    }
    if let Some(e) = conditions(cv, body) {
        entries.push(e);
    }
    let mut n = Node {
        span: span_of(block),
        tag: None,
        value: Value::Map(entries),
    };
    policy_variables(&mut n);
    Some(n)
}

/// How many `ident` and `dynamic "ident"` blocks a body has.
fn blocks_of_quiet(body: &Body, ident: &str) -> usize {
    body.blocks()
        .filter(|b| {
            b.ident.as_str() == ident
                || (b.ident.as_str() == "dynamic"
                    && b.labels.first().map(|l| l.as_str()) == Some(ident))
        })
        .count()
}

/// Whether an attribute's value is computed (not written out as a list or string).
fn is_computed(e: &Expression) -> bool {
    !matches!(
        e,
        Expression::Array(_) | Expression::String(_) | Expression::StringTemplate(_)
    )
}

/// The `Principal` (or `NotPrincipal`) entry, and whether it comes only from `dynamic`
/// blocks.
fn principals(cv: &mut Conv<'_, '_>, body: &Body, tf: &str, json: &str) -> Option<(Entry, bool)> {
    let blocks = blocks_of(cv, body, tf);
    let all_dynamic = blocks.iter().all(|(b, _)| b.ident.as_str() == "dynamic");
    let (first, _) = blocks.first()?;
    let key_span = span_of(&first.ident);
    let mut span = span_of(*first);
    let mut types: Vec<Entry> = Vec::new();
    for (b, body) in &blocks {
        span = span.cover(span_of(*b));
        let Some(ty) = body.get_attribute("type") else {
            continue;
        };
        let Some(ty_name) = literal(&ty.value) else {
            note(
                cv,
                span_of(&ty.value),
                format!(
                    "a `{tf}` block of type `{}` is not checked: its type is computed",
                    cv.expr_text(&ty.value)
                ),
            );
            continue;
        };
        let mut items = Vec::new();
        let ids_span = match body.get_attribute("identifiers") {
            Some(ids) => {
                match cv.node(&ids.value) {
                    Node {
                        value: Value::Seq(xs),
                        ..
                    } => items.extend(xs),
                    other => items.push(other),
                }
                span_of(&ids.value)
            }
            None => span_of(*b),
        };
        // `type = "*"` with `identifiers = ["*"]` renders `"Principal": "*"`
        if ty_name == "*" && blocks.len() == 1 && items.iter().all(|n| n.as_str() == Some("*")) {
            return Some((entry(json, key_span, string("*", ids_span)), all_dynamic));
        }
        match types.iter_mut().find(|e| e.key == ty_name) {
            Some(e) => {
                if let Value::Seq(xs) = &mut e.value.value {
                    xs.extend(items);
                }
            }
            None => types.push(entry(
                &ty_name,
                span_of(&ty.value),
                Node {
                    span: ids_span,
                    tag: None,
                    value: Value::Seq(items),
                },
            )),
        }
    }
    if types.is_empty() {
        // every block's type is computed: nothing to check
        return None;
    }
    Some((
        entry(
            json,
            key_span,
            Node {
                span,
                tag: None,
                value: Value::Map(types),
            },
        ),
        all_dynamic,
    ))
}

fn conditions(cv: &mut Conv<'_, '_>, body: &Body) -> Option<Entry> {
    let blocks = blocks_of(cv, body, "condition");
    let (first, _) = blocks.first()?;
    let key_span = span_of(&first.ident);
    let mut span = span_of(*first);
    let mut ops: Vec<Entry> = Vec::new();
    for (b, body) in &blocks {
        span = span.cover(span_of(*b));
        let (Some(test), Some(var)) = (body.get_attribute("test"), body.get_attribute("variable"))
        else {
            continue;
        };
        let Some(op) = literal(&test.value) else {
            note(
                cv,
                span_of(&test.value),
                format!(
                    "a condition with the operator `{}` is not checked: its operator is computed",
                    cv.expr_text(&test.value)
                ),
            );
            continue;
        };
        let key = match cv.node(&var.value) {
            Node {
                value: Value::String(s, _),
                ..
            } => s,
            _ => continue,
        };
        let values = match body.get_attribute("values") {
            Some(v) => match cv.node(&v.value) {
                n @ Node {
                    value: Value::Seq(_),
                    ..
                } => n,
                other => Node {
                    span: other.span,
                    tag: None,
                    value: Value::Seq(vec![other]),
                },
            },
            None => Node {
                span: span_of(*b),
                tag: None,
                value: Value::Seq(Vec::new()),
            },
        };
        let e = entry(&key, span_of(&var.value), values);
        match ops.iter_mut().find(|o| o.key == op) {
            Some(o) => {
                if let Value::Map(es) = &mut o.value.value {
                    es.push(e);
                }
            }
            None => ops.push(entry(
                &op,
                span_of(&test.value),
                Node {
                    span: span_of(*b),
                    tag: None,
                    value: Value::Map(vec![e]),
                },
            )),
        }
    }
    if ops.is_empty() {
        return None;
    }
    Some(entry(
        "Condition",
        key_span,
        Node {
            span,
            tag: None,
            value: Value::Map(ops),
        },
    ))
}

fn sid_of(n: &Node) -> Option<String> {
    n.get("Sid")
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty() && !s.contains(super::text::OPEN))
        .map(str::to_string)
}

/// Add `add` to `into`: a statement with the `sid` of one already there replaces it.
fn merge(into: &mut Vec<Node>, add: Vec<Node>) {
    for st in add {
        match sid_of(&st).and_then(|sid| into.iter().position(|x| sid_of(x) == Some(sid.clone()))) {
            Some(i) => into[i] = st,
            None => into.push(st),
        }
    }
}

/// The statements of the documents of `source_policy_documents` or
/// `override_policy_documents`, each document's as one list.
fn other_documents(
    cv: &mut Conv<'_, '_>,
    block: &Block,
    attr: &str,
    seen: &mut Vec<String>,
    partial: &mut bool,
    kind: Option<PolicyKind>,
) -> Vec<Vec<Node>> {
    let Some(a) = block.body.get_attribute(attr) else {
        return Vec::new();
    };
    let mut items: Vec<&Expression> = Vec::new();
    expand_list(cv, &a.value, &mut items, 0);
    let mut out = Vec::new();
    for item in items {
        let name = match item {
            Expression::Traversal(t) => data_document(t),
            _ => None,
        };
        if let Some(name) = name {
            let Some(found) = cv.module.find("data", "aws_iam_policy_document", &name) else {
                *partial = true;
                note(
                    cv,
                    span_of(item),
                    format!("`data.aws_iam_policy_document.{name}` is not in this module: its statements are not known"),
                );
                continue;
            };
            if let Some(f) = found.file {
                *partial = true;
                note(
                    cv,
                    span_of(item),
                    format!("the statements of `data.aws_iam_policy_document.{name}` are merged here and checked in `{}`", f.name),
                );
                continue;
            }
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            note(
                cv,
                span_of(item),
                format!("the statements of `data.aws_iam_policy_document.{name}` are merged here"),
            );
            let r = render(cv, found.block, seen, kind);
            *partial |= r.partial;
            out.push(statements_of(r.node));
            continue;
        }
        match cv.policy_value(item) {
            PolicyValue::Node(n) => out.push(statements_of(n)),
            _ => {
                *partial = true;
                let what = cv.expr_text(item);
                note(
                    cv,
                    span_of(item),
                    format!("the statements of `{what}` are not known: they are not checked"),
                );
            }
        }
    }
    out
}

/// The items of a list of documents: an array's, those of `concat` / `flatten` /
/// `compact` arguments, and of a local of this file holding such a list.
fn expand_list<'e>(
    cv: &Conv<'_, 'e>,
    e: &'e Expression,
    out: &mut Vec<&'e Expression>,
    depth: usize,
) {
    if depth > 16 {
        out.push(e);
        return;
    }
    match e {
        Expression::Array(xs) => xs.iter().for_each(|x| expand_list(cv, x, out, depth + 1)),
        Expression::FuncCall(f)
            if matches!(
                f.name.name.as_str(),
                "concat" | "flatten" | "compact" | "tolist"
            ) =>
        {
            f.args
                .iter()
                .for_each(|x| expand_list(cv, x, out, depth + 1));
        }
        Expression::Parenthesis(p) => expand_list(cv, p.inner(), out, depth + 1),
        Expression::Traversal(_) if data_ref(e) => out.push(e),
        _ => match super::convert::root_attr(e) {
            Some(("local", name)) => match cv.module.local(name) {
                Some((x, None)) => expand_list(cv, x, out, depth + 1),
                _ => out.push(e),
            },
            _ => out.push(e),
        },
    }
}

fn data_ref(e: &Expression) -> bool {
    matches!(e, Expression::Traversal(t) if data_document(t).is_some())
}

fn statements_of(doc: Node) -> Vec<Node> {
    let Value::Map(entries) = doc.value else {
        return Vec::new();
    };
    match entries.into_iter().find(|e| e.key == "Statement") {
        Some(Entry {
            value: Node {
                value: Value::Seq(xs),
                ..
            },
            ..
        }) => xs,
        Some(e) => vec![e.value],
        None => Vec::new(),
    }
}

/// Render a `data "aws_iam_policy_document"` block. `seen` holds the names being rendered
/// (a document that merges itself is merged once).
pub(crate) fn render(
    cv: &mut Conv<'_, '_>,
    block: &Block,
    seen: &mut Vec<String>,
    kind: Option<PolicyKind>,
) -> Rendered {
    let mut partial = false;
    let mut stmts = Vec::new();
    for src in other_documents(
        cv,
        block,
        "source_policy_documents",
        seen,
        &mut partial,
        kind,
    ) {
        stmts.extend(src);
    }
    let mut own = Vec::new();
    let blocks = blocks_of(cv, &block.body, "statement");
    let mut statement_key = None;
    for (b, body) in &blocks {
        statement_key.get_or_insert(span_of(&b.ident));
        if b.ident.as_str() == "dynamic" {
            if let Some(each) = b.body.get_attribute("for_each") {
                if literal(&each.value).is_none() {
                    partial = true;
                }
            }
        }
        own.extend(statement(cv, b, body, kind));
    }
    merge(&mut stmts, own);
    for o in other_documents(
        cv,
        block,
        "override_policy_documents",
        seen,
        &mut partial,
        kind,
    ) {
        merge(&mut stmts, o);
    }
    let head = span_of(&block.ident);
    let mut entries = Vec::new();
    match block.body.get_attribute("version") {
        Some(v) => entries.push(entry("Version", span_of(&v.key), cv.node(&v.value))),
        None => entries.push(entry("Version", head, string("2012-10-17", head))),
    }
    if let Some(id) = block.body.get_attribute("policy_id") {
        entries.push(entry("Id", span_of(&id.key), cv.node(&id.value)));
    }
    let list_span = blocks
        .iter()
        .map(|(b, _)| span_of(*b))
        .reduce(Span::cover)
        .unwrap_or(head);
    entries.push(entry(
        "Statement",
        statement_key.unwrap_or(head),
        Node {
            span: list_span,
            tag: None,
            value: Value::Seq(stmts),
        },
    ));
    Rendered {
        node: Node {
            span: span_of(block),
            tag: None,
            value: Value::Map(entries),
        },
        partial,
    }
}
