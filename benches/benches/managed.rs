//! Embedded AWS managed policies: opening the snapshot, looking a policy up, decoding its
//! document (one, then all), and loading a decoded document with iamlint's own loader
//! (what a check that attaches the policy will pay).

use iamlint_managed::ManagedPolicies;

fn main() {
    divan::main();
}

/// Opening the embedded snapshot: a header read, nothing decoded.
#[divan::bench]
fn embedded() -> usize {
    divan::black_box(ManagedPolicies::embedded()).len()
}

#[divan::bench(args = ["AdministratorAccess", "AWSLambda_FullAccess", "ZZZNoSuchPolicy"])]
fn get(name: &str) -> bool {
    ManagedPolicies::embedded()
        .get(divan::black_box(name))
        .is_some()
}

#[divan::bench(args = [
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
])]
fn resolve(arn: &str) -> bool {
    ManagedPolicies::embedded()
        .resolve(divan::black_box(arn))
        .is_ok()
}

/// A miss: the did-you-mean scans every name.
#[divan::bench]
fn resolve_miss_with_suggestion() -> bool {
    ManagedPolicies::embedded()
        .resolve(divan::black_box("AWSLambdaFulAccess"))
        .is_err()
}

/// Lookup and decoding of one document: small (AdministratorAccess, 1 statement), typical
/// (AWSLambda_FullAccess, 2 KB of JSON), a large one (ReadOnlyAccess, 140 KB) and the largest
/// (AWSSupportServiceRolePolicy, 230 KB).
#[divan::bench(args = ["AdministratorAccess", "AWSLambda_FullAccess", "ReadOnlyAccess", "AWSSupportServiceRolePolicy"])]
fn lookup_and_decode(name: &str) -> usize {
    let m = ManagedPolicies::embedded();
    m.get(divan::black_box(name))
        .map_or(0, |p| p.document().len())
}

/// Every document of the snapshot decoded into one reused buffer.
#[divan::bench]
fn decode_all() -> usize {
    let m = ManagedPolicies::embedded();
    let mut buf = String::with_capacity(256 * 1024);
    let mut total = 0;
    for p in m.iter() {
        buf.clear();
        p.write_document(&mut buf);
        total += buf.len();
    }
    total
}

/// Decoding plus `iamlint_formats::load_text` (parse and normalize) of one document.
#[divan::bench(args = ["AdministratorAccess", "AWSLambda_FullAccess", "ReadOnlyAccess", "AWSSupportServiceRolePolicy"])]
fn decode_and_load(name: &str) -> usize {
    let m = ManagedPolicies::embedded();
    let Some(p) = m.get(divan::black_box(name)) else {
        return 0;
    };
    let text = p.document();
    let file = iamlint_formats::load_text(name, &text, &iamlint_formats::LoadOptions::default());
    file.documents.iter().map(|d| d.statements.len()).sum()
}
