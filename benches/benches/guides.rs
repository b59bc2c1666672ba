//! Guides against the policies in them: loading seed 004 (a guide of 637 lines with four
//! JSON policies) against loading the same four policies as files, and the full default
//! check of each; seed 003 (a guide of `aws iam` commands) and a generated guide of 200
//! blocks. A guide must not cost much more than the policies in it (docs/performance.md).

use iamlint_formats::{load_text, LoadOptions};
use iamlint_report::SourceFile;
use iamlint_rules::{check_file, CheckOptions, RuleSelection};
use iamlint_semantic::Semantic;
use std::path::Path;

fn cat() -> &'static iamlint_catalog::Catalog {
    static CAT: std::sync::LazyLock<iamlint_catalog::Catalog> =
        std::sync::LazyLock::new(iamlint_catalog::Catalog::embedded);
    &CAT
}

fn main() {
    divan::main();
}

fn read(rel: &str) -> (String, String) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_default();
    (rel.to_string(), text)
}

const SEED_004: &str = "fixtures/seeds/004_1bbe723345c0f240.txt";
const SEED_003: &str = "fixtures/seeds/003_0c6693f89f1adf09.txt";
const POLICIES_004: &[&str] = &[
    "fixtures/seeds/policies/parallelcluster-instance-slurm.json",
    "fixtures/seeds/policies/parallelcluster-instance-awsbatch.json",
    "fixtures/seeds/policies/parallelcluster-user-slurm.json",
    "fixtures/seeds/policies/parallelcluster-user-awsbatch.json",
];

/// A guide of `blocks` sections of prose, each with a JSON policy, a shell command and a
/// Python block that is passed over.
fn generated_guide(blocks: usize) -> String {
    let mut s = String::from("# A generated guide\n\n");
    for i in 0..blocks {
        s.push_str(&format!(
            "## Step {i}\n\nSome prose about step {i}, with `inline code` and a [link](https://example.com).\n\n```json\n{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Resource\": \"arn:aws:s3:::bucket-{i}/*\"}}]}}\n```\n\n```sh\naws iam put-role-policy --role-name role-{i} --policy-name p{i} \\\n    --policy-document '{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"arn:aws:sqs:us-east-1:123456789012:q{i}\"}}]}}'\n```\n\n```python\nprint(\"step {i}\")\n```\n\n"
        ));
    }
    s
}

fn load(files: &[(String, String)]) -> usize {
    let opts = LoadOptions::default();
    files
        .iter()
        .map(|(n, t)| load_text(n, t, &opts).documents.len())
        .sum()
}

#[divan::bench]
fn load_guide_004(bencher: divan::Bencher<'_, '_>) {
    let files = vec![read(SEED_004)];
    bencher.bench(|| load(&files));
}

#[divan::bench]
fn load_policies_004(bencher: divan::Bencher<'_, '_>) {
    let files: Vec<_> = POLICIES_004.iter().map(|p| read(p)).collect();
    bencher.bench(|| load(&files));
}

#[divan::bench]
fn load_guide_003(bencher: divan::Bencher<'_, '_>) {
    let files = vec![read(SEED_003)];
    bencher.bench(|| load(&files));
}

#[divan::bench]
fn load_generated_guide_200_blocks(bencher: divan::Bencher<'_, '_>) {
    let files = vec![("guide.md".to_string(), generated_guide(200))];
    bencher
        .counter(divan::counter::BytesCount::new(files[0].1.len()))
        .bench(|| load(&files));
}

fn check(bencher: divan::Bencher<'_, '_>, files: Vec<(String, String)>) {
    let selection = RuleSelection::default();
    let data = iamlint_rules::RuleData::new(cat());
    let semantic = Semantic::new(cat());
    let copts = CheckOptions {
        semantic: &semantic,
        data: &data,
        reference: None,
        deploy_role: None,
        selection: &selection,
        config_suppressions: &[],
    };
    let opts = LoadOptions::default();
    bencher.bench(|| {
        files
            .iter()
            .map(|(n, t)| {
                let f = load_text(n, t, &opts);
                check_file(&copts, &SourceFile::new(n.clone(), t.clone()), Ok(&f), true).len()
            })
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 20)]
fn check_guide_004(bencher: divan::Bencher<'_, '_>) {
    check(bencher, vec![read(SEED_004)]);
}

#[divan::bench(sample_count = 20)]
fn check_policies_004(bencher: divan::Bencher<'_, '_>) {
    check(bencher, POLICIES_004.iter().map(|p| read(p)).collect());
}
