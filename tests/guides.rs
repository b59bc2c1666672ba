#![allow(clippy::unwrap_used)]
//! The five seed guides (fixtures/seeds/*.txt, byte-for-byte copies), checked as they are
//! with the real binary: every policy, trust policy and managed-policy attachment they
//! hold, found at its line in the guide; and a directory of them, walked.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn iamlint(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("iamlint")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// `(line, rule name)` of each finding of `iamlint check --format compact`.
fn findings(rel: &str) -> (i32, Vec<(u32, String)>, String) {
    let (code, out) = iamlint(
        &repo(),
        &["check", "--no-config", "--format", "compact", rel],
    );
    let list = out
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": ")?;
            let line = loc.split(':').nth(1)?.parse().ok()?;
            let name = rest.split_once(' ')?.1.split(']').next()?.to_string();
            Some((line, name))
        })
        .collect();
    (code, list, out)
}

fn line_of(rel: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1
}

const SEED_004: &str = "fixtures/seeds/004_1bbe723345c0f240.txt";
const SEED_003: &str = "fixtures/seeds/003_0c6693f89f1adf09.txt";
const SEED_001: &str = "fixtures/seeds/001_762a663e6e34d9cc.txt";

#[test]
fn seed_004_policies_are_checked_at_the_guide_lines() {
    let (code, f, _) = findings(SEED_004);
    assert_eq!(code, 1);
    // the `efs:` prefix, written at lines 403 and 404 of the guide
    for needle in [
        "efs:DescribeMountTargets\"",
        "efs:DescribeMountTargetSecurityGroups",
    ] {
        let line = line_of(SEED_004, needle);
        assert!(
            f.contains(&(line, "unknown-service".to_string())),
            "{needle} at {line}: {f:?}"
        );
    }
    // the service wildcards on `*` of the awsbatch user policy
    for svc in ["logs:*", "ecr:*", "batch:*", "events:*", "codebuild:*"] {
        let line = line_of(SEED_004, &format!("\"{svc}\""));
        assert!(
            f.contains(&(line, "service-wildcard".to_string())),
            "`{svc}` at line {line} not flagged: {f:?}"
        );
    }
    // placeholders (`<REGION>`, `<AWS ACCOUNT ID>`) are unknowns, not invalid ARNs
    assert!(f
        .iter()
        .all(|(_, n)| n != "invalid-arn" && n != "unknown-action"));
    // the four policies, one per block
    let (_, json) = iamlint(&repo(), &["inspect", "--format", "json", SEED_004]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let at: Vec<&str> = v[0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["at"].as_str().unwrap())
        .collect();
    assert_eq!(at, vec!["20:1", "129:1", "191:1", "425:1"]);
}

#[test]
fn seed_001_broken_yaml_is_reported_at_its_guide_line() {
    let (code, f, out) = findings(SEED_001);
    assert_eq!(code, 1);
    assert_eq!(f, vec![(23, "parse-error".to_string())]);
    assert!(out.contains(":23:19:"), "{out}");
    // a guide holds several parts: the help says the rest is checked
    let (_, human) = iamlint(
        &repo(),
        &["check", "--no-config", "--color", "never", SEED_001],
    );
    assert!(human.contains("the rest of the file is checked"), "{human}");
}

#[test]
fn seed_003_trust_policies_attachments_and_deprecated_policy() {
    let (code, f, out) = findings(SEED_003);
    assert_eq!(code, 1);
    // four `file://` trust policies and the customer policy's document: not there
    let unchecked: Vec<u32> = f
        .iter()
        .filter(|(_, n)| n == "unchecked-policy")
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(unchecked, vec![53, 68, 83, 107, 125]);
    assert!(out.contains("file://service_roles/create_AWSBatchServiceRole.json"));
    // the deprecated `AWSLambdaFullAccess`, attached to the user and to a role
    let deprecated: Vec<u32> = f
        .iter()
        .filter(|(_, n)| n == "deprecated-managed-policy")
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(deprecated, vec![26, 118]);
    assert!(out.contains("`AWSLambdaFullAccess`, a deprecated AWS managed policy"));
    // eighteen attachments (seventeen AWS managed, one customer managed), one inline
    // trust policy (spot fleet)
    let (_, json) = iamlint(&repo(), &["inspect", "--format", "json", SEED_003]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let arns: Vec<&str> = v[0]["managed_policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["arn"]["value"].as_str().unwrap())
        .collect();
    assert_eq!(arns.len(), 18);
    assert_eq!(
        arns.iter()
            .filter(|a| a.starts_with("arn:aws:iam::aws:policy/"))
            .count(),
        17
    );
    let docs = v[0]["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["kind"], "trust");
    assert_eq!(docs[0]["at"], "138:87");
}

#[test]
fn prose_guides_named_explicitly_say_so() {
    for seed in [
        "fixtures/seeds/000_d264409f3f193f88.txt",
        "fixtures/seeds/002_2fd72299a1de3f69.txt",
    ] {
        // by default skipped, and the summary says nothing was checked
        let (code, out) = iamlint(&repo(), &["check", "--no-config", seed]);
        assert_eq!(code, 0, "{seed}");
        assert!(
            out.contains(
                "no policy found: nothing was checked (1 file that holds no policy skipped)"
            ),
            "{out}"
        );
        // asked for (`not-a-policy` on): the guide is named as holding no policy
        let (code, out) = iamlint(
            &repo(),
            &[
                "check",
                "--no-config",
                "--format",
                "compact",
                "--extend-select",
                "not-a-policy",
                seed,
            ],
        );
        assert_eq!(code, 1, "{seed}");
        assert!(out.contains("error[IAM003 not-a-policy]"), "{out}");
        assert!(out.contains("no IAM policy in this guide"), "{out}");
    }
}

#[test]
fn a_directory_of_guides_is_walked_by_content() {
    let d = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo().join("fixtures/seeds")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    // an extension-less guide, a binary and a prose file beside them
    std::fs::copy(
        repo().join("fixtures/formats/guide/invalid/deployment-notes"),
        d.path().join("NOTES"),
    )
    .unwrap();
    std::fs::write(d.path().join("tool"), [0x7f, b'E', b'L', b'F', 0, 1, 2]).unwrap();
    std::fs::write(
        d.path().join("LICENSE"),
        "Permission is hereby granted: free\n",
    )
    .unwrap();
    let (code, out) = iamlint(d.path(), &["check", "--no-config", "--color", "never", "."]);
    assert_eq!(code, 1);
    // 001, 003, 004 and NOTES checked; 000, 002, the binary and LICENSE skipped quietly
    assert!(out.ends_with("in 4 files (4 skipped)\n"), "{out}");
    assert!(
        !out.contains("not-a-policy") && !out.contains("unreadable-file"),
        "{out}"
    );
}
