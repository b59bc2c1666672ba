#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every IAM Access Analyzer policy check, offline: `rules/access-analyzer-checks.toml`
//! names, for each check of AWS's "IAM policy validation check reference", the iamlint
//! rule that makes it and a minimal policy that Access Analyzer flags with it.
//!
//! - a `covered` or `partial` check's policy must give a finding of its first rule (run
//!   with only that rule selected), and an Access Analyzer error reported below `error`
//!   needs a `severity_note`;
//! - a `lifted` check's policy must give no error with every rule selected;
//! - a `missing` check needs a `note`, and no rule;
//! - `docs/access-analyzer.md` is generated from the file and must be fresh
//!   (`IAMLINT_UPDATE_DOCS=1 cargo test -p iamlint_rules --test access_analyzer`).

use iamlint_catalog::Catalog;
use iamlint_formats::{load_text, LoadOptions};
use iamlint_policy::PolicyKind;
use iamlint_report::{Severity, SourceFile};
use iamlint_rules::registry::{all_rules, find_rule};
use iamlint_rules::{check_file, CheckOptions, Diagnostic, RuleData, RuleSelection};
use iamlint_semantic::Semantic;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const TABLE: &str = "rules/access-analyzer-checks.toml";
const DOC: &str = "docs/access-analyzer.md";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    check: Vec<Check>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    code: String,
    title: String,
    #[serde(rename = "type")]
    ty: String,
    status: String,
    #[serde(default)]
    rules: Vec<String>,
    kind: Option<String>,
    file: Option<String>,
    note: Option<String>,
    severity_note: Option<String>,
    generate: Option<String>,
    #[serde(default = "yes")]
    on_page: bool,
    policy: String,
}

fn yes() -> bool {
    true
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn table() -> Table {
    let text = std::fs::read_to_string(root().join(TABLE)).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{TABLE}: {e}"))
}

/// The policy of a check: written out, or generated (the size quotas need large ones).
fn policy_text(c: &Check) -> String {
    let Some(g) = &c.generate else {
        return c.policy.clone();
    };
    // `n` statements of about 100 characters each
    let statements = |n: usize, effect: &str, principal: &str, resource: &str| -> String {
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"Sid": "S{i:04}", "Effect": "{effect}",{principal} "Action": "s3:GetObject", "Resource": "{resource}{i:04}/*"}}"#
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match g.as_str() {
        "scp-over-quota" => format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements(70, "Deny", "", "arn:aws:s3:::bucket-")
        ),
        "rcp-over-quota" => format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements(60, "Deny", r#" "Principal": "*","#, "arn:aws:s3:::bucket-")
        ),
        "identity-over-quota" => format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements(80, "Allow", "", "arn:aws:s3:::bucket-")
        ),
        "trust-over-quota" => {
            let roles: Vec<String> = (0..60)
                .map(|i| format!(r#""arn:aws:iam::111122223333:role/deployer-{i:04}""#))
                .collect();
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": [{}]}}, "Action": "sts:AssumeRole"}}]}}"#,
                roles.join(", ")
            )
        }
        "bucket-policy-over-quota" => {
            let mut s = String::from(
                "Resources:\n  ReportsPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: reports\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n",
            );
            for i in 0..260 {
                s.push_str(&format!(
                    "          - Sid: Reader{i:04}\n            Effect: Allow\n            Principal: {{AWS: arn:aws:iam::111122223333:role/reader-{i:04}}}\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::reports/{i:04}/*\n"
                ));
            }
            s
        }
        other => panic!("{}: unknown generator `{other}`", c.code),
    }
}

/// The inputs of a check that every case shares, made once as the program makes them.
struct Run<'c> {
    semantic: Semantic<'c>,
    data: RuleData<'c>,
}

fn run(r: &Run<'_>, c: &Check, select: &[String]) -> Vec<Diagnostic> {
    let name = c.file.clone().unwrap_or_else(|| "policy.json".to_string());
    let text = policy_text(c);
    let opts = LoadOptions {
        forced_kind: c.kind.as_deref().map(|k| {
            PolicyKind::parse(k).unwrap_or_else(|| panic!("{}: unknown kind `{k}`", c.code))
        }),
        ..LoadOptions::default()
    };
    let selection = RuleSelection {
        select: select.to_vec(),
        ..RuleSelection::default()
    };
    let copts = CheckOptions {
        semantic: &r.semantic,
        data: &r.data,
        reference: None,
        deploy_role: None,
        selection: &selection,
        config_suppressions: &[],
    };
    let source = SourceFile::new(name.as_str(), text.as_str());
    let file = load_text(&name, &text, &opts);
    check_file(&copts, &source, Ok(&file), true)
}

