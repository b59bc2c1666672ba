//! Shape and content checks that do not depend on snapshots.

mod common;

use common::{diag, span_of};
use iamlint_report::{render, Format, Label, RenderOptions, Report, Severity, SourceFile};
use serde_json::Value;
use std::path::PathBuf;

fn opts() -> RenderOptions {
    RenderOptions {
        base_dir: Some(PathBuf::from("/work/repo")),
        tool_version: "1.2.3".to_owned(),
        ..RenderOptions::default()
    }
}

fn json_of(report: &Report) -> Value {
    serde_json::from_str(&render(report, Format::Json, &opts())).expect("valid JSON")
}

#[test]
fn json_top_level_and_summary() {
    let report = common::fixture_report();
    let v = json_of(&report);
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["version", "diagnostics", "summary"]);
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 4, "skipped": 1, "errors": 3, "warnings": 1, "infos": 1})
    );
    assert_eq!(
        v["diagnostics"].as_array().map(Vec::len),
        Some(report.diagnostics.len())
    );
}

#[test]
fn json_diagnostic_fields_in_order() {
    let v = json_of(&common::fixture_report());
    for d in v["diagnostics"].as_array().expect("array") {
        let keys: Vec<&str> = d
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "code",
                "name",
                "severity",
                "message",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "path",
                "help",
                "fingerprint",
                "notes",
                "secondary"
            ]
        );
        assert!(d["help"].is_null() || d["help"].is_string());
        assert_eq!(d["fingerprint"].as_str().map(str::len), Some(32));
    }
}

#[test]
fn json_positions_are_one_based_characters() {
    // `é` is two bytes: the finding after it is at character column 3, not byte column 4
    let text = "é \"s3:*\"\nnext";
    let f = SourceFile::new("a.json", text);
    let d = diag(
        &f,
        "IAM201",
        "service-wildcard",
        Severity::Warning,
        "m",
        Some(Label::new(span_of(text, "\"s3:*\"", 0), "here")),
        "Action",
    );
    let report = Report {
        diagnostics: vec![d],
        ..Report::default()
    };
    let v = json_of(&report);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (&d["line"], &d["column"], &d["end_line"], &d["end_column"]),
        (
            &Value::from(1),
            &Value::from(3),
            &Value::from(1),
            &Value::from(9)
        )
    );
    assert_eq!(d["help"], Value::Null);
}

#[test]
fn json_file_level_diagnostic_has_null_position() {
    let v = json_of(&common::fixture_report());
    let d = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "IAM001")
        .expect("parse error present");
    assert!(d["line"].is_null() && d["column"].is_null());
    assert!(d["end_line"].is_null() && d["end_column"].is_null());
    assert_eq!(d["file"], "policies/broken.json");
}

#[test]
fn json_secondary_and_notes() {
    let v = json_of(&common::fixture_report());
    let d = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "IAM301")
        .expect("IAM301 present");
    assert_eq!(d["line"], 10);
    assert_eq!(d["end_line"], 15);
    assert_eq!(d["secondary"][0]["message"], "passes any role");
    assert_eq!(d["secondary"][0]["line"], 13);
    assert_eq!(
        d["notes"][0],
        "`lambda:CreateFunction` runs code as the passed role"
    );
}

#[test]
fn out_of_range_spans_do_not_panic() {
    let text = "aé";
    let f = SourceFile::new("x.json", text);
    // end past the text, start inside a two-byte character
    let d = diag(
        &f,
        "IAM201",
        "service-wildcard",
        Severity::Error,
        "m",
        Some(Label::new(iamlint_syntax::Span::new(2, 99), "x")),
        "",
    );
    let mut d2 = d.clone();
    d2.primary = Some(Label::new(iamlint_syntax::Span::new(50, 10), "y"));
    let report = Report {
        diagnostics: vec![d, d2],
        files_checked: 1,
        ..Report::default()
    };
    for f in Format::ALL {
        let out = render(&report, f, &opts());
        assert!(!out.is_empty(), "{f:?} rendered nothing");
    }
}

#[test]
fn compact_one_line_per_finding() {
    let report = common::fixture_report();
    let out = render(&report, Format::Compact, &opts());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), report.diagnostics.len());
    assert!(lines.contains(
        &"policies/deploy.json:7:17: warning[IAM201 service-wildcard] `s3:*` grants all 180 actions of s3, including 12 permissions-management actions"
    ));
    assert!(lines.contains(
        &"policies/broken.json:1:1: error[IAM001 invalid-syntax] file is not valid JSON: unexpected end of input"
    ));
}

