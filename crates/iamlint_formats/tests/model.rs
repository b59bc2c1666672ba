#![allow(clippy::unwrap_used)]
//! Parser fixtures (`fixtures/parser/`): the normalized model and its issues, snapshotted
//! as `iamlint inspect` shows them; the seed policies; and, when `../shared/corpus` is
//! beside the repository, every corpus file.

use iamlint_formats::{describe, load_text, LoadOptions};
use iamlint_policy::{FileKind, PolicyKind};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file() && p.extension().is_some_and(|e| e != "snap" && e != "md"));
    v.sort();
    v
}

#[test]
fn parser_fixtures_snapshot() {
    let dir = repo().join("fixtures/parser");
    let cases = files(&dir);
    assert!(cases.len() >= 4);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&case).unwrap();
        let file = load_text(&name, &text, &LoadOptions::default());
        let view = describe::to_text(&name, &text, &file);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name.clone(), view));
    }
}

#[test]
fn cfn_short_forms_extract_every_document_with_kinds_and_paths() {
    let text =
        std::fs::read_to_string(repo().join("fixtures/parser/cfn-short-forms.yaml")).unwrap();
    let f = load_text("t.yaml", &text, &LoadOptions::default());
    assert_eq!(f.kind, FileKind::CloudFormation);
    let docs: Vec<(&str, PolicyKind)> = f
        .documents
        .iter()
        .map(|d| (d.origin.path.as_str(), d.kind))
        .collect();
    assert_eq!(
        docs,
        vec![
            (
                "Resources.JobRole.Properties.AssumeRolePolicyDocument",
                PolicyKind::Trust
            ),
            (
                "Resources.JobRole.Properties.Policies[0].PolicyDocument",
                PolicyKind::Identity
            ),
            (
                "Resources.BucketPolicy.Properties.PolicyDocument",
                PolicyKind::Resource
            ),
        ]
    );
    // the single-object Statement is normalized to one statement, Version stays a string
    let trust = &f.documents[0];
    assert_eq!(
        trust.version.as_ref().unwrap().as_literal(),
        Some("2012-10-17")
    );
    assert_eq!(trust.statements.len(), 1);
    // !If in a statement list: the Deny branch is kept, AWS::NoValue dropped
    let inline = &f.documents[1];
    assert_eq!(inline.statements.len(), 2);
    assert!(inline.statements[1].is_deny());
    let res = &inline.statements[0].resource.as_ref().unwrap().items;
    assert_eq!(res[0].display(), "arn:aws:s3:::${Bucket}/*");
    assert_eq!(res[1].display(), "arn:aws:s3:::${Bucket}");
    assert!(!res[2].is_resolved());
    // the KMS key policy computed by !Sub is reported, not dropped
    assert!(f
        .issues
        .iter()
        .any(|i| i.path == "Resources.Key.Properties.KeyPolicy"));
    assert_eq!(f.managed_policies.len(), 2);
}

#[test]
fn var_binds_cfn_references_and_placeholders() {
    let text =
        std::fs::read_to_string(repo().join("fixtures/parser/cfn-short-forms.yaml")).unwrap();
    let mut opts = LoadOptions::default();
    opts.vars.insert("Bucket".into(), "data".into());
    let f = load_text("t.yaml", &text, &opts);
    let res = &f.documents[1].statements[0]
        .resource
        .as_ref()
        .unwrap()
        .items;
    assert_eq!(res[0].as_literal(), Some("arn:aws:s3:::data/*"));
    assert_eq!(res[1].as_literal(), Some("arn:aws:s3:::data"));
}

#[test]
fn plain_policy_kinds_are_inferred_or_forced() {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let f = load_text("t.json", trust, &LoadOptions::default());
    assert_eq!(f.documents[0].kind, PolicyKind::Trust);
    assert!(f.documents[0].kind_inferred);
    let bucket = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    let f = load_text("b.json", bucket, &LoadOptions::default());
    assert_eq!(f.documents[0].kind, PolicyKind::Resource);
    assert!(f.documents[0].statements[0]
        .principal
        .as_ref()
        .unwrap()
        .is_public());
    let opts = LoadOptions {
        forced_kind: Some(PolicyKind::Scp),
        ..LoadOptions::default()
    };
    let f = load_text("b.json", bucket, &opts);
    assert_eq!(f.documents[0].kind, PolicyKind::Scp);
    assert!(!f.documents[0].kind_inferred);
}

