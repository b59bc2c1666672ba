//! GitHub Actions workflow commands: `::error file=…,line=…::message`, one per finding.
//! GitHub turns them into annotations on the pull request.

use super::{display_path, RenderOptions};
use crate::{Report, Severity};

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // (writing into a `Vec` does not fail)
    let _ = render_to(report, opts, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Written finding by finding.
pub(super) fn render_to(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!(
            "file={}",
            escape_property(&display_path(&d.file.name, opts))
        )];
        if d.primary.is_some() {
            let (start, end) = d.range();
            props.push(format!("line={}", start.line));
            props.push(format!("col={}", start.column));
            props.push(format!("endLine={}", end.line));
            props.push(format!("endColumn={}", end.column));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.name))
        ));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escape a command's message (`%`, CR, LF).
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property value (`%`, CR, LF, `:`, `,`).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first() {
        assert_eq!(escape_data("100%\r\nx"), "100%25%0D%0Ax");
        // `%0A` written by the user must not turn into a line break
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
    }

    #[test]
    fn property_escapes_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
