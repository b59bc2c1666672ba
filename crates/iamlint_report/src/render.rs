//! Renderers: one [`Report`] in, one string out.
//!
//! Every renderer is deterministic for a given report and [`RenderOptions`]: no clock, no
//! environment, no terminal size. The order of diagnostics is the report's order (call
//! [`Report::sort`] first).

mod compact;
mod github;
mod gitlab;
mod html;
mod human;
mod json;
mod junit;
mod sarif;
mod xml;

use crate::{rule_help_uri, Diagnostic, Label, Report, Severity};
use iamlint_syntax::LineCol;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Source snippets with underlined spans, for people (codespan-reporting).
    Human,
    /// One JSON document, see `docs/output-json.md`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`), one per finding.
    Github,
    /// `file:line:col: severity[CODE name] message`, one per line.
    Compact,
    /// JUnit XML (Jenkins, GitLab, CircleCI test reports): a test suite per file, a
    /// failing test case per finding, a passing one per clean file.
    Junit,
    /// GitLab Code Quality JSON (the `codequality` report of a merge request).
    Gitlab,
    /// One self-contained HTML page: summaries, the access heat map, the
    /// privilege-escalation graph and every finding with its snippet.
    Html,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 8] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Compact,
        Format::Junit,
        Format::Gitlab,
        Format::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Compact => "compact",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
            Format::Html => "html",
        }
    }

    /// The format called `s` (case-insensitive), as printed by [`Format::as_str`].
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

/// How to render.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// ANSI colours (human format only). Without it the output has no escape codes.
    pub color: bool,
    /// End the human output with a summary line (`2 errors, 1 warning in 3 files`).
    pub summary: bool,
    /// The directory file names are relative to, normally the repository root. SARIF
    /// artifact URIs and GitHub `file=` paths are made relative to it; SARIF
    /// `originalUriBaseIds.%SRCROOT%` points at it when it is absolute.
    pub base_dir: Option<PathBuf>,
    /// The tool version written into SARIF (`tool.driver.version`).
    pub tool_version: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            summary: true,
            base_dir: None,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Render `report` in `format` into `out` (the bytes of [`render`]). The human, compact
/// and GitHub formats are written finding by finding, SARIF a few thousand results at a
/// time, and JSON is serialized straight into `out`, so their output is never held in
/// memory whole; JUnit, GitLab and HTML are written in one piece.
///
/// # Errors
/// Whatever writing to `out` fails with.
pub fn render_to(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::render_to(report, opts, out),
        Format::Human => human::render_to(report, opts, out),
        Format::Compact => compact::render_to(report, opts, out),
        Format::Github => github::render_to(report, opts, out),
        Format::Sarif => sarif::render_to(report, opts, out),
        _ => out.write_all(render(report, format, opts).as_bytes()),
    }
}

/// Render `report` in `format`. The result ends with a newline unless it is empty.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Json => json::render(report, opts),
        Format::Sarif => sarif::render(report, opts),
        Format::Github => github::render(report, opts),
        Format::Compact => compact::render(report, opts),
        Format::Junit => junit::render(report, opts),
        Format::Gitlab => gitlab::render(report, opts),
        Format::Html => html::render(report, opts),
    }
}

/// The help page of a diagnostic's rule: the report's [`crate::RuleInfo`] when listed.
fn help_uri(report: &Report, d: &Diagnostic) -> String {
    report
        .rule(d.code)
        .map_or_else(|| rule_help_uri(d.name), |r| r.help_uri())
}

