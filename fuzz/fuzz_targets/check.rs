//! Fuzz the whole pipeline after reading: load (JSON or YAML, policy or CloudFormation
//! template, normalization, placeholders), build the graph and run every rule, default
//! or not. No panic, and every diagnostic's span lies on character boundaries.
#![no_main]

use iamlint_catalog::Catalog;
use iamlint_policy::{load_text, LoadOptions};
use iamlint_report::SourceFile;
use iamlint_rules::{check_file, CheckOptions, RuleSelection};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    // the first byte picks the name, so both loaders and the CloudFormation path run
    let name = if src.starts_with('{') || src.starts_with('[') {
        "fuzz.json"
    } else {
        "fuzz.yaml"
    };
    let file = load_text(name, src, &LoadOptions::default());
    let selection = RuleSelection {
        select: vec!["all".to_string()],
        ..RuleSelection::default()
    };
    let rule_options = BTreeMap::new();
    let opts = CheckOptions {
        catalog: Catalog::embedded(),
        selection: &selection,
        rule_options: &rule_options,
        config_suppressions: &[],
    };
    let source = SourceFile::new(name, src);
    for d in check_file(&opts, &source, Ok(&file), true) {
        if let Some(l) = &d.primary {
            assert!(src.get(l.span.start as usize..l.span.end as usize).is_some());
        }
    }
});
