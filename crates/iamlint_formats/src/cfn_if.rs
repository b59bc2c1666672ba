//! CloudFormation `Fn::If`: both branches are read, and what is read in a branch knows
//! its condition (an [`iamlint_policy::Branch`]), so a finding there can name it.
//!
//! Around a policy (a `Properties`, `Policies`, `PolicyDocument` or `ManagedPolicyArns`
//! that is an `Fn::If`), each branch is read on its own ([`alternatives`]). Inside a
//! policy's statements (`Action: !If`, `Condition: !If`), the policy is read once per
//! combination of the conditions it uses ([`variants`]): each variant is a policy
//! CloudFormation may deploy, checked as such (a `Condition` that one branch drops is
//! checked without it, not merged with the other branch's).

use iamlint_policy::text::{intrinsic, is_no_value};
use iamlint_policy::Branch;
use iamlint_syntax::{Node, Value};

/// The most conditions a policy is expanded for (2^3 = 8 variants); the `Fn::If`s of
/// further conditions stay unknown values.
const MAX_CONDITIONS: usize = 3;

/// `(condition, true branch, false branch)` when `node` is an `Fn::If`.
pub(crate) fn as_if(node: &Node) -> Option<(&str, &Node, &Node)> {
    let (name, arg) = intrinsic(node)?;
    if name != "Fn::If" {
        return None;
    }
    match arg.value() {
        Value::Seq(b) if b.len() == 3 => Some((b[0].as_str()?, &b[1], &b[2])),
        _ => None,
    }
}

/// `node` and its path, or, when it is an `Fn::If`, each branch that is not
/// `AWS::NoValue` (`{path}.Fn::If[1]`, `{path}.Fn::If[2]`; nested ones too), with the
/// branch recorded in `branches`.
pub(crate) fn alternatives<'a>(
    node: &'a Node,
    path: String,
    branches: &mut Vec<Branch>,
) -> Vec<(&'a Node, String)> {
    let mut out = Vec::new();
    collect(node, path, branches, &mut out, 0);
    out
}

fn collect<'a>(
    node: &'a Node,
    path: String,
    branches: &mut Vec<Branch>,
    out: &mut Vec<(&'a Node, String)>,
    depth: usize,
) {
    match as_if(node) {
        Some((cond, t, f)) if depth < 16 => {
            for (i, b) in [(1, t), (2, f)] {
                if is_no_value(b) {
                    continue;
                }
                let p = format!("{path}.Fn::If[{i}]");
                branches.push(Branch {
                    path: p.clone(),
                    condition: cond.to_string(),
                    value: i == 1,
                });
                collect(b, p, branches, out, depth + 1);
            }
        }
        _ => out.push((node, path)),
    }
}

/// The variants of a policy document whose statements hold `Fn::If`s: one tree per
/// combination of (at most three of) their conditions, with that combination. Empty
/// when no statement holds one (the document is read as it is).
pub(crate) fn variants(doc: &Node) -> Vec<(Node, Vec<(String, bool)>)> {
    let mut names: Vec<&str> = Vec::new();
    for st in statements(doc) {
        ifs_in(st, &mut names, 0);
    }
    names.truncate(MAX_CONDITIONS);
    if names.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(1 << names.len());
    for bits in 0..(1u32 << names.len()) {
        // true first: variant 0 takes every `true` branch
        let assign: Vec<(String, bool)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), bits & (1 << i) == 0))
            .collect();
        if let Some(tree) = substitute(doc, &assign, 0) {
            out.push((tree, assign));
        }
    }
    out
}

/// The statements of a document, through `Fn::If`s of the statement list.
fn statements(doc: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let Some(st) = doc.get("Statement") else {
        return out;
    };
    let items: Vec<&Node> = match &st.value {
        Value::Seq(items) if intrinsic(st).is_none() => items.iter().collect(),
        _ => vec![st],
    };
    let mut stack = items;
    while let Some(n) = stack.pop() {
        match as_if(n) {
            Some((_, t, f)) => {
                stack.push(t);
                stack.push(f);
            }
            None if n.as_map().is_some() && intrinsic(n).is_none() => out.push(n),
            None => {}
        }
    }
    out
}

/// The conditions of the `Fn::If`s anywhere inside `node`, in order of appearance.
fn ifs_in<'a>(node: &'a Node, names: &mut Vec<&'a str>, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some((c, _, _)) = as_if(node) {
        if !names.contains(&c) {
            names.push(c);
        }
    }
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| ifs_in(n, names, depth + 1)),
        Value::Map(entries) => entries
            .iter()
            .for_each(|e| ifs_in(&e.value, names, depth + 1)),
        _ => {}
    }
}

/// `node` with every `Fn::If` on an assigned condition replaced by its branch (`None`
/// when that is `AWS::NoValue`: the key or item goes).
fn substitute(node: &Node, assign: &[(String, bool)], depth: usize) -> Option<Node> {
    if depth > 64 {
        return Some(node.clone());
    }
    if let Some((c, t, f)) = as_if(node) {
        if let Some((_, v)) = assign.iter().find(|(n, _)| n == c) {
            let chosen = if *v { t } else { f };
            if is_no_value(chosen) {
                return None;
            }
            return substitute(chosen, assign, depth + 1);
        }
    }
    let value = match &node.value {
        Value::Seq(items) => Value::Seq(
            items
                .iter()
                .filter_map(|n| substitute(n, assign, depth + 1))
                .collect(),
        ),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .filter_map(|e| {
                    let value = substitute(&e.value, assign, depth + 1)?;
                    Some(iamlint_syntax::Entry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value,
                    })
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Some(Node {
        span: node.span,
        tag: node.tag.clone(),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_syntax::{parse_yaml, Limits};

    #[test]
    fn variants_follow_the_conditions_of_the_statements() {
        let src = "Statement:\n  - Effect: Allow\n    Action: !If [Wide, '*', s3:GetObject]\n    Resource: '*'\n    Condition: !If [Pinned, {Bool: {aws:SecureTransport: 'true'}}, !Ref AWS::NoValue]\n";
        let parsed = parse_yaml(src, &Limits::default());
        let v = variants(&parsed.documents[0]);
        assert_eq!(v.len(), 4);
        let (tree, assign) = &v[3];
        assert_eq!(
            assign,
            &vec![("Wide".to_string(), false), ("Pinned".to_string(), false)]
        );
        let st = &tree
            .get("Statement")
            .and_then(Node::as_seq)
            .expect("statements")[0];
        assert_eq!(
            st.get("Action").and_then(Node::as_str),
            Some("s3:GetObject")
        );
        assert!(st.get("Condition").is_none());
        // a document without `Fn::If` in its statements has no variants
        let plain = parse_yaml("Statement: [{Effect: Allow}]\n", &Limits::default());
        assert!(variants(&plain.documents[0]).is_empty());
    }
}
