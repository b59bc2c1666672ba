//! Findings on very long lines (a minified 10 MB policy is one line): snippets show
//! windows around the labels, positions stay those of the file, and what each finding
//! prints does not grow with its line.

mod common;

use common::{diag, span_of};
use iamlint_report::{
    render, render_to, Format, Label, RenderOptions, Report, Severity, SourceFile,
};
use iamlint_syntax::Span;
use std::sync::Arc;

/// A one-line policy of `n` statements, each `{"Sid":"S<i>","Action":"s3:Get<i>"}`, with
/// `pad` characters of `pad_char` in a `Description` first.
fn one_line(n: usize, pad: usize, pad_char: char) -> String {
    let mut s = String::from("{\"Description\":\"");
    s.extend(std::iter::repeat_n(pad_char, pad));
    s.push_str("\",\"Statement\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{{\"Sid\":\"S{i}\",\"Action\":\"s3:Get{i}\"}}"));
    }
    s.push_str("]}\n");
    s
}

fn report_of(diagnostics: Vec<iamlint_report::Diagnostic>) -> Report {
    Report {
        diagnostics,
        rules: common::rules(),
        files_checked: 1,
        files_skipped: 0,
        files: Vec::new(),
        overview: None,
    }
}

fn finding(file: &Arc<SourceFile>, span: Span, label: &str) -> iamlint_report::Diagnostic {
    diag(
        file,
        "IAM201",
        "service-wildcard",
        Severity::Warning,
        "a finding",
        Some(Label::new(span, label)),
        "Statement[0].Action",
    )
}

fn opts() -> RenderOptions {
    RenderOptions {
        summary: false,
        ..RenderOptions::default()
    }
}

/// The column (0-based, in characters) of `needle` in `line`.
fn char_col(line: &str, needle: &str) -> usize {
    let at = line.find(needle).expect("needle on the line");
    line[..at].chars().count()
}

