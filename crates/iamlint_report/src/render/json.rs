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
    use rayon::prelude::*;
    let summary = Summary {
        files: report.files_checked,
        skipped: report.files_skipped,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        infos: report.count(Severity::Info),
    };
    // The bytes `serde_json::to_writer_pretty` would write for the whole document, with
    // the entries serialized in parallel: each entry is pretty-printed alone and indented
    // to its depth (JSON strings hold no raw newline, so every newline is the printer's).
    let chunks: Vec<Vec<u8>> = report
        .diagnostics
        .par_chunks(256)
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.len() * 1024);
            for (k, d) in chunk.iter().enumerate() {
                if k > 0 {
                    buf.extend_from_slice(b",");
                }
                buf.extend_from_slice(b"\n    ");
                let entry = serde_json::to_vec_pretty(&diagnostic(d)).unwrap_or_default();
                indent_into(&mut buf, &entry, b"    ");
            }
            buf
        })
        .collect();
    write!(
        out,
        "{{\n  \"version\": {JSON_FORMAT_VERSION},\n  \"diagnostics\": ["
    )?;
    for (k, chunk) in chunks.iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        out.write_all(chunk)?;
    }
    // an empty array is `[]` on one line
    if !chunks.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let mut buf = Vec::new();
    indent_into(
        &mut buf,
        &serde_json::to_vec_pretty(&summary).map_err(std::io::Error::from)?,
        b"  ",
    );
    out.write_all(&buf)?;
    out.write_all(b"\n}\n")
}

/// Appends `json` with `indent` after each newline.
fn indent_into(buf: &mut Vec<u8>, json: &[u8], indent: &[u8]) {
    let mut rest = json;
    while let Some(i) = rest.iter().position(|&b| b == b'\n') {
        buf.extend_from_slice(&rest[..=i]);
        buf.extend_from_slice(indent);
        rest = &rest[i + 1..];
    }
    buf.extend_from_slice(rest);
}

/// The `summary` object; field order is the output's key order (as for every struct
/// below).
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