const STATUSES: &[&str] = &["covered", "partial", "lifted", "declined", "missing"];
const TYPES: &[&str] = &["error", "security-warning", "warning", "suggestion"];

/// What the table says about one check, with the severity iamlint gives it.
struct Row<'a> {
    check: &'a Check,
    /// The severity of the first rule's findings for the check's policy.
    severity: Option<Severity>,
}

fn evaluate(t: &Table) -> (Vec<Row<'_>>, Vec<String>) {
    let catalog = &Catalog::embedded();
    let r = &Run {
        semantic: Semantic::with_managed(catalog, iamlint_managed::ManagedPolicies::embedded()),
        data: RuleData::new(catalog),
    };
    let mut failures = Vec::new();
    let mut rows = Vec::new();
    let mut codes = BTreeSet::new();
    for c in &t.check {
        if !codes.insert(c.code.as_str()) {
            failures.push(format!("{}: listed twice", c.code));
        }
        if !STATUSES.contains(&c.status.as_str()) {
            failures.push(format!("{}: unknown status `{}`", c.code, c.status));
        }
        if !TYPES.contains(&c.ty.as_str()) {
            failures.push(format!("{}: unknown type `{}`", c.code, c.ty));
        }
        for r in &c.rules {
            if find_rule(r).is_none() {
                failures.push(format!("{}: no rule named `{r}`", c.code));
            }
        }
        let mut severity = None;
        match c.status.as_str() {
            "covered" | "partial" => {
                let Some(first) = c.rules.first() else {
                    failures.push(format!("{}: `{}` without rules", c.code, c.status));
                    continue;
                };
                if c.status == "partial" && c.note.is_none() {
                    failures.push(format!("{}: `partial` needs a note", c.code));
                }
                let diags: Vec<Diagnostic> = run(r, c, std::slice::from_ref(first))
                    .into_iter()
                    .filter(|d| d.name == first.as_str())
                    .collect();
                match diags.iter().map(|d| d.severity).max() {
                    None => failures.push(format!(
                        "{}: `{first}` reports nothing for the check's policy",
                        c.code
                    )),
                    Some(s) => {
                        severity = Some(s);
                        if c.ty == "error" && s < Severity::Error && c.severity_note.is_none() {
                            failures.push(format!(
                                "{}: an Access Analyzer error reported as {} needs a `severity_note`",
                                c.code,
                                s.as_str()
                            ));
                        }
                    }
                }
            }
            "lifted" => {
                let errors: Vec<String> = run(r, c, &["ALL".to_string()])
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| format!("{} {}", d.name, d.message))
                    .collect();
                if !errors.is_empty() {
                    failures.push(format!(
                        "{}: a lifted restriction gives errors: {}",
                        c.code,
                        errors.join("; ")
                    ));
                }
                if c.note.is_none() {
                    failures.push(format!("{}: `lifted` needs a note", c.code));
                }
            }
            "declined" => match (c.rules.first(), &c.note) {
                (Some(first), Some(_)) => {
                    if run(r, c, std::slice::from_ref(first))
                        .iter()
                        .any(|d| d.name == first.as_str())
                    {
                        failures.push(format!(
                            "{}: declined, but `{first}` reports the policy",
                            c.code
                        ));
                    }
                }
                _ => failures.push(format!(
                    "{}: `declined` needs the rule whose page says why, and a note",
                    c.code
                )),
            },
            "missing" if c.note.is_none() || !c.rules.is_empty() => {
                failures.push(format!("{}: `missing` needs a note and no rules", c.code));
            }
            _ => {}
        }
        rows.push(Row { check: c, severity });
    }
    (rows, failures)
}

fn type_label(ty: &str) -> &'static str {
    match ty {
        "error" => "error",
        "security-warning" => "security warning",
        "warning" => "general warning",
        _ => "suggestion",
    }
}

fn anchor(c: &Check) -> String {
    let prefix = match c.ty.as_str() {
        "error" => "error",
        "security-warning" => "security-warning",
        "warning" => "general-warning",
        _ => "suggestion",
    };
    let slug: String = c
        .title
        .to_ascii_lowercase()
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
        .collect();
    format!("access-analyzer-reference-policy-checks-{prefix}-{slug}")
}

