//! The least-privilege analyzer: `diff` of a policy against a reference.

use iamlint_analyzer::{diff_policies, Policy, VarTable};

use iamlint_formats::LoadOptions;
use std::path::Path;

/// One catalog for the whole bench binary (its derived sets are kept by the instance).
fn cat() -> &'static iamlint_catalog::Catalog {
    static CAT: std::sync::LazyLock<iamlint_catalog::Catalog> =
        std::sync::LazyLock::new(iamlint_catalog::Catalog::embedded);
    &CAT
}

fn main() {
    divan::main();
}

/// A 20-statement policy and the reference it is compared with.
fn twenty() -> (String, String) {
    let services = [
        ("s3", "GetObject"),
        ("s3", "PutObject"),
        ("sqs", "SendMessage"),
        ("sqs", "ReceiveMessage"),
        ("dynamodb", "GetItem"),
        ("dynamodb", "PutItem"),
        ("ec2", "DescribeInstances"),
        ("ec2", "StartInstances"),
        ("logs", "PutLogEvents"),
        ("sns", "Publish"),
    ];
    let mut p = Vec::new();
    let mut r = Vec::new();
    for i in 0..20 {
        let (svc, act) = services[i % services.len()];
        let res = format!("arn:aws:{svc}:us-east-1:123456789012:res-{i}/*");
        p.push(format!(
            r#"{{"Sid": "S{i}", "Effect": "Allow", "Action": ["{svc}:{act}", "{svc}:List*"], "Resource": "{res}", "Condition": {{"StringEquals": {{"aws:RequestedRegion": "us-east-1"}}}}}}"#
        ));
        r.push(format!(
            r#"{{"Effect": "Allow", "Action": "{svc}:*", "Resource": "arn:aws:{svc}:us-east-1:123456789012:res-*", "Condition": {{"StringEquals": {{"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}}}}"#
        ));
    }
    let doc = |v: Vec<String>| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            v.join(",")
        )
    };
    (doc(p), doc(r))
}

fn run(policy: &str, reference: &str) -> usize {
    let catalog = cat();
    let semantic = iamlint_semantic::Semantic::new(catalog);
    let mut vars = VarTable::default();
    let opts = LoadOptions::default();
    let (Ok(r), Ok(p)) = (
        Policy::load(&semantic, "r.json", reference, &opts, &mut vars),
        Policy::load(&semantic, "p.json", policy, &opts, &mut vars),
    ) else {
        return 0;
    };
    diff_policies(catalog, &p, &r, &vars).excess.len()
}

#[divan::bench]
fn diff_20_statements(b: divan::Bencher<'_, '_>) {
    let (p, r) = twenty();
    let _ = cat();
    b.bench(|| run(divan::black_box(&p), divan::black_box(&r)));
}

#[divan::bench]
fn administrator_vs_readonly(b: divan::Bencher<'_, '_>) {
    let dir = std::env::var_os("IAMLINT_CORPUS")
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        )
        .join("managed");
    let (Ok(admin), Ok(ro)) = (
        std::fs::read_to_string(dir.join("AdministratorAccess.json")),
        std::fs::read_to_string(dir.join("ReadOnlyAccess.json")),
    ) else {
        eprintln!(
            "skipped: the managed-policy corpus is not at {}",
            dir.display()
        );
        return;
    };
    let _ = cat();
    b.bench(|| run(divan::black_box(&admin), divan::black_box(&ro)));
}
