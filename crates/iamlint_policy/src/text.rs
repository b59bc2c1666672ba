//! Scalars and CloudFormation intrinsics → [`Text`] (literal parts and holes).

use crate::model::{HoleKind, Part, Parts, Text};
use iamlint_syntax::{Node, Value};
use std::collections::BTreeMap;

/// Values bound with `--var NAME=VALUE`.
pub type Vars = BTreeMap<String, String>;

/// CloudFormation intrinsic function names, long form.
const INTRINSICS: &[&str] = &[
    "Ref",
    "Condition",
    "Fn::Sub",
    "Fn::Join",
    "Fn::GetAtt",
    "Fn::If",
    "Fn::Select",
    "Fn::Split",
    "Fn::FindInMap",
    "Fn::ImportValue",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::GetAZs",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Fn::Transform",
    "Fn::Length",
    "Fn::ToJsonString",
];

/// The intrinsic a node is, if any: `(long name, argument node)`. Handles the short form
/// (`!Sub x`, where the node itself is the argument) and the long form (`{"Fn::Sub": x}`).
pub fn intrinsic(node: &Node) -> Option<(String, IntrinsicArg<'_>)> {
    if let Some(tag) = &node.tag {
        let name = tag.name.as_str();
        if name.starts_with('!') {
            return None; // `!!str` and friends are YAML core tags
        }
        let long = if name == "Ref" || name == "Condition" {
            name.to_string()
        } else {
            format!("Fn::{name}")
        };
        return Some((long, IntrinsicArg::Tagged(node)));
    }
    let map = node.as_map()?;
    if map.len() != 1 {
        return None;
    }
    let e = &map[0];
    if INTRINSICS.contains(&e.key.as_str()) || e.key.starts_with("Fn::") {
        return Some((e.key.clone(), IntrinsicArg::Node(&e.value)));
    }
    None
}

/// The argument of an intrinsic. For the short form the node carries the tag itself, and
/// its value is the argument.
#[derive(Clone, Copy, Debug)]
pub enum IntrinsicArg<'a> {
    Tagged(&'a Node),
    Node(&'a Node),
}

impl<'a> IntrinsicArg<'a> {
    pub fn value(self) -> &'a Value {
        match self {
            IntrinsicArg::Tagged(n) | IntrinsicArg::Node(n) => &n.value,
        }
    }

    pub fn node(self) -> &'a Node {
        match self {
            IntrinsicArg::Tagged(n) | IntrinsicArg::Node(n) => n,
        }
    }

    fn as_str(self) -> Option<&'a str> {
        match self.value() {
            Value::String(s, _) => Some(s),
            _ => None,
        }
    }

    fn as_seq(self) -> Option<&'a [Node]> {
        match self.value() {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
}

/// Whether the node is `!Ref AWS::NoValue` / `{"Ref": "AWS::NoValue"}`.
pub fn is_no_value(node: &Node) -> bool {
    match intrinsic(node) {
        Some((name, arg)) if name == "Ref" => arg.as_str() == Some("AWS::NoValue"),
        _ => false,
    }
}

/// Convert a scalar or intrinsic to a [`Text`]. `Err(type name)` when the node is a
/// collection that is not an intrinsic (or null).
pub fn text_of(node: &Node, path: &str, vars: &Vars) -> Result<Text, &'static str> {
    Ok(Text {
        parts: parts_of(node, vars)?,
        span: node.span,
        path: path.to_string(),
    })
}

/// The parts of [`text_of`]'s text.
pub(crate) fn parts_of(node: &Node, vars: &Vars) -> Result<Parts, &'static str> {
    // Most values are a plain string without placeholders: one literal, kept in place.
    if let (None, Value::String(s, _)) = (&node.tag, &node.value) {
        if memchr::memchr2(b'<', b'{', s.as_bytes()).is_none() {
            return Ok(if s.is_empty() {
                Parts::default()
            } else {
                Parts::one(Part::Literal(s.clone()))
            });
        }
    }
    let mut parts = Vec::new();
    push_node(node, vars, &mut parts, 0)?;
    normalize_parts(&mut parts);
    Ok(Parts::from(parts))
}

fn push_node(
    node: &Node,
    vars: &Vars,
    out: &mut Vec<Part>,
    depth: usize,
) -> Result<(), &'static str> {
    if depth > 32 {
        out.push(hole(HoleKind::CfnFunction("nested".into()), "nested"));
        return Ok(());
    }
    if let Some((name, arg)) = intrinsic(node) {
        push_intrinsic(&name, arg, vars, out, depth);
        return Ok(());
    }
    match &node.value {
        Value::String(s, _) => {
            split_placeholders(s, vars, out);
            Ok(())
        }
        Value::Number(n) => {
            out.push(Part::Literal(n.clone()));
            Ok(())
        }
        Value::Bool(b) => {
            out.push(Part::Literal(b.to_string()));
            Ok(())
        }
        _ => Err(node.type_name()),
    }
}

fn hole(kind: HoleKind, name: &str) -> Part {
    Part::Hole {
        kind,
        name: name.to_string(),
    }
}

