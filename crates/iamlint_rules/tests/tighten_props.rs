#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test
//! `tighten` on random pairs of valid policies (identity and trust): its output is always
//! a policy `iamlint check` finds no error in, and it is within both inputs, request by
//! request, by a plain evaluator that shares no code with iamlint.

use iamlint_analyzer::{tighten, Policy, VarTable};
use iamlint_catalog::Catalog;
use iamlint_formats::{load_text, LoadOptions};
use iamlint_policy::PolicyKind;
use iamlint_report::{Severity, SourceFile};
use iamlint_rules::{check_file, CheckOptions, RuleData, RuleSelection};
use iamlint_semantic::Semantic;
use proptest::prelude::*;
use regex::Regex;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "s3:PutObject",
    "sqs:SendMessage",
    "sqs:*",
    "ec2:Describe*",
    "logs:PutLogEvents",
    "logs:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b1/*",
    "arn:aws:s3:::b1",
    "arn:aws:s3:::*",
    "arn:aws:sqs:us-east-1:123456789012:q*",
    "arn:aws:logs:us-east-1:123456789012:log-group:g:*",
];
const TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:TagSession", "sts:AssumeRole*"];
const SERVICES: &[&str] = &[
    "lambda.amazonaws.com",
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
];
/// (operator, key, values): conditions both kinds accept.
const CONDITIONS: &[(&str, &str, &str)] = &[
    ("StringEquals", "aws:RequestedRegion", "us-east-1"),
    ("StringEquals", "aws:RequestedRegion", "eu-west-1"),
    ("Bool", "aws:SecureTransport", "true"),
];

/// Requests: concrete actions and resources.
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "sqs:SendMessage",
    "sqs:DeleteQueue",
    "ec2:DescribeInstances",
    "logs:PutLogEvents",
];
const REQUEST_ARNS: &[&str] = &[
    "arn:aws:s3:::b1/k",
    "arn:aws:s3:::b1",
    "arn:aws:s3:::b2/k",
    "arn:aws:sqs:us-east-1:123456789012:q1",
    "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
];

#[derive(Clone, Debug)]
struct St {
    deny: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    principals: Vec<usize>,
    conditions: Vec<usize>,
}

fn statement(trust: bool) -> impl Strategy<Value = St> {
    let n_actions = if trust {
        TRUST_ACTIONS.len()
    } else {
        ACTIONS.len()
    };
    (
        prop::bool::weighted(0.2),
        prop::collection::vec(0..n_actions, 1..3),
        prop::bool::weighted(if trust { 0.0 } else { 0.1 }),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::collection::vec(0..SERVICES.len(), 1..3),
        prop::collection::vec(0..CONDITIONS.len(), 0..2),
    )
        .prop_map(
            |(deny, actions, not_resource, resources, principals, conditions)| St {
                deny,
                actions,
                not_resource,
                resources,
                principals,
                conditions,
            },
        )
}

