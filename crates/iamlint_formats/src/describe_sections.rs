//! The parts of a file that holds several (a guide's code blocks, a script), as
//! `iamlint inspect` shows them: where each is, what it was read as, what was found in it.

use iamlint_policy::{PolicyFile, Section};
use iamlint_syntax::{LineIndex, Span};
use serde_json::{json, Value};

struct Pos<'a> {
    text: &'a str,
    index: LineIndex,
}

impl Pos<'_> {
    fn at(&self, span: Span) -> String {
        let s = self.index.line_col(self.text, span.start);
        format!("{}:{}", s.line, s.column)
    }

    /// `lines 19-47` (the last line is the one holding the last byte).
    fn lines(&self, span: Span) -> String {
        let first = self.index.line_col(self.text, span.start).line;
        let last = self
            .index
            .line_col(self.text, span.end.saturating_sub(1).max(span.start))
            .line;
        if first == last {
            format!("line {first}")
        } else {
            format!("lines {first}-{last}")
        }
    }
}

fn what(s: &Section) -> &'static str {
    s.read_as.unwrap_or("passed over (no policy)")
}

/// One line per part, then one per thing found in it.
pub(crate) fn text(src: &str, file: &PolicyFile) -> String {
    use std::fmt::Write;
    let p = Pos {
        text: src,
        index: LineIndex::new(src),
    };
    let mut out = String::new();
    let blocks = file.format == "guide";
    for (i, s) in file.sections.iter().enumerate() {
        let lang = s
            .language
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let head = if blocks {
            format!("block {} at {}{lang}", i + 1, p.lines(s.span))
        } else {
            format!("{}{lang}", p.lines(s.span))
        };
        let _ = writeln!(out, "  {head}: {}", what(s));
        for (span, item) in &s.items {
            let _ = writeln!(out, "    {item} at {}", p.at(*span));
        }
    }
    out
}

/// The parts as JSON: `[{"lines", "language", "read_as", "items": [{"at", "text"}]}]`.
pub(crate) fn json(src: &str, file: &PolicyFile) -> Value {
    let p = Pos {
        text: src,
        index: LineIndex::new(src),
    };
    Value::Array(
        file.sections
            .iter()
            .map(|s| {
                json!({
                    "lines": p.lines(s.span),
                    "language": s.language,
                    "read_as": s.read_as,
                    "items": s.items.iter().map(|(span, t)| json!({"at": p.at(*span), "text": t})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
