#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test
//! Principals: the seed's roles resolve to their real policies, and effective
//! permissions agree with a plain evaluator, request by request, on random principals
//! with boundaries and `Deny`s.

use iamlint_catalog::Catalog;
use iamlint_formats::{load_text, LoadOptions};
use iamlint_managed::ManagedPolicies;
use iamlint_policy::{Attachment, AttachmentTarget, PolicyFile, PrincipalDef, PrincipalKind};
use iamlint_semantic::principal::{Decision, Principal, Unresolved};
use iamlint_semantic::{ManagedLookup, Semantic};
use proptest::prelude::*;
use regex::Regex;
use std::path::Path;

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(rel),
    )
    .unwrap()
}

#[test]
fn seed_roles_hold_their_managed_policies() {
    let catalog = Catalog::embedded();
    let semantic = Semantic::with_managed(&catalog, ManagedPolicies::embedded());
    let text = repo_file("fixtures/seeds/policies/cloud-imaging-roles.yaml");
    let file = load_text("roles.yaml", &text, &LoadOptions::default());
    let docs: Vec<_> = file
        .documents
        .iter()
        .map(|d| semantic.document(d))
        .collect();
    let facts = semantic.principals(&file, &docs);
    let (i, def) = file
        .principals
        .iter()
        .enumerate()
        .find(|(_, p)| p.display_name() == "SLIM-Extras_for_Lambda")
        .unwrap();
    let lambda = &facts[i];
    let names: Vec<&str> = lambda
        .policies
        .iter()
        .filter_map(|h| h.managed().map(|m| m.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "AmazonSQSFullAccess",
            "AmazonS3FullAccess",
            "AWSLambdaFullAccess",
            "AWSLambdaVPCAccessExecutionRole"
        ]
    );
    // the customer managed policy the seed creates from an unpublished file
    assert_eq!(lambda.unresolved.len(), 1);
    assert_eq!(
        lambda.unresolved[0].why,
        Unresolved::Managed(ManagedLookup::CustomerManaged {
            account: Some("851065145468".into())
        })
    );
    let id = |a: &str| catalog.find_action(a).unwrap();
    for a in [
        "iam:PassRole",
        "lambda:CreateFunction",
        "s3:DeleteBucket",
        "sqs:DeleteQueue",
    ] {
        assert!(lambda.net_allowed.contains(id(a)), "{a}");
    }
    assert!(!lambda.net_allowed.contains(id("iam:CreateUser")));
    let p = Principal {
        def,
        facts: lambda,
        file: &file,
        documents: &docs,
    };
    assert_eq!(
        p.decide(id("iam:PassRole"), "arn:aws:iam::123456789012:role/any"),
        Decision::Allowed
    );
    assert_eq!(
        p.decide(id("iam:CreateUser"), "arn:aws:iam::123456789012:user/x"),
        Decision::Denied
    );
}

#[test]
fn groups_boundaries_and_denies_of_a_template() {
    let catalog = Catalog::embedded();
    let semantic = Semantic::with_managed(&catalog, ManagedPolicies::embedded());
    let text = repo_file("fixtures/parser/cfn-principals.yaml");
    let file = load_text("p.yaml", &text, &LoadOptions::default());
    let docs: Vec<_> = file
        .documents
        .iter()
        .map(|d| semantic.document(d))
        .collect();
    let facts = semantic.principals(&file, &docs);
    let id = |a: &str| catalog.find_action(a).unwrap();
    let view = |i: usize| Principal {
        def: &file.principals[i],
        facts: &facts[i],
        file: &file,
        documents: &docs,
    };
    let role = view(0);
    // the boundary allows s3 and logs only: SQS from the RolePolicy is cut
    assert!(role.facts.boundary.is_some());
    assert_eq!(
        role.decide(id("sqs:SendMessage"), "arn:aws:sqs:us-east-1:1:q"),
        Decision::Denied
    );
    assert_eq!(
        role.decide(id("s3:GetObject"), "arn:aws:s3:::shared/k"),
        Decision::Allowed
    );
    // `DenyPolicy` denies deleting objects; `ReadOnlyAccess` grants no delete anyway
    assert_eq!(
        role.decide(id("s3:DeleteObject"), "arn:aws:s3:::shared/k"),
        Decision::Denied
    );
    // `!Ref ExtraPolicyArn` is not known: reported, not guessed
    assert!(role
        .facts
        .unresolved
        .iter()
        .any(|u| u.what == "${ExtraPolicyArn}"));
    // the user gets the `readers` group's AWS managed read-only S3 access
    let user = view(3);
    assert_eq!(
        user.decide(id("s3:GetObject"), "arn:aws:s3:::other/k"),
        Decision::Allowed
    );
    assert!(user
        .facts
        .policies
        .iter()
        .any(|h| h.via_group.as_deref() == Some("Readers")));
    assert!(user
        .facts
        .unresolved
        .iter()
        .any(|u| u.why == Unresolved::Group && u.what == "outside-group"));
}

