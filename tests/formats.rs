#![allow(clippy::unwrap_used)]
//! The input formats, as users run them: every case of `fixtures/formats/<format>/` is
//! given to the real binary, `iamlint inspect` (what was read, where) and `iamlint check`
//! (the findings, rendered), and both are snapshotted beside the case (`<case>.snap`).
//! `valid/` cases must check clean (exit 0), `invalid/` ones must have findings (exit 1),
//! `malformed/` ones must say what could not be read (a parse error or an unchecked
//! policy) and never crash. Each case must be read by the format its directory names.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("iamlint")
        .unwrap()
        .current_dir(repo())
        .env_remove("NO_COLOR")
        // a fixed day: the note on an old catalog (stderr) must not depend on the date
        .env("IAMLINT_TODAY", "2000-01-01")
        .args(args)
        .output()
        .unwrap();
    let mut text = String::from_utf8(out.stdout).unwrap();
    text.push_str(&String::from_utf8(out.stderr).unwrap());
    (out.status.code().unwrap(), text)
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| {
        p.is_file()
            && !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains(".snap"))
    });
    v.sort();
    v
}

/// The formats this test covers: every one but the plain policy files (their cases are
/// the rule fixtures).
const FORMATS: &[&str] = &[
    "guide",
    "shell",
    "aws-cli-output",
    "cloudformation",
    "cloudformation-fragment",
    "cloudformation-jinja",
    "terraform",
    "terraform-json",
];

#[test]
fn every_format_case_reads_checks_and_snapshots() {
    let root = repo().join("fixtures/formats");
    let mut failures = Vec::new();
    let dirs: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    for d in &dirs {
        if !FORMATS.contains(&d.as_str()) {
            failures.push(format!(
                "fixtures/formats/{d}: not a format this test knows"
            ));
        }
    }
    for format in FORMATS {
        for kind in ["valid", "invalid", "malformed"] {
            let dir = root.join(format).join(kind);
            let list = cases(&dir);
            if list.is_empty() {
                failures.push(format!("fixtures/formats/{format}/{kind}: no cases"));
            }
            for case in list {
                let rel = format!(
                    "fixtures/formats/{format}/{kind}/{}",
                    case.file_name().unwrap().to_string_lossy()
                );
                let (_, json) = run(&["inspect", "--format", "json", &rel]);
                let read_by = serde_json::from_str::<serde_json::Value>(&json)
                    .ok()
                    .and_then(|v| v[0]["format"].as_str().map(str::to_string));
                if read_by.as_deref() != Some(format) {
                    failures.push(format!("{rel}: read by {read_by:?}, not `{format}`"));
                }
                let (_, inspect) = run(&["inspect", &rel]);
                let (code, check) = run(&["check", "--no-config", "--color", "never", &rel]);
                let ok = match kind {
                    "valid" => code == 0,
                    "invalid" => code == 1,
                    _ => code != 2 && (check.contains("IAM001") || check.contains("IAM004")),
                };
                if !ok {
                    failures.push(format!("{rel}: {kind} case, exit code {code}:\n{check}"));
                }
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path(case.parent().unwrap());
                settings.set_prepend_module_to_snapshot(false);
                settings.set_input_file(&case);
                settings.set_omit_expression(true);
                let name = case.file_name().unwrap().to_string_lossy().to_string();
                let view = format!(
                    "$ iamlint inspect\n{inspect}\n$ iamlint check (exit code {code})\n{check}"
                );
                settings.bind(|| insta::assert_snapshot!(name, view));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
