//! Human output: codespan-reporting snippets, ASCII borders, optional ANSI colour.

use super::{clamp_range, help_uri, summary_line, RenderOptions};
use crate::{Diagnostic, Report, Severity, SourceFile};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Ansi, Chars, Config};
use std::sync::Arc;

type Files<'a> = SimpleFiles<&'a str, &'a str>;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let mut files: Files<'_> = SimpleFiles::new();
    // one file id per distinct source file, in order of first appearance
    let mut ids: Vec<(*const SourceFile, usize)> = Vec::new();
    let mut out = String::new();
    for d in &report.diagnostics {
        let key = Arc::as_ptr(&d.file);
        let id = match ids.iter().find(|(k, _)| *k == key) {
            Some((_, id)) => *id,
            None => {
                let id = files.add(d.file.name.as_str(), d.file.text.as_str());
                ids.push((key, id));
                id
            }
        };
        let cs = to_codespan(report, d, id);
        let mut text = emit(&files, &config, &cs, opts.color)
            .unwrap_or_else(|| fallback(d, &help_uri(report, d)));
        if d.severity == Severity::Info {
            // codespan has no `info` severity: it prints `note`
            text = text.replacen("note[", "info[", 1);
        }
        if d.primary.is_none() {
            // no snippet, but still the `-->` line that names the file
            let at = text.find('\n').map_or(text.len(), |i| i + 1);
            // (codespan indents notes by the gutter width, here none: one space)
            text.insert_str(
                at,
                &format!(" {} {}\n", config.chars.snippet_start, d.file.name),
            );
        }
        if !opts.color {
            text = trim_line_ends(&text);
        }
        out.push_str(&text);
    }
    if opts.summary {
        out.push_str(&summary_line(report));
        out.push('\n');
    }
    out
}

fn to_codespan(report: &Report, d: &Diagnostic, file_id: usize) -> CsDiagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        Severity::Info => codespan_reporting::diagnostic::Severity::Note,
    };
    let text = d.file.text.as_str();
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(
            CsLabel::primary(file_id, clamp_range(text, p.span.start, p.span.end))
                .with_message(p.message.clone()),
        );
    }
    for s in &d.secondary {
        labels.push(
            CsLabel::secondary(file_id, clamp_range(text, s.span.start, s.span.end))
                .with_message(s.message.clone()),
        );
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    notes.push(format!("see: {}", help_uri(report, d)));
    CsDiagnostic::new(severity)
        .with_code(format!("{} {}", d.code, d.name))
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

fn emit(
    files: &Files<'_>,
    config: &Config,
    d: &CsDiagnostic<usize>,
    color: bool,
) -> Option<String> {
    if color {
        let mut w = Ansi::new(Vec::new());
        term::emit_to_write_style(&mut w, config, files, d).ok()?;
        String::from_utf8(w.into_inner()).ok()
    } else {
        let mut s = String::new();
        term::emit_to_string(&mut s, config, files, d).ok()?;
        Some(s)
    }
}

/// Used only if codespan refuses the diagnostic (it should not: spans are clamped).
fn fallback(d: &Diagnostic, uri: &str) -> String {
    let (start, _) = d.range();
    format!(
        "{}[{} {}]: {}\n  --> {}:{}:{}\n  = see: {uri}\n\n",
        d.severity.as_str(),
        d.code,
        d.name,
        d.message,
        d.file.name,
        start.line,
        start.column
    )
}

/// Drop trailing spaces codespan leaves on some border lines (stable snapshots).
fn trim_line_ends(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(body.trim_end_matches(' '));
        out.push_str(nl);
    }
    out
}
