#![allow(clippy::unwrap_used)]
//! The seed documents' policies (fixtures/seeds/policies/ and the genomics documents kept
//! under rules/references/): the full rendered output of `iamlint check` is snapshotted,
//! and the verdicts a security reviewer expects are asserted one by one.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// (exit code, human output without colour, compact output) of `iamlint check FILE`.
fn check(rel: &str) -> (i32, String, String) {
    let run = |format: &str| {
        let out = Command::cargo_bin("iamlint")
            .unwrap()
            .current_dir(repo())
            .env_remove("NO_COLOR")
            .args([
                "check",
                "--no-config",
                "--color",
                "never",
                "--format",
                format,
                rel,
            ])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let (code, human) = run("human");
    let (_, compact) = run("compact");
    (code, human, compact)
}

/// `path:line:col: severity[CODE name] message` lines of compact output: (line, name).
fn findings(compact: &str) -> Vec<(u32, String)> {
    compact
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": ")?;
            let line = loc.split(':').nth(1)?.parse().ok()?;
            let name = rest.split_once(' ')?.1.split(']').next()?.to_string();
            Some((line, name))
        })
        .collect()
}

const SEEDS: &[&str] = &[
    "fixtures/seeds/policies/parallelcluster-instance-slurm.json",
    "fixtures/seeds/policies/parallelcluster-instance-awsbatch.json",
    "fixtures/seeds/policies/parallelcluster-user-slurm.json",
    "fixtures/seeds/policies/parallelcluster-user-awsbatch.json",
    "fixtures/seeds/policies/genomics-inline-policies-broken.yaml",
    "fixtures/seeds/policies/cloud-imaging-trust-spotfleet.json",
    "fixtures/seeds/policies/cloud-imaging-roles.yaml",
    "rules/references/genomics/batch-instance-s3.yaml",
    "rules/references/genomics/batch-instance-ebs.yaml",
];

#[test]
fn seed_policies_full_output() {
    for rel in SEEDS {
        let (code, human, _) = check(rel);
        let name = Path::new(rel)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        insta::assert_snapshot!(name, format!("exit code {code}\n{human}"));
    }
}

#[test]
fn placeholders_are_not_invalid_arns() {
    for rel in SEEDS {
        let (_, _, compact) = check(rel);
        for (line, name) in findings(&compact) {
            assert!(
                name != "invalid-arn" && name != "unknown-action",
                "{rel}:{line}: {name} on a seed policy (placeholders are unknowns)"
            );
        }
    }
}

#[test]
fn user_awsbatch_service_wildcards_are_flagged() {
    let rel = "fixtures/seeds/policies/parallelcluster-user-awsbatch.json";
    let (code, _, compact) = check(rel);
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    let f = findings(&compact);
    for svc in ["logs:*", "ecr:*", "batch:*", "events:*"] {
        let line = text
            .lines()
            .position(|l| l.contains(&format!("\"{svc}\"")))
            .unwrap() as u32
            + 1;
        assert!(
            f.contains(&(line, "service-wildcard".to_string())),
            "`{svc}` at line {line} not flagged: {f:?}"
        );
    }
}

#[test]
fn broken_genomics_yaml_is_a_parse_error_at_line_4() {
    let (code, _, compact) = check("fixtures/seeds/policies/genomics-inline-policies-broken.yaml");
    assert_eq!(code, 1);
    assert_eq!(findings(&compact), vec![(4, "parse-error".to_string())]);
    assert!(compact.contains(":4:19:"), "{compact}");
}

#[test]
fn efs_prefix_is_reported_with_the_right_service() {
    // the seed writes `efs:`; the service prefix of Amazon EFS is `elasticfilesystem`
    let (_, human, compact) = check("fixtures/seeds/policies/parallelcluster-user-slurm.json");
    assert_eq!(
        findings(&compact)
            .iter()
            .filter(|(_, n)| n == "unknown-service")
            .count(),
        2
    );
    assert!(human.contains("elasticfilesystem"), "{human}");
}
