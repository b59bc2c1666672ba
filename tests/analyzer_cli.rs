//! The analyzer commands, run as the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("iamlint").unwrap()
}

fn reference_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules/references/parallelcluster/instance-slurm.json")
}

const VARS: [&str; 4] = [
    "--var",
    "REGION=us-east-1",
    "--var",
    "AWS ACCOUNT ID=123456789012",
];

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const WIDER: &str = r#"{"Version": "2012-10-17", "Statement": [
 {"Sid": "EC2", "Effect": "Allow", "Action": ["ec2:DescribeInstances", "ec2:TerminateInstances"], "Resource": "*"},
 {"Sid": "Queue", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:*"}
]}"#;

const NARROWER: &str = r#"{"Version": "2012-10-17", "Statement": [
 {"Sid": "EC2", "Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"},
 {"Sid": "Queue", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:parallelcluster-jobs"}
]}"#;

#[test]
fn diff_exit_codes_and_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let wider = write(&dir, "wider.json", WIDER);
    let narrower = write(&dir, "narrower.json", NARROWER);
    let reference = reference_path();

    let out = bin()
        .args(["diff", "--format", "json", "--reference"])
        .arg(&reference)
        .arg(&wider)
        .args(VARS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["within_reference"], false);
    let excess = v["excess"].as_array().unwrap();
    assert_eq!(excess.len(), 2, "{v:#}");
    let ec2 = excess.iter().find(|e| e["sid"] == "EC2").unwrap();
    assert_eq!(
        ec2["actions"],
        serde_json::json!(["ec2:TerminateInstances"])
    );
    assert_eq!(ec2["line"], 2);
    assert!(ec2["column"].as_u64().unwrap() > 1);
    assert_eq!(ec2["possible"], false);
    assert_eq!(ec2["witness"]["action"], "ec2:TerminateInstances");
    assert!(ec2["witness"]["context"].is_object());
    let q = excess.iter().find(|e| e["sid"] == "Queue").unwrap();
    assert_eq!(
        q["resources"],
        serde_json::json!(["arn:aws:sqs:us-east-1:123456789012:*"])
    );
    let res = q["witness"]["resource"].as_str().unwrap();
    assert!(
        res.starts_with("arn:aws:sqs:us-east-1:123456789012:") && !res.contains("parallelcluster-"),
        "{res}"
    );

    bin()
        .args(["diff", "--reference"])
        .arg(&reference)
        .arg(&narrower)
        .args(VARS)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("is within the reference"));

    // human output points at the statement with file:line:col
    bin()
        .args(["diff", "--reference"])
        .arg(&reference)
        .arg(&wider)
        .args(VARS)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("exceeds-reference"))
        .stdout(predicates::str::contains("wider.json:2:"));

    // usage and input errors
    bin()
        .args(["diff", "--reference", "builtin:no/such"])
        .arg(&wider)
        .assert()
        .code(2);
    bin()
        .args(["diff", "--reference"])
        .arg(&reference)
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2);
    let broken = write(&dir, "broken.json", "{\"Statement\": [");
    bin()
        .args(["diff", "--reference"])
        .arg(&reference)
        .arg(&broken)
        .assert()
        .code(2);
    bin().args(["diff"]).arg(&wider).assert().code(2);
}

#[test]
fn builtin_reference_against_itself_is_within() {
    bin()
        .args([
            "diff",
            "--reference",
            "builtin:parallelcluster/user-awsbatch",
        ])
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("rules/references/parallelcluster/user-awsbatch.json"),
        )
        .assert()
        .code(0);
}

