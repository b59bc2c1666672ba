//! Fuzz the guide and shell extractors: the same text read as a Markdown guide, a text
//! guide (extension-less, detected by content) and a shell script. No panic; every span
//! of what they extract (documents, principals, attachments, syntax errors, issues,
//! sections, comments) lies on character boundaries of the text; `inspect` renders it.
#![no_main]

use iamlint_formats::{describe, load_text, LoadOptions};
use iamlint_syntax::Span;
use libfuzzer_sys::fuzz_target;

fn on_boundaries(src: &str, s: Span) {
    assert!(
        src.get(s.start as usize..s.end as usize).is_some(),
        "span {s:?} of a {}-byte text",
        src.len()
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    // never read a file the input names (`file:///...`)
    let opts = LoadOptions {
        read_files: false,
        ..LoadOptions::default()
    };
    for name in ["fuzz.md", "NOTES", "fuzz.sh"] {
        let file = load_text(name, src, &opts);
        let mut spans: Vec<Span> = Vec::new();
        for d in &mut file.documents.clone() {
            spans.push(d.span);
            d.for_each_text_mut(&mut |t| spans.push(t.span));
            spans.extend(d.issues.iter().map(|i| i.span));
        }
        spans.extend(file.syntax_errors.iter().map(|e| e.span));
        spans.extend(file.issues.iter().map(|i| i.span));
        spans.extend(file.managed_policies.iter().map(|m| m.arn.span));
        for p in &file.principals {
            spans.push(p.span);
            spans.extend(p.attached.iter().map(|a| a.span));
            spans.extend(p.boundary.iter().map(|a| a.span));
        }
        for s in &file.sections {
            spans.push(s.span);
            spans.extend(s.items.iter().map(|(sp, _)| *sp));
        }
        for c in &file.comments {
            spans.push(c.span);
            spans.push(c.covers);
        }
        for s in spans {
            on_boundaries(src, s);
        }
        let _ = describe::to_text(name, src, &file);
    }
});
