//! `iamlint deploy-policy` and `iamlint check --deploy-role`, run as the real binary on the
//! committed templates of fixtures/deploy/templates (docs/deployment-role.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    c
}

fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy/templates")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn deploy_policy_json_snapshot() {
    let (code, out, err) = run(&["deploy-policy", "fixtures/deploy/templates/app.yaml"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("deploy_policy_app_json", out);
    insta::assert_snapshot!("deploy_policy_app_notes", err);
    // the custom resource makes the policy incomplete, and it says so
    assert!(err.contains("the policy is NOT complete"), "{err}");
    // the nested stack (a local file) is read, with the parameter its parent gives
    assert!(out.contains("<Env>-net-alerts"), "{out}");
    // the role the function is given, and only it, is passed
    assert!(out.contains("\"Action\": \"iam:PassRole\""));
}

#[test]
fn deploy_policy_text_and_sam() {
    let (code, out, err) = run(&[
        "deploy-policy",
        "--format",
        "text",
        "fixtures/deploy/templates/sam.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("deploy_policy_sam_text", out);
    assert!(out.contains("transform/Serverless-2016-10-31"));
    // no `Role`: the transform generates one, which is passed
    assert!(
        out.contains("iam:PassRole on arn:*:iam::*:role/<StackName>-*"),
        "{out}"
    );
}

#[test]
fn deploy_policy_operations_select_handlers() {
    let (_, out, _) = run(&[
        "deploy-policy",
        "--operations",
        "delete",
        "--format",
        "text",
        "fixtures/deploy/templates/app-v1.yaml",
    ]);
    assert!(out.contains("elasticfilesystem:DeleteFileSystem"));
    assert!(!out.contains("elasticfilesystem:CreateFileSystem"));
    assert!(!out.contains("creating"));
    let (code, _, err) = run(&[
        "deploy-policy",
        "--operations",
        "destroy",
        "fixtures/deploy/templates/app-v1.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("`destroy` is not an operation"), "{err}");
}

#[test]
fn deploy_policy_since_lists_only_the_new_needs() {
    let (code, out, err) = run(&[
        "deploy-policy",
        "--since",
        "fixtures/deploy/templates/app-v1.yaml",
        "fixtures/deploy/templates/app-v2.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("deploy_policy_since_json", out);
    assert!(
        err.contains("creating `Jobs` (`AWS::SQS::Queue`) needs sqs:CreateQueue"),
        "{err}"
    );
    assert!(!out.contains("elasticfilesystem"), "{out}");
    assert!(!out.contains("cloudformation:"), "{out}");
}

#[test]
fn bad_input_is_a_usage_error() {
    let (code, _, err) = run(&["deploy-policy", "fixtures/deploy/cfn-schemas/version.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a CloudFormation template"), "{err}");
    let (code, _, err) = run(&["deploy-policy", "no/such/template.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

/// The "done when", on a committed copy of a real multi-service template
/// (aws-cloudformation-templates, Solutions/WebApp/webapp.yaml, Apache-2.0): the role
/// `deploy-policy` writes checks clean, `check --deploy-role` with it reports nothing, and
/// removing one action reports exactly the resources that need it.
#[test]
fn webapp_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let t = templates().join("webapp.yaml");
    let t = t.to_str().unwrap();
    // the CloudFormation role template: no errors from `check`
    let (code, role, err) = run(&["deploy-policy", "--format", "cloudformation", t]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("every resource's needs are known"), "{err}");
    let role_path = dir.path().join("role.yaml");
    std::fs::write(&role_path, &role).unwrap();
    let rp = role_path.to_str().unwrap();
    let (code, out, _) = run(&["check", "--fail-on", "error", "--format", "compact", rp]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["check", "--deploy-role", rp, t, "--select", "IAM602,IAM603"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no problems found"), "{out}");
    // the JSON policy (too large for one managed policy: written as several, checked as
    // one here): the same
    let out_dir = dir.path().join("policies");
    let (code, _, err) = run(&[
        "deploy-policy",
        "--output-dir",
        out_dir.to_str().unwrap(),
        t,
    ]);
    assert_eq!(code, 0, "{err}");
    let docs: Vec<PathBuf> = (1..)
        .map(|i| out_dir.join(format!("policy-{i}.json")))
        .take_while(|p| p.is_file())
        .collect();
    let json = serde_json::to_string_pretty(&merged(&docs)).unwrap();
    let jp = dir.path().join("role.json");
    std::fs::write(&jp, &json).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--deploy-role",
        jp.to_str().unwrap(),
        t,
        "--select",
        "IAM602,IAM603",
    ]);
    assert_eq!(code, 0, "{out}");
    // remove one action everywhere: exactly the resources whose needs list it
    let removed = "lambda:DeleteFunction";
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for s in v["Statement"].as_array_mut().unwrap() {
        let actions: Vec<serde_json::Value> = match &s["Action"] {
            serde_json::Value::String(a) => vec![a.clone().into()],
            serde_json::Value::Array(a) => a.clone(),
            _ => Vec::new(),
        };
        s["Action"] = actions.into_iter().filter(|a| a != removed).collect();
    }
    v["Statement"]
        .as_array_mut()
        .unwrap()
        .retain(|s| !s["Action"].as_array().unwrap().is_empty());
    std::fs::write(&jp, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--deploy-role",
        jp.to_str().unwrap(),
        t,
        "--select",
        "IAM602,IAM603",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: BTreeSet<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["code"], "IAM602", "{d}");
            let m = d["message"].as_str().unwrap();
            assert!(m.ends_with(&format!("needs `{removed}`")), "{m}");
            m.split(" needs")
                .next()
                .unwrap()
                .replace("possibly", "")
                .trim()
                .to_string()
        })
        .collect();
    let (_, text, _) = run(&["deploy-policy", "--format", "text", t]);
    let expected: BTreeSet<String> = text
        .lines()
        .filter(|l| {
            l.split_once(": ").is_some_and(|(_, rest)| {
                rest.split(" on ")
                    .next()
                    .unwrap()
                    .split(", ")
                    .any(|a| a == removed)
            })
        })
        .map(|l| l.split_once(": ").unwrap().0.to_string())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(found, expected);
}

/// With the role template, a template holding the role, and the stack given by `--var`.
#[test]
fn role_template_and_bound_stack_name() {
    let dir = tempfile::tempdir().unwrap();
    let (_, role, _) = run(&[
        "deploy-policy",
        "--format",
        "cloudformation",
        "fixtures/deploy/templates/app-v2.yaml",
    ]);
    let rp = dir.path().join("role.yaml");
    std::fs::write(&rp, role).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--deploy-role",
        rp.to_str().unwrap(),
        "fixtures/deploy/templates/app-v2.yaml",
        "--select",
        "IAM602,IAM603",
    ]);
    assert_eq!(code, 0, "{out}");
    // the v1 role lacks the queue of v2: errors at `Jobs` only
    let (_, role1, _) = run(&[
        "deploy-policy",
        "fixtures/deploy/templates/app-v1.yaml",
        "--var",
        "AWS::StackName=prod",
    ]);
    let r1 = dir.path().join("v1.json");
    std::fs::write(&r1, &role1).unwrap();
    assert!(role1.contains("stack/prod/*"), "{role1}");
    let (code, out, _) = run(&[
        "check",
        "--deploy-role",
        r1.to_str().unwrap(),
        "fixtures/deploy/templates/app-v2.yaml",
        "--var",
        "AWS::StackName=prod",
        "--select",
        "IAM602,IAM603",
        "--format",
        "compact",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .all(|l| l.contains("`Jobs` (`AWS::SQS::Queue`)") || l.trim().is_empty()),
        "{out}"
    );
    assert!(out.contains("error[IAM602"), "{out}");
    // an unknown role is a usage error
    let (code, _, err) = run(&[
        "check",
        "--deploy-role",
        "builtin:nope",
        "fixtures/deploy/templates/app-v2.yaml",
    ]);
    assert_eq!(code, 2, "{err}");
}

fn corpus(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/deploy/corpus")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// `check`'s findings on files, as (code, name, severity, message).
fn findings(extra: &[&str], files: &[&str]) -> Vec<(String, String, String, String)> {
    let mut args = vec!["check", "--format", "json", "--fail-on", "never"];
    args.extend_from_slice(extra);
    args.extend_from_slice(files);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("name"), s("severity"), s("message"))
        })
        .collect()
}

/// No error, and nothing redundant, in what `deploy-policy` wrote.
fn assert_clean(extra: &[&str], files: &[&str]) {
    let bad: Vec<_> = findings(extra, files)
        .into_iter()
        .filter(|(_, name, severity, _)| {
            severity == "error" || name == "redundant-action" || name == "redundant-statement"
        })
        .collect();
    assert!(bad.is_empty(), "{files:?}: {bad:#?}");
}

/// The statements of several policy documents as one document.
fn merged(files: &[PathBuf]) -> serde_json::Value {
    let mut statements = Vec::new();
    for f in files {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        statements.extend(v["Statement"].as_array().unwrap().iter().cloned());
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
}

/// The resources `deploy-policy --format text` says need `action` (as IAM602 names them).
fn needing(template: &str, action: &str) -> BTreeSet<String> {
    let (_, text, _) = run(&["deploy-policy", "--format", "text", template]);
    text.lines()
        .filter(|l| {
            l.split_once(": ").is_some_and(|(_, rest)| {
                rest.split(" on ")
                    .next()
                    .unwrap()
                    .split(", ")
                    .any(|a| a == action)
            })
        })
        .map(|l| l.split_once(": ").unwrap().0.to_string())
        .collect()
}

/// Issue 21's last "done when", on large multi-service templates (fixtures/deploy/corpus,
/// from widdix/aws-cf-templates): the JSON policy is too large for one managed policy, so
/// it is refused on stdout and written as documents that each fit with `--output-dir`;
/// each document, and the role template, checks without errors and without redundancy;
/// `check --deploy-role` with either reports nothing missing; and removing one action
/// reports exactly the resources that need it.
fn corpus_round_trip(name: &str, removed: &str) {
    let t = corpus(name);
    let dir = tempfile::tempdir().unwrap();
    // one document would be over the quota: refused, nothing written to stdout
    let (code, out, err) = run(&["deploy-policy", &t]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("over the 6,144-character quota of a managed policy")
            && err.contains("`--output-dir DIR`"),
        "{err}"
    );
    // the split documents
    let out_dir = dir.path().join("policies");
    let (code, out, err) = run(&[
        "deploy-policy",
        "--output-dir",
        out_dir.to_str().unwrap(),
        &t,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("every resource's needs are known"), "{err}");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    assert!(docs.len() > 1, "{docs:?}");
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(
            d.file_name().unwrap().to_str().unwrap(),
            format!("policy-{}.json", i + 1)
        );
        assert_clean(&["--policy-type", "identity"], &[d.to_str().unwrap()]);
    }
    // the role template
    let (code, role, err) = run(&["deploy-policy", "--format", "cloudformation", &t]);
    assert_eq!(code, 0, "{err}");
    assert!(role.contains("DeploymentPolicy2:"), "{role}");
    let rp = dir.path().join("role.yaml");
    std::fs::write(&rp, &role).unwrap();
    let rp = rp.to_str().unwrap();
    assert_clean(&[], &[rp]);
    // with the templates: nothing missing, nothing unneeded
    let all = merged(&docs);
    let jp = dir.path().join("all.json");
    std::fs::write(&jp, serde_json::to_string_pretty(&all).unwrap()).unwrap();
    let jp = jp.to_str().unwrap();
    for role in [rp, jp] {
        let (code, out, _) = run(&[
            "check",
            "--deploy-role",
            role,
            &t,
            "--select",
            "IAM602,IAM603",
        ]);
        assert_eq!(code, 0, "{role}: {out}");
        assert!(out.contains("no problems found"), "{out}");
    }
    // remove one action everywhere: exactly the resources whose needs list it
    let mut cut = all.clone();
    let mut seen = false;
    for s in cut["Statement"].as_array_mut().unwrap() {
        let actions: Vec<serde_json::Value> = match &s["Action"] {
            serde_json::Value::String(a) => vec![a.clone().into()],
            serde_json::Value::Array(a) => a.clone(),
            _ => Vec::new(),
        };
        seen |= actions.iter().any(|a| a == removed);
        s["Action"] = actions.into_iter().filter(|a| a != removed).collect();
    }
    assert!(seen, "`{removed}` is not in the policy");
    cut["Statement"]
        .as_array_mut()
        .unwrap()
        .retain(|s| !s["Action"].as_array().unwrap().is_empty());
    std::fs::write(jp, serde_json::to_string_pretty(&cut).unwrap()).unwrap();
    let found: BTreeSet<String> =
        findings(&["--deploy-role", jp, "--select", "IAM602,IAM603"], &[&t])
            .into_iter()
            .map(|(code, _, _, m)| {
                assert_eq!(code, "IAM602", "{m}");
                assert!(m.ends_with(&format!("needs `{removed}`")), "{m}");
                m.split(" needs")
                    .next()
                    .unwrap()
                    .replace("possibly", "")
                    .trim()
                    .to_string()
            })
            .collect();
    let expected = needing(&t, removed);
    assert!(expected.len() > 1, "{expected:?}");
    assert_eq!(found, expected);
}

#[test]
fn corpus_ecs_cluster() {
    corpus_round_trip("widdix__ecs__cluster.yaml", "logs:CreateLogGroup");
}

#[test]
fn corpus_jenkins_ha_agents() {
    corpus_round_trip(
        "widdix__jenkins__jenkins2-ha-agents.yaml",
        "logs:CreateLogGroup",
    );
}

#[test]
fn corpus_wordpress_ha_aurora() {
    corpus_round_trip(
        "widdix__wordpress__wordpress-ha-aurora.yaml",
        "cloudwatch:PutMetricAlarm",
    );
}

/// `--output-dir` goes with JSON; a policy that fits is one document either way.
#[test]
fn output_dir_usage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("out");
    let (code, _, err) = run(&[
        "deploy-policy",
        "--format",
        "cloudformation",
        "--output-dir",
        d.to_str().unwrap(),
        "fixtures/deploy/templates/app-v1.yaml",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`--output-dir` writes JSON policies"), "{err}");
    let (code, stdout, err) = run(&["deploy-policy", "fixtures/deploy/templates/app-v1.yaml"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&[
        "deploy-policy",
        "--output-dir",
        d.to_str().unwrap(),
        "fixtures/deploy/templates/app-v1.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("wrote 1 policy"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("policy-1.json")).unwrap(),
        stdout
    );
}
