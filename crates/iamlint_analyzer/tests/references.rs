//! Built-in references diffed against themselves and against edited copies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use iamlint_analyzer::{diff_texts, Diff};
use iamlint_catalog::Catalog;
use iamlint_formats::LoadOptions;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn refs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/references")
}

fn reference_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![refs_dir()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("json" | "yaml" | "yml")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn run(policy: &str, reference: &str, ref_name: &str) -> Diff {
    diff_texts(
        &iamlint_semantic::Semantic::new(&Catalog::embedded()),
        ("policy.json", policy),
        (ref_name, reference),
        &LoadOptions::default(),
    )
    .unwrap()
}

#[test]
fn every_reference_is_within_itself() {
    let files = reference_files();
    assert!(files.len() >= 5, "found {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        let d = diff_texts(
            &iamlint_semantic::Semantic::new(&Catalog::embedded()),
            (&name, &text),
            (&name, &text),
            &LoadOptions::default(),
        )
        .unwrap();
        assert!(
            d.within_reference,
            "{}: {}",
            f.display(),
            serde_json::to_string_pretty(&d.excess).unwrap()
        );
    }
}

fn slurm() -> (String, Value) {
    let text =
        std::fs::read_to_string(refs_dir().join("parallelcluster/instance-slurm.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    (text, v)
}

fn stmt_mut<'a>(doc: &'a mut Value, sid: &str) -> &'a mut Value {
    doc["Statement"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["Sid"] == sid)
        .unwrap()
}

#[test]
fn widened_action_is_reported_exactly() {
    let (text, mut doc) = slurm();
    stmt_mut(&mut doc, "DynamoDBList")["Action"] =
        json!(["dynamodb:ListTables", "dynamodb:DeleteTable"]);
    let d = run(
        &serde_json::to_string_pretty(&doc).unwrap(),
        &text,
        "ref.json",
    );
    assert_eq!(d.excess.len(), 1, "{}", d.to_json());
    let e = &d.excess[0];
    assert_eq!(e.sid.as_deref(), Some("DynamoDBList"));
    assert_eq!(e.actions, vec!["dynamodb:DeleteTable".to_string()]);
    assert!(!e.possible);
    let w = e.witness.as_ref().unwrap();
    assert_eq!(w.action, "dynamodb:DeleteTable");
}

#[test]
fn widened_wildcard_action_counts_every_new_action() {
    let (text, mut doc) = slurm();
    stmt_mut(&mut doc, "DynamoDBList")["Action"] = json!(["dynamodb:*"]);
    let d = run(
        &serde_json::to_string_pretty(&doc).unwrap(),
        &text,
        "ref.json",
    );
    let cat = &Catalog::embedded();
    let svc = cat.service_by_prefix("dynamodb").unwrap();
    let total = cat.service_actions(svc).len();
    let n: usize = d.excess.iter().map(|e| e.actions.len()).sum();
    // everything of dynamodb but what the reference grants on `*` (ListTables) is excess
    // somewhere; actions the reference grants on its table ARNs are excess on other tables
    assert!(n >= total - 1 && n <= total, "{n} of {total}");
    assert!(!d
        .excess
        .iter()
        .any(|e| e.actions.iter().any(|a| a == "dynamodb:ListTables")));
    assert!(d
        .excess
        .iter()
        .all(|e| e.sid.as_deref() == Some("DynamoDBList")));
}

