//! The crate graph points one way: each crate may depend only on the crates
//! docs/architecture.md allows it ("What each crate may import"). A new dependency that
//! breaks the direction (the policy model importing the catalog, a library importing
//! the command line) fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Crate → the iamlint crates its `[dependencies]` may name (the table of
/// docs/architecture.md).
const ALLOWED: &[(&str, &[&str])] = &[
    ("iamlint_syntax", &[]),
    ("iamlint_policy", &["iamlint_syntax"]),
    ("iamlint_formats", &["iamlint_syntax", "iamlint_policy"]),
    ("iamlint_catalog", &[]),
    ("iamlint_matcher", &["iamlint_catalog"]),
    ("iamlint_managed", &[]),
    (
        "iamlint_semantic",
        &[
            "iamlint_syntax",
            "iamlint_policy",
            "iamlint_catalog",
            "iamlint_matcher",
            "iamlint_managed",
        ],
    ),
    ("iamlint_report", &["iamlint_syntax"]),
    (
        "iamlint_analyzer",
        &[
            "iamlint_syntax",
            "iamlint_policy",
            "iamlint_formats",
            "iamlint_catalog",
            "iamlint_matcher",
            "iamlint_semantic",
        ],
    ),
    (
        "iamlint_deploy",
        &[
            "iamlint_syntax",
            "iamlint_policy",
            "iamlint_formats",
            "iamlint_catalog",
            "iamlint_matcher",
            "iamlint_semantic",
            "iamlint_analyzer",
            "iamlint_report",
        ],
    ),
    (
        "iamlint_rules",
        &[
            "iamlint_syntax",
            "iamlint_policy",
            "iamlint_formats",
            "iamlint_catalog",
            "iamlint_matcher",
            "iamlint_managed",
            "iamlint_semantic",
            "iamlint_analyzer",
            "iamlint_report",
            "iamlint_deploy",
        ],
    ),
    // the language server runs the check pipeline: every library, not the command line
    (
        "iamlint_lsp",
        &[
            "iamlint_syntax",
            "iamlint_policy",
            "iamlint_formats",
            "iamlint_catalog",
            "iamlint_matcher",
            "iamlint_managed",
            "iamlint_semantic",
            "iamlint_analyzer",
            "iamlint_report",
            "iamlint_deploy",
            "iamlint_rules",
        ],
    ),
];

/// The iamlint crates named in the `[dependencies]` table of a manifest.
fn dependencies(manifest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps {
            continue;
        }
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        if name.starts_with("iamlint_") {
            out.insert(name.to_string());
        }
    }
    out
}

fn crates() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("crates/") {
        let path = entry.expect("an entry").path();
        let Ok(manifest) = std::fs::read_to_string(path.join("Cargo.toml")) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        out.insert(name, dependencies(&manifest));
    }
    out
}

#[test]
fn every_crate_imports_only_what_the_architecture_allows() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(c, deps)| (*c, deps.iter().copied().collect()))
        .collect();
    let mut wrong = Vec::new();
    for (name, deps) in crates() {
        if name == "iamlint_cli" {
            // the command line may use every library
            continue;
        }
        let Some(ok) = allowed.get(name.as_str()) else {
            wrong.push(format!(
                "{name} is not in the table of docs/architecture.md (and ALLOWED here)"
            ));
            continue;
        };
        for d in deps {
            if !ok.contains(d.as_str()) {
                wrong.push(format!("{name} depends on {d}, which it may not import"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_library_depends_on_the_command_line() {
    for (name, deps) in crates() {
        assert!(
            !deps.contains("iamlint_cli"),
            "{name} depends on the command line"
        );
    }
}

#[test]
fn the_scanner_reads_dependencies() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\niamlint_syntax.workspace = true\niamlint_policy = { path = \"..\" }\nserde.workspace = true\n[dev-dependencies]\niamlint_catalog.workspace = true\n";
    let deps: Vec<String> = dependencies(manifest).into_iter().collect();
    assert_eq!(deps, ["iamlint_policy", "iamlint_syntax"]);
}