// -- effective permissions against a plain evaluator --

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "iam:PassRole",
    "iam:GetRole",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "ec2:RunInstances",
];
const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "s3:*Object",
    "iam:PassRole",
    "iam:*",
    "lambda:Create*",
    "lambda:*",
    "ec2:RunInstances",
    "*",
    // unknown until bound: may be any action
    "iam:<ACTION>",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b1/*",
    "arn:aws:s3:::b1",
    "arn:aws:s3:::b2/*",
    "arn:aws:s3:::*",
    "arn:aws:iam::1:role/r*",
    "arn:aws:lambda:*:1:function:f",
    "arn:aws:ec2:*",
    // unknown until bound
    "arn:aws:s3:::<BUCKET>/*",
];
const ARNS: &[&str] = &[
    "arn:aws:s3:::b1/k",
    "arn:aws:s3:::b1",
    "arn:aws:s3:::b2/k",
    "arn:aws:s3:::b3/k",
    "arn:aws:iam::1:role/r1",
    "arn:aws:iam::1:role/x",
    "arn:aws:lambda:us-east-1:1:function:f",
    "arn:aws:ec2:us-east-1:1:instance/i-1",
];

#[derive(Clone, Debug)]
struct St {
    deny: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    conditional: bool,
}

fn st() -> impl Strategy<Value = St> {
    (
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..4),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resources, conditional)| St {
                deny,
                not_action,
                actions,
                not_resource,
                resources,
                conditional,
            },
        )
}

fn json_policy(sts: &[St]) -> String {
    let list = |key: &str, items: Vec<&str>| {
        format!(
            "\"{key}\": [{}]",
            items
                .iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let stmts: Vec<String> = sts
        .iter()
        .map(|s| {
            let mut parts = vec![format!(
                "\"Effect\": \"{}\"",
                if s.deny { "Deny" } else { "Allow" }
            )];
            parts.push(list(
                if s.not_action { "NotAction" } else { "Action" },
                s.actions.iter().map(|&i| ACTION_PATTERNS[i]).collect(),
            ));
            parts.push(list(
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                },
                s.resources.iter().map(|&i| RESOURCES[i]).collect(),
            ));
            if s.conditional {
                parts.push(
                    "\"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": \"us-east-1\"}}"
                        .into(),
                );
            }
            format!("{{{}}}", parts.join(", "))
        })
        .collect();
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
        stmts.join(", ")
    )
}

fn glob_regex(p: &str, arn: bool) -> Regex {
    let cs: Vec<char> = p.chars().collect();
    let mut re = String::from("(?i)^");
    if arn {
        re = String::from("^");
    }
    for (i, c) in cs.iter().enumerate() {
        match c {
            '*' if !arn => re.push_str(".*"),
            '*' if matches!(cs.get(i + 1), None | Some(':')) => re.push_str(".*"),
            '*' => re.push_str("[^:]*"),
            '?' if arn => re.push_str("[^:]"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum T3 {
    No,
    Maybe,
    Yes,
}

fn or(a: T3, b: T3) -> T3 {
    if a == T3::Yes || b == T3::Yes {
        T3::Yes
    } else if a == T3::Maybe || b == T3::Maybe {
        T3::Maybe
    } else {
        T3::No
    }
}

/// The oracle's regular expressions, compiled once per test.
struct Oracle {
    actions: Vec<Regex>,
    resources: Vec<Regex>,
}

impl Oracle {
    fn new() -> Oracle {
        Oracle {
            actions: ACTION_PATTERNS
                .iter()
                .map(|p| glob_regex(p, false))
                .collect(),
            resources: RESOURCES.iter().map(|p| glob_regex(p, true)).collect(),
        }
    }
}

/// One item: `Maybe` for a placeholder.
fn item(re: &Regex, pattern: &str, text: &str) -> T3 {
    if pattern.contains('<') {
        T3::Maybe
    } else if re.is_match(text) {
        T3::Yes
    } else {
        T3::No
    }
}

fn negate(t: T3) -> T3 {
    match t {
        T3::Yes => T3::No,
        T3::No => T3::Yes,
        T3::Maybe => T3::Maybe,
    }
}

fn and(a: T3, b: T3) -> T3 {
    negate(or(negate(a), negate(b)))
}

fn applies(o: &Oracle, s: &St, action: &str, arn: &str) -> T3 {
    let a = s.actions.iter().fold(T3::No, |acc, &i| {
        or(acc, item(&o.actions[i], ACTION_PATTERNS[i], action))
    });
    let a = if s.not_action { negate(a) } else { a };
    let r = s.resources.iter().fold(T3::No, |acc, &i| {
        or(acc, item(&o.resources[i], RESOURCES[i], arn))
    });
    let r = if s.not_resource { negate(r) } else { r };
    let c = if s.conditional { T3::Maybe } else { T3::Yes };
    and(and(a, r), c)
}

/// IAM's evaluation, statement by statement, with no shared code.
fn plain(
    o: &Oracle,
    identity: &[Vec<St>],
    boundary: Option<&[St]>,
    action: &str,
    arn: &str,
) -> Decision {
    let all_denies = identity
        .iter()
        .flatten()
        .chain(boundary.unwrap_or_default())
        .filter(|s| s.deny);
    let denied = all_denies.fold(T3::No, |acc, s| or(acc, applies(o, s, action, arn)));
    let allowed = identity
        .iter()
        .flatten()
        .filter(|s| !s.deny)
        .fold(T3::No, |acc, s| or(acc, applies(o, s, action, arn)));
    let within = match boundary {
        None => T3::Yes,
        Some(b) => b
            .iter()
            .filter(|s| !s.deny)
            .fold(T3::No, |acc, s| or(acc, applies(o, s, action, arn))),
    };
    let not_denied = match denied {
        T3::Yes => T3::No,
        T3::No => T3::Yes,
        T3::Maybe => T3::Maybe,
    };
    let all = [allowed, within, not_denied];
    if all.contains(&T3::No) {
        Decision::Denied
    } else if all.contains(&T3::Maybe) {
        Decision::Possibly
    } else {
        Decision::Allowed
    }
}

fn principal_file(identity: &[Vec<St>], boundary: Option<&[St]>) -> PolicyFile {
    let mut file = PolicyFile::empty(
        "test",
        iamlint_syntax::SourceKind::Json,
        iamlint_policy::FileKind::Other,
    );
    let mut def = PrincipalDef::new(PrincipalKind::Role, "R", Default::default(), "R");
    for (i, sts) in identity.iter().enumerate() {
        let f = load_text("p.json", &json_policy(sts), &LoadOptions::default());
        file.documents.extend(f.documents);
        if i % 2 == 0 {
            def.inline.push(file.documents.len() - 1);
        } else {
            def.attached.push(Attachment {
                target: AttachmentTarget::Document(file.documents.len() - 1),
                span: Default::default(),
                path: String::new(),
            });
        }
    }
    if let Some(b) = boundary {
        let f = load_text("b.json", &json_policy(b), &LoadOptions::default());
        file.documents.extend(f.documents);
        def.boundary = Some(Attachment {
            target: AttachmentTarget::Document(file.documents.len() - 1),
            span: Default::default(),
            path: String::new(),
        });
    }
    file.principals.push(def);
    file
}

static SETUP: std::sync::LazyLock<(Catalog, Oracle)> =
    std::sync::LazyLock::new(|| (Catalog::embedded(), Oracle::new()));

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn effective_permissions_agree_with_a_plain_evaluator(
        identity in prop::collection::vec(prop::collection::vec(st(), 1..4), 1..4),
        boundary in prop::option::of(prop::collection::vec(st(), 1..3)),
    ) {
        let (catalog, oracle) = &*SETUP;
        let semantic = Semantic::new(catalog);
        let file = principal_file(&identity, boundary.as_deref());
        let docs: Vec<_> = file.documents.iter().map(|d| semantic.document(d)).collect();
        let facts = semantic.principals(&file, &docs);
        let p = Principal { def: &file.principals[0], facts: &facts[0], file: &file, documents: &docs };
        for action in ACTIONS {
            let id = catalog.find_action(action).unwrap();
            for arn in ARNS {
                let expected = plain(oracle, &identity, boundary.as_deref(), action, arn);
                prop_assert_eq!(p.decide(id, arn), expected, "{} on {}", action, arn);
                // an action some request may get is in the net allowed set (unless an
                // action item is unknown: then any action may be granted)
                if expected != Decision::Denied && p.facts.unresolved_allows.is_empty() {
                    prop_assert!(p.facts.net_allowed.contains(id), "{} not in net_allowed", action);
                }
            }
        }
    }
}
