//! Fingerprints, baselines and exit codes.

mod common;

use common::{diag, span_of};
use iamlint_report::{Baseline, BaselineError, Label, Report, Severity, SourceFile};

const POLICY: &str = "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\"}]\n}\n";

fn report_for(text: &str) -> Report {
    flagging(text, "\"s3:*\"")
}

fn flagging(text: &str, needle: &str) -> Report {
    let f = SourceFile::new("p.json", text);
    let d = diag(
        &f,
        "IAM201",
        "service-wildcard",
        Severity::Warning,
        "`s3:*` grants every s3 action",
        Some(Label::new(span_of(text, needle, 0), "here")),
        "Statement[0].Action",
    );
    Report {
        diagnostics: vec![d],
        rules: common::rules(),
        files_checked: 1,
        files_skipped: 0,
        ..Report::default()
    }
}

#[test]
fn fingerprint_survives_lines_inserted_above() {
    let before = report_for(POLICY);
    let moved = format!("\n\n\n{POLICY}");
    let after = report_for(&moved);
    let (a, b) = (&before.diagnostics[0], &after.diagnostics[0]);
    assert_eq!(a.range().0.line + 3, b.range().0.line);
    assert_eq!(a.compute_fingerprint(), b.compute_fingerprint());
}

#[test]
fn fingerprint_changes_with_flagged_text_path_or_code() {
    let base = report_for(POLICY).diagnostics.remove(0);
    // same message, path and position, but the span covers a different string
    let other = flagging(&POLICY.replace("s3:*", "s4:*"), "\"s4:*\"")
        .diagnostics
        .remove(0);
    assert_eq!(base.range(), other.range());
    assert_ne!(base.compute_fingerprint(), other.compute_fingerprint());
    let mut other_path = base.clone();
    other_path.path = "Statement[1].Action".to_owned();
    assert_ne!(base.compute_fingerprint(), other_path.compute_fingerprint());
    let mut other_code = base.clone();
    other_code.code = "IAM202";
    assert_ne!(base.compute_fingerprint(), other_code.compute_fingerprint());
}

#[test]
fn baseline_round_trip_and_retain_new() {
    let old = report_for(POLICY);
    let baseline = Baseline::from_report(&old);
    assert_eq!(baseline.len(), 1);
    let text = baseline.to_json();
    let back = Baseline::from_json(&text).expect("reads its own output");
    assert_eq!(back, baseline);

    // the same finding moved down, plus a new one: only the new one is kept
    let moved = format!("\n\n\n{POLICY}");
    let mut new = report_for(&moved);
    let mut extra = new.diagnostics[0].clone();
    extra.code = "IAM202";
    extra.name = "full-admin";
    extra.fingerprint.clear(); // computed on demand
    new.diagnostics.push(extra);
    let dropped = new.retain_new(&back);
    assert_eq!(dropped, 1);
    assert_eq!(new.diagnostics.len(), 1);
    assert_eq!(new.diagnostics[0].code, "IAM202");
}

#[test]
fn baseline_json_is_sorted_and_versioned() {
    let b = Baseline {
        fingerprints: ["bb", "aa"].iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        b.to_json(),
        "{\n  \"version\": 1,\n  \"fingerprints\": [\n    \"aa\",\n    \"bb\"\n  ]\n}\n"
    );
}

#[test]
fn baseline_errors() {
    assert!(matches!(
        Baseline::from_json("{\"version\": 2, \"fingerprints\": []}"),
        Err(BaselineError::UnsupportedVersion { found: 2 })
    ));
    assert!(matches!(
        Baseline::from_json("not json"),
        Err(BaselineError::Json(_))
    ));
    assert!(matches!(
        Baseline::from_json("{\"version\": 1}"),
        Err(BaselineError::Json(_))
    ));
    let e = Baseline::from_json("{\"version\": 7, \"fingerprints\": []}")
        .expect_err("version 7 is unknown");
    assert_eq!(
        e.to_string(),
        "baseline version `7` is not supported (expected `1`)"
    );
}

#[test]
fn exit_code_follows_threshold() {
    let report = common::fixture_report(); // has errors, a warning and an info
    assert_eq!(report.exit_code(Severity::Error), 1);
    assert_eq!(report.exit_code(Severity::Info), 1);
    let mut warnings_only = report_for(POLICY);
    assert_eq!(warnings_only.exit_code(Severity::Error), 0);
    assert_eq!(warnings_only.exit_code(Severity::Warning), 1);
    assert_eq!(warnings_only.exit_code(Severity::Info), 1);
    warnings_only.diagnostics[0].severity = Severity::Info;
    assert_eq!(warnings_only.exit_code(Severity::Warning), 0);
    assert_eq!(Report::default().exit_code(Severity::Info), 0);
}

#[test]
fn fill_fingerprints_fills_only_empty_ones() {
    let mut r = report_for(POLICY);
    r.diagnostics[0].fingerprint.clear();
    let mut kept = r.diagnostics[0].clone();
    kept.fingerprint = "custom".to_owned();
    r.diagnostics.push(kept);
    r.fill_fingerprints();
    assert_eq!(
        r.diagnostics[0].fingerprint,
        r.diagnostics[0].compute_fingerprint()
    );
    assert_eq!(r.diagnostics[1].fingerprint, "custom");
}