fn render(rows: &[Row<'_>]) -> String {
    let enabled = |name: &str| find_rule(name).is_some_and(|r| r.info().enabled_by_default);
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_default = 0;
    for r in rows {
        *count.entry(r.check.status.as_str()).or_default() += 1;
        if matches!(r.check.status.as_str(), "covered" | "partial")
            && r.check.rules.first().is_some_and(|n| enabled(n))
        {
            by_default += 1;
        }
    }
    let on_page = rows.iter().filter(|r| r.check.on_page).count();
    let made =
        count.get("covered").copied().unwrap_or(0) + count.get("partial").copied().unwrap_or(0);
    let mut out = String::new();
    out.push_str("# IAM Access Analyzer's policy checks, offline\n\n");
    out.push_str("Generated from `rules/access-analyzer-checks.toml` by `crates/iamlint_rules/tests/access_analyzer.rs`; do not edit by hand.\n\n");
    out.push_str("IAM Access Analyzer validates a policy (the `ValidatePolicy` API, the policy editor of the IAM console) with the checks of the AWS IAM User Guide page [IAM policy validation check reference](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html). It needs an AWS account, credentials and the network. This table names, for each of those checks, the iamlint rule that makes it offline. For every check marked covered, the test runs a minimal policy that Access Analyzer flags with the check and fails unless the rule reports it; the severity column is the severity iamlint gives that policy.\n\n");
    let n = |status: &str| count.get(status).copied().unwrap_or(0);
    let is_are = |k: usize| if k == 1 { "is" } else { "are" };
    out.push_str(&format!(
        "{} checks: {} on the page today and {} SCP restrictions AWS removed from it when SCPs gained the full policy language (September 2025). iamlint makes {} ({} fully, {} in part), {} of them with rules enabled by default; {} {} restrictions AWS lifted, where iamlint rightly stays silent; {} {} declined with a reason; {} {} not made yet.\n\n",
        rows.len(),
        on_page,
        rows.len() - on_page,
        made,
        n("covered"),
        n("partial"),
        by_default,
        n("lifted"),
        is_are(n("lifted")),
        n("declined"),
        is_are(n("declined")),
        n("missing"),
        is_are(n("missing")),
    ));
    out.push_str("Access Analyzer's finding types map to severities as error → `error`, security warning and general warning → `warning`, suggestion → `info`; a lower severity is explained in the last column and on the rule's page.\n\n");
    for ty in TYPES {
        let section: Vec<&Row<'_>> = rows.iter().filter(|r| r.check.ty == *ty).collect();
        if section.is_empty() {
            continue;
        }
        let heading = match *ty {
            "error" => "Errors",
            "security-warning" => "Security warnings",
            "warning" => "General warnings",
            _ => "Suggestions",
        };
        out.push_str(&format!("## {heading}\n\n"));
        out.push_str("| Access Analyzer check | issue code | iamlint rule | severity | on by default | status | notes |\n|---|---|---|---|---|---|---|\n");
        for r in section {
            let c = r.check;
            let rules = if c.rules.is_empty() {
                "—".to_string()
            } else {
                c.rules
                    .iter()
                    .map(|n| {
                        let code = find_rule(n).map_or("?", |r| r.info().code);
                        format!("[`{n}`](rules/{n}.md) ({code})")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let sev = r.severity.map_or("—", |s| s.as_str());
            let on = match c.rules.first() {
                Some(n) if matches!(c.status.as_str(), "covered" | "partial") => {
                    if enabled(n) {
                        "yes"
                    } else {
                        "no"
                    }
                }
                _ => "—",
            };
            let mut notes: Vec<&str> = Vec::new();
            if let Some(n) = &c.note {
                notes.push(n);
            }
            if let Some(n) = &c.severity_note {
                notes.push(n);
            }
            out.push_str(&format!(
                "| [{}]({}#{}) ({}) | `{}` | {} | {} | {} | {} | {} |\n",
                c.title,
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
                anchor(c),
                type_label(&c.ty),
                c.code,
                rules,
                sev,
                on,
                c.status,
                notes.join("; ")
            ));
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_access_analyzer_check_is_made_and_the_table_is_fresh() {
    let t = table();
    let (rows, failures) = evaluate(&t);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let doc = render(&rows);
    let path = root().join(DOC);
    if std::env::var_os("IAMLINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == doc,
        "{DOC} is stale: run `IAMLINT_UPDATE_DOCS=1 cargo test -p iamlint_rules --test access_analyzer`"
    );
}

#[test]
fn every_rule_named_by_the_table_exists() {
    let names: BTreeSet<&str> = all_rules().iter().map(|r| r.info().name).collect();
    for c in table().check {
        for r in &c.rules {
            assert!(
                names.contains(r.as_str()),
                "{}: `{r}` is not a rule",
                c.code
            );
        }
    }
}
