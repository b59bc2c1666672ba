//! YAML loader: trees, spans, tags, schema, anchors, errors, limits.

mod common;

use common::{limits, only_error};
use iamlint_syntax::{
    debug_tree, parse_yaml, Limits, LineIndex, ScalarStyle, Span, SyntaxErrorKind, Value,
};

fn trees(src: &str) -> String {
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
        .documents
        .iter()
        .map(|d| debug_tree(d, src))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn error(src: &str) -> String {
    only_error(&parse_yaml(src, &limits()), src)
}

#[test]
fn cloudformation_tree() {
    let src = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${AWS::StackName}-role"
      Policies:
        - PolicyName: !Join [ "-", [ !Ref Env, p ] ]
          PolicyDocument:
            Version: 2012-10-17
            Statement:
              - Effect: Allow
                Action:
                  - s3:GetObject
                  - 's3:Put*'
                Resource: !GetAtt Bucket.Arn
                Condition: !If
                  - IsProd
                  - {Bool: {aws:SecureTransport: true}}
                  - !Ref AWS::NoValue
"#;
    insta::assert_snapshot!(trees(src));
}

#[test]
fn scalars_follow_the_core_schema() {
    let src = "\
a: null
b: ~
c:
d: true
e: False
f: yes
g: on
h: 2012-10-17
i: 123456789012
j: -1.5e3
k: 0x1F
l: '123'
m: !!str 123
n: !Sub 123
o: |
  text
p: \"true\"
q: .inf
r: 1_000
";
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let root = &parsed.documents[0];
    let v = |k: &str| root.get(k).unwrap().value.clone();
    let s = |t: &str, st| Value::String(t.to_owned(), st);
    let n = |t: &str| Value::Number(t.to_owned());
    assert_eq!(v("a"), Value::Null);
    assert_eq!(v("b"), Value::Null);
    assert_eq!(v("c"), Value::Null);
    assert_eq!(v("d"), Value::Bool(true));
    assert_eq!(v("e"), Value::Bool(false));
    assert_eq!(v("f"), s("yes", ScalarStyle::Plain));
    assert_eq!(v("g"), s("on", ScalarStyle::Plain));
    assert_eq!(v("h"), s("2012-10-17", ScalarStyle::Plain));
    assert_eq!(v("i"), n("123456789012"));
    assert_eq!(v("j"), n("-1.5e3"));
    assert_eq!(v("k"), n("0x1F"));
    assert_eq!(v("l"), s("123", ScalarStyle::Quoted));
    assert_eq!(v("m"), s("123", ScalarStyle::Plain));
    assert_eq!(root.get("m").unwrap().tag.as_ref().unwrap().name, "!str");
    assert_eq!(v("n"), s("123", ScalarStyle::Plain));
    assert_eq!(v("o"), s("text\n", ScalarStyle::Block));
    assert_eq!(v("p"), s("true", ScalarStyle::Quoted));
    assert_eq!(v("q"), n(".inf"));
    assert_eq!(v("r"), s("1_000", ScalarStyle::Plain));
}

#[test]
fn spans_of_scalars_tags_and_collections() {
    let src = "\
a: &x foo   # c
b: !Sub 'it''s' # c
c: !Sub |   # hdr
  line1
  line2

d: !Ref
e: \"q\\\"\"   # c
f: [1, {g: h}]   # c
i:
  - x
  - y   # c

j: !GetAtt
  k: v
";
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let root = &parsed.documents[0];
    let text = |k: &str| root.get(k).unwrap().span.slice(src);
    let tag = |k: &str| {
        root.get(k)
            .unwrap()
            .tag
            .as_ref()
            .map(|t| (t.name.clone(), t.span.slice(src)))
    };
    assert_eq!(text("a"), "foo");
    assert_eq!(text("b"), "'it''s'");
    assert_eq!(root.get("b").unwrap().as_str(), Some("it's"));
    assert_eq!(tag("b"), Some(("Sub".to_owned(), "!Sub")));
    assert_eq!(text("c"), "line1\n  line2");
    assert_eq!(tag("c"), Some(("Sub".to_owned(), "!Sub")));
    assert_eq!(text("d"), "");
    assert_eq!(
        root.get("d").unwrap().span.start as usize,
        src.find("!Ref").unwrap() + 4
    );
    assert_eq!(
        root.get("d").unwrap().value,
        Value::String(String::new(), ScalarStyle::Plain)
    );
    assert_eq!(text("e"), "\"q\\\"\"");
    assert_eq!(text("f"), "[1, {g: h}]");
    assert_eq!(text("i"), "- x\n  - y");
    assert_eq!(text("j"), "k: v");
    assert_eq!(tag("j"), Some(("GetAtt".to_owned(), "!GetAtt")));
    assert_eq!(root.span.slice(src), src.trim_end());
    assert_eq!(root.get_entry("j").unwrap().key_span.slice(src), "j");
}

#[test]
fn all_cloudformation_short_forms() {
    let names = [
        "Sub",
        "Ref",
        "GetAtt",
        "Join",
        "If",
        "Select",
        "Split",
        "FindInMap",
        "ImportValue",
        "Base64",
        "Cidr",
        "GetAZs",
        "Equals",
        "And",
        "Or",
        "Not",
        "Condition",
    ];
    let mut src = String::new();
    for (i, n) in names.iter().enumerate() {
        match i % 3 {
            0 => src.push_str(&format!("k{i}: !{n} v\n")),
            1 => src.push_str(&format!("k{i}: !{n} [a, b]\n")),
            _ => src.push_str(&format!("k{i}: !{n}\n  x: y\n")),
        }
    }
    let parsed = parse_yaml(&src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let entries = parsed.documents[0].as_map().unwrap();
    assert_eq!(entries.len(), names.len());
    for (e, n) in entries.iter().zip(names) {
        let tag = e.value.tag.as_ref().unwrap();
        assert_eq!(tag.name, n);
        assert_eq!(tag.span.slice(&src), format!("!{n}"));
    }
    // other tags are kept as written
    let src = "a: !!binary aGk=\nb: !custom x\nc: !<tag:yaml.org,2002:str> y\n";
    let parsed = parse_yaml(src, &limits());
    let names: Vec<_> = parsed.documents[0]
        .as_map()
        .unwrap()
        .iter()
        .map(|e| e.value.tag.as_ref().unwrap().name.clone())
        .collect();
    assert_eq!(names, ["!binary", "custom", "<tag:yaml.org,2002:str>"]);
}

#[test]
fn non_ascii_spans_are_byte_offsets() {
    let src = "# é comment ü\nnäme: \"wért\" # 😀\nlist: [ä, 'ö', 😀x]\nblock: |\n  ñ\n";
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let root = &parsed.documents[0];
    let e = root.get_entry("näme").unwrap();
    assert_eq!(e.key_span.slice(src), "näme");
    assert_eq!(e.value.span.slice(src), "\"wért\"");
    let list = root.get("list").unwrap();
    assert_eq!(list.span.slice(src), "[ä, 'ö', 😀x]");
    let items: Vec<_> = list
        .as_seq()
        .unwrap()
        .iter()
        .map(|n| n.span.slice(src))
        .collect();
    assert_eq!(items, ["ä", "'ö'", "😀x"]);
    assert_eq!(root.get("block").unwrap().span.slice(src), "ñ");
    insta::assert_snapshot!(debug_tree(root, src));
}

#[test]
fn byte_order_mark() {
    let src = "\u{feff}a: 1\n";
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let e = parsed.documents[0].get_entry("a").unwrap();
    assert_eq!(e.key_span, Span::new(3, 4));
    assert_eq!(e.value.span.slice(src), "1");
}

#[test]
fn crlf_line_endings() {
    let src = "a: x\r\nb:\r\n  - 'y'\r\n";
    let parsed = parse_yaml(src, &limits());
    let root = &parsed.documents[0];
    assert_eq!(root.get("a").unwrap().span.slice(src), "x");
    assert_eq!(root.get("b").unwrap().span.slice(src), "- 'y'");
}

#[test]
fn multiple_documents() {
    let src = "a: 1\n---\n- b\n--- !Ref c\n...\n";
    insta::assert_snapshot!(trees(src));
    assert_eq!(parse_yaml(src, &limits()).documents.len(), 3);
    assert!(parse_yaml("", &limits()).documents.is_empty());
    assert!(parse_yaml("# only a comment\n", &limits())
        .documents
        .is_empty());
}

#[test]
fn documents_before_an_error_are_kept() {
    let src = "a: 1\n---\nb: [\n";
    let parsed = parse_yaml(src, &limits());
    assert_eq!(parsed.documents.len(), 1);
    assert_eq!(parsed.errors.len(), 1);
}

#[test]
fn anchors_and_aliases_expand() {
    let src = "\
base: &b
  Effect: Allow
  Action: [s3:Get*]
copy: *b
list: [&s x, *s]
<<: *b
";
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let root = &parsed.documents[0];
    let base = root.get("base").unwrap();
    let copy = root.get("copy").unwrap();
    assert_eq!(base.value, copy.value);
    // the copy's root points at the alias, its insides at the anchored text
    assert_eq!(copy.span.slice(src), "*b");
    assert_eq!(copy.get("Effect").unwrap().span.slice(src), "Allow");
    let list = root.get("list").unwrap().as_seq().unwrap();
    assert_eq!(list[1].as_str(), Some("x"));
    assert_eq!(list[1].span.slice(src), "*s");
    // merge keys are ordinary keys
    assert!(root.get("<<").unwrap().as_map().is_some());
    assert!(root.get("Effect").is_none());
}

#[test]
fn unknown_anchor() {
    insta::assert_snapshot!(error("a: 1\nb: *nope\n"), @"unknown-anchor 2:4-2:9 alias `*nope` refers to an anchor that is not defined before it");
}

#[test]
fn self_referencing_alias_is_not_expanded_forever() {
    let parsed = parse_yaml("a: &x [1, *x]\n", &limits());
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::UnknownAnchor);
}

fn billion_laughs(levels: usize) -> String {
    let mut src = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..levels {
        let p = i - 1;
        src.push_str(&format!(
            "l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    src
}

#[test]
fn billion_laughs_stops_at_the_budget() {
    let src = billion_laughs(10);
    let limits = Limits {
        max_depth: 256,
        max_nodes: 100_000,
        max_alias_nodes: 1_000_000,
    };
    let parsed = parse_yaml(&src, &limits);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    let e = &parsed.errors[0];
    assert_eq!(e.kind, SyntaxErrorKind::AliasBudget);
    // lK holds 1 + 9 * |l(K-1)| nodes: l0 10, l1 91, l2 820, l3 7381, l4 66430. After
    // l0..l4 (about 74_700 nodes) the first `*l4` in l5 would cross 100_000
    assert!(e.span.slice(&src).starts_with("*l4"), "{:?}", e);
    assert_eq!(
        e.message,
        "document reaches more than 100000 values, the most accepted; `*l4` and later aliases are not expanded"
    );
    // the rest of the document loaded, with unexpanded aliases
    let root = &parsed.documents[0];
    let last = root.get("l9").unwrap().as_seq().unwrap();
    assert_eq!(last.len(), 9);
    assert!(last
        .iter()
        .all(|n| n.value == Value::Alias("l8".to_owned())));
    let total = count(root);
    assert!(total <= 100_000 + 9 * 10, "{total} nodes");
}

#[test]
fn billion_laughs_with_default_limits() {
    let src = billion_laughs(30);
    let parsed = parse_yaml(&src, &limits());
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::AliasBudget);
    assert!(parsed.errors[0]
        .message
        .starts_with("aliases expand to more than 100000 values, the most accepted"));
    assert!(count(&parsed.documents[0]) <= limits().max_alias_nodes + 30 * 10 + 10);
}

fn count(node: &iamlint_syntax::Node) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        n += 1;
        match &node.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    n
}

#[test]
fn duplicate_keys_are_kept_and_reported() {
    let src = "a: 1\nb: {x: 1, x: 2}\na: 3\n";
    let parsed = parse_yaml(src, &limits());
    assert_eq!(parsed.documents[0].as_map().unwrap().len(), 3);
    let dups: Vec<_> = parsed
        .duplicate_keys
        .iter()
        .map(|d| (d.key.as_str(), d.first.start, d.second.start))
        .collect();
    assert_eq!(dups, [("x", 9, 15), ("a", 0, 21)]);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let cases = [
        "[".repeat(100_000),
        "[".repeat(1_000_000),
        "{a: ".repeat(100_000),
        "- ".repeat(100_000),
        (0..2_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>(),
    ];
    for src in &cases {
        let parsed = parse_yaml(src, &limits());
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert_eq!(
            parsed.errors[0].kind,
            SyntaxErrorKind::TooDeep,
            "{:?}",
            parsed.errors
        );
        let flow = src.starts_with(['[', '{']);
        let message = if flow {
            // saphyr's own limit on flow nesting comes first
            "flow collections (`[`, `{`) nest deeper than 255 levels, the most accepted"
        } else {
            "nesting is deeper than 256 levels, the most accepted"
        };
        assert_eq!(parsed.errors[0].message, message);
        // the error points at the first opener past the limit
        let at = parsed.errors[0].span.start as usize;
        let opener = src.chars().next().unwrap();
        let openers = src[..at].matches(opener).count();
        assert_eq!(openers, if flow { 255 } else { 256 }, "{src:.40}");
    }
}

#[test]
fn nesting_at_the_limit_is_fine() {
    let src = format!("{}{}", "[".repeat(255), "]".repeat(255));
    let parsed = parse_yaml(&src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let src = format!("{}x\n", "- ".repeat(256));
    let parsed = parse_yaml(&src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let src = format!("{}x\n", "- ".repeat(257));
    assert_eq!(
        parse_yaml(&src, &limits()).errors[0].kind,
        SyntaxErrorKind::TooDeep
    );
}

#[test]
fn broken_indentation_from_the_batch_docs() {
    // From a documentation page: `PolicyDocument:` is indented deeper than `PolicyName:`,
    // so it continues the plain scalar `GenomicsEnv-...` and its `:` is not allowed there.
    let src = include_str!("fixtures/batch_inline_policies_bad_indent.yaml");
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.documents.is_empty());
    assert_eq!(
        only_error(&parsed, src),
        "syntax 3:19-3:20 mapping values are not allowed in this context"
    );
    let e = &parsed.errors[0];
    let line = LineIndex::new(src);
    assert_eq!(line.line_col(src, e.span.start).line, 3);
    assert_eq!(src.lines().nth(2), Some("    PolicyDocument:"));
    assert_eq!(e.span.slice(src), ":");
}

#[test]
fn syntax_errors() {
    let rendered = [
        "a: [1, 2\n",
        "a: {b: 1\n",
        "a: 'x\n",
        "a: \"x\n",
        "a: 1\n b: 2\n",
        "a:\n\t- x\n",
        "- a\nb: 1\n",
        "a: b: c\n",
        "é: [ü\n",
        "key: @x\n",
        "a: !Sub\n  - x\n b: y\n",
    ]
    .iter()
    .map(|src| format!("{src:?} => {}", error(src)))
    .collect::<Vec<_>>()
    .join("\n");
    insta::assert_snapshot!(rendered);
}

#[test]
fn node_limit() {
    let limits = Limits {
        max_depth: 256,
        max_nodes: 5,
        ..Limits::default()
    };
    assert!(parse_yaml("[1, 2, 3, 4]", &limits).errors.is_empty());
    let parsed = parse_yaml("[1, 2, 3, 4, 5]", &limits);
    assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::TooManyNodes);
    assert_eq!(parsed.errors[0].span, Span::new(13, 14));
}

#[test]
fn flow_collections_closed_at_the_parent_indentation() {
    // saphyr rejects the `}` and `]` lines (indented less than the block value requires);
    // libyaml and cfn-lint accept them, and templates in the wild use them.
    let src = "\
Resources:
  Key:
    Properties:
      KeyPolicy: {
        \"Version\": \"2012-10-17\",
        \"Statement\": [
          {
            \"Principal\": { \"AWS\": !Sub \"arn:${AWS::Partition}:iam::root\" },
            \"Action\": \"kms:*\" # it's a comment with a quote
          }
    ]
    }
  Other:
    Type: 'x' # { not a flow
    Body: |
      {
    Tail: é
";
    let parsed = parse_yaml(src, &limits());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let root = &parsed.documents[0];
    let policy = root
        .get("Resources")
        .and_then(|r| r.get("Key"))
        .and_then(|k| k.get("Properties"))
        .and_then(|p| p.get("KeyPolicy"))
        .unwrap();
    assert!(policy.span.slice(src).starts_with("{\n        \"Version\""));
    assert!(policy.span.slice(src).ends_with("]\n    }"));
    let stmt = &policy.get("Statement").unwrap().as_seq().unwrap()[0];
    assert_eq!(stmt.get("Action").unwrap().span.slice(src), "\"kms:*\"");
    let principal = stmt.get("Principal").unwrap().get("AWS").unwrap();
    assert_eq!(principal.tag.as_ref().unwrap().span.slice(src), "!Sub");
    assert_eq!(
        principal.span.slice(src),
        "\"arn:${AWS::Partition}:iam::root\""
    );
    let other = root.get("Resources").unwrap().get("Other").unwrap();
    assert_eq!(other.get("Body").unwrap().as_str(), Some("{\n"));
    assert_eq!(other.get("Tail").unwrap().span.slice(src), "é");
    // the same text with a real indentation error still reports it
    let bad = "a:\n  b: 1\n c: 2\n";
    assert!(!parse_yaml(bad, &limits()).errors.is_empty());
}
