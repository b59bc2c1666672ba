#![allow(clippy::unwrap_used)]
//! The real binary: exit codes, formats, discovery, configuration, suppressions, baselines,
//! bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn iamlint() -> Command {
    let mut c = Command::cargo_bin("iamlint").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

const CLEAN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn clean_file_exits_zero() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "ok.json", CLEAN);
    iamlint()
        .args(["check", "--no-config"])
        .arg(&f)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found in 1 file"));
}

#[test]
fn findings_exit_one_and_fail_on_raises_the_bar() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "old.json",
        r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    iamlint()
        .args(["check", "--no-config", "--select", "invalid-version"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IAM102"));
    // the finding is an error: failing only on errors still fails
    iamlint()
        .args([
            "check",
            "--no-config",
            "--select",
            "IAM1",
            "--fail-on",
            "error",
        ])
        .arg(&f)
        .assert()
        .code(1);
    let w = write(
        d.path(),
        "nov.json",
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    // missing-version is a warning: --fail-on error lets it pass
    iamlint()
        .args([
            "check",
            "--no-config",
            "--select",
            "missing-version",
            "--fail-on",
            "error",
        ])
        .arg(&w)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("IAM101"));
}

#[test]
fn unknown_rule_selector_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "ok.json", CLEAN);
    iamlint()
        .args(["check", "--no-config", "--select", "no-such-rule"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule is named `no-such-rule`"));
}

#[test]
fn bad_files_are_reported_and_the_others_still_checked() {
    let d = tempfile::tempdir().unwrap();
    let good = write(
        d.path(),
        "v.json",
        r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let binary = d.path().join("bin.json");
    std::fs::write(&binary, b"{\"a\":\0}").unwrap();
    let latin1 = d.path().join("latin1.json");
    std::fs::write(&latin1, b"{\"Sid\": \"caf\xe9\"}").unwrap();
    let empty = write(d.path(), "empty.json", "");
    let missing = d.path().join("missing.json");
    let out = iamlint()
        .args(["check", "--no-config", "--format", "compact"])
        .args([&good, &binary, &latin1, &empty, &missing])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("binary"), "{out}");
    assert!(out.contains("not valid UTF-8"), "{out}");
    assert!(!out.contains("file is empty"), "skipped by default: {out}");
    assert!(out.contains("file not found"), "{out}");
    assert!(
        out.contains("IAM102"),
        "the readable file is still checked: {out}"
    );
}

#[cfg(unix)]
#[test]
fn broken_symlink_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let link = d.path().join("link.json");
    std::os::unix::fs::symlink(d.path().join("nowhere.json"), &link).unwrap();
    iamlint()
        .args(["check", "--no-config"])
        .arg(&link)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("broken symbolic link"));
}

#[test]
fn too_large_file_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "big.json", CLEAN);
    iamlint()
        .args(["check", "--no-config", "--max-file-size", "10"])
        .arg(&f)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("over the 10-byte limit"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "deep.json", &"[".repeat(100_000));
    iamlint()
        .args(["check", "--no-config", "--format", "compact"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IAM001"));
}

#[test]
fn directory_walk_skips_non_policies_silently_but_explicit_files_are_reported() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "package.json",
        r#"{"name": "x", "version": "1.0.0"}"#,
    );
    write(d.path(), "k8s.yaml", "apiVersion: v1\nkind: ConfigMap\n");
    write(d.path(), "policies/ok.json", CLEAN);
    write(
        d.path(),
        "ignored/bad.json",
        r#"{"Version": "2012-10-18", "Statement": []}"#,
    );
    write(d.path(), ".gitignore", "ignored/\n");
    iamlint()
        .current_dir(d.path())
        .args(["check", "--no-config", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("in 1 file"));
    // named (as pre-commit names every changed file): skipped, and the summary says that
    // nothing was checked
    iamlint()
        .current_dir(d.path())
        .args(["check", "--no-config", "package.json", "k8s.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "no policy found: nothing was checked (2 files that hold no policy skipped)",
        ));
    iamlint()
        .current_dir(d.path())
        .args(["check", "--no-config", "--format", "compact"])
        .args(["package.json", "policies/ok.json"])
        .assert()
        .code(0)
        .stdout("");
    // asked for: every named file must be a policy
    iamlint()
        .current_dir(d.path())
        .args(["check", "--no-config", "--extend-select", "not-a-policy"])
        .arg("package.json")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not an IAM policy document"));
    let empty = write(d.path(), "empty.json", "");
    iamlint()
        .args(["check", "--no-config", "--extend-select", "IAM003"])
        .arg(&empty)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("file is empty"));
    // an empty directory: nothing found, said so
    std::fs::create_dir(d.path().join("none")).unwrap();
    iamlint()
        .args(["check", "--no-config"])
        .arg(d.path().join("none"))
        .assert()
        .code(0)
        .stdout("no policy files found: nothing was checked\n");
}