/// `n thing` / `n things`.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `3 errors, 2 warnings in 4 files (1 skipped)`, `no problems found in 4 files`, or that
/// no policy was found (nothing checked).
pub(crate) fn summary_line(report: &Report) -> String {
    let counts = [
        (report.count(Severity::Error), "error", "errors"),
        (report.count(Severity::Warning), "warning", "warnings"),
        (report.count(Severity::Info), "info", "infos"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect();
    let files = plural(report.files_checked, "file", "files");
    if parts.is_empty() && report.files_checked == 0 {
        // not "no problems": nothing was checked, and a CI log should say so
        return match report.files_skipped {
            0 => "no policy files found: nothing was checked".to_string(),
            n => format!(
                "no policy found: nothing was checked ({} skipped)",
                plural(n, "file that holds no policy", "files that hold no policy")
            ),
        };
    }
    let mut line = if parts.is_empty() {
        format!("no problems found in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    };
    if report.files_skipped > 0 {
        line.push_str(&format!(" ({} skipped)", report.files_skipped));
    }
    line
}

/// A byte range that is safe to slice `text` with: inside the text, on character
/// boundaries, `start <= end`.
pub(crate) fn clamp_range(text: &str, start: u32, end: u32) -> Range<usize> {
    let len = text.len();
    let mut s = (start as usize).min(len);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end as usize).clamp(s, len);
    while e < len && !text.is_char_boundary(e) {
        e += 1;
    }
    s..e
}

/// A line of more characters than this is shown in windows around its labels (human
/// and HTML snippets), so that what a finding costs to print does not grow with its line.
pub(crate) const LONG_LINE: usize = 320;
/// Characters shown before and after each label edge on a long line (about rustc's).
pub(crate) const WINDOW_CONTEXT: usize = 60;

/// Whether `line` (without its break) has more than [`LONG_LINE`] characters; reads at
/// most that many.
pub(crate) fn is_long_line(line: &str) -> bool {
    line.len() > LONG_LINE && line.chars().nth(LONG_LINE).is_some()
}

/// Windows of `WINDOW_CONTEXT` characters either side of each point (byte offsets into
/// `line`, on any byte), merged where they meet (or leave out no more than three bytes),
/// as byte ranges on character boundaries. A line without points gets one window at its
/// start.
pub(crate) fn line_windows(line: &str, points: impl Iterator<Item = usize>) -> Vec<Range<usize>> {
    let mut points: Vec<usize> = points
        .map(|p| {
            let mut p = p.min(line.len());
            while !line.is_char_boundary(p) {
                p -= 1;
            }
            p
        })
        .collect();
    if points.is_empty() {
        // a context line of a label over several lines: its beginning
        points.push(0);
    }
    points.sort_unstable();
    points.dedup();
    let mut out: Vec<Range<usize>> = Vec::new();
    for p in points {
        let before = line
            .get(..p)
            .and_then(|s| s.char_indices().rev().nth(WINDOW_CONTEXT - 1))
            .map_or(0, |(i, _)| i);
        let after = line
            .get(p..)
            .and_then(|s| s.char_indices().nth(WINDOW_CONTEXT))
            .map_or(line.len(), |(i, _)| p + i);
        match out.last_mut() {
            // (a gap no longer than a `...` that would stand for it is shown)
            Some(w) if before <= w.end + 3 => w.end = w.end.max(after),
            _ => out.push(before..after),
        }
    }
    out
}

/// A label's place in its file: 1-based start and end (end exclusive, as in SARIF) and
/// the text under it.
pub(crate) struct Region<'a> {
    pub start: LineCol,
    pub end: LineCol,
    pub snippet: &'a str,
}

pub(crate) fn region<'a>(d: &'a Diagnostic, l: &Label) -> Region<'a> {
    let text = d.file.text.as_str();
    let r = if d.file.is_text_dropped() {
        // an ASCII text (see `SourceFile::without_text`): every offset is a boundary
        let len = d.file.text_len() as usize;
        let s = (l.span.start as usize).min(len);
        s..(l.span.end as usize).clamp(s, len)
    } else {
        clamp_range(text, l.span.start, l.span.end)
    };
    let to_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Region {
        start: d.file.line_col(to_u32(r.start)),
        end: d.file.line_col(to_u32(r.end)),
        snippet: text.get(r).unwrap_or(""),
    }
}

/// Where a diagnostic's file is, for machine consumers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    /// Relative to `base_dir` (or to the working directory when there is none), with
    /// forward slashes, e.g. `infra/iam/role.json`.
    Relative(String),
    /// An absolute path outside `base_dir`, with forward slashes.
    Absolute(String),
}

/// Join path components with `/`, dropping `.`.
fn slash_path(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut root = String::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => root.push_str(&p.as_os_str().to_string_lossy()),
            Component::RootDir => root.push('/'),
            Component::CurDir => {}
            Component::ParentDir => parts.push("..".to_owned()),
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    format!("{root}{}", parts.join("/"))
}

/// The location of file `name` given the options' base directory.
pub(crate) fn locate(name: &str, opts: &RenderOptions) -> Location {
    let path = Path::new(name);
    if path.has_root() {
        if let Some(rel) = opts
            .base_dir
            .as_deref()
            .and_then(|base| path.strip_prefix(base).ok())
        {
            return Location::Relative(slash_path(rel));
        }
        return Location::Absolute(slash_path(path));
    }
    Location::Relative(slash_path(path))
}

/// The path of `name` as a repository-relative (or absolute) slash path.
pub(crate) fn display_path(name: &str, opts: &RenderOptions) -> String {
    match locate(name, opts) {
        Location::Relative(p) | Location::Absolute(p) => p,
    }
}

/// Percent-encode a slash path for use in a URI (RFC 3986 path characters are kept,
/// except `:` which would read as a scheme in a relative reference).
pub(crate) fn uri_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file:` URI for an absolute slash path (`/a/b` → `file:///a/b`, `C:/a` → `file:///C:/a`).
pub(crate) fn file_uri(abs_slash_path: &str) -> String {
    let p = abs_slash_path.trim_start_matches('/');
    // a drive letter keeps its colon
    let (drive, rest) = match p.as_bytes() {
        [d, b':', ..] if d.is_ascii_alphabetic() => p.split_at(2),
        _ => ("", p),
    };
    format!("file:///{drive}{}", uri_encode_path(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_range_stays_on_char_boundaries() {
        let t = "aé b";
        assert_eq!(clamp_range(t, 2, 3), 1..3);
        assert_eq!(clamp_range(t, 0, 99), 0..t.len());
        assert_eq!(clamp_range(t, 4, 1), 4..4);
        assert_eq!(clamp_range(t, 99, 100), t.len()..t.len());
    }

    #[test]
    fn locate_relative_and_absolute() {
        let opts = RenderOptions {
            base_dir: Some(PathBuf::from("/repo")),
            ..RenderOptions::default()
        };
        assert_eq!(
            locate("/repo/iam/a.json", &opts),
            Location::Relative("iam/a.json".into())
        );
        assert_eq!(
            locate("./iam/a.json", &opts),
            Location::Relative("iam/a.json".into())
        );
        assert_eq!(
            locate("/elsewhere/a.json", &opts),
            Location::Absolute("/elsewhere/a.json".into())
        );
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(uri_encode_path("a b/ç:#.json"), "a%20b/%C3%A7%3A%23.json");
        assert_eq!(file_uri("/repo/x y/"), "file:///repo/x%20y/");
        assert_eq!(file_uri("C:/repo"), "file:///C:/repo");
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        assert_eq!(Format::parse("SARIF"), Some(Format::Sarif));
        assert_eq!(Format::parse("xml"), None);
    }
}