#[test]
fn github_commands_and_escaping() {
    let text = "{\"Action\": \"s3:*\"}";
    let f = SourceFile::new("dir,with:odd%name/p.json", text);
    let mut d = diag(
        &f,
        "IAM201",
        "service-wildcard",
        Severity::Info,
        "100% of s3\nsecond line\r",
        Some(Label::new(span_of(text, "\"s3:*\"", 0), "x")),
        "Action",
    );
    d.help = Some("use `s3:GetObject`, not `s3:*`".to_owned());
    let report = Report {
        diagnostics: vec![d],
        ..Report::default()
    };
    let out = render(&report, Format::Github, &opts());
    assert_eq!(
        out,
        "::notice file=dir%2Cwith%3Aodd%25name/p.json,line=1,col=12,endLine=1,endColumn=18,\
         title=IAM201 service-wildcard::100%25 of s3%0Asecond line%0D%0Ahelp: use `s3:GetObject`, not `s3:*`\n"
    );
}

#[test]
fn github_levels_and_file_level() {
    let out = render(&common::fixture_report(), Format::Github, &opts());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::error ")).count(),
        3
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        1
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::notice ")).count(),
        1
    );
    // no position for a file-level finding; `:` is escaped in properties only
    assert!(lines.contains(
        &"::error file=policies/broken.json,title=IAM001 invalid-syntax::file is not valid JSON: unexpected end of input"
    ));
}

#[test]
fn human_parts() {
    let out = render(&common::fixture_report(), Format::Human, &opts());
    assert!(out.contains("warning[IAM201 service-wildcard]: `s3:*` grants all 180 actions"));
    assert!(out.contains("--> policies/deploy.json:7:17"));
    assert!(out.contains("= help: list the actions the role needs, e.g. `s3:GetObject`"));
    assert!(out.contains(
        "= see: https://github.com/iamlint/iamlint/blob/main/docs/rules/service-wildcard.md"
    ));
    assert!(out.contains("info[IAM501 missing-sid]: statement has no `Sid`"));
    assert!(out.contains("= note: `lambda:CreateFunction` runs code as the passed role"));
    assert!(out.ends_with("3 errors, 1 warning, 1 info in 4 files (1 skipped)\n"));
    // the file-level diagnostic has no snippet but names its file
    let broken = out
        .split("\n\n")
        .find(|b| b.contains("IAM001"))
        .expect("IAM001 block");
    assert!(broken.contains("\n --> policies/broken.json\n"));
    assert!(!broken.contains('|'));
    // no trailing spaces anywhere
    assert!(out.lines().all(|l| !l.ends_with(' ')));
}

#[test]
fn summary_wording() {
    let mut report = common::fixture_report();
    report
        .diagnostics
        .retain(|d| d.severity == Severity::Warning);
    report.files_checked = 1;
    report.files_skipped = 0;
    let out = render(&report, Format::Human, &opts());
    assert!(out.ends_with("\n1 warning in 1 file\n"), "{out}");
}

/// Renders the fixture report, a copy grown to at least `big` findings and an empty report
/// in `format`, asserts each text is exactly serde_json's pretty printing of its own value
/// (plus a final newline), and returns (findings, value) for further checks.
fn assert_serde_pretty_printing(format: Format, big: usize) -> Vec<(usize, Value)> {
    let base = common::fixture_report();
    let mut grown = common::fixture_report();
    while grown.diagnostics.len() < big {
        grown.diagnostics.extend(base.diagnostics.iter().cloned());
    }
    let empty = Report::default();
    [&base, &grown, &empty]
        .into_iter()
        .map(|report| {
            let text = render(report, format, &opts());
            let value: Value = serde_json::from_str(&text).expect("valid JSON");
            let expected = serde_json::to_string_pretty(&value).expect("serializable") + "\n";
            assert_eq!(text, expected, "{} diagnostics", report.diagnostics.len());
            (report.diagnostics.len(), value)
        })
        .collect()
}

/// The SARIF text is exactly serde_json's pretty printing of its own value, also when the
/// results are printed one by one in parallel and spliced in (more than 64 results), and
/// when there are none.
#[test]
fn sarif_text_is_serde_pretty_printing() {
    for (findings, value) in assert_serde_pretty_printing(Format::Sarif, 300) {
        let results = value["runs"][0]["results"].as_array().expect("results");
        assert_eq!(results.len(), findings);
    }
}

/// The JSON text is exactly what serde_json's pretty printer writes for the same value,
/// also when the entries are serialized in several parallel chunks (128 per chunk, in
/// batches of four) and when there are none.
#[test]
fn json_text_is_serde_pretty_printing() {
    for (findings, value) in assert_serde_pretty_printing(Format::Json, 2_600) {
        let entries = value["diagnostics"].as_array().expect("diagnostics");
        assert_eq!(entries.len(), findings);
    }
}

