//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. The mapping is
//! documented in `docs/output-sarif.md`.

use super::{file_uri, locate, region, uri_encode_path, Location, RenderOptions};
use crate::{rule_help_uri, Diagnostic, Label, Report, RuleInfo, Severity};
use serde_json::{json, Map, Value};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/iamlint/iamlint";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "iamlint/v1";
const SRCROOT: &str = "%SRCROOT%";

/// A rule as SARIF sees it: listed in `report.rules`, or made up from a diagnostic whose
/// code is not listed there (so every result has a `ruleIndex`).
struct RuleEntry<'a> {
    code: &'a str,
    name: &'a str,
    info: Option<&'a RuleInfo>,
    level: Severity,
}

/// Results made (in parallel) and written at a time.
const RESULTS_CHUNK: usize = 4096;
/// A region's `snippet` is left out when its text is longer than this (bytes): a label
/// over a whole document of a large file would otherwise copy it into every result.
pub(crate) const MAX_SNIPPET: usize = 4096;

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // (writing into a `Vec` does not fail)
    let _ = render_to(report, opts, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub(super) fn render_to(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut rules: Vec<RuleEntry<'_>> = report
        .rules
        .iter()
        .map(|r| RuleEntry {
            code: r.code,
            name: r.name,
            info: Some(r),
            level: r.default_severity,
        })
        .collect();
    for d in &report.diagnostics {
        if !rules.iter().any(|r| r.code == d.code) {
            rules.push(RuleEntry {
                code: d.code,
                name: d.name,
                info: None,
                level: d.severity,
            });
        }
    }
    let mut driver = Map::new();
    driver.insert("name".into(), json!("iamlint"));
    driver.insert("version".into(), json!(opts.tool_version));
    if is_semver(&opts.tool_version) {
        driver.insert("semanticVersion".into(), json!(opts.tool_version));
    }
    driver.insert("informationUri".into(), json!(INFORMATION_URI));
    driver.insert(
        "rules".into(),
        Value::Array(rules.iter().map(rule_descriptor).collect()),
    );

    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": driver }));
    if let Some(base) = opts.base_dir.as_deref().filter(|b| b.has_root()) {
        let mut uri = file_uri(&super::display_path(
            &base.to_string_lossy(),
            &RenderOptions::default(),
        ));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: { "uri": uri } }),
        );
    }
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    // `results` is the run's last member and printed `[]` while empty: the results'
    // text goes in its place.
    run.insert("results".into(), Value::Array(Vec::new()));

    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let frame = serde_json::to_string_pretty(&doc).unwrap_or_default();
    const EMPTY: &str = "\"results\": []";
    let split = frame
        .rfind(EMPTY)
        .filter(|_| !report.diagnostics.is_empty());
    let Some(at) = split else {
        out.write_all(frame.as_bytes())?;
        return out.write_all(b"\n");
    };
    out.write_all(frame.get(..at).unwrap_or("").as_bytes())?;
    {
        // Each result is built and pretty-printed on its own, in parallel for a large
        // report, and indented to its depth in the document (`runs[0].results[i]`): the
        // same bytes serde_json writes for the whole tree (strings hold no raw newline).
        // Results are made and written a chunk at a time, so the report's text is never
        // held whole.
        let result_text = |d: &Diagnostic| {
            let index = rules.iter().position(|r| r.code == d.code).unwrap_or(0);
            let text = serde_json::to_vec_pretty(&result(d, index, opts)).unwrap_or_default();
            let mut out = Vec::with_capacity(text.len() + text.len() / 4);
            out.extend_from_slice(b"\n        ");
            super::json::indent_into(&mut out, &text, b"        ");
            out
        };
        out.write_all(b"\"results\": [")?;
        for (c, chunk) in report.diagnostics.chunks(RESULTS_CHUNK).enumerate() {
            let results: Vec<Vec<u8>> = if chunk.len() > 64 {
                use rayon::prelude::*;
                chunk.par_iter().map(result_text).collect()
            } else {
                chunk.iter().map(result_text).collect()
            };
            for (i, r) in results.iter().enumerate() {
                if c > 0 || i > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(r)?;
            }
        }
        out.write_all(b"\n      ]")?;
    }
    out.write_all(frame.get(at + EMPTY.len()..).unwrap_or("").as_bytes())?;
    out.write_all(b"\n")
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` / `+build` suffix.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0.1–10): high, medium, low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// `service-wildcard` → `ServiceWildcard`: SARIF asks for a readable identifier.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The first prose paragraph of a markdown page (headings skipped), on one line.
fn first_paragraph(md: &str) -> Option<String> {
    let mut para: Vec<&str> = Vec::new();
    for line in md.lines() {
        let t = line.trim();
        if t.is_empty() {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        if t.starts_with('#') {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        para.push(t);
    }
    (!para.is_empty()).then(|| para.join(" "))
}

fn rule_descriptor(r: &RuleEntry<'_>) -> Value {
    let help_uri = r
        .info
        .map_or_else(|| rule_help_uri(r.name), RuleInfo::help_uri);
    let summary = r.info.map_or("", |i| i.summary);
    let short = if summary.is_empty() { r.name } else { summary };
    let docs = r.info.map_or("", |i| i.docs);
    let full = first_paragraph(docs).unwrap_or_else(|| short.to_owned());
    let (help_text, help_md) = if docs.trim().is_empty() {
        (
            format!("{short}\n\nsee {help_uri}"),
            format!("{short}\n\nSee [{}]({help_uri}).", r.name),
        )
    } else {
        (docs.to_owned(), docs.to_owned())
    };
    let mut tags = Vec::new();
    if let Some(g) = r.info.map(|i| i.group).filter(|g| !g.is_empty()) {
        tags.push(g);
    }
    tags.push("security");
    json!({
        "id": r.code,
        "name": pascal_case(r.name),
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": help_text, "markdown": help_md },
        "helpUri": help_uri,
        "defaultConfiguration": { "level": level(r.level) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(r.level),
            "iamlint/name": r.name,
        },
    })
}

fn artifact_location(d: &Diagnostic, opts: &RenderOptions) -> Value {
    match locate(&d.file.name, opts) {
        Location::Relative(p) => json!({ "uri": uri_encode_path(&p), "uriBaseId": SRCROOT }),
        Location::Absolute(p) => json!({ "uri": file_uri(&p) }),
    }
}

fn physical_location(d: &Diagnostic, label: Option<&Label>, opts: &RenderOptions) -> Value {
    let mut loc = Map::new();
    loc.insert("artifactLocation".into(), artifact_location(d, opts));
    let (start, end, snippet) = match label {
        Some(l) => {
            let r = region(d, l);
            (r.start, r.end, r.snippet)
        }
        // a file-level finding covers the whole file (no snippet: it may be large)
        None => {
            let len = d.file.text_len();
            (d.file.line_col(0), d.file.line_col(len), "")
        }
    };
    let mut reg = Map::new();
    reg.insert("startLine".into(), json!(start.line));
    reg.insert("startColumn".into(), json!(start.column));
    reg.insert("endLine".into(), json!(end.line));
    reg.insert("endColumn".into(), json!(end.column));
    if !snippet.is_empty() && snippet.len() <= MAX_SNIPPET {
        reg.insert("snippet".into(), json!({ "text": snippet }));
    }
    loc.insert("region".into(), Value::Object(reg));
    Value::Object(loc)
}

fn result(d: &Diagnostic, rule_index: usize, opts: &RenderOptions) -> Value {
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        physical_location(d, d.primary.as_ref(), opts),
    );
    if !d.path.is_empty() {
        location.insert(
            "logicalLocations".into(),
            json!([{ "fullyQualifiedName": d.path, "kind": "element" }]),
        );
    }
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let mut res = Map::new();
    res.insert("ruleId".into(), json!(d.code));
    res.insert("ruleIndex".into(), json!(rule_index));
    res.insert("level".into(), json!(level(d.severity)));
    res.insert("message".into(), json!({ "text": text }));
    res.insert("locations".into(), json!([location]));
    res.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: d.effective_fingerprint() }),
    );
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical_location(d, Some(l), opts),
                    "message": { "text": l.message },
                })
            })
            .collect();
        res.insert("relatedLocations".into(), Value::Array(related));
    }
    if !d.notes.is_empty() {
        res.insert("properties".into(), json!({ "notes": d.notes }));
    }
    Value::Object(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_of_kebab_names() {
        assert_eq!(pascal_case("service-wildcard"), "ServiceWildcard");
        assert_eq!(pascal_case("passrole-to-any-role"), "PassroleToAnyRole");
        assert_eq!(pascal_case(""), "");
    }

    #[test]
    fn semver_check() {
        assert!(is_semver("0.1.0"));
        assert!(is_semver("1.2.3-rc.1"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("dev"));
    }

    #[test]
    fn first_paragraph_skips_headings() {
        let md = "# service-wildcard\n\n## What it does\nflags `s3:*`\nand more\n\n## Why";
        assert_eq!(
            first_paragraph(md).as_deref(),
            Some("flags `s3:*` and more")
        );
        assert_eq!(first_paragraph("# only"), None);
    }
}
