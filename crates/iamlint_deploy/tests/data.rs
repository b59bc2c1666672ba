//! The imported schema table and the curated data: fresh, consistent with the catalog,
//! and what the importer produces.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use iamlint_catalog::Catalog;
use iamlint_deploy::schema::{EMBEDDED_PROVENANCE, EMBEDDED_TABLE};
use iamlint_deploy::{Curated, Handler, Schemas};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn provenance() -> serde_json::Value {
    serde_json::from_str(EMBEDDED_PROVENANCE).unwrap()
}

/// A hand edit of the table (or a table and provenance from two imports) fails here.
#[test]
fn table_matches_its_provenance() {
    let p = provenance();
    let sha = format!("{:x}", Sha256::digest(EMBEDDED_TABLE.as_bytes()));
    assert_eq!(p["tableSha256"], sha, "run `cargo xtask cfn-schema-import`");
    let s = Schemas::embedded();
    assert_eq!(p["types"], s.len());
    let with = s.types().filter(|t| t.has_permissions()).count();
    assert_eq!(p["typesWithPermissions"], with);
    assert_eq!(p["licence"], "MIT-0");
    assert!(p["version"].as_str().is_some_and(|v| !v.is_empty()));
    // what the issue counted from the same data: 1,763 types with handler permissions
    assert!(with >= 1_700, "{with}");
}

/// The importer, run on a committed subset of the real schemas, gives exactly the
/// committed rows for those types: a change to the importer without a re-import fails.
#[test]
fn importer_reproduces_the_committed_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/deploy/cfn-schemas");
    let imported = iamlint_deploy::import::import(&dir, &Catalog::embedded()).unwrap();
    let committed: BTreeMap<&str, &str> = EMBEDDED_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| Some((l.split('\t').next()?, l)))
        .collect();
    let mut n = 0;
    for line in imported.table.lines().filter(|l| !l.starts_with('#')) {
        let ty = line.split('\t').next().unwrap();
        assert_eq!(Some(&line), committed.get(ty), "row of {ty} is stale");
        n += 1;
    }
    assert_eq!(n, 8);
    assert!(imported
        .table
        .starts_with(iamlint_deploy::import::TABLE_HEADER));
    assert!(EMBEDDED_TABLE.starts_with(iamlint_deploy::import::TABLE_HEADER));
    // the region-only type is recorded with its regions, and no region differs
    assert_eq!(imported.region_only.len(), 1);
    assert!(imported.region_differences.is_empty());
}

/// The actions the provenance lists as missing from the catalog are exactly the table's
/// actions the embedded catalog does not know: a catalog update shows up here.
#[test]
fn actions_not_in_the_catalog_are_listed_exactly() {
    let catalog = &Catalog::embedded();
    let mut missing = BTreeSet::new();
    for t in Schemas::embedded().types() {
        for h in iamlint_deploy::HANDLERS {
            for a in t.permissions(h).into_iter().flatten() {
                if !iamlint_deploy::known_action(catalog, a) {
                    missing.insert(a.to_string());
                }
            }
        }
    }
    let listed: BTreeSet<String> = provenance()["actionsNotInCatalog"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        missing, listed,
        "run `cargo xtask cfn-schema-import` after a catalog update"
    );
}

#[test]
fn lookups() {
    let s = Schemas::embedded();
    let f = s.get("AWS::Lambda::Function").unwrap();
    assert_eq!(f.name_property(), Some("FunctionName"));
    assert_eq!(f.iam_type(), Some(("lambda", "function")));
    assert!(f.role_properties().any(|p| p == "Role"));
    assert!(f
        .permissions(Handler::Create)
        .unwrap()
        .any(|a| a == "lambda:CreateFunction"));
    let efs = s.get("AWS::EFS::FileSystem").unwrap();
    assert_eq!(efs.iam_type(), Some(("elasticfilesystem", "file-system")));
    assert!(efs
        .permissions(Handler::Delete)
        .unwrap()
        .any(|a| a == "elasticfilesystem:DeleteFileSystem"));
    // a role's own ARN is an output, not a role it passes
    assert_eq!(
        s.get("AWS::IAM::Role").unwrap().role_properties().count(),
        0
    );
    assert!(s.get("AWS::DynamoDB::Backup").unwrap().regions().count() >= 1);
    assert!(s.get("Custom::Nothing").is_none());
}

/// Every curated action is in the catalog; every curated type is in the table; a curated
/// role property is one the schemas do not already give, for a type whose handlers pass
/// a role; every SAM type generates known types.
#[test]
fn curated_data_is_consistent() {
    let c = Curated::embedded().unwrap();
    let catalog = &Catalog::embedded();
    let s = Schemas::embedded();
    for a in c
        .stack
        .create
        .iter()
        .chain(&c.stack.update)
        .chain(&c.stack.delete)
        .chain(&c.stack.transform_actions)
    {
        let id = catalog
            .find_action(a)
            .unwrap_or_else(|| panic!("{a} not in the catalog"));
        assert_eq!(&catalog.action_full_name(id), a, "spelling of {a}");
    }
    assert!(!c.passed_role.is_empty());
    for p in &c.passed_role {
        let t = s
            .get(&p.type_name)
            .unwrap_or_else(|| panic!("{} unknown", p.type_name));
        assert!(
            !t.role_properties().any(|r| r == p.property),
            "{} {} is derived already",
            p.type_name,
            p.property
        );
        let passes = [Handler::Create, Handler::Update].iter().any(|h| {
            t.permissions(*h)
                .is_some_and(|mut a| a.any(|x| x.eq_ignore_ascii_case("iam:PassRole")))
        });
        assert!(passes, "{}: handlers do not pass a role", p.type_name);
        assert!(
            p.source.starts_with("https://docs.aws.amazon.com/"),
            "{}",
            p.source
        );
    }
    for sam in &c.sam {
        for g in sam.generates.iter().chain(&sam.generates_without_role) {
            assert!(
                s.get(g).is_some(),
                "{} generates unknown {g}",
                sam.type_name
            );
        }
    }
}
