//! Wildcard engine: expansion against the embedded catalog, ARN matching and
//! pattern containment. Run with `cargo bench -p iamlint_benches --bench matcher`.

use divan::{black_box, Bencher};

use iamlint_matcher::{expand, ActionPattern, ArnPattern};

/// One catalog for the whole bench binary (its derived sets are kept by the instance).
fn cat() -> &'static iamlint_catalog::Catalog {
    static CAT: std::sync::LazyLock<iamlint_catalog::Catalog> =
        std::sync::LazyLock::new(iamlint_catalog::Catalog::embedded);
    &CAT
}

fn main() {
    divan::main();
}

fn action(s: &str) -> ActionPattern {
    ActionPattern::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn arn(s: &str) -> ArnPattern {
    ArnPattern::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[divan::bench(args = ["*", "s3:Get*", "s3:*Object*", "*:*Object*", "*:Get*", "iam:Pass?ole", "s3:GetObject"])]
fn expand_pattern(bencher: Bencher<'_, '_>, pattern: &str) {
    let cat = cat();
    let p = action(pattern);
    bencher.bench(|| expand(cat, black_box(&p)));
}

#[divan::bench]
fn arn_matches(bencher: Bencher<'_, '_>) {
    let p = arn("arn:aws:s3:::my-bucket-*/logs/*/2024-??-*.gz");
    let s = "arn:aws:s3:::my-bucket-prod/logs/app/2024-06-01.gz";
    bencher.bench(|| black_box(&p).matches_literal(black_box(s)));
}

#[divan::bench]
fn arn_matches_with_variable(bencher: Bencher<'_, '_>) {
    let p = arn("arn:aws:s3:::home/${aws:username}/*");
    let s = "arn:aws:s3:::home/alice/notes.txt";
    let vars = |_: &str| Some("alice".to_owned());
    bencher.bench(|| black_box(&p).matches(black_box(s), &vars));
}

#[divan::bench(args = [("s3:*", "s3:Get*"), ("s3:Get*", "s3:*Object"), ("*", "iam:Pass?ole")])]
fn covers_action(bencher: Bencher<'_, '_>, (p, q): (&str, &str)) {
    let (p, q) = (action(p), action(q));
    bencher.bench(|| black_box(&p).covers(black_box(&q)));
}

#[divan::bench(args = [
    ("arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*"),
    ("arn:aws:s3:::b/*", "arn:aws:s3:::b*"),
    ("arn:aws:logs:*:123456789012:*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/*:*"),
])]
fn covers_arn(bencher: Bencher<'_, '_>, (p, q): (&str, &str)) {
    let (p, q) = (arn(p), arn(q));
    bencher.bench(|| black_box(&p).covers(black_box(&q)));
}