const ADMIN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

#[test]
fn exit_zero_and_fail_on_never_report_without_failing() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "admin.json", ADMIN);
    for flags in [&["--exit-zero"][..], &["--fail-on", "never"]] {
        iamlint()
            .args(["check", "--no-config", "--format", "compact"])
            .args(flags)
            .arg(&f)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("error[IAM"));
    }
    // a usage or I/O error still exits with 2
    iamlint()
        .args(["check", "--no-config", "--exit-zero"])
        .arg(d.path().join("missing.json"))
        .assert()
        .code(2);
}

#[test]
fn an_option_given_twice_takes_its_last_value() {
    // pre-commit appends the user's `args` to the hook's entry
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "admin.json", ADMIN);
    iamlint()
        .args([
            "check",
            "--no-config",
            "--format",
            "compact",
            "--format",
            "github",
        ])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("::error file="));
    iamlint()
        .args([
            "check",
            "--no-config",
            "--fail-on",
            "error",
            "--fail-on",
            "never",
        ])
        .arg(&f)
        .assert()
        .code(0);
}

#[test]
fn stdin_is_read_with_dash() {
    iamlint()
        .args(["check", "--no-config", "--format", "compact", "-"])
        .write_stdin(r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("-:1:13: error[IAM102 invalid-version]"));
}

#[test]
fn json_format_has_the_documented_shape() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "v.json",
        "{\n  \"Version\": \"2012-10-18\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]\n}\n",
    );
    let out = iamlint()
        .args([
            "check",
            "--no-config",
            "--select",
            "IAM102",
            "--format",
            "json",
        ])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], 1);
    let d0 = &v["diagnostics"][0];
    assert_eq!(d0["code"], "IAM102");
    assert_eq!(d0["name"], "invalid-version");
    assert_eq!(d0["severity"], "error");
    assert_eq!(d0["line"], 2);
    assert_eq!(d0["column"], 14);
    assert_eq!(d0["end_line"], 2);
    assert_eq!(d0["end_column"], 26);
    assert_eq!(d0["path"], "Version");
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn sarif_and_github_and_compact_formats() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "v.json",
        r#"{"Version": "2012-10-18", "Statement": []}"#,
    );
    let out = iamlint()
        .current_dir(d.path())
        .args(["check", "--no-config", "--format", "sarif", "v.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "iamlint");
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() > 5);
    assert_eq!(run["results"][0]["ruleId"], "IAM102");
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "v.json"
    );
    iamlint()
        .args(["check", "--no-config", "--format", "github"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error file="));
    iamlint()
        .args(["check", "--no-config", "--format", "compact"])
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            ":1:13: error[IAM102 invalid-version]",
        ));
}

