#![allow(clippy::unwrap_used)]
//! What the guide, shell and AWS CLI output formats extract: documents at the right
//! places of the file the user wrote, and the principals they build (grouped for the
//! principal analysis), on the seed guides as they are and on the format fixtures.

use iamlint_formats::{load_text, LoadOptions};
use iamlint_policy::{AttachmentTarget, FileKind, PolicyFile, PolicyKind, PrincipalKind};
use iamlint_syntax::LineIndex;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(rel: &str) -> (String, PolicyFile) {
    let path = repo().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let file = load_text(&path.to_string_lossy(), &text, &LoadOptions::default());
    (text, file)
}

fn line_col(text: &str, at: u32) -> (u32, u32) {
    let lc = LineIndex::new(text).line_col(text, at);
    (lc.line, lc.column)
}

#[test]
fn seed_004_four_policies_at_their_blocks() {
    let (text, f) = load("fixtures/seeds/004_1bbe723345c0f240.txt");
    assert_eq!(f.format, "guide");
    assert_eq!(f.kind, FileKind::Other);
    let starts: Vec<(u32, u32)> = f
        .documents
        .iter()
        .map(|d| line_col(&text, d.span.start))
        .collect();
    assert_eq!(starts, vec![(20, 1), (129, 1), (191, 1), (425, 1)]);
    assert!(f.documents.iter().all(|d| d.kind == PolicyKind::Identity));
    // `efs:` is written at lines 403-404 of the guide, and is found there
    let efs: Vec<(u32, u32)> = f.documents[2]
        .statements
        .iter()
        .flat_map(|s| s.action.iter().flat_map(|a| a.items.iter()))
        .filter(|t| t.as_literal().is_some_and(|a| a.starts_with("efs:")))
        .map(|t| line_col(&text, t.span.start))
        .collect();
    assert_eq!(efs, vec![(403, 17), (404, 17)]);
    // every span is the guide's own text
    for d in &f.documents {
        for s in &d.statements {
            for t in s.action.iter().flat_map(|a| a.items.iter()) {
                let written = t.span.slice(&text);
                assert_eq!(written.trim_matches('"'), t.as_literal().unwrap());
            }
        }
    }
}

#[test]
fn seed_001_broken_yaml_is_a_syntax_error_in_the_guide() {
    let (text, f) = load("fixtures/seeds/001_762a663e6e34d9cc.txt");
    assert_eq!(f.format, "guide");
    assert_eq!(f.syntax_errors.len(), 1);
    assert_eq!(line_col(&text, f.syntax_errors[0].span.start), (23, 19));
    assert!(f.documents.is_empty());
    assert_eq!(f.sections.len(), 1);
}

#[test]
fn seed_003_commands_build_a_user_and_five_roles() {
    let (text, f) = load("fixtures/seeds/003_0c6693f89f1adf09.txt");
    // the one inline trust policy: spot fleet, inside the single-quoted argument
    assert_eq!(f.documents.len(), 1);
    let trust = &f.documents[0];
    assert_eq!(trust.kind, PolicyKind::Trust);
    let principal = &trust.statements[0].principal.as_ref().unwrap().values[0];
    assert_eq!(
        principal.value.as_literal(),
        Some("spotfleet.amazonaws.com")
    );
    assert_eq!(line_col(&text, principal.value.span.start), (138, 174));
    assert_eq!(
        principal.value.span.slice(&text),
        "\"spotfleet.amazonaws.com\""
    );
    // the principals, by `--user-name` / `--role-name`
    let summary: Vec<(PrincipalKind, &str, bool, usize)> = f
        .principals
        .iter()
        .map(|p| (p.kind, p.id.as_str(), p.trust.is_some(), p.attached.len()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (PrincipalKind::User, "your_user_name", false, 7),
            (PrincipalKind::Role, "AWSBatchServiceRole", false, 1),
            (PrincipalKind::Role, "StepFunctionsLambdaRole", false, 1),
            (PrincipalKind::Role, "SLIM-Extras_ECS_for_EC2", false, 4),
            (PrincipalKind::Role, "SLIM-Extras_for_Lambda", false, 5),
            (PrincipalKind::Role, "AmazonEC2SpotFleetRole", true, 0),
        ]
    );
    // eighteen attachments: seventeen AWS managed, one customer managed policy created
    // in the same guide (its document is a file that is not there)
    assert_eq!(f.managed_policies.len(), 18);
    let aws = f
        .managed_policies
        .iter()
        .filter(|m| m.arn.display().starts_with("arn:aws:iam::aws:policy/"))
        .count();
    assert_eq!(aws, 17);
    let arns: Vec<String> = f
        .principals
        .iter()
        .flat_map(|p| p.attached.iter())
        .map(|a| match &a.target {
            AttachmentTarget::Arn(t) => t.span.slice(&text).to_string(),
            AttachmentTarget::Document(_) => String::new(),
        })
        .collect();
    assert!(arns.contains(&"arn:aws:iam::aws:policy/AWSLambdaFullAccess".to_string()));
    assert!(
        arns.contains(&"arn:aws:iam::851065145468:policy/LambdaBatchExecutionPolicy".to_string())
    );
    // four trust policies and the customer policy are read from files that are not there
    let unread: Vec<u32> = f
        .issues
        .iter()
        .filter(|i| i.kind == iamlint_policy::IssueKind::Unchecked)
        .map(|i| line_col(&text, i.span.start).0)
        .collect();
    assert_eq!(unread, vec![53, 68, 83, 107, 125]);
}

