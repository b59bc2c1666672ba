//! The JSON format, version 1. Every field is documented in `docs/output-json.md`; the
//! key order is fixed (serde_json keeps insertion order in this workspace).

use super::{region, RenderOptions};
use crate::{Diagnostic, Report, Severity};
use serde::Serialize;
use std::borrow::Cow;

/// Bumped only on a breaking change of the shape.
pub const JSON_FORMAT_VERSION: u32 = 1;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // writing into a Vec cannot fail, and serde_json writes UTF-8
    let _ = render_to(report, opts, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

pub(super) fn render_to(
    report: &Report,
    _opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let doc = Document {
        version: JSON_FORMAT_VERSION,
        diagnostics: report.diagnostics.iter().map(diagnostic).collect(),
        summary: Summary {
            files: report.files_checked,
            skipped: report.files_skipped,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        },
    };
    // Serialized straight from borrowed fields (no intermediate `serde_json::Value`).
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The top-level object; field order is the output's key order.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Entry<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    path: &'a str,
    help: Option<&'a str>,
    fingerprint: Cow<'a, str>,
    notes: &'a [String],
    secondary: Vec<Secondary<'a>>,
}

#[derive(Serialize)]
struct Secondary<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
}

fn diagnostic(d: &Diagnostic) -> Entry<'_> {
    let (line, column, end_line, end_column) = match &d.primary {
        Some(l) => {
            let r = region(d, l);
            (
                Some(r.start.line),
                Some(r.start.column),
                Some(r.end.line),
                Some(r.end.column),
            )
        }
        None => (None, None, None, None),
    };
    let secondary = d
        .secondary
        .iter()
        .map(|l| {
            let r = region(d, l);
            Secondary {
                line: r.start.line,
                column: r.start.column,
                end_line: r.end.line,
                end_column: r.end.column,
                message: &l.message,
            }
        })
        .collect();
    Entry {
        code: d.code,
        name: d.name,
        severity: d.severity.as_str(),
        message: &d.message,
        file: &d.file.name,
        line,
        column,
        end_line,
        end_column,
        path: &d.path,
        help: d.help.as_deref(),
        fingerprint: d.effective_fingerprint(),
        notes: &d.notes,
        secondary,
    }
}
