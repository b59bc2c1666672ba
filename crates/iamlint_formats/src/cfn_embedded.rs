//! Policies that a CloudFormation template writes as a JSON string (`PolicyDocument:
//! '{"Version": ...}'`, a `|` block, or `!Sub` / `Fn::Sub` of such a string): parsed
//! with every span mapped into the string as written (escapes and indentation
//! followed; where a layout is not followed, every span is the whole string, never a
//! wrong place). In a `Fn::Sub` string, `${Name}` is a CloudFormation reference (an
//! unknown value, bindable with `--var`).
//!
//! CloudFormation does not evaluate functions inside a string: an object such as
//! `{"Ref": "Bucket"}` in a JSON-string policy reaches IAM as it is, and IAM rejects the
//! policy. Each one is reported; a `${AWS::AccountId}` in a plain string (no `Fn::Sub`)
//! stays literal text too.

use iamlint_policy::text::intrinsic;
use iamlint_policy::{IssueKind, ModelIssue};
use iamlint_syntax::{
    decode_json_string, decode_yaml_scalar, parse_json, Limits, Node, Span, SpanMap, Tag, Value,
};

/// A JSON-string policy, parsed.
pub(crate) enum Embedded {
    /// The document (spans in the template), and the CloudFormation functions written
    /// inside it: (where, path inside the document, the function's name).
    Document(Node, Vec<(Span, String, String)>),
    /// It does not parse: where and why (the span is the error's, mapped).
    Broken(Span, String),
}

/// The policy written as a string in `node` (a plain string that starts with `{`, or a
/// `Fn::Sub` of one); `None` when `node` is not such a string.
pub(crate) fn parse(node: &Node, src: &str, limits: &Limits) -> Option<Embedded> {
    let (string_node, sub_vars) = match intrinsic(node) {
        None => (node, None),
        Some((name, arg)) if name == "Fn::Sub" => match arg.value() {
            Value::String(..) => (arg.node(), Some(None)),
            Value::Seq(items) => match (items.first(), items.get(1)) {
                (Some(t), vars) if matches!(t.value, Value::String(..)) => (t, Some(vars)),
                _ => return None,
            },
            _ => return None,
        },
        Some(_) => return None,
    };
    let Value::String(value, _) = &string_node.value else {
        return None;
    };
    if !value.trim_start().starts_with('{') {
        return None;
    }
    // the tagged short form's node is the string itself; its span is the string's
    let map = decode_map(string_node, src, value);
    let mut parsed = parse_json(value, limits);
    let whole = string_node.span;
    match &map {
        Some(m) => parsed.map_spans(&mut |s| m.map(s)),
        None => parsed.map_spans(&mut |_| whole),
    }
    if let Some(e) = parsed.errors.first() {
        return Some(Embedded::Broken(
            e.span,
            format!(
                "this policy is a string that does not parse as JSON: {}",
                e.message
            ),
        ));
    }
    let mut root = parsed.documents.into_iter().next()?;
    let mut functions = Vec::new();
    find_functions(&root, String::new(), &mut functions, 0);
    if let Some(vars) = sub_vars {
        mark_sub(&mut root, vars, 0);
    }
    Some(Embedded::Document(root, functions))
}

/// The map of the string's value to the template, when its layout is followed: a JSON
/// string (in a JSON template), else a YAML scalar; each is checked against the value.
fn decode_map(node: &Node, src: &str, value: &str) -> Option<SpanMap> {
    let at = node.span.start as usize;
    if node.tag.is_none() && src.as_bytes().get(at) == Some(&b'"') {
        if let Some((t, m)) = decode_json_string(src, at) {
            if t == value {
                return Some(m);
            }
        }
    }
    match decode_yaml_scalar(src, node) {
        Some((t, m)) if t == value => Some(m),
        _ => None,
    }
}

/// `{"Ref": ...}`, `{"Fn::GetAtt": ...}` objects inside the document.
fn find_functions(node: &Node, path: String, out: &mut Vec<(Span, String, String)>, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some((name, _)) = intrinsic(node) {
        out.push((node.span, path, name));
        return;
    }
    match &node.value {
        Value::Seq(items) => {
            for (i, n) in items.iter().enumerate() {
                find_functions(n, iamlint_policy::path::index(&path, i), out, depth + 1);
            }
        }
        Value::Map(entries) => {
            for e in entries {
                find_functions(
                    &e.value,
                    iamlint_policy::path::member(&path, &e.key),
                    out,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

/// In a `Fn::Sub` string, every string value with `${...}` is substituted: tag it so
/// that the policy model reads it as `Fn::Sub` (with the list form's variables).
fn mark_sub(node: &mut Node, vars: Option<&Node>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &mut node.value {
        Value::String(s, style) if s.contains("${") => {
            let text = Node {
                span: node.span,
                tag: None,
                value: Value::String(std::mem::take(s), *style),
            };
            node.value = match vars {
                Some(v) => Value::Seq(vec![text, v.clone()]),
                None => text.value,
            };
            node.tag = Some(Box::new(Tag {
                name: "Sub".to_string(),
                span: node.span,
            }));
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| mark_sub(n, vars, depth + 1)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|e| mark_sub(&mut e.value, vars, depth + 1)),
        _ => {}
    }
}

/// The issue of a CloudFormation function written inside a JSON-string policy.
pub(crate) fn function_issue(span: Span, path: String, name: &str) -> ModelIssue {
    let element = path.rsplit('.').next().unwrap_or("").to_string();
    ModelIssue {
        kind: IssueKind::WrongType,
        span,
        path,
        message: format!(
            "`{element}` is an `{name}` object inside a policy written as a JSON string, where CloudFormation evaluates nothing: IAM receives the object as written"
        ),
        related: None,
    }
}