/// A copy of an ASCII file without its text places every offset where the file does, and
/// the reports that show no source are the same bytes with such copies; a text that is not
/// ASCII keeps its text.
#[test]
fn findings_on_files_without_text_render_the_same() {
    let text = "{\n  \"Version\": \"2012-10-17\",\r\n\t\"Statement\": []\n}\n\n";
    let file = SourceFile::new("p.json", text);
    let slim = file.without_text().expect("an ASCII text");
    assert!(slim.text.is_empty() && slim.is_text_dropped());
    assert_eq!(slim.text_len(), file.text_len());
    for offset in 0..text.len() as u32 + 3 {
        assert_eq!(slim.line_col(offset), file.line_col(offset), "{offset}");
    }
    assert!(SourceFile::new("r.json", "{\"Sid\": \"r\u{f4}le\"}")
        .without_text()
        .is_none());

    let report = common::fixture_report();
    let mut slimmed = common::fixture_report();
    let mut dropped = 0;
    for d in &mut slimmed.diagnostics {
        if let Some(s) = d.file.without_text() {
            d.file = s;
            dropped += 1;
        }
    }
    assert!(dropped > 0, "the fixture has ASCII files");
    for format in [Format::Json, Format::Compact, Format::Github] {
        assert_eq!(
            render(&slimmed, format, &opts()),
            render(&report, format, &opts()),
            "{format:?}"
        );
    }
}

#[test]
fn html_without_an_overview_lists_files_and_findings() {
    let report = common::fixture_report();
    let out = render(&report, Format::Html, &opts());
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        out.matches("<article class=\"finding ").count(),
        report.diagnostics.len()
    );
    // every file, the clean one too, in the files table
    for f in &report.files {
        assert!(out.contains(&format!("<code>{f}</code>")), "{f}");
    }
    // no overview: said, not left blank
    assert_eq!(out.matches("Not computed for this report.").count(), 3);
    // the flagged text marked in its snippet, markup escaped
    assert!(out.contains("<mark>&quot;s3:*&quot;</mark>") || out.contains("<mark>\"s3:*\"</mark>"));
    // nothing fetched: no URL but the rules' pages in links
    for (i, _) in out.match_indices("http") {
        let before = &out[..i];
        assert!(
            before.ends_with("href=\"") || out[i..].starts_with("http-equiv"),
            "{}",
            &out[i.saturating_sub(40)..(i + 60).min(out.len())]
        );
    }
}

#[test]
fn html_overview_sections() {
    use iamlint_report::overview::{
        Escalation, EscalationPath, Overview, ServiceAccess, SubjectAccess,
    };
    let mut report = common::fixture_report();
    report.overview = Some(Overview {
        subjects: vec![SubjectAccess {
            file: "templates/r\u{f4}le build.yaml".into(),
            label: "role `BuildRole`".into(),
            kind: "role".into(),
            actions_granted: 7,
            levels: [1, 2, 3, 1, 0],
            services: 2,
            incomplete: vec![
                "the policy `arn:aws:iam::123456789012:policy/x` is not in the file".into(),
            ],
            trusted: vec!["Service `codebuild.amazonaws.com`".into()],
            by_service: vec![ServiceAccess {
                service: "s3".into(),
                name: "Amazon S3".into(),
                granted: [1, 2, 3, 1, 0],
                total: [10, 20, 30, 4, 0],
            }],
        }],
        services: vec![
            ServiceAccess {
                service: "s3".into(),
                name: "Amazon S3".into(),
                granted: [1, 2, 3, 1, 0],
                total: [10, 20, 30, 4, 0],
            },
            ServiceAccess {
                service: "none".into(),
                name: "granted nothing".into(),
                granted: [0; 5],
                total: [1; 5],
            },
        ],
        escalations: vec![Escalation {
            file: "policies/deploy.json".into(),
            subject: "`policies/deploy.json`".into(),
            paths: vec![EscalationPath {
                id: "lambda-001".into(),
                category: "new-passrole".into(),
                actions: vec!["iam:PassRole".into(), "lambda:CreateFunction".into()],
                description: "create a function with a passed role".into(),
            }],
        }],
    });
    let out = render(&report, Format::Html, &opts());
    assert!(!out.contains("Not computed"));
    assert!(out.contains("<tr class=\"subject\"><td>role <code>BuildRole</code></td>"));
    assert!(out.contains("assumed by Service <code>codebuild.amazonaws.com</code>"));
    assert!(out.contains("incomplete: the policy"));
    // the heat map: granted services only; a level the service lacks is hatched
    let heat = &out[out.find("id=\"heatmap\"").unwrap()..];
    let heat = &heat[..heat.find("</table>").unwrap()];
    assert_eq!(heat.matches("<tr><th title=").count(), 1);
    assert!(heat.contains("title=\"3 of 30\">3</td>"));
    assert!(heat.contains("class=\"cell na\""));
    assert!(heat.contains("7 / 64"));
    // each subject's own heat map, folded
    assert_eq!(out.matches("<details class=\"subject-heat\">").count(), 1);
    assert!(out.contains("<summary>role <code>BuildRole</code> <span class=\"muted\">in <code>templates/r\u{f4}le build.yaml</code>: 7 actions of 1 service</span></summary>"));
    // the graph
    assert_eq!(out.matches("<svg").count(), 1);
    assert!(out.contains(">lambda-001 (new-passrole)</text>"));
}