fn policy_json(sts: &[St], trust: bool) -> Value {
    let statements: Vec<Value> = sts
        .iter()
        .map(|s| {
            let mut m = serde_json::Map::new();
            m.insert(
                "Effect".into(),
                json!(if s.deny { "Deny" } else { "Allow" }),
            );
            let actions: Vec<&str> = s
                .actions
                .iter()
                .map(|&i| if trust { TRUST_ACTIONS[i] } else { ACTIONS[i] })
                .collect();
            m.insert("Action".into(), json!(actions));
            if trust {
                let services: Vec<&str> = s.principals.iter().map(|&i| SERVICES[i]).collect();
                m.insert("Principal".into(), json!({ "Service": services }));
            } else {
                let res: Vec<&str> = s.resources.iter().map(|&i| RESOURCES[i]).collect();
                m.insert(
                    if s.not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    json!(res),
                );
            }
            if !s.conditions.is_empty() {
                let mut c = serde_json::Map::new();
                for &i in &s.conditions {
                    let (op, key, value) = CONDITIONS[i];
                    let block = c.entry(op).or_insert_with(|| json!({}));
                    if let Value::Object(b) = block {
                        b.insert(key.into(), json!(value));
                    }
                }
                m.insert("Condition".into(), Value::Object(c));
            }
            Value::Object(m)
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The plain evaluator: IAM's rules for one policy, on the JSON as written.
struct Request<'a> {
    action: &'a str,
    resource: &'a str,
    principal: &'a str,
    region: &'a str,
    secure: bool,
}

/// A pattern as a regex, compiled once per test thread (thousands of requests per case).
fn glob(p: &str, arn: bool) -> Regex {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<(String, bool), Regex>> =
            Default::default();
    }
    CACHE.with(|c| {
        c.borrow_mut()
            .entry((p.to_string(), arn))
            .or_insert_with(|| glob_regex(p, arn))
            .clone()
    })
}

fn glob_regex(p: &str, arn: bool) -> Regex {
    let cs: Vec<char> = p.chars().collect();
    let mut re = String::from(if arn { "^" } else { "(?i)^" });
    for (i, c) in cs.iter().enumerate() {
        match c {
            '*' if !arn || matches!(cs.get(i + 1), None | Some(':')) => re.push_str(".*"),
            '*' => re.push_str("[^:]*"),
            '?' => re.push_str(if arn { "[^:]" } else { "." }),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn matches_statement(st: &Value, r: &Request<'_>) -> bool {
    let action = |key: &str| {
        strings(st.get(key))
            .iter()
            .any(|p| glob(p, false).is_match(r.action))
    };
    let action_ok = if st.get("NotAction").is_some() {
        !action("NotAction")
    } else {
        action("Action")
    };
    let res = |key: &str| {
        strings(st.get(key))
            .iter()
            .any(|p| glob(p, true).is_match(r.resource))
    };
    let resource_ok = if st.get("NotResource").is_some() {
        !res("NotResource")
    } else if st.get("Resource").is_some() {
        res("Resource")
    } else {
        true // the resource the policy is attached to
    };
    let principal_ok = match st.get("Principal") {
        None => true,
        Some(Value::String(s)) => s == "*",
        Some(p) => strings(p.get("Service")).iter().any(|s| s == r.principal),
    };
    let condition_ok = match st.get("Condition").and_then(Value::as_object) {
        None => true,
        Some(c) => c.iter().all(|(op, block)| {
            block.as_object().is_some_and(|b| {
                b.iter().all(|(key, values)| {
                    let values = strings(Some(values));
                    match (op.as_str(), key.to_ascii_lowercase().as_str()) {
                        ("StringEquals", "aws:requestedregion") => {
                            values.iter().any(|v| v == r.region)
                        }
                        ("Bool", "aws:securetransport") => {
                            values.iter().any(|v| v == &r.secure.to_string())
                        }
                        _ => false,
                    }
                })
            })
        }),
    };
    action_ok && resource_ok && principal_ok && condition_ok
}

fn allows(policy: &Value, r: &Request<'_>) -> bool {
    let sts = policy["Statement"].as_array().cloned().unwrap_or_default();
    let applies = |effect: &str| {
        sts.iter()
            .filter(|s| s["Effect"] == effect)
            .any(|s| matches_statement(s, r))
    };
    applies("Allow") && !applies("Deny")
}

struct Setup {
    catalog: Catalog,
}

static SETUP: std::sync::LazyLock<Setup> = std::sync::LazyLock::new(|| Setup {
    catalog: Catalog::embedded(),
});

/// Built once for every case (the rule data's sets take most of a case's time otherwise).
static SEMANTIC: std::sync::LazyLock<Semantic<'static>> =
    std::sync::LazyLock::new(|| Semantic::new(&SETUP.catalog));
static DATA: std::sync::LazyLock<RuleData<'static>> =
    std::sync::LazyLock::new(|| RuleData::new(&SETUP.catalog));

/// The error-severity findings of `iamlint check` (default rules) on `text`.
fn errors(
    semantic: &Semantic<'_>,
    data: &RuleData<'_>,
    text: &str,
    kind: PolicyKind,
) -> Vec<String> {
    let opts = LoadOptions {
        forced_kind: Some(kind),
        ..LoadOptions::default()
    };
    let file = load_text("p.json", text, &opts);
    let selection = RuleSelection::default();
    let copts = CheckOptions {
        semantic,
        data,
        reference: None,
        deploy_role: None,
        selection: &selection,
        config_suppressions: &[],
    };
    let source = SourceFile::new("p.json", text);
    check_file(&copts, &source, Ok(&file), true)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.name, d.message))
        .collect()
}

fn load(semantic: &Semantic<'_>, text: &str, kind: PolicyKind, vars: &mut VarTable) -> Policy {
    let opts = LoadOptions {
        forced_kind: Some(kind),
        ..LoadOptions::default()
    };
    let file = load_text("p.json", text, &opts);
    Policy::from_file(semantic, "p.json", text, &file, vars).unwrap()
}

fn run(policy: &[St], reference: &[St], trust: bool) -> Result<(), TestCaseError> {
    let catalog = &SETUP.catalog;
    let semantic = &*SEMANTIC;
    let data = &*DATA;
    let kind = if trust {
        PolicyKind::Trust
    } else {
        PolicyKind::Identity
    };
    let (pj, rj) = (policy_json(policy, trust), policy_json(reference, trust));
    let (pt, rt) = (pj.to_string(), rj.to_string());
    // valid inputs only: the claim is about what tighten adds
    prop_assume!(errors(semantic, data, &pt, kind).is_empty());
    prop_assume!(errors(semantic, data, &rt, kind).is_empty());
    let mut vars = VarTable::default();
    let r = load(semantic, &rt, kind, &mut vars);
    let p = load(semantic, &pt, kind, &mut vars);
    let t = tighten(catalog, &p, &r, &vars);
    if t.is_empty() && t.notes.is_empty() {
        // nothing in common: no request the policy and the reference both allow
        for action in REQUEST_ACTIONS.iter().chain(TRUST_ACTIONS.iter().take(2)) {
            for resource in REQUEST_ARNS {
                for principal in SERVICES {
                    let req = Request {
                        action,
                        resource,
                        principal,
                        region: "us-east-1",
                        secure: true,
                    };
                    prop_assert!(
                        !(allows(&pj, &req) && allows(&rj, &req)),
                        "tighten found nothing in common, but both allow {action} on {resource}"
                    );
                }
            }
        }
        return Ok(());
    }
    if t.is_empty() {
        // what they share could not be written (said in the notes): nothing is granted,
        // which is within both
        return Ok(());
    }
    let out = t.to_json();
    let found = errors(semantic, data, &out, kind);
    prop_assert!(
        found.is_empty(),
        "tightened policy has errors: {found:?}\n{out}"
    );
    let ov: Value = serde_json::from_str(&out).unwrap();
    let actions: Vec<&str> = if trust {
        TRUST_ACTIONS.iter().take(2).copied().collect()
    } else {
        REQUEST_ACTIONS.to_vec()
    };
    for action in &actions {
        for resource in REQUEST_ARNS {
            for principal in SERVICES {
                for region in ["us-east-1", "eu-west-1"] {
                    for secure in [true, false] {
                        let req = Request {
                            action,
                            resource,
                            principal,
                            region,
                            secure,
                        };
                        if allows(&ov, &req) {
                            prop_assert!(
                                allows(&pj, &req) && allows(&rj, &req),
                                "tightened allows {action} on {resource} ({principal}, {region}, {secure}) beyond an input\n{out}"
                            );
                        }
                    }
                }
            }
        }
    }
    // and the YAML form reads back as the same policy
    let yaml = t.to_yaml();
    let back = load_text(
        "p.yaml",
        &yaml,
        &LoadOptions {
            forced_kind: Some(kind),
            ..LoadOptions::default()
        },
    );
    prop_assert_eq!(back.documents.len(), 1, "{}", yaml);
    prop_assert!(back.syntax_errors.is_empty(), "{}", yaml);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn tightened_identity_policies_are_valid_and_within_both(
        policy in prop::collection::vec(statement(false), 1..4),
        reference in prop::collection::vec(statement(false), 1..4),
    ) {
        run(&policy, &reference, false)?;
    }

    #[test]
    fn tightened_trust_policies_are_valid_and_within_both(
        policy in prop::collection::vec(statement(true), 1..3),
        reference in prop::collection::vec(statement(true), 1..3),
    ) {
        run(&policy, &reference, true)?;
    }
}

fn st(actions: &[usize], not_resource: bool, resources: &[usize], principals: &[usize]) -> St {
    St {
        deny: false,
        actions: actions.to_vec(),
        not_resource,
        resources: resources.to_vec(),
        principals: principals.to_vec(),
        conditions: Vec::new(),
    }
}

/// Found by the properties above: `sts:AssumeRole*` for a `Service` principal was expanded
/// with the federation actions, which allow nothing for it (`trust-action-mismatch`).
#[test]
fn trust_wildcard_for_a_service_keeps_no_federation_action() {
    let s = st(&[2], false, &[0], &[1]);
    run(std::slice::from_ref(&s), std::slice::from_ref(&s), true).unwrap();
}

/// Found by the properties above: `NotResource` against a reference on `*` was left out
/// ("nothing in common") although it is exactly that `NotResource`.
#[test]
fn not_resource_against_every_resource_is_that_not_resource() {
    run(
        &[st(&[7], true, &[1], &[0])],
        &[st(&[7], false, &[0], &[0])],
        false,
    )
    .unwrap();
}

/// Found by the properties above: `s3:Get*` within `s3:*` was listed action by action,
/// over the managed-policy size quota; it is kept as written.
#[test]
fn a_wildcard_within_the_other_sides_wildcard_is_kept_as_written() {
    run(
        &[st(&[1], false, &[0], &[0])],
        &[st(&[2], false, &[0], &[0])],
        false,
    )
    .unwrap();
    let catalog = &SETUP.catalog;
    let mut vars = VarTable::default();
    let text = |a: usize| policy_json(&[st(&[a], false, &[0], &[0])], false).to_string();
    let r = load(&SEMANTIC, &text(2), PolicyKind::Identity, &mut vars);
    let p = load(&SEMANTIC, &text(1), PolicyKind::Identity, &mut vars);
    let t = tighten(catalog, &p, &r, &vars);
    assert_eq!(t.document["Statement"][0]["Action"], json!(["s3:Get*"]));
}
