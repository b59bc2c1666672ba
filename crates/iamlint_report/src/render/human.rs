//! Human output: codespan-reporting snippets, ASCII borders, optional ANSI colour.
//!
//! Each finding is rendered on its own and written at once, so the output is never held
//! in memory. codespan-reporting does not see the file: it sees a small text made of the
//! lines the snippet shows (a [`View`]), where a line longer than 320 characters
//! (`LONG_LINE`) is cut to windows of 60 characters (`WINDOW_CONTEXT`) either side of
//! each label edge, with `...` where text was left out, as rustc does. Line numbers and the columns of the
//! `-->` line are those of the file. So what a finding costs to print does not depend on
//! the size of its file or the length of its lines (a 10 MB one-line policy with
//! thousands of findings printed each finding's whole line before).

use super::{clamp_range, help_uri, is_long_line, line_windows, summary_line, RenderOptions};
use crate::{Diagnostic, Label, Report, Severity, SourceFile};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::Ansi, Chars, Config};
use std::io::{self, Write};
use std::ops::Range;

/// What stands for text left out of a long line.
const ELLIPSIS: &str = "...";

pub(super) fn render_to(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    for d in &report.diagnostics {
        out.write_all(render_one(report, d, &config, opts).as_bytes())?;
    }
    if opts.summary {
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // (writing into a `Vec` does not fail)
    let _ = render_to(report, opts, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn render_one(report: &Report, d: &Diagnostic, config: &Config, opts: &RenderOptions) -> String {
    let labels: Vec<(bool, &Label)> = d
        .primary
        .iter()
        .map(|l| (true, l))
        .chain(d.secondary.iter().map(|l| (false, l)))
        .collect();
    let view = View::new(&d.file, &labels, config);
    let cs = to_codespan(report, d, &view, &labels);
    let mut text =
        emit(&view, config, &cs, opts.color).unwrap_or_else(|| fallback(d, &help_uri(report, d)));
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
    text
}

fn to_codespan(
    report: &Report,
    d: &Diagnostic,
    view: &View<'_>,
    labels: &[(bool, &Label)],
) -> CsDiagnostic<()> {
    let severity = match d.severity {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        Severity::Info => codespan_reporting::diagnostic::Severity::Note,
    };
    let labels = labels
        .iter()
        .zip(&view.label_ranges)
        .map(|((primary, l), range)| {
            let label = if *primary {
                CsLabel::primary((), range.clone())
            } else {
                CsLabel::secondary((), range.clone())
            };
            label.with_message(l.message.clone())
        })
        .collect();
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

fn emit(view: &View<'_>, config: &Config, d: &CsDiagnostic<()>, color: bool) -> Option<String> {
    if color {
        let mut w = Ansi::new(Vec::new());
        term::emit_to_write_style(&mut w, config, view, d).ok()?;
        String::from_utf8(w.into_inner()).ok()
    } else {
        let mut s = String::new();
        term::emit_to_string(&mut s, config, view, d).ok()?;
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

/// A piece of a file's line copied into a [`View`]: `len` bytes from byte `real` of the
/// file at byte `at` of the view.
#[derive(Clone, Copy, Debug)]
struct Piece {
    at: usize,
    real: usize,
    len: usize,
}

/// One line of a [`View`].
#[derive(Debug)]
struct ViewLine {
    /// Where the line starts in the view's text.
    start: usize,
    /// The 1-based number of the file's line it shows (for a filler line, the number of
    /// the line before it plus one).
    number: usize,
    /// The file's 0-based line, `None` for a filler line.
    real_line: Option<usize>,
    /// The parts of the file's line copied, in order; text between them (and before the
    /// first, after the last) was left out and is shown as [`ELLIPSIS`].
    pieces: Vec<Piece>,
}

/// What codespan-reporting renders one finding from: the lines of the file its snippet
/// shows, in order, long ones windowed, with two empty filler lines wherever the file
/// skips lines (so that codespan draws the same break it draws for the file), and the
/// labels moved onto this text.
struct View<'a> {
    file: &'a SourceFile,
    text: String,
    lines: Vec<ViewLine>,
    /// Each label's range in `text`, in the order of the labels given.
    label_ranges: Vec<Range<usize>>,
}

impl<'a> View<'a> {
    fn new(file: &'a SourceFile, labels: &[(bool, &Label)], config: &Config) -> View<'a> {
        let src = file.text.as_str();
        let ranges: Vec<Range<usize>> = labels
            .iter()
            .map(|(_, l)| clamp_range(src, l.span.start, l.span.end))
            .collect();
        let line_of = |offset: usize| {
            file.line_index
                .line_of(u32::try_from(offset).unwrap_or(u32::MAX))
        };
        // The lines codespan renders for these labels (`views.rs` of codespan-reporting):
        // each label's first and last line, and of a label over several lines, the
        // `start_context_lines` after its first and `end_context_lines` before its last.
        let mut shown: Vec<usize> = Vec::new();
        // (label edges on each line: where windows of a long line go)
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for r in &ranges {
            let (first, last) = (line_of(r.start), line_of(r.end));
            edges.push((first, r.start));
            edges.push((last, r.end));
            shown.push(first);
            shown.push(last);
            if last > first {
                shown.extend(first + 1..=(first + config.start_context_lines).min(last));
                shown.extend(last.saturating_sub(config.end_context_lines).max(first + 1)..last);
            }
        }
        shown.sort_unstable();
        shown.dedup();
        // codespan also prints a line alone between two shown lines
        let gaps: Vec<usize> = shown
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if b - a == 2 => Some(a + 1),
                _ => None,
            })
            .collect();
        shown.extend(gaps);
        shown.sort_unstable();
        edges.sort_unstable();

        let mut view = View {
            file,
            text: String::new(),
            lines: Vec::with_capacity(shown.len() + 2),
            label_ranges: Vec::with_capacity(ranges.len()),
        };
        let mut previous: Option<usize> = None;
        for &line in &shown {
            if let Some(p) = previous {
                if line > p + 2 {
                    // a break: two filler lines, never rendered (they are further from
                    // every label's first and last line than codespan's context)
                    for k in 1..=2 {
                        view.lines.push(ViewLine {
                            start: view.text.len(),
                            number: p + 1 + k,
                            real_line: None,
                            pieces: Vec::new(),
                        });
                        view.text.push('\n');
                    }
                }
            }
            let points: Vec<usize> = edges
                .iter()
                .filter(|(l, _)| *l == line)
                .map(|(_, at)| *at)
                .collect();
            view.push_line(line, &points);
            previous = Some(line);
        }
        view.label_ranges = ranges
            .iter()
            .map(|r| view.to_view(r.start, false)..view.to_view(r.end, true))
            .map(|r| r.start..r.end.max(r.start))
            .collect();
        view
    }

    /// The byte range of the file's 0-based `line`: its text without the line break, and
    /// where the next line starts.
    fn real_line(&self, line: usize) -> (usize, usize, usize) {
        let src = self.file.text.as_str();
        let len = src.len();
        let start = (self.file.line_index.line_start(line) as usize).min(len);
        let next = if line + 1 < self.file.line_index.line_count() {
            (self.file.line_index.line_start(line + 1) as usize).clamp(start, len)
        } else {
            len
        };
        let body = src.get(start..next).unwrap_or("");
        let end = start + body.trim_end_matches(['\n', '\r']).len();
        (start, end, next)
    }

    /// Copy the file's `line` into the view, in windows around `points` (byte offsets on
    /// the line) when it is long.
    fn push_line(&mut self, line: usize, points: &[usize]) {
        let src = self.file.text.as_str();
        let (start, end, next) = self.real_line(line);
        let body = src.get(start..end).unwrap_or("");
        let at = self.text.len();
        let mut pieces = Vec::new();
        if !is_long_line(body) {
            pieces.push(Piece {
                at,
                real: start,
                len: end - start,
            });
            self.text.push_str(body);
        } else {
            let windows = line_windows(body, points.iter().map(|p| p.clamp(&start, &end) - start));
            for (i, w) in windows.iter().enumerate() {
                if w.start > 0 || i > 0 {
                    self.text.push_str(ELLIPSIS);
                }
                pieces.push(Piece {
                    at: self.text.len(),
                    real: start + w.start,
                    len: w.len(),
                });
                self.text.push_str(body.get(w.clone()).unwrap_or(""));
            }
            if windows.last().is_none_or(|w| w.end < body.len()) {
                self.text.push_str(ELLIPSIS);
            }
        }
        // the line break as written
        self.text.push_str(src.get(end..next).unwrap_or(""));
        self.lines.push(ViewLine {
            start: at,
            number: line + 1,
            real_line: Some(line),
            pieces,
        });
    }

    /// Where byte `offset` of the file is in the view. An offset left out of a long line
    /// goes to the start of the `...` that stands for it, or to its end for the end of a
    /// label (`end`), so a label over left-out text underlines the `...`.
    fn to_view(&self, offset: usize, end: bool) -> usize {
        let line = self
            .file
            .line_index
            .line_of(u32::try_from(offset).unwrap_or(u32::MAX));
        let Some(i) = self.lines.iter().position(|l| l.real_line == Some(line)) else {
            return 0;
        };
        let Some(l) = self.lines.get(i) else { return 0 };
        let line_end = self.lines.get(i + 1).map_or(self.text.len(), |n| n.start);
        let (_, real_end, _) = self.real_line(line);
        let Some(last) = l.pieces.last() else {
            return l.start;
        };
        if offset >= real_end {
            // at or after the line break
            let body_end = line_end
                - (self
                    .text
                    .get(l.start..line_end)
                    .map_or(0, |t| t.len() - t.trim_end_matches(['\n', '\r']).len()));
            return (body_end + (offset - real_end)).min(line_end);
        }
        for p in &l.pieces {
            if offset < p.real {
                // left out before this piece
                return if end { p.at } else { p.at - ELLIPSIS.len() };
            }
            if offset <= p.real + p.len {
                return p.at + (offset - p.real);
            }
        }
        // left out after the last piece
        let dots = last.at + last.len;
        if end {
            dots + ELLIPSIS.len()
        } else {
            dots
        }
    }

    /// The file's byte offset shown at byte `at` of view line `i`.
    fn to_real(&self, i: usize, at: usize) -> usize {
        let Some(l) = self.lines.get(i) else { return 0 };
        let mut real = l.pieces.first().map_or(0, |p| p.real);
        for p in &l.pieces {
            if at < p.at {
                break;
            }
            real = p.real + (at - p.at).min(p.len);
        }
        real
    }

    fn view_line_of(&self, at: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= at)
            .saturating_sub(1)
    }
}

impl<'f> Files<'f> for View<'_> {
    type FileId = ();
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, (): ()) -> Result<&'f str, FilesError> {
        Ok(self.file.name.as_str())
    }

    fn source(&'f self, (): ()) -> Result<&'f str, FilesError> {
        Ok(self.text.as_str())
    }

    fn line_index(&'f self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.view_line_of(byte_index))
    }

    fn line_number(&'f self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .lines
            .get(line_index)
            .map_or(line_index + 1, |l| l.number))
    }

    fn column_number(
        &'f self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let real = self.to_real(line_index, byte_index);
        Ok(self
            .file
            .line_col(u32::try_from(real).unwrap_or(u32::MAX))
            .column as usize)
    }

    fn line_range(&'f self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let start =
            self.lines
                .get(line_index)
                .map(|l| l.start)
                .ok_or(FilesError::LineTooLarge {
                    given: line_index,
                    max: self.lines.len().saturating_sub(1),
                })?;
        let end = self
            .lines
            .get(line_index + 1)
            .map_or(self.text.len(), |l| l.start);
        Ok(start..end)
    }
}
