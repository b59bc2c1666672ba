//! The whole corpus of ../shared/corpus (AWS managed policies, CloudFormation templates,
//! Terraform files): loading with expansion of every statement (the graph), and a full
//! check with the default rules, in parallel as `iamlint check` runs. Skipped when the
//! corpus is absent (`IAMLINT_CORPUS` overrides its place).

use iamlint_formats::{load_text, LoadOptions};
use iamlint_report::SourceFile;
use iamlint_rules::{check_file, CheckOptions, RuleSelection};
use iamlint_semantic::Semantic;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One catalog for the whole bench binary (its derived sets are kept by the instance).
fn cat() -> &'static iamlint_catalog::Catalog {
    static CAT: std::sync::LazyLock<iamlint_catalog::Catalog> =
        std::sync::LazyLock::new(iamlint_catalog::Catalog::embedded);
    &CAT
}

fn main() {
    divan::main();
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("IAMLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
        PathBuf::from,
    )
}

/// (name, text) of every file under managed/, cfn/ and terraform/.
fn files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in ["managed", "cfn", "terraform"] {
        let Ok(rd) = std::fs::read_dir(corpus_dir().join(sub)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if let Ok(t) = std::fs::read_to_string(&p) {
                out.push((p.display().to_string(), t));
            }
        }
    }
    out
}

/// Run `per_file` over every corpus file in parallel, as the benchmark body.
fn bench_files(bencher: divan::Bencher<'_, '_>, per_file: impl Fn(&str, &str) -> usize + Sync) {
    let files = files();
    if files.is_empty() {
        eprintln!("skipped: no corpus at {}", corpus_dir().display());
        return;
    }
    let _ = cat();
    bencher
        .counter(divan::counter::ItemsCount::new(files.len()))
        .bench(|| {
            files
                .par_iter()
                .map(|(name, text)| per_file(name, text))
                .sum::<usize>()
        });
}

/// Parse, normalize and expand every statement of every file (no rules).
#[divan::bench(sample_count = 10)]
fn load_and_expand(bencher: divan::Bencher<'_, '_>) {
    let opts = LoadOptions::default();
    let semantic = Semantic::new(cat());
    bench_files(bencher, |name, text| {
        let f = load_text(name, text, &opts);
        f.documents
            .iter()
            .map(|d| semantic.document(d).statements.len())
            .sum()
    });
}

/// `iamlint check` without the process: every default rule on every file.
#[divan::bench(sample_count = 5)]
fn check_default_rules(bencher: divan::Bencher<'_, '_>) {
    let opts = LoadOptions::default();
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
    bench_files(bencher, |name, text| {
        let f = load_text(name, text, &opts);
        let source = SourceFile::new(name, text);
        check_file(&copts, &source, Ok(&f), true).len()
    });
}