#[test]
fn human_snippet_of_a_long_line_is_a_window_around_the_label() {
    let text = one_line(4_000, 0, ' ');
    assert!(text.len() > 100_000);
    let file = SourceFile::new("big.json", text.as_str());
    let span = span_of(&text, "\"s3:Get2000\"", 0);
    let out = render(
        &report_of(vec![finding(&file, span, "this action")]),
        Format::Human,
        &opts(),
    );
    // the `-->` line names the file's own line and column
    let col = text[..span.start as usize].chars().count() + 1;
    assert!(out.contains(&format!("--> big.json:1:{col}\n")), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .find(|l| l.starts_with("1 | "))
        .expect("the source line");
    // a window with `...` either side, the label's text in it
    assert!(source.starts_with("1 | ..."), "{source}");
    assert!(source.ends_with("..."), "{source}");
    assert!(source.contains("\"s3:Get2000\""));
    assert!(source.chars().count() < 160, "{} characters", source.len());
    // the marker is under the label's text
    let marker = lines
        .iter()
        .find(|l| l.contains('^'))
        .expect("the marker line");
    assert_eq!(char_col(marker, "^"), char_col(source, "\"s3:Get2000\""));
    assert_eq!(marker.matches('^').count(), "\"s3:Get2000\"".len());
    assert!(marker.ends_with("this action"));
    // no line of the output is long
    assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
}

#[test]
fn human_columns_of_a_long_non_ascii_line_are_characters() {
    // 50,000 two-byte characters before the statements
    let text = one_line(100, 50_000, 'é');
    let file = SourceFile::new("big.json", text.as_str());
    let span = span_of(&text, "\"S50\"", 0);
    let out = render(
        &report_of(vec![finding(&file, span, "here")]),
        Format::Human,
        &opts(),
    );
    let col = text[..span.start as usize].chars().count() + 1;
    assert_eq!(col, span.start as usize - 50_000 + 1);
    assert!(out.contains(&format!("--> big.json:1:{col}\n")), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .find(|l| l.starts_with("1 | "))
        .expect("source");
    let marker = lines.iter().find(|l| l.contains('^')).expect("marker");
    assert_eq!(char_col(marker, "^"), char_col(source, "\"S50\""));
}

#[test]
fn human_labels_far_apart_on_one_line_get_a_window_each() {
    let text = one_line(4_000, 0, ' ');
    let file = SourceFile::new("big.json", text.as_str());
    let mut d = finding(&file, span_of(&text, "\"s3:Get3500\"", 0), "covered");
    d.secondary = vec![Label::new(span_of(&text, "\"s3:Get10\"", 0), "covers it")];
    let out = render(&report_of(vec![d]), Format::Human, &opts());
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .find(|l| l.starts_with("1 | "))
        .expect("source");
    assert!(source.contains("\"s3:Get10\""), "{source}");
    assert!(source.contains("\"s3:Get3500\""), "{source}");
    // three elisions: before the first window, between the two, after the second
    assert_eq!(source.matches("...").count(), 3, "{source}");
    assert!(source.chars().count() < 300);
    let primary = lines
        .iter()
        .find(|l| l.contains('^'))
        .expect("primary marker");
    assert_eq!(char_col(primary, "^"), char_col(source, "\"s3:Get3500\""));
    let secondary = lines
        .iter()
        .find(|l| l.contains("---"))
        .expect("secondary marker");
    assert_eq!(char_col(secondary, "-"), char_col(source, "\"s3:Get10\""));
}

#[test]
fn human_label_over_most_of_a_long_line_shows_both_ends() {
    let text = one_line(4_000, 0, ' ');
    let file = SourceFile::new("big.json", text.as_str());
    let start = span_of(&text, "{\"Sid\":\"S0\"", 0).start;
    let end = span_of(&text, "\"s3:Get3999\"}", 0).end;
    let out = render(
        &report_of(vec![finding(
            &file,
            Span::new(start, end),
            "the statements",
        )]),
        Format::Human,
        &opts(),
    );
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .find(|l| l.starts_with("1 | "))
        .expect("source");
    assert!(source.contains("{\"Sid\":\"S0\""), "{source}");
    assert!(source.contains("\"s3:Get3999\"}"), "{source}");
    assert!(source.chars().count() < 300);
    // the marker runs from the label's start to its end, over the `...` between
    let marker = lines.iter().find(|l| l.contains('^')).expect("marker");
    let from = char_col(source, "{\"Sid\":\"S0\"");
    let to = char_col(source, "\"s3:Get3999\"}") + "\"s3:Get3999\"}".len();
    assert_eq!(char_col(marker, "^"), from);
    assert_eq!(marker.matches('^').count(), to - from);
}

#[test]
fn human_label_from_a_long_line_to_another() {
    let mut text = one_line(2_000, 0, ' ');
    text.push_str(&one_line(2_000, 0, ' '));
    let file = SourceFile::new("two.json", text.as_str());
    let start = span_of(&text, "\"s3:Get1000\"", 0).start;
    let end = span_of(&text, "\"s3:Get5\"", 1).end;
    let out = render(
        &report_of(vec![finding(&file, Span::new(start, end), "across lines")]),
        Format::Human,
        &opts(),
    );
    let col = text[..start as usize].chars().count() + 1;
    assert!(out.contains(&format!("--> two.json:1:{col}\n")), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("1 |") && l.contains("\"s3:Get1000\"")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("2 |") && l.contains("\"s3:Get5\"")),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
}

#[test]
fn lines_up_to_the_limit_are_shown_whole() {
    // 300 characters: shown as they are
    let mut text = String::from("{\"Statement\":[{\"Action\":\"s3:*\",\"Description\":\"");
    while text.len() < 297 {
        text.push('x');
    }
    text.push_str("\"}]}");
    assert_eq!(text.len(), 301);
    let file = SourceFile::new("p.json", text.as_str());
    let out = render(
        &report_of(vec![finding(&file, span_of(&text, "\"s3:*\"", 0), "x")]),
        Format::Human,
        &opts(),
    );
    assert!(out.contains(&format!("1 | {text}\n")), "{out}");
    assert!(!out.contains("..."));
}

/// Records the size of every write.
struct Writes(Vec<usize>);

impl std::io::Write for Writes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// 3,000 findings on one 150 KB line: each is written on its own and stays small.
#[test]
fn many_findings_on_one_line_are_written_one_by_one_and_stay_small() {
    let n = 3_000;
    let text = one_line(n, 0, ' ');
    let file = SourceFile::new("big.json", text.as_str());
    let diagnostics: Vec<_> = (0..n)
        .map(|i| finding(&file, span_of(&text, &format!("\"s3:Get{i}\""), 0), "here"))
        .collect();
    let report = report_of(diagnostics);
    let mut w = Writes(Vec::new());
    render_to(&report, Format::Human, &opts(), &mut w).expect("written");
    assert!(w.0.len() >= n, "{} writes", w.0.len());
    let largest = w.0.iter().copied().max().unwrap_or(0);
    assert!(largest < 1_000, "a write of {largest} bytes");
    for format in [Format::Compact, Format::Github] {
        let mut w = Writes(Vec::new());
        render_to(&report, format, &opts(), &mut w).expect("written");
        assert!(w.0.len() >= n, "{format:?}: {} writes", w.0.len());
    }
    // the other formats do not copy the line into each finding either
    for format in [
        Format::Sarif,
        Format::Json,
        Format::Junit,
        Format::Gitlab,
        Format::Html,
    ] {
        let out = render(&report, format, &opts());
        assert!(
            out.len() < n * 2_500,
            "{format:?}: {} bytes for {n} findings",
            out.len()
        );
    }
}

#[test]
fn sarif_columns_on_a_long_line_are_characters_and_large_snippets_are_left_out() {
    let text = one_line(2_000, 20_000, 'é');
    let file = SourceFile::new("big.json", text.as_str());
    let small = span_of(&text, "\"s3:Get1500\"", 0);
    let whole = Span::new(0, text.len() as u32 - 1);
    let report = report_of(vec![
        finding(&file, small, "small"),
        finding(&file, whole, "the document"),
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Sarif, &opts())).expect("JSON");
    let results = v["runs"][0]["results"].as_array().expect("results");
    let region = |i: usize| results[i]["locations"][0]["physicalLocation"]["region"].clone();
    let col = text[..small.start as usize].chars().count() + 1;
    assert_eq!(region(0)["startLine"], 1);
    assert_eq!(region(0)["startColumn"], col);
    assert_eq!(region(0)["endColumn"], col + "\"s3:Get1500\"".len());
    assert_eq!(region(0)["snippet"]["text"], "\"s3:Get1500\"");
    // the whole document: positions, no copy of it
    assert_eq!(region(1)["startColumn"], 1);
    assert_eq!(region(1)["endColumn"], text.trim_end().chars().count() + 1);
    assert!(region(1).get("snippet").is_none());
}

#[test]
fn html_snippet_of_a_long_line_is_a_window_with_the_mark() {
    let text = one_line(4_000, 0, ' ');
    let file = SourceFile::new("big.json", text.as_str());
    let report = report_of(vec![finding(
        &file,
        span_of(&text, "\"s3:Get2000\"", 0),
        "x",
    )]);
    let out = render(&report, Format::Html, &opts());
    let pre = out
        .split("<pre class=\"snippet\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .expect("a snippet");
    assert!(pre.contains("<mark>\"s3:Get2000\"</mark>"), "{pre}");
    assert!(pre.contains('…'));
    assert!(pre.len() < 1_000, "{} bytes", pre.len());
}