#[test]
fn prose_guides_hold_nothing() {
    for seed in [
        "fixtures/seeds/000_d264409f3f193f88.txt",
        "fixtures/seeds/002_2fd72299a1de3f69.txt",
    ] {
        let (_, f) = load(seed);
        assert_eq!(f.format, "guide", "{seed}");
        assert_eq!(f.kind, FileKind::NotAPolicy, "{seed}");
        assert!(f.syntax_errors.is_empty(), "{seed}");
    }
}

#[test]
fn shell_script_principals_and_resource_policies() {
    let (text, f) = load("fixtures/formats/shell/invalid/setup-iam.sh");
    assert_eq!(f.format, "shell");
    let role = f
        .principals
        .iter()
        .find(|p| p.kind == PrincipalKind::Role)
        .unwrap();
    // `--role-name "$ROLE"`, after `ROLE=build`: the same principal in every command
    assert_eq!(role.id, "build");
    // the trust policy written by the here-document, at its lines
    let trust = &f.documents[role.trust.unwrap()];
    assert_eq!(trust.kind, PolicyKind::Trust);
    assert_eq!(line_col(&text, trust.span.start).0, 10);
    assert_eq!(role.inline.len(), 1);
    // the customer managed policy created above is attached by document
    assert!(role
        .attached
        .iter()
        .any(|a| matches!(a.target, AttachmentTarget::Document(_))));
    assert!(role.boundary.is_some());
    let user = f
        .principals
        .iter()
        .find(|p| p.kind == PrincipalKind::User)
        .unwrap();
    assert_eq!(user.groups, vec!["deployers".to_string()]);
    // resource policies: bucket, queue (a JSON string in the attribute map), key, function
    let resources: Vec<&str> = f
        .documents
        .iter()
        .filter(|d| d.kind == PolicyKind::Resource)
        .map(|d| d.origin.resource.as_ref().unwrap().1.as_str())
        .collect();
    assert_eq!(
        resources,
        vec![
            "AWS::S3::BucketPolicy",
            "AWS::SQS::QueuePolicy",
            "AWS::KMS::Key",
            "AWS::Lambda::Permission"
        ]
    );
    // the queue policy's `*` is found inside the doubly escaped string
    let queue = f
        .documents
        .iter()
        .find(|d| d.origin.resource.as_ref().unwrap().1 == "AWS::SQS::QueuePolicy")
        .unwrap();
    let p = &queue.statements[0].principal.as_ref().unwrap().values[0];
    assert_eq!(p.value.span.slice(&text), "\\\"*\\\"");
}

#[test]
fn account_dump_principals_and_default_versions() {
    let (text, f) =
        load("fixtures/formats/aws-cli-output/invalid/account-authorization-details.json");
    assert_eq!(f.format, "aws-cli-output");
    // the customer managed policy: only its default version (v2) is read
    let managed: Vec<&str> = f
        .documents
        .iter()
        .filter_map(|d| d.about.as_deref())
        .filter(|a| a.starts_with("the customer managed policy"))
        .collect();
    assert_eq!(
        managed,
        vec!["the customer managed policy `deploy` (default version `v2`)"]
    );
    let role = f.principals.iter().find(|p| p.id == "app").unwrap();
    assert!(role.trust.is_some());
    assert_eq!(role.inline.len(), 1);
    assert!(matches!(
        role.attached[0].target,
        AttachmentTarget::Document(_)
    ));
    assert!(role.boundary.is_some());
    // the URL-encoded inline policy is decoded, its spans inside the encoded text
    let queues = &f.documents[role.inline[0]];
    let action = &queues.statements[0].action.as_ref().unwrap().items[0];
    assert_eq!(action.as_literal(), Some("sqs:*"));
    assert_eq!(action.span.slice(&text), "%22sqs%3A%2A%22");
    let alice = f.principals.iter().find(|p| p.id == "alice").unwrap();
    assert_eq!(alice.groups, vec!["developers".to_string()]);
}

/// A guide of many blocks, each giving a role a policy with `aws iam` commands, a later
/// block returning to an earlier role: every role gets exactly its own policies (the
/// roles already met are looked up by name, not scanned for every command).
#[test]
fn many_commands_give_each_role_its_own_policies() {
    let n = 1_000;
    let mut md = String::from("# Setup\n\n");
    for i in 0..n {
        md.push_str(&format!(
            "Role {i}:\n\n```sh\naws iam create-role --role-name r{i} --assume-role-policy-document '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"ec2.amazonaws.com\"}},\"Action\":\"sts:AssumeRole\"}}]}}'\naws iam put-role-policy --role-name r{i} --policy-name p --policy-document '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b{i}/*\"}}]}}'\n```\n\n"
        ));
    }
    // back to the first role
    md.push_str("```sh\naws iam attach-role-policy --role-name r0 --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess\n```\n");
    let f = load_text("guide.md", &md, &LoadOptions::default());
    assert_eq!(f.principals.len(), n);
    for (i, p) in f.principals.iter().enumerate() {
        assert_eq!(p.kind, PrincipalKind::Role);
        assert_eq!(p.id, format!("r{i}"));
        assert!(p.trust.is_some(), "r{i}");
        assert_eq!(p.inline.len(), 1, "r{i}");
        let doc = &f.documents[p.inline[0]];
        assert!(
            doc.statements[0].resource.as_ref().unwrap().items[0].as_literal()
                == Some(&format!("arn:aws:s3:::b{i}/*")),
            "r{i}"
        );
        assert_eq!(p.attached.len(), usize::from(i == 0), "r{i}");
    }
}
