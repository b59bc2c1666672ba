#![allow(clippy::unwrap_used)]
//! Hostile input under the size cap: generated policies of megabytes on one line, files
//! with more findings than anyone reads. What is asserted is behaviour (what is reported,
//! exit codes, the other files still checked); times and memory are measured by
//! `benches/scripts/adversarial.sh` (docs/performance.md).

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A policy on one line: `n` statements with six findings each (an unknown action, a
/// misspelt condition key, an invalid ARN, `iam:PassRole` and a write on `*`).
fn one_line_policy(n: usize) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":["s3:GetObjekt","s3:PutObject","iam:PassRole"],"Resource":["*","arn:aws:s3::bucket-{i}"],"Condition":{{"StringEquals":{{"aws:SourceAcount":"123456789012"}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

const FULL_ADMIN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap()
}

fn diagnostics_of<'v>(v: &'v Value, file: &str) -> Vec<&'v Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .collect()
}

#[test]
fn a_file_with_too_many_findings_is_cut_short_and_the_others_are_checked() {
    let d = tempfile::tempdir().unwrap();
    // 2,500 statements: about 15,000 findings, past the default 10,000
    let big = write(d.path(), "big.json", &one_line_policy(2_500));
    let admin = write(d.path(), "admin.json", FULL_ADMIN);
    let out = iamlint()
        .args(["check", "--no-config", "--format", "json"])
        .arg(&big)
        .arg(&admin)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let big_findings = diagnostics_of(&v, "big.json");
    let cut: Vec<_> = big_findings
        .iter()
        .filter(|d| d["name"] == "too-many-findings")
        .collect();
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0]["code"], "IAM006");
    assert_eq!(cut[0]["severity"], "warning");
    let message = cut[0]["message"].as_str().unwrap();
    assert!(message.contains("more than 10,000 findings"), "{message}");
    assert_eq!(big_findings.len(), 10_001);
    // the other file is checked in full
    assert!(diagnostics_of(&v, "admin.json")
        .iter()
        .any(|d| d["name"] == "full-admin"));
}

#[test]
fn the_configuration_sets_the_limit_and_ignore_drops_the_warning() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "p.json", &one_line_policy(20));
    write(
        d.path(),
        "iamlint.toml",
        "[rules.options.too-many-findings]\nlimit = 5\n",
    );
    let out = iamlint()
        .current_dir(d.path())
        .args(["check", "--format", "json", "p.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let names: Vec<&str> = diagnostics_of(&v, "p.json")
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert_eq!(
        names.iter().filter(|n| **n == "too-many-findings").count(),
        1
    );
    let out = iamlint()
        .current_dir(d.path())
        .args(["check", "--format", "json", "--ignore", "too-many-findings"])
        .arg(&p)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(diagnostics_of(&json(&out), "p.json").len(), 5);
    // within the limit: everything, no warning
    write(
        d.path(),
        "iamlint.toml",
        "[rules.options.too-many-findings]\nlimit = 1000\n",
    );
    let out = iamlint()
        .current_dir(d.path())
        .args(["check", "--format", "json", "p.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let all = diagnostics_of(&json(&out), "p.json").len();
    assert!(all > 100, "{all} findings");
    assert!(!String::from_utf8_lossy(&out).contains("too-many-findings"));
}

#[test]
fn a_bad_limit_is_a_configuration_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "p.json", FULL_ADMIN);
    write(
        d.path(),
        "iamlint.toml",
        "[rules.options.too-many-findings]\nlimit = \"many\"\n",
    );
    iamlint()
        .current_dir(d.path())
        .args(["check", "p.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("iamlint.toml:2"));
}

/// A minified policy of 180 KB on one line: each finding shows a window of the line,
/// not the line, and says where it is.
#[test]
fn human_output_of_a_long_line_shows_windows() {
    let d = tempfile::tempdir().unwrap();
    let text = one_line_policy(1_000);
    assert!(text.len() > 170_000);
    let p = write(d.path(), "min.json", &text);
    let out = iamlint()
        .args([
            "check",
            "--no-config",
            "--color",
            "never",
            "--select",
            "unknown-action",
        ])
        .arg(&p)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.matches("IAM108 unknown-action").count(), 1_000);
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 400, "a line of {longest} characters");
    // the 500th finding's location is the file's own column
    let at = text
        .match_indices("\"s3:GetObjekt\"")
        .nth(499)
        .map(|(i, _)| i)
        .unwrap();
    assert!(
        out.contains(&format!("min.json:1:{}\n", at + 1)),
        "no finding at column {}",
        at + 1
    );
    assert!(out.contains("1 | ..."));
}

/// The HTML report does not summarize what a file of more than 20,000 statements grants
/// (the analysis behind the summary holds a second model of every statement): it says
/// so, and still lists the findings.
#[test]
fn html_says_a_huge_file_is_not_summarized() {
    let d = tempfile::tempdir().unwrap();
    let statements: Vec<String> = (0..20_001)
        .map(|i| {
            format!(
                r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{i}/*"}}"#
            )
        })
        .collect();
    let p = write(
        d.path(),
        "huge.json",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",\n")
        ),
    );
    let small = write(d.path(), "admin.json", FULL_ADMIN);
    let out = iamlint()
        .args(["check", "--no-config", "--format", "html"])
        .arg(&p)
        .arg(&small)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8(out).unwrap();
    assert!(
        html.contains("the file has 20001 statements: what it grants is not summarized"),
        "no note in the overview"
    );
    assert!(html.contains("policy-too-large"));
    // the other file is summarized as usual
    assert!(html.contains("admin.json"));
    assert!(html.contains("full-admin"));
}