fn push_intrinsic(
    name: &str,
    arg: IntrinsicArg<'_>,
    vars: &Vars,
    out: &mut Vec<Part>,
    depth: usize,
) {
    let short = name.strip_prefix("Fn::").unwrap_or(name);
    match name {
        "Ref" => {
            let target = arg.as_str().unwrap_or("?");
            match vars.get(target) {
                Some(v) => out.push(Part::Literal(v.clone())),
                None => out.push(hole(HoleKind::CfnRef, target)),
            }
        }
        "Fn::Sub" => {
            let (template, local) = match arg.value() {
                Value::String(s, _) => (Some(s.as_str()), None),
                Value::Seq(items) => (
                    items.first().and_then(|n| n.as_str()),
                    items.get(1).and_then(|n| n.as_map()),
                ),
                _ => (None, None),
            };
            match template {
                Some(t) => split_sub(t, local, vars, out, depth),
                None => out.push(hole(HoleKind::CfnFunction("Sub".into()), "Sub")),
            }
        }
        "Fn::Join" => {
            let joined = (|| {
                let items = arg.as_seq()?;
                let delim = items.first()?.as_str()?;
                let list = items.get(1)?.as_seq()?;
                let mut parts = Vec::new();
                for (i, item) in list.iter().enumerate() {
                    if i > 0 && !delim.is_empty() {
                        parts.push(Part::Literal(delim.to_string()));
                    }
                    push_node(item, vars, &mut parts, depth + 1).ok()?;
                }
                Some(parts)
            })();
            match joined {
                Some(parts) => out.extend(parts),
                None => out.push(hole(HoleKind::CfnFunction("Join".into()), "Join")),
            }
        }
        "Fn::GetAtt" => {
            let target = match arg.value() {
                Value::String(s, _) => s.clone(),
                Value::Seq(items) => items
                    .iter()
                    .filter_map(|n| n.scalar_text().map(|c| c.into_owned()))
                    .collect::<Vec<_>>()
                    .join("."),
                _ => "?".to_string(),
            };
            out.push(hole(HoleKind::CfnFunction("GetAtt".into()), &target));
        }
        _ => out.push(hole(HoleKind::CfnFunction(short.to_string()), short)),
    }
}

