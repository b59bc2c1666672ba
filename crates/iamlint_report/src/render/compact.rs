//! `file:line:col: severity[CODE name] message`, one finding per line.

use super::RenderOptions;
use crate::Report;

pub(super) fn render(report: &Report, _opts: &RenderOptions) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (start, _) = d.range();
        out.push_str(&format!(
            "{}:{}:{}: {}[{} {}] {}\n",
            d.file.name,
            start.line,
            start.column,
            d.severity.as_str(),
            d.code,
            d.name,
            one_line(&d.message)
        ));
    }
    out
}

/// Keep one finding on one line: line breaks become spaces.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n'], " ")
}
