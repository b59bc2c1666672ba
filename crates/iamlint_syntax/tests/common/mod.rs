#![allow(dead_code)]

use iamlint_syntax::{Limits, LineIndex, Parsed, SyntaxError, SyntaxErrorKind};

/// `kind line:col-line:col message` for the only error of `parsed`.
pub fn only_error(parsed: &Parsed, src: &str) -> String {
    assert_eq!(parsed.errors.len(), 1, "errors: {:?}", parsed.errors);
    render_error(&parsed.errors[0], src)
}

pub fn render_error(e: &SyntaxError, src: &str) -> String {
    let index = LineIndex::new(src);
    let a = index.line_col(src, e.span.start);
    let b = index.line_col(src, e.span.end);
    let kind = match e.kind {
        SyntaxErrorKind::Syntax => "syntax",
        SyntaxErrorKind::TooDeep => "too-deep",
        SyntaxErrorKind::AliasBudget => "alias-budget",
        SyntaxErrorKind::TooManyNodes => "too-many-nodes",
        SyntaxErrorKind::UnknownAnchor => "unknown-anchor",
    };
    format!(
        "{kind} {}:{}-{}:{} {}",
        a.line, a.column, b.line, b.column, e.message
    )
}

pub fn limits() -> Limits {
    Limits::default()
}