#[test]
fn duplicate_keys_are_issues_with_both_locations() {
    let text = std::fs::read_to_string(repo().join("fixtures/parser/plain-shapes.json")).unwrap();
    let f = load_text("p.json", &text, &LoadOptions::default());
    let dup = f.documents[0]
        .issues
        .iter()
        .find(|i| i.kind == iamlint_policy::IssueKind::DuplicateKey)
        .unwrap();
    assert!(dup.message.contains("`Sid`"));
    assert!(dup.related.unwrap().start < dup.span.start);
}

#[test]
fn seed_policies_load() {
    let dir = repo().join("fixtures/seeds/policies");
    let cases = files(&dir);
    assert!(cases.len() >= 7);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&case).unwrap();
        let f = load_text(&name, &text, &LoadOptions::default());
        if name.contains("broken") {
            assert_eq!(f.kind, FileKind::Unparsed, "{name}");
            let idx = iamlint_syntax::LineIndex::new(&text);
            let at = idx.line_col(&text, f.syntax_errors[0].span.start);
            assert_eq!(at.line, 4, "{name}: {:?}", f.syntax_errors);
            continue;
        }
        assert!(f.syntax_errors.is_empty(), "{name}: {:?}", f.syntax_errors);
        assert!(!f.documents.is_empty(), "{name}");
        for d in &f.documents {
            assert!(d.issues.is_empty(), "{name}: {:?}", d.issues);
        }
    }
}

fn corpus() -> Option<PathBuf> {
    let p = repo().join("../shared/corpus");
    p.is_dir().then_some(p)
}

#[test]
fn managed_corpus_loads_without_syntax_errors() {
    let Some(c) = corpus() else {
        eprintln!("skipped: ../shared/corpus is not present");
        return;
    };
    let mut n = 0;
    for p in files(&c.join("managed")) {
        let text = std::fs::read_to_string(&p).unwrap();
        let f = load_text(&p.to_string_lossy(), &text, &LoadOptions::default());
        assert!(
            f.syntax_errors.is_empty(),
            "{}: {:?}",
            p.display(),
            f.syntax_errors
        );
        assert_eq!(f.kind, FileKind::PolicyDocument, "{}", p.display());
        assert_eq!(f.documents.len(), 1);
        n += 1;
    }
    assert_eq!(n, 1645);
}

#[test]
fn cfn_corpus_yields_every_iam_policy_document() {
    let Some(c) = corpus() else {
        eprintln!("skipped: ../shared/corpus is not present");
        return;
    };
    let mut iam_resources_with_docs = 0usize;
    let mut documents = 0usize;
    let mut files_n = 0usize;
    for p in files(&c.join("cfn")) {
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.to_string_lossy().to_string();
        let f = load_text(&name, &text, &LoadOptions::default());
        assert!(f.syntax_errors.is_empty(), "{name}: {:?}", f.syntax_errors);
        assert_eq!(f.kind, FileKind::CloudFormation, "{name}");
        files_n += 1;
        documents += f.documents.len();
        let mut resources: Vec<&str> = f
            .documents
            .iter()
            .filter_map(|d| d.origin.resource.as_ref())
            .filter(|(_, t)| {
                matches!(
                    t.as_str(),
                    "AWS::IAM::Role" | "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy"
                )
            })
            .map(|(n, _)| n.as_str())
            .collect();
        resources.sort_unstable();
        resources.dedup();
        iam_resources_with_docs += resources.len();
    }
    assert_eq!(files_n, 221);
    // The corpus index counts 430 IAM resources (roles, policies, managed policies); every
    // one of them carries at least one document (a role at least its trust policy).
    assert_eq!(iam_resources_with_docs, 430, "documents: {documents}");
    assert!(documents > 430);
}

