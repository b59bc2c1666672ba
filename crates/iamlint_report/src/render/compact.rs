//! `file:line:col: severity[CODE name] message`, one finding per line.

use super::RenderOptions;
use crate::Report;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // (writing into a `Vec` does not fail)
    let _ = render_to(report, opts, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Written finding by finding.
pub(super) fn render_to(
    report: &Report,
    _opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let (start, _) = d.range();
        writeln!(
            out,
            "{}:{}:{}: {}[{} {}] {}",
            d.file.name,
            start.line,
            start.column,
            d.severity.as_str(),
            d.code,
            d.name,
            one_line(&d.message)
        )?;
    }
    Ok(())
}

/// Keep one finding on one line: line breaks become spaces.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n'], " ")
}
