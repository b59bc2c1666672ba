//! JUnit XML, as Jenkins, GitLab and CircleCI read test reports: one `<testsuite>` per
//! file checked, one failing `<testcase>` per finding (its `<failure>` carries the rule
//! code and name, the message and the location) and one passing `<testcase>` for a file
//! without findings. The shape follows the schema Jenkins' xUnit plugin validates against
//! (`fixtures/schemas/junit-10.xsd`).

use super::xml::{attr, escape_into};
use super::{display_path, help_uri, region, RenderOptions};
use crate::{Diagnostic, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Longest flagged text quoted in a failure's body, in characters.
const MAX_QUOTED: usize = 200;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    // file (as shown) → its findings, in the report's order
    let mut files: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for f in &report.files {
        files.entry(display_path(f, opts)).or_default();
    }
    for d in &report.diagnostics {
        files
            .entry(display_path(&d.file.name, opts))
            .or_default()
            .push(d);
    }
    let failures = report.diagnostics.len();
    let tests: usize = files.values().map(|ds| ds.len().max(1)).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"iamlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for (file, diags) in &files {
        let file_attr = attr(file);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{file_attr}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" file=\"{file_attr}\">",
            diags.len().max(1),
            diags.len()
        );
        if diags.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"no findings\" classname=\"{file_attr}\"/>"
            );
        }
        for d in diags {
            testcase(&mut out, report, d, file);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, report: &Report, d: &Diagnostic, file: &str) {
    let (location, quoted) = match &d.primary {
        Some(l) => {
            let r = region(d, l);
            let quoted: String = r.snippet.chars().take(MAX_QUOTED).collect();
            let more = if r.snippet.chars().nth(MAX_QUOTED).is_some() {
                "…"
            } else {
                ""
            };
            (
                format!("{}:{}", r.start.line, r.start.column),
                format!("{quoted}{more}"),
            )
        }
        None => ("1:1".to_owned(), String::new()),
    };
    let name = format!("{} {} at {location}", d.code, d.name);
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\">",
        attr(&name),
        attr(file)
    );
    let _ = write!(
        out,
        "      <failure type=\"{}\" message=\"{}\">",
        attr(&format!("{} {}", d.code, d.name)),
        attr(&format!("{}: {}", d.severity.as_str(), d.message))
    );
    let mut body = format!(
        "{file}:{location}: {}[{} {}] {}\n",
        d.severity.as_str(),
        d.code,
        d.name,
        d.message
    );
    if !d.path.is_empty() {
        body.push_str(&format!("element: {}\n", d.path));
    }
    if !quoted.is_empty() {
        body.push_str(&format!("flagged: {quoted}\n"));
    }
    if let Some(h) = &d.help {
        body.push_str(&format!("help: {h}\n"));
    }
    for n in &d.notes {
        body.push_str(&format!("note: {n}\n"));
    }
    body.push_str(&format!("rule: {}", help_uri(report, d)));
    escape_into(out, &body, false);
    out.push_str("</failure>\n    </testcase>\n");
}
