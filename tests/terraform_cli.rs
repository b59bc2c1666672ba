#![allow(clippy::unwrap_used)]
//! Terraform as users run it: a directory walk reads `.tf` files, findings point into the
//! `.tf`, `# iamlint:ignore` and `//` comments suppress, a plan or state is found by its
//! content, and HCL that does not parse is a located error.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.env_remove("NO_COLOR");
    c.current_dir(repo());
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn stdout(args: &[&str], code: i32) -> String {
    let out = iamlint()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_directory_walk_reads_every_tf_file_of_a_module() {
    let out = stdout(
        &[
            "check",
            "--no-config",
            "--format",
            "compact",
            "fixtures/terraform/hcl/module",
        ],
        1,
    );
    insta::assert_snapshot!(out);
    // the policy document of policies.tf, the file() of main.tf at the call, the JSON file
    assert!(out.contains("module/policies.tf:3:18: warning[IAM202 service-wildcard]"));
    assert!(out.contains("module/main.tf:14:12: warning[IAM203 resource-star]"));
    assert!(out.contains("module/worker-policy.json:4:92: warning[IAM203 resource-star]"));
}

#[test]
fn human_report_points_into_the_tf_file() {
    let out = stdout(
        &[
            "check",
            "--no-config",
            "--color",
            "never",
            "--select",
            "public-principal,missing-principal,resource-star",
            "fixtures/terraform/hcl/heredoc.tf",
            "fixtures/terraform/hcl/policy-document.tf",
        ],
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn comments_suppress_on_and_above_the_line() {
    let out = stdout(
        &[
            "check",
            "--no-config",
            "--format",
            "compact",
            "fixtures/terraform/hcl/suppressed.tf",
        ],
        1,
    );
    // the `#` comment above `Action` and the `//` comment after `Resource`
    assert!(!out.contains("service-wildcard"), "{out}");
    assert!(!out.contains("IAM203 resource-star"), "{out}");
    assert!(!out.contains("unused-suppression"), "{out}");
    // other findings on those lines are not suppressed
    assert!(out.contains("suppressed.tf:8:18: warning[IAM209 permissions-management-unrestricted]"));
}

#[test]
fn a_plan_is_found_by_its_content_and_findings_name_the_address() {
    let d = tempfile::tempdir().unwrap();
    let plan = d.path().join("tfplan");
    std::fs::copy(repo().join("fixtures/terraform/json/plan.json"), &plan).unwrap();
    let out = iamlint()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "public-principal",
        ])
        .arg(&plan)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<(&str, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    // the bucket policy of a child module, and a public function URL
    assert_eq!(
        paths,
        [
            ("aws_lambda_permission.url.Statement[0]", 73),
            (
                "module.site.aws_s3_bucket_policy.this[0].policy.Statement[0]",
                97
            ),
        ]
    );
    // `inspect` names the format
    let out = stdout(&["inspect", "fixtures/terraform/json/terraform.tfstate"], 0);
    assert!(out.starts_with("fixtures/terraform/json/terraform.tfstate: Terraform plan or state"));
}

#[test]
fn hcl_that_does_not_parse_is_a_located_error() {
    let out = stdout(
        &[
            "check",
            "--no-config",
            "--format",
            "compact",
            "fixtures/terraform/hcl/malformed.tf",
        ],
        1,
    );
    assert!(
        out.starts_with(
            "fixtures/terraform/hcl/malformed.tf:4:3: error[IAM001 parse-error] invalid HCL"
        ),
        "{out}"
    );
}
