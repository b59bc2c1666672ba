//! Fuzz the Terraform extractor: HCL parsing, `jsonencode` objects, heredocs and strings
//! holding JSON, policy document data sources and merging, principals, comments. No
//! panic, and every span of the model lies within the text on character boundaries.
#![no_main]

use iamlint_formats::{format_named, load_text, LoadOptions};
use iamlint_syntax::Span;
use libfuzzer_sys::fuzz_target;

fn check(src: &str, span: Span) {
    assert!(
        src.get(span.start as usize..span.end as usize).is_some(),
        "span {span:?} outside the text or off a character boundary"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    // a name that is no file on disk: the module is this text alone
    let file = load_text("fuzz-no-such-dir/main.tf", src, &LoadOptions::default());
    for e in &file.syntax_errors {
        check(src, e.span);
    }
    for i in &file.issues {
        check(src, i.span);
    }
    for d in &file.documents {
        check(src, d.span);
        for i in &d.issues {
            check(src, i.span);
        }
        for s in &d.statements {
            check(src, s.span);
            for l in [&s.action, &s.resource].into_iter().flatten() {
                check(src, l.span);
                check(src, l.key_span);
                l.items.iter().for_each(|t| check(src, t.span));
            }
            if let Some(p) = &s.principal {
                check(src, p.span);
                p.values.iter().for_each(|v| check(src, v.value.span));
            }
            if let Some(c) = &s.condition {
                for (cl, e) in c.entries() {
                    check(src, cl.operator_text.span);
                    check(src, e.key.span);
                    e.values.iter().for_each(|t| check(src, t.span));
                }
            }
        }
    }
    for p in &file.principals {
        check(src, p.span);
        p.attached.iter().for_each(|a| check(src, a.span));
    }
    if let Some(f) = format_named("terraform") {
        for c in f.comments(src) {
            check(src, c.span);
            check(src, c.covers);
        }
    }
    let _ = iamlint_formats::describe::to_text("main.tf", src, &file);
});
