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
    // Chunks of 128 entries, at most four in flight: the text of a large report is never
    // all in memory at once (fresh memory costs more than the few extra joins).
    const CHUNK: usize = 128;
    write!(
        out,
        "{{\n  \"version\": {JSON_FORMAT_VERSION},\n  \"diagnostics\": ["
    )?;
    let write_chunk = |chunk: &[Diagnostic]| {
        let mut buf = Vec::with_capacity(chunk.len() * 1536);
        for (k, d) in chunk.iter().enumerate() {
            if k > 0 {
                buf.extend_from_slice(b",");
            }
            buf.extend_from_slice(b"\n    ");
            write_entry(&mut buf, &diagnostic(d));
        }
        buf
    };
    for (b, batch) in report.diagnostics.chunks(CHUNK * 4).enumerate() {
        // (a small report is written without the thread pool, which it would start)
        let chunks: Vec<Vec<u8>> = if batch.len() <= CHUNK {
            vec![write_chunk(batch)]
        } else {
            batch.par_chunks(CHUNK).map(write_chunk).collect()
        };
        for (k, chunk) in chunks.iter().enumerate() {
            if b > 0 || k > 0 {
                out.write_all(b",")?;
            }
            out.write_all(chunk)?;
        }
    }
    // an empty array is `[]` on one line
    if !report.diagnostics.is_empty() {
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

/// Appends one entry as serde_json's pretty printer writes it at the depth of an item of
/// `diagnostics` (the struct is the schema; this is its printing, field by field, without
/// the generic serializer: rendering is the serial tail of a check).
fn write_entry(buf: &mut Vec<u8>, e: &Entry<'_>) {
    const MEMBER: &[u8] = b"\n      ";
    let mut first = true;
    let mut key = |buf: &mut Vec<u8>, name: &str| {
        buf.extend_from_slice(if first { b"{" } else { b"," });
        first = false;
        buf.extend_from_slice(MEMBER);
        write_str(buf, name);
        buf.extend_from_slice(b": ");
    };
    // the scalar members, in the schema's order
    enum Scalar<'s> {
        Str(Option<&'s str>),
        Num(Option<u32>),
    }
    let scalars = [
        ("code", Scalar::Str(Some(e.code))),
        ("name", Scalar::Str(Some(e.name))),
        ("severity", Scalar::Str(Some(e.severity))),
        ("message", Scalar::Str(Some(e.message))),
        ("file", Scalar::Str(Some(e.file))),
        ("line", Scalar::Num(e.line)),
        ("column", Scalar::Num(e.column)),
        ("end_line", Scalar::Num(e.end_line)),
        ("end_column", Scalar::Num(e.end_column)),
        ("path", Scalar::Str(Some(e.path))),
        ("help", Scalar::Str(e.help)),
        ("fingerprint", Scalar::Str(Some(&e.fingerprint))),
    ];
    for (name, value) in scalars {
        key(buf, name);
        match value {
            Scalar::Str(Some(s)) => write_str(buf, s),
            Scalar::Num(Some(n)) => write_u32(buf, n),
            Scalar::Str(None) | Scalar::Num(None) => buf.extend_from_slice(b"null"),
        }
    }
    key(buf, "notes");
    write_array(buf, e.notes, |buf, n| write_str(buf, n));
    key(buf, "secondary");
    write_array(buf, &e.secondary, |buf, s| {
        buf.push(b'{');
        for (k, (name, n)) in [
            ("line", s.line),
            ("column", s.column),
            ("end_line", s.end_line),
            ("end_column", s.end_column),
        ]
        .into_iter()
        .enumerate()
        {
            if k > 0 {
                buf.push(b',');
            }
            buf.extend_from_slice(b"\n          ");
            write_str(buf, name);
            buf.extend_from_slice(b": ");
            write_u32(buf, n);
        }
        buf.extend_from_slice(b",\n          \"message\": ");
        write_str(buf, s.message);
        buf.extend_from_slice(b"\n        }");
    });
    buf.extend_from_slice(b"\n    }");
}

/// An array member of an entry: `[]` when empty, else one item per line.
fn write_array<T>(buf: &mut Vec<u8>, items: &[T], item: impl Fn(&mut Vec<u8>, &T)) {
    if items.is_empty() {
        buf.extend_from_slice(b"[]");
        return;
    }
    buf.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"\n        ");
        item(buf, x);
    }
    buf.extend_from_slice(b"\n      ]");
}

fn write_u32(buf: &mut Vec<u8>, n: u32) {
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A JSON string as serde_json writes it: `"` and `\\` escaped, the control characters as
/// `\b \t \n \f \r` or `\u00xx`, everything else (non-ASCII included) as is.
fn write_str(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut run = 0;
    loop {
        let i = iamlint_syntax::plain_run_end(bytes, run);
        let Some(&b) = bytes.get(i) else { break };
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            _ => b"",
        };
        buf.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        if escape.is_empty() {
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[usize::from(b >> 4)]);
            buf.push(HEX[usize::from(b & 15)]);
        } else {
            buf.extend_from_slice(escape);
        }
    }
    buf.extend_from_slice(&bytes[run..]);
    buf.push(b'"');
}

/// Appends `json` with `indent` after each newline.
pub(super) fn indent_into(buf: &mut Vec<u8>, json: &[u8], indent: &[u8]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written printing is serde_json's, byte for byte, for entries with and
    /// without optional parts and with every kind of character to escape.
    #[test]
    fn write_entry_is_serde_pretty_printing() {
        let odd = "q\"b\\s/ \u{1}\u{8}\t\n\u{c}\r\u{1f}\u{7f} é ✓ 𝄞";
        let notes = vec![odd.to_string(), "second".to_string()];
        let full = Entry {
            code: "IAM201",
            name: "resource-star",
            severity: "warning",
            message: odd,
            file: "dir/p.json",
            line: Some(1),
            column: Some(4_294_967_295),
            end_line: Some(10),
            end_column: Some(0),
            path: "Statement[0].Resource",
            help: Some(odd),
            fingerprint: Cow::Borrowed("00ff"),
            notes: &notes,
            secondary: vec![
                Secondary {
                    line: 2,
                    column: 3,
                    end_line: 4,
                    end_column: 5,
                    message: odd,
                },
                Secondary {
                    line: 7,
                    column: 1,
                    end_line: 7,
                    end_column: 99,
                    message: "",
                },
            ],
        };
        let bare = Entry {
            code: full.code,
            name: full.name,
            severity: full.severity,
            file: full.file,
            path: full.path,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            help: None,
            notes: &[],
            secondary: Vec::new(),
            message: "",
            fingerprint: Cow::Owned(String::new()),
        };
        for e in [&full, &bare] {
            let mut mine = Vec::new();
            write_entry(&mut mine, e);
            let mut expected = Vec::new();
            indent_into(
                &mut expected,
                &serde_json::to_vec_pretty(e).expect("serializable"),
                b"    ",
            );
            assert_eq!(
                String::from_utf8_lossy(&mine),
                String::from_utf8_lossy(&expected)
            );
        }
    }
}