#[test]
fn colours_only_when_asked() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "v.json",
        r#"{"Version": "2012-10-18", "Statement": []}"#,
    );
    let plain = iamlint()
        .args(["check", "--no-config"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\u{1b}'));
    let coloured = iamlint()
        .args(["check", "--no-config", "--color", "always"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\u{1b}'));
}

#[test]
fn config_is_found_walking_up_and_errors_have_a_location() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "iamlint.toml",
        "[rules]\nignore = [\"invalid-version\"]\n",
    );
    write(
        d.path(),
        "sub/v.json",
        r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    iamlint()
        .current_dir(d.path().join("sub"))
        .args(["check", "v.json", "--select", "IAM1"])
        .assert()
        .code(0); // --select replaces the configured set; the configured `ignore` still applies
    iamlint()
        .current_dir(d.path().join("sub"))
        .args(["check", "v.json", "--no-config"])
        .assert()
        .code(1);
    iamlint()
        .current_dir(d.path().join("sub"))
        .args(["check", "v.json"])
        .assert()
        .code(0);
    write(d.path(), "iamlint.toml", "[rules]\nignroe = [\"x\"]\n");
    iamlint()
        .current_dir(d.path().join("sub"))
        .args(["check", "v.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "iamlint.toml:2:1: invalid configuration",
        ));
}

#[test]
fn config_suppression_for_json_by_sid_and_unused_ones_are_reported() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "iamlint.toml",
        "[[suppress]]\nfile = \"p.json\"\nrule = \"invalid-version\"\nreason = \"legacy document, tracked in TICKET-1\"\n\n[[suppress]]\nfile = \"p.json\"\nrule = \"missing-version\"\nreason = \"stale\"\n",
    );
    write(
        d.path(),
        "p.json",
        r#"{"Version": "2012-10-18", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    let out = iamlint()
        .current_dir(d.path())
        .args(["check", "p.json", "--format", "compact"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(!s.contains("IAM102"), "{s}");
    assert!(
        s.contains("IAM503"),
        "the stale suppression is reported: {s}"
    );
}

#[test]
fn yaml_comment_suppression_needs_a_reason() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "p.yaml",
        "Version: \"2012-10-18\" # iamlint:ignore[IAM102] migrating in TICKET-2\nStatement: []\n",
    );
    iamlint()
        .args(["check", "--no-config", "--format", "compact"])
        .arg(&f)
        .assert()
        .stdout(predicate::str::contains("IAM102").not());
    let g = write(
        d.path(),
        "q.yaml",
        "Version: \"2012-10-18\" # iamlint:ignore[IAM102]\nStatement: []\n",
    );
    iamlint()
        .args(["check", "--no-config", "--format", "compact"])
        .arg(&g)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IAM102"))
        .stdout(predicate::str::contains("has no reason"));
}

#[test]
fn baseline_reports_only_new_findings_across_line_shifts() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "v.json",
        "{\"Version\": \"2012-10-18\", \"Statement\": []}\n",
    );
    let b = d.path().join("baseline.json");
    iamlint()
        .args(["check", "--no-config", "--write-baseline"])
        .arg(&b)
        .arg(&f)
        .assert()
        .code(0);
    // the same finding moved down three lines is not new
    write(
        d.path(),
        "v.json",
        "\n\n\n{\"Version\": \"2012-10-18\", \"Statement\": []}\n",
    );
    iamlint()
        .args(["check", "--no-config", "--baseline"])
        .arg(&b)
        .arg(&f)
        .assert()
        .code(0);
    // a new finding is reported
    write(
        d.path(),
        "v.json",
        "{\"Version\": \"2012-10-18\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}], \"Id\": 3}\n",
    );
    iamlint()
        .args(["check", "--no-config", "--format", "compact", "--baseline"])
        .arg(&b)
        .arg(&f)
        .assert()
        .stdout(predicate::str::contains("IAM102").not());
}