#[test]
fn cfn_principals_link_every_kind_of_attachment() {
    use iamlint_policy::{AttachmentTarget, PrincipalKind};
    let text = std::fs::read_to_string(repo().join("fixtures/parser/cfn-principals.yaml")).unwrap();
    let f = load_text("p.yaml", &text, &LoadOptions::default());
    let doc = |path: &str| {
        f.documents
            .iter()
            .position(|d| d.origin.path == path)
            .unwrap_or_else(|| panic!("no document {path}"))
    };
    let ids: Vec<(PrincipalKind, &str)> = f
        .principals
        .iter()
        .map(|p| (p.kind, p.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            (PrincipalKind::Role, "AppRole"),
            (PrincipalKind::Group, "Readers"),
            (PrincipalKind::Group, "Admins"),
            (PrincipalKind::User, "Operator"),
        ]
    );
    let role = &f.principals[0];
    assert_eq!(role.display_name(), "app-role");
    assert_eq!(
        role.trust,
        Some(doc("Resources.AppRole.Properties.AssumeRolePolicyDocument"))
    );
    assert_eq!(
        role.inline,
        vec![doc(
            "Resources.AppRole.Properties.Policies[0].PolicyDocument"
        )]
    );
    let targets: Vec<String> = role
        .attached
        .iter()
        .map(|a| match &a.target {
            AttachmentTarget::Arn(t) => t.display(),
            AttachmentTarget::Document(i) => format!("doc {}", f.documents[*i].origin.path),
        })
        .collect();
    assert_eq!(
        targets,
        vec![
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "doc Resources.SharedPolicy.Properties.PolicyDocument",
            // a customer managed ARN naming a policy of the template by its name
            "doc Resources.ReadersPolicy.Properties.PolicyDocument",
            // the `Fn::If` branch that attaches something
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "${ExtraPolicyArn}",
            // `Roles: [!Ref AppRole, app-role]`: one attachment
            "doc Resources.DenyPolicy.Properties.PolicyDocument",
            "doc Resources.RoleInline.Properties.PolicyDocument",
        ]
    );
    // the attachment points at the attaching element
    let deny = &role.attached[5];
    assert_eq!(deny.path, "Resources.DenyPolicy.Properties.Roles[0]");
    assert_eq!(deny.span.slice(&text), "AppRole");
    assert_eq!(
        role.boundary.as_ref().map(|b| b.target.clone()),
        Some(AttachmentTarget::Document(doc(
            "Resources.BoundaryPolicy.Properties.PolicyDocument"
        )))
    );
    assert_eq!(role.instance_profiles, vec!["AppProfile".to_string()]);
    let readers = &f.principals[1];
    assert_eq!(readers.attached.len(), 2, "{:?}", readers.attached);
    let user = &f.principals[3];
    assert_eq!(user.groups, vec!["Readers", "Admins", "outside-group"]);
    assert_eq!(user.attached.len(), 1);
    assert_eq!(user.inline.len(), 1);
}

/// A template of many roles, each given its own policies by `!Ref`, by name and by a
/// policy resource's `Roles`: every link is found and none crosses to another role (the
/// template's documents and resources are looked up by index, not scanned per link).
#[test]
fn cfn_many_principals_each_get_their_own_policies() {
    use iamlint_policy::AttachmentTarget;
    let n = 300;
    let mut t = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
    let doc = |action: &str, i: usize| {
        format!(
            "        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: {action}\n            Resource: arn:aws:s3:::b{i}/*\n"
        )
    };
    for i in 0..n {
        t.push_str(&format!(
            "  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: role-{i}\n      ManagedPolicyArns:\n        - !Ref ByRef{i}\n        - !Sub arn:aws:iam::${{AWS::AccountId}}:policy/by-name-{i}\n"
        ));
        t.push_str(&format!(
            "  ByRef{i}:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n{}",
            doc("s3:GetObject", i)
        ));
        t.push_str(&format!(
            "  ByName{i}:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      ManagedPolicyName: by-name-{i}\n      PolicyDocument:\n{}",
            doc("s3:PutObject", i)
        ));
        t.push_str(&format!(
            "  Inline{i}:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [!Ref Role{i}, role-{i}]\n      PolicyDocument:\n{}",
            doc("s3:DeleteObject", i)
        ));
    }
    let f = load_text("many.yaml", &t, &LoadOptions::default());
    assert_eq!(f.principals.len(), n);
    for (i, role) in f.principals.iter().enumerate() {
        assert_eq!(role.id, format!("Role{i}"));
        let targets: Vec<String> = role
            .attached
            .iter()
            .map(|a| match &a.target {
                AttachmentTarget::Arn(t) => t.display(),
                AttachmentTarget::Document(d) => f.documents[*d].origin.path.clone(),
            })
            .collect();
        assert_eq!(
            targets,
            [
                format!("Resources.ByRef{i}.Properties.PolicyDocument"),
                format!("Resources.ByName{i}.Properties.PolicyDocument"),
                // `Roles: [!Ref Role, role-name]`: attached once
                format!("Resources.Inline{i}.Properties.PolicyDocument"),
            ]
        );
    }
}
