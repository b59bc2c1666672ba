//! Sanity run over the shared corpus (../shared/corpus beside the repository; skipped when absent): no
//! panics, no errors on AWS managed policies, no errors on CloudFormation templates that
//! cfn-lint accepts.

use std::path::Path;

use iamlint_syntax::{parse_json, parse_yaml, Limits, Parsed};

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn files(dir: &str) -> Option<Vec<std::path::PathBuf>> {
    let dir = corpus().join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Some(files)
}

fn load(path: &Path) -> Option<(String, Parsed)> {
    let src = std::fs::read_to_string(path).ok()?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if is_json {
        parse_json(&src, &Limits::default())
    } else {
        parse_yaml(&src, &Limits::default())
    };
    Some((src, parsed))
}

#[test]
fn managed_policies_all_parse() {
    let Some(files) = files("managed") else {
        eprintln!("skipped: {}/managed is absent", corpus().display());
        return;
    };
    let mut parsed_count = 0;
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let Some((_, parsed)) = load(path) else {
            continue;
        };
        assert!(
            parsed.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.errors
        );
        assert_eq!(parsed.documents.len(), 1);
        assert!(
            parsed.documents[0].get("Statement").is_some(),
            "{}",
            path.display()
        );
        parsed_count += 1;
    }
    assert!(parsed_count > 0);
}

#[test]
fn cloudformation_templates_all_parse() {
    let Some(files) = files("cfn") else {
        eprintln!("skipped: {}/cfn is absent", corpus().display());
        return;
    };
    let mut failures = Vec::new();
    let mut parsed_count = 0;
    for path in &files {
        let Some((src, parsed)) = load(path) else {
            continue;
        };
        parsed_count += 1;
        if let Some(e) = parsed.errors.first() {
            let at = iamlint_syntax::LineIndex::new(&src).line_col(&src, e.span.start);
            failures.push(format!(
                "{}:{}:{}: {}",
                path.display(),
                at.line,
                at.column,
                e.message
            ));
            continue;
        }
        assert!(!parsed.documents.is_empty(), "{}", path.display());
        assert!(
            parsed.documents[0].get("Resources").is_some(),
            "{}: no Resources",
            path.display()
        );
    }
    assert!(parsed_count > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
