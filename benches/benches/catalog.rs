//! Catalog lookups: the first lookup (blob validation included), `find_action`, and
//! `action_range_with_prefix`.

use iamlint_catalog::Catalog;

/// One catalog for the whole bench binary (its derived sets are kept by the instance).
fn cat() -> &'static iamlint_catalog::Catalog {
    static CAT: std::sync::LazyLock<iamlint_catalog::Catalog> =
        std::sync::LazyLock::new(iamlint_catalog::Catalog::embedded);
    &CAT
}

fn main() {
    divan::main();
}

/// Loading the embedded blob and the first lookup: what `cat()` does on
/// its first call (the OnceLock is bypassed so each iteration pays the full cost).
#[divan::bench]
fn first_lookup() -> Option<u32> {
    let cat = Catalog::from_static(divan::black_box(iamlint_catalog::EMBEDDED_BLOB)).ok()?;
    cat.find_action(divan::black_box("s3:GetObject"))
}

#[divan::bench(args = ["s3:GetObject", "EC2:runinstances", "iam:PassRole", "zzz:Nothing"])]
fn find_action(name: &str) -> Option<u32> {
    cat().find_action(divan::black_box(name))
}

#[divan::bench(args = ["s3:get", "s3", "ec2:describe", "iam:"])]
fn action_range_with_prefix(prefix: &str) -> std::ops::Range<u32> {
    cat().action_range_with_prefix(divan::black_box(prefix))
}

#[divan::bench(args = ["aws:SourceIp", "aws:RequestTag/Env", "s3:ExistingObjectTag/k"])]
fn condition_key(key: &str) -> bool {
    cat().condition_key(divan::black_box(key)).is_some()
}