/// `iamlint expand` with a query that has no `:` (`*Object*`) lists exactly the catalog
/// actions whose `service:action` name the query matches as an anchored, case-insensitive
/// regex (`*` any run, `?` one character, `:` included).
#[test]
fn expand_queries_without_a_colon_agree_with_a_regex() {
    let catalog = iamlint_catalog::Catalog::embedded();
    let long = "*?".repeat(36); // 72 tokens: more than one machine word of positions
    let queries = [
        "*Object*",
        "*get?bject",
        "S3*",
        "?3*acl",
        "*POLICY",
        "ec2*describe*instances",
        "*a*e*i*o*u*",
        "iam*?ole",
        "nosuchthing*",
        long.as_str(),
    ];
    for q in queries {
        let re = format!(
            "(?i)^{}$",
            regex::escape(q).replace("\\*", ".*").replace("\\?", ".")
        );
        let re = regex::Regex::new(&re).unwrap();
        let expected: String = (0..u32::try_from(catalog.action_count()).unwrap())
            .map(|a| catalog.action_full_name(a))
            .filter(|name| re.is_match(name))
            .map(|name| format!("{name}\n"))
            .collect();
        let out = iamlint().args(["expand", q]).output().unwrap();
        if expected.is_empty() {
            assert_eq!(out.status.code(), Some(2), "{q}");
        } else {
            assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{q}");
        }
    }
}

