//! Fuzz the YAML loader: no panic, and every span lies on character boundaries.
#![no_main]

use iamlint_syntax::{parse_yaml, Limits, Node, Value};
use libfuzzer_sys::fuzz_target;

fn check(node: &Node, src: &str) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        assert!(src
            .get(n.span.start as usize..n.span.end as usize)
            .is_some());
        match &n.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => {
                for e in entries {
                    assert!(src
                        .get(e.key_span.start as usize..e.key_span.end as usize)
                        .is_some());
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let limits = Limits::default();
        let parsed = parse_yaml(src, &limits);
        for e in &parsed.errors {
            assert!(src
                .get(e.span.start as usize..e.span.end as usize)
                .is_some());
        }
        for d in &parsed.documents {
            check(d, src);
        }
    }
});