#[test]
fn widened_resource_is_reported_with_a_witness_outside_the_reference() {
    let (text, mut doc) = slurm();
    let st = stmt_mut(&mut doc, "SQSQueue");
    st["Resource"] = json!(["arn:aws:sqs:<REGION>:<AWS ACCOUNT ID>:*"]);
    let d = run(
        &serde_json::to_string_pretty(&doc).unwrap(),
        &text,
        "ref.json",
    );
    assert_eq!(d.excess.len(), 1, "{}", d.to_json());
    let e = &d.excess[0];
    assert_eq!(e.sid.as_deref(), Some("SQSQueue"));
    assert_eq!(
        e.resources,
        vec!["arn:aws:sqs:<REGION>:<AWS ACCOUNT ID>:*".to_string()]
    );
    assert_eq!(e.actions.len(), 5);
    // the excess depends on the placeholders' values: never claimed as certain
    assert!(e.possible);

    // the same edit with the placeholders bound is certain and has a concrete witness
    let mut opts = LoadOptions::default();
    opts.vars.insert("REGION".into(), "us-east-1".into());
    opts.vars
        .insert("AWS ACCOUNT ID".into(), "123456789012".into());
    let d = diff_texts(
        &iamlint_semantic::Semantic::new(&Catalog::embedded()),
        ("p.json", &serde_json::to_string_pretty(&doc).unwrap()),
        ("ref.json", &text),
        &opts,
    )
    .unwrap();
    assert_eq!(d.excess.len(), 1);
    let e = &d.excess[0];
    assert!(!e.possible, "{}", d.to_json());
    let w = e.witness.as_ref().unwrap();
    assert!(w
        .resource
        .starts_with("arn:aws:sqs:us-east-1:123456789012:"));
    assert!(!w.resource.contains(":parallelcluster-"), "{}", w.resource);
}

#[test]
fn added_statement_is_reported() {
    let (text, mut doc) = slurm();
    doc["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "Extra", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"
    }));
    let d = run(
        &serde_json::to_string_pretty(&doc).unwrap(),
        &text,
        "ref.json",
    );
    assert_eq!(d.excess.len(), 1, "{}", d.to_json());
    let e = &d.excess[0];
    assert_eq!(e.sid.as_deref(), Some("Extra"));
    assert_eq!(e.actions, vec!["s3:GetObject".to_string()]);
    let w = e.witness.as_ref().unwrap();
    assert!(
        w.resource.starts_with("arn:aws:s3:::data/"),
        "{}",
        w.resource
    );
    assert!(!e.possible);
}

#[test]
fn dropped_condition_is_reported() {
    let reference = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "Tagged", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"],
         "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "hpc"}}},
        {"Sid": "List", "Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}]}"#;
    let d = run(reference, reference, "ref.json");
    assert!(d.within_reference);
    let dropped = reference.replace(
        r#", "Condition": {"StringEquals": {"aws:ResourceTag/team": "hpc"}}"#,
        "",
    );
    let d = run(&dropped, reference, "ref.json");
    assert_eq!(d.excess.len(), 1, "{}", d.to_json());
    let e = &d.excess[0];
    assert_eq!(e.sid.as_deref(), Some("Tagged"));
    assert_eq!(e.actions.len(), 2);
    assert_eq!(
        e.missing_conditions,
        vec!["`StringEquals` `aws:ResourceTag/team` `hpc`".to_string()]
    );
    assert!(!e.possible);
    let w = e.witness.as_ref().unwrap();
    assert_ne!(
        w.context.get("aws:resourcetag/team").map(|v| v.as_slice()),
        Some(&["hpc".to_string()][..])
    );
    // a narrower condition stays within
    let narrower = reference.replace(
        r#""hpc"}}"#,
        r#""hpc"}, "Bool": {"aws:SecureTransport": "true"}}"#,
    );
    assert!(run(&narrower, reference, "ref.json").within_reference);
}

#[test]
fn deny_in_reference_and_policy() {
    let reference = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    let policy = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
    let d = run(policy, reference, "ref.json");
    assert_eq!(d.excess.len(), 1);
    assert_eq!(d.excess[0].actions, vec!["s3:DeleteBucket".to_string()]);
    let policy2 = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}"#;
    assert!(run(policy2, reference, "ref.json").within_reference);
}

#[test]
fn wildcard_listed_by_name_gets_a_note_not_an_excess() {
    let cat = &Catalog::embedded();
    let svc = cat.service_by_prefix("sqs").unwrap();
    let names: Vec<String> = cat
        .service_actions(svc)
        .map(|a| cat.action_full_name(a))
        .collect();
    let reference = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": names, "Resource": "*"}]});
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}"#;
    let d = run(policy, &reference.to_string(), "ref.json");
    assert!(d.within_reference);
    assert_eq!(d.notes.len(), 1);
    assert!(d.notes[0].message.contains("`sqs:*`"));
}
