//! JSON loader: trees, spans, errors, limits.

mod common;

use common::{limits, only_error};
use iamlint_syntax::{debug_tree, parse_json, Limits, ScalarStyle, Span, SyntaxErrorKind, Value};

fn tree(src: &str) -> String {
    let parsed = parse_json(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.documents.len(), 1);
    debug_tree(&parsed.documents[0], src)
}

fn error(src: &str) -> String {
    let parsed = parse_json(src, &limits());
    assert!(parsed.documents.is_empty());
    only_error(&parsed, src)
}

#[test]
fn policy_tree() {
    let src = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
    {"Sid": "n", "Effect": "Deny", "NotAction": [], "Resource": {}, "Condition": null,
     "X": [true, false, -1.5e3, 0, 123456789012]}
  ]
}"#;
    insta::assert_snapshot!(tree(src));
}

#[test]
fn spans_cover_values_as_written() {
    let src = r#" {"a" : [1, "x\ny"], "b":{}} "#;
    let parsed = parse_json(src, &limits());
    let root = &parsed.documents[0];
    assert_eq!(root.span.slice(src), r#"{"a" : [1, "x\ny"], "b":{}}"#);
    let a = root.get_entry("a").unwrap();
    assert_eq!(a.key_span.slice(src), r#""a""#);
    assert_eq!(a.value.span.slice(src), r#"[1, "x\ny"]"#);
    let items = a.value.as_seq().unwrap();
    assert_eq!(items[1].span.slice(src), r#""x\ny""#);
    assert_eq!(items[1].as_str(), Some("x\ny"));
    assert_eq!(root.get("b").unwrap().span.slice(src), "{}");
}

#[test]
fn string_escapes() {
    let src = r#"["\"\\\/\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "é😀", ""]"#;
    let parsed = parse_json(src, &limits());
    let items: Vec<_> = parsed.documents[0]
        .as_seq()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(items, ["\"\\/\u{8}\u{c}\n\r\t", "é€", "😀", "é😀", ""]);
    assert!(matches!(
        parsed.documents[0].as_seq().unwrap()[0].value,
        Value::String(_, ScalarStyle::Quoted)
    ));
}

#[test]
fn numbers_are_kept_as_written() {
    let src = "[0, -0, 123456789012345678901234567890, 1.50, 1E+2, -0.0e-0]";
    let parsed = parse_json(src, &limits());
    let nums: Vec<_> = parsed.documents[0]
        .as_seq()
        .unwrap()
        .iter()
        .map(|n| match &n.value {
            Value::Number(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        nums,
        [
            "0",
            "-0",
            "123456789012345678901234567890",
            "1.50",
            "1E+2",
            "-0.0e-0"
        ]
    );
}

#[test]
fn byte_order_mark_is_skipped() {
    let src = "\u{feff}{\"a\": 1}";
    let parsed = parse_json(src, &limits());
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.documents[0].span, Span::new(3, 11));
}

#[test]
fn duplicate_keys_are_kept_and_reported() {
    let src = r#"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3, "a": 4}"#;
    let parsed = parse_json(src, &limits());
    let root = &parsed.documents[0];
    assert_eq!(root.as_map().unwrap().len(), 4);
    let dups: Vec<_> = parsed
        .duplicate_keys
        .iter()
        .map(|d| {
            (
                d.key.as_str(),
                d.first.slice(src),
                d.first.start,
                d.second.start,
            )
        })
        .collect();
    assert_eq!(
        dups,
        [
            ("x", "\"x\"", 15, 23),
            ("a", "\"a\"", 1, 32),
            ("a", "\"a\"", 1, 40)
        ]
    );
    // get() returns the first occurrence
    assert_eq!(root.get("a").unwrap().span.slice(src), "1");
}

#[test]
fn duplicate_keys_in_large_objects() {
    let mut src = String::from("{");
    for i in 0..40 {
        src.push_str(&format!("\"k{}\": {i},", i % 30));
    }
    src.push_str("\"end\": 0}");
    let parsed = parse_json(&src, &limits());
    assert_eq!(parsed.duplicate_keys.len(), 10);
    for d in &parsed.duplicate_keys {
        assert_eq!(d.first.slice(&src), d.second.slice(&src));
        assert!(d.first.start < d.second.start);
    }
}

#[test]
fn errors_have_precise_spans() {
    let rendered = [
        "",
        "  \n ",
        "{\"a\": 1 \"b\": 2}",
        "[1 2]",
        "{\"a\": 1,}",
        "[1, 2, ]",
        "[1,]",
        "{\"a\": [1, {\"b\": ",
        "{\"a",
        "\"abc",
        "\"a\nb\"",
        "\"a\\xb\"",
        "\"\\u12G4\"",
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"\\ud800\\u0041\"",
        "[01]",
        "[-]",
        "[1.]",
        "[1e]",
        "[tru]",
        "[True]",
        "{a: 1}",
        "{'a': 1}",
        "['a']",
        "{\"a\" 1}",
        "{\"a\": 1} x",
        "{} {}",
        "// c\n{}",
        "[1] // c",
        "{\"a\":}",
        "[,1]",
        "\"é\\é\"",
        "[1, é]",
    ]
    .iter()
    .map(|src| format!("{src:?} => {}", error(src)))
    .collect::<Vec<_>>()
    .join("\n");
    insta::assert_snapshot!(rendered);
}

#[test]
fn lone_surrogate_span() {
    let src = r#"{"k": "ab\udfffcd"}"#;
    let parsed = parse_json(src, &limits());
    assert_eq!(parsed.errors[0].span.slice(src), r"\udfff");
    assert_eq!(
        parsed.errors[0].message,
        r"lone surrogate `\udfff` in string"
    );
}

fn deep(n: usize, open: &str) -> String {
    open.repeat(n)
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for n in [257, 100_000, 1_000_000] {
        for open in ["[", "{\"a\":"] {
            let src = deep(n, open);
            let parsed = parse_json(&src, &limits());
            assert_eq!(parsed.errors.len(), 1);
            assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::TooDeep);
            assert_eq!(
                parsed.errors[0].message,
                "nesting is deeper than 256 levels, the most accepted"
            );
            // the 257th opener
            let at = parsed.errors[0].span.start as usize;
            assert_eq!(&src[at..at + 1], &open[..1]);
            assert_eq!(src[..at].matches(&open[..1]).count(), 256);
        }
    }
}

#[test]
fn nesting_up_to_the_limit_is_fine() {
    let src = format!("{}{}", "[".repeat(256), "]".repeat(256));
    let parsed = parse_json(&src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    // a tree that deep drops without overflowing either
    drop(parsed);
    let limits = Limits {
        max_depth: 200_000,
        max_nodes: 1_000_000,
        ..Limits::default()
    };
    let src = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let parsed = parse_json(&src, &limits);
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.documents[0].span.len(), 200_000);
    // Node's derived Drop is recursive: leak-free teardown of very deep trees is the
    // caller's concern only past this depth; run it on a big stack to be safe in debug.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || drop(parsed))
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn node_limit() {
    let limits = Limits {
        max_depth: 256,
        max_nodes: 10,
        ..Limits::default()
    };
    let ok = parse_json("[1,2,3,4,5,6,7,8,9]", &limits);
    assert!(ok.errors.is_empty());
    let too_many = parse_json("[1,2,3,4,5,6,7,8,9,10]", &limits);
    assert_eq!(too_many.errors[0].kind, SyntaxErrorKind::TooManyNodes);
    assert_eq!(too_many.errors[0].span, Span::new(19, 20));
}