/// `${Name}` → hole (or the bound value), `${!Literal}` → `${Literal}`.
fn split_sub(
    template: &str,
    local: Option<&[iamlint_syntax::Entry]>,
    vars: &Vars,
    out: &mut Vec<Part>,
    depth: usize,
) {
    let mut rest = template;
    let mut lit = String::new();
    while let Some(i) = rest.find("${") {
        lit.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(close) = after.find('}') else {
            lit.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = &after[..close];
        if let Some(escaped) = inner.strip_prefix('!') {
            lit.push_str("${");
            lit.push_str(escaped);
            lit.push('}');
        } else {
            let name = inner.trim();
            let local_node = local.and_then(|m| m.iter().find(|e| e.key == name));
            if let Some(e) = local_node {
                split_placeholders(&std::mem::take(&mut lit), vars, out);
                let mut inner_parts = Vec::new();
                if push_node(&e.value, vars, &mut inner_parts, depth + 1).is_err() {
                    inner_parts.push(hole(HoleKind::CfnRef, name));
                }
                out.extend(inner_parts);
            } else if let Some(v) = vars.get(name) {
                lit.push_str(v);
            } else {
                split_placeholders(&std::mem::take(&mut lit), vars, out);
                out.push(hole(HoleKind::CfnRef, name));
            }
        }
        rest = &after[close + 1..];
    }
    lit.push_str(rest);
    split_placeholders(&lit, vars, out);
}

/// Split a literal string into literal parts and `<PLACEHOLDER>` / `{{ var }}` holes,
/// substituting bound variables.
pub fn split_placeholders(s: &str, vars: &Vars, out: &mut Vec<Part>) {
    let bytes = s.as_bytes();
    let mut lit_start = 0;
    // Only `<` and `{` can start a placeholder: jump from one to the next.
    let Some(mut i) = memchr::memchr2(b'<', b'{', bytes) else {
        if !s.is_empty() {
            out.push(Part::Literal(s.to_string()));
        }
        return;
    };
    while i < bytes.len() {
        let found = match bytes[i] {
            b'<' => {
                angle_placeholder(&s[i..]).map(|(len, name)| (len, name, HoleKind::Placeholder))
            }
            b'{' if s[i..].starts_with("{{") => {
                template_var(&s[i..]).map(|(len, name)| (len, name, HoleKind::TemplateVar))
            }
            _ => None,
        };
        if let Some((len, name, kind)) = found {
            if lit_start < i {
                out.push(Part::Literal(s[lit_start..i].to_string()));
            }
            match vars.get(name) {
                Some(v) => out.push(Part::Literal(v.clone())),
                None => out.push(hole(kind, name)),
            }
            i += len;
            lit_start = i;
        } else {
            i += 1;
        }
    }
    if lit_start < s.len() {
        out.push(Part::Literal(s[lit_start..].to_string()));
    }
}

/// `<NAME>` where NAME starts with a letter and holds letters, digits, spaces, `_`, `-`,
/// `.`: returns (byte length, NAME).
fn angle_placeholder(s: &str) -> Option<(usize, &str)> {
    let rest = s.strip_prefix('<')?;
    let end = rest.find('>')?;
    let name = &rest[..end];
    let mut chars = name.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    if name.len() > 80
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'))
    {
        return None;
    }
    Some((end + 2, name))
}

/// `{{ name }}`: returns (byte length, trimmed name).
fn template_var(s: &str) -> Option<(usize, &str)> {
    let rest = s.strip_prefix("{{")?;
    let end = rest.find("}}")?;
    let name = rest[..end].trim();
    if name.is_empty() || name.len() > 120 || name.contains('\n') {
        return None;
    }
    Some((end + 4, name))
}

/// Merge adjacent literals and drop empty ones.
pub fn normalize_parts(parts: &mut Vec<Part>) {
    let is_empty = |p: &Part| matches!(p, Part::Literal(s) if s.is_empty());
    let already = !parts.iter().any(is_empty)
        && !parts
            .windows(2)
            .any(|w| matches!(w, [Part::Literal(_), Part::Literal(_)]));
    if already {
        return;
    }
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    for p in parts.drain(..) {
        match (out.last_mut(), p) {
            (_, Part::Literal(s)) if s.is_empty() => {}
            (Some(Part::Literal(prev)), Part::Literal(s)) => prev.push_str(&s),
            (_, p) => out.push(p),
        }
    }
    *parts = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> Vec<Part> {
        let mut out = Vec::new();
        split_placeholders(s, &Vars::new(), &mut out);
        normalize_parts(&mut out);
        out
    }

    fn lit(s: &str) -> Part {
        Part::Literal(s.into())
    }

    fn ph(s: &str) -> Part {
        hole(HoleKind::Placeholder, s)
    }

    /// A plain string's parts, taken on the short path, are those of the general one; and
    /// parts kept in place equal (and hash as) the same parts in a list.
    #[test]
    fn plain_strings_take_the_short_path_to_the_same_parts() {
        use std::hash::{BuildHasher, RandomState};
        let hasher = RandomState::new();
        for s in [
            "",
            "s3:GetObject",
            "arn:aws:s3:::b/*",
            "<REGION>",
            "a<b",
            "{{ x }}",
            "{x}",
            "${aws:username}",
            "x{{y",
        ] {
            let node = Node {
                span: Default::default(),
                tag: None,
                value: Value::String(s.to_string(), iamlint_syntax::ScalarStyle::Quoted),
            };
            let short = parts_of(&node, &Vars::new()).expect("a string");
            let general = parts(s);
            assert_eq!(short.as_slice(), general.as_slice(), "{s:?}");
            let listed = Parts::from(general);
            assert_eq!(short, listed);
            assert_eq!(hasher.hash_one(&short), hasher.hash_one(&listed));
            assert_eq!(hasher.hash_one(&short), hasher.hash_one(short.as_slice()));
        }
        let many = Parts::from(vec![lit("a"), ph("B")]);
        assert_eq!(many.len(), 2);
        assert_eq!(Parts::from(Vec::new()), Parts::default());
        assert!(Parts::default().is_empty());
    }

    #[test]
    fn placeholders_are_holes() {
        assert_eq!(
            parts("arn:aws:sqs:<REGION>:<AWS ACCOUNT ID>:parallelcluster-*"),
            vec![
                lit("arn:aws:sqs:"),
                ph("REGION"),
                lit(":"),
                ph("AWS ACCOUNT ID"),
                lit(":parallelcluster-*")
            ]
        );
        assert_eq!(
            parts("arn:aws:iam::<AWS ACCOUNT ID>:role/<AWS_BATCH_STACK - JOB_ROLE>"),
            vec![
                lit("arn:aws:iam::"),
                ph("AWS ACCOUNT ID"),
                lit(":role/"),
                ph("AWS_BATCH_STACK - JOB_ROLE")
            ]
        );
        assert_eq!(
            parts("arn:aws:s3:::{{ bucket }}/*"),
            vec![
                lit("arn:aws:s3:::"),
                hole(HoleKind::TemplateVar, "bucket"),
                lit("/*")
            ]
        );
    }

    #[test]
    fn not_placeholders() {
        assert_eq!(parts("a < b > c"), vec![lit("a < b > c")]);
        assert_eq!(parts("<>"), vec![lit("<>")]);
        assert_eq!(parts("${aws:username}"), vec![lit("${aws:username}")]);
        assert_eq!(parts("{{}}"), vec![lit("{{}}")]);
    }

    #[test]
    fn vars_substitute() {
        let mut vars = Vars::new();
        vars.insert("REGION".into(), "us-east-1".into());
        let mut out = Vec::new();
        split_placeholders("arn:aws:sqs:<REGION>:1:q", &vars, &mut out);
        normalize_parts(&mut out);
        assert_eq!(out, vec![lit("arn:aws:sqs:us-east-1:1:q")]);
    }
}