#[test]
fn expand_and_catalog_commands() {
    iamlint()
        .args(["expand", "iam:Pass?ole"])
        .assert()
        .code(0)
        .stdout("iam:PassRole\n");
    let out = iamlint().args(["expand", "S3:GET*"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.lines().count() > 50);
    assert!(s.lines().all(|l| l.starts_with("s3:Get")), "{s}");
    let out = iamlint().args(["expand", "*Object*"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.lines().count() > 100);
    assert!(
        s.lines().all(|l| l.to_ascii_lowercase().contains("object")),
        "{s}"
    );
    assert!(s.contains("s3:GetObject\n"));
    iamlint()
        .args(["expand", "s3:GetObjekt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `s3:GetObject`"));
    iamlint()
        .args(["expand", "ec3:Describe*"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `ec2`"));
    let not = iamlint()
        .args(["expand", "--not", "iam:*", "organizations:*"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&not.stdout);
    assert!(!s.contains("iam:PassRole") && s.contains("s3:GetObject"));
    let json = iamlint()
        .args(["expand", "--format", "json", "ec2:DescribeInstances"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["actions"][0]["access_level"], "List");
    let info = iamlint()
        .args(["catalog", "info", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert!(v["services"].as_u64().unwrap() >= 457);
    assert!(v["actions"].as_u64().unwrap() >= 22_321);
    iamlint()
        .args(["catalog", "show", "s3:GetObject"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("access level:  Read"))
        .stdout(predicate::str::contains(
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
        ));
}

#[test]
fn rules_and_explain() {
    iamlint()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("IAM102  invalid-version"));
    iamlint()
        .args(["explain", "IAM102"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# invalid-version (IAM102)"));
    iamlint().args(["explain", "nope"]).assert().code(2);
}

#[test]
fn inspect_shows_kinds_paths_and_placeholders() {
    let out = iamlint()
        .args(["inspect", "--format", "json"])
        .arg(repo().join("fixtures/seeds/policies/parallelcluster-user-awsbatch.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let doc = &v[0]["documents"][0];
    assert_eq!(doc["kind"], "identity");
    let st = &doc["statements"][2];
    assert_eq!(st["sid"]["value"], "DynamoDB");
    let res = &st["Resource"]["items"][0];
    assert_eq!(
        res["value"],
        "arn:aws:dynamodb:<REGION>:<AWS ACCOUNT ID>:table/parallelcluster-*"
    );
    assert_eq!(res["unresolved"][0]["kind"], "placeholder");
    assert_eq!(res["unresolved"][0]["name"], "REGION");
    // --var binds a placeholder
    let out = iamlint()
        .args([
            "inspect",
            "--var",
            "REGION=eu-west-1",
            "--var",
            "<AWS ACCOUNT ID>=123456789012",
        ])
        .arg(repo().join("fixtures/seeds/policies/parallelcluster-user-awsbatch.json"))
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("arn:aws:dynamodb:eu-west-1:123456789012:table/parallelcluster-*"),
        "{s}"
    );
}

#[test]
fn broken_genomics_yaml_is_a_parse_error_at_its_line() {
    let out = iamlint()
        .args(["check", "--no-config", "--format", "compact"])
        .arg(repo().join("fixtures/seeds/policies/genomics-inline-policies-broken.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    let first = s.lines().next().unwrap();
    assert!(
        first.contains(":4:") && first.contains("IAM001 parse-error"),
        "{s}"
    );
}

/// Run `iamlint ARGS FILE`, expect exit `code`, and parse standard output as JSON.
fn json_of(args: &[&str], file: &Path, code: i32) -> serde_json::Value {
    let out = iamlint()
        .args(args)
        .arg(file)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

const EXTRA_KEYS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ECR", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
    {"Sid": "Keys", "Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}
  ]
}"#;

#[test]
fn check_reference_reports_excess_in_every_format() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "user.json", EXTRA_KEYS);
    let v = json_of(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--reference",
            "builtin:parallelcluster/user-awsbatch",
        ],
        &f,
        1,
    );
    let excess: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "exceeds-reference")
        .collect();
    // `ecr:*` is within the reference (it grants `ecr:*`); the access keys are not
    assert_eq!(excess.len(), 1, "{v}");
    assert_eq!(excess[0]["code"], "IAM601");
    assert_eq!(excess[0]["severity"], "error");
    assert_eq!(excess[0]["line"], 5);
    assert!(excess[0]["message"]
        .as_str()
        .unwrap()
        .contains("iam:CreateAccessKey"));
    // SARIF carries the rule and the result
    let s = json_of(
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--select",
            "exceeds-reference",
            "--reference",
            "builtin:parallelcluster/user-awsbatch",
        ],
        &f,
        1,
    );
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "IAM601");
    // without a reference the rule does not run
    iamlint()
        .args(["check", "--no-config", "--select", "exceeds-reference"])
        .arg(&f)
        .assert()
        .code(0);
}

#[test]
fn check_reference_file_with_vars_and_bad_references() {
    let d = tempfile::tempdir().unwrap();
    let reference = write(
        d.path(),
        "ref.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:<REGION>:<AWS ACCOUNT ID>:jobs-*"}]}"#,
    );
    let policy = write(
        d.path(),
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs-a"}]}"#,
    );
    let base = |c: &mut Command| {
        c.args(["check", "--no-config", "--select", "exceeds-reference"])
            .arg("--reference")
            .arg(&reference)
            .arg(&policy);
    };
    // unbound placeholders: within only for one value of them, so a possible excess (warning)
    let mut c = iamlint();
    base(&mut c);
    c.assert()
        .code(1)
        .stdout(predicate::str::contains(
            "warning[IAM601 exceeds-reference]",
        ))
        .stdout(predicate::str::contains("possibly grants"));
    // bound: within the reference
    let mut c = iamlint();
    base(&mut c);
    c.args([
        "--var",
        "REGION=us-east-1",
        "--var",
        "AWS ACCOUNT ID=123456789012",
    ])
    .assert()
    .code(0);
    // bound to another account: a certain excess
    let mut c = iamlint();
    base(&mut c);
    c.args([
        "--var",
        "REGION=us-east-1",
        "--var",
        "AWS ACCOUNT ID=999999999999",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains("error[IAM601 exceeds-reference]"));
    // a missing reference file or an unknown built-in is a usage error
    iamlint()
        .args(["check", "--no-config", "--reference", "builtin:nope"])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no built-in reference `nope`"));
    iamlint()
        .args(["check", "--no-config", "--reference"])
        .arg(d.path().join("missing.json"))
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file not found"));
}

#[test]
fn config_maps_path_globs_to_references() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "iamlint.toml",
        "[references]\n\"pcluster/*.json\" = \"builtin:parallelcluster/user-awsbatch\"\n",
    );
    let mapped = write(d.path(), "pcluster/user.json", EXTRA_KEYS);
    let other = write(d.path(), "other/user.json", EXTRA_KEYS);
    let out = iamlint()
        .current_dir(d.path())
        .args(["check", "--format", "json", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let files: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "exceeds-reference")
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(files, vec!["pcluster/user.json".to_string()], "{v}");
    let _ = (mapped, other);
}

#[test]
fn config_rule_option_reference_is_relative_to_the_config() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "refs/ref.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    write(
        d.path(),
        "iamlint.toml",
        "[rules.options.exceeds-reference]\nreference = \"refs/ref.json\"\n",
    );
    let within = write(d.path(), "p/within.json", CLEAN);
    let beyond = write(
        d.path(),
        "p/beyond.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    // run from another directory: the reference is found next to the configuration
    let elsewhere = tempfile::tempdir().unwrap();
    iamlint()
        .current_dir(elsewhere.path())
        .args(["check", "--select", "exceeds-reference", "--config"])
        .arg(d.path().join("iamlint.toml"))
        .arg(&within)
        .assert()
        .code(0);
    iamlint()
        .current_dir(elsewhere.path())
        .args(["check", "--select", "exceeds-reference", "--config"])
        .arg(d.path().join("iamlint.toml"))
        .arg(&beyond)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("s3:PutObject"));
}

/// Rule options are typed: a rule that takes no options, or a key a rule does not take,
/// is a configuration error with its location (exit 2), not silently ignored.
#[test]
fn unknown_rule_options_are_configuration_errors() {
    for (toml, what) in [
        (
            "[rules.options.policy-too-large]\nquota = \"6144\"\n",
            "policy-too-large",
        ),
        (
            "[rules.options.exceeds-reference]\nreferense = \"x.json\"\n",
            "referense",
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "iamlint.toml", toml);
        let p = write(d.path(), "p.json", CLEAN);
        iamlint()
            .args(["check", "--config"])
            .arg(d.path().join("iamlint.toml"))
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(what))
            .stderr(predicate::str::contains("iamlint.toml:"));
    }
}

/// A reader that stops early (`iamlint check ... | head`) is not an error: no panic, and the
/// exit code is still the verdict.
#[test]
fn closed_stdout_keeps_the_verdict() {
    let bin = assert_cmd::cargo::cargo_bin("iamlint");
    for format in ["json", "human", "compact"] {
        let mut child = std::process::Command::new(&bin)
            .args(["check", "--no-config", "--format", format])
            .arg(repo().join("fixtures/examples"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // close the read end before iamlint writes anything
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: findings exit 1; {stderr}"
        );
    }
}

#[test]
fn resource_control_policies_by_flag_and_by_template() {
    let d = tempfile::tempdir().unwrap();
    let rcp = write(
        d.path(),
        "rcp.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}]}"#,
    );
    // as an RCP, `NotAction` is not accepted
    let v = json_of(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--policy-type",
            "rcp",
            "--select",
            "unsupported-by-policy-type",
        ],
        &rcp,
        1,
    );
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{v}");
    assert_eq!(diags[0]["code"], "IAM147");
    // read as a resource policy (inferred from `Principal`), it is not an RCP finding
    let v = json_of(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "unsupported-by-policy-type",
        ],
        &rcp,
        0,
    );
    assert!(v["diagnostics"].as_array().unwrap().is_empty(), "{v}");
    // a template's `AWS::Organizations::Policy` of type RESOURCE_CONTROL_POLICY is an RCP
    let t = write(
        d.path(),
        "org.yaml",
        "Resources:\n  Rcp:\n    Type: AWS::Organizations::Policy\n    Properties:\n      Name: tls\n      Type: RESOURCE_CONTROL_POLICY\n      Content:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Deny\n            Principal: \"*\"\n            Action: s3:*\n            Resource: \"*\"\n            Condition:\n              Bool: {aws:SecureTransport: \"false\"}\n",
    );
    let out = iamlint()
        .args(["inspect", "--format", "json"])
        .arg(&t)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["documents"][0]["kind"], "rcp", "{v}");
}
