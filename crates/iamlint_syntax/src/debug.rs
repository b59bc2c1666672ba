//! A compact, line-oriented rendering of a tree, for tests and debugging.

use std::fmt::Write as _;

use crate::{LineIndex, Node, ScalarStyle, Span, Value};

/// Render `node` (parsed from `src`) one value per line, spans as `line:col-line:col`
/// (1-based, columns in characters, end exclusive).
///
/// ```text
/// map 1:1-3:2
///   "Version" 2:3-2:12 = str "2012-10-17" 2:14-2:26 quoted
///   "Action" 3:3-3:11 = seq 3:13-3:25
///     - !Sub str "a" 3:14-3:17 plain tag 3:14-3:18
/// ```
pub fn debug_tree(node: &Node, src: &str) -> String {
    let index = LineIndex::new(src);
    let at = |span: Span| {
        let a = index.line_col(src, span.start);
        let b = index.line_col(src, span.end);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    };
    let mut out = String::new();
    // (node, indent, prefix) — an explicit stack, so deep trees render too.
    let mut stack: Vec<(&Node, usize, String)> = vec![(node, 0, String::new())];
    while let Some((node, indent, prefix)) = stack.pop() {
        let _ = write!(out, "{:indent$}{prefix}", "", indent = indent * 2);
        if let Some(tag) = &node.tag {
            let _ = write!(out, "!{} ", tag.name);
        }
        let kind = match &node.value {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => format!("bool {b}"),
            Value::Number(n) => format!("num {n}"),
            Value::String(s, _) => format!("str {s:?}"),
            Value::Seq(_) => "seq".to_owned(),
            Value::Map(_) => "map".to_owned(),
            Value::Alias(a) => format!("alias {a:?}"),
        };
        let _ = write!(out, "{kind} {}", at(node.span));
        if let Value::String(_, style) = &node.value {
            let style = match style {
                ScalarStyle::Plain => "plain",
                ScalarStyle::Quoted => "quoted",
                ScalarStyle::Block => "block",
            };
            let _ = write!(out, " {style}");
        }
        if let Some(tag) = &node.tag {
            let _ = write!(out, " tag {}", at(tag.span));
        }
        out.push('\n');
        match &node.value {
            Value::Seq(items) => {
                for item in items.iter().rev() {
                    stack.push((item, indent + 1, "- ".to_owned()));
                }
            }
            Value::Map(entries) => {
                for e in entries.iter().rev() {
                    let prefix = format!("{:?} {} = ", e.key, at(e.key_span));
                    stack.push((&e.value, indent + 1, prefix));
                }
            }
            _ => {}
        }
    }
    out
}
