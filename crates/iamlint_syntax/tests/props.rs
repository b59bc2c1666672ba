//! Property tests: generated values round-trip through text, spans reparse to the same
//! node, and neither loader panics on arbitrary input.

use iamlint_syntax::{parse_json, parse_yaml, Limits, Node, Parsed, Value};
use proptest::prelude::*;

/// A JSON value without spans, the oracle side.
#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

fn number() -> impl Strategy<Value = String> {
    "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,3})?"
}

fn json() -> impl Strategy<Value = Json> {
    json_with(any::<String>().boxed())
}

fn json_with(strings: BoxedStrategy<String>) -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number().prop_map(Json::Num),
        strings.clone().prop_map(Json::Str),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Arr),
            prop::collection::vec((strings.clone(), inner), 0..6).prop_map(Json::Obj),
        ]
    })
}

/// Render with some whitespace and escapes chosen by `style` (0..6): the last two indent
/// as pretty printers do, with runs of spaces longer than eight bytes.
fn render(v: &Json, style: u8, out: &mut String) {
    let ws = [
        " ",
        "",
        "\n  ",
        "\t",
        "\n                   ",
        "  \r\n \t         ",
    ][usize::from(style % 6)];
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(n),
        Json::Str(s) => render_str(s, style, out),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(ws);
                render(item, style, out);
            }
            out.push_str(ws);
            out.push(']');
        }
        Json::Obj(entries) => {
            out.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(ws);
                render_str(k, style, out);
                out.push_str(ws);
                out.push(':');
                out.push_str(ws);
                render(val, style, out);
            }
            out.push_str(ws);
            out.push('}');
        }
    }
}

fn render_str(s: &str, style: u8, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            // every other style escapes non-ASCII as \uXXXX (surrogate pairs included)
            c if style % 2 == 1 && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The node without spans.
fn strip(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Num(n.clone()),
        Value::String(s, _) => Json::Str(s.clone()),
        Value::Seq(items) => Json::Arr(items.iter().map(strip).collect()),
        Value::Map(entries) => Json::Obj(
            entries
                .iter()
                .map(|e| (e.key.clone(), strip(&e.value)))
                .collect(),
        ),
        Value::Alias(a) => Json::Str(format!("*{a}")),
    }
}

fn nodes(root: &Node) -> Vec<&Node> {
    let mut all = vec![];
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        all.push(n);
        match &n.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    all
}

/// Every span lies inside `src` on character boundaries.
fn spans_valid(parsed: &Parsed, src: &str) -> Result<(), TestCaseError> {
    let ok = |s: iamlint_syntax::Span| {
        s.start <= s.end
            && (s.end as usize) <= src.len()
            && src.is_char_boundary(s.start as usize)
            && src.is_char_boundary(s.end as usize)
    };
    for e in &parsed.errors {
        prop_assert!(ok(e.span), "error span {:?} in {:?}", e, src);
        prop_assert!(!e.message.is_empty());
    }
    for d in &parsed.duplicate_keys {
        prop_assert!(ok(d.first) && ok(d.second));
    }
    for doc in &parsed.documents {
        for n in nodes(doc) {
            prop_assert!(ok(n.span), "node span {:?} in {:?}", n.span, src);
            if let Some(t) = &n.tag {
                prop_assert!(ok(t.span));
            }
            for e in n.as_map().unwrap_or(&[]) {
                prop_assert!(ok(e.key_span));
            }
        }
    }
    Ok(())
}

/// 3000 cases per property, or `PROPTEST_CASES` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn json_round_trips_and_spans_reparse(v in json(), style in 0u8..6) {
        let mut src = String::new();
        render(&v, style, &mut src);
        let parsed = parse_json(&src, &Limits::default());
        prop_assert!(parsed.errors.is_empty(), "{:?} in {}", parsed.errors, src);
        prop_assert_eq!(parsed.documents.len(), 1);
        let root = &parsed.documents[0];
        prop_assert_eq!(strip(root), v);
        for node in nodes(root) {
            let text = node.span.slice(&src);
            let again = parse_json(text, &Limits::default());
            prop_assert!(again.errors.is_empty(), "{:?} for {:?}", again.errors, text);
            prop_assert_eq!(strip(&again.documents[0]), strip(node));
            for e in node.as_map().unwrap_or(&[]) {
                let key = parse_json(e.key_span.slice(&src), &Limits::default());
                prop_assert_eq!(key.documents[0].as_str(), Some(e.key.as_str()));
            }
        }
    }

    /// JSON (without `\u` escapes) is YAML: the YAML loader reads the same values.
    #[test]
    fn json_text_reads_the_same_as_yaml(
        v in json_with("[a-zA-Z0-9 :,#&*!|>'{}\\[\\]\"\\\\\n\u{e9}\u{1F600}-]{0,12}".boxed())
    ) {
        let mut src = String::new();
        render(&v, 0, &mut src);
        let parsed = parse_yaml(&src, &Limits::default());
        spans_valid(&parsed, &src)?;
        prop_assert!(parsed.errors.is_empty(), "{:?} in {}", parsed.errors, src);
        prop_assert_eq!(strip(&parsed.documents[0]), v);
    }

    #[test]
    fn json_never_panics_on_strings(s in any::<String>()) {
        let parsed = parse_json(&s, &Limits::default());
        spans_valid(&parsed, &s)?;
        prop_assert_eq!(parsed.errors.len() + parsed.documents.len(), 1);
    }

    #[test]
    fn json_never_panics_on_bytes(b in prop::collection::vec(any::<u8>(), 0..256)) {
        let s = String::from_utf8_lossy(&b);
        let parsed = parse_json(&s, &Limits::default());
        spans_valid(&parsed, &s)?;
    }

    #[test]
    fn json_never_panics_on_json_like_text(s in "[\\[\\]{}\",:0-9.eE+\\-tfnrul \\\\u\n\u{e9}]{0,80}") {
        let parsed = parse_json(&s, &Limits::default());
        spans_valid(&parsed, &s)?;
    }

    #[test]
    fn yaml_never_panics_on_strings(s in any::<String>()) {
        let parsed = parse_yaml(&s, &Limits::default());
        spans_valid(&parsed, &s)?;
    }

    #[test]
    fn yaml_never_panics_on_yaml_like_text(
        s in "([ \n\t\\-:?,\\[\\]{}#&*!|>'\"%@`a-c0-9\u{e9}]|---|\\.\\.\\.|!Sub |&a |\\*a |<<: ){0,60}"
    ) {
        let parsed = parse_yaml(&s, &Limits::default());
        spans_valid(&parsed, &s)?;
    }
}
