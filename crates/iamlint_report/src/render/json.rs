//! The JSON format, version 1. Every field is documented in `docs/output-json.md`; the
//! key order is fixed (serde_json keeps insertion order in this workspace).

use super::{region, RenderOptions};
use crate::{Diagnostic, Report, Severity};
use serde_json::{json, Value};

/// Bumped only on a breaking change of the shape.
pub const JSON_FORMAT_VERSION: u32 = 1;

pub(super) fn render(report: &Report, _opts: &RenderOptions) -> String {
    let diagnostics: Vec<Value> = report.diagnostics.iter().map(diagnostic).collect();
    let doc = json!({
        "version": JSON_FORMAT_VERSION,
        "diagnostics": diagnostics,
        "summary": {
            "files": report.files_checked,
            "skipped": report.files_skipped,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
        },
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn diagnostic(d: &Diagnostic) -> Value {
    let (line, column, end_line, end_column) = match &d.primary {
        Some(l) => {
            let r = region(d, l);
            (
                json!(r.start.line),
                json!(r.start.column),
                json!(r.end.line),
                json!(r.end.column),
            )
        }
        None => (Value::Null, Value::Null, Value::Null, Value::Null),
    };
    let secondary: Vec<Value> = d
        .secondary
        .iter()
        .map(|l| {
            let r = region(d, l);
            json!({
                "line": r.start.line,
                "column": r.start.column,
                "end_line": r.end.line,
                "end_column": r.end.column,
                "message": l.message,
            })
        })
        .collect();
    json!({
        "code": d.code,
        "name": d.name,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": d.file.name,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "path": d.path,
        "help": d.help,
        "fingerprint": d.effective_fingerprint(),
        "notes": d.notes,
        "secondary": secondary,
    })
}
