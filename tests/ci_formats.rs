#![allow(clippy::unwrap_used)]
//! The CI formats through the real binary, validated against their schemas
//! (`fixtures/schemas/`): JUnit XML with `xmllint --schema` (libxml2), GitLab Code Quality
//! with the `jsonschema` crate, over every rule fixture and files made to be awkward
//! (markup and control characters in what the findings quote, a clean file).
//!
//! `xmllint` is required in CI (`.ci/run` installs it); elsewhere its tests say they are
//! skipped when it is missing.

mod tools;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.current_dir(repo()).env_remove("NO_COLOR");
    c
}

/// A directory of awkward inputs: a clean policy, a policy whose findings quote `<&>"'`
/// and a control character, and an unreadable one.
fn awkward() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("clean.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("odd <&>.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"a<b>&\\\"c'\", \"Effect\": \"Allow\", \"Action\": [\"s3:Get\\u0001Object\", \"s3:*\"], \"Resource\": \"*\"}]}",
    )
    .unwrap();
    std::fs::write(
        d.path().join("broken.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": [",
    )
    .unwrap();
    d
}

/// Run `iamlint check --format FORMAT` over the rule fixtures, the examples and `extra`.
fn run(format: &str, extra: &Path) -> String {
    let out = iamlint()
        .args(["check", "--no-config", "--format", format])
        .args(["fixtures/examples", "fixtures/rules"])
        .arg(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "findings expected: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON report of the same run: the reference for counts.
fn json_report(extra: &Path) -> Value {
    serde_json::from_str(&run("json", extra)).unwrap()
}

fn xpath(xmllint: &Path, file: &Path, expr: &str) -> String {
    let out = std::process::Command::new(xmllint)
        .args(["--xpath", expr])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xpath {expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn junit_is_valid_against_the_jenkins_schema_and_counts_match() {
    let Some(xmllint) = tools::require("xmllint", "JUnit XML schema validation") else {
        return;
    };
    let d = awkward();
    let xml = run("junit", d.path());
    let file = d.path().join("report.xml");
    std::fs::write(&file, &xml).unwrap();
    let out = std::process::Command::new(&xmllint)
        .args(["--noout", "--schema"])
        .arg(repo().join("fixtures/schemas/junit-10.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint rejected the report:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let json = json_report(d.path());
    let diags = json["diagnostics"].as_array().unwrap();
    let files = json["summary"]["files"].as_u64().unwrap();
    assert!(diags.len() > 100, "the fixtures have many findings");
    assert_eq!(
        xpath(&xmllint, &file, "count(//testcase/failure)"),
        diags.len().to_string()
    );
    assert_eq!(
        xpath(&xmllint, &file, "count(/testsuites/testsuite)"),
        files.to_string()
    );
    assert_eq!(
        xpath(&xmllint, &file, "string(/testsuites/@failures)"),
        diags.len().to_string()
    );
    // the clean file passes: one test case without a failure
    let clean = d.path().join("clean.json").display().to_string();
    assert_eq!(
        xpath(
            &xmllint,
            &file,
            &format!("count(//testsuite[@name='{clean}']/testcase[not(failure)])")
        ),
        "1"
    );
    // each failure names its rule and location as the JSON report does
    let first = &diags[0];
    let ty = xpath(&xmllint, &file, "string((//testcase/failure)[1]/@type)");
    assert_eq!(
        ty,
        format!(
            "{} {}",
            first["code"].as_str().unwrap(),
            first["name"].as_str().unwrap()
        )
    );
    let name = xpath(&xmllint, &file, "string((//testcase)[1]/@name)");
    assert!(
        name.ends_with(&format!(" at {}:{}", first["line"], first["column"])),
        "{name}"
    );
    // what the policy quoted survives, markup included; the control character is shown
    let odd = d.path().join("odd <&>.json").display().to_string();
    let body = xpath(
        &xmllint,
        &file,
        &format!("string(//testsuite[@name=\"{odd}\"])"),
    );
    assert!(body.contains("s3:Get\\u{1}Object"), "{body}");
    assert!(xml.contains("odd &lt;&amp;&gt;.json"));
}

#[test]
fn gitlab_code_quality_is_valid_against_both_schemas() {
    let d = awkward();
    let text = run("gitlab", d.path());
    let report: Value = serde_json::from_str(&text).unwrap();
    let load = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(repo().join("fixtures/schemas").join(name)).unwrap(),
        )
        .unwrap()
    };
    let whole = jsonschema::validator_for(&load("gitlab-code-quality-report.json")).unwrap();
    let errors: Vec<String> = whole.iter_errors(&report).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let issue = jsonschema::validator_for(&load("gitlab-codeclimate.json")).unwrap();
    let issues = report.as_array().unwrap();
    for i in issues {
        let errors: Vec<String> = issue.iter_errors(i).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{i}: {errors:#?}");
    }
    // a schema that would accept anything proves nothing: a wrong severity is refused
    let mut wrong = report.clone();
    wrong[0]["severity"] = Value::from("warning");
    assert!(!whole.is_valid(&wrong));

    let json = json_report(d.path());
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(issues.len(), diags.len());
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
    for (i, d) in issues.iter().zip(diags) {
        let expected = match d["severity"].as_str().unwrap() {
            "error" => "critical",
            "warning" => "major",
            _ => "info",
        };
        assert_eq!(i["severity"], expected);
        assert_eq!(i["check_name"], d["code"]);
        assert_eq!(i["location"]["path"], d["file"]);
        assert_eq!(i["location"]["lines"]["begin"], d["line"]);
    }
    // paths under the working directory are relative, as GitLab links them
    assert!(issues
        .iter()
        .any(|i| i["location"]["path"] == "fixtures/examples/build-role.yaml"));
}
