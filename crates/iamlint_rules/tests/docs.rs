#![allow(clippy::unwrap_used)]
//! docs/rules/ is generated from the rules' doc comments and must be fresh.
//! Regenerate with `IAMLINT_UPDATE_DOCS=1 cargo test -p iamlint_rules --test docs`.

use iamlint_rules::docs::{index_page, rule_page};
use iamlint_rules::registry::all_rules;
use std::path::Path;

#[test]
fn rule_pages_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let update = std::env::var_os("IAMLINT_UPDATE_DOCS").is_some();
    let mut expected = vec![("README.md".to_string(), index_page())];
    for r in all_rules() {
        expected.push((format!("{}.md", r.info().name), rule_page(r.info())));
    }
    if update {
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            std::fs::remove_file(e.path()).unwrap();
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(t) if &t == text => {}
            _ => stale.push(name.clone()),
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(|rd| rd.count()).unwrap_or(0);
    assert!(
        stale.is_empty() && on_disk == expected.len(),
        "docs/rules is stale ({} stale, {} files on disk, {} expected): run `IAMLINT_UPDATE_DOCS=1 cargo test -p iamlint_rules --test docs`",
        stale.len(),
        on_disk,
        expected.len()
    );
}