#[test]
fn summarize_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole", "ec2:RunInstances"], "Resource": "*"},
          {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}"#,
    );
    let out = bin()
        .args(["summarize", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["actions_granted"], 4);
    let svc = |name: &str| {
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service"] == name)
            .unwrap()
            .clone()
    };
    let s3 = svc("s3");
    assert_eq!(s3["actions_granted"], 1);
    assert_eq!(s3["access_levels"]["Read"], 1);
    assert!(s3["risks"]
        .as_array()
        .unwrap()
        .contains(&Value::from("data-exfiltration")));
    let ec2 = svc("ec2");
    assert!(ec2["risks"]
        .as_array()
        .unwrap()
        .contains(&Value::from("infrastructure-modification")));
    // iam:PassRole + ec2:RunInstances is a documented escalation path
    assert!(
        ec2["risks"]
            .as_array()
            .unwrap()
            .contains(&Value::from("privilege-escalation")),
        "{v:#}"
    );
    assert!(!v["escalation_paths"].as_array().unwrap().is_empty());
    let sqs = svc("sqs");
    assert_eq!(sqs["unconditional"], false);
    assert_eq!(sqs["conditions"].as_array().unwrap().len(), 1);
}

#[test]
fn tighten_output_is_within_the_reference_and_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let wider = write(&dir, "wider.json", WIDER);
    let reference = reference_path();
    let out = bin()
        .args(["tighten", "--reference"])
        .arg(&reference)
        .arg(&wider)
        .args(VARS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let tight = write(
        &dir,
        "tight.json",
        std::str::from_utf8(&out.stdout).unwrap(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["Statement"].as_array().unwrap().is_empty());
    bin()
        .args(["diff", "--reference"])
        .arg(&reference)
        .arg(&tight)
        .args(VARS)
        .assert()
        .code(0);
    bin()
        .args(["diff", "--reference"])
        .arg(&wider)
        .arg(&tight)
        .args(VARS)
        .assert()
        .code(0);
    // and it keeps what both allow
    let text = std::str::from_utf8(&out.stdout).unwrap();
    assert!(text.contains("ec2:DescribeInstances") && text.contains("sqs:SendMessage"));
    assert!(!text.contains("ec2:TerminateInstances"));
}

#[test]
fn tighten_keeps_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "p.yaml",
        "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Action: 'ec2:*'\n    Resource: '*'\n",
    );
    let out = bin()
        .args(["tighten", "--reference"])
        .arg(reference_path())
        .arg(&p)
        .args(VARS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Version: \"2012-10-17\""), "{text}");
    let t = write(&dir, "t.yaml", &text);
    bin()
        .args(["diff", "--reference"])
        .arg(reference_path())
        .arg(&t)
        .args(VARS)
        .assert()
        .code(0);
}

#[test]
fn references_lists_the_builtins() {
    let out = bin()
        .args(["references", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"parallelcluster/instance-slurm"));
    assert!(names.contains(&"parallelcluster/user-awsbatch"));
    bin()
        .arg("references")
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "builtin:parallelcluster/instance-slurm",
        ));
}

/// Summaries are written one by one as they are complete: several are a JSON array laid
/// out exactly as serde_json's pretty printer lays out the whole (a trust policy's
/// trustees joined to its role's summary), one is an object, and a file that cannot be
/// read after some were written leaves well-formed JSON and exits with 2.
#[test]
fn summarize_json_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let template = write(
        &dir,
        "roles.yaml",
        r#"Resources:
  First:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
  Second:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSQSFullAccess
"#,
    );
    let policy = write(&dir, "p.json", WIDER);
    let out = bin()
        .args(["summarize", "--format", "json"])
        .arg(&template)
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 3, "{text}");
    assert_eq!(
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap()),
        text
    );
    assert!(all[0]["subject"].as_str().unwrap().contains("First"));
    assert_eq!(all[0]["trusted"][0]["principal"], "lambda.amazonaws.com");
    assert_eq!(all[1]["trusted"][0]["principal"], "ec2.amazonaws.com");
    assert!(all[1]["policies"][0]
        .as_str()
        .unwrap()
        .contains("AmazonSQSFullAccess"));
    assert_eq!(all[2]["actions_granted"], 3);

    let one = bin()
        .args(["summarize", "--format", "json"])
        .arg(&policy)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(v["actions_granted"], 3);

    let bad = write(&dir, "bad.json", "{\"Version\": ");
    let out = bin()
        .args(["summarize", "--format", "json"])
        .arg(&template)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}
